//! The terminal: raw mode and the alternate screen, restored on every way out — normal exit,
//! panic, SIGTERM, SIGHUP (an SSH drop) and Ctrl-C.

use std::io::{self, Write};

use ratatui::crossterm::{
    cursor, execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

/// Puts the terminal back as it was. Safe to call more than once, and when the terminal is
/// already gone (errors are ignored: there is nothing left to tell).
pub fn restore() {
    let _ = terminal::disable_raw_mode();
    let mut out = io::stdout();
    let _ = execute!(
        out,
        ratatui::crossterm::event::DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = out.flush();
}

/// Takes the terminal back after another program used it.
pub fn reenter() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All),
        cursor::Hide,
        ratatui::crossterm::event::EnableBracketedPaste
    )
}

/// Holds the terminal in raw mode on the alternate screen; restores it when dropped.
pub struct TermGuard;

impl TermGuard {
    pub fn enter() -> io::Result<TermGuard> {
        // Restore first on panic, then let the default hook print the message on a sane screen.
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            default_hook(info);
        }));
        let guard = TermGuard;
        reenter()?;
        Ok(guard)
    }
}

impl Drop for TermGuard {
    fn drop(&mut self) {
        restore();
    }
}

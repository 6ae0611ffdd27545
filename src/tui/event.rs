//! Messages and the loop: block on one channel, update, draw once. No timer: the app sleeps
//! until a key, a resize, a signal or a job result arrives.

use std::io::{self, BufWriter, Write};
use std::sync::mpsc::{Receiver, Sender};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind};
use ratatui::crossterm::{queue, terminal};

use crate::tui::app::{App, Effect};
use crate::tui::artifact::ArtifactContent;
use crate::tui::graphics::KittyState;
use crate::tui::jobs::{DbReply, DbRequest, spawn_artifact};

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize(u16, u16),
    /// SIGTERM, SIGHUP or SIGINT: leave now (drafts are already saved).
    Quit,
    Db(DbReply),
    Artifact {
        submission_id: i64,
        index: usize,
        content: Box<ArtifactContent>,
    },
    /// The database thread could not start.
    Fatal(String),
}

/// Reads terminal input on its own thread.
pub fn spawn_input(tx: Sender<Msg>) {
    std::thread::spawn(move || {
        loop {
            let msg = match event::read() {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Ok(Event::Paste(s)) => Msg::Paste(s),
                Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                Ok(_) => continue,
                // The terminal is gone (e.g. the SSH link dropped).
                Err(_) => Msg::Quit,
            };
            let quit = matches!(msg, Msg::Quit);
            if tx.send(msg).is_err() || quit {
                return;
            }
        }
    });
}

/// Turns SIGTERM, SIGHUP and SIGINT into [`Msg::Quit`].
pub fn spawn_signals(tx: Sender<Msg>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            let _ = tx.send(Msg::Quit);
        }
    });
    Ok(())
}

/// A writer whose `flush` does nothing, so ratatui's per-draw flush does not split a frame;
/// the loop flushes once per frame, after the synchronized-update end marker.
pub struct FrameWriter<W: Write> {
    inner: BufWriter<W>,
}

impl<W: Write> FrameWriter<W> {
    pub fn new(inner: W) -> Self {
        FrameWriter {
            inner: BufWriter::with_capacity(64 * 1024, inner),
        }
    }
    pub fn flush_frame(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Draws one frame inside a synchronized update, written to the terminal in one flush.
pub fn draw<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<FrameWriter<W>>>,
    app: &App,
    kitty: &mut KittyState,
) -> io::Result<()> {
    queue!(terminal.backend_mut(), terminal::BeginSynchronizedUpdate)?;
    terminal.draw(|f| app.draw(f))?;
    let images = kitty.frame(app.placement.borrow().as_ref());
    terminal.backend_mut().write_all(&images)?;
    queue!(terminal.backend_mut(), terminal::EndSynchronizedUpdate)?;
    terminal.backend_mut().writer_mut().flush_frame()
}

/// The main loop.
pub fn run<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<FrameWriter<W>>>,
    app: &mut App,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    db: Sender<DbRequest>,
) -> io::Result<()> {
    // `db` is dropped when this returns, which lets the database thread finish and stop.
    let mut kitty = KittyState::default();
    let start = app.start();
    perform(start, app, &tx, &db);
    draw(terminal, app, &mut kitty)?;
    while let Ok(msg) = rx.recv() {
        app.now = crate::store::now();
        let mut effects = app.update(msg);
        // Drain what else is waiting, then draw once.
        while let Ok(more) = rx.try_recv() {
            effects.extend(app.update(more));
        }
        perform(effects, app, &tx, &db);
        if app.quit {
            break;
        }
        terminal.autoresize()?;
        draw(terminal, app, &mut kitty)?;
    }
    if app.graphics == crate::tui::graphics::Graphics::Kitty {
        terminal.backend_mut().write_all(&kitty.clear())?;
        terminal.backend_mut().writer_mut().flush_frame()?;
    }
    Ok(())
}

fn perform(effects: Vec<Effect>, app: &App, tx: &Sender<Msg>, db: &Sender<DbRequest>) {
    for e in effects {
        match e {
            Effect::Db(req) => {
                let _ = db.send(req);
            }
            Effect::LoadArtifact {
                submission_id,
                index,
                record,
                path,
            } => spawn_artifact(submission_id, index, record, path, app.theme, tx.clone()),
        }
    }
}

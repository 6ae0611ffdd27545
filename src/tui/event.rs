//! Messages and the loop: block on one channel, update, draw once. No timer: the app sleeps
//! until a key, a resize, a signal or a job result arrives.

use std::io::{self, BufWriter, Write};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{self, Event, KeyEventKind};
use ratatui::crossterm::{queue, terminal};

use crate::tui::app::App;

use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::graphics::KittyState;
use crate::tui::jobs::spawn_artifact;
use crate::tui::message::Msg;

/// Lets the loop stop the input thread from reading while another program (the lead's
/// $EDITOR) owns the terminal.
#[derive(Clone, Default)]
pub struct InputControl {
    /// (pause requested, input thread parked)
    state: Arc<(Mutex<(bool, bool)>, Condvar)>,
}

impl InputControl {
    /// Asks the input thread to stop reading and waits until it has.
    pub fn pause(&self) {
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = true;
        while !s.1 {
            s = cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    pub fn resume(&self) {
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        s.0 = false;
        cv.notify_all();
    }

    /// In the input thread: parks while a pause is requested.
    fn checkpoint(&self) {
        let (lock, cv) = &*self.state;
        let mut s = lock.lock().unwrap_or_else(|e| e.into_inner());
        if s.0 {
            s.1 = true;
            cv.notify_all();
            while s.0 {
                s = cv.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            s.1 = false;
        }
    }
}

/// Reads terminal input on its own thread. It waits for input in slices of a quarter second
/// so that it can hand the terminal over to $EDITOR; it never reads while paused.
pub fn spawn_input(tx: Sender<Msg>, control: InputControl) {
    std::thread::spawn(move || {
        loop {
            control.checkpoint();
            match event::poll(std::time::Duration::from_millis(250)) {
                Ok(false) => continue,
                Ok(true) => {}
                Err(_) => {
                    let _ = tx.send(Msg::Quit);
                    return;
                }
            }
            control.checkpoint();
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

/// The threads effects are sent to.
pub struct Workers {
    pub db: Sender<DbRequest>,
    pub validate: Sender<(u64, String)>,
    pub input: InputControl,
    /// The workspace and the user, for the approval thread.
    pub root: std::path::PathBuf,
    pub user: String,
    pub approval: Option<crate::tui::approval::ApprovalJob>,
    /// What F4 may run.
    pub editor: EditorChoice,
}

/// The main loop.
pub fn run<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<FrameWriter<W>>>,
    app: &mut App,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    mut workers: Workers,
) -> io::Result<()> {
    // `workers` is dropped when this returns, which lets the database thread finish and stop.
    let mut kitty = KittyState::default();
    let start = app.start();
    perform(start, app, terminal, &tx, &mut workers);
    draw(terminal, app, &mut kitty)?;
    while let Ok(msg) = rx.recv() {
        app.now = crate::store::now();
        let mut effects = app.update(msg);
        // Drain what else is waiting, then draw once.
        while let Ok(more) = rx.try_recv() {
            effects.extend(app.update(more));
        }
        perform(effects, app, terminal, &tx, &mut workers);
        if app.quit {
            break;
        }
        terminal.autoresize()?;
        draw(terminal, app, &mut kitty)?;
    }
    // An approval still signing stops after the batch in hand; wait for it so that batch is
    // stored whole (or not at all) before the process ends.
    if let Some(job) = workers.approval.take() {
        job.cancel();
        job.join();
    }
    if app.graphics == crate::tui::graphics::Graphics::Kitty {
        terminal.backend_mut().write_all(&kitty.clear())?;
        terminal.backend_mut().writer_mut().flush_frame()?;
    }
    Ok(())
}

fn perform<W: Write>(
    effects: Vec<Effect>,
    app: &App,
    terminal: &mut Terminal<CrosstermBackend<FrameWriter<W>>>,
    tx: &Sender<Msg>,
    workers: &mut Workers,
) {
    for e in effects {
        match e {
            Effect::Db(req) => {
                let _ = workers.db.send(req);
            }
            Effect::LoadArtifact {
                submission_id,
                index,
                record,
                path,
            } => spawn_artifact(submission_id, index, record, path, app.theme, tx.clone()),
            Effect::LoadDiff {
                submission_id,
                index,
                old,
                new,
                attempt,
            } => {
                let (theme, out) = (app.theme, tx.clone());
                std::thread::spawn(move || {
                    let content = crate::tui::artifact::diff::load(&old, &new, attempt, theme);
                    let _ = out.send(Msg::ArtifactDiff {
                        submission_id,
                        index,
                        content: Box::new(content),
                    });
                });
            }
            Effect::Validate { generation, text } => {
                let _ = workers.validate.send((generation, text));
            }
            Effect::Approve {
                approval,
                passphrase,
            } => {
                if let Some(old) = workers.approval.take() {
                    // The app starts one approval at a time; the last one has ended.
                    old.join();
                }
                workers.approval = Some(crate::tui::approval::spawn(
                    workers.root.clone(),
                    workers.user.clone(),
                    approval,
                    passphrase,
                    tx.clone(),
                ));
            }
            Effect::CancelApproval => {
                if let Some(job) = &workers.approval
                    && !job.is_finished()
                {
                    job.cancel();
                }
            }
            Effect::ExternalEditor { text } => {
                let result = external_edit(terminal, &workers.input, &text, &workers.editor);
                let _ = tx.send(Msg::ExternalEdited(result));
            }
        }
    }
}

/// Which editor F4 runs: locally the lead's own ($VISUAL, $EDITOR, else vi); over SSH only
/// the one the workspace's `editor` policy names, and none when it is unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditorChoice {
    Local,
    Policy(String),
    Off,
}

impl EditorChoice {
    /// From the environment (an SSH login sets `SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY`)
    /// and the policy.
    pub fn new(policy: Option<String>) -> Self {
        let over_ssh = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        match (over_ssh, policy) {
            (false, _) => EditorChoice::Local,
            (true, Some(cmd)) => EditorChoice::Policy(cmd),
            (true, None) => EditorChoice::Off,
        }
    }
}

/// Hands `text` to the editor `choice` names with the terminal released, then takes the
/// terminal back and redraws everything.
fn external_edit<W: Write>(
    terminal: &mut Terminal<CrosstermBackend<FrameWriter<W>>>,
    input: &InputControl,
    text: &str,
    choice: &EditorChoice,
) -> Result<String, String> {
    let editor = match choice {
        EditorChoice::Local => std::env::var("VISUAL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| {
                std::env::var("EDITOR")
                    .ok()
                    .filter(|v| !v.trim().is_empty())
            })
            .unwrap_or_else(|| "vi".to_string()),
        EditorChoice::Policy(cmd) => cmd.clone(),
        EditorChoice::Off => {
            return Err(
                "F4 is off over SSH: an editor can start a shell, which would escape \
                        the workbench. An admin can allow a restricted editor with \
                        `merit policy set editor rvim` (or `nano --restricted`)."
                    .into(),
            );
        }
    };
    let mut file = tempfile::Builder::new()
        .prefix("merit-rubric-")
        .suffix(".yaml")
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.flush())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi").to_string();
    let args: Vec<String> = parts.map(str::to_string).collect();

    input.pause();
    crate::tui::term::restore();
    let status = std::process::Command::new(&program)
        .args(&args)
        .arg(file.path())
        .status();
    let back = crate::tui::term::reenter();
    input.resume();
    if let Ok(area) = terminal.size() {
        // Forget what was on screen: the next frame is drawn in full.
        let _ = terminal.resize(ratatui::layout::Rect::new(0, 0, area.width, area.height));
    }
    back.map_err(|e| format!("cannot take the terminal back: {e}"))?;
    match status {
        Ok(s) if s.success() => std::fs::read_to_string(file.path())
            .map_err(|e| format!("cannot read the edited file: {e}")),
        Ok(s) => Err(format!("`{editor}` exited with {s}; the text is unchanged")),
        Err(e) => Err(format!("cannot run `{editor}`: {e} (set $EDITOR)")),
    }
}

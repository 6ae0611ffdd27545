//! The workbench: a full-screen, keyboard-first app for assessors.

pub mod app;
pub mod approval;
pub mod artifact;
pub mod calibration;
pub mod context;
pub mod effect;
pub mod event;
pub mod graphics;
pub mod jobs;
pub mod keymap;
pub mod learner;
pub mod message;
pub mod screens;
pub mod term;
pub mod theme;
pub mod widgets;

use std::io::{self, IsTerminal};
use std::path::Path;
use std::sync::mpsc::channel;

use anyhow::{Context, Result, bail};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::store::{Store, now};

use app::App;
use context::Session;
use event::FrameWriter;
use message::Msg;

/// Claims expire after this many idle minutes unless `MERIT_CLAIM_IDLE_MINUTES` says otherwise.
pub const DEFAULT_CLAIM_IDLE_MINUTES: i64 = 30;

pub fn claim_idle_secs() -> i64 {
    std::env::var("MERIT_CLAIM_IDLE_MINUTES")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| *m > 0)
        .unwrap_or(DEFAULT_CLAIM_IDLE_MINUTES)
        * 60
}

/// Runs the workbench on the workspace at `root` as `user`.
pub fn run(root: &Path, user: &str) -> Result<()> {
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        bail!(
            "the workbench needs a terminal (stdin and stdout must be a TTY). \
             Over SSH use `ssh -t`; in scripts use the subcommands (see `merit --help`)"
        );
    }
    // Fail before touching the screen if the workspace cannot be opened.
    let (is_lead, is_issuer, editor_policy, self_approval, no_roles_notice) = {
        let store = Store::open(root)?;
        let notice = store.roles_of(user)?.is_empty().then(|| {
            let admins = store.admins().unwrap_or_default();
            format!(
                "{} is not a user of this workspace, so everything here is read only. An admin \
                 ({}) can add you with `merit user add {} --role assessor`.",
                crate::sanitize::line(user),
                if admins.is_empty() {
                    "none yet".to_string()
                } else {
                    admins.join(", ")
                },
                crate::sanitize::line(user)
            )
        });
        (
            store.has_role(user, "lead")?,
            store.has_role(user, "issuer")?,
            store.policy(crate::store::policies::EDITOR)?,
            crate::store::policies::self_approval_allowed(&store)?,
            notice,
        )
    };
    let session = Session {
        user: user.to_string(),
        is_lead,
        is_issuer,
        claim_idle_secs: claim_idle_secs(),
        self_approval,
    };
    let theme = theme::Theme::from_env();
    // crossterm prints a bare `ESC[m` for colours when NO_COLOR is set, which would clear
    // reverse video; our theme already has no colours then, so tell crossterm to print them.
    ratatui::crossterm::style::Colored::set_ansi_color_disabled(false);

    let (tx, rx) = channel::<Msg>();
    let (db, db_thread) = jobs::spawn_db(root.to_path_buf(), user.to_string(), is_lead, tx.clone());
    let guard = term::TermGuard::enter().context("cannot set up the terminal")?;
    event::spawn_signals(tx.clone()).context("cannot install signal handlers")?;
    // Never ask the terminal anything (such as the cursor position): over a slow link, or in
    // a terminal that does not answer, the question would stall the start.
    let backend = CrosstermBackend::new(FrameWriter::new(io::stdout()));
    let mut terminal = Terminal::new(backend)?;
    let input = event::InputControl::default();
    event::spawn_input(tx.clone(), input.clone());
    let validate = jobs::spawn_validator(tx.clone());
    let size = ratatui::crossterm::terminal::size().unwrap_or((80, 24));
    let mut app = App::new(session, theme, size, now());
    if let Some(text) = no_roles_notice {
        app.popups
            .push(crate::tui::widgets::popup::Popup::info("Read only", text));
    }
    // The user's keymap, layered over the built-in one; a mistake is said, and the built-in
    // keys are used.
    if let Err(why) = keymap::user::load_and_install() {
        app.popups.push(crate::tui::widgets::popup::Popup::error(
            "Your keymap file has a problem",
            format!("{why}\nThe built-in keys are used until it is fixed."),
        ));
    }
    app.graphics = graphics::Graphics::detect();
    app.panic_key = std::env::var("MERIT_TEST_PANIC_KEY")
        .ok()
        .and_then(|v| v.chars().next());
    let workers = event::Workers {
        db,
        validate,
        input,
        root: root.to_path_buf(),
        user: user.to_string(),
        approval: None,
        editor: event::EditorChoice::new(editor_policy),
    };
    let result = event::run(&mut terminal, &mut app, rx, tx, workers);
    // Let the database thread finish what it was asked (the last draft) before leaving.
    drop(terminal);
    let _ = db_thread.join();
    drop(guard);
    result.context("the workbench stopped")
}

//! The command line: one file per subcommand, each thin (parse, call the library, print).

mod approve;
mod approve_pathway;
mod audit;
mod calibration;
mod cohort;
mod config;
mod demo;
mod export;
mod export_pathway;
mod import;
mod issuer;
mod notify;
mod passphrase;
mod pathway;
mod policy;
mod publish;
mod reliability;
mod revoke;
mod rubric;
mod second_mark;
mod transcript;
mod user;
mod verify;
mod workspace_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use merit::store::{Store, workspace};

#[derive(Parser)]
#[command(
    name = "merit",
    version,
    about = "A terminal workbench for micro-credentials",
    long_about = "Assessors review learners' evidence against YAML rubrics; program leads edit \
                  the rubrics; issuers sign Open Badges 3.0 credentials.\n\n\
                  Without a subcommand, merit opens the workbench on the workspace.",
    after_help = "Exit status: 0 success, 1 a check failed or the input was invalid, 2 usage error."
)]
pub struct Cli {
    /// Workspace folder (default: $MERIT_HOME, else the platform data folder)
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Act as this person (only for the workspace's service account or root; default: the
    /// account you run as)
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub as_user: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create a demo workspace with generated learners and open it
    Demo(demo::Args),
    /// Make a new, empty workspace (`merit workspace init DIR`)
    #[command(subcommand)]
    Workspace(workspace_cmd::Cmd),
    /// Check, import and list rubrics
    #[command(subcommand)]
    Rubric(rubric::Cmd),
    /// Import submissions from a folder (one subfolder per learner) or a CSV manifest
    Import(import::Args),
    /// List cohorts
    #[command(subcommand)]
    Cohort(cohort::Cmd),
    /// Manage people and their roles
    #[command(subcommand)]
    User(user::Cmd),
    /// Second marking: send assessed work to another assessor; decide disagreements
    #[command(subcommand)]
    SecondMark(second_mark::Cmd),
    /// Check the audit log
    #[command(subcommand)]
    Audit(audit::Cmd),
    /// The issuer's key and profile
    #[command(subcommand)]
    Issuer(issuer::Cmd),
    /// Sign Open Badges 3.0 credentials for work that meets the rubric
    Approve(approve::Args),
    /// Check credentials offline: JSON, baked PNG or SVG
    Verify(verify::Args),
    /// Write a cohort's credentials (JSON, baked PNG and SVG) and a CSV report
    Export(export::Args),
    /// Revoke a credential (then publish the status list)
    Revoke(revoke::RevokeArgs),
    /// Write the signed revocation list to publish
    StatusList(revoke::StatusListArgs),
    /// The workspace's policies (kept in the database, audited)
    #[command(subcommand)]
    Policy(policy::Cmd),
    /// Each deployment setting (merit.toml, the environment), and where it came from
    Config(config::Args),
    /// Write the issuer's public site: status lists, achievements, a page per credential
    Publish(publish::Args),
    /// E-mail each learner of a cohort their badge or their feedback
    Notify(notify::Args),
    /// How far assessors agree on double-marked work: kappa, alpha, severity (leads)
    Reliability(reliability::Args),
    /// Exemplars and assessors' calibration before live work (leads)
    #[command(subcommand)]
    Calibration(calibration::Cmd),
    /// Pathways: program badges earned by holding other badges
    #[command(subcommand)]
    Pathway(pathway::Cmd),
    /// Sign a learner's record (CLR 2.0) of every credential they hold (issuers)
    Transcript(transcript::Args),
}

/// Global context every subcommand gets.
pub struct Ctx {
    pub workspace: Option<PathBuf>,
    pub as_user: Option<String>,
}

impl Ctx {
    /// Who is acting: the account of this process's uid; `--as NAME` only for the
    /// workspace's service account or root (see `merit::identity`).
    pub fn actor(&self) -> Result<String> {
        let root = workspace::resolve(self.workspace.as_deref()).ok();
        merit::identity::acting(self.as_user.as_deref(), root.as_deref())
    }

    /// Opens the workspace and checks that the actor may take `action`; returns both.
    pub fn open_for(&self, action: merit::access::Action) -> Result<(Store, String)> {
        let actor = self.actor()?;
        let mut store = self.open()?;
        store.authorize(&actor, action)?;
        Ok((store, actor))
    }

    pub fn open(&self) -> Result<Store> {
        let root = workspace::resolve(self.workspace.as_deref())?;
        Store::open(&root)
    }

    /// Opens the workspace, creating it when there is none (the set-up commands).
    pub fn open_or_create(&self) -> Result<Store> {
        let root = workspace::resolve(self.workspace.as_deref())?;
        Store::create(&root)
    }
}

/// Refuses a cohort id the workspace does not have, the same way for every command.
pub fn require_cohort(store: &Store, id: &str) -> Result<()> {
    if !store.cohorts()?.iter().any(|c| c.id == id) {
        anyhow::bail!(
            "no cohort `{}` in this workspace; `merit cohort list` shows them",
            merit::sanitize::line(id)
        );
    }
    Ok(())
}

/// Whether a command works on an existing workspace. Those that do not: `demo` and
/// `workspace init` (they make one), `rubric import` and `user add` (the set-up commands,
/// which make one when needed), `verify` (an employer's, needing none), and `rubric check`,
/// `rubric diff` and `pathway check` of files.
fn needs_workspace(c: &Command) -> bool {
    !matches!(
        c,
        Command::Demo(_)
            | Command::Workspace(_)
            | Command::Verify(_)
            | Command::Rubric(
                rubric::Cmd::Check { .. } | rubric::Cmd::Diff { .. } | rubric::Cmd::Import { .. }
            )
            | Command::User(user::Cmd::Add { .. })
            | Command::Pathway(pathway::Cmd::Check { .. } | pathway::Cmd::Diff { .. })
    )
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Ctx {
        workspace: cli.workspace,
        as_user: cli.as_user,
    };
    if cli.command.as_ref().is_none_or(needs_workspace) {
        let root = workspace::resolve(ctx.workspace.as_deref())?;
        if !workspace::exists(&root) {
            return Err(workspace::not_a_workspace(&root));
        }
    }
    match cli.command {
        Some(Command::Demo(a)) => demo::run(&ctx, a),
        Some(Command::Workspace(c)) => workspace_cmd::run(&ctx, c),
        Some(Command::Rubric(c)) => rubric::run(&ctx, c),
        Some(Command::Import(a)) => import::run(&ctx, a),
        Some(Command::Cohort(c)) => cohort::run(&ctx, c),
        Some(Command::User(c)) => user::run(&ctx, c),
        Some(Command::SecondMark(c)) => second_mark::run(&ctx, c),
        Some(Command::Calibration(c)) => calibration::run(&ctx, c),
        Some(Command::Pathway(c)) => pathway::run(&ctx, c),
        Some(Command::Audit(c)) => audit::run(&ctx, c),
        Some(Command::Issuer(c)) => issuer::run(&ctx, c),
        Some(Command::Approve(a)) => approve::run(&ctx, a),
        Some(Command::Verify(a)) => verify::run(&ctx, a),
        Some(Command::Export(a)) => export::run(&ctx, a),
        Some(Command::Revoke(a)) => revoke::revoke(&ctx, a),
        Some(Command::StatusList(a)) => revoke::status_list(&ctx, a),
        Some(Command::Policy(c)) => policy::run(&ctx, c),
        Some(Command::Config(a)) => config::run(&ctx, a),
        Some(Command::Publish(a)) => publish::run(&ctx, a),
        Some(Command::Notify(a)) => notify::run(&ctx, a),
        Some(Command::Reliability(a)) => reliability::run(&ctx, a),
        Some(Command::Transcript(a)) => transcript::run(&ctx, a),
        None => {
            let root = workspace::resolve(ctx.workspace.as_deref())?;
            merit::tui::run(&root, &ctx.actor()?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

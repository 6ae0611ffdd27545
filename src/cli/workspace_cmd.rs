//! `merit workspace init [DIR]`: make a new, empty workspace.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;

use merit::sanitize::line as safe;
use merit::store::{Store, workspace};

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// Make a new workspace in DIR (else --workspace, $MERIT_HOME or the data folder); you
    /// become its admin and lead
    Init {
        /// The folder to make the workspace in (created if missing)
        dir: Option<PathBuf>,
    },
    /// Copy this SQLite workspace into an empty PostgreSQL database (admins): one snapshot,
    /// every row compared, the audit log verified on the copy; the SQLite file is only read
    Migrate {
        /// The PostgreSQL database, `postgres://user@host:port/database`
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Init { dir } => {
            let root = match dir {
                Some(d) => d,
                None => workspace::resolve(ctx.workspace.as_deref())?,
            };
            if Store::initialised(&root)? {
                bail!("{} is a Merit workspace already", root.display());
            }
            let store = Store::create(&root)?;
            let admins = store.admins()?;
            println!(
                "Workspace {} created; admin: {}.",
                safe(&root.display().to_string()),
                safe(&admins.join(", "))
            );
            println!(
                "Next: `merit --workspace {} rubric import FILE` and `merit --workspace {} user add NAME --role assessor`.",
                safe(&root.display().to_string()),
                safe(&root.display().to_string())
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Migrate { to } => migrate(ctx, &to),
    }
}

fn migrate(ctx: &Ctx, to: &str) -> Result<ExitCode> {
    let shown = safe(&merit::config::redact(to));
    if !(to.starts_with("postgres://") || to.starts_with("postgresql://")) {
        bail!("--to {shown}: give a PostgreSQL URL, `postgres://user@host:port/database`");
    }
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    if merit::config::database(&root)? != merit::config::Database::Sqlite {
        bail!(
            "{} is not in its SQLite file (see `merit config`): there is nothing to migrate",
            safe(&root.display().to_string())
        );
    }
    let actor = ctx.actor()?;
    let mut store = Store::open(&root)?;
    eprintln!(
        "Stop the workbench and every other merit command on this workspace first: the copy \
         reads one snapshot of {}, and what is written after it starts is not copied.",
        safe(&root.join(workspace::DB_FILE).display().to_string())
    );
    let report = store.copy_to_postgres(to, &shown, &actor, |table, rows| {
        eprintln!("  {table}: {rows} row(s)");
    })?;
    let rows: u64 = report.tables.iter().map(|(_, n)| n).sum();
    println!(
        "copied {} table(s), {rows} row(s) into {shown}; every row arrived with the same content",
        report.tables.len()
    );
    let a = &report.audit;
    if !a.ok() {
        println!("the audit log does NOT verify on the copy:");
        for p in &a.problems {
            println!("  ✗ {}", safe(p));
        }
        return Ok(ExitCode::from(1));
    }
    println!(
        "audit log verified on the copy: {} entries, {} seal(s), {} record(s) match the log",
        a.entries, a.seals, a.records
    );
    if report.written_during_copy {
        println!(
            "something was written to the SQLite workspace during the copy, and is not in it: \
             drop the copy's tables, stop every merit process, and migrate again"
        );
        return Ok(ExitCode::from(1));
    }
    println!("nothing was written to the SQLite workspace during the copy");
    println!(
        "Next: set `[database] url = \"{shown}\"` in {} (or MERIT_DATABASE_URL) on every host; \
         {} stays as it was, a backup of the workspace before the move.",
        safe(&root.join(workspace::CONFIG_FILE).display().to_string()),
        workspace::DB_FILE
    );
    Ok(ExitCode::SUCCESS)
}

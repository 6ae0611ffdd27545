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
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Init { dir } => {
            let root = match dir {
                Some(d) => d,
                None => workspace::resolve(ctx.workspace.as_deref())?,
            };
            if workspace::exists(&root) {
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
    }
}

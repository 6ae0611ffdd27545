//! `merit audit verify`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// Check that no audit entry was edited or deleted (exit 1 if one was)
    Verify {
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Verify { json } => {
            let (store, _) = ctx.open_for(merit::access::Action::Read)?;
            let report = store.verify_audit()?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&report)?);
            } else if report.ok() {
                println!(
                    "audit log intact: {} entries, chain verified",
                    report.entries
                );
            } else {
                for p in &report.problems {
                    println!("{}", merit::sanitize::line(p));
                }
                println!(
                    "audit log BROKEN: {} problem(s) in {} entries",
                    report.problems.len(),
                    report.entries
                );
            }
            Ok(if report.ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

//! `merit cohort list`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// One cohort a line: id, name, rubric, then counts
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let Cmd::List { json } = cmd;
    let (store, _) = ctx.open_for(merit::access::Action::Read)?;
    let cohorts = store.cohorts()?;
    if json {
        println!("{}", merit::sanitize::json_pretty(&cohorts)?);
        return Ok(ExitCode::SUCCESS);
    }
    if cohorts.is_empty() {
        eprintln!("no cohorts yet; create one with `merit import --cohort ID --rubric ID SOURCE`");
    }
    for c in cohorts {
        println!(
            "{}\t{}\trubric {}\t{} learners\t{} submissions\t{} new\t{} in progress\t{} scored\t{} not yet\t{} second marking\t{} approved\t{} issued\t{} revoked",
            merit::sanitize::line(&c.id),
            merit::sanitize::line(&c.name),
            merit::sanitize::line(&c.rubric_id),
            c.learners,
            c.submissions,
            c.new,
            c.in_progress,
            c.scored,
            c.not_yet,
            c.second_marking,
            c.approved,
            c.issued,
            c.revoked
        );
    }
    Ok(ExitCode::SUCCESS)
}

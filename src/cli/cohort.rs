//! `merit cohort list | set`.

use std::process::ExitCode;

use anyhow::Result;
use clap::Subcommand;
use merit::vocabulary::Status;

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// One cohort a line: id, name, rubric, then counts
    List {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Change a cohort's settings (leads)
    Set {
        /// The cohort's id
        id: String,
        /// Leave learners' names off the cohort's published credential pages
        #[arg(long, conflicts_with = "page_names")]
        no_page_names: bool,
        /// Show learners' names on the pages again (the default)
        #[arg(long)]
        page_names: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let json = match cmd {
        Cmd::List { json } => json,
        Cmd::Set {
            id,
            no_page_names,
            page_names,
        } => {
            let actor = ctx.actor()?;
            let mut store = ctx.open()?;
            if !no_page_names && !page_names {
                anyhow::bail!("say what to set: --no-page-names or --page-names");
            }
            store.set_page_names(&id, page_names, &actor)?;
            println!(
                "{}: learners' names {} its credential pages (at the next `merit publish`)",
                merit::sanitize::line(&id),
                if page_names {
                    "show on"
                } else {
                    "are left off"
                }
            );
            return Ok(ExitCode::SUCCESS);
        }
    };
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
            "{}\t{}\trubric {}\t{} learners\t{} submissions\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}",
            merit::sanitize::line(&c.id),
            merit::sanitize::line(&c.name),
            merit::sanitize::line(&c.rubric_id),
            c.learners,
            c.submissions,
            c.new,
            Status::New.word(),
            c.in_progress,
            Status::InProgress.word(),
            c.meets,
            Status::Meets.word(),
            c.not_yet,
            Status::NotYet.word(),
            c.second_marking,
            Status::SecondMarking.word(),
            c.approved,
            Status::Approved.word(),
            c.issued,
            Status::Issued.word(),
            c.revoked,
            Status::Revoked.word()
        );
    }
    Ok(ExitCode::SUCCESS)
}

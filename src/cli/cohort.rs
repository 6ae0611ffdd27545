//! `merit cohort list | set | reveal`.

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
        /// Blind marking: assessors see a candidate number instead of each learner's name,
        /// email and id (leads and issuers still see names)
        #[arg(long, conflicts_with = "not_blind")]
        blind: bool,
        /// Assessors see names again
        #[arg(long)]
        not_blind: bool,
    },
    /// Reveal a blind learner's name to one assessor, for a grade inquiry (leads; audited)
    Reveal {
        /// The cohort's id
        id: String,
        /// The learner: their id or candidate number
        #[arg(long, value_name = "ID|C-NUMBER")]
        learner: String,
        /// The assessor who may see the name from now on
        #[arg(long, value_name = "NAME")]
        to: String,
        /// Why (kept in the audit log)
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let json = match cmd {
        Cmd::List { json } => json,
        Cmd::Set {
            id,
            no_page_names,
            page_names,
            blind,
            not_blind,
        } => {
            let actor = ctx.actor()?;
            let mut store = ctx.open()?;
            if !no_page_names && !page_names && !blind && !not_blind {
                anyhow::bail!(
                    "say what to set: --blind or --not-blind, --no-page-names or --page-names"
                );
            }
            if blind || not_blind {
                let n = store.set_blind(&id, blind, &actor)?;
                if blind {
                    println!(
                        "{}: blind; its assessors see candidate numbers ({n} learners numbered)",
                        merit::sanitize::line(&id)
                    );
                } else {
                    println!(
                        "{}: not blind; its assessors see names",
                        merit::sanitize::line(&id)
                    );
                }
            }
            if no_page_names || page_names {
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
            }
            return Ok(ExitCode::SUCCESS);
        }
        Cmd::Reveal {
            id,
            learner,
            to,
            reason,
        } => {
            // The role first, so that whether a learner exists is no answer to anyone else.
            let (mut store, actor) = ctx.open_for(merit::access::Action::RevealName)?;
            let Some(sid) = store.learner_submission(&id, &learner)? else {
                anyhow::bail!(
                    "no learner `{}` in cohort `{}`: give their id or candidate number",
                    merit::sanitize::line(&learner),
                    merit::sanitize::line(&id)
                );
            };
            store.reveal(sid, &to, &reason, &actor)?;
            println!(
                "{} now sees the name of {} in cohort {} (recorded in the audit log)",
                merit::sanitize::line(&to),
                merit::sanitize::line(&learner),
                merit::sanitize::line(&id)
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
            "{}\t{}\trubric {}\t{} learners\t{} submissions\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}\t{} {}{}",
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
            Status::Revoked.word(),
            if c.blind { "\tblind" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

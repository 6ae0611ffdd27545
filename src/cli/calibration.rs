//! `merit calibration exemplar|exemplars|withdraw|status|allow|retry`: a lead's side of
//! calibration before live work (assessors calibrate in the workbench).

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Subcommand;

use merit::access::Action;
use merit::sanitize::line as safe;
use merit::store::calibration::ExemplarInput;

use super::Ctx;

#[derive(Subcommand)]
pub enum Cmd {
    /// Make a scored submission an exemplar of its rubric version, with a note per criterion
    Exemplar {
        /// The submission id (shown in the cohort view)
        submission: i64,
        /// Why the reference level of a criterion is right: CRITERION=TEXT, one per criterion
        #[arg(long = "note", value_name = "CRITERION=TEXT")]
        notes: Vec<String>,
        /// A reference level other than the standing assessment's: CRITERION=LEVEL
        #[arg(long = "level", value_name = "CRITERION=LEVEL")]
        levels: Vec<String>,
    },
    /// The exemplars in use
    Exemplars {
        /// Only this rubric's
        #[arg(long, value_name = "ID")]
        rubric: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Take an exemplar out of calibration (rounds already scored keep it)
    Withdraw {
        /// The exemplar id (`merit calibration exemplars` lists them)
        exemplar: i64,
    },
    /// Every assessor's calibration per rubric: passed, not passed, allowed, in progress
    Status {
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Let an assessor score live work of a rubric without (further) calibration
    Allow {
        /// The assessor's name
        assessor: String,
        /// The rubric (its current version's criteria and levels)
        #[arg(long, value_name = "ID")]
        rubric: String,
        /// Why (kept in the audit log)
        #[arg(long)]
        reason: String,
    },
    /// Open a new round for an assessor whose calibration did not pass
    Retry {
        /// The assessor's name
        assessor: String,
        /// The rubric (its current version's criteria and levels)
        #[arg(long, value_name = "ID")]
        rubric: String,
    },
}

fn pairs(args: &[String], what: &str) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => bail!("`{}` is not {what}", safe(a)),
        })
        .collect()
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    match cmd {
        Cmd::Exemplar {
            submission,
            notes,
            levels,
        } => {
            let (mut store, actor) = ctx.open_for(Action::ManageCalibration)?;
            let input = ExemplarInput {
                submission_id: submission,
                notes: pairs(&notes, "CRITERION=TEXT")?,
                levels: pairs(&levels, "CRITERION=LEVEL")?,
            };
            let id = store.add_exemplar(&input, &actor)?;
            println!(
                "exemplar {id}: submission {submission}; assessors who have not calibrated on \
                 its rubric score it before live work"
            );
        }
        Cmd::Exemplars { rubric, json } => {
            let (store, _) = ctx.open_for(Action::ManageCalibration)?;
            let list = store.exemplars(rubric.as_deref())?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&list)?);
            } else {
                if list.is_empty() {
                    eprintln!(
                        "no exemplars; `merit calibration exemplar SUBMISSION --note C=TEXT` adds one"
                    );
                }
                for e in list {
                    println!(
                        "{}\tsubmission {}\t{} v{}\t{}\tadded by {} {}",
                        e.id,
                        e.submission_id,
                        safe(&e.rubric_id),
                        e.version,
                        merit::vocabulary::word(&e.decision),
                        safe(&e.added_by),
                        merit::store::format_time(e.added_at)
                    );
                }
            }
        }
        Cmd::Withdraw { exemplar } => {
            let (mut store, actor) = ctx.open_for(Action::ManageCalibration)?;
            store.withdraw_exemplar(exemplar, &actor)?;
            println!("exemplar {exemplar} withdrawn");
        }
        Cmd::Status { json } => {
            let actor = ctx.actor()?;
            let mut store = ctx.open()?;
            let rows = store.calibration_rows(&actor)?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&rows)?);
            } else {
                if rows.is_empty() {
                    eprintln!("no calibration yet");
                }
                for r in rows {
                    println!(
                        "{}\t{}\t{}\tround {}\t{} of {} levels exact\t{} of {} decisions the same",
                        safe(&r.assessor),
                        safe(&r.rubric_id),
                        r.result,
                        r.round,
                        r.exact,
                        r.levels,
                        r.decisions_same,
                        r.exemplars
                    );
                }
            }
        }
        Cmd::Allow {
            assessor,
            rubric,
            reason,
        } => {
            let (mut store, actor) = ctx.open_for(Action::ManageCalibration)?;
            store.allow_calibration(&assessor, &rubric, &reason, &actor)?;
            println!(
                "{} may score {} live work now (recorded in the audit log)",
                safe(&assessor),
                safe(&rubric)
            );
        }
        Cmd::Retry { assessor, rubric } => {
            let (mut store, actor) = ctx.open_for(Action::ManageCalibration)?;
            store.retry_calibration(&assessor, &rubric, &actor)?;
            println!(
                "{} scores {}'s exemplars again when they next open its work",
                safe(&assessor),
                safe(&rubric)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

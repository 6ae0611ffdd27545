//! `merit second-mark request|resolve|list`: a lead's side of second marking.

use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Subcommand, ValueEnum};

use merit::rubric::Decision;
use merit::sanitize::line as safe;
use merit::store::SecondMarking;

use super::Ctx;

#[derive(Clone, Copy, ValueEnum)]
pub enum DecisionArg {
    Meets,
    NotYet,
}

#[derive(Subcommand)]
pub enum Cmd {
    /// Send assessed submissions to a second, independent assessor
    Request {
        /// Submission ids (`merit second-mark list --candidates --cohort C` shows them)
        ids: Vec<i64>,
        /// The cohort to draw a sample from (with the flags below)
        #[arg(long, value_name = "COHORT")]
        cohort: Option<String>,
        /// Draw this many at random from the cohort's assessed, unsigned work
        #[arg(long, value_name = "N", requires = "cohort")]
        sample: Option<usize>,
        /// Draw from each assessor's work: a count (5) or a share (10%, rounded up)
        #[arg(long, value_name = "N|P%", requires = "cohort")]
        per_assessor: Option<String>,
        /// With --per-assessor: at least this many of each assessor's work
        #[arg(long, value_name = "N", requires = "per_assessor", default_value_t = 0)]
        min: usize,
        /// All work whose weighted total is within K points of the pass mark
        #[arg(long, value_name = "K", requires = "cohort")]
        borderline: Option<f64>,
        /// All work assessed "not yet"
        #[arg(long, requires = "cohort")]
        all_not_yet: bool,
        /// Seed of the random draws, to draw the same submissions again (printed when not given)
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Decide a second-marked submission whose assessors disagree
    Resolve {
        /// The submission id (shown in the cohort view and `second-mark list`)
        id: i64,
        #[arg(long, value_enum)]
        decision: DecisionArg,
        /// Why (kept in the audit log)
        #[arg(long)]
        note: String,
    },
    /// Submissions sent to second marking, and where each stands
    List {
        /// Only this cohort
        #[arg(long, value_name = "COHORT")]
        cohort: Option<String>,
        /// List the submissions that could be sent instead (needs --cohort)
        #[arg(long, requires = "cohort")]
        candidates: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Ctx, cmd: Cmd) -> Result<ExitCode> {
    let mut store = ctx.open()?;
    match cmd {
        Cmd::Request {
            mut ids,
            cohort,
            sample,
            per_assessor,
            min,
            borderline,
            all_not_yet,
            seed,
        } => {
            let actor = ctx.actor()?;
            store.authorize(&actor, merit::access::Action::RequestSecondMarking)?;
            let plan = merit::moderation::Plan {
                per_assessor: per_assessor
                    .as_deref()
                    .map(merit::moderation::Quota::parse)
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("--per-assessor {}", safe(&e)))?,
                min,
                borderline: match borderline {
                    Some(k) if !(k.is_finite() && k >= 0.0) => {
                        bail!(
                            "--borderline {k}: give the points either side of the pass mark, 0 or more"
                        )
                    }
                    k => k,
                },
                all_not_yet,
                random: sample,
            };
            let mut reasons: std::collections::HashMap<i64, Vec<String>> = Default::default();
            match &cohort {
                Some(c) if !plan.is_empty() => {
                    super::require_cohort(&store, c)?;
                    let drawn = store.draw_sample(c, &plan, seed)?;
                    eprintln!(
                        "{}: {} of {} candidate(s) drawn (seed {seed}; --seed {seed} draws them again)",
                        safe(c),
                        drawn.drawn.len(),
                        drawn.candidates,
                        seed = drawn.seed
                    );
                    if let Some(n) = sample
                        && drawn.candidates < n
                    {
                        eprintln!(
                            "{} has {} submission(s) that can be second-marked; sending them all",
                            safe(c),
                            drawn.candidates
                        );
                    }
                    for (id, why) in drawn.drawn {
                        ids.push(id);
                        reasons.insert(id, why);
                    }
                }
                Some(_) => bail!(
                    "--cohort goes with --sample N, --per-assessor N|P%, --borderline K or --all-not-yet; or give submission ids"
                ),
                None => {}
            }
            if ids.is_empty() {
                if cohort.is_some() {
                    println!("nothing drawn: no candidate matches");
                    return Ok(ExitCode::SUCCESS);
                }
                bail!("give submission ids, or --cohort C with a way to sample (see --help)");
            }
            ids.sort_unstable();
            ids.dedup();
            let mut failed = 0;
            for id in ids {
                match store.request_second_marking(id, &actor) {
                    Ok(()) => match reasons.get(&id) {
                        Some(why) => println!(
                            "submission {id}: sent to second marking ({})",
                            safe(&why.join("; "))
                        ),
                        None => println!("submission {id}: sent to second marking"),
                    },
                    Err(e) => {
                        failed += 1;
                        eprintln!("submission {id}: {}", safe(&e.to_string()));
                    }
                }
            }
            Ok(if failed > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Cmd::Resolve { id, decision, note } => {
            let actor = ctx.actor()?;
            let decision = match decision {
                DecisionArg::Meets => Decision::Meets,
                DecisionArg::NotYet => Decision::NotYet,
            };
            store.resolve_second_marking(id, &actor, decision, &note)?;
            println!(
                "submission {id}: {} (decided by {})",
                decision.label(),
                safe(&actor)
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::List {
            cohort,
            candidates,
            json,
        } => {
            store.authorize(&ctx.actor()?, merit::access::Action::ListSecondMarking)?;
            if candidates {
                let c = cohort.as_deref().unwrap_or_default();
                let ids = store.second_marking_candidates(c)?;
                if json {
                    println!("{}", merit::sanitize::json_pretty(&ids)?);
                } else {
                    for id in ids {
                        println!("{id}");
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let list = store.second_markings(cohort.as_deref())?;
            if json {
                println!("{}", merit::sanitize::json_pretty(&list)?);
            } else if list.is_empty() {
                eprintln!(
                    "nothing has been sent to second marking; send work with \
                     `merit second-mark request ID...` or `--cohort C --sample N`"
                );
            }
            if !json {
                for m in &list {
                    println!("{}", line(m));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One tab-separated line: id, learner, cohort, attempt, state, then each assessment and any
/// lead's decision.
fn line(m: &SecondMarking) -> String {
    let mut out = format!(
        "{}\t{}\t{}\tattempt {}\t{}",
        m.submission_id,
        safe(&m.learner_name),
        safe(&m.cohort_id),
        m.attempt,
        m.state()
    );
    for (who, decision, total) in &m.assessments {
        let total = total.map_or("—".to_string(), merit::rubric::fmt_num);
        out.push_str(&format!(
            "\t{}: {} ({total})",
            safe(who),
            decision.replace('_', " ")
        ));
    }
    if let Some((by, decision, note)) = &m.resolution {
        out.push_str(&format!(
            "\tdecided by {}: {} — {}",
            safe(by),
            decision.replace('_', " "),
            safe(note)
        ));
    }
    out
}

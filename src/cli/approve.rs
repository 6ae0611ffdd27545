//! `merit approve`: sign credentials for the work of a cohort that meets its rubric.

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::json;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use merit::credential::approval::{Plan, approve};
use merit::credential::{issuer, proof::Suite};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(clap::Args)]
pub struct Args {
    /// The cohort to approve
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "pathway",
        conflicts_with = "pathway"
    )]
    pub(super) cohort: Option<String>,
    /// Every submission scored as meeting the rubric and not yet approved
    #[arg(long, conflicts_with = "submission")]
    pub(super) all_meeting: bool,
    /// Only these submissions
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub(super) submission: Vec<i64>,
    /// The pathway whose program credentials to issue (ID, or ID@N for version N)
    #[arg(long, value_name = "ID", conflicts_with_all = ["all_meeting", "submission"])]
    pub(super) pathway: Option<String>,
    /// Every learner who has earned the pathway and holds no program credential of it yet
    #[arg(long, requires = "pathway", conflicts_with = "learner")]
    pub(super) all_earned: bool,
    /// Only these learners (their ids)
    #[arg(long, value_name = "ID", num_args = 1.., requires = "pathway")]
    pub(super) learner: Vec<String>,
    #[arg(long, default_value = "eddsa-rdfc-2022", value_parser = ["eddsa-rdfc-2022", "eddsa-jcs-2022"])]
    pub(super) suite: String,
    /// Say what would happen; sign nothing
    #[arg(long)]
    pub(super) dry_run: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub(super) json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let Some(cohort) = a.cohort.clone() else {
        return super::approve_pathway::run(ctx, a);
    };
    if !a.all_meeting && a.submission.is_empty() {
        bail!("say which work to approve: --all-meeting or --submission ID...");
    }
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let (mut store, actor) = ctx.open_for(if a.dry_run {
        merit::access::Action::ApproveDryRun
    } else {
        merit::access::Action::Approve
    })?;
    let issuer = issuer::load(&root)?;
    let suite = Suite::parse(&a.suite).unwrap_or(Suite::Rdfc);
    super::require_cohort(&store, &cohort)?;
    let wanted: std::collections::HashSet<i64> = a.submission.iter().copied().collect();
    let mut found = std::collections::HashSet::new();
    let approver = merit::credential::approval::Approver::new(&store, &actor)?;
    let mut plan = Plan::for_cohort(
        &store,
        &cohort,
        &approver,
        merit::tui::claim_idle_secs(),
        merit::store::now(),
        |r| {
            if a.all_meeting {
                return true;
            }
            let picked = wanted.contains(&r.submission_id);
            if picked {
                found.insert(r.submission_id);
            }
            picked
        },
    )?;
    for id in &a.submission {
        if !found.contains(id) {
            plan.excluded.push((*id, "not in this cohort".to_string()));
        }
    }
    if a.dry_run {
        if a.json {
            println!(
                "{}",
                json!({"cohort": cohort, "to_issue": plan.to_issue, "not_yet": plan.not_yet,
                       "excluded": plan.excluded, "suite": suite.name(), "issuer": issuer.did})
            );
        } else {
            for line in plan.describe(suite, &issuer.did) {
                println!("{}", safe(&line));
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let started = std::time::Instant::now();
    let mut report = signing(
        &mut store,
        &actor,
        &key,
        &issuer.did,
        plan.to_issue.len(),
        |store, cancel, progress| {
            approve(store, &key, &issuer, &plan, suite, &actor, cancel, progress)
        },
    )?;
    report.already_issued += plan
        .excluded
        .iter()
        .filter(|(_, why)| why == "already issued")
        .count();
    let failed = report.failed.clone();
    if a.json {
        let mut out = serde_json::to_value(&report)?;
        out["not_yet"] = json!(plan.not_yet);
        out["excluded"] = json!(plan.excluded);
        println!("{}", merit::sanitize::json_line(&out)?);
    } else {
        for f in &failed {
            eprintln!("{}", safe(f));
        }
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        println!(
            "issued {} credential(s) in {:.1} s ({:.0}/s, {}); {} already had one; {} failed; {} not yet; {} excluded{}",
            report.issued.len(),
            secs,
            report.issued.len() as f64 / secs,
            suite.name(),
            report.already_issued,
            failed.len(),
            plan.not_yet.len(),
            plan.excluded.len(),
            if report.cancelled {
                " (cancelled: run again to continue)"
            } else {
                ""
            }
        );
    }
    Ok(if failed.is_empty() && !report.cancelled {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs a signing job the way every approval runs: Ctrl-C or a TERM stops it after the batch
/// in hand (nothing is left half-issued), a progress bar shows on a terminal, the crash-test
/// seam holds after a batch, and whatever happened the entries are sealed with the issuer key.
pub(super) fn signing<R>(
    store: &mut merit::store::Store,
    actor: &str,
    key: &ed25519_dalek::SigningKey,
    did: &str,
    total: usize,
    job: impl FnOnce(&mut merit::store::Store, &AtomicBool, &mut dyn FnMut(usize, usize)) -> Result<R>,
) -> Result<R> {
    let cancel = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(sig, Arc::clone(&cancel))?;
    }
    let bar = progress_bar(total);
    let result = job(store, &cancel, &mut |done, total| {
        bar.set_position(done as u64);
        merit::seam::hold_after(done, total);
    });
    bar.finish_and_clear();
    super::audit::seal_after(store, actor, key, did)?;
    result
}

/// done/total, rate and time left, on stderr when it is a terminal.
fn progress_bar(len: usize) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} credentials  {per_sec}  {eta} left",
    ) {
        bar.set_style(style);
    }
    bar
}

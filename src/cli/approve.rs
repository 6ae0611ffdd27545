//! `merit approve`: sign credentials for the work of a cohort that meets its rubric.

use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Result, bail};
use serde_json::json;

use merit::credential::issue::issue_batch;
use merit::credential::{issuer, proof::Suite};
use merit::sanitize::line as safe;
use merit::store::workspace;

use super::{Ctx, passphrase};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_name = "ID")]
    cohort: String,
    /// Every submission scored as meeting the rubric and not yet approved
    #[arg(long, conflicts_with = "submission")]
    all_meeting: bool,
    /// Only these submissions
    #[arg(long, value_name = "ID", num_args = 1..)]
    submission: Vec<i64>,
    #[arg(long, default_value = "eddsa-rdfc-2022", value_parser = ["eddsa-rdfc-2022", "eddsa-jcs-2022"])]
    suite: String,
    /// Say what would happen; sign nothing
    #[arg(long)]
    dry_run: bool,
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    if !a.all_meeting && a.submission.is_empty() {
        bail!("say which work to approve: --all-meeting or --submission ID...");
    }
    let root = workspace::resolve(ctx.workspace.as_deref())?;
    let actor = ctx.actor()?;
    let mut store = ctx.open()?;
    let issuer = issuer::load(&root)?;
    let suite = Suite::parse(&a.suite).unwrap_or(Suite::Rdfc);
    let targets = if a.all_meeting {
        store.awaiting_award(&a.cohort)?
    } else {
        a.submission.clone()
    };
    if a.dry_run {
        if a.json {
            println!(
                "{}",
                json!({"cohort": a.cohort, "to_issue": targets, "suite": suite.name(), "issuer": issuer.did})
            );
        } else {
            println!(
                "would issue {} credential(s) for cohort {} with {} as {}",
                targets.len(),
                safe(&a.cohort),
                suite.name(),
                safe(&issuer.did)
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let key = issuer::load_key(&root, &passphrase::get(false)?)?;
    let bar = progress_bar(targets.len());
    let started = std::time::Instant::now();
    let report = issue_batch(
        &mut store,
        &key,
        &issuer,
        &targets,
        suite,
        &actor,
        SystemTime::now(),
        |done, _| bar.set_position(done as u64),
    )?;
    bar.finish_and_clear();
    let failed = report.failed.clone();
    if a.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        for f in &failed {
            eprintln!("{}", safe(f));
        }
        let secs = started.elapsed().as_secs_f64().max(1e-9);
        println!(
            "issued {} credential(s) in {:.1} s ({:.0}/s, {}); {} already had one; {} failed",
            report.issued.len(),
            secs,
            report.issued.len() as f64 / secs,
            suite.name(),
            report.already_issued,
            failed.len()
        );
    }
    Ok(if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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

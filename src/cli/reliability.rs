//! `merit reliability`: how far assessors agree on double-marked work (leads).

use std::process::ExitCode;

use anyhow::{Context, Result};

use merit::reliability::report;
use merit::sanitize::json_pretty;
use merit::store::reliability::PairFilter;

use super::{Ctx, require_cohort};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("scope").args(["cohort", "rubric"])))]
pub struct Args {
    /// Only this cohort's double-marked work
    #[arg(long, value_name = "ID")]
    cohort: Option<String>,
    /// Only work marked on this rubric (every version)
    #[arg(long, value_name = "ID")]
    rubric: Option<String>,
    /// Only pairs whose assessments were both submitted on or after this day (YYYY-MM-DD, UTC)
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Seed of the bootstrap's generator (the same seed gives the same intervals)
    #[arg(long, default_value_t = report::DEFAULT_SEED)]
    seed: u64,
    /// As JSON
    #[arg(long)]
    json: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let (mut store, actor) = ctx.open_for(merit::access::Action::ReadReliability)?;
    if let Some(c) = &a.cohort {
        require_cohort(&store, c)?;
    }
    let since = a.since.as_deref().map(parse_day).transpose()?;
    let filter = PairFilter {
        cohort: a.cohort,
        rubric: a.rubric,
        since,
    };
    let r = report::build(&mut store, &actor, &filter, a.seed)?;
    if a.json {
        println!("{}", json_pretty(&r)?);
    } else if r.criteria.is_empty() && r.decision.n == 0 {
        println!(
            "No double-marked work here yet. Send some with `merit second-mark request --cohort ID`."
        );
    } else {
        print!("{}", report::text(&r));
    }
    Ok(ExitCode::SUCCESS)
}

/// `YYYY-MM-DD` as the epoch seconds of that day's start (UTC).
fn parse_day(s: &str) -> Result<i64> {
    let t = humantime::parse_rfc3339(&format!("{}T00:00:00Z", s.trim())).with_context(|| {
        format!(
            "--since `{}`: give a day as YYYY-MM-DD, e.g. 2026-09-01",
            merit::sanitize::line(s)
        )
    })?;
    Ok(t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64))
}

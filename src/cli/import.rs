//! `merit import`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use merit::intake::{self, ImportOptions};
use merit::sanitize::line as safe;

use super::Ctx;

/// SOURCE is a folder with one subfolder per learner (files inside are the artifacts; an
/// optional learner.yaml gives `name:`, `email:` and `route:`), or a CSV manifest with the
/// columns learner_id, artifact (path relative to the manifest, or URL), and optionally name,
/// email, requirement, route. Importing the same source again changes nothing; a learner whose files changed
/// gets a new attempt. Problems skip the learner they concern and make the exit status 1.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Cohort id (letters, digits, - and _); created if new
    #[arg(long, value_name = "ID")]
    cohort: String,
    /// Display name for a new cohort
    #[arg(long, value_name = "NAME")]
    cohort_name: Option<String>,
    /// Rubric id the cohort is assessed against
    #[arg(long, value_name = "ID")]
    rubric: String,
    /// Make the cohort blind first: assessors see candidate numbers, not names (leads)
    #[arg(long)]
    blind: bool,
    /// The route of submissions whose learner.yaml or manifest row does not say: `course`
    /// or `prior-learning` (recognition of prior learning)
    #[arg(long, value_name = "ROUTE", default_value = "course", value_parser = parse_route)]
    route: merit::vocabulary::Route,
    /// Print the report as JSON
    #[arg(long)]
    json: bool,
    /// Folder or CSV manifest
    source: PathBuf,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let actor = ctx.actor()?;
    let mut store = ctx.open()?;
    let report = intake::import(
        &mut store,
        &a.source,
        &ImportOptions {
            cohort: &a.cohort,
            cohort_name: a.cohort_name.as_deref(),
            rubric_id: &a.rubric,
            actor: &actor,
            blind: a.blind,
            route: a.route,
            progress: true,
            before_open: None,
        },
    )?;
    if a.json {
        println!("{}", merit::sanitize::json_pretty(&report)?);
    } else {
        for p in &report.problems {
            eprintln!("{}: {}", safe(&p.place), safe(&p.message));
        }
        println!(
            "cohort {}: {} new submissions, {} new attempts, {} unchanged; {} artifacts ({} bytes)",
            safe(&a.cohort),
            report.new,
            report.new_attempts,
            report.unchanged,
            report.artifacts,
            report.bytes
        );
        if !report.problems.is_empty() {
            eprintln!(
                "{} problem(s): the learners concerned were not imported; fix and import again",
                report.problems.len()
            );
        }
    }
    Ok(if report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn parse_route(s: &str) -> Result<merit::vocabulary::Route, String> {
    merit::vocabulary::Route::parse(s).ok_or_else(|| merit::vocabulary::Route::HELP.to_string())
}

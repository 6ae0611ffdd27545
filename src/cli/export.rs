//! `merit export`: a cohort's credentials as JSON, baked PNG and SVG, and a CSV for the registrar.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use merit::credential::bake;
use merit::store::format_time;

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_name = "ID")]
    cohort: String,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Any of json, png, svg, csv
    #[arg(long, default_value = "json,png,svg,csv", value_delimiter = ',')]
    format: Vec<String>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    for f in &a.format {
        if !["json", "png", "svg", "csv"].contains(&f.as_str()) {
            bail!("unknown format `{f}`; formats are json, png, svg, csv");
        }
    }
    let store = ctx.open()?;
    let awards = store.cohort_awards(&a.cohort)?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let want = |f: &str| a.format.iter().any(|x| x == f);
    let mut csv = String::from("learner,submission,credential_id,issued_at,revoked_at\n");
    for award in &awards {
        let src = store.award_source(award.submission_id)?;
        let cred: serde_json::Value = serde_json::from_str(&award.credential_json)?;
        let name = cred["name"].as_str().unwrap_or("badge").to_string();
        let base = a.out.join(format!("submission-{}", award.submission_id));
        if want("json") {
            std::fs::write(base.with_extension("json"), &award.credential_json)?;
        }
        if want("png") {
            std::fs::write(
                base.with_extension("png"),
                bake::png(&award.credential_json, &name)?,
            )?;
        }
        if want("svg") {
            std::fs::write(
                base.with_extension("svg"),
                bake::svg(&award.credential_json, &name)?,
            )?;
        }
        let field = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        csv.push_str(&format!(
            "{},{},{},{},{}\n",
            field(&src.learner_name),
            award.submission_id,
            award.credential_id,
            format_time(award.issued_at),
            award.revoked_at.map(format_time).unwrap_or_default()
        ));
    }
    if want("csv") {
        std::fs::write(a.out.join(format!("{}.csv", a.cohort)), csv)?;
    }
    println!(
        "exported {} credential(s) to {}",
        awards.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

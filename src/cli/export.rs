//! `merit export`: for a cohort, a folder per learner with the credential (JSON, baked PNG and
//! SVG) and a feedback letter (Markdown and HTML), and a CSV report for the registrar.
//! Exporting again rewrites the same files with the same content.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use merit::credential::bake;
use merit::letters::Letter;
use merit::rubric::{self, Choices, fmt_num};
use merit::store::{format_time, status_label};

use super::Ctx;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_name = "ID")]
    cohort: String,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Any of json, png, svg (the credential), letter (Markdown and HTML), csv
    #[arg(long, default_value = "json,png,svg,letter,csv", value_delimiter = ',')]
    format: Vec<String>,
}

/// A folder name from a learner id (ids come from folder names or manifests).
fn folder_name(key: &str) -> String {
    let s: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() { "learner".into() } else { s }
}

fn csv_field(s: &str) -> String {
    // Quote every field; neutralise spreadsheet formulas in text that came from outside.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    for f in &a.format {
        if !["json", "png", "svg", "letter", "csv"].contains(&f.as_str()) {
            bail!("unknown format `{f}`; formats are json, png, svg, letter, csv");
        }
    }
    let want = |f: &str| a.format.iter().any(|x| x == f);
    let store = ctx.open()?;
    let subs = store.cohort_submissions(&a.cohort)?;
    if subs.is_empty() {
        bail!("cohort `{}` has no submissions", a.cohort);
    }
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let mut csv = String::from(
        "learner,learner_id,attempt,decision,total,max_total,credential_id,issued_at,revoked_at\n",
    );
    let (mut credentials, mut letters) = (0, 0);
    // The latest attempt of each learner.
    let latest: Vec<&(i64, String, i64, String)> = subs
        .iter()
        .enumerate()
        .filter(|(i, s)| subs.get(i + 1).is_none_or(|next| next.1 != s.1))
        .map(|(_, s)| s)
        .collect();
    for (id, key, attempt, status) in latest {
        let src = store.award_source(*id)?;
        let dir = a.out.join(folder_name(key));
        let assessment = store.latest_submitted(*id)?;
        let award = store.award(*id)?;
        let rubric = store.load_rubric(&src.rubric_hash)?;
        // Work in second marking has no decision yet, whatever its first assessment said.
        let pending = status == "second_marking";
        let (decision, total) = match &assessment {
            _ if pending => (status_label(status).to_string(), String::new()),
            Some(asm) => {
                let choices: Choices = asm
                    .scores
                    .iter()
                    .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
                    .collect();
                let o = rubric::score(&rubric, &choices);
                (
                    asm.decision.clone().unwrap_or_default().replace('_', " "),
                    fmt_num(o.total),
                )
            }
            None => (status.replace('_', " "), String::new()),
        };
        if assessment.is_some() || award.is_some() {
            std::fs::create_dir_all(&dir)?;
        }
        if let Some(award) = &award {
            let cred: serde_json::Value = serde_json::from_str(&award.credential_json)?;
            let name = cred["name"].as_str().unwrap_or("badge").to_string();
            if want("json") {
                // Stored compact; written for people to read too.
                std::fs::write(
                    dir.join("credential.json"),
                    serde_json::to_string_pretty(&cred)?,
                )?;
            }
            if want("png") {
                std::fs::write(
                    dir.join("badge.png"),
                    bake::png(&award.credential_json, &name)?,
                )?;
            }
            if want("svg") {
                std::fs::write(
                    dir.join("badge.svg"),
                    bake::svg(&award.credential_json, &name)?,
                )?;
            }
            credentials += 1;
        }
        // The letter answers the latest attempt that was decided (a resubmission waiting for
        // assessment, or for its second marking, keeps the letter of the attempt before it).
        let assessed = subs
            .iter()
            .filter(|s| s.1 == *key && s.3 != "second_marking")
            .rev()
            .find_map(|s| store.latest_submitted(s.0).ok().flatten().map(|a| (s, a)));
        if let (Some(((sid, _, n, _), asm)), true) = (assessed, want("letter")) {
            let rubric = store.load_rubric(&store.submission_rubric(*sid)?)?;
            let letter = Letter {
                rubric: &rubric,
                learner: &src.learner_name,
                attempt: *n,
                assessment: &asm,
            };
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join("feedback.md"), letter.markdown())?;
            std::fs::write(dir.join("feedback.html"), letter.html())?;
            letters += 1;
        }
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            csv_field(&src.learner_name),
            csv_field(key),
            attempt,
            csv_field(&decision),
            total,
            fmt_num(rubric.max_total()),
            award
                .as_ref()
                .map(|w| w.credential_id.clone())
                .unwrap_or_default(),
            award
                .as_ref()
                .map(|w| format_time(w.issued_at))
                .unwrap_or_default(),
            award
                .as_ref()
                .and_then(|w| w.revoked_at)
                .map(format_time)
                .unwrap_or_default()
        ));
    }
    if want("csv") {
        std::fs::write(a.out.join(format!("{}.csv", a.cohort)), csv)?;
    }
    println!(
        "exported {credentials} credential(s) and {letters} feedback letter(s) to {}",
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

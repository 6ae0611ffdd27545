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
    /// The cohort to export
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "pathway",
        conflicts_with = "pathway"
    )]
    pub(super) cohort: Option<String>,
    /// Instead, a pathway's program credentials (json, png, svg, csv)
    #[arg(long, value_name = "ID")]
    pub(super) pathway: Option<String>,
    /// The folder to write (one subfolder per learner, and the CSV)
    #[arg(long, value_name = "DIR")]
    pub(super) out: PathBuf,
    /// Any of json, png, svg (the credential), letter (Markdown and HTML), csv
    #[arg(long, default_value = "json,png,svg,letter,csv", value_delimiter = ',')]
    pub(super) format: Vec<String>,
}

/// The folder of a learner's files: the id itself when it is already a safe name (lowercase
/// letters, digits, `-`, `_`, at most 64 bytes), else the id made safe plus `-` and the first 8
/// hex digits of its SHA-256. So `x y`, `x/y` and `x_y` get three folders, and names differ
/// on a case-insensitive file system too. Never a `.` in it, so never the CSV's name.
fn folder_name(id: &str) -> String {
    let safe = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
    if !id.is_empty() && id.len() <= 64 && id.chars().all(safe) {
        return id.to_string();
    }
    let mut base: String = id
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if safe(c) { c } else { '_' })
        .take(48)
        .collect();
    if base.trim_matches('_').is_empty() {
        base = "learner".into();
    }
    let hash = merit::hash::sha256_hex(id.as_bytes());
    format!("{base}-{}", &hash[..8])
}

/// The folder of each learner, or an error naming two learners whose folders would be one
/// (compared without case), before anything is written.
pub(super) fn folders<'a>(ids: impl Iterator<Item = &'a str>) -> Result<Vec<String>> {
    let mut seen: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    let mut out = Vec::new();
    for id in ids {
        let name = folder_name(id);
        if let Some(other) = seen.insert(name.to_lowercase(), id) {
            bail!(
                "learners `{}` and `{}` would share the folder {name}: nothing was exported \
                 (rename one of them, or export into a fresh folder)",
                merit::sanitize::line(other),
                merit::sanitize::line(id)
            );
        }
        out.push(name);
    }
    Ok(out)
}

/// The credential files of a learner's folder.
const CREDENTIAL_FILES: [&str; 3] = ["credential.json", "badge.png", "badge.svg"];

/// A revoked credential is not handed out again: one exported earlier goes.
pub(super) fn remove_credential_files(dir: &std::path::Path) -> Result<()> {
    for f in CREDENTIAL_FILES {
        let p = dir.join(f);
        if p.is_file() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

/// Writes the credential as JSON (stored compact, written for people to read too), and the
/// badge with it baked in as PNG and SVG, as `want` asks.
pub(super) fn write_credential_files(
    store: &merit::store::Store,
    dir: &std::path::Path,
    credential_json: &str,
    want: &dyn Fn(&str) -> bool,
) -> Result<()> {
    let cred: serde_json::Value = serde_json::from_str(credential_json)?;
    let picture = bake::picture_of(store, &cred["credentialSubject"]["achievement"])?;
    if want("json") {
        std::fs::write(
            dir.join("credential.json"),
            serde_json::to_string_pretty(&cred)?,
        )?;
    }
    if want("png") {
        std::fs::write(dir.join("badge.png"), bake::png(credential_json, &picture)?)?;
    }
    if want("svg") {
        std::fs::write(dir.join("badge.svg"), bake::svg(credential_json, &picture)?)?;
    }
    Ok(())
}

/// Refuses a format that is not one, before anything is written.
pub(super) fn check_formats(formats: &[String]) -> Result<()> {
    for f in formats {
        if !["json", "png", "svg", "letter", "csv"].contains(&f.as_str()) {
            bail!("unknown format `{f}`; formats are json, png, svg, letter, csv");
        }
    }
    Ok(())
}

pub(super) fn csv_field(s: &str) -> String {
    // Quote every field; neutralise spreadsheet formulas in text that came from outside
    // (a leading = + - @, or a TAB or CR before one).
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    check_formats(&a.format)?;
    let Some(cohort) = a.cohort.clone() else {
        return super::export_pathway::run(ctx, a);
    };
    let want = |f: &str| a.format.iter().any(|x| x == f);
    let (store, _) = ctx.open_for(merit::access::Action::Export)?;
    let site_url = merit::credential::issuer::load(store.root())
        .ok()
        .map(|i| i.url);
    super::require_cohort(&store, &cohort)?;
    let subs = store.cohort_submissions(&cohort)?;
    if subs.is_empty() {
        bail!("cohort `{cohort}` has no submissions");
    }
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let mut csv = String::from(
        "learner,learner_id,attempt,decision,total,max_total,credential_id,issued_at,revoked_at,page_url\n",
    );
    let (mut credentials, mut letters, mut revoked) = (0, 0, 0);
    // The latest attempt of each learner.
    let latest: Vec<&(i64, String, i64, String)> = subs
        .iter()
        .enumerate()
        .filter(|(i, s)| subs.get(i + 1).is_none_or(|next| next.1 != s.1))
        .map(|(_, s)| s)
        .collect();
    let names = folders(latest.iter().map(|s| s.1.as_str()))?;
    // One learner's failure (an unreadable record, a full disk) never stops the others.
    let mut failures: Vec<String> = Vec::new();
    for ((id, key, attempt, status), folder) in latest.into_iter().zip(names) {
        let mut one = || -> Result<()> {
            let src = store.award_source(*id)?;
            let dir = a.out.join(&folder);
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
                        status_label(asm.decision.as_deref().unwrap_or("")).to_string(),
                        fmt_num(o.total),
                    )
                }
                None => (status_label(status).to_string(), String::new()),
            };
            if assessment.is_some() || award.is_some() {
                std::fs::create_dir_all(&dir)?;
            }
            if award.as_ref().is_some_and(|w| w.revoked_at.is_some()) {
                remove_credential_files(&dir)?;
                revoked += 1;
            } else if let Some(award) = &award {
                write_credential_files(&store, &dir, &award.credential_json, &want)?;
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
            // The credential's public page (`merit publish`), where it has one.
            let page_url = match (&award, &site_url) {
                (Some(w), Some(url)) => store
                    .page_token(&w.credential_id)?
                    .map(|t| format!("{}/c/{t}/", url.trim_end_matches('/')))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
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
                    .unwrap_or_default(),
                csv_field(&page_url)
            ));
            Ok(())
        };
        if let Err(e) = one() {
            failures.push(format!("{}: {e:#}", merit::sanitize::line(key)));
        }
    }
    if want("csv") {
        std::fs::write(a.out.join(format!("{cohort}.csv")), csv)?;
    }
    println!(
        "exported {credentials} credential(s) and {letters} feedback letter(s) to {}{}",
        a.out.display(),
        if revoked > 0 {
            format!("; {revoked} revoked credential(s) not written")
        } else {
            String::new()
        }
    );
    for f in &failures {
        eprintln!("not exported: {f}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_also_behind_a_tab_or_cr() {
        for (raw, quoted) in [
            ("=1+1", "\"'=1+1\""),
            ("\t=1+1", "\"'\t=1+1\""),
            ("\r@SUM(A1)", "\"'\r@SUM(A1)\""),
            ("-2", "\"'-2\""),
            ("Ada \"A\"", "\"Ada \"\"A\"\"\""),
        ] {
            assert_eq!(csv_field(raw), quoted);
        }
    }

    #[test]
    fn folder_names_are_unique_and_stable() {
        assert_eq!(folder_name("ada"), "ada");
        let names: Vec<String> = ["x y", "x/y", "x_y", "X_Y", "../x", ""]
            .iter()
            .map(|id| folder_name(id))
            .collect();
        let unique: std::collections::HashSet<String> =
            names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(
            names.iter().all(|n| !n.contains('.') && !n.contains('/')),
            "{names:?}"
        );
        assert_eq!(folder_name("x y"), folder_name("x y"));
    }
}

//! `merit export --pathway`: a pathway's program credentials, a folder per learner (the
//! credential as JSON, baked PNG and SVG) and a CSV for the registrar that says which rest on
//! a component revoked or expired since.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use merit::store::format_time;

use super::Ctx;
use super::export::{
    Args, check_formats, csv_field, folders, remove_credential_files, write_credential_files,
};

pub fn run(ctx: &Ctx, a: Args) -> Result<ExitCode> {
    let Some(spec) = a.pathway.as_deref() else {
        bail!("say what to export: --cohort ID or --pathway ID");
    };
    check_formats(&a.format)?;
    let want = |f: &str| a.format.iter().any(|x| x == f);
    let (store, _) = ctx.open_for(merit::access::Action::Export)?;
    let site_url = merit::credential::issuer::load(store.root())
        .ok()
        .map(|i| i.url);
    let (version, _) = store.load_pathway(spec)?;
    let id = version.pathway_id;
    let mut awards = store.program_awards(Some(&id), None)?;
    // A learner's latest program credential (an earlier one may have been revoked).
    awards.reverse();
    let mut seen = std::collections::HashSet::new();
    awards.retain(|w| seen.insert(w.learner.clone()));
    awards.reverse();
    if awards.is_empty() {
        bail!(
            "no program credentials of `{}` were issued (`merit approve --pathway {}`)",
            merit::sanitize::line(&id),
            merit::sanitize::line(&id)
        );
    }
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let names = folders(awards.iter().map(|w| w.learner.as_str()))?;
    let mut csv = String::from(
        "learner,learner_id,pathway,credential_id,issued_at,valid_until,revoked_at,components,lapsed_components,page_url\n",
    );
    let (mut written, mut revoked) = (0, 0);
    let mut failures = Vec::new();
    for (w, folder) in awards.iter().zip(names) {
        let one = || -> Result<()> {
            let dir = a.out.join(&folder);
            if w.revoked_at.is_some() {
                return remove_credential_files(&dir);
            }
            std::fs::create_dir_all(&dir)?;
            write_credential_files(&store, &dir, &w.credential_json, &want)
        };
        if w.revoked_at.is_some() {
            revoked += 1;
        }
        match one() {
            Ok(()) if w.revoked_at.is_none() => written += 1,
            Ok(()) => {}
            Err(e) => failures.push(format!("{}: {e:#}", merit::sanitize::line(&w.learner))),
        }
        let page_url = match &site_url {
            Some(url) => store
                .page_token(&w.credential_id)?
                .map(|t| format!("{}/c/{t}/", url.trim_end_matches('/')))
                .unwrap_or_default(),
            None => String::new(),
        };
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            csv_field(&w.learner_name),
            csv_field(&w.learner),
            csv_field(&id),
            w.credential_id,
            format_time(w.issued_at),
            csv_field(w.valid_until.as_deref().unwrap_or("")),
            w.revoked_at.map(format_time).unwrap_or_default(),
            csv_field(&w.components.join(" ")),
            csv_field(&w.lapsed.join(" ")),
            csv_field(&page_url)
        ));
    }
    if want("csv") {
        std::fs::write(a.out.join(format!("{id}.csv")), csv)?;
    }
    println!(
        "exported {written} program credential(s) to {}{}",
        a.out.display(),
        if revoked > 0 {
            format!("; {revoked} revoked program credential(s) not written")
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

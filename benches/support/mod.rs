//! What the audit, publish and notify benches share: a workspace whose `bench` user has the
//! roles it acts with, the data-cleaning rubric and a cohort `load` of scored submissions, and
//! (for publishing and telling) an issuer that approved it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use ed25519_dalek::SigningKey;
use merit::credential::approval::{Approver, Plan, approve};
use merit::credential::build::Issuer;
use merit::credential::issuer;
use merit::credential::proof::Suite;
use merit::rubric;
use merit::store::Store;

const PASS: &str = "bench passphrase";

/// The benches' size: MERIT_BENCH_SIZE, else `default`.
pub fn size(default: usize) -> usize {
    std::env::var("MERIT_BENCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A workspace in `dir` with `n` scored submissions in cohort `load`, assessed by `assessor`.
pub fn scored(dir: &std::path::Path, n: usize, assessor: &str) -> anyhow::Result<(PathBuf, Store)> {
    let ws = dir.join("ws");
    let mut store = Store::create(&ws)?;
    let me = merit::identity::process_account()?;
    for role in ["lead", "assessor", "issuer"] {
        store.add_user("bench", role, &me)?;
    }
    let src = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .map(|(_, s)| *s)
        .ok_or_else(|| anyhow::anyhow!("no bundled data-cleaning rubric"))?;
    let r = rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
    store.import_rubric(&r, src, None, "bench")?;
    store.bulk_scored_cohort("load", "data-cleaning", n, assessor)?;
    Ok((ws, store))
}

/// [`scored`], then an issuer that approves the whole cohort (eddsa-jcs-2022).
pub fn approved(
    dir: &std::path::Path,
    n: usize,
) -> anyhow::Result<(PathBuf, Store, Issuer, SigningKey)> {
    let (ws, mut store) = scored(dir, n, "amir")?;
    issuer::init(
        &ws,
        "Bench Centre",
        "https://badges.example.org",
        None,
        None,
        PASS,
    )?;
    let iss = issuer::load(&ws)?;
    let key = issuer::load_key(&ws, PASS)?;
    let approver = Approver::new(&store, "bench")?;
    let plan = Plan::for_cohort(&store, "load", &approver, 1800, merit::store::now(), |_| {
        true
    })?;
    let t = std::time::Instant::now();
    let report = approve(
        &mut store,
        &key,
        &iss,
        &plan,
        Suite::Jcs,
        "bench",
        &AtomicBool::new(false),
        |_, _| {},
    )?;
    println!(
        "approved {} in {:.1} s",
        report.issued.len(),
        t.elapsed().as_secs_f64()
    );
    Ok((ws, store, iss, key))
}

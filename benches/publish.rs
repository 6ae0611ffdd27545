//! Publishing a large cohort's site: `cargo bench --bench publish` approves 10,000 scored
//! submissions (eddsa-jcs-2022), publishes the site, publishes it again unchanged, revokes one
//! credential and publishes again, and prints the time of each. MERIT_BENCH_SIZE changes the
//! size.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use merit::credential::approval::{Approver, Plan, approve};
use merit::credential::issuer;
use merit::credential::proof::Suite;
use merit::rubric;
use merit::store::Store;

const PASS: &str = "bench passphrase";

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("MERIT_BENCH_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let ws = dir.path().join("ws");
    let mut store = Store::open(&ws)?;
    let me = merit::identity::process_account()?;
    for role in ["lead", "assessor", "issuer"] {
        store.add_user("bench", role, &me)?;
    }
    let src = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .map(|(_, s)| *s)
        .ok_or_else(|| anyhow::anyhow!("no bundled rubric"))?;
    let r = rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
    store.import_rubric(&r, src, None, "bench")?;
    store.bulk_scored_cohort("load", "data-cleaning", n, "amir")?;
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
    let cancel = AtomicBool::new(false);
    let t = Instant::now();
    let report = approve(
        &mut store,
        &key,
        &iss,
        &plan,
        Suite::Jcs,
        "bench",
        &cancel,
        |_, _| {},
    )?;
    println!(
        "approved {} in {:.1} s",
        report.issued.len(),
        t.elapsed().as_secs_f64()
    );
    let site = dir.path().join("site");
    let mut k = || Ok(key.clone());
    for what in ["publish", "publish again, unchanged"] {
        let t = Instant::now();
        let r = merit::publish::publish(&mut store, "bench", &site, &mut k)?;
        println!(
            "{what}: {} pages, {} files written, {} unchanged in {:.2} s",
            r.pages,
            r.files.written,
            r.files.unchanged,
            t.elapsed().as_secs_f64()
        );
    }
    let first = store.cohort_awards("load")?[0].credential_id.clone();
    store.revoke(&first, "bench", "bench")?;
    let t = Instant::now();
    let r = merit::publish::publish(&mut store, "bench", &site, &mut k)?;
    println!(
        "republish after one revocation: {} list(s) signed, {} files written in {:.2} s",
        r.lists_signed,
        r.files.written,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

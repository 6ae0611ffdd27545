//! Verifying the audit log of a large workspace: the chain, the seals and every record.
//!
//! `cargo bench --bench audit` builds a workspace with 100,000 scored submissions (one audit
//! entry each, with its record hash) and a seal, then times `verify_audit` over it, best of
//! three. MERIT_BENCH_ENTRIES changes the size.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use merit::rubric;
use merit::store::Store;

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("MERIT_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let ws = dir.path();
    let mut store = Store::open(ws)?;
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
    let t = Instant::now();
    store.bulk_scored_cohort("load", "data-cleaning", n, "bench")?;
    let key = merit::credential::keys::generate()?;
    let did = merit::credential::keys::did_key(&key.verifying_key());
    store.seal("bench", &key, &did)?;
    println!(
        "built {n} scored submissions in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let report = store.verify_audit()?;
        let secs = t.elapsed().as_secs_f64();
        anyhow::ensure!(report.ok(), "{:?}", report.problems.first());
        println!(
            "audit verify: {} entries, {} seal(s), {} records in {secs:.2} s",
            report.entries, report.seals, report.records
        );
        best = best.min(secs);
    }
    println!("best of 3: {best:.2} s");
    Ok(())
}

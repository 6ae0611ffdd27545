//! Publishing a large cohort's site: `cargo bench --bench publish` approves 10,000 scored
//! submissions (eddsa-jcs-2022), publishes the site, publishes it again unchanged, revokes one
//! credential and publishes again, and prints the time of each. MERIT_BENCH_SIZE changes the
//! size.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod support;

use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let n = support::size(10_000);
    let dir = tempfile::tempdir()?;
    let (_ws, mut store, _issuer, key) = support::approved(dir.path(), n)?;
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

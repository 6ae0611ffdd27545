//! Import benchmark: 10,000 learners × 3 small files from a folder source, into a fresh
//! workspace, then the same source again (the idempotent pass).
//!
//! `cargo bench --bench import` (set MERIT_BENCH_LEARNERS to change the size).

use std::fs;
use std::time::Instant;

use merit::intake::{self, ImportOptions};
use merit::rubric;
use merit::store::Store;

fn main() -> anyhow::Result<()> {
    let learners: usize = std::env::var("MERIT_BENCH_LEARNERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("source");
    let t = Instant::now();
    for i in 0..learners {
        let d = src.join(format!("learner-{i:05}"));
        fs::create_dir_all(&d)?;
        fs::write(
            d.join("cleaned-data.csv"),
            format!("id,value\n{i},{}\n", i * 7),
        )?;
        fs::write(d.join("script.py"), format!("# learner {i}\nprint({i})\n"))?;
        fs::write(
            d.join("change-log.md"),
            format!("# Change log {i}\n\n- fixed {i} rows\n"),
        )?;
    }
    println!(
        "generated {learners} learners × 3 files in {:.2?}",
        t.elapsed()
    );

    let ws = dir.path().join("ws");
    let mut store = Store::create(&ws)?;
    // The bench's own name gets the roles it acts with, from the workspace's creator.
    for role in ["lead", "assessor", "issuer"] {
        store.add_user("bench", role, &merit::identity::process_account()?)?;
    }
    let (_, source) = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .ok_or_else(|| anyhow::anyhow!("bundled rubric missing"))?;
    let r = rubric::parse(source.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
    store.import_rubric(&r, source, None, "bench")?;
    let opts = ImportOptions {
        cohort: "bench",
        cohort_name: None,
        rubric_id: "data-cleaning",
        actor: "bench",
        blind: false,
        route: Default::default(),
        progress: false,
        before_open: None,
    };

    let t = Instant::now();
    let report = intake::import(&mut store, &src, &opts)?;
    let first = t.elapsed();
    assert_eq!(report.new, learners);
    println!(
        "import: {learners} learners, {} files, {} bytes in {:.2?} ({:.0} learners/s, {:.0} files/s)",
        report.artifacts,
        report.bytes,
        first,
        learners as f64 / first.as_secs_f64(),
        report.artifacts as f64 / first.as_secs_f64()
    );

    let t = Instant::now();
    let again = intake::import(&mut store, &src, &opts)?;
    let second = t.elapsed();
    assert_eq!(again.unchanged, learners);
    println!("re-import (nothing changed): {second:.2?}");
    Ok(())
}

//! Approving whole cohorts end to end: read, build, sign on every core, store and commit.
//!
//! `cargo bench --bench approve` approves cohorts of 10,000 and 100,000 submissions with each
//! cryptosuite and prints wall time, credentials per second and peak memory. Each approval runs
//! in a child process of its own so that its peak resident memory is its own.
//! MERIT_BENCH_SIZES=10000,100000 and MERIT_BENCH_SUITES=eddsa-jcs-2022,eddsa-rdfc-2022 choose.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use merit::credential::approval::{Plan, approve};
use merit::credential::issuer;
use merit::credential::proof::Suite;
use merit::rubric;
use merit::store::Store;

const PASS: &str = "bench passphrase";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(Path::new(&args[i + 1]), &args[i + 2], &args[i + 3]);
    }
    let sizes: Vec<usize> = list("MERIT_BENCH_SIZES", "10000,100000")
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect();
    let suites = list("MERIT_BENCH_SUITES", "eddsa-jcs-2022,eddsa-rdfc-2022");
    let dir = match std::env::var_os("MERIT_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let ws = dir.path();
    {
        let mut store = Store::create(ws)?;
        // The bench's own name gets the roles it acts with, from the workspace's creator.
        for role in ["lead", "assessor", "issuer"] {
            store.add_user("bench", role, &merit::identity::process_account()?)?;
        }
        let (_, src) = rubric::BUNDLED
            .iter()
            .find(|(f, _)| *f == "data-cleaning.yaml")
            .ok_or_else(|| anyhow::anyhow!("bundled rubric"))?;
        let r = rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
        store.import_rubric(&r, src, None, "bench")?;
    }
    issuer::init(
        ws,
        "Bench Centre",
        "https://badges.example.org",
        None,
        None,
        PASS,
    )?;
    println!(
        "{:>8}  {:<16} {:>9} {:>12} {:>10} {:>10} {:>10}",
        "size", "suite", "wall", "creds/s", "peak RSS", "CPU time", "of it plan"
    );
    for &n in &sizes {
        for suite in &suites {
            let cohort = format!("{suite}-{n}");
            let t = Instant::now();
            // Assessed by someone else: the approver never signs their own assessments.
            Store::create(ws)?.bulk_scored_cohort(&cohort, "data-cleaning", n, "assessor-bench")?;
            eprintln!("(seeded {n} in {:.1} s)", t.elapsed().as_secs_f64());
            let out = std::process::Command::new(&args[0])
                .arg("--child")
                .arg(ws)
                .arg(&cohort)
                .arg(suite)
                .output()?;
            if !out.status.success() {
                anyhow::bail!("{}", String::from_utf8_lossy(&out.stderr));
            }
            print!("{}", String::from_utf8_lossy(&out.stdout));
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    Ok(())
}

fn list(var: &str, default: &str) -> Vec<String> {
    std::env::var(var)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(str::to_string)
        .collect()
}

/// One approval: everything `merit approve --all-meeting` does after the passphrase.
fn child(ws: &Path, cohort: &str, suite: &str) -> anyhow::Result<()> {
    let suite = Suite::parse(suite).ok_or_else(|| anyhow::anyhow!("suite {suite}"))?;
    let issuer = issuer::load(ws)?;
    let key = issuer::load_key(ws, PASS)?;
    // Deriving the key takes 64 MiB (Argon2id); count the approval's own peak from here.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let mut store = Store::create(ws)?;
    let t = Instant::now();
    let cpu0 = cpu_secs();
    let approver = merit::credential::approval::Approver::new(&store, "bench")?;
    let plan = Plan::for_cohort(&store, cohort, &approver, 1800, merit::store::now(), |_| {
        true
    })?;
    let planned = t.elapsed().as_secs_f64();
    let report = approve(
        &mut store,
        &key,
        &issuer,
        &plan,
        suite,
        "bench",
        &AtomicBool::new(false),
        |_, _| {},
    )?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let n = report.issued.len();
    // Every submission of the cohort, or the figures measure nothing.
    anyhow::ensure!(
        n == plan.to_issue.len() && !plan.to_issue.is_empty() && plan.excluded.is_empty(),
        "issued {n} of {}, {} excluded (first: {:?})",
        plan.to_issue.len(),
        plan.excluded.len(),
        plan.excluded.first()
    );
    println!(
        "{:>8}  {:<16} {:>7.2} s {:>12.0} {:>7.1} MB {:>8.2} s {:>8.2} s",
        n,
        suite.name(),
        secs,
        n as f64 / secs,
        peak_rss_mb(),
        cpu,
        planned
    );
    Ok(())
}

/// User and system CPU time of this process so far (all threads).
fn cpu_secs() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses): utime is 14th, stime 15th.
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        })
        .unwrap_or(0.0)
}

/// Peak resident memory of this process (Linux `VmHWM`).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

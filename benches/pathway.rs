//! Program credentials at scale: N learners each holding the three badges of the bundled
//! pathway; `merit approve --pathway` for half of them with each cryptosuite (the plan, then
//! signing and storing), and a learner's record (`merit transcript`'s work) signed and verified.
//!
//! `cargo bench --bench pathway`; MERIT_BENCH_LEARNERS=10000 chooses N.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use merit::credential::approval::{Approver, Plan, approve};
use merit::credential::program_approval::{ProgramPlan, approve_program};
use merit::credential::proof::Suite;
use merit::credential::{clr, issuer, proof, verify};
use merit::store::Store;

const PASS: &str = "bench passphrase";
const RUBRICS: [(&str, &str); 3] = [
    ("data", "data-cleaning"),
    ("appsec", "secure-code-review"),
    ("teach", "teaching-practice"),
];

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("MERIT_BENCH_LEARNERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let ws = dir.path();
    let me = merit::identity::process_account()?;
    let mut store = Store::create(ws)?;
    for role in ["lead", "assessor", "issuer"] {
        store.add_user("bench", role, &me)?;
    }
    for (_, id) in RUBRICS {
        let (_, src) = merit::rubric::BUNDLED
            .iter()
            .find(|(f, _)| *f == format!("{id}.yaml"))
            .ok_or_else(|| anyhow::anyhow!("bundled rubric {id}"))?;
        let r = merit::rubric::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
        store.import_rubric(&r, src, None, "bench")?;
    }
    let (_, src) = merit::pathway::BUNDLED[0];
    let p = merit::pathway::parse(src.as_bytes()).map_err(|p| anyhow::anyhow!("{}", p[0]))?;
    store.import_pathway(&p, src, None, "bench")?;
    issuer::init(
        ws,
        "Bench Centre",
        "https://badges.example.org",
        None,
        None,
        PASS,
    )?;
    let issuer = issuer::load(ws)?;
    let key = issuer::load_key(ws, PASS)?;

    // Three cohorts of the same N learners, every submission meeting its rubric, approved.
    let t = Instant::now();
    for (cohort, rubric) in RUBRICS {
        store.bulk_scored_cohort(cohort, rubric, n, "assessor-x")?;
    }
    drop(store);
    let conn = rusqlite::Connection::open(ws.join("merit.db"))?;
    for (cohort, _) in &RUBRICS[1..] {
        conn.execute(
            &format!(
                "UPDATE submissions SET learner_id = (SELECT a.id FROM learners a, learners b
                     WHERE b.id = submissions.learner_id
                       AND a.key = 'data' || substr(b.key, {}))
                 WHERE cohort_id = '{cohort}'",
                cohort.len() + 1
            ),
            [],
        )?;
    }
    drop(conn);
    let mut store = Store::create(ws)?;
    let approver = Approver::new(&store, "bench")?;
    for (cohort, _) in RUBRICS {
        let plan = Plan::for_cohort(&store, cohort, &approver, 1800, merit::store::now(), |_| {
            true
        })?;
        approve(
            &mut store,
            &key,
            &issuer,
            &plan,
            Suite::Jcs,
            "bench",
            &AtomicBool::new(false),
            |_, _| {},
        )?;
    }
    eprintln!(
        "(seeded and approved {} component credentials in {:.1} s)",
        3 * n,
        t.elapsed().as_secs_f64()
    );

    println!(
        "{:>8}  {:<16} {:>9} {:>12} {:>10}",
        "learners", "suite", "wall", "programs/s", "of it plan"
    );
    let half = n / 2;
    for (i, suite) in [Suite::Jcs, Suite::Rdfc].into_iter().enumerate() {
        let learners: Vec<String> = (i * half..(i + 1) * half)
            .map(|k| format!("data-learner-{k:06}"))
            .collect();
        let t = Instant::now();
        let plan = ProgramPlan::new(&store, "data-practitioner", &approver, Some(&learners))?;
        let planned = t.elapsed().as_secs_f64();
        let report = approve_program(
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
        anyhow::ensure!(
            report.issued.len() == learners.len(),
            "issued {} of {}: {:?}",
            report.issued.len(),
            learners.len(),
            report.failed.first()
        );
        println!(
            "{:>8}  {:<16} {:>7.2} s {:>12.0} {:>8.2} s",
            learners.len(),
            suite.name(),
            secs,
            learners.len() as f64 / secs,
            planned
        );
    }

    // One learner's record: four credentials embedded, signed, then verified in full.
    let t = Instant::now();
    let src = store.transcript_source("data-learner-000000", "bench")?;
    let mut credentials: Vec<serde_json::Value> = Vec::new();
    for c in &src.credentials {
        credentials.push(serde_json::from_str(c)?);
    }
    for (c, _) in &src.programs {
        credentials.push(serde_json::from_str(c)?);
    }
    let now = merit::credential::issue::rfc3339(std::time::SystemTime::now());
    let record = clr::build(&clr::RecordInput {
        credential_id: "urn:uuid:00000000-0000-4000-8000-00000000bench",
        issuer: &issuer,
        learner_name: &src.name,
        learner_email: src.email.as_deref(),
        salt: "00",
        credentials: &credentials,
        programs: &[],
        partial: false,
        issued_at: &now,
    });
    let signed = proof::sign_owned(record, &key, &issuer.verification_method, &now, Suite::Rdfc)?;
    let signing = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let report = verify::verify(&signed, &verify::Options::default());
    anyhow::ensure!(report.ok, "{:?}", report.failures());
    println!(
        "record of {} credentials: signed in {:.0} ms, verified (record and each) in {:.0} ms",
        credentials.len(),
        signing * 1000.0,
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

//! kill -9 in the middle of approving a 10,000-submission cohort, then approve again: every
//! meeting submission ends with exactly one credential, and every credential verifies.

mod common;

use std::collections::HashSet;
use std::process::Stdio;

use merit::store::Store;

const N: usize = 10_000;
const PASS: &str = "correct horse battery staple";

fn awards(ws: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(ws.join("merit.db")).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    c.query_row("SELECT COUNT(*) FROM awards", [], |r| r.get(0))
        .unwrap()
}

fn approve(ws: &std::path::Path) -> std::process::Command {
    let mut cmd = common::merit();
    cmd.arg("--workspace")
        .arg(ws)
        .args([
            "approve",
            "--cohort",
            "load",
            "--all-meeting",
            "--suite",
            "eddsa-jcs-2022",
            "--json",
        ])
        .env("MERIT_PASSPHRASE", PASS)
        .args(["--as", "ines"]);
    cmd
}

#[test]
fn a_10000_cohort_killed_mid_approval_ends_with_exactly_one_verifying_credential_each() {
    let dir = common::workspace_with_rubrics();
    let ws = dir.path();
    let o = common::merit()
        .arg("--workspace")
        .arg(ws)
        .args([
            "--as",
            "ines",
            "issuer",
            "init",
            "--name",
            "Load Test Centre",
            "--url",
            "https://badges.example.org",
        ])
        .env("MERIT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let ids = Store::create(ws)
        .unwrap()
        .bulk_scored_cohort("load", "data-cleaning", N, "amir")
        .unwrap();
    assert_eq!(ids.len(), N);

    let mut child = approve(ws)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some batches are stored, while it is still signing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while awards(ws) < 600 && std::time::Instant::now() < deadline {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the approval ended before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let partial = awards(ws);
    assert!(
        partial >= 600 && (partial as usize) < N,
        "killed part way: {partial}"
    );

    // Again: it continues where it stopped.
    let o = approve(ws).output().unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["issued"].as_array().unwrap().len() as i64,
        N as i64 - partial
    );

    let store = Store::create(ws).unwrap();
    let all = store.cohort_awards("load").unwrap();
    assert_eq!(all.len(), N);
    let subs: HashSet<i64> = all.iter().map(|a| a.submission_id).collect();
    assert_eq!(subs, ids.iter().copied().collect::<HashSet<_>>());
    let indexes: HashSet<i64> = all.iter().map(|a| a.status_index).collect();
    assert_eq!(indexes.len(), N, "a status list index was handed out twice");
    let creds: HashSet<&str> = all.iter().map(|a| a.credential_id.as_str()).collect();
    assert_eq!(creds.len(), N);

    // Every stored credential verifies (proof, issuer, dates, schemas), on every core.
    let failures = common::unverified(&all);
    assert!(
        failures.is_empty(),
        "{} fail: {:?}",
        failures.len(),
        &failures[..1]
    );
}

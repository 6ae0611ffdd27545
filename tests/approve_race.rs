//! Two hosts approving the same 10,000-submission cohort at the same time, one of them killed
//! (`kill -9`) part way: every submission ends with exactly one credential, no status-list
//! index is handed out twice, the audit chain verifies, and every credential verifies.

mod common;

use std::collections::HashSet;
use std::process::{Child, Stdio};

use common::Backend;
use merit::store::Store;

const N: usize = 10_000;
const PASS: &str = "correct horse battery staple";

fn approve(ws: &std::path::Path) -> std::process::Command {
    let mut cmd = common::merit();
    cmd.arg("--workspace")
        .arg(ws)
        .args([
            "--as",
            "ines",
            "approve",
            "--cohort",
            "load",
            "--all-meeting",
            "--suite",
            "eddsa-jcs-2022",
            "--json",
        ])
        .env("MERIT_PASSPHRASE", PASS);
    cmd
}

fn awards(store: &Store) -> i64 {
    store
        .raw_connection()
        .query_row("SELECT COUNT(*) FROM awards", [], |r| r.get(0))
        .unwrap()
}

fn two_approvals_at_once_one_killed_issue_each_credential_once(b: Backend) {
    let dir = common::workspace_with_rubrics_on(&b);
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
        ])
        .args(["--url", "https://badges.example.org"])
        .env("MERIT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut store = Store::create(ws).unwrap();
    let ids = store
        .bulk_scored_cohort("load", "data-cleaning", N, "amir")
        .unwrap();
    assert_eq!(ids.len(), N);

    let spawn = || -> Child {
        approve(ws)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut doomed = spawn();
    let survivor = spawn();
    // Kill one once some batches are stored, while both are still signing.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while awards(&store) < 600 && std::time::Instant::now() < deadline {
        assert!(
            doomed.try_wait().unwrap().is_none(),
            "the approval ended before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    doomed.kill().unwrap(); // SIGKILL
    doomed.wait().unwrap();
    let partial = awards(&store);
    assert!((partial as usize) < N, "killed part way: {partial}");
    let o = survivor.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let issued = report["issued"].as_array().unwrap().len();
    // Which of the two signed how many is a race; that they add up, below, is not.
    eprintln!(
        "the survivor issued {issued}, the killed one {}",
        N - issued
    );

    // Once more: nothing is left to sign, and nothing is signed twice.
    let o = approve(ws).output().unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["issued"].as_array().unwrap().len(), 0);

    let all = store.cohort_awards("load").unwrap();
    assert_eq!(all.len(), N);
    let subs: HashSet<i64> = all.iter().map(|a| a.submission_id).collect();
    assert_eq!(subs, ids.iter().copied().collect::<HashSet<_>>());
    let indexes: HashSet<i64> = all.iter().map(|a| a.status_index).collect();
    assert_eq!(indexes.len(), N, "a status list index was handed out twice");
    let creds: HashSet<&str> = all.iter().map(|a| a.credential_id.as_str()).collect();
    assert_eq!(creds.len(), N);
    let report = store.verify_audit().unwrap();
    assert!(report.ok(), "{:?}", report.problems);

    // Every stored credential verifies, on every core.
    let failures = common::unverified(&all);
    assert!(
        failures.is_empty(),
        "{} fail: {:?}",
        failures.len(),
        &failures[..1]
    );
}

on_both_backends!(two_approvals_at_once_one_killed_issue_each_credential_once);

//! Separation of duties: an issuer never approves work they assessed, and a lead never decides
//! a disagreement that includes their own assessment, unless the workspace's `self-approval`
//! policy allows it; then each such credential's audit entry says it was self-approved.

mod common;

use std::path::PathBuf;

use merit::credential::approval::{Approver, OWN_WORK, Plan};
use merit::store::Store;
use serde_json::Value;

const PASS: &str = "merit-demo";
const COHORT: &str = "teach-2026-spring";

fn assess(store: &mut Store, id: i64, who: &str, meets: bool) {
    common::assess(store, id, who, meets).unwrap();
}

/// A demo workspace where ines (an issuer) is also an assessor and assessed one submission,
/// which meets the rubric; returns its id.
fn workspace() -> (tempfile::TempDir, PathBuf, i64) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let o = common::run(
        &ws,
        &["demo", "--no-tui", "--learners", "12", "--seed", "2"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(&ws, &["user", "add", "ines", "--role", "assessor"]);
    assert!(o.status.success());
    let mut store = Store::create(&ws).unwrap();
    let id = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.status == "new" && !r.flags.evidence_missing)
        .unwrap()
        .submission_id;
    assess(&mut store, id, "ines", true);
    (dir, ws, id)
}

#[test]
fn an_issuer_cannot_approve_their_own_assessment() {
    let (_dir, ws, id) = workspace();
    // The preview names the reason.
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--cohort",
            COHORT,
            "--all-meeting",
            "--dry-run",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let plan: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        plan["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e[0] == id && e[1] == OWN_WORK),
        "{plan}"
    );
    assert!(!plan["to_issue"].as_array().unwrap().iter().any(|x| x == id));
    // Approving everything leaves it out.
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", COHORT, "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::create(&ws).unwrap();
    assert!(
        store.award(id).unwrap().is_none(),
        "ines approved her own work"
    );
    // Another issuer may.
    let o = common::run(&ws, &["user", "add", "ivan", "--role", "issuer"]);
    assert!(o.status.success());
    let o = common::merit_as(
        &ws,
        "ivan",
        &[
            "approve",
            "--cohort",
            COHORT,
            "--submission",
            &id.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(store.award(id).unwrap().is_some());
}

#[test]
fn the_store_refuses_it_even_when_a_caller_planned_it() {
    let (_dir, ws, id) = workspace();
    let mut store = Store::create(&ws).unwrap();
    // A plan made as if self-approval were allowed (it is not).
    let lax = Approver {
        name: "ines".into(),
        self_approval: true,
    };
    let rows = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap();
    let plan = Plan::new(COHORT, &lax, rows.iter().filter(|r| r.submission_id == id));
    assert_eq!(plan.to_issue, [id]);
    let root = ws.clone();
    let issuer = merit::credential::issuer::load(&root).unwrap();
    let key = merit::credential::issuer::load_key(&root, PASS).unwrap();
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let err = merit::credential::approval::approve(
        &mut store,
        &key,
        &issuer,
        &plan,
        merit::credential::proof::Suite::Jcs,
        "ines",
        &cancel,
        |_, _| {},
    )
    .map(|r| format!("{:?}", r.failed))
    .unwrap_or_else(|e| format!("{e:#}"));
    assert!(err.contains("separation of duties"), "{err}");
    assert!(store.award(id).unwrap().is_none());
}

#[test]
fn the_self_approval_policy_lets_it_through_and_says_so() {
    let (_dir, ws, id) = workspace();
    let o = common::merit_as(&ws, "ines", &["policy", "set", "self-approval", "allowed"]);
    assert_eq!(o.status.code(), Some(1), "only an admin sets policies");
    let o = common::run(&ws, &["policy", "set", "self-approval", "allowed"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "approve",
            "--cohort",
            COHORT,
            "--submission",
            &id.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::create(&ws).unwrap();
    let award = store.award(id).unwrap().expect("issued");
    let tail = store.audit_tail(20).unwrap();
    let entry = tail
        .iter()
        .find(|e| e.action == "award.issue" && e.subject == format!("submission {id}"))
        .unwrap();
    assert!(entry.detail.contains(&award.credential_id));
    assert!(entry.detail.contains("self-approved"), "{}", entry.detail);
}

#[test]
fn a_lead_cannot_decide_a_disagreement_including_their_own_assessment() {
    let (_dir, ws, _) = workspace();
    let mut store = Store::create(&ws).unwrap();
    let o = common::run(&ws, &["user", "add", "lena", "--role", "assessor"]);
    assert!(o.status.success());
    let id = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.status == "new" && !r.flags.evidence_missing)
        .unwrap()
        .submission_id;
    assess(&mut store, id, "lena", true);
    store.request_second_marking(id, "lena").unwrap();
    assess(&mut store, id, "bea", false);
    let err = store
        .resolve_second_marking(id, "lena", merit::rubric::Decision::Meets, "I am right")
        .unwrap_err()
        .to_string();
    assert!(err.contains("separation of duties"), "{err}");
    // Another lead decides.
    let o = common::run(&ws, &["user", "add", "olga", "--role", "lead"]);
    assert!(o.status.success());
    store
        .resolve_second_marking(
            id,
            "olga",
            merit::rubric::Decision::NotYet,
            "missing evidence",
        )
        .unwrap();
}

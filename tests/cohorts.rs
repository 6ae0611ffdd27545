//! The issuer's cohort view: counts, one row per submission, the flags that keep work from
//! being signed, and the approval plan that the workbench and `merit approve` share.

mod common;

use std::path::Path;

use merit::credential::approval::Plan;
use merit::store::{CohortRow, Store};
use serde_json::Value;

const COHORT: &str = "data-2026-q2";

fn sql(ws: &Path) -> common::Db {
    common::db(ws)
}

fn row(rows: &[CohortRow], id: i64) -> &CohortRow {
    rows.iter().find(|r| r.submission_id == id).unwrap()
}

#[test]
fn flags_show_what_needs_a_second_look_and_keep_it_from_being_signed() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::demo(&ws);
    let mut store = Store::create(&ws).unwrap();
    let now = merit::store::now();
    let rows = store.cohort_rows(COHORT, 1800, now, None).unwrap();
    let meeting: Vec<i64> = rows
        .iter()
        .filter(|r| r.status == "scored")
        .map(|r| r.submission_id)
        .collect();
    assert!(meeting.len() >= 3, "the demo scores work as meeting");
    assert!(rows.iter().all(|r| !r.flags.any()), "the demo starts clean");
    let (disagree, missing, fine) = (meeting[0], meeting[1], meeting[2]);

    // A second assessor reached the other decision.
    sql(&ws)
        .execute(
            "INSERT INTO assessments (submission_id, assessor, state, decision, weighted_total, updated_at, submitted_at)
             VALUES (?1, 'bea2', 'submitted', 'not_yet', 3, ?2, ?2)",
            [disagree, now],
        )
        .unwrap();
    // The cleaned dataset (required) is gone from another.
    sql(&ws)
        .execute(
            "DELETE FROM artifacts WHERE submission_id = ?1 AND requirement = 'cleaned-data'",
            [missing],
        )
        .unwrap();
    // A claim on new work that nobody has touched for an hour.
    let new = rows
        .iter()
        .find(|r| r.status == "new")
        .unwrap()
        .submission_id;
    assert_eq!(store.claim(new, "bea", 1800).unwrap(), None);

    let rows = store.cohort_rows(COHORT, 1800, now + 3600, None).unwrap();
    assert!(row(&rows, disagree).flags.assessors_disagree);
    assert!(row(&rows, disagree).assessors.contains("bea2"));
    assert!(row(&rows, missing).flags.evidence_missing);
    assert!(row(&rows, new).flags.claim_stuck);
    assert_eq!(row(&rows, new).assessors, "bea");
    assert!(!row(&rows, fine).flags.any());
    // Within the idle limit the claim is not stuck.
    let fresh = store.cohort_rows(COHORT, 1800, now, None).unwrap();
    assert!(!row(&fresh, new).flags.claim_stuck);

    // Everything selected: the plan issues only clean meeting work and says why not the rest.
    let ines = merit::credential::approval::Approver {
        name: "ines".into(),
        self_approval: false,
    };
    let plan = Plan::new(COHORT, &ines, &rows);
    assert!(plan.to_issue.contains(&fine));
    assert!(!plan.to_issue.contains(&disagree) && !plan.to_issue.contains(&missing));
    let reasons = plan.excluded_by_reason();
    let count = |why: &str| {
        reasons
            .iter()
            .find(|(w, _)| w == why)
            .map_or(0, |(_, n)| *n)
    };
    assert_eq!(count("assessors disagree"), 1);
    assert_eq!(count("required evidence missing"), 1);
    assert!(count("not assessed yet") >= 1);
    let not_yet = rows.iter().filter(|r| r.status == "not_yet").count();
    assert_eq!(plan.not_yet.len(), not_yet);
    assert_eq!(
        plan.to_issue.len() + plan.not_yet.len() + plan.excluded.len(),
        rows.len()
    );

    // The command line follows the same plan.
    let o = common::merit()
        .arg("--workspace")
        .arg(&ws)
        .args(["approve", "--cohort", COHORT, "--all-meeting", "--json"])
        .args(["--as", "ines"])
        .env("MERIT_PASSPHRASE", "merit-demo")
        .env("MERIT_APPROVE_BATCH", "3")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        report["issued"].as_array().unwrap().len(),
        plan.to_issue.len()
    );
    let rows = store.cohort_rows(COHORT, 1800, now, None).unwrap();
    assert!(row(&rows, fine).credential_id.is_some());
    // Stored with the issuer profile and the achievement as shared parts, written once…
    let raw: String = sql(&ws)
        .query_row(
            "SELECT credential_json FROM awards WHERE submission_id = ?1",
            [fine],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(raw.matches("@merit:part").count(), 2, "{raw}");
    let parts: i64 = sql(&ws)
        .query_row("SELECT COUNT(*) FROM credential_parts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        parts, 2,
        "one profile and one achievement for the whole cohort"
    );
    // …and read back whole.
    let award = store.award(fine).unwrap().unwrap();
    let doc: Value = serde_json::from_str(&award.credential_json).unwrap();
    assert!(!award.credential_json.contains("@merit:part"));
    assert!(doc["credentialSubject"]["achievement"]["name"].is_string());
    assert!(
        doc["issuer"]["id"]
            .as_str()
            .unwrap()
            .starts_with("did:key:")
    );
    assert!(row(&rows, disagree).credential_id.is_none());
    assert!(row(&rows, missing).credential_id.is_none());

    // Counts: submitted to issued.
    let c = store
        .cohorts()
        .unwrap()
        .into_iter()
        .find(|c| c.id == COHORT)
        .unwrap();
    assert_eq!(c.issued as usize, plan.to_issue.len());
    assert_eq!(c.approved, c.issued);
    assert_eq!(c.revoked, 0);
    assert_eq!(c.not_yet as usize, not_yet);
    assert_eq!(c.submissions as usize, rows.len());

    // Who approved, and what, is in the audit log.
    let tail = store.audit_tail(500).unwrap();
    let approval = tail
        .iter()
        .find(|e| e.action == "cohort.approve")
        .expect("the approval is audited");
    assert_eq!(approval.actor, "ines");
    assert_eq!(approval.subject, COHORT);
    assert!(
        approval.detail.contains("eddsa-rdfc-2022"),
        "{}",
        approval.detail
    );
    assert!(tail.iter().any(|e| e.action == "cohort.approve.done"));
}

#[test]
fn a_new_rubric_version_flags_work_scored_on_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    common::demo(&ws);
    let mut store = Store::create(&ws).unwrap();
    let src = merit::rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .unwrap()
        .1
        .replace("title: Cleaned dataset", "title: Cleaned dataset (CSV)");
    let rubric = merit::rubric::parse(src.as_bytes()).unwrap();
    store.import_rubric(&rubric, &src, None, "lena").unwrap();
    let rows = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap();
    assert!(rows.iter().all(|r| r.flags.rubric_outdated));
    assert!(rows.iter().all(|r| r.rubric_version == 1));
    // An old version does not stop approval: scored work keeps the rubric it was scored on.
    assert!(rows.iter().any(|r| r.can_issue().is_ok()));
    // An evidence title is not in the badge: the flag says signing is not affected.
    assert!(rows.iter().all(|r| !r.flags.badge_differs));
    assert!(rows[0].flags.words().contains(&"old rubric: same badge"));
    // A new level descriptor is: work on v1 signs v1's badge.
    let src2 = src.replacen("descriptor: Also checks", "descriptor: Also verifies", 1);
    assert_ne!(src2, src);
    let rubric = merit::rubric::parse(src2.as_bytes()).unwrap();
    store.import_rubric(&rubric, &src2, None, "lena").unwrap();
    let rows = store
        .cohort_rows(COHORT, 1800, merit::store::now(), None)
        .unwrap();
    assert!(rows.iter().all(|r| r.flags.badge_differs));
    assert!(rows[0].flags.words().contains(&"old rubric: own badge"));
}

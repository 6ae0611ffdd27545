//! Pathways: files checked with places, versions, and who has earned one from the badges they
//! hold (revoked and expired ones left out), on the demo's pathway.

mod common;

use std::path::Path;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

const HEAD: &str = "id: p\ntitle: P\nachievement:\n  name: P\n  description: d\n  criteria: c\n  type: Certificate\n";

#[test]
fn a_pathway_file_gets_every_problem_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = common::repo().join("pathways/data-practitioner.yaml");
    let o = common::merit()
        .args(["pathway", "check"])
        .arg(&bundled)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stdout(&o));
    let bad = write(
        dir.path(),
        "bad.yaml",
        &format!(
            "{HEAD}requires:\n  all:\n    - data-cleanin\n    - at_least: 3\n      of: [secure-code-review, teaching-practice]\n    - data-cleaning\n    - data-cleaning\n  within_dayz: 9\n"
        ),
    );
    let o = common::merit()
        .args(["pathway", "check", &bad])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = common::stdout(&o);
    for expected in [
        "bad.yaml:10:7: no rubric `data-cleanin`",
        "hint: did you mean `data-cleaning`?",
        "bad.yaml:11:17: `at_least: 3` of 2 can never be met",
        "bad.yaml:14:7: rubric `data-cleaning` is named twice",
        "bad.yaml:15:3: unknown field `within_dayz` in a requirement group",
        "hint: did you mean `within_days`?",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    // Structure: `of` without `at_least`, a list in a list, a count that is no count.
    let bad = write(
        dir.path(),
        "worse.yaml",
        &format!("{HEAD}requires:\n  of: [a]\n  within_days: -2\n"),
    );
    let o = common::merit()
        .args(["pathway", "check", &bad])
        .output()
        .unwrap();
    let out = common::stdout(&o);
    assert!(
        out.contains("worse.yaml:9:7: `of:` needs `at_least: N`"),
        "{out}"
    );
    assert!(
        out.contains("worse.yaml:10:16: `within_days` should be a whole number"),
        "{out}"
    );
}

#[test]
fn a_rubric_named_alongside_or_in_the_workspace_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::repo().join("rubrics/data-cleaning.yaml")).unwrap();
    let rubric = write(
        dir.path(),
        "own.yaml",
        &text.replacen("id: data-cleaning", "id: own-rubric", 1),
    );
    let p = write(
        dir.path(),
        "p.yaml",
        &format!("{HEAD}requires:\n  all: [own-rubric, data-cleaning]\n"),
    );
    // Alone it does not resolve; with the rubric file named beside it, it does.
    let o = common::merit()
        .args(["pathway", "check", &p])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("no rubric `own-rubric`"),
        "{}",
        common::stdout(&o)
    );
    let o = common::merit()
        .args(["pathway", "check", &p, &rubric])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stdout(&o));
    // In a workspace, its rubrics count, and the bundled ones do not.
    let ws = common::workspace_with_rubrics();
    let o = common::run(ws.path(), &["pathway", "check", &p]);
    assert_eq!(o.status.code(), Some(1));
    let o = common::run(ws.path(), &["rubric", "import", &rubric]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(ws.path(), &["pathway", "check", &p]);
    assert!(o.status.success(), "{}", common::stdout(&o));
}

#[test]
fn pathways_are_versioned_and_diffed_and_only_leads_import_them() {
    let ws = common::workspace_with_rubrics();
    let bundled = common::repo().join("pathways/data-practitioner.yaml");
    let bundled = bundled.to_str().unwrap();
    let o = common::merit_as(ws.path(), "amir", &["pathway", "import", bundled]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("lead role"),
        "{}",
        common::stderr(&o)
    );
    let o = common::merit_as(ws.path(), "lena", &["pathway", "import", bundled]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stdout(&o).contains("pathway data-practitioner version 1"));
    // The same content again changes nothing; a change is version 2.
    let o = common::merit_as(ws.path(), "lena", &["pathway", "import", bundled]);
    assert!(
        common::stdout(&o).contains("(unchanged)"),
        "{}",
        common::stdout(&o)
    );
    let text = std::fs::read_to_string(bundled).unwrap();
    let v2 = write(
        ws.path(),
        "v2.yaml",
        &text.replace("within_days: 730", "within_days: 365"),
    );
    let o = common::merit_as(ws.path(), "lena", &["pathway", "import", &v2]);
    assert!(
        common::stdout(&o).contains("version 2"),
        "{}",
        common::stdout(&o)
    );
    let o = common::run(ws.path(), &["pathway", "history", "data-practitioner"]);
    let out = common::stdout(&o);
    assert!(
        out.contains("data-practitioner@1") && out.contains("data-practitioner@2\t"),
        "{out}"
    );
    assert!(
        out.lines().last().unwrap_or("").ends_with("current"),
        "{out}"
    );
    let o = common::run(
        ws.path(),
        &[
            "pathway",
            "diff",
            "data-practitioner@1",
            "data-practitioner",
        ],
    );
    let out = common::stdout(&o);
    assert!(out.contains("- all of, earned within 730 days:"), "{out}");
    assert!(out.contains("+ all of, earned within 365 days:"), "{out}");
    // Files compare too, without a workspace.
    let o = common::merit()
        .args(["pathway", "diff", bundled, &v2])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stdout(&o).contains("+ all of, earned within 365 days:"));
    let o = common::merit()
        .args(["pathway", "diff", bundled, bundled])
        .output()
        .unwrap();
    assert!(
        common::stdout(&o).contains("the same pathway"),
        "{}",
        common::stdout(&o)
    );
    // An unknown rubric refuses the whole import.
    let bad = write(
        ws.path(),
        "bad.yaml",
        &text.replace("- data-cleaning", "- data-cleaner"),
    );
    let o = common::merit_as(ws.path(), "lena", &["pathway", "import", &bad]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stdout(&o).contains("no rubric `data-cleaner`"),
        "{}",
        common::stdout(&o)
    );
}

fn status(ws: &Path) -> serde_json::Value {
    let o = common::merit_as(
        ws,
        "ines",
        &[
            "pathway",
            "status",
            "--pathway",
            "data-practitioner",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    serde_json::from_str(&common::stdout(&o)).unwrap()
}

fn standing<'a>(s: &'a serde_json::Value, learner: &str) -> Option<&'a serde_json::Value> {
    s["learners"]
        .as_array()?
        .iter()
        .find(|l| l["learner"] == learner)
}

#[test]
fn the_demo_pathway_is_earned_once_its_cohorts_are_approved() {
    let (_dir, ws) = common::demo_workspace(30, 2);
    // Nothing is issued yet: nobody has earned it.
    let s = status(&ws);
    assert_eq!(s["pathway"], "data-practitioner");
    assert!(s["learners"].as_array().unwrap().is_empty(), "{s:#}");
    let store = merit::store::Store::open(&ws).unwrap();
    let cohorts: Vec<String> = store.cohorts().unwrap().into_iter().map(|c| c.id).collect();
    drop(store);
    for c in &cohorts {
        let o = common::merit_as(&ws, "ines", &["approve", "--cohort", c, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let s = status(&ws);
    for key in ["noor-achterberg", "tariq-okonkwo"] {
        let l = standing(&s, key).unwrap_or_else(|| panic!("{key} missing: {s:#}"));
        assert_eq!(l["status"], "earned", "{l}");
        assert_eq!(l["missing"], serde_json::json!([]));
    }
    // Everyone else holds one badge at most: the two others are missing.
    let others: Vec<&serde_json::Value> = s["learners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["status"] == "missing")
        .collect();
    assert!(!others.is_empty());
    for l in others {
        assert_eq!(l["missing"].as_array().unwrap().len(), 2, "{l}");
    }
    // A revoked component no longer counts: Noor misses that badge again.
    let conn = common::db(&ws);
    let credential: String = conn
        .query_row(
            "SELECT w.credential_id FROM awards w JOIN submissions s ON s.id = w.submission_id
             JOIN learners l ON l.id = s.learner_id
             WHERE l.key = 'noor-achterberg' AND s.cohort_id = 'data-2026-q2'",
            [],
            |r| r.get(0),
        )
        .expect("noor's data-cleaning credential");
    let o = common::merit_as(&ws, "ines", &["revoke", &credential, "--reason", "test"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let s = status(&ws);
    let l = standing(&s, "noor-achterberg").unwrap();
    assert_eq!(l["status"], "missing");
    assert_eq!(l["missing"], serde_json::json!(["data-cleaning"]));
    // An expired one neither: Tariq's secure-code-review credential ran out yesterday.
    let n = conn
        .execute(
            "UPDATE awards SET valid_until = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day'),
                 credential_json = json_set(credential_json, '$.validUntil',
                 strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day'))
             WHERE submission_id IN (SELECT s.id FROM submissions s JOIN learners l
                 ON l.id = s.learner_id WHERE l.key = 'tariq-okonkwo'
                 AND s.cohort_id = 'appsec-2026-1')",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    let s = status(&ws);
    let l = standing(&s, "tariq-okonkwo").unwrap();
    assert_eq!(l["missing"], serde_json::json!(["secure-code-review"]));
    // One learner, by id, and assessors may not look.
    let o = common::merit_as(
        &ws,
        "ines",
        &["pathway", "status", "--learner", "tariq-okonkwo"],
    );
    assert!(
        common::stdout(&o).contains("missing secure-code-review"),
        "{}",
        common::stdout(&o)
    );
    let o = common::merit_as(&ws, "amir", &["pathway", "status"]);
    assert_eq!(o.status.code(), Some(1));
}

/// Migration 24 reads each stored credential's `validUntil` into its column, so credentials
/// issued before it count (and expire) as they did.
#[test]
fn the_valid_until_column_is_filled_from_credentials_issued_before_it() {
    let (_dir, ws) = common::demo_workspace(20, 3);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let conn = common::db(&ws);
    let same = |c: &merit::store::db::Connection| -> (i64, i64) {
        c.query_row(
            "SELECT COUNT(*), SUM(valid_until IS json_extract(credential_json, '$.validUntil')
                                 AND valid_until IS NOT NULL) FROM awards",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (n, matching) = same(&conn);
    assert!(n > 0);
    assert_eq!(matching, n, "new awards store their end");
    // As before migration 24: no column values, schema 23.
    conn.execute_batch("ALTER TABLE awards DROP COLUMN valid_until; PRAGMA user_version = 23;")
        .unwrap();
    drop(conn);
    drop(merit::store::Store::open(&ws).unwrap());
    let conn = common::db(&ws);
    assert_eq!(same(&conn), (n, n));
}

//! The audit log holds up against someone who can write `merit.db`: a rewrite with every hash
//! recomputed is caught by the seals, deleted entries and edited rows by the tables, dropped
//! triggers come back, and a published head proves the log still extends it.

mod common;

use std::path::{Path, PathBuf};

use common::Backend;
use merit::store::Store;
use merit::store::db::{Backend as Kind, Connection, Value};
use sha2::{Digest, Sha256};

/// A demo workspace with an approval (which seals the log) and a later revocation (sealed
/// too).
fn workspace(b: &Backend) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    b.configure(&ws);
    let o = common::run(
        &ws,
        &["demo", "--no-tui", "--learners", "12", "--seed", "2"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("audit log sealed at"));
    (dir, ws)
}

fn verify(ws: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["audit", "verify"];
    args.extend(extra);
    let o = common::run(ws, &args);
    (o.status.code().unwrap_or(-1), common::stdout(&o))
}

/// The workspace's database with the audit log's guards dropped, as an attacker who can
/// write to it would.
fn db(ws: &Path) -> Store {
    let store = Store::create(ws).unwrap();
    let on = match store.backend() {
        Kind::Sqlite => "",
        Kind::Postgres => " ON audit_log",
    };
    store
        .raw_connection()
        .execute_batch(&format!(
            "DROP TRIGGER IF EXISTS audit_log_no_update{on}; \
             DROP TRIGGER IF EXISTS audit_log_no_delete{on};"
        ))
        .unwrap();
    store
}

/// The entry hash as README documents it, written independently of Merit's code.
fn entry_hash(c: &Connection, seq: i64, prev: &str) -> String {
    let (version, at, actor, action, subject, detail, record): (i64, i64, String, String, String, String, String) = c
        .query_row(
            "SELECT version, at, actor, action, subject, detail, record FROM audit_log WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .unwrap();
    let text = if version >= 2 {
        serde_json::json!([
            version, seq, at, actor, action, subject, detail, record, prev
        ])
    } else {
        serde_json::json!([seq, at, actor, action, subject, detail, prev])
    }
    .to_string();
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

fn an_intact_log_verifies_with_its_seals_and_records(b: Backend) {
    let (_dir, ws) = workspace(&b);
    let (code, out) = verify(&ws, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 seal(s) verified"), "{out}");
    // An independent re-computation of every hash agrees with the stored ones.
    let store = Store::create(&ws).unwrap();
    let c = store.raw_connection();
    let n: i64 = c
        .query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let mut prev = "0".repeat(64);
    for seq in 1..=n {
        let stored: String = c
            .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [seq], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(entry_hash(c, seq, &prev), stored, "entry {seq}");
        prev = stored;
    }
}

fn a_rewrite_with_every_hash_recomputed_is_caught_by_the_seal(b: Backend) {
    let (_dir, ws) = workspace(&b);
    let head = common::stdout(&common::run(&ws, &["audit", "head"]));
    let sealed_seq: i64 = head.split(':').next().unwrap().trim().parse().unwrap();
    let store = db(&ws);
    let c = store.raw_connection();
    // Rewrite entry 3 and recompute the hash of it and of every entry after it.
    c.execute(
        "UPDATE audit_log SET detail = 'role admin' WHERE seq = 3",
        [],
    )
    .unwrap();
    let n: i64 = c
        .query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    let mut prev: String = c
        .query_row("SELECT hash FROM audit_log WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    for seq in 3..=n {
        c.execute(
            "UPDATE audit_log SET prev_hash = ?1 WHERE seq = ?2",
            [Value::from(prev.clone()), Value::from(seq)],
        )
        .unwrap();
        let h = entry_hash(c, seq, &prev);
        c.execute(
            "UPDATE audit_log SET hash = ?1 WHERE seq = ?2",
            [Value::from(h.clone()), Value::from(seq)],
        )
        .unwrap();
        prev = h;
    }
    drop(store);
    let (code, out) = verify(&ws, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("the sealed head {sealed_seq}:"))
            && out.contains("rewritten behind that seal"),
        "{out}"
    );
}

fn deleting_the_newest_entries_names_the_records_that_lost_them(b: Backend) {
    let (_dir, ws) = workspace(&b);
    let store = db(&ws);
    let c = store.raw_connection();
    let n: i64 = c
        .query_row("SELECT MAX(seq) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    // The seal and the approval's last entries go.
    c.execute("DELETE FROM audit_log WHERE seq > ?1", [n - 4])
        .unwrap();
    drop(store);
    let (code, out) = verify(&ws, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("has no audit entry"), "{out}");
    assert!(out.contains("the award of submission"), "{out}");
}

fn an_assessment_edited_in_sql_is_named(b: Backend) {
    let (_dir, ws) = workspace(&b);
    let store = db(&ws);
    let c = store.raw_connection();
    let (sid, who): (i64, String) = c
        .query_row(
            "SELECT submission_id, assessor FROM assessments WHERE state = 'submitted' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    c.execute(
        "UPDATE assessment_scores SET level_id = 'exceeds' WHERE assessment_id =
             (SELECT id FROM assessments WHERE submission_id = ?1 AND assessor = ?2)",
        [Value::from(sid), Value::from(who.clone())],
    )
    .unwrap();
    drop(store);
    let (code, out) = verify(&ws, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "the assessment of submission {sid} by {who} does not match its audit entry"
        )),
        "{out}"
    );
}

fn dropped_triggers_are_back_when_the_workspace_opens(b: Backend) {
    let (_dir, ws) = workspace(&b);
    drop(db(&ws));
    let o = common::run(&ws, &["cohort", "list"]);
    assert!(o.status.success());
    // A plain connection, not Merit's (which would put the guards back itself).
    let (update, delete) = match &b {
        Backend::Sqlite => {
            let c = rusqlite::Connection::open(ws.join("merit.db")).unwrap();
            (
                c.execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1", []),
                c.execute("DELETE FROM audit_log WHERE seq = 1", []),
            )
                .map_ok()
        }
        Backend::Postgres(url) => {
            let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
            let u = c
                .execute("UPDATE audit_log SET detail = 'x' WHERE seq = 1", &[])
                .map_err(|e| e.to_string());
            let d = c
                .execute("DELETE FROM audit_log WHERE seq = 1", &[])
                .map_err(|e| e.to_string());
            let t = c
                .batch_execute("TRUNCATE audit_log")
                .map_err(|e| e.to_string());
            assert!(t.is_err(), "TRUNCATE is refused too");
            (u.map(|_| ()), d.map(|_| ()))
        }
    };
    assert!(update.is_err());
    assert!(delete.is_err());
}

trait MapOk {
    fn map_ok(self) -> (Result<(), String>, Result<(), String>);
}

impl MapOk for (rusqlite::Result<usize>, rusqlite::Result<usize>) {
    fn map_ok(self) -> (Result<(), String>, Result<(), String>) {
        (
            self.0.map(|_| ()).map_err(|e| e.to_string()),
            self.1.map(|_| ()).map_err(|e| e.to_string()),
        )
    }
}

fn a_published_head_is_extended_not_rewritten(b: Backend) {
    let (_dir, ws) = workspace(&b);
    let head = common::stdout(&common::run(&ws, &["audit", "head"]));
    let head = head.lines().next().unwrap().trim().to_string();
    // The log goes on: a revocation (sealed again).
    let store = Store::create(&ws).unwrap();
    let cred = store.cohort_awards("data-2026-q2").unwrap()[0]
        .credential_id
        .clone();
    drop(store);
    let o = common::merit_as(&ws, "ines", &["revoke", &cred, "--reason", "test"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let (code, out) = verify(&ws, &["--since-head", &head]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 seal(s) verified"), "{out}");
    // Rewriting the entry the published head names is caught even with the hash kept.
    let seq: i64 = head.split(':').next().unwrap().parse().unwrap();
    let store = db(&ws);
    let c = store.raw_connection();
    c.execute(
        "UPDATE audit_log SET hash = ?1 WHERE seq = ?2",
        [Value::from("f".repeat(64)), Value::from(seq)],
    )
    .unwrap();
    drop(store);
    let (code, out) = verify(&ws, &["--since-head", &head]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "the published head {head} is no longer in the chain"
        )),
        "{out}"
    );
}

#[test]
fn an_import_killed_part_way_leaves_every_committed_submission_with_its_entry() {
    let ws = common::workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    for i in 0..1_100 {
        let d = src.path().join(format!("learner-{i:04}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("change-log.md"), format!("- row {i}\n")).unwrap();
    }
    let mut child = common::merit()
        .arg("--workspace")
        .arg(ws.path())
        .args(["import", "--cohort", "big", "--rubric", "data-cleaning"])
        .arg(src.path())
        .env("MERIT_TEST_HOLD_AFTER", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("held") {
        line.clear();
    }
    assert!(line.contains("held"), "the import ended before it was held");
    child.kill().unwrap(); // SIGKILL, after the first batch
    let _ = child.wait();
    let c = rusqlite::Connection::open(ws.path().join("merit.db")).unwrap();
    let keys: Vec<String> = c
        .prepare("SELECT l.key FROM submissions s JOIN learners l ON l.id = s.learner_id WHERE s.cohort_id = 'big'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        !keys.is_empty() && keys.len() < 1_100,
        "{} recorded",
        keys.len()
    );
    let details: Vec<String> = c
        .prepare("SELECT detail FROM audit_log WHERE action = 'import.batch'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for k in &keys {
        assert!(
            details.iter().any(|d| d
                .split(": ")
                .nth(1)
                .is_some_and(|l| l.split(", ").any(|x| x == k))),
            "{k} has no entry"
        );
    }
    let (code, out) = verify(ws.path(), &[]);
    assert_eq!(code, 0, "{out}");
}

on_both_backends!(
    an_intact_log_verifies_with_its_seals_and_records,
    a_rewrite_with_every_hash_recomputed_is_caught_by_the_seal,
    deleting_the_newest_entries_names_the_records_that_lost_them,
    an_assessment_edited_in_sql_is_named,
    a_published_head_is_extended_not_rewritten,
    dropped_triggers_are_back_when_the_workspace_opens,
);

//! The workspace store: migrations, rubric versions, artifacts, the audit chain.

mod common;

use std::fs;

use merit::rubric;
use merit::store::{RubricImport, Store, schema_version};

#[test]
fn migrates_an_empty_database_file() {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("merit.db"), b"").unwrap();
    let store = Store::create(ws.path()).unwrap();
    assert_eq!(store.schema_version().unwrap(), schema_version());
    let tables: Vec<String> = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in [
        "artifacts",
        "assessment_scores",
        "assessments",
        "audit_log",
        "awards",
        "cohorts",
        "learners",
        "rubric_versions",
        "rubrics",
        "submissions",
        "users",
    ] {
        assert!(
            tables.iter().any(|x| x == t),
            "missing table {t}: {tables:?}"
        );
    }
    let mode: String = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    drop(store);
    // Opening again is a no-op.
    let again = Store::create(ws.path()).unwrap();
    assert_eq!(again.schema_version().unwrap(), schema_version());
}

#[test]
fn refuses_a_database_from_a_newer_merit() {
    let ws = tempfile::tempdir().unwrap();
    {
        let store = Store::create(ws.path()).unwrap();
        store
            .raw_connection()
            .sqlite()
            .expect("a SQLite workspace")
            .pragma_update(None, "user_version", schema_version() + 1)
            .unwrap();
    }
    let err = Store::create(ws.path())
        .err()
        .expect("newer schema refused");
    assert!(format!("{err:#}").contains("newer Merit"), "{err:#}");
}

#[test]
fn rubric_versions_are_immutable_and_keyed_by_content() {
    let ws = tempfile::tempdir().unwrap();
    let mut store = Store::create(ws.path()).unwrap();
    common::grant(&mut store, "lena", &["lead"]);
    let src = rubric::BUNDLED[1].1;
    let r1 = rubric::parse(src.as_bytes()).unwrap();
    let v1 = match store.import_rubric(&r1, src, None, "lena").unwrap() {
        RubricImport::New(v) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(v1.version, 1);
    // Same meaning, different comments: unchanged.
    let commented = format!("# note\n{src}");
    let same = rubric::parse(commented.as_bytes()).unwrap();
    assert!(matches!(
        store
            .import_rubric(&same, &commented, None, "lena")
            .unwrap(),
        RubricImport::Unchanged(_)
    ));
    // A changed threshold: version 2, current.
    let src2 = src.replacen("min_total: 11", "min_total: 12", 1);
    let r2 = rubric::parse(src2.as_bytes()).unwrap();
    let RubricImport::New(v2) = store.import_rubric(&r2, &src2, None, "lena").unwrap() else {
        panic!("expected a new version")
    };
    assert_eq!(v2.version, 2);
    assert_eq!(
        store.current_rubric("data-cleaning").unwrap().unwrap().hash,
        v2.hash
    );
    // Version 1 is still there, unchanged.
    assert_eq!(store.rubric_source(&v1.hash).unwrap().as_deref(), Some(src));
    // Going back to the first content makes version 1 current again (no version 3).
    let RubricImport::Reverted(v) = store.import_rubric(&r1, src, None, "lena").unwrap() else {
        panic!("expected a revert")
    };
    assert_eq!(v.version, 1);
    assert_eq!(store.rubric_versions("data-cleaning").unwrap().len(), 2);
    assert_eq!(
        store.current_rubric("data-cleaning").unwrap().unwrap().hash,
        v1.hash
    );
}

#[test]
fn artifacts_are_content_addressed_and_complete() {
    let ws = tempfile::tempdir().unwrap();
    let store = Store::create(ws.path()).unwrap();
    let a = store.artifacts();
    // Larger than the 64 KiB copy buffer, to exercise streaming across chunks.
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let s = a.put_bytes(&big).unwrap();
    assert_eq!(s.size, big.len() as u64);
    assert_eq!(s.sha256, merit::hash::sha256_hex(&big));
    let path = a.path_of(&s.sha256);
    assert!(path.ends_with(format!("{}/{}", &s.sha256[..2], &s.sha256[2..])));
    assert_eq!(fs::read(&path).unwrap(), big);
    // Storing the same content again keeps one file and leaves no temporary behind.
    let again = a.put_bytes(&big).unwrap();
    assert_eq!(again, s);
    let tmp = ws.path().join("artifacts/.tmp");
    assert_eq!(fs::read_dir(tmp).unwrap().count(), 0);
}

#[test]
fn audit_chain_detects_an_edited_entry() {
    let ws = tempfile::tempdir().unwrap();
    let mut store = Store::create(ws.path()).unwrap();
    store.add_user("lena", "lead", &common::me()).unwrap();
    store.add_user("amir", "assessor", &common::me()).unwrap();
    store.add_user("ines", "issuer", &common::me()).unwrap();
    assert!(store.verify_audit().unwrap().ok());
    let conn = store.raw_connection().sqlite().expect("a SQLite workspace");
    // The log refuses edits through SQL...
    assert!(
        conn.execute(
            "UPDATE audit_log SET detail = 'role issuer' WHERE seq = 2",
            []
        )
        .is_err()
    );
    // ...so an attacker drops the guard first. The chain still gives them away.
    conn.execute_batch("DROP TRIGGER audit_log_no_update")
        .unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = 'role issuer' WHERE seq = 2",
        [],
    )
    .unwrap();
    let report = store.verify_audit().unwrap();
    assert!(!report.ok());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(
        report.problems[0].starts_with("entry 2 "),
        "{:?}",
        report.problems
    );
    assert!(report.problems[0].contains("was changed after it was written"));
}

#[test]
fn audit_chain_detects_a_deleted_entry() {
    let ws = tempfile::tempdir().unwrap();
    let mut store = Store::create(ws.path()).unwrap();
    for name in ["a", "b", "c", "d"] {
        store.add_user(name, "assessor", &common::me()).unwrap();
    }
    let conn = store.raw_connection().sqlite().expect("a SQLite workspace");
    assert!(
        conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
            .is_err()
    );
    conn.execute_batch("DROP TRIGGER audit_log_no_delete")
        .unwrap();
    conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
        .unwrap();
    let report = store.verify_audit().unwrap();
    assert!(!report.ok());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("entries 2..2 are missing")),
        "{:?}",
        report.problems
    );
}

#[test]
fn audit_verify_command_exits_1_on_a_broken_chain() {
    let ws = tempfile::tempdir().unwrap();
    let o = common::run(ws.path(), &["user", "add", "lena", "--role", "lead"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(ws.path(), &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(common::stdout(&o).contains("2 entries, chain verified"));
    {
        let store = Store::create(ws.path()).unwrap();
        let conn = store.raw_connection().sqlite().expect("a SQLite workspace");
        conn.execute_batch("DROP TRIGGER audit_log_no_update")
            .unwrap();
        conn.execute("UPDATE audit_log SET actor = 'someone-else'", [])
            .unwrap();
    }
    let o = common::run(ws.path(), &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stdout(&o).contains("audit log BROKEN"));
}

#[cfg(unix)]
#[test]
fn artifacts_are_readable_by_the_other_assessors() {
    use std::os::unix::fs::PermissionsExt;
    let ws = tempfile::tempdir().unwrap();
    let store = Store::create(ws.path()).unwrap();
    let s = store.artifacts().put_bytes(b"shared").unwrap();
    let mode = fs::metadata(store.artifacts().path_of(&s.sha256))
        .unwrap()
        .permissions()
        .mode();
    // Not the 0600 of a private temporary file: group (and, under umask 022, others) can read.
    assert_ne!(mode & 0o040, 0, "mode {mode:o}");
}

//! Several processes on one workspace (assessors on one server): no "database is locked",
//! no lost write, an intact audit chain.

mod common;

use std::fs;
use std::process::{Child, Stdio};

use common::{Backend, merit, repo, stderr};
use merit::store::Store;

fn spawn(ws: &std::path::Path, args: &[String]) -> Child {
    merit()
        .arg("--workspace")
        .arg(ws)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn merit")
}

fn wait_all(children: Vec<Child>) {
    for c in children {
        let o = c.wait_with_output().unwrap();
        let err = stderr(&o);
        assert!(o.status.success(), "a process failed: {err}");
        assert!(!err.contains("locked"), "{err}");
    }
}

fn parallel_processes_on_a_new_workspace_all_succeed(b: Backend) {
    let ws = tempfile::tempdir().unwrap();
    // On SQLite the folder does not exist yet; on PostgreSQL the schema is empty: creation
    // and migration race too.
    let ws = ws.path().join("fresh");
    b.configure(&ws);

    // 1. Eight processes create the workspace and add a user at the same moment.
    let children: Vec<Child> = (0..8)
        .map(|i| {
            spawn(
                &ws,
                &["user", "add", &format!("user{i}"), "--role", "assessor"].map(String::from),
            )
        })
        .collect();
    wait_all(children);
    let store = Store::create(&ws).unwrap();
    // The eight, and the account that created the workspace (its admin).
    assert_eq!(store.users().unwrap().len(), 9);
    drop(store);

    // 2. Rubrics, then six imports into six cohorts at once, with rubric imports alongside.
    let rubrics = repo().join("rubrics");
    let r = |f: &str| rubrics.join(f).display().to_string();
    wait_all(vec![spawn(
        &ws,
        &["rubric".into(), "import".into(), r("data-cleaning.yaml")],
    )]);
    let src = tempfile::tempdir().unwrap();
    let mut children = Vec::new();
    for c in 0..6 {
        let dir = src.path().join(format!("cohort{c}"));
        for l in 0..25 {
            let d = dir.join(format!("learner{l}"));
            fs::create_dir_all(&d).unwrap();
            fs::write(d.join("cleaned-data.csv"), format!("c,l\n{c},{l}\n")).unwrap();
            fs::write(d.join("script.py"), format!("# {c} {l}\n")).unwrap();
        }
        children.push(spawn(
            &ws,
            &[
                "import".into(),
                "--cohort".into(),
                format!("c{c}"),
                "--rubric".into(),
                "data-cleaning".into(),
                dir.display().to_string(),
            ],
        ));
    }
    children.push(spawn(
        &ws,
        &[
            "rubric".into(),
            "import".into(),
            r("teaching-practice.yaml"),
        ],
    ));
    children.push(spawn(
        &ws,
        &[
            "rubric".into(),
            "import".into(),
            r("secure-code-review.yaml"),
        ],
    ));
    wait_all(children);

    let store = Store::create(&ws).unwrap();
    let cohorts = store.cohorts().unwrap();
    assert_eq!(cohorts.len(), 6);
    for c in &cohorts {
        assert_eq!(c.submissions, 25, "cohort {} lost writes", c.id);
    }
    assert_eq!(store.rubric_ids().unwrap().len(), 3);
    let report = store.verify_audit().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    // The workspace's creation, 8 users, 3 rubrics, 6 cohorts created, 6 imports of one
    // batch each (an entry per batch and one for the import).
    assert_eq!(report.entries, 1 + 8 + 3 + 6 + 6 * 2);
}

/// Audit entries appended by many processes at once (as from several hosts) form one chain:
/// every sequence number once, each entry linked to the one before, the log verifying.
fn many_processes_appending_make_one_chain(b: Backend) {
    let dir = b.tempdir();
    let ws = dir.path();
    assert!(common::run(ws, &["workspace", "init"]).status.success());
    const PROCESSES: usize = 6;
    const EACH: usize = 15;
    std::thread::scope(|s| {
        for p in 0..PROCESSES {
            s.spawn(move || {
                for i in 0..EACH {
                    let who = format!("p{p}-{i}");
                    wait_all(vec![spawn(
                        ws,
                        &["user", "add", &who, "--role", "assessor"].map(String::from),
                    )]);
                }
            });
        }
    });
    let store = Store::create(ws).unwrap();
    let report = store.verify_audit().unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.entries as usize, 1 + PROCESSES * EACH);
    let (n, max, links): (i64, i64, i64) = store
        .raw_connection()
        .query_row(
            "SELECT COUNT(*), MAX(seq),
                    (SELECT COUNT(*) FROM audit_log a JOIN audit_log p ON p.seq = a.seq - 1
                     WHERE a.prev_hash = p.hash)
             FROM audit_log",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((n, max), (n, n), "no gap in the sequence");
    assert_eq!(links, n - 1, "every entry follows the one before it");
}

on_both_backends!(
    parallel_processes_on_a_new_workspace_all_succeed,
    many_processes_appending_make_one_chain,
);

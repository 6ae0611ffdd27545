//! Several processes on one workspace (assessors on one server): no "database is locked",
//! no lost write, an intact audit chain.

mod common;

use std::fs;
use std::process::{Child, Stdio};

use common::{merit, repo, stderr};
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

#[test]
fn parallel_processes_on_a_new_workspace_all_succeed() {
    let ws = tempfile::tempdir().unwrap();
    let ws = ws.path().join("fresh"); // does not exist yet: creation and migration race too

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

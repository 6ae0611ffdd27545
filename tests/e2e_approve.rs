//! The real binary in a pseudo-terminal: an issuer opens a demo cohort, selects everything that
//! meets the rubric, reads the preview, types the passphrase and signs; every credential issued
//! then verifies with `merit verify`.

mod common;

use common::pty::{data_cohort_view, ws_arg};
use merit::store::Store;

const COHORT: &str = "data-2026-q2";

#[test]
fn an_issuer_approves_a_demo_cohort_and_every_credential_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let o = common::run(
        &ws,
        &[
            "--as",
            "you",
            "demo",
            "--no-tui",
            "--learners",
            "30",
            "--seed",
            "4",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let expected = {
        let store = Store::create(&ws).unwrap();
        let rows = store
            .cohort_rows(COHORT, 1800, merit::store::now(), None)
            .unwrap();
        rows.iter().filter(|r| r.can_issue().is_ok()).count()
    };
    assert!(expected > 0, "the demo cohort has work to approve");

    let w = ws_arg(&ws);
    // The demo's own user is an issuer.
    let mut p = data_cohort_view(&w, "you", 80, 24);
    p.wait_text(&format!("{expected} ready"));
    p.send("*");
    p.wait_text(&format!("{expected} selected"));
    p.send("A");
    let preview = p.wait_text("Preview");
    assert!(
        preview.contains(&format!("{expected} credential(s) to issue")),
        "{preview}"
    );
    p.send("y");
    p.wait_text("Passphrase of the issuer key");
    p.send("merit-demo\r");
    let done = p.wait_text("Approved");
    assert!(
        done.contains(&format!("{expected} credential(s) issued")),
        "{done}"
    );
    p.send("\r");
    p.wait_text("0 ready");
    p.send("q");
    p.wait_for("the cohorts again", |s| {
        s.contains("From submitted to issued")
    });
    p.send("q");
    p.wait_text("Queue");
    p.send("q");
    p.send("y");
    assert!(p.wait_exit().success());

    // Exactly one credential per approved submission, all recorded as issued by "you".
    let store = Store::create(&ws).unwrap();
    let awards = store.cohort_awards(COHORT).unwrap();
    assert_eq!(awards.len(), expected);
    assert!(awards.iter().all(|a| a.issued_by == "you"));
    // Every one verifies: proof, issuer, dates, both schemas, not revoked.
    let out = dir.path().join("out");
    let o = common::run(
        &ws,
        &[
            "export",
            "--cohort",
            COHORT,
            "--out",
            out.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files: Vec<String> = common::walk(&out)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|f| f == "credential.json"))
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(files.len(), expected);
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = common::run(&ws, &args);
    assert!(
        o.status.success(),
        "{}{}",
        common::stdout(&o),
        common::stderr(&o)
    );
}

/// The same for a pathway: with its cohorts approved, an issuer moves to the pathway below
/// the cohorts, reads the preview, types the passphrase, and each learner who earned it gets
/// one program credential that verifies.
#[test]
fn an_issuer_approves_the_demo_pathway_in_the_workbench() {
    let (_dir, ws) = common::demo_workspace(30, 2);
    for c in ["data-2026-q2", "appsec-2026-1", "teach-2026-spring"] {
        let o = common::merit_as(&ws, "ines", &["approve", "--cohort", c, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let w = ws_arg(&ws);
    let mut p = common::pty::Pty::spawn(&["--workspace", &w, "--as", "ines"], &[], 80, 24);
    p.wait_text("Queue");
    p.send("C");
    p.wait_for("the pathway listed", |s| {
        s.contains("A approves the 2 waiting")
    });
    for _ in 0..3 {
        p.send("j");
    }
    p.wait_text("▶data-practit");
    p.send("A");
    let preview = p.wait_text("Preview: approve data-practitioner");
    assert!(preview.contains("2 program credential(s)"), "{preview}");
    p.send("y");
    p.wait_text("Passphrase of the issuer key");
    p.send("merit-demo\r");
    let done = p.wait_text("Approved");
    assert!(done.contains("2 credential(s) issued"), "{done}");
    p.send("\r");
    p.wait_text("nobody waits for a program credential");
    p.send("q");
    let store = Store::open(&ws).unwrap();
    let awards = store
        .program_awards(Some("data-practitioner"), None)
        .unwrap();
    assert_eq!(awards.len(), 2);
    for a in &awards {
        let doc: serde_json::Value = serde_json::from_str(&a.credential_json).unwrap();
        let r = merit::credential::verify::verify(&doc, &Default::default());
        assert!(r.ok, "{:?}", r.failures());
    }
}

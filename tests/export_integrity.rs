//! `merit export` with hostile learner data: ids that map to one folder, a file name that ends
//! a CDATA section, HTML and Markdown in feedback, spreadsheet formulas behind a TAB.

mod common;

use std::path::Path;

use merit::store::{AssessmentInput, CriterionScore, Store};

/// A demo workspace (with its issuer) and a cohort `cohort` imported from a manifest whose
/// rows are `learner_id,name,file name`.
fn workspace(dir: &Path, cohort: &str, rows: &[(&str, &str, &str)]) -> std::path::PathBuf {
    let ws = dir.join("ws");
    let o = common::merit()
        .arg("--workspace")
        .arg(&ws)
        .args(["demo", "--no-tui", "--learners", "4", "--seed", "3"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("files")).unwrap();
    let mut manifest = csv::Writer::from_path(src.join("manifest.csv")).unwrap();
    manifest
        .write_record(["learner_id", "name", "email", "artifact", "requirement"])
        .unwrap();
    for (i, (id, name, file)) in rows.iter().enumerate() {
        let sub = format!("files/{i}");
        std::fs::create_dir_all(src.join(&sub)).unwrap();
        std::fs::write(src.join(&sub).join(file), format!("log {i}\n")).unwrap();
        std::fs::write(src.join(&sub).join("data.csv"), format!("a\n{i}\n")).unwrap();
        std::fs::write(src.join(&sub).join("clean.py"), format!("x = {i}\n")).unwrap();
        for (f, req) in [
            (*file, "change-log"),
            ("data.csv", "cleaned-data"),
            ("clean.py", "script"),
        ] {
            manifest
                .write_record([*id, *name, "", format!("{sub}/{f}").as_str(), req])
                .unwrap();
        }
    }
    manifest.flush().unwrap();
    let o = common::merit_as(
        &ws,
        "lena",
        &[
            "import",
            "--cohort",
            cohort,
            "--rubric",
            "data-cleaning",
            src.join("manifest.csv").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    ws
}

/// Every submission of `cohort` assessed as meeting the rubric, with hostile feedback.
fn assess_all(ws: &Path, cohort: &str) {
    let mut store = Store::create(ws).unwrap();
    let subs = store.cohort_submissions(cohort).unwrap();
    for (id, _, _, _) in subs {
        let rubric = store
            .load_rubric(&store.submission_rubric(id).unwrap())
            .unwrap();
        let scores = rubric
            .criteria
            .iter()
            .map(|c| CriterionScore {
                criterion: c.id.value.clone(),
                level: Some(c.levels.last().unwrap().id.value.clone()),
                comment: "fine\n# Not a heading <img src=x onerror=alert(1)>".into(),
            })
            .collect();
        store
            .submit_assessment(&AssessmentInput {
                submission_id: id,
                assessor: "amir".into(),
                scores,
                overall_feedback: "<script>alert(1)</script> [win](javascript:alert(1))".into(),
                time_spent_secs: 60,
            })
            .unwrap();
    }
}

#[test]
fn every_learner_gets_a_folder_of_their_own_and_hostile_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("x y", "Xavier Y", "log.md"),
        ("x/y", "Xavier Slash", "log.md"),
        ("x_y", "Xavier Underscore", "log.md"),
        ("Ada", "\t=HYPERLINK(\"http://evil\")", "log.md"),
        ("ada", "\r+1", "change-log]]><script>.md"),
    ];
    let ws = workspace(dir.path(), "odd", &rows);
    assess_all(&ws, "odd");
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "odd", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("issued 5 "),
        "{}",
        common::stdout(&o)
    );
    let out = dir.path().join("out");
    let o = common::merit_as(
        &ws,
        "ines",
        &["export", "--cohort", "odd", "--out", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("exported 5 credential(s) and 5 feedback letter(s)"),
        "{}",
        common::stdout(&o)
    );
    let mut folders: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".csv"))
        .collect();
    folders.sort();
    assert_eq!(folders.len(), 5, "{folders:?}");
    let lower: std::collections::HashSet<String> =
        folders.iter().map(|f| f.to_lowercase()).collect();
    assert_eq!(lower.len(), 5, "folders differ only by case: {folders:?}");
    assert!(folders.contains(&"x_y".to_string()) && folders.contains(&"ada".to_string()));
    // Every folder has its own credential, and the one whose evidence is named with `]]>`
    // was baked into an SVG that still verifies.
    let mut files = Vec::new();
    for f in &folders {
        for name in ["credential.json", "badge.png", "badge.svg"] {
            let p = out.join(f).join(name);
            assert!(p.is_file(), "{}", p.display());
            files.push(p.display().to_string());
        }
    }
    let svg = std::fs::read_to_string(out.join("ada/badge.svg")).unwrap();
    assert!(
        svg.contains("]]]]><![CDATA[>"),
        "the CDATA section is split"
    );
    let mut args = vec!["verify"];
    args.extend(files.iter().map(String::as_str));
    let o = common::merit_as(&ws, "ines", &args);
    assert!(o.status.success(), "{}", common::stdout(&o));

    // The letters escape HTML and Markdown; no heading or link comes from the feedback.
    for f in &folders {
        let md = std::fs::read_to_string(out.join(f).join("feedback.md")).unwrap();
        assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
        assert!(!md.contains("](javascript"), "{md}");
        assert!(!md.lines().any(|l| l.starts_with("# Not")), "{md}");
        let html = std::fs::read_to_string(out.join(f).join("feedback.html")).unwrap();
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
    }
    // The registrar's CSV neutralises formulas (import trims the TAB and CR in front; the
    // CSV's own unit test covers them).
    let csv = std::fs::read_to_string(out.join("odd.csv")).unwrap();
    assert!(csv.contains("\"'=HYPERLINK"), "{csv}");
    assert!(csv.contains("\"'+1\""), "{csv}");
    assert_eq!(csv.matches("\"x y\"").count(), 1);
}

#[test]
fn two_ids_that_would_share_a_folder_stop_the_export_before_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let hash = merit::hash::sha256_hex(b"q r");
    let twin = format!("q_r-{}", &hash[..8]);
    let ws = workspace(
        dir.path(),
        "twins",
        &[("q r", "Q R", "log.md"), (&twin, "Twin", "log.md")],
    );
    assess_all(&ws, "twins");
    let out = dir.path().join("out");
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--cohort",
            "twins",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(
        err.contains("would share the folder") && err.contains(&twin),
        "{err}"
    );
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn one_learner_that_cannot_be_written_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("ada", "Ada", "log.md"),
        ("bo", "Bo", "log.md"),
        ("cy", "Cy", "log.md"),
    ];
    let ws = workspace(dir.path(), "three", &rows);
    assess_all(&ws, "three");
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "three", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    // A file where bo's folder would go: bo cannot be written.
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("bo"), "in the way").unwrap();
    let o = common::merit_as(
        &ws,
        "ines",
        &[
            "export",
            "--cohort",
            "three",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(err.contains("not exported: bo:"), "{err}");
    for who in ["ada", "cy"] {
        assert!(out.join(who).join("credential.json").is_file(), "{who}");
    }
    let csv = std::fs::read_to_string(out.join("three.csv")).unwrap();
    assert!(csv.contains("\"ada\"") && csv.contains("\"cy\""), "{csv}");
}

#[test]
fn a_revoked_credential_is_not_exported_again() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(
        dir.path(),
        "rev",
        &[("ada", "Ada", "log.md"), ("bo", "Bo", "log.md")],
    );
    assess_all(&ws, "rev");
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "rev", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = dir.path().join("out");
    let export = || {
        common::merit_as(
            &ws,
            "ines",
            &["export", "--cohort", "rev", "--out", out.to_str().unwrap()],
        )
    };
    assert!(export().status.success());
    assert!(out.join("ada/badge.png").is_file());
    let store = Store::create(&ws).unwrap();
    let subs = store.cohort_submissions("rev").unwrap();
    let ada_sub = subs.iter().find(|s| s.1 == "ada").unwrap().0;
    let ada = store.award(ada_sub).unwrap().expect("ada's credential");
    let o = common::merit_as(
        &ws,
        "ines",
        &["revoke", &ada.credential_id, "--reason", "plagiarism"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = export();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("exported 1 credential(s) and 2 feedback letter(s)")
            && common::stdout(&o).contains("1 revoked credential(s) not written"),
        "{}",
        common::stdout(&o)
    );
    for f in ["credential.json", "badge.png", "badge.svg"] {
        assert!(
            !out.join("ada").join(f).exists(),
            "{f} of a revoked credential"
        );
        assert!(out.join("bo").join(f).is_file());
    }
    assert!(out.join("ada/feedback.md").is_file());
}

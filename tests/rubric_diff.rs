//! `merit rubric history` and `merit rubric diff` on versions and files.

mod common;

use common::{repo, run, stderr, stdout};

#[test]
fn history_and_diff_between_versions_and_files() {
    let ws = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let original = repo().join("rubrics/data-cleaning.yaml");
    let src = std::fs::read_to_string(&original).unwrap();
    let changed = dir.path().join("dc.yaml");
    std::fs::write(
        &changed,
        src.replacen("min_total: 11", "min_total: 12", 1)
            .replacen(
                "        points: 3\n        descriptor: Also checks",
                "        points: 4\n        descriptor: Also checks",
                1,
            )
            .replacen("# Cleaning a Real-World Dataset", "# A new comment only", 1),
    )
    .unwrap();
    assert!(
        run(ws.path(), &["rubric", "import", original.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        run(ws.path(), &["rubric", "import", changed.to_str().unwrap()])
            .status
            .success()
    );

    let o = run(ws.path(), &["rubric", "history", "data-cleaning"]);
    let h = stdout(&o);
    assert!(h.lines().next().unwrap().starts_with("version 1\t"));
    assert!(h.lines().nth(1).unwrap().ends_with("(current)"), "{h}");

    let o = run(
        ws.path(),
        &["rubric", "diff", "data-cleaning@1", "data-cleaning@2"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let d = stdout(&o);
    assert!(d.contains("pass: min_total: 11 → 12"), "{d}");
    assert!(
        d.contains("criterion `profiling`, level `exceeds`: points: 3 → 4"),
        "{d}"
    );
    assert!(d.contains("-  min_total: 11\n+  min_total: 12"), "{d}");

    // Comments alone: same meaning.
    let commented = dir.path().join("c.yaml");
    std::fs::write(&commented, format!("# note\n{src}")).unwrap();
    let o = run(
        ws.path(),
        &[
            "rubric",
            "diff",
            original.to_str().unwrap(),
            commented.to_str().unwrap(),
        ],
    );
    assert!(stdout(&o).contains("same meaning (only comments or layout differ)"));

    // A hash prefix works too; nonsense is explained.
    let hash = h
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .nth(1)
        .unwrap()
        .to_string();
    let o = run(
        ws.path(),
        &["rubric", "diff", &hash, changed.to_str().unwrap()],
    );
    assert!(stdout(&o).contains("min_total: 11 → 12"));
    let o = run(
        ws.path(),
        &["rubric", "diff", "nope@1", changed.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("neither a file nor a version"));
    let o = run(
        ws.path(),
        &[
            "rubric",
            "diff",
            original.to_str().unwrap(),
            original.to_str().unwrap(),
        ],
    );
    assert!(stdout(&o).contains("no differences"));
}

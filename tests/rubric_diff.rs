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

/// A feedback comment edited in place is one change, old → new; one added or removed says so.
#[test]
fn an_edited_feedback_comment_is_changed_not_removed_and_added() {
    let src = std::fs::read_to_string(repo().join("rubrics/teaching-practice.yaml")).unwrap();
    let a = merit::rubric::parse(src.as_bytes()).unwrap();
    let edited = src
        .replacen(
            "      - Show learners the success criteria at the start and refer back to them at the end.",
            "      - Show learners the success criteria at the start, and return to them at the end.",
            1,
        )
        .replacen(
            "      - Use a no-hands-up strategy so you hear from every learner, not only the confident ones.",
            "      - Use a no-hands-up strategy so you hear from every learner, not only the confident ones.\n      - Wait three seconds after asking.",
            1,
        );
    let b = merit::rubric::parse(edited.as_bytes()).unwrap();
    let changes: Vec<String> = merit::rubric::diff::structural(&a, &b)
        .into_iter()
        .map(|c| c.what)
        .collect();
    assert_eq!(
        changes,
        [
            "feedback changed: “Show learners the success criteria at the start and refer back to them at the end.” → “Show learners the success criteria at the start, and return to them at the end.”",
            "feedback added: “Wait three seconds after asking.”",
        ],
        "{changes:?}"
    );
}

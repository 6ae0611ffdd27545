//! Reviewing attempt 2: the previous attempt's level and comment beside the rubric, each
//! artifact marked new, changed or unchanged, and `d` showing what changed in a text file.

mod common;

use common::tui::*;
use merit::store::{ArtifactRecord, CriterionScore, PreviousAttempt, SavedAssessment};
use merit::tui::effect::Effect;
use merit::tui::message::Msg;
use ratatui::crossterm::event::KeyCode;

/// Attempt 2 of review_data: attempt 1 had an older lesson plan, the same transcript, no
/// analysis.py, and a "not yet" with a comment on learning goals.
fn second_attempt(dir: &std::path::Path) -> merit::store::ReviewData {
    let mut data = review_data(dir);
    data.attempt = 2;
    let old_plan = b"# Lesson plan: fractions\n\n## Goals\n\n- understand fractions\n\n> Checked with an exit ticket.\n";
    let old_path = dir.join("old-lesson-plan.md");
    std::fs::write(&old_path, old_plan).unwrap();
    let mut artifacts = Vec::new();
    for (rec, path) in &data.artifacts {
        match rec.name.as_str() {
            "lesson-plan.md" => artifacts.push((
                ArtifactRecord {
                    sha256: Some(merit::hash::sha256_hex(old_plan)),
                    size: Some(old_plan.len() as u64),
                    ..rec.clone()
                },
                Some(old_path.clone()),
            )),
            "analysis.py" => {}
            _ => artifacts.push((rec.clone(), path.clone())),
        }
    }
    let first = &data.rubric.criteria[0];
    data.previous = Some(PreviousAttempt {
        submission_id: 41,
        attempt: 1,
        assessment: Some(SavedAssessment {
            assessor: "bea".into(),
            state: "submitted".into(),
            decision: Some("not_yet".into()),
            scores: vec![CriterionScore {
                criterion: first.id.value.clone(),
                level: Some(first.levels[1].id.value.clone()),
                comment: "Goals describe activities, not learning.".into(),
            }],
            overall_feedback: String::new(),
            time_spent_secs: 600,
            submitted_at: Some(NOW - 86_400 * 20),
        }),
        artifacts,
    });
    data
}

#[test]
fn attempt_two_shows_attempt_one_and_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(160, 48);
    open_review(&mut a, second_attempt(dir.path()));
    let screen = render(&a);
    // The rubric pane: attempt 1's level and comment on the criterion in focus.
    assert!(
        screen.contains("attempt 1: 2 Developing — Goals describe activities, not learning."),
        "{screen}"
    );
    // Unscored criteria show what attempt 1 got, as a start.
    assert!(screen.contains("×1   was 2 Developing"), "{screen}");
    // Tabs: ~ changed, + new, unchanged unmarked; the meta line says it in words.
    assert!(screen.contains(" ~lesson-plan.md "), "{screen}");
    assert!(screen.contains(" +analysis.py "), "{screen}");
    assert!(screen.contains(" lesson-transcript.txt "), "{screen}");
    assert!(
        screen.contains("changed since attempt 1 (d: what changed)"),
        "{screen}"
    );

    // d in the evidence pane asks for the diff, which then shows instead of the file.
    a.update(code(KeyCode::Tab));
    let e = a.update(key('d'));
    let Some(Effect::LoadDiff {
        old,
        new,
        attempt,
        index,
        ..
    }) = e.first()
    else {
        panic!("{e:?}");
    };
    assert_eq!((*attempt, *index), (1, 0));
    let content = merit::tui::artifact::diff::load(old, new, 1, a.theme);
    a.update(Msg::ArtifactDiff {
        submission_id: 42,
        index: 0,
        content: Box::new(content),
    });
    let diff = render(&a);
    assert!(diff.contains("-- understand fractions"), "{diff}");
    assert!(diff.contains("+- explain equivalent fractions"), "{diff}");
    assert!(
        diff.contains("changes since attempt 1: 2 line(s) added, 1 removed"),
        "{diff}"
    );
    // d again: the file.
    a.update(key('d'));
    assert!(!render(&a).contains("changes since attempt 1"));

    // An unchanged file offers no diff.
    a.update(key(']'));
    assert!(a.update(key('d')).is_empty());
    assert!(render(&a).contains("unchanged since attempt 1"));
}

#[test]
fn a_first_attempt_marks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(160, 48);
    open_review(&mut a, review_data(dir.path()));
    let screen = render(&a);
    assert!(!screen.contains("since attempt"));
    assert!(!screen.contains("attempt 1:"));
    a.update(code(KeyCode::Tab));
    assert!(a.update(key('d')).is_empty());
}

/// The store finds attempt n−1 of the same learner and cohort, with its standing
/// assessment and its files, and tells changed from unchanged by hash.
#[test]
fn the_store_gives_the_previous_attempt() {
    use merit::store::{Change, LearnerInput, Store, SubmissionInput};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("ws")).unwrap();
    common::grant(&mut store, "t", &["lead"]);
    common::grant(&mut store, "bea", &["assessor"]);
    common::grant(&mut store, "amir", &["assessor"]);
    let (rubric, src) = common::bundled("data-cleaning.yaml");
    store.import_rubric(&rubric, src, None, "t").unwrap();
    store
        .ensure_cohort("dc", None, "data-cleaning", "t")
        .unwrap();
    let hash = store.current_rubric("data-cleaning").unwrap().unwrap().hash;
    let file = |name: &str, body: &str| ArtifactRecord {
        name: name.into(),
        kind: "text".into(),
        requirement: None,
        sha256: Some(merit::hash::sha256_hex(body.as_bytes())),
        size: Some(body.len() as u64),
        url: None,
    };
    let learner = LearnerInput {
        key: "l1".into(),
        name: "Lee One".into(),
        email: None,
    };
    let v1 = SubmissionInput {
        route: Default::default(),
        learner: learner.clone(),
        artifacts: vec![file("notes.txt", "one"), file("log.txt", "same")],
    };
    store.record_submissions("dc", &hash, &[v1], "t").unwrap();
    let first: i64 = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .query_row("SELECT id FROM submissions", [], |r| r.get(0))
        .unwrap();
    assert!(store.claim(first, "bea", 1800).unwrap().is_none());
    common::assess(&mut store, first, "bea", false).unwrap();
    assert!(
        store
            .open_review(first, "amir", 1800)
            .unwrap()
            .previous
            .is_none()
    );
    let v2 = SubmissionInput {
        route: Default::default(),
        learner,
        artifacts: vec![
            file("notes.txt", "two"),
            file("log.txt", "same"),
            file("new.txt", "x"),
        ],
    };
    store.record_submissions("dc", &hash, &[v2], "t").unwrap();
    let second: i64 = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .query_row("SELECT MAX(id) FROM submissions", [], |r| r.get(0))
        .unwrap();
    let data = store.open_review(second, "amir", 1800).unwrap();
    assert_eq!(data.attempt, 2);
    let prev = data.previous.expect("attempt 1");
    assert_eq!((prev.submission_id, prev.attempt), (first, 1));
    let a = prev.assessment.as_ref().expect("bea's assessment");
    assert_eq!(
        (a.assessor.as_str(), a.decision.as_deref()),
        ("bea", Some("not_yet"))
    );
    let change = |name: &str| {
        let (rec, _) = data.artifacts.iter().find(|(r, _)| r.name == name).unwrap();
        prev.change(rec)
    };
    assert_eq!(change("notes.txt"), Change::Changed);
    assert_eq!(change("log.txt"), Change::Unchanged);
    assert_eq!(change("new.txt"), Change::New);
}

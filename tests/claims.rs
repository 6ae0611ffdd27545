//! Claims: opening a new submission claims it; others can only read it until the claim lapses
//! or a lead releases it.

mod common;

use common::Backend;
use merit::rubric;
use merit::store::{ArtifactRecord, LearnerInput, Store, SubmissionInput};

fn workspace(b: &Backend) -> (tempfile::TempDir, Store, i64) {
    let dir = b.tempdir();
    let mut store = Store::create(dir.path()).unwrap();
    common::grant(&mut store, "t", &["lead"]);
    common::grant(&mut store, "lena", &["lead"]);
    common::grant(&mut store, "amir", &["assessor"]);
    common::grant(&mut store, "bea", &["assessor"]);
    let src = rubric::BUNDLED[1].1;
    let r = rubric::parse(src.as_bytes()).unwrap();
    store.import_rubric(&r, src, None, "t").unwrap();
    store.ensure_cohort("c", None, &r.id.value, "t").unwrap();
    let hash = store.current_rubric(&r.id.value).unwrap().unwrap().hash;
    store
        .record_submissions(
            "c",
            &hash,
            &[SubmissionInput {
                route: Default::default(),
                learner: LearnerInput {
                    key: "l".into(),
                    name: "L".into(),
                    email: None,
                },
                artifacts: vec![ArtifactRecord {
                    name: "a.md".into(),
                    kind: "markdown".into(),
                    requirement: None,
                    sha256: Some("0".repeat(64)),
                    size: Some(1),
                    url: None,
                }],
            }],
            "t",
        )
        .unwrap();
    let id = store.cohort_submissions("c").unwrap()[0].0;
    (dir, store, id)
}

fn a_claim_keeps_others_to_reading_until_it_lapses(b: Backend) {
    let (_d, mut store, id) = workspace(&b);
    let amir = store.open_review(id, "amir", 1800).unwrap();
    assert!(amir.read_only.is_none(), "amir claims it");
    let bea = store.open_review(id, "bea", 1800).unwrap();
    assert_eq!(bea.read_only.as_deref(), Some("in progress by amir"));
    // The owner can come back to it.
    assert!(
        store
            .open_review(id, "amir", 1800)
            .unwrap()
            .read_only
            .is_none()
    );
    // After 30 idle minutes the claim lapses and bea may take it.
    store
        .raw_connection()
        .execute(
            "UPDATE submissions SET claimed_at = claimed_at - 1801 WHERE id = ?1",
            [id],
        )
        .unwrap();
    assert!(
        store
            .open_review(id, "bea", 1800)
            .unwrap()
            .read_only
            .is_none()
    );
    assert_eq!(
        store
            .open_review(id, "amir", 1800)
            .unwrap()
            .read_only
            .as_deref(),
        Some("in progress by bea")
    );
}

fn only_the_holder_or_a_lead_releases_a_claim(b: Backend) {
    let (_d, mut store, id) = workspace(&b);
    store.claim(id, "amir", 1800).unwrap();
    assert!(
        !store.release(id, "bea", false).unwrap(),
        "bea is not a lead"
    );
    assert!(store.release(id, "lena", true).unwrap(), "a lead can");
    assert!(
        store
            .open_review(id, "bea", 1800)
            .unwrap()
            .read_only
            .is_none()
    );
    assert!(store.verify_audit().unwrap().ok());
    assert!(
        store
            .audit_tail(5)
            .unwrap()
            .iter()
            .any(|e| e.action == "claim.release")
    );
}

fn a_submission_under_someone_elses_claim_cannot_be_decided(b: Backend) {
    let (_d, mut store, id) = workspace(&b);
    store.claim(id, "amir", 1800).unwrap();
    let r = store
        .load_rubric(&store.submission_rubric(id).unwrap())
        .unwrap();
    let input = merit::store::AssessmentInput {
        submission_id: id,
        assessor: "bea".into(),
        scores: r
            .criteria
            .iter()
            .map(|c| merit::store::CriterionScore {
                criterion: c.id.value.clone(),
                level: Some(c.levels.last().unwrap().id.value.clone()),
                comment: String::new(),
            })
            .collect(),
        overall_feedback: String::new(),
        time_spent_secs: 1,
    };
    let err = store.submit_assessment(&input).unwrap_err().to_string();
    assert!(err.contains("being assessed by amir"), "{err}");
    let mut mine = input.clone();
    mine.assessor = "amir".into();
    assert!(store.submit_assessment(&mine).is_ok());
    let err = store.submit_assessment(&mine).unwrap_err().to_string();
    assert!(err.contains("decided already (meets)"), "{err}");
}

/// The next submission after one is submitted: the oldest new one of the same rubric that
/// nobody else holds; none when the only one is claimed by someone else.
fn the_next_submission_is_one_nobody_else_holds(b: Backend) {
    let (_dir, mut store, id) = workspace(&b);
    let rubric_id = rubric::parse(rubric::BUNDLED[1].1.as_bytes())
        .unwrap()
        .id
        .value;
    assert_eq!(
        store.next_waiting(&rubric_id, "amir", 1800, -1).unwrap(),
        Some(id)
    );
    assert_eq!(
        store.next_waiting(&rubric_id, "amir", 1800, id).unwrap(),
        None
    );
    assert_eq!(
        store
            .next_waiting("other-rubric", "amir", 1800, -1)
            .unwrap(),
        None
    );
    store.claim(id, "bea", 1800).unwrap();
    assert_eq!(
        store.next_waiting(&rubric_id, "amir", 1800, -1).unwrap(),
        None
    );
    assert_eq!(
        store.next_waiting(&rubric_id, "bea", 1800, -1).unwrap(),
        Some(id)
    );
}

on_both_backends!(
    a_claim_keeps_others_to_reading_until_it_lapses,
    only_the_holder_or_a_lead_releases_a_claim,
    a_submission_under_someone_elses_claim_cannot_be_decided,
    the_next_submission_is_one_nobody_else_holds,
);

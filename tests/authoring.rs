//! Saving edited rubrics: validity, conflicts, the file written back, unscored work moved,
//! two editors told of each other.

mod common;

use merit::authoring::{self, SaveOutcome};
use merit::rubric;
use merit::store::{ArtifactRecord, LearnerInput, Store, SubmissionInput};

fn src() -> String {
    rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "data-cleaning.yaml")
        .unwrap()
        .1
        .to_string()
}

fn setup() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dc.yaml");
    std::fs::write(&file, src()).unwrap();
    let mut store = Store::create(&dir.path().join("ws")).unwrap();
    common::grant(&mut store, "lena", &["lead"]);
    common::grant(&mut store, "lou", &["lead"]);
    let r = rubric::parse(src().as_bytes()).unwrap();
    let v1 = match store
        .import_rubric(&r, &src(), Some(file.to_str().unwrap()), "lena")
        .unwrap()
    {
        merit::store::RubricImport::New(v) => v,
        other => panic!("{other:?}"),
    };
    store
        .ensure_cohort("c", None, "data-cleaning", "lena")
        .unwrap();
    let batch: Vec<_> = (0..4)
        .map(|i| SubmissionInput {
            route: Default::default(),
            learner: LearnerInput {
                key: format!("l{i}"),
                name: format!("L {i}"),
                email: None,
            },
            artifacts: vec![ArtifactRecord {
                name: "a.md".into(),
                kind: "markdown".into(),
                requirement: None,
                sha256: Some(format!("{i:064}")),
                size: Some(1),
                url: None,
            }],
        })
        .collect();
    store
        .record_submissions("c", &v1.hash, &batch, "lena")
        .unwrap();
    (dir, store, v1.hash)
}

#[test]
fn save_writes_a_version_and_the_file_and_moves_only_unscored_work() {
    let (dir, mut store, v1) = setup();
    // One submission scored against version 1.
    let subs = store.cohort_submissions("c").unwrap();
    store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .execute(
            "UPDATE submissions SET status = 'scored' WHERE id = ?1",
            [subs[0].0],
        )
        .unwrap();
    let text = src().replacen("min_total: 11", "min_total: 12", 1);
    let out = authoring::save(&mut store, "data-cleaning", &text, &v1, "lena", "").unwrap();
    let SaveOutcome::Saved {
        version,
        file,
        unscored,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(version.version, 2);
    assert_eq!(unscored, 3);
    let path = file.unwrap().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(path.starts_with(dir.path()));
    assert_eq!(
        store
            .move_unscored("data-cleaning", &version.hash, "lena")
            .unwrap(),
        3
    );
    let hashes: Vec<String> = store
        .cohort_submissions("c")
        .unwrap()
        .iter()
        .map(|(id, ..)| store.submission_rubric(*id).unwrap())
        .collect();
    assert_eq!(hashes[0], v1, "the scored one keeps its version");
    assert!(hashes[1..].iter().all(|h| *h == version.hash));
    assert!(store.verify_audit().unwrap().ok());
}

#[test]
fn invalid_text_and_a_changed_id_are_refused() {
    let (_dir, mut store, v1) = setup();
    let out = authoring::save(
        &mut store,
        "data-cleaning",
        "id: data-cleaning\n",
        &v1,
        "lena",
        "",
    )
    .unwrap();
    assert!(matches!(out, SaveOutcome::Invalid(ref p) if !p.is_empty()));
    let other = src().replacen("id: data-cleaning", "id: data-wrangling", 1);
    let out = authoring::save(&mut store, "data-cleaning", &other, &v1, "lena", "").unwrap();
    let SaveOutcome::Invalid(p) = out else {
        panic!()
    };
    assert!(p[0].message.contains("the id cannot change"));
    assert_eq!(store.rubric_versions("data-cleaning").unwrap().len(), 1);
}

#[test]
fn the_second_save_from_the_same_base_is_refused() {
    let (_dir, mut store, v1) = setup();
    let lena = src().replacen("min_total: 11", "min_total: 12", 1);
    let bea = src().replacen("min_total: 11", "min_total: 10", 1);
    assert!(matches!(
        authoring::save(&mut store, "data-cleaning", &lena, &v1, "lena", "").unwrap(),
        SaveOutcome::Saved { .. }
    ));
    let out = authoring::save(&mut store, "data-cleaning", &bea, &v1, "bea", "").unwrap();
    let SaveOutcome::Conflict {
        current,
        current_source,
    } = out
    else {
        panic!("{out:?}")
    };
    assert_eq!(current.version, 2);
    assert_eq!(current_source, lena);
    // Saving what is already current is not a conflict.
    assert!(matches!(
        authoring::save(&mut store, "data-cleaning", &lena, &v1, "bea", "").unwrap(),
        SaveOutcome::Unchanged(_)
    ));
}

#[test]
fn editors_see_each_other() {
    let (_dir, mut store, v1) = setup();
    assert!(
        store
            .touch_rubric_edit("data-cleaning", "lena", &v1)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .touch_rubric_edit("data-cleaning", "bea", &v1)
            .unwrap(),
        vec!["lena".to_string()]
    );
    store.end_rubric_edit("data-cleaning", "lena").unwrap();
    assert!(
        store
            .touch_rubric_edit("data-cleaning", "bea", &v1)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn recovery_copies_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    assert!(authoring::read_recovery(dir.path(), "r", "a/b").is_none());
    authoring::write_recovery(dir.path(), "r", "a/b", "id: r\n").unwrap();
    let (text, _) = authoring::read_recovery(dir.path(), "r", "a/b").unwrap();
    assert_eq!(text, "id: r\n");
    assert!(authoring::recovery_path(dir.path(), "r", "a/b").ends_with("recovery/r.a_b.yaml"));
    authoring::remove_recovery(dir.path(), "r", "a/b");
    assert!(authoring::read_recovery(dir.path(), "r", "a/b").is_none());
}

/// Comparing two versions names them ("v1 → v2"), and the note saved with the second is
/// kept with it.
#[test]
fn the_compare_screen_names_versions_and_notes_are_kept() {
    let (_dir, mut store, v1) = setup();
    let text = src().replacen("min_total: 11", "min_total: 12", 1);
    let out = authoring::save(
        &mut store,
        "data-cleaning",
        &text,
        &v1,
        "lena",
        "pass mark up",
    )
    .unwrap();
    let SaveOutcome::Saved { version, .. } = out else {
        panic!("{out:?}")
    };
    assert_eq!(
        store.rubric_note(&version.hash).unwrap().as_deref(),
        Some("pass mark up")
    );
    assert_eq!(store.rubric_note(&v1).unwrap(), None);
    let reply = merit::tui::jobs::handle(
        &mut store,
        "lena",
        true,
        merit::tui::effect::DbRequest::RubricCompare {
            rubric_id: "data-cleaning".into(),
            a: v1,
            b: version.hash,
        },
    );
    let merit::tui::message::DbReply::Pager { title, lines } = reply else {
        panic!("a pager")
    };
    assert!(title.ends_with("v1 → v2"), "{title}");
    assert_eq!(lines[0], ('#', "v1 → v2".to_string()));
}

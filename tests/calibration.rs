//! Calibration before live work: exemplars with a lead's reference and notes gate an
//! assessor's claims on a rubric version until they pass (or a lead lets them through);
//! calibration scorings are never a learner's result.

mod common;

use std::path::Path;

use common::tui::{code, ctrl, key, pump, render};
use merit::rubric::Choices;
use merit::store::Store;
use merit::store::calibration::Standing;
use merit::tui::app::App;
use merit::tui::context::Session;
use merit::tui::effect::DbRequest;
use merit::tui::jobs::handle;
use merit::tui::message::DbReply;
use merit::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;

const CRITERIA: [&str; 4] = [
    "profiling",
    "correctness",
    "reproducibility",
    "documentation",
];

/// Imports `n` learners into `cohort` on the rubric's current version; returns their
/// submission ids.
fn import(ws: &Path, cohort: &str, n: usize) -> Vec<i64> {
    let src = ws.join(format!("src-{cohort}"));
    for i in 0..n {
        let d = src.join(format!("{cohort}-learner-{i}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("learner.yaml"),
            format!("name: Person {cohort} {i}\n"),
        )
        .unwrap();
        std::fs::write(d.join("log.md"), format!("# log {i}\n")).unwrap();
    }
    let o = common::run(
        ws,
        &[
            "import",
            "--cohort",
            cohort,
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    Store::open(ws)
        .unwrap()
        .cohort_submissions(cohort)
        .unwrap()
        .into_iter()
        .map(|(id, ..)| id)
        .collect()
}

fn note_args(skip: Option<&str>) -> Vec<String> {
    CRITERIA
        .iter()
        .filter(|c| Some(**c) != skip)
        .flat_map(|c| ["--note".to_string(), format!("{c}=because {c} shows it")])
        .collect()
}

fn add_exemplar(ws: &Path, submission: i64) {
    let mut args = vec![
        "calibration".to_string(),
        "exemplar".into(),
        submission.to_string(),
    ];
    args.extend(note_args(None));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = common::merit_as(ws, "lena", &args);
    assert!(o.status.success(), "{}", common::stderr(&o));
}

/// Every criterion at one level id.
fn all(level: &str) -> Choices {
    CRITERIA
        .iter()
        .map(|c| (c.to_string(), level.to_string()))
        .collect()
}

/// A workspace with cohort `c1` of 6 and two exemplars on data-cleaning v1: submission 1
/// (amir: every criterion `exceeds`, meets) and submission 2 (amir: `not-yet`, not yet).
fn calibrated_workspace() -> (tempfile::TempDir, Vec<i64>, Vec<i64>) {
    let ws = common::workspace_with_rubrics();
    let o = common::run(ws.path(), &["user", "add", "cara", "--role", "assessor"]);
    assert!(o.status.success());
    let ids = import(ws.path(), "c1", 6);
    let mut store = Store::open(ws.path()).unwrap();
    common::assess(&mut store, ids[0], "amir", true).unwrap();
    common::assess(&mut store, ids[1], "amir", false).unwrap();
    drop(store);
    add_exemplar(ws.path(), ids[0]);
    add_exemplar(ws.path(), ids[1]);
    let exemplars = Store::open(ws.path())
        .unwrap()
        .exemplars(Some("data-cleaning"))
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    (ws, ids, exemplars)
}

fn assessments_of(ws: &Path, id: i64) -> i64 {
    common::db(ws)
        .query_row(
            "SELECT COUNT(*) FROM assessments WHERE submission_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_exemplar_needs_a_scored_submission_and_a_note_per_criterion() {
    let (ws, ids, _) = calibrated_workspace();
    // Not scored yet.
    let mut args = vec![
        "calibration".to_string(),
        "exemplar".into(),
        ids[4].to_string(),
    ];
    args.extend(note_args(None));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = common::merit_as(ws.path(), "lena", &a);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("not scored yet"),
        "{}",
        common::stderr(&o)
    );
    // A note missing is named.
    let mut args = vec![
        "calibration".to_string(),
        "exemplar".into(),
        ids[0].to_string(),
    ];
    args.extend(note_args(Some("documentation")));
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = common::merit_as(ws.path(), "lena", &a);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("missing: documentation"),
        "{}",
        common::stderr(&o)
    );
    // Only leads choose exemplars.
    let o = common::merit_as(ws.path(), "amir", &["calibration", "exemplars"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("lead role"),
        "{}",
        common::stderr(&o)
    );
    let o = common::merit_as(ws.path(), "lena", &["calibration", "exemplars", "--json"]);
    assert!(o.status.success());
    assert_eq!(common::stdout(&o).matches("\"submission_id\"").count(), 2);
}

#[test]
fn no_live_work_before_calibration_on_any_path_and_passing_opens_it() {
    let (ws, ids, ex) = calibrated_workspace();
    let live = ids[3];
    let mut store = Store::open(ws.path()).unwrap();
    // The store refuses every way into live work: claim, draft, submit.
    let why = store.claim(live, "amir", 1800).unwrap_err().to_string();
    assert!(why.contains("has not calibrated on data-cleaning"), "{why}");
    assert!(common::assess(&mut store, live, "amir", true).is_err());
    let draft = merit::store::AssessmentInput {
        submission_id: live,
        assessor: "amir".into(),
        scores: Vec::new(),
        overall_feedback: String::new(),
        time_spent_secs: 0,
    };
    assert!(store.save_draft(&draft).is_err());
    let data = store.open_review(live, "amir", 1800).unwrap();
    assert!(
        data.read_only
            .as_deref()
            .unwrap_or("")
            .contains("calibrated")
    );
    // The workbench opens the first exemplar instead, blind.
    let DbReply::Opened(Ok(data)) = handle(
        &mut store,
        "amir",
        false,
        DbRequest::Open {
            submission_id: live,
            claim_idle_secs: 1800,
        },
    ) else {
        panic!("no exemplar opened");
    };
    let task = data.calibration.clone().expect("a calibration task");
    assert_eq!((task.exemplar_id, task.index, task.total), (ex[0], 1, 2));
    assert_eq!(data.learner_name, "Exemplar 1 of 2");
    assert!(
        data.assessment.is_none(),
        "the reference shows before scoring"
    );
    // A lead is exempt.
    assert_eq!(
        store
            .calibration_standing("lena", &store.submission_rubric(live).unwrap())
            .unwrap(),
        Standing::Exempt
    );
    // Scoring as the reference did: passed after the second.
    let first = store
        .score_exemplar("amir", ex[0], &all("exceeds"))
        .unwrap();
    assert_eq!(first.next, Some(ex[1]));
    assert!(first.outcome.is_none());
    assert!(first.comparison.criteria.iter().all(|c| c.exact));
    assert_eq!(
        first.comparison.criteria[0].note,
        "because profiling shows it"
    );
    let again = store.score_exemplar("amir", ex[0], &all("exceeds"));
    assert!(again.is_err(), "an exemplar scored twice in a round");
    let second = store
        .score_exemplar("amir", ex[1], &all("not-yet"))
        .unwrap();
    let outcome = second.outcome.expect("the round's outcome");
    assert!(outcome.passed, "{outcome:?}");
    assert_eq!((outcome.exact, outcome.levels), (8, 8));
    assert!(store.claim(live, "amir", 1800).unwrap().is_none());
    // The exemplars' own learners keep their one assessment and their status.
    assert_eq!(assessments_of(ws.path(), ids[0]), 1);
    assert_eq!(assessments_of(ws.path(), ids[1]), 1);
    assert_eq!(
        store.submission_status(ids[0]).unwrap().as_deref(),
        Some("scored")
    );
    assert_eq!(
        store.submission_status(ids[1]).unwrap().as_deref(),
        Some("not_yet")
    );
    let rows = store
        .cohort_rows("c1", 1800, merit::store::now(), None)
        .unwrap();
    let first_row = rows.iter().find(|r| r.submission_id == ids[0]).unwrap();
    assert_eq!(first_row.assessors, "amir");
    drop(store);
    // The audit log has it all, and verifies.
    let conn = common::db(ws.path());
    for (action, n) in [
        ("exemplar.add", 2),
        ("calibration.score", 2),
        ("calibration.passed", 1),
    ] {
        let c: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE action = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(c, n, "{action}");
    }
    let o = common::run(ws.path(), &["audit", "verify"]);
    assert!(o.status.success(), "{}", common::stdout(&o));
}

#[test]
fn below_the_bar_a_lead_decides_retry_or_allow() {
    let (ws, ids, ex) = calibrated_workspace();
    let live = ids[3];
    let mut store = Store::open(ws.path()).unwrap();
    // bea: the right decisions, but `meets` where the reference says `exceeds`: 4 of 8.
    store.score_exemplar("bea", ex[0], &all("meets")).unwrap();
    let o = store.score_exemplar("bea", ex[1], &all("not-yet")).unwrap();
    let outcome = o.outcome.unwrap();
    assert!(!outcome.passed);
    assert_eq!(outcome.exact, 4);
    let why = store.claim(live, "bea", 1800).unwrap_err().to_string();
    assert!(why.contains("did not pass"), "{why}");
    // Leads see it.
    let rows = store.calibration_rows("lena").unwrap();
    let bea = rows.iter().find(|r| r.assessor == "bea").unwrap();
    assert_eq!(
        (bea.result.as_str(), bea.exact, bea.levels),
        ("failed", 4, 8)
    );
    assert!(
        store.calibration_rows("amir").is_err(),
        "an assessor read the calibrations"
    );
    drop(store);
    // Only a lead opens a new round.
    let o = common::merit_as(
        ws.path(),
        "bea",
        &["calibration", "retry", "bea", "--rubric", "data-cleaning"],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = common::merit_as(
        ws.path(),
        "lena",
        &["calibration", "retry", "bea", "--rubric", "data-cleaning"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut store = Store::open(ws.path()).unwrap();
    let hash = store.submission_rubric(live).unwrap();
    assert!(matches!(
        store.calibration_standing("bea", &hash).unwrap(),
        Standing::Due {
            done: 0,
            total: 2,
            ..
        }
    ));
    store.score_exemplar("bea", ex[0], &all("exceeds")).unwrap();
    assert!(
        store
            .score_exemplar("bea", ex[1], &all("not-yet"))
            .unwrap()
            .outcome
            .unwrap()
            .passed
    );
    assert!(store.claim(live, "bea", 1800).unwrap().is_none());
    // cara fails and is let through, with a reason.
    store
        .score_exemplar("cara", ex[0], &all("not-yet"))
        .unwrap();
    store
        .score_exemplar("cara", ex[1], &all("not-yet"))
        .unwrap();
    drop(store);
    let o = common::merit_as(
        ws.path(),
        "lena",
        &[
            "calibration",
            "allow",
            "cara",
            "--rubric",
            "data-cleaning",
            "--reason",
            " ",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = common::merit_as(
        ws.path(),
        "lena",
        &[
            "calibration",
            "allow",
            "cara",
            "--rubric",
            "data-cleaning",
            "--reason",
            "marked this rubric for years elsewhere",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut store = Store::open(ws.path()).unwrap();
    assert!(store.claim(ids[4], "cara", 1800).unwrap().is_none());
    let o = common::merit_as(ws.path(), "lena", &["calibration", "status", "--json"]);
    let status = common::stdout(&o);
    assert!(status.contains("\"allowed\""), "{status}");
}

#[test]
fn the_pass_policy_is_set_by_an_admin_and_read_as_words() {
    let (ws, _, ex) = calibrated_workspace();
    let o = common::run(
        ws.path(),
        &["policy", "set", "calibration-pass", "exact 90"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("is not a share"),
        "{}",
        common::stderr(&o)
    );
    let o = common::run(
        ws.path(),
        &[
            "policy",
            "set",
            "calibration-pass",
            "exact 50% decisions all",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut store = Store::open(ws.path()).unwrap();
    store.score_exemplar("bea", ex[0], &all("meets")).unwrap();
    let o = store.score_exemplar("bea", ex[1], &all("not-yet")).unwrap();
    assert!(o.outcome.unwrap().passed, "4 of 8 passes at 50%");
}

/// A rubric file: the bundled data-cleaning with `edit` applied to its text.
fn version(ws: &Path, name: &str, edit: impl Fn(String) -> String) {
    let text = std::fs::read_to_string(common::repo().join("rubrics/data-cleaning.yaml")).unwrap();
    let path = ws.join(name);
    std::fs::write(&path, edit(text)).unwrap();
    let o = common::run(ws, &["rubric", "import", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
}

#[test]
fn an_unchanged_version_carries_calibration_over_and_a_changed_one_asks_again() {
    let (ws, _, ex) = calibrated_workspace();
    let mut store = Store::open(ws.path()).unwrap();
    store
        .score_exemplar("amir", ex[0], &all("exceeds"))
        .unwrap();
    store
        .score_exemplar("amir", ex[1], &all("not-yet"))
        .unwrap();
    drop(store);
    // v2 changes the badge's wording only: the criteria, levels and pass mark are the same.
    version(ws.path(), "v2.yaml", |t| {
        t.replacen("description:", "description: Revised.", 1)
    });
    let v2 = import(ws.path(), "c2", 2);
    let mut store = Store::open(ws.path()).unwrap();
    assert_ne!(
        store.submission_rubric(v2[0]).unwrap(),
        store.submission_rubric(1).unwrap()
    );
    assert!(
        store.claim(v2[0], "amir", 1800).unwrap().is_none(),
        "asked again on v2"
    );
    assert!(
        store.claim(v2[1], "bea", 1800).is_err(),
        "bea skipped calibration on v2"
    );
    drop(store);
    // v3 rewords a level descriptor: a new standard. Without exemplars of its own it needs
    // no calibration ...
    version(ws.path(), "v3.yaml", |t| {
        t.replacen(
            "Problems are fixed as they are",
            "Problems get fixed as they are",
            1,
        )
    });
    let v3 = import(ws.path(), "c3", 3);
    let mut store = Store::open(ws.path()).unwrap();
    assert!(store.claim(v3[0], "bea", 1800).unwrap().is_none());
    common::assess(&mut store, v3[0], "bea", true).unwrap();
    drop(store);
    // ... and once a lead makes one, amir is asked again.
    add_exemplar(ws.path(), v3[0]);
    let mut store = Store::open(ws.path()).unwrap();
    let why = store.claim(v3[1], "amir", 1800).unwrap_err().to_string();
    assert!(why.contains("has not calibrated"), "{why}");
    assert!(
        store.claim(v2[1], "amir", 1800).unwrap().is_none(),
        "v2 stays open to amir"
    );
}

#[test]
fn in_the_workbench_an_assessor_scores_exemplars_then_sees_the_reference() {
    let (ws, ids, _) = calibrated_workspace();
    let mut store = Store::open(ws.path()).unwrap();
    let session = Session {
        user: "amir".into(),
        is_lead: false,
        is_issuer: false,
        claim_idle_secs: 1800,
        self_approval: false,
    };
    let mut app = App::new(session, Theme::plain(), (120, 40), merit::store::now());
    let start = app.start();
    pump(&mut app, &mut store, start);
    let mut press = |app: &mut App, msg| {
        let e = app.update(msg);
        pump(app, &mut store, e);
    };
    press(&mut app, code(KeyCode::Enter));
    let shown = render(&app);
    assert!(shown.contains("Calibration first"), "{shown}");
    press(&mut app, code(KeyCode::Esc));
    let shown = render(&app);
    assert!(shown.contains("Exemplar 1 of 2"), "{shown}");
    assert!(
        !shown.contains("Person c1"),
        "the exemplar's learner shows:\n{shown}"
    );
    assert!(
        !shown.contains("submission"),
        "the exemplar's submission shows:\n{shown}"
    );
    // Every criterion at the top level (3), then submit.
    for _ in 0..4 {
        press(&mut app, key('3'));
        press(&mut app, key('j'));
    }
    press(&mut app, ctrl('s'));
    press(&mut app, key('y'));
    let shown = render(&app);
    assert!(shown.contains("the reference"), "{shown}");
    assert!(shown.contains("because correctness shows it"), "{shown}");
    // Past the comparison: the second exemplar.
    press(&mut app, code(KeyCode::Esc));
    let shown = render(&app);
    assert!(shown.contains("Exemplar 2 of 2"), "{shown}");
    for _ in 0..4 {
        press(&mut app, key('1'));
        press(&mut app, key('j'));
    }
    press(&mut app, ctrl('s'));
    press(&mut app, key('y'));
    let shown = render(&app);
    assert!(
        shown.contains("Calibration on data-cleaning: passed"),
        "{shown}"
    );
    assert!(
        shown.contains("Live work on this rubric is open"),
        "{shown}"
    );
    drop(app);
    // Nothing of it is a learner's assessment.
    assert_eq!(assessments_of(ws.path(), ids[0]), 1);
    assert_eq!(assessments_of(ws.path(), ids[1]), 1);
}

#[test]
fn a_lead_hears_of_a_calibration_that_did_not_pass() {
    let (ws, _, ex) = calibrated_workspace();
    let mut store = Store::open(ws.path()).unwrap();
    store.score_exemplar("bea", ex[0], &all("meets")).unwrap();
    store.score_exemplar("bea", ex[1], &all("not-yet")).unwrap();
    let lead = Session {
        user: "lena".into(),
        is_lead: true,
        is_issuer: false,
        claim_idle_secs: 1800,
        self_approval: false,
    };
    let mut app = App::new(lead, Theme::plain(), (120, 40), merit::store::now());
    let start = app.start();
    pump(&mut app, &mut store, start);
    let shown = render(&app);
    assert!(shown.contains("Calibration waits for a lead"), "{shown}");
    assert!(
        shown.contains("bea on data-cleaning: not passed, 4 of 8"),
        "{shown}"
    );
    // The reliability screen lists it too.
    let e = app.update(code(KeyCode::Esc));
    pump(&mut app, &mut store, e);
    let e = app.update(key('I'));
    pump(&mut app, &mut store, e);
    let shown = render(&app);
    assert!(shown.contains("Calibration"), "{shown}");
    assert!(shown.contains("not passed, 4 of 8 levels exact"), "{shown}");
}

#[test]
fn exemplars_are_never_signed_and_their_learners_get_their_own_credential() {
    let (_dir, ws) = common::demo_workspace(30, 4);
    let store = Store::open(&ws).unwrap();
    let exemplars = store.exemplars(None).unwrap();
    assert_eq!(exemplars.len(), 2, "the demo's exemplars");
    let cohort = "appsec-2026-1";
    let mut meeting: Vec<i64> = store
        .cohort_rows(cohort, 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .filter(|r| r.can_issue().is_ok())
        .map(|r| r.submission_id)
        .collect();
    meeting.sort();
    let exemplar_meets = exemplars
        .iter()
        .find(|e| e.decision == "meets")
        .expect("a meeting exemplar")
        .submission_id;
    assert!(
        meeting.contains(&exemplar_meets),
        "the exemplar's own learner is held up"
    );
    // amir's calibration left no assessment behind.
    assert_eq!(assessments_of(&ws, exemplar_meets), 1);
    drop(store);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", cohort, "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::open(&ws).unwrap();
    let awards = store.cohort_awards(cohort).unwrap();
    // One credential per meeting submission, none from a calibration scoring.
    assert_eq!(
        awards.iter().map(|a| a.submission_id).collect::<Vec<_>>(),
        meeting
    );
    // Calibration scorings are nothing approval or signing reads.
    let conn = common::db(&ws);
    let scorings: i64 = conn
        .query_row("SELECT COUNT(*) FROM calibration_scorings", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(scorings, 2);
}

#[test]
fn an_exemplars_reference_is_not_readable_through_the_queue() {
    let (ws, ids, _) = calibrated_workspace();
    let mut store = Store::open(ws.path()).unwrap();
    // Opened as work from the queue, the exemplar shows no marking to an assessor.
    let data = store.open_review(ids[0], "bea", 1800).unwrap();
    assert!(data.assessment.is_none(), "the reference leaked");
    assert!(data.read_only.unwrap().contains("exemplar"));
    assert!(store.visible_assessments("bea", ids[0]).is_err());
    let record = store
        .learner_record(
            "bea",
            &merit::store::learner::LearnerRef::Submission(ids[0]),
        )
        .unwrap();
    assert!(record.attempts[0].withheld && record.attempts[0].levels.is_empty());
    // Leads see it.
    assert!(
        store
            .open_review(ids[0], "lena", 1800)
            .unwrap()
            .assessment
            .is_some()
    );
    assert_eq!(store.visible_assessments("lena", ids[0]).unwrap().len(), 1);
}

#[test]
fn withdrawing_the_last_unscored_exemplar_judges_the_round_on_what_was_scored() {
    let (ws, ids, ex) = calibrated_workspace();
    let mut store = Store::open(ws.path()).unwrap();
    store
        .score_exemplar("amir", ex[0], &all("exceeds"))
        .unwrap();
    store.withdraw_exemplar(ex[1], "lena").unwrap();
    let hash = store.submission_rubric(ids[3]).unwrap();
    assert_eq!(
        store.calibration_standing("amir", &hash).unwrap(),
        Standing::Passed
    );
    assert!(store.claim(ids[3], "amir", 1800).unwrap().is_none());
    // Withdrawn, its learner's marking is an ordinary one again.
    assert!(
        store
            .open_review(ids[1], "bea", 1800)
            .unwrap()
            .assessment
            .is_some()
    );
}

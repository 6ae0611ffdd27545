//! The learner view: one learner across cohorts and attempts, credentials and pathway
//! progress; snapshots at 80×24 and 160×48, and blind marking held.

mod common;

use std::path::Path;

use common::tui::{code, key, pump, render};
use merit::store::Store;
use merit::store::learner::LearnerRef;
use merit::tui::app::App;
use merit::tui::context::Session;
use merit::tui::effect::{DbRequest, Effect};
use merit::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;

fn folder(dir: &Path, key: &str, name: &str, text: &str) {
    let d = dir.join(key);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("learner.yaml"), format!("name: {name}\n")).unwrap();
    std::fs::write(d.join("change-log.md"), text).unwrap();
}

fn import(ws: &Path, cohort: &str, rubric: &str, src: &Path, extra: &[&str]) {
    let mut args = vec!["import", "--cohort", cohort, "--rubric", rubric];
    args.extend(extra);
    args.push(src.to_str().unwrap());
    let o = common::run(ws, &args);
    assert!(o.status.success(), "{}", common::stderr(&o));
}

fn ids(store: &Store, cohort: &str) -> Vec<(i64, String, i64, String)> {
    store.cohort_submissions(cohort).unwrap()
}

/// Ada: data-cleaning attempt 1 not yet, attempt 2 meets; secure-code-review waiting.
fn workspace() -> tempfile::TempDir {
    let ws = common::workspace_with_rubrics();
    let src = ws.path().join("dc");
    folder(&src, "ada", "Ada Lovelace", "# log\n");
    import(ws.path(), "dc", "data-cleaning", &src, &[]);
    let mut store = Store::open(ws.path()).unwrap();
    let first = ids(&store, "dc")[0].0;
    common::assess(&mut store, first, "amir", false).unwrap();
    drop(store);
    folder(&src, "ada", "Ada Lovelace", "# log\nrevised\n");
    import(ws.path(), "dc", "data-cleaning", &src, &[]);
    let mut store = Store::open(ws.path()).unwrap();
    let second = ids(&store, "dc").iter().find(|s| s.2 == 2).unwrap().0;
    common::assess(&mut store, second, "bea", true).unwrap();
    drop(store);
    let src = ws.path().join("sc");
    folder(&src, "ada", "Ada Lovelace", "# review\n");
    import(
        ws.path(),
        "sc",
        "secure-code-review",
        &src,
        &["--route", "prior-learning"],
    );
    let p = common::repo().join("pathways/data-practitioner.yaml");
    let o = common::run(ws.path(), &["pathway", "import", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    ws
}

fn session(user: &str, lead: bool) -> Session {
    Session {
        user: user.into(),
        is_lead: lead,
        is_issuer: false,
        claim_idle_secs: 1800,
        self_approval: false,
    }
}

/// The learner view as `who` sees it, opened by `which`, at `w`×`h`, dates made stable.
fn view(ws: &Path, who: Session, which: LearnerRef, w: u16, h: u16) -> String {
    let mut store = Store::open(ws).unwrap();
    let mut app = App::new(who, Theme::plain(), (w, h), merit::store::now());
    let start = app.start();
    pump(&mut app, &mut store, start);
    pump(
        &mut app,
        &mut store,
        vec![Effect::Db(DbRequest::LearnerView(which))],
    );
    let today = merit::store::format_time(merit::store::now())[..10].to_string();
    render(&app).replace(&today, "YYYY-MM-DD")
}

#[test]
fn learner_view_snapshots() {
    let ws = workspace();
    for (w, h) in [(80, 24), (160, 48)] {
        let shown = view(
            ws.path(),
            session("lena", true),
            LearnerRef::Key("ada".into()),
            w,
            h,
        );
        insta::assert_snapshot!(format!("learner_{w}x{h}"), shown);
    }
}

#[test]
fn the_learner_view_opens_from_the_queue_with_every_attempt_and_the_pathway() {
    let ws = workspace();
    let mut store = Store::open(ws.path()).unwrap();
    let mut app = App::new(
        session("lena", true),
        Theme::plain(),
        (160, 48),
        merit::store::now(),
    );
    let start = app.start();
    pump(&mut app, &mut store, start);
    let e = app.update(key('L'));
    pump(&mut app, &mut store, e);
    let shown = render(&app);
    assert!(shown.contains("Ada Lovelace · ada"), "{shown}");
    assert!(shown.contains("Attempts (3)"), "{shown}");
    assert!(shown.contains("attempt 1 · not yet"), "{shown}");
    assert!(shown.contains("attempt 2 · meets"), "{shown}");
    assert!(
        shown.contains("attempt 1 · new · prior learning"),
        "{shown}"
    );
    assert!(
        shown.contains("Data Practitioner: 0 of 3: missing"),
        "{shown}"
    );
    // `:learner ID` opens it too.
    let e = app.update(code(KeyCode::Esc));
    pump(&mut app, &mut store, e);
    for msg in [key(':')]
        .into_iter()
        .chain("learner ada".chars().map(key))
        .chain([code(KeyCode::Enter)])
    {
        let e = app.update(msg);
        pump(&mut app, &mut store, e);
    }
    assert!(render(&app).contains("Ada Lovelace · ada"));
}

#[test]
fn credentials_and_pathway_progress_follow_issue_and_revocation() {
    let (_dir, ws) = common::demo_workspace(30, 2);
    let store = Store::open(&ws).unwrap();
    let cohorts: Vec<String> = store.cohorts().unwrap().into_iter().map(|c| c.id).collect();
    drop(store);
    for c in &cohorts {
        let o = common::merit_as(&ws, "ines", &["approve", "--cohort", c, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let noor = || LearnerRef::Key("noor-achterberg".into());
    let shown = view(&ws, session("lena", true), noor(), 160, 48);
    assert!(shown.contains("Credentials (3)"), "{shown}");
    assert!(
        shown.contains("Data Practitioner: earned (3 of 3)"),
        "{shown}"
    );
    let conn = common::db(&ws);
    let credential: String = conn
        .query_row(
            "SELECT w.credential_id FROM awards w JOIN submissions s ON s.id = w.submission_id
             JOIN learners l ON l.id = s.learner_id
             WHERE l.key = 'noor-achterberg' AND s.cohort_id = 'appsec-2026-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let o = common::merit_as(&ws, "ines", &["revoke", &credential, "--reason", "test"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let shown = view(&ws, session("lena", true), noor(), 160, 48);
    assert!(shown.contains("Secure Code Review · revoked"), "{shown}");
    assert!(
        shown.contains("2 of 3: missing Secure Code Review"),
        "{shown}"
    );
    // Her data-cleaning cohort turns blind: an assessor who looks her up by id sees neither
    // that work nor a badge of it in her progress.
    let o = common::run(&ws, &["cohort", "set", "data-2026-q2", "--blind"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let shown = view(&ws, session("amir", false), noor(), 160, 48);
    assert!(
        !shown.contains("Cleaning a Real-World Dataset v"),
        "{shown}"
    );
    assert!(shown.contains("Data Practitioner: 1 of 3"), "{shown}");
    let shown = view(&ws, session("lena", true), noor(), 160, 48);
    assert!(shown.contains("Data Practitioner: 2 of 3"), "{shown}");
}

#[test]
fn an_assessor_sees_a_blind_learner_by_number_and_only_that_cohort() {
    let ws = workspace();
    // Ada's data-cleaning cohort turns blind; her secure-code-review one stays sighted.
    let o = common::run(ws.path(), &["cohort", "set", "dc", "--blind"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::open(ws.path()).unwrap();
    let blind_sub = ids(&store, "dc")[1].0;
    let sighted_sub = ids(&store, "sc")[0].0;
    let number = store.candidate_number(blind_sub).unwrap().unwrap();
    drop(store);
    let shown = view(
        ws.path(),
        session("amir", false),
        LearnerRef::Submission(blind_sub),
        160,
        48,
    );
    assert!(shown.contains(&format!("{number} (blind")), "{shown}");
    assert!(!shown.contains("Ada") && !shown.contains("ada"), "{shown}");
    assert!(
        !shown.contains("Secure Code Review"),
        "another cohort shows:\n{shown}"
    );
    assert!(!shown.contains("Pathways"), "{shown}");
    // Opened from the sighted cohort: her name, and none of the blind cohort's work.
    let shown = view(
        ws.path(),
        session("amir", false),
        LearnerRef::Submission(sighted_sub),
        160,
        48,
    );
    assert!(shown.contains("Ada Lovelace"), "{shown}");
    assert!(shown.contains("Attempts (1)"), "{shown}");
    assert!(
        !shown.contains("Cleaning a Real-World Dataset v"),
        "{shown}"
    );
    // A lead sees everything under the name.
    let shown = view(
        ws.path(),
        session("lena", true),
        LearnerRef::Submission(blind_sub),
        160,
        48,
    );
    assert!(
        shown.contains("Ada Lovelace") && shown.contains("Attempts (3)"),
        "{shown}"
    );
}

#[test]
fn a_second_marker_does_not_see_the_first_marking_in_the_learner_view() {
    let ws = workspace();
    let store = Store::open(ws.path()).unwrap();
    let meets = ids(&store, "dc").iter().find(|s| s.2 == 2).unwrap().0;
    drop(store);
    let o = common::merit_as(
        ws.path(),
        "lena",
        &["second-mark", "request", &meets.to_string()],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let shown = view(
        ws.path(),
        session("amir", false),
        LearnerRef::Submission(meets),
        160,
        48,
    );
    assert!(shown.contains("levels withheld"), "{shown}");
    assert!(!shown.contains("decided by bea"), "{shown}");
    assert!(
        shown.contains("decided by amir"),
        "attempt 1 stays visible:\n{shown}"
    );
    let shown = view(
        ws.path(),
        session("lena", true),
        LearnerRef::Submission(meets),
        160,
        48,
    );
    assert!(shown.contains("decided by bea"), "{shown}");
}

#[test]
fn the_cohort_views_assessments_wait_for_the_second_marking_too() {
    let ws = workspace();
    let mut store = Store::open(ws.path()).unwrap();
    let meets = ids(&store, "dc").iter().find(|s| s.2 == 2).unwrap().0;
    store.request_second_marking(meets, "lena").unwrap();
    let lines = |store: &mut Store, who: &str| match merit::tui::jobs::handle(
        store,
        who,
        who == "lena",
        DbRequest::Assessments {
            submission_id: meets,
            learner: "Ada".into(),
        },
    ) {
        merit::tui::message::DbReply::Pager { lines, .. } => lines
            .into_iter()
            .map(|(_, l)| l)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => panic!("no pager"),
    };
    let amir = lines(&mut store, "amir");
    assert!(amir.contains("independent second marking"), "{amir}");
    assert!(!amir.contains("bea"), "{amir}");
    assert!(lines(&mut store, "lena").contains("bea"));
}

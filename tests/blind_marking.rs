//! Blind marking: an assessor of a blind cohort sees candidate numbers on every screen and in
//! every filter, never a learner's name, email or id; leads and issuers see names; a lead's
//! reveal is audited.

mod common;

use std::path::Path;

use common::tui::{code, key, pump, render};
use merit::store::{QueueQuery, QueueSort, Store};
use merit::tui::app::App;
use merit::tui::context::Session;
use merit::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;

/// (id, name, email) of the learners: every part distinctive enough to search for.
const LEARNERS: &[(&str, &str, &str)] = &[
    ("zq-quartermaine", "Zoë Quartermaine", "zoe.q@example.org"),
    ("vx-vandersloot", "Viktor Vandersloot", "vv@example.net"),
    (
        "wy-wollstonecraft",
        "Wilma Wollstonecraft",
        "wilma@example.com",
    ),
];

/// Words that must never show to an assessor of the blind cohort.
fn secrets() -> Vec<String> {
    let mut s = Vec::new();
    for (id, name, email) in LEARNERS {
        s.push(id.to_string());
        s.push(email.to_string());
        s.extend(name.split(' ').map(str::to_lowercase));
    }
    s
}

/// A folder of learners whose files carry their ids, as real submissions often do.
fn source(dir: &Path) -> std::path::PathBuf {
    let src = dir.join("src");
    for (id, name, email) in LEARNERS {
        let d = src.join(id);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("learner.yaml"),
            format!("name: {name}\nemail: {email}\n"),
        )
        .unwrap();
        std::fs::write(
            d.join(format!("{id}-cleaning-log.md")),
            "# Log\nrows fixed\n",
        )
        .unwrap();
        std::fs::write(d.join("notebook.py"), "print('clean')\n").unwrap();
    }
    src
}

/// A workspace with the blind cohort `blind` imported by its creator (a lead).
fn blind_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let ws = common::workspace_with_rubrics();
    let src = source(ws.path());
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--blind",
            "--cohort",
            "blind",
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let path = ws.path().to_path_buf();
    (ws, path)
}

fn session(user: &str, lead: bool, issuer: bool) -> Session {
    Session {
        user: user.into(),
        is_lead: lead,
        is_issuer: issuer,
        claim_idle_secs: 1800,
        self_approval: false,
    }
}

/// Every screen `who` can reach with the blind cohort's work on it, as rendered text: the
/// queue, its filter, each review with every evidence tab, the review's help, the cohorts,
/// the cohort view with its assessments, and the time spent.
fn screens(ws: &Path, who: Session) -> Vec<(String, String)> {
    let mut store = Store::open(ws).unwrap();
    let mut app = App::new(who, Theme::plain(), (160, 48), merit::store::now());
    let mut shots = Vec::new();
    let start = app.start();
    pump(&mut app, &mut store, start);
    shots.push(("queue".to_string(), render(&app)));
    let press = |app: &mut App, store: &mut Store, msg, what: &str| {
        let e = app.update(msg);
        pump(app, store, e);
        (what.to_string(), render(app))
    };
    for i in 0..LEARNERS.len() {
        shots.push(press(&mut app, &mut store, code(KeyCode::Enter), "review"));
        for _ in 0..3 {
            shots.push(press(&mut app, &mut store, key(']'), "next tab"));
        }
        shots.push(press(&mut app, &mut store, key('?'), "review help"));
        shots.push(press(
            &mut app,
            &mut store,
            code(KeyCode::Esc),
            "help closed",
        ));
        shots.push(press(&mut app, &mut store, key('q'), "back"));
        if i + 1 < LEARNERS.len() {
            shots.push(press(&mut app, &mut store, key('j'), "down"));
        }
    }
    shots.push(press(&mut app, &mut store, key('T'), "time spent"));
    shots.push(press(&mut app, &mut store, code(KeyCode::Esc), "closed"));
    shots.push(press(&mut app, &mut store, key('C'), "cohorts"));
    shots.push(press(&mut app, &mut store, code(KeyCode::Enter), "cohort"));
    shots.push(press(&mut app, &mut store, key('v'), "assessments"));
    shots.push(press(&mut app, &mut store, code(KeyCode::Esc), "closed"));
    shots
}

/// Each learner gets scored by amir, so the cohort view and time spent have rows.
fn score_all(ws: &Path) -> Vec<i64> {
    let mut store = Store::open(ws).unwrap();
    let ids: Vec<i64> = store
        .cohort_submissions("blind")
        .unwrap()
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    for id in &ids {
        store.open_review(*id, "amir", 1800).unwrap();
        common::assess(&mut store, *id, "amir", true).unwrap();
    }
    ids
}

#[test]
fn an_assessor_sees_only_candidate_numbers_on_every_screen() {
    let (_dir, ws) = blind_workspace();
    let secrets = secrets();
    // Before and after scoring: new work in the queue, then decided work in the cohort view.
    for round in 0..2 {
        let shots = screens(&ws, session("amir", false, false));
        let numbers = shots
            .iter()
            .map(|(_, s)| s.matches("C-").count())
            .sum::<usize>();
        assert!(numbers > 0, "no candidate number shown anywhere");
        let cohorts = shots
            .iter()
            .find(|(w, _)| w == "cohorts")
            .map(|(_, s)| s.as_str());
        assert!(
            cohorts.is_some_and(|s| s.contains("blind (assessors see candidate numbers)")),
            "{cohorts:?}"
        );
        for (what, text) in &shots {
            let lower = text.to_lowercase();
            for s in &secrets {
                assert!(
                    !lower.contains(s.as_str()),
                    "round {round}: {what} shows `{s}` to an assessor:\n{text}"
                );
            }
        }
        if round == 0 {
            score_all(&ws);
        }
    }
    // A lead and an issuer see the names.
    for who in [session("lena", true, false), session("ines", false, true)] {
        let user = who.user.clone();
        let all: String = screens(&ws, who).into_iter().map(|(_, s)| s).collect();
        assert!(all.contains("Quartermaine"), "{user} does not see names");
    }
}

fn page(store: &Store, filter: &str, viewer: Option<&str>, sort: QueueSort) -> Vec<String> {
    let blind_for = viewer.and_then(|v| store.masked_viewer(v).unwrap());
    store
        .queue_page(&QueueQuery {
            filter: filter.into(),
            sort,
            reverse: false,
            from: merit::store::PageFrom::Start,
            limit: 50,
            claim_idle_secs: 1800,
            viewer: viewer.map(String::from),
            blind_for,
        })
        .unwrap()
        .into_iter()
        .map(|r| r.learner)
        .collect()
}

#[test]
fn the_filter_finds_no_name_for_an_assessor_and_numbers_keep_no_order() {
    let (_dir, ws) = blind_workspace();
    let store = Store::open(&ws).unwrap();
    // The assessor's rows and filter: numbers only.
    let rows = page(&store, "", Some("amir"), QueueSort::Learner);
    assert_eq!(rows.len(), 3);
    for r in &rows {
        assert!(
            r.starts_with("C-") && r.len() >= 6 && r[2..].chars().all(|c| c.is_ascii_digit()),
            "{r}"
        );
    }
    // Sorted by learner, the assessor's rows come in number order, not the names' order.
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted);
    for f in [
        "quartermaine",
        "Zoë",
        "zq-quartermaine",
        "wilma",
        "example.org",
    ] {
        assert!(
            page(&store, f, Some("amir"), QueueSort::Age).is_empty(),
            "`{f}` found a blind learner"
        );
        let counts = store.queue_counts(1800, f, Some("amir")).unwrap();
        assert!(
            counts.iter().all(|(_, n)| *n == 0),
            "`{f}` counted: {counts:?}"
        );
    }
    // The number, the cohort and the rubric still filter.
    let number = &rows[1];
    assert_eq!(
        page(&store, number, Some("amir"), QueueSort::Age),
        vec![number.clone()]
    );
    assert_eq!(
        page(&store, "data-cleaning", Some("amir"), QueueSort::Age).len(),
        3
    );
    // A lead finds by name and sees names.
    assert_eq!(
        page(&store, "quartermaine", Some("lena"), QueueSort::Age),
        vec!["Zoë Quartermaine".to_string()]
    );
    assert_eq!(
        page(&store, "quartermaine", None, QueueSort::Age),
        vec!["Zoë Quartermaine".to_string()]
    );
}

#[test]
fn numbers_are_random_unique_and_reveal_nothing_of_import_order() {
    let ws = common::workspace_with_rubrics();
    let src = ws.path().join("many");
    for i in 0..40 {
        let d = src.join(format!("learner-{i:03}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("log.md"), format!("log {i}\n")).unwrap();
    }
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "big",
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    // Made blind afterwards: every learner is numbered then.
    let o = common::run(ws.path(), &["cohort", "set", "big", "--blind"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("40 learners numbered"),
        "{}",
        common::stdout(&o)
    );
    let conn = common::db(ws.path());
    let numbers: Vec<String> = conn
        .prepare("SELECT number FROM candidates WHERE cohort_id = 'big' ORDER BY learner_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(numbers.len(), 40);
    let unique: std::collections::HashSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), 40, "{numbers:?}");
    let mut sorted = numbers.clone();
    sorted.sort();
    // In import order the numbers are not sorted (a chance of 1 in 40! that they are).
    assert_ne!(numbers, sorted, "numbers follow the import order");
    // `cohort list` says the cohort is blind, in text and JSON.
    let o = common::run(ws.path(), &["cohort", "list"]);
    let line = common::stdout(&o);
    assert!(
        line.lines()
            .any(|l| l.starts_with("big\t") && l.ends_with("\tblind")),
        "{line}"
    );
    let o = common::run(ws.path(), &["cohort", "list", "--json"]);
    assert!(
        common::stdout(&o).contains("\"blind\": true"),
        "{}",
        common::stdout(&o)
    );
    // Sighted again: the assessor sees names.
    let o = common::run(ws.path(), &["cohort", "set", "big", "--not-blind"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::open(ws.path()).unwrap();
    assert!(page(&store, "learner-007", Some("amir"), QueueSort::Age).len() == 1);
}

#[test]
fn only_a_lead_makes_a_cohort_blind_or_reveals_and_a_reveal_is_audited() {
    let (_dir, ws) = blind_workspace();
    // Assessors and issuers may do neither.
    for who in ["amir", "ines"] {
        let o = common::merit_as(&ws, who, &["cohort", "set", "blind", "--not-blind"]);
        assert_eq!(o.status.code(), Some(1), "{who}: {}", common::stdout(&o));
        let o = common::merit_as(
            &ws,
            who,
            &[
                "cohort",
                "reveal",
                "blind",
                "--learner",
                "zq-quartermaine",
                "--to",
                "amir",
                "--reason",
                "x",
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{who}: {}", common::stdout(&o));
        assert!(
            common::stderr(&o).contains("lead role"),
            "{}",
            common::stderr(&o)
        );
    }
    let store = Store::open(&ws).unwrap();
    let id = store
        .learner_submission("blind", "zq-quartermaine")
        .unwrap()
        .unwrap();
    let number = store.candidate_number(id).unwrap().unwrap();
    assert!(store.mask_for("amir", id).unwrap().is_some());
    drop(store);
    // No reason, no reveal.
    let o = common::merit_as(
        &ws,
        "lena",
        &[
            "cohort",
            "reveal",
            "blind",
            "--learner",
            &number,
            "--to",
            "amir",
            "--reason",
            " ",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let o = common::merit_as(
        &ws,
        "lena",
        &[
            "cohort",
            "reveal",
            "blind",
            "--learner",
            &number,
            "--to",
            "amir",
            "--reason",
            "grade inquiry from the learner",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut store = Store::open(&ws).unwrap();
    // amir now sees that learner's name, in the queue and the review; bea does not.
    assert!(store.mask_for("amir", id).unwrap().is_none());
    assert!(store.mask_for("bea", id).unwrap().is_some());
    let rows = page(&store, "", Some("amir"), QueueSort::Age);
    assert!(rows.contains(&"Zoë Quartermaine".to_string()), "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.starts_with("C-")).count(), 2);
    let data = store.open_review(id, "amir", 1800).unwrap();
    assert_eq!(data.learner_name, "Zoë Quartermaine");
    let data = store.open_review(id, "bea", 1800).unwrap();
    assert_eq!(data.learner_name, number);
    assert!(
        data.artifacts
            .iter()
            .all(|(a, _)| !a.name.contains("quartermaine"))
    );
    assert!(
        data.artifacts
            .iter()
            .any(|(a, _)| a.name == format!("{number}-cleaning-log.md")),
        "{:?}",
        data.artifacts
            .iter()
            .map(|(a, _)| &a.name)
            .collect::<Vec<_>>()
    );
    // The audit log has who revealed what to whom and why, and still verifies.
    let conn = common::db(&ws);
    let (actor, subject, detail): (String, String, String) = conn
        .query_row(
            "SELECT actor, subject, detail FROM audit_log WHERE action = 'candidate.reveal'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(actor, "lena");
    assert_eq!(subject, format!("blind {number}"));
    assert_eq!(detail, "to amir: grade inquiry from the learner");
    let o = common::run(&ws, &["audit", "verify"]);
    assert!(o.status.success(), "{}", common::stdout(&o));
}

#[test]
fn a_lead_reveals_from_the_review_screen() {
    let (_dir, ws) = blind_workspace();
    score_all(&ws);
    let mut store = Store::open(&ws).unwrap();
    let mut app = App::new(
        session("lena", true, false),
        Theme::plain(),
        (120, 40),
        merit::store::now(),
    );
    let start = app.start();
    pump(&mut app, &mut store, start);
    // The queue's default filter hides decided work: look for it.
    for msg in [key('/')]
        .into_iter()
        .chain("status:meets".chars().map(key))
        .chain([code(KeyCode::Enter), code(KeyCode::Enter)])
    {
        let e = app.update(msg);
        pump(&mut app, &mut store, e);
    }
    let shown = render(&app);
    assert!(shown.contains("(blind: C-"), "{shown}");
    // Past the "read only" note, V asks to whom and why.
    let e = app.update(code(KeyCode::Esc));
    pump(&mut app, &mut store, e);
    let e = app.update(key('V'));
    pump(&mut app, &mut store, e);
    let shown = render(&app);
    assert!(shown.contains("Reveal"), "{shown}");
    for msg in "grade inquiry"
        .chars()
        .map(key)
        .chain([code(KeyCode::Enter)])
    {
        let e = app.update(msg);
        pump(&mut app, &mut store, e);
    }
    let shown = render(&app);
    assert!(
        shown.contains("amir now sees this learner's name"),
        "{shown}"
    );
    let conn = common::db(&ws);
    let detail: String = conn
        .query_row(
            "SELECT detail FROM audit_log WHERE action = 'candidate.reveal'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(detail, "to amir: grade inquiry");
}

#[test]
fn a_renamed_or_later_learner_stays_hidden_in_a_blind_cohort() {
    let (_dir, ws) = blind_workspace();
    // One learner renamed in a second import, one new.
    let src = ws.join("src");
    std::fs::write(
        src.join("zq-quartermaine/learner.yaml"),
        "name: Zoë Quintessence\nemail: zoe.q@example.org\n",
    )
    .unwrap();
    let d = src.join("nn-newcomer");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("learner.yaml"), "name: Nadia Newcomer\n").unwrap();
    std::fs::write(d.join("log.md"), "# log\n").unwrap();
    let o = common::run(
        &ws,
        &[
            "import",
            "--cohort",
            "blind",
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::open(&ws).unwrap();
    for name in ["quintessence", "newcomer", "nn-newcomer"] {
        assert!(
            page(&store, name, Some("amir"), QueueSort::Age).is_empty(),
            "{name}"
        );
        assert_eq!(
            page(&store, name, Some("lena"), QueueSort::Age).len(),
            1,
            "{name}"
        );
    }
    let rows = page(&store, "", Some("amir"), QueueSort::Learner);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.starts_with("C-")), "{rows:?}");
}

//! Who may do what, through the real binary and through the workbench's path to the store:
//! every subcommand as each role, as a name that is no user, and as an admin; a refused
//! action exits 1, names the role, and changes no row but its one `access.refused` entry.

mod common;

use std::path::{Path, PathBuf};

use merit::store::{AssessmentInput, CriterionScore, Store};
use merit::tui::effect::DbRequest;
use merit::tui::jobs::handle;
use merit::tui::message::DbReply;
use rusqlite::Connection;

const PASS: &str = "merit-demo";

/// A demo workspace with an admin who is nothing else (`adam`) and an issued credential.
fn base() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let o = common::run(
        &ws,
        &["demo", "--no-tui", "--learners", "12", "--seed", "2"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(&ws, &["user", "add", "adam", "--role", "admin"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::merit()
        .args(["--workspace", ws.to_str().unwrap(), "--as", "ines"])
        .args(["approve", "--cohort", "data-2026-q2", "--all-meeting"])
        .env("MERIT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let store = Store::create(&ws).unwrap();
    let cred = store.cohort_awards("data-2026-q2").unwrap()[0]
        .credential_id
        .clone();
    (dir, ws, cred)
}

/// Every row of every table but the audit log, as text; and the audit log's rows.
fn dump(ws: &Path) -> (String, Vec<(String, String, String)>) {
    let conn = Connection::open(ws.join("merit.db")).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables.iter().filter(|t| *t != "audit_log") {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.push_str(&format!("{t}\n{}\n", rows.join("\n")));
    }
    let audit = conn
        .prepare("SELECT actor, action, subject FROM audit_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (out, audit)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn refused(stderr: &str) -> bool {
    stderr.contains("you need the") || stderr.contains("is not a user of this workspace")
}

#[test]
fn every_subcommand_as_every_role() {
    let (dir, base_ws, cred) = base();
    let rubric = common::repo().join("rubrics/data-cleaning.yaml");
    let changed = dir.path().join("data-cleaning.yaml");
    std::fs::write(
        &changed,
        std::fs::read_to_string(&rubric).unwrap().replacen(
            "title: Cleaning a Real-World Dataset",
            "title: Cleaning Data",
            1,
        ),
    )
    .unwrap();
    let src = dir.path().join("src/zoe");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("notes.md"), "hi\n").unwrap();
    let credential = dir.path().join("credential.json");
    let store = Store::create(&base_ws).unwrap();
    std::fs::write(
        &credential,
        &store.cohort_awards("data-2026-q2").unwrap()[0].credential_json,
    )
    .unwrap();
    let scored = store
        .cohort_rows("data-2026-q2", 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.status == "not_yet")
        .unwrap()
        .submission_id
        .to_string();
    drop(store);
    let s = |p: &Path| p.display().to_string();
    let out_dir = dir.path().join("out");
    // (arguments, who may: admin, lead, assessor, issuer, nobody)
    let cases: Vec<(Vec<String>, [bool; 5])> = vec![
        (
            v(&["user", "add", "zed", "--role", "assessor"]),
            [true, false, false, false, false],
        ),
        (
            v(&["user", "remove", "bea", "--role", "assessor"]),
            [true, false, false, false, false],
        ),
        (
            v(&["policy", "set", "editor", "rvim"]),
            [true, false, false, false, false],
        ),
        (
            v(&["rubric", "import", &s(&changed)]),
            [false, true, false, false, false],
        ),
        (
            v(&[
                "import",
                "--cohort",
                "newc",
                "--rubric",
                "data-cleaning",
                &s(src.parent().unwrap()),
            ]),
            [false, true, false, false, false],
        ),
        (
            v(&["second-mark", "request", &scored]),
            [false, true, false, false, false],
        ),
        (
            v(&["second-mark", "list"]),
            [false, true, false, false, false],
        ),
        (
            v(&["cohort", "set", "data-2026-q2", "--no-page-names"]),
            [false, true, false, false, false],
        ),
        (
            v(&[
                "approve",
                "--cohort",
                "data-2026-q2",
                "--all-meeting",
                "--dry-run",
            ]),
            [false, true, false, true, false],
        ),
        (
            v(&["approve", "--cohort", "teach-2026-spring", "--all-meeting"]),
            [false, false, false, true, false],
        ),
        (
            v(&["revoke", &cred, "--reason", "test"]),
            [false, false, false, true, false],
        ),
        (
            v(&["status-list", "--out", &s(&dir.path().join("list.json"))]),
            [false, false, false, true, false],
        ),
        (
            v(&["export", "--cohort", "data-2026-q2", "--out", &s(&out_dir)]),
            [false, true, false, true, false],
        ),
        (
            v(&[
                "issuer",
                "init",
                "--name",
                "X",
                "--url",
                "https://x.example",
            ]),
            [false, false, false, true, false],
        ),
        (v(&["cohort", "list"]), [true, true, true, true, false]),
        (v(&["user", "list"]), [true, true, true, true, false]),
        (v(&["issuer", "show"]), [true, true, true, true, false]),
        (v(&["audit", "verify"]), [true, true, true, true, false]),
        (v(&["audit", "head"]), [true, true, true, true, false]),
        (v(&["audit", "seal"]), [false, false, false, true, false]),
        (
            v(&["publish", "--out", &s(&dir.path().join("site"))]),
            [false, false, false, true, false],
        ),
        (
            v(&[
                "notify",
                "--cohort",
                "data-2026-q2",
                "--dry-run",
                "--out",
                &s(&dir.path().join("eml")),
            ]),
            [false, false, false, true, false],
        ),
        (v(&["policy", "list"]), [true, true, true, true, false]),
        (
            v(&["rubric", "history", "data-cleaning"]),
            [true, true, true, true, false],
        ),
        (
            v(&["verify", &s(&credential)]),
            [true, true, true, true, true],
        ),
        (
            v(&["rubric", "check", &s(&rubric)]),
            [true, true, true, true, true],
        ),
        (
            v(&["rubric", "diff", &s(&rubric), &s(&changed)]),
            [true, true, true, true, true],
        ),
        (v(&["config"]), [true, true, true, true, false]),
        (
            v(&["policy", "unset", "editor"]),
            [true, false, false, false, false],
        ),
        (
            v(&[
                "second-mark",
                "resolve",
                &scored,
                "--decision",
                "meets",
                "--note",
                "x",
            ]),
            [false, true, false, false, false],
        ),
    ];
    let actors = ["adam", "lena", "amir", "ines", "nobody"];
    let mut checked = 0;
    for (args, allowed) in &cases {
        for (actor, may) in actors.iter().zip(allowed) {
            let ws = dir.path().join(format!("case-{checked}"));
            copy_dir(&base_ws, &ws);
            let before = dump(&ws);
            let o = common::merit()
                .arg("--workspace")
                .arg(&ws)
                .args(["--as", actor])
                .args(args)
                .env("MERIT_PASSPHRASE", PASS)
                .output()
                .unwrap();
            let err = common::stderr(&o);
            let what = format!("`{}` as {actor}", args.join(" "));
            if *may {
                assert!(!refused(&err), "{what} was refused: {err}");
            } else {
                assert_eq!(o.status.code(), Some(1), "{what} was not refused: {err}");
                assert!(refused(&err), "{what}: {err}");
                assert!(
                    err.contains("merit user add"),
                    "{what}: says who grants it: {err}"
                );
                let after = dump(&ws);
                assert_eq!(before.0, after.0, "{what} changed the workspace");
                let new: Vec<_> = after.1[before.1.len()..].to_vec();
                assert_eq!(new.len(), 1, "{what}: {new:?}");
                assert_eq!(new[0].0, *actor);
                assert_eq!(new[0].1, "access.refused");
            }
            std::fs::remove_dir_all(&ws).unwrap();
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len() * actors.len());
}

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|a| a.to_string()).collect()
}

#[test]
fn refusals_are_logged_once_per_actor_and_action() {
    let (_dir, ws, _) = base();
    let (_, before) = dump(&ws);
    for _ in 0..5 {
        let o = common::run(
            &ws,
            &["--as", "amir", "user", "add", "amir", "--role", "lead"],
        );
        assert_eq!(o.status.code(), Some(1));
    }
    let (_, after) = dump(&ws);
    assert_eq!(
        after.len() - before.len(),
        1,
        "{:?}",
        &after[before.len()..]
    );
}

/// The workbench's requests, as its database thread runs them for the session's user.
#[test]
fn the_workbench_path_checks_the_same_table() {
    let (_dir, ws, cred) = base();
    let mut store = Store::create(&ws).unwrap();
    let new = store
        .cohort_rows("teach-2026-spring", 1800, merit::store::now(), None)
        .unwrap()
        .into_iter()
        .find(|r| r.status == "new")
        .unwrap()
        .submission_id;
    for who in ["ines", "nobody"] {
        // Opening is reading: no claim, and it says why.
        let reply = handle(
            &mut store,
            who,
            false,
            DbRequest::Open {
                submission_id: new,
                claim_idle_secs: 1800,
            },
        );
        let DbReply::Opened(Ok(data)) = reply else {
            panic!("{who} could not even read");
        };
        let why = data.read_only.unwrap_or_default();
        assert!(why.contains("not an assessor"), "{who}: {why}");
        let rubric = store
            .load_rubric(&store.submission_rubric(new).unwrap())
            .unwrap();
        let input = AssessmentInput {
            submission_id: new,
            assessor: who.into(),
            scores: rubric
                .criteria
                .iter()
                .map(|c| CriterionScore {
                    criterion: c.id.value.clone(),
                    level: Some(c.levels.last().unwrap().id.value.clone()),
                    comment: String::new(),
                })
                .collect(),
            overall_feedback: "x".into(),
            time_spent_secs: 1,
        };
        let DbReply::DraftSaved(r) =
            handle(&mut store, who, false, DbRequest::SaveDraft(input.clone()))
        else {
            panic!()
        };
        assert!(r.unwrap_err().contains("the assessor role"));
        let DbReply::Submitted(r) = handle(&mut store, who, false, DbRequest::Submit(input)) else {
            panic!()
        };
        assert!(r.unwrap_err().contains("the assessor role"));
    }
    let row = |s: &Store| {
        s.cohort_rows("teach-2026-spring", 1800, merit::store::now(), None)
            .unwrap()
            .into_iter()
            .find(|r| r.submission_id == new)
            .unwrap()
    };
    assert_eq!(row(&store).status, "new", "nothing was scored");
    // An assessor can neither revoke nor send to second marking.
    let DbReply::CohortChanged { result, .. } = handle(
        &mut store,
        "amir",
        false,
        DbRequest::Revoke {
            credential_id: cred.clone(),
            reason: "x".into(),
        },
    ) else {
        panic!()
    };
    assert!(result.unwrap_err().contains("the issuer role"));
    // A claim is released by its holder or a lead only.
    let DbReply::Opened(Ok(_)) = handle(
        &mut store,
        "bea",
        false,
        DbRequest::Open {
            submission_id: new,
            claim_idle_secs: 1800,
        },
    ) else {
        panic!()
    };
    let DbReply::Released(r) = handle(
        &mut store,
        "amir",
        true,
        DbRequest::Release { submission_id: new },
    ) else {
        panic!()
    };
    assert!(r.unwrap_err().contains("the lead role"), "amir is no lead");
    let DbReply::Released(r) = handle(
        &mut store,
        "lena",
        true,
        DbRequest::Release { submission_id: new },
    ) else {
        panic!()
    };
    assert!(r.unwrap());
}

#[test]
fn user_remove_keeps_history_and_never_the_last_admin() {
    let (_dir, ws, _) = base();
    let me = common::me();
    // amir assessed work; removing his role keeps every assessment and entry.
    let count = |ws: &Path| -> i64 {
        Connection::open(ws.join("merit.db"))
            .unwrap()
            .query_row(
                "SELECT COUNT(*) FROM assessments WHERE assessor = 'amir'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = count(&ws);
    assert!(before > 0);
    let o = common::run(&ws, &["user", "remove", "amir"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert_eq!(count(&ws), before);
    assert!(!common::stdout(&common::run(&ws, &["user", "list"])).contains("amir"));
    // Two admins: one may go, the last may not.
    let o = common::run(&ws, &["user", "remove", "adam", "--role", "admin"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(&ws, &["user", "remove", &me, "--role", "admin"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("the last admin"),
        "{}",
        common::stderr(&o)
    );
}

#[test]
fn an_upgraded_workspace_keeps_every_user_and_gains_admins() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    drop(Store::create(&ws).unwrap());
    // Back to schema 7: no admin role, two users added then.
    {
        let conn = Connection::open(ws.join("merit.db")).unwrap();
        conn.execute_batch(
            "DELETE FROM users;
             INSERT INTO users VALUES ('lena', 'lead', 1, 'x'), ('amir', 'assessor', 1, 'x'),
                                      ('olga', 'lead', 1, 'x');
             DROP TRIGGER submissions_sort_learner;
             DROP TRIGGER learners_sort_name;
             ALTER TABLE awards DROP COLUMN valid_until;
             DROP TABLE program_notifications;
             DROP TRIGGER program_awards_unique_index;
             DROP TABLE program_components;
             DROP TABLE program_awards;
             DROP TABLE pathways;
             DROP TABLE pathway_versions;
             ALTER TABLE submissions DROP COLUMN route;
             DROP TABLE calibrations;
             DROP TABLE calibration_levels;
             DROP TABLE calibration_scorings;
             DROP TABLE exemplar_levels;
             DROP TABLE exemplars;
             DROP TABLE reveals;
             DROP TABLE candidates;
             ALTER TABLE cohorts DROP COLUMN blind;
             DROP TRIGGER assessments_sort_insert;
             DROP TRIGGER assessments_sort_delete;
             DROP TRIGGER submissions_sort_claim;
             DROP INDEX submissions_by_learner_name;
             DROP INDEX submissions_by_assessor;
             ALTER TABLE submissions DROP COLUMN sort_learner;
             ALTER TABLE submissions DROP COLUMN sort_assessor;
             DROP TABLE rubric_notes;
             DROP TABLE rubric_images;
             DROP TABLE notifications;
             DROP TABLE pages;
             ALTER TABLE cohorts DROP COLUMN page_names;
             ALTER TABLE audit_log DROP COLUMN version;
             ALTER TABLE audit_log DROP COLUMN record;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    }
    let store = Store::create(&ws).unwrap();
    let users = store.users().unwrap();
    let roles = |n: &str| {
        users
            .iter()
            .find(|u| u.name == n)
            .map(|u| u.roles.join(","))
            .unwrap_or_default()
    };
    assert_eq!(roles("lena"), "admin,lead");
    assert_eq!(roles("olga"), "admin,lead");
    assert_eq!(roles("amir"), "assessor");
    assert_eq!(roles(&common::me()), "admin", "the folder's owner");
    let tail = store.audit_tail(3).unwrap();
    assert!(
        tail.iter().any(|e| e.action == "access.upgrade"),
        "{tail:?}"
    );
}

#[test]
fn user_is_not_read_for_identity() {
    let (_dir, ws, _) = base();
    let me = common::me();
    let o = common::run(&ws, &["user", "remove", &me, "--role", "issuer"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    // $USER says ines (an issuer); the process's account is not one, so the approval is
    // refused, and the refusal names the account.
    let o = common::merit()
        .args(["--workspace", ws.to_str().unwrap()])
        .args(["approve", "--cohort", "teach-2026-spring", "--all-meeting"])
        .env("USER", "ines")
        .env("LOGNAME", "ines")
        .env("MERIT_PASSPHRASE", PASS)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(
        err.contains(&format!("and {} does not have it", common::me())),
        "{err}"
    );
    // Without $USER at all, the account still acts.
    let o = common::merit()
        .args(["--workspace", ws.to_str().unwrap(), "cohort", "list"])
        .env_remove("USER")
        .env_remove("LOGNAME")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
}

/// Through `update`, as a person at the keyboard: open each queued submission, pick levels,
/// Ctrl-S and confirm. Returns how many assessments (drafts or submitted) `user` has after.
fn drive(ws: &Path, user: &str, is_issuer: bool) -> i64 {
    use merit::tui::app::App;
    use merit::tui::context::Session;
    use merit::tui::message::Msg;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut store = Store::create(ws).unwrap();
    let session = Session {
        user: user.into(),
        is_lead: false,
        is_issuer,
        claim_idle_secs: 1800,
        self_approval: false,
    };
    let mut app = App::new(
        session,
        merit::tui::theme::Theme::plain(),
        (100, 30),
        merit::store::now(),
    );
    let start = app.start();
    common::tui::pump(&mut app, &mut store, start);
    let key = |c: KeyCode| Msg::Key(KeyEvent::new(c, KeyModifiers::NONE));
    let ctrl_s = || Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    for _ in 0..12 {
        let mut msgs = vec![key(KeyCode::Enter)];
        for _ in 0..8 {
            msgs.push(key(KeyCode::Char('3')));
            msgs.push(key(KeyCode::Char('j')));
        }
        msgs.extend([
            ctrl_s(),
            key(KeyCode::Char('y')),
            key(KeyCode::Esc),
            key(KeyCode::Char('q')),
        ]);
        msgs.push(key(KeyCode::Char('j')));
        for msg in msgs {
            let e = app.update(msg);
            common::tui::pump(&mut app, &mut store, e);
        }
    }
    Connection::open(ws.join("merit.db"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM assessments WHERE assessor = ?1",
            [user],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn an_issuer_cannot_score_in_the_workbench() {
    let (_dir, ws, _) = base();
    // The same keys as an assessor do score (so the keys are right), ...
    let o = common::run(&ws, &["user", "add", "tess", "--role", "assessor"]);
    assert!(o.status.success());
    assert!(
        drive(&ws, "tess", false) > 0,
        "the keystrokes scored nothing"
    );
    // ... and as an issuer who is no assessor, nothing is claimed, saved or submitted.
    assert_eq!(drive(&ws, "ines", true), 0, "ines assessed work");
    let claimed: i64 = Connection::open(ws.join("merit.db"))
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM submissions WHERE claimed_by = 'ines'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(claimed, 0, "ines claimed work");
}

//! The cohorts screen, the cohort view with selections and flags, the approval preview and
//! the progress of signing: what each shows (snapshots at 80×24 and 160×48) and what each key
//! asks of the event loop.

mod common;

use common::tui::*;
use merit::credential::issue::BatchReport;
use merit::credential::proof::Suite;
use merit::store::{CohortRow, CohortSummary, Flags};
use merit::tui::app::App;
use merit::tui::effect::DbRequest;
use merit::tui::effect::Effect;
use merit::tui::message::DbReply;
use merit::tui::message::{ApprovalEvent, Msg};
use merit::tui::widgets::popup::{FieldAction, Popup};
use ratatui::crossterm::event::KeyCode;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const DID: &str = "did:key:z6MkjckSwa7WzAvr1V3tF6TogVRRDu8FMit1tGruYCo4skyR";

fn snap(name: &str, build: impl Fn(u16, u16) -> App) {
    for (w, h) in SIZES {
        let app = build(w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(&app));
    }
}

fn summary(id: &str, name: &str, n: i64) -> CohortSummary {
    CohortSummary {
        id: id.into(),
        name: name.into(),
        rubric_id: "data-cleaning".into(),
        learners: n - 2,
        submissions: n,
        new: n / 3,
        in_progress: 1,
        meets: n / 4,
        not_yet: n / 6,
        second_marking: 1,
        approved: n / 8,
        issued: n / 8,
        revoked: i64::from(n > 20),
        blind: false,
    }
}

fn cohorts() -> Vec<CohortSummary> {
    vec![
        summary("appsec-2026-1", "Secure Code Review — Cohort 1", 15),
        summary("data-2026-q2", "Data Cleaning — Q2 2026", 42),
        summary("teach-2026-spring", "Teaching Practice — Spring 2026", 16),
    ]
}

/// Twelve submissions: meeting, not yet, new, issued, revoked, and one of each flag.
fn rows() -> Vec<CohortRow> {
    let r = |id: i64, name: &str, status: &str, total: Option<f64>, who: &str| CohortRow {
        submission_id: id,
        learner_name: name.into(),
        learner_key: name.to_lowercase().replace(' ', "-"),
        attempt: 1,
        status: status.into(),
        assessors: who.into(),
        total,
        rubric_version: 2,
        flags: Flags::default(),
        credential_id: None,
        revoked: false,
    };
    let mut v = vec![
        r(1, "Amara Okafor", "scored", Some(14.0), "amir"),
        r(2, "Bilal Haddad", "not_yet", Some(6.0), "bea"),
        r(3, "Chen Nakamura", "scored", Some(12.5), "amir"),
        r(4, "Dagny Lindqvist", "scored", Some(13.0), "amir, bea"),
        r(5, "Emeka Mensah", "new", None, ""),
        r(6, "Farah Kowalski", "scored", Some(12.0), "bea"),
        r(7, "Goran Novak", "approved", Some(16.0), "amir"),
        r(8, "Hana Ferreira", "new", None, "bea"),
        r(9, "Ifeoma Osei", "scored", Some(11.0), "bea"),
        r(10, "Jonas Rossi", "approved", Some(15.0), "bea"),
        r(11, "Jonas Rossi", "scored", Some(12.0), "amir"),
        r(12, "Kofi \u{1b}[31mMensah", "not_yet", Some(4.0), "amir"),
    ];
    v[3].flags.assessors_disagree = true;
    v[5].flags.evidence_missing = true;
    v[7].flags.claim_stuck = true;
    v[8].flags.rubric_outdated = true;
    v[8].rubric_version = 1;
    v[6].credential_id = Some("urn:uuid:7".into());
    v[9].credential_id = Some("urn:uuid:10".into());
    v[9].revoked = true;
    v[10].attempt = 2;
    v
}

fn issuer_session(a: &mut App) {
    a.session.user = "ines".into();
    a.session.is_issuer = true;
}

/// The queue, then `C`: the cohorts screen with its counts.
fn cohorts_app(w: u16, h: u16) -> App {
    let mut a = queue_app(w, h, 10);
    issuer_session(&mut a);
    let effects = a.update(key('C'));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Cohorts)))
    );
    a.update(Msg::Db(DbReply::Cohorts(Ok(cohorts()))));
    a
}

/// The data cohort opened: one row per submission.
fn cohort_app(w: u16, h: u16) -> App {
    let mut a = cohorts_app(w, h);
    a.update(key('j'));
    let effects = a.update(code(KeyCode::Enter));
    let asked = effects.iter().any(|e| {
        matches!(e, Effect::Db(DbRequest::CohortRows { cohort_id, claim_idle_secs: 1800, now: NOW })
            if cohort_id == "data-2026-q2")
    });
    assert!(asked, "{effects:?}");
    a.update(Msg::Db(DbReply::CohortRows {
        cohort_id: "data-2026-q2".into(),
        rows: Ok(rows()),
        issuer: Ok(DID.into()),
    }));
    a
}

fn selected(a: &App) -> Vec<i64> {
    a.cohort()
        .as_ref()
        .unwrap()
        .selection
        .iter()
        .copied()
        .collect()
}

/// Every meeting row selected with `a`, plus a not-yet and a flagged one by hand.
fn selecting_app(w: u16, h: u16) -> App {
    let mut a = cohort_app(w, h);
    a.update(key('*'));
    a.update(key('j')); // Bilal Haddad, not yet
    a.update(key(' '));
    a.update(key('j')); // past Chen, to Dagny (assessors disagree)
    a.update(key(' '));
    a
}

fn preview_app(w: u16, h: u16) -> App {
    let mut a = selecting_app(w, h);
    a.update(key('A'));
    a
}

fn passphrase_app(w: u16, h: u16) -> App {
    let mut a = preview_app(w, h);
    a.update(key('y'));
    for c in "s3cret-pass".chars() {
        a.update(key(c));
    }
    a
}

/// Signing under way: 512 of 1,200 after 4 s.
fn progress_app(w: u16, h: u16) -> App {
    let mut a = passphrase_app(w, h);
    a.update(code(KeyCode::Enter));
    a.update(Msg::Approval(ApprovalEvent::Progress {
        done: 512,
        total: 1200,
        elapsed_ms: 4000,
    }));
    a
}

fn cohort_help_app(w: u16, h: u16) -> App {
    let mut a = cohort_app(w, h);
    a.update(key('?'));
    a
}

/// Every key of the cohort view fits at 80×24 (the list moves fold into one line there).
#[test]
fn cohort_help() {
    snap("cohort_help", cohort_help_app);
}

#[test]
fn cohorts_screen() {
    snap("cohorts", cohorts_app);
}

#[test]
fn cohort_view_with_selections_and_flags() {
    snap("cohort_selected", selecting_app);
}

#[test]
fn approval_preview() {
    snap("approval_preview", preview_app);
}

#[test]
fn passphrase_is_never_shown() {
    snap("approval_passphrase", passphrase_app);
    let screen = render(&passphrase_app(80, 24));
    assert!(!screen.contains("s3cret"));
    assert!(screen.contains("•••••••••••"));
}

#[test]
fn approval_progress() {
    snap("approval_progress", progress_app);
    // On another screen the footer keeps the figures.
    let mut a = progress_app(80, 24);
    a.update(key('q'));
    a.update(key('q'));
    assert!(a.cohorts().is_none());
    let screen = render(&a);
    assert!(
        screen.contains("signing data-2026-q2: 512/1200 credentials · 128/s · 6 s left"),
        "{screen}"
    );
}

#[test]
fn space_and_a_select_and_the_filter_narrows() {
    let mut a = cohort_app(80, 24);
    a.update(key('*'));
    // Only clean meeting work without a credential: not the disagreement, the missing
    // evidence, the issued or revoked ones, the not-yet or new ones.
    assert_eq!(selected(&a), vec![1, 3, 9, 11]);
    a.update(key('u'));
    assert!(selected(&a).is_empty());
    // Filtering on a flag, then `a`, selects among the rows shown only.
    a.update(key('/'));
    for c in "old rubric".chars() {
        a.update(key(c));
    }
    a.update(code(KeyCode::Enter));
    assert_eq!(a.cohort().unwrap().visible.len(), 1);
    a.update(key('*'));
    assert_eq!(selected(&a), vec![9]);
    // Space toggles the row under the cursor.
    a.update(key(' '));
    assert!(selected(&a).is_empty());
    a.update(key('/'));
    a.update(code(KeyCode::Esc));
    assert_eq!(a.cohort().unwrap().visible.len(), 12);
    a.update(key('g'));
    a.update(key(' '));
    a.update(key(' '));
    assert_eq!(selected(&a), vec![1, 2]);
}

#[test]
fn the_preview_counts_what_will_be_issued_returned_and_excluded() {
    let mut a = preview_app(80, 24);
    let Some(Popup::Confirm { text, .. }) = a.popup() else {
        panic!("a preview");
    };
    assert!(text.contains("4 credential(s) to issue, signed with eddsa-rdfc-2022 as did:key:"));
    assert!(text.contains("1 \"not yet\" result(s)"));
    assert!(text.contains("1 excluded: 1 assessors disagree"));
    // n goes back without signing anything.
    assert!(a.update(key('n')).is_empty());
    assert!(a.popup().is_none());
    // The suite can be switched before approving.
    a.update(key('t'));
    a.update(key('A'));
    a.update(key('y'));
    for c in "pw-12345".chars() {
        a.update(key(c));
    }
    let effects = a.update(code(KeyCode::Enter));
    let [
        Effect::Approve {
            approval,
            passphrase,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(passphrase.0, "pw-12345");
    assert!(!format!("{effects:?}").contains("pw-12345"));
    assert_eq!(approval.suite, Suite::Jcs);
    let merit::tui::effect::ApprovalPlan::Cohort(plan) = &approval.plan else {
        panic!("{:?}", approval.plan);
    };
    assert_eq!(plan.to_issue, vec![1, 3, 9, 11]);
    assert_eq!(plan.not_yet, vec![2]);
    assert_eq!(plan.excluded, vec![(4, "assessors disagree".to_string())]);
    assert_eq!(a.approval.as_ref().unwrap().total, 4);
    // One approval at a time.
    a.update(key('A'));
    a.update(key('y'));
    a.update(key('p'));
    assert!(a.update(code(KeyCode::Enter)).is_empty());
    assert!(matches!(
        a.popup(),
        Some(Popup::Message { error: true, .. })
    ));
}

#[test]
fn only_issuers_approve_and_only_with_an_issuer_key() {
    let mut a = cohort_app(80, 24);
    a.session.is_issuer = false;
    a.update(key('*'));
    a.update(key('A'));
    let Some(Popup::Message { title, error, .. }) = a.popup() else {
        panic!("an error");
    };
    assert!(*error && title.contains("Only issuers"));
    a.update(code(KeyCode::Esc));
    a.session.is_issuer = true;
    a.update(Msg::Db(DbReply::CohortRows {
        cohort_id: "data-2026-q2".into(),
        rows: Ok(rows()),
        issuer: Err("this workspace has no issuer yet".into()),
    }));
    a.update(key('A'));
    let Some(Popup::Message { text, .. }) = a.popup() else {
        panic!("an error");
    };
    assert!(text.contains("no issuer yet"));
    // Nothing selected: nothing to preview.
    let mut a = cohort_app(80, 24);
    a.update(key('A'));
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Nothing selected"));
}

#[test]
fn cancelling_asks_then_stops_and_the_end_reloads_the_cohort() {
    let mut a = progress_app(80, 24);
    a.update(key('x'));
    assert!(matches!(a.popup(), Some(Popup::Confirm { .. })));
    let effects = a.update(key('y'));
    assert!(matches!(&effects[..], [Effect::CancelApproval]));
    assert!(a.approval.as_ref().unwrap().cancelling);
    let effects = a.update(Msg::Approval(ApprovalEvent::Finished {
        result: Ok(BatchReport {
            issued: vec!["urn:uuid:1".into(); 512],
            already_issued: 0,
            failed: Vec::new(),
            cancelled: true,
        }),
        elapsed_ms: 4100,
    }));
    assert!(a.approval.is_none());
    let Some(Popup::Message { title, text, .. }) = a.popup() else {
        panic!("a summary");
    };
    assert_eq!(title, "Approval cancelled");
    assert!(text.contains("512 credential(s) issued with eddsa-rdfc-2022"));
    assert!(text.contains("continues where it stopped"));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::CohortRows { .. })))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Cohorts)))
    );
}

#[test]
fn a_wrong_passphrase_says_so_and_nothing_runs() {
    let mut a = progress_app(80, 24);
    a.update(Msg::Approval(ApprovalEvent::Finished {
        result: Err("wrong passphrase for the issuer key".into()),
        elapsed_ms: 0,
    }));
    assert!(a.approval.is_none());
    let Some(Popup::Message { text, error, .. }) = a.popup() else {
        panic!("an error");
    };
    assert!(*error && text.contains("wrong passphrase") && text.contains("Nothing was signed"));
}

#[test]
fn quitting_while_signing_asks_first_and_cancels() {
    let mut a = progress_app(80, 24);
    a.update(key('q')); // back to the cohorts
    assert!(a.cohort().is_none());
    a.update(ctrl('c'));
    assert!(!a.quit);
    assert!(matches!(a.popup(), Some(Popup::Confirm { .. })));
    let effects = a.update(key('y'));
    assert!(a.quit);
    assert!(matches!(&effects[..], [Effect::CancelApproval]));
}

#[test]
fn the_passphrase_field_is_the_approval() {
    let a = passphrase_app(80, 24);
    let Some(Popup::Field(f)) = a.popup() else {
        panic!("the passphrase field");
    };
    assert!(matches!(f.action, FieldAction::Approve(_)));
}

#[test]
fn leads_send_work_to_second_marking_and_decide_disagreements() {
    use merit::rubric::Decision;
    let mut a = cohort_app(80, 24);
    // Not a lead: refused, and told how to become one.
    a.session.is_lead = false;
    a.update(key('2'));
    let Some(Popup::Message { title, text, error }) = a.popup() else {
        panic!("an error");
    };
    assert!(
        *error && title == "Only leads" && text.contains("--role lead"),
        "{text}"
    );
    a.update(code(KeyCode::Esc));
    a.session.is_lead = true;

    // Amara meets the rubric: `2` asks first, naming whose assessment stays unseen.
    a.update(key('2'));
    let Some(Popup::Confirm { text, .. }) = a.popup() else {
        panic!("a confirmation");
    };
    assert!(
        text.contains("Amara Okafor") && text.contains("amir's assessment"),
        "{text}"
    );
    let effects = a.update(key('y'));
    assert!(
        matches!(
            &effects[..],
            [Effect::Db(DbRequest::RequestSecondMarking {
                submission_id: 1
            })]
        ),
        "{effects:?}"
    );
    // The reply is shown and the cohort is read again; a refusal is an error.
    let effects = a.update(Msg::Db(DbReply::CohortChanged {
        title: "Second marking",
        result: Ok("sent".into()),
    }));
    assert!(matches!(
        a.popup(),
        Some(Popup::Message { error: false, .. })
    ));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::CohortRows { .. })))
    );
    a.update(code(KeyCode::Esc));
    a.update(Msg::Db(DbReply::CohortChanged {
        title: "Second marking",
        result: Err("submission 1 has been sent to second marking before".into()),
    }));
    assert!(
        matches!(a.popup(), Some(Popup::Message { error: true, text, .. }) if text.contains("before"))
    );
    a.update(code(KeyCode::Esc));

    // Unassessed work cannot be sent (Emeka, new).
    for _ in 0..4 {
        a.update(key('j'));
    }
    a.update(key('2'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, error: false, .. }) if title == "Cannot be second-marked")
    );
    a.update(code(KeyCode::Esc));
    // Nothing to decide where the assessors do not disagree.
    a.update(key('M'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Nothing to decide")
    );
    a.update(code(KeyCode::Esc));

    // Dagny's second marking disagrees: M and N ask why, and Enter decides.
    let mut waiting = rows();
    waiting[3].status = "second_marking".into();
    a.update(Msg::Db(DbReply::CohortRows {
        cohort_id: "data-2026-q2".into(),
        rows: Ok(waiting),
        issuer: Ok(DID.into()),
    }));
    a.update(key('k'));
    for (k, decision) in [('M', Decision::Meets), ('N', Decision::NotYet)] {
        a.update(key(k));
        assert!(matches!(a.popup(), Some(Popup::Field(_))), "{k}");
        for c in "the log covers it".chars() {
            a.update(key(c));
        }
        let effects = a.update(code(KeyCode::Enter));
        assert!(
            matches!(
                &effects[..],
                [Effect::Db(DbRequest::ResolveSecondMarking { submission_id: 4, decision: d, note })]
                    if *d == decision && note == "the log covers it"
            ),
            "{effects:?}"
        );
    }
}

#[test]
fn v_shows_the_assessments_side_by_side() {
    let mut a = cohort_app(80, 24);
    let effects = a.update(key('v'));
    assert!(
        matches!(
            &effects[..],
            [Effect::Db(DbRequest::Assessments { submission_id: 1, learner })] if learner == "Amara Okafor"
        ),
        "{effects:?}"
    );
    a.update(Msg::Db(DbReply::Pager {
        title: "Assessments: Amara Okafor".into(),
        lines: vec![('*', "amir: meets (14 of 21)".into())],
    }));
    assert!(matches!(a.popup(), Some(Popup::Pager(_))));
    a.update(code(KeyCode::Esc));
    // Emeka's work is new: nothing to show.
    for _ in 0..4 {
        a.update(key('j'));
    }
    assert!(a.update(key('v')).is_empty());
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "No assessment yet")
    );
}

#[test]
fn issuers_revoke_an_issued_credential_with_a_reason() {
    let mut a = cohort_app(80, 24);
    // Goran Novak (row 7) holds urn:uuid:7; the session is an issuer.
    for _ in 0..6 {
        a.update(key('j'));
    }
    a.update(key('R'));
    assert!(
        matches!(a.popup(), Some(Popup::Field(_))),
        "a reason is asked for"
    );
    for c in "plagiarism".chars() {
        a.update(key(c));
    }
    let effects = a.update(code(KeyCode::Enter));
    assert!(
        matches!(
            &effects[..],
            [Effect::Db(DbRequest::Revoke { credential_id, reason })]
                if credential_id == "urn:uuid:7" && reason == "plagiarism"
        ),
        "{effects:?}"
    );
    let effects = a.update(Msg::Db(DbReply::CohortChanged {
        title: "Revocation",
        result: Ok("Revoked.".into()),
    }));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::CohortRows { .. })))
    );
    a.update(code(KeyCode::Esc));
    // Jonas Rossi's (row 10) is revoked already; Amara (row 1) has none.
    for _ in 0..3 {
        a.update(key('j'));
    }
    a.update(key('R'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { text, .. }) if text.contains("revoked already"))
    );
    a.update(code(KeyCode::Esc));
    a.update(key('g'));
    a.update(key('R'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { text, .. }) if text.contains("no credential"))
    );
    a.update(code(KeyCode::Esc));
    // Not an issuer: refused.
    a.session.is_issuer = false;
    a.update(key('R'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, error: true, .. }) if title == "Only issuers revoke")
    );
}

/// An empty reason is refused inside the prompt, which stays open: what is typed next goes
/// into the reason, never runs as commands (`t` would switch the suite, Space select rows).
#[test]
fn an_empty_revoke_reason_is_refused_inside_the_prompt() {
    let mut a = cohort_app(80, 24);
    for _ in 0..6 {
        a.update(key('j'));
    }
    a.update(key('R'));
    let effects = a.update(code(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    let Some(Popup::Field(f)) = a.popup() else {
        panic!("the prompt stays open")
    };
    assert!(f.error.as_deref().unwrap_or("").contains("reason"));
    assert_eq!(a.popups.len(), 1, "no second box");
    let suite = a.cohort().unwrap().suite;
    for c in " tx".chars() {
        a.update(key(c));
    }
    assert_eq!(a.cohort().unwrap().suite, suite);
    assert!(selected(&a).is_empty());
    let effects = a.update(code(KeyCode::Enter));
    assert!(
        matches!(&effects[..], [Effect::Db(DbRequest::Revoke { reason, .. })] if reason == " tx"),
        "{effects:?}"
    );
}

/// A finished approval does not replace a prompt being typed: its result waits in front,
/// and closing it shows the prompt again with what was typed.
#[test]
fn a_finished_approval_waits_above_a_prompt_being_typed() {
    let mut a = cohort_app(80, 24);
    for _ in 0..6 {
        a.update(key('j'));
    }
    a.update(key('R'));
    for c in "dupl".chars() {
        a.update(key(c));
    }
    a.update(Msg::Approval(ApprovalEvent::Finished {
        result: Err("the key is locked".into()),
        elapsed_ms: 10,
    }));
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Not approved"));
    // Typing on at the message does not close it.
    a.update(key('i'));
    assert!(matches!(a.popup(), Some(Popup::Message { .. })));
    a.update(code(KeyCode::Enter));
    let Some(Popup::Field(f)) = a.popup() else {
        panic!("the prompt is back")
    };
    assert_eq!(f.text(), "dupl");
}

/// The cohort filter is the same line input: Ctrl-W deletes a word, Ctrl-U the rest.
#[test]
fn the_cohort_filter_takes_readline_keys() {
    let mut a = cohort_app(80, 24);
    a.update(key('/'));
    for c in "novak goran".chars() {
        a.update(key(c));
    }
    a.update(ctrl('w'));
    assert_eq!(a.cohort().unwrap().filter.text(), "novak ");
    a.update(Msg::Key(ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Char('h'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    )));
    assert_eq!(a.cohort().unwrap().filter.text(), "novak");
    assert_eq!(a.cohort().unwrap().visible.len(), 1);
    a.update(ctrl('u'));
    assert_eq!(a.cohort().unwrap().filter.text(), "");
    a.update(Msg::Paste("rossi\n".into()));
    assert_eq!(a.cohort().unwrap().filter.text(), "rossi ");
    a.update(ctrl('c'));
    assert!(a.quit, "Ctrl-C quits, it does not type");
}

/// The cohort view's filter speaks the queue's tokens: `status:` (the decision word),
/// `assessor:`, and text.
#[test]
fn the_cohort_filter_takes_status_and_assessor_tokens() {
    let mut a = cohort_app(80, 24);
    a.update(key('/'));
    a.update(Msg::Paste("status:meets".into()));
    // Amara, Chen, Dagny, Farah, Ifeoma, Jonas (attempt 2).
    assert_eq!(a.cohort().unwrap().visible.len(), 6);
    a.update(Msg::Paste(" assessor:bea".into()));
    // Dagny (amir, bea), Farah, Ifeoma.
    assert_eq!(a.cohort().unwrap().visible.len(), 3);
    a.update(ctrl('u'));
    a.update(Msg::Paste("status:issued".into()));
    assert_eq!(a.cohort().unwrap().visible.len(), 1);
    a.update(ctrl('u'));
    a.update(Msg::Paste("status:not-yet kofi".into()));
    assert_eq!(a.cohort().unwrap().visible.len(), 1);
    a.update(ctrl('u'));
    a.update(Msg::Paste("cohort:appsec-2026-1".into()));
    assert_eq!(a.cohort().unwrap().visible.len(), 0);
}

/// The `:` command line: Tab completes commands and ids, Enter goes there, a mistake is said
/// on the line, which stays.
#[test]
fn the_command_line_goes_anywhere_and_completes_ids() {
    let mut a = queue_app(80, 24, 10);
    issuer_session(&mut a);
    let e = a.update(key(':'));
    assert!(matches!(a.popup(), Some(Popup::Command(_))));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Cohorts)))
    );
    a.update(Msg::Db(DbReply::Cohorts(Ok(cohorts()))));
    for c in "coh".chars() {
        a.update(key(c));
    }
    a.update(code(KeyCode::Tab));
    let Some(Popup::Command(line)) = a.popup() else {
        panic!()
    };
    assert_eq!(line.input.text(), "cohort");
    assert!(line.note.as_deref().unwrap_or("").contains("cohorts"));
    for c in " data".chars() {
        a.update(key(c));
    }
    a.update(code(KeyCode::Tab));
    let Some(Popup::Command(line)) = a.popup() else {
        panic!()
    };
    assert_eq!(line.input.text(), "cohort data-2026-q2");
    let e = a.update(code(KeyCode::Enter));
    assert!(a.popup().is_none());
    assert_eq!(
        a.cohort().map(|c| c.cohort.id.as_str()),
        Some("data-2026-q2")
    );
    assert!(e.iter().any(|e| matches!(e, Effect::Db(DbRequest::CohortRows { cohort_id, .. }) if cohort_id == "data-2026-q2")));

    // Back to the queue, then a submission by id.
    a.update(key(':'));
    a.update(Msg::Paste("queue".into()));
    a.update(code(KeyCode::Enter));
    assert!(a.cohort().is_none() && a.cohorts().is_none());
    a.update(key(':'));
    a.update(Msg::Paste("submission 42".into()));
    let e = a.update(code(KeyCode::Enter));
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::Open {
            submission_id: 42,
            ..
        })
    )));

    // Mistakes stay on the line.
    a.update(key(':'));
    a.update(Msg::Paste("cohort nope".into()));
    a.update(code(KeyCode::Enter));
    let Some(Popup::Command(line)) = a.popup() else {
        panic!("the line stays")
    };
    assert!(
        line.note
            .as_deref()
            .unwrap_or("")
            .contains("no cohort `nope`")
    );
    a.update(ctrl('u'));
    a.update(Msg::Paste("frobnicate".into()));
    a.update(code(KeyCode::Enter));
    let Some(Popup::Command(line)) = a.popup() else {
        panic!()
    };
    assert!(
        line.note
            .as_deref()
            .unwrap_or("")
            .contains("unknown command")
    );
    a.update(ctrl('u'));
    a.update(Msg::Paste("q".into()));
    a.update(code(KeyCode::Enter));
    assert!(a.quit);
}

/// `%` in the cohort view (leads): a prompt with the sampling plan as words; a bad line is
/// pointed out inside the prompt, a good one asks the database to draw and send.
#[test]
fn a_lead_samples_the_cohort_for_second_marking() {
    let mut a = cohort_app(80, 24);
    a.update(key('%'));
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Only leads"),
        "assessors and issuers are told"
    );
    a.update(code(KeyCode::Esc));
    a.session.is_lead = true;
    a.update(key('%'));
    assert!(matches!(
        a.popup(),
        Some(Popup::Field(f)) if matches!(&f.action, FieldAction::Sample { cohort } if cohort == "data-2026-q2")
    ));
    // Replace the suggestion with a line that does not parse: the prompt stays and says why.
    a.update(ctrl('u'));
    for c in "sometimes".chars() {
        a.update(key(c));
    }
    assert!(a.update(code(KeyCode::Enter)).is_empty());
    assert!(render(&a).contains("not a way to sample"), "{}", render(&a));
    a.update(ctrl('u'));
    for c in "per-assessor 2 not-yet seed 4".chars() {
        a.update(key(c));
    }
    let e = a.update(code(KeyCode::Enter));
    let Some(Effect::Db(DbRequest::SampleSecondMarking { cohort, plan, seed })) = e.first() else {
        panic!("{e:?}");
    };
    assert_eq!(cohort, "data-2026-q2");
    assert_eq!(plan.per_assessor, Some(merit::moderation::Quota::Count(2)));
    assert!(plan.all_not_yet);
    assert_eq!(*seed, Some(4));
}

fn pathway(
    waiting: usize,
    issued: usize,
    flagged: usize,
) -> merit::store::pathways::PathwaySummary {
    merit::store::pathways::PathwaySummary {
        id: "data-practitioner".into(),
        title: "Data Practitioner".into(),
        version: 1,
        waiting,
        issued,
        flagged,
        one_away: 7,
    }
}

/// The cohorts screen with the pathways below the cohorts, the cursor on one.
fn pathways_app(w: u16, h: u16) -> App {
    let mut a = cohorts_app(w, h);
    a.update(Msg::Db(DbReply::Pathways(Ok(vec![
        pathway(2, 5, 1),
        merit::store::pathways::PathwaySummary {
            id: "teaching-lead".into(),
            title: "Teaching Lead\u{1b}[31m".into(),
            ..pathway(0, 0, 0)
        },
    ]))));
    for _ in 0..3 {
        a.update(key('j'));
    }
    a
}

#[test]
fn pathways_below_the_cohorts() {
    snap("cohorts_with_pathways", pathways_app);
    let a = pathways_app(80, 24);
    let screen = render(&a);
    assert!(
        !screen.contains('\u{1b}'),
        "a title reached the terminal raw"
    );
    assert!(screen.contains("1 flagged"), "{screen}");
}

/// `A` on a pathway asks the database thread for the plan; on a cohort it says where to go;
/// the plan comes back as a preview, and yes asks for the passphrase.
#[test]
fn a_on_a_pathway_previews_its_program_credentials() {
    let mut a = pathways_app(80, 24);
    let effects = a.update(key('A'));
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Db(DbRequest::PathwayPlan { pathway, .. }) if pathway == "data-practitioner"
        )),
        "{effects:?}"
    );
    let mut on_cohort = cohorts_app(80, 24);
    assert!(on_cohort.update(key('A')).is_empty());
    assert!(render(&on_cohort).contains("On a pathway, A approves"));
    // The store's plan, as the database thread sends it.
    let (_dir, ws) = common::demo_workspace(30, 2);
    for c in ["data-2026-q2", "appsec-2026-1", "teach-2026-spring"] {
        let o = common::merit_as(&ws, "ines", &["approve", "--cohort", c, "--all-meeting"]);
        assert!(o.status.success(), "{}", common::stderr(&o));
    }
    let mut store = merit::store::Store::open(&ws).unwrap();
    let reply = merit::tui::jobs::handle(
        &mut store,
        "ines",
        false,
        DbRequest::PathwayPlan {
            pathway: "data-practitioner".into(),
            suite: Suite::Rdfc,
        },
    );
    a.update(Msg::Db(reply));
    let screen = render(&a);
    assert!(
        screen.contains("Preview: approve data-practitioner"),
        "{screen}"
    );
    assert!(screen.contains("2 program credential(s)"), "{screen}");
    a.update(key('y'));
    assert!(matches!(
        a.popup(),
        Some(Popup::Field(f)) if matches!(f.action, FieldAction::Approve(_))
    ));
    // An assessor may not even preview it.
    let reply = merit::tui::jobs::handle(
        &mut store,
        "amir",
        false,
        DbRequest::PathwayPlan {
            pathway: "data-practitioner".into(),
            suite: Suite::Rdfc,
        },
    );
    assert!(matches!(reply, DbReply::PathwayPlan(Err(e)) if e.contains("issuer")));
    let reply = merit::tui::jobs::handle(&mut store, "amir", false, DbRequest::Pathways);
    assert!(matches!(reply, DbReply::Pathways(Ok(v)) if v.is_empty()));
}

//! Workbench logic without a terminal: messages in, state and effects out.

mod common;

use common::tui::*;
use merit::rubric::Decision;
use merit::store::PageFrom;
use merit::tui::effect::DbRequest;
use merit::tui::effect::Effect;
use merit::tui::keymap::{self, Mode};
use merit::tui::message::Msg;
use merit::tui::message::{DbReply, PageMode};
use merit::tui::screens::queue::{CHUNK, MAX_ROWS};
use merit::tui::widgets::popup::Popup;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn queue_request(effects: &[Effect]) -> Option<(&PageFrom, PageMode, String)> {
    effects.iter().find_map(|e| match e {
        Effect::Db(DbRequest::Queue { query, mode, .. }) => {
            Some((&query.from, *mode, query.filter.clone()))
        }
        _ => None,
    })
}

#[test]
fn start_asks_for_the_first_page_and_counts() {
    let mut a = app(80, 24);
    let e = a.start();
    assert!(matches!(
        queue_request(&e),
        Some((PageFrom::Start, PageMode::Replace, _))
    ));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Counts { .. })))
    );
}

#[test]
fn moving_near_the_end_fetches_the_next_page_once() {
    let mut a = queue_app(80, 24, CHUNK);
    let h = a.rows_height();
    let mut fetches = 0;
    let mut last = Vec::new();
    for _ in 0..(CHUNK - h) {
        let e = a.update(key('j'));
        if let Some((from, mode, _)) = queue_request(&e) {
            assert_eq!(mode, PageMode::Append);
            assert!(matches!(from, PageFrom::After(r) if r.id == CHUNK as i64));
            fetches += 1;
            last = e;
        }
    }
    assert_eq!(fetches, 1, "one request while it is pending");
    answer_queue(&mut a, &last, rows(CHUNK as i64 + 1, CHUNK));
    assert_eq!(a.queue.rows.len(), 2 * CHUNK);
    assert!(!a.queue.at_end);
}

#[test]
fn the_window_of_rows_stays_bounded() {
    let mut a = queue_app(80, 24, CHUNK);
    let mut next = CHUNK as i64 + 1;
    for _ in 0..10 {
        // Jump to the end of the window; answer the request it makes.
        let mut effects = Vec::new();
        for _ in 0..a.queue.rows.len() {
            effects.extend(a.update(code(KeyCode::PageDown)));
        }
        if queue_request(&effects).is_some() {
            answer_queue(&mut a, &effects, rows(next, CHUNK));
            next += CHUNK as i64;
        }
        assert!(a.queue.rows.len() <= MAX_ROWS);
    }
    let sel = a.queue.selected_row().unwrap().id;
    assert!(sel > 500, "scrolled far: {sel}");
    assert!(!a.queue.at_start);
    // Going back up past the window's start asks for the rows before it.
    let mut effects = Vec::new();
    for _ in 0..a.queue.rows.len() {
        effects.extend(a.update(key('k')));
    }
    assert!(matches!(
        queue_request(&effects),
        Some((PageFrom::Before(_), PageMode::Prepend, _))
    ));
}

#[test]
fn typing_a_filter_reloads_and_stale_pages_are_dropped() {
    let mut a = queue_app(80, 24, 20);
    a.update(key('/'));
    assert!(a.queue.filtering);
    let first = a.update(key('a'));
    let second = a.update(key('m'));
    let (_, _, filter) = queue_request(&second).unwrap();
    assert_eq!(filter, "am");
    // The answer to "a" arrives late: ignored.
    answer_queue(&mut a, &first, rows(500, 3));
    assert_ne!(a.queue.rows[0].id, 500);
    answer_queue(&mut a, &second, rows(900, 2));
    assert_eq!(a.queue.rows.len(), 2);
    assert_eq!(a.queue.rows[0].id, 900);
    a.update(code(KeyCode::Enter));
    assert!(!a.queue.filtering);
    assert_eq!(a.queue.filter.text(), "am");
    // Esc in filter mode clears it.
    a.update(key('/'));
    let e = a.update(code(KeyCode::Esc));
    assert_eq!(queue_request(&e).unwrap().2, "");
}

#[test]
fn enter_right_after_a_filter_opens_a_match_not_a_row_from_before() {
    let mut a = queue_app(80, 24, 20);
    a.update(key('/'));
    let typed = a.update(key('x'));
    a.update(code(KeyCode::Enter));
    // The page for "x" has not come: the rows on screen are from before the filter.
    let e = a.update(code(KeyCode::Enter));
    assert!(
        !e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Open { .. }))),
        "{e:?}"
    );
    // It comes: the first match opens.
    let e = answer_queue(&mut a, &typed, rows(700, 2));
    assert!(
        e.iter().any(|e| matches!(
            e,
            Effect::Db(DbRequest::Open {
                submission_id: 700,
                ..
            })
        )),
        "{e:?}"
    );
    // From then on Enter opens at once; no match opens nothing.
    let e = a.update(code(KeyCode::Enter));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Open { .. })))
    );
    a.update(key('/'));
    let typed = a.update(key('q'));
    a.update(code(KeyCode::Enter));
    a.update(code(KeyCode::Enter));
    let e = answer_queue(&mut a, &typed, Vec::new());
    assert!(e.is_empty(), "{e:?}");
}

#[test]
fn untrusted_names_are_sanitized_when_they_arrive() {
    let mut a = app(80, 24);
    let start = a.start();
    let mut r = rows(1, 1);
    r[0].learner = "Eve\x1b]0;pwned\x07\x1b[2J\u{202e}".into();
    answer_queue(&mut a, &start, r);
    assert_eq!(a.queue.rows[0].learner, "Eve␛␛⟨U+202E⟩");
}

#[test]
fn enter_opens_the_selected_submission() {
    let mut a = queue_app(80, 24, 20);
    a.update(key('j'));
    let e = a.update(code(KeyCode::Enter));
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::Open {
            submission_id: 2,
            ..
        })
    )));
}

#[test]
fn opening_loads_the_first_artifact_and_restores_nothing_for_a_fresh_submission() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = queue_app(80, 24, 5);
    let data = review_data(dir.path());
    let e = a.update(Msg::Db(DbReply::Opened(Ok(Box::new(data)))));
    assert!(matches!(
        e.as_slice(),
        [Effect::LoadArtifact { index: 0, .. }]
    ));
    let r = a.review().unwrap();
    assert!(r.choices.is_empty());
    assert_eq!(r.focus, merit::tui::screens::review::Pane::Rubric);
}

fn saved_levels(effects: &[Effect]) -> Option<Vec<(String, Option<String>)>> {
    effects.iter().find_map(|e| match e {
        Effect::Db(DbRequest::SaveDraft(a)) => Some(
            a.scores
                .iter()
                .map(|s| (s.criterion.clone(), s.level.clone()))
                .collect(),
        ),
        _ => None,
    })
}

#[test]
fn picking_levels_saves_a_draft_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    let e = a.update(key('3'));
    let saved = saved_levels(&e).expect("a draft save");
    assert_eq!(
        saved[0],
        ("goals".to_string(), Some("proficient".to_string()))
    );
    a.update(key('j'));
    let e = a.update(key('l'));
    let saved = saved_levels(&e).unwrap();
    assert_eq!(
        saved[1].1.as_deref(),
        Some("emerging"),
        "l on an unscored criterion picks the first level"
    );
    let e = a.update(key('l'));
    assert_eq!(
        saved_levels(&e).unwrap()[1].1.as_deref(),
        Some("developing")
    );
    // A level beyond the rubric's is ignored.
    let e = a.update(key('9'));
    assert!(saved_levels(&e).is_none());
}

#[test]
fn submit_refuses_unscored_criteria() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    a.update(key('3'));
    let e = a.update(ctrl('s'));
    assert!(e.is_empty());
    match a.popup() {
        Some(Popup::Message {
            title,
            text,
            error: true,
        }) => {
            assert_eq!(title, "Not every criterion is scored");
            assert!(text.contains("Checking for understanding"), "{text}");
        }
        _ => panic!("expected an error popup"),
    }
}

/// Scores every criterion at level `n` (1-based).
fn score_all(a: &mut merit::tui::app::App, n: char) {
    for _ in 0..5 {
        a.update(key(n));
        a.update(key('j'));
    }
}

#[test]
fn not_yet_needs_feedback_on_each_shortfall() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    score_all(&mut a, '1');
    a.update(ctrl('s'));
    match a.popup() {
        Some(Popup::Message { title, text, .. }) => {
            assert_eq!(title, "Feedback needed");
            assert!(text.contains("Learning goals"), "{text}");
        }
        _ => panic!("expected feedback to be required"),
    }
    a.update(code(KeyCode::Esc));
    // Comment on each required criterion (goals, checking-learning, reflection-evidence).
    a.update(key('g'));
    for target in [0, 1, 3] {
        while a.review().unwrap().criterion < target {
            a.update(key('j'));
        }
        a.update(key('c'));
        for ch in "needs work".chars() {
            a.update(key(ch));
        }
        a.update(code(KeyCode::Esc));
    }
    a.update(ctrl('s'));
    assert!(matches!(a.popup(), Some(Popup::Confirm { text, .. }) if text.contains("NOT YET")));
    let e = a.update(key('y'));
    let submitted = e.iter().find_map(|e| match e {
        Effect::Db(DbRequest::Submit(a)) => Some(a.clone()),
        _ => None,
    });
    let s = submitted.expect("a submit request");
    assert_eq!(s.scores[0].comment, "needs work");
    assert_eq!(s.scores[2].comment, "");
}

#[test]
fn meets_confirms_then_submits_and_returns_to_the_queue() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = queue_app(80, 24, 5);
    open_review(&mut a, review_data(dir.path()));
    score_all(&mut a, '3');
    a.update(ctrl('s'));
    assert!(matches!(a.popup(), Some(Popup::Confirm { text, .. }) if text.contains("MEETS")));
    // "n" keeps working.
    a.update(key('n'));
    assert!(a.popup().is_none() && a.review().is_some());
    a.update(ctrl('s'));
    let e = a.update(key('y'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Submit(_))))
    );
    let e = a.update(Msg::Db(DbReply::Submitted(Ok((Decision::Meets, false)))));
    assert!(a.review().is_none());
    assert!(matches!(a.popup(), Some(Popup::Next { title, .. }) if title == "Submitted"));
    assert_eq!(a.popups.len(), 1, "one box, not two");
    assert!(queue_request(&e).is_some(), "the queue refreshes");
    // `n` (search's next match elsewhere) does nothing here; Enter asks for the next one of
    // the same rubric, after this submission.
    a.update(key('n'));
    assert!(matches!(a.popup(), Some(Popup::Next { .. })));
    let e = a.update(code(KeyCode::Enter));
    assert!(a.popup().is_none());
    assert!(
        e.iter().any(
            |e| matches!(e, Effect::Db(DbRequest::OpenNext { rubric_id, after, .. })
            if rubric_id == "teaching-practice" && *after == 42)
        ),
        "{e:?}"
    );
    // Nothing waiting is said, and Esc on the box goes back to the queue.
    a.update(Msg::Db(DbReply::Notice {
        title: "Nothing else waiting",
        text: "No other new submission of teaching-practice waits for an assessor.".into(),
    }));
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Nothing else waiting")
    );
}

/// "Not yet" without the comments it needs: the cursor goes to the first criterion missing one.
#[test]
fn a_refused_not_yet_moves_the_cursor_to_the_missing_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    score_all(&mut a, '1');
    a.update(key('g'));
    a.update(key('j'));
    a.update(key('j'));
    a.update(ctrl('s'));
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Feedback needed"));
    assert_eq!(a.review().unwrap().criterion, 0);
}

#[test]
fn comment_editor_saves_while_typing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    a.update(key('c'));
    assert!(matches!(a.popup(), Some(Popup::Editor(_))));
    let e = a.update(key('H'));
    let comment = e.iter().find_map(|e| match e {
        Effect::Db(DbRequest::SaveDraft(a)) => Some(a.scores[0].comment.clone()),
        _ => None,
    });
    assert_eq!(comment.as_deref(), Some("H"));
    // q types a q in the editor; it does not leave.
    a.update(key('q'));
    assert!(a.review().is_some());
    a.update(code(KeyCode::Esc));
    assert!(a.popup().is_none());
    assert_eq!(a.review().unwrap().comments["goals"], "Hq");
}

#[test]
fn feedback_bank_inserts_a_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    a.update(key('f'));
    assert!(matches!(a.popup(), Some(Popup::Picker(_))));
    a.update(key('j'));
    a.update(code(KeyCode::Enter));
    let r = a.review().unwrap();
    assert!(r.comments["goals"].starts_with("Show learners the success criteria"));
}

#[test]
fn drafts_restore_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = review_data(dir.path());
    data.assessment = Some(merit::store::SavedAssessment {
        assessor: "amir".into(),
        state: "draft".into(),
        decision: None,
        scores: vec![merit::store::CriterionScore {
            criterion: "engagement".into(),
            level: Some("developing".into()),
            comment: "Mostly recall tasks.".into(),
        }],
        overall_feedback: "Promising.".into(),
        time_spent_secs: 412,
        submitted_at: None,
    });
    let mut a = app(80, 24);
    open_review(&mut a, data);
    let r = a.review().unwrap();
    assert_eq!(r.choices["engagement"], "developing");
    assert_eq!(r.comments["engagement"], "Mostly recall tasks.");
    assert_eq!(r.overall, "Promising.");
    assert_eq!(r.time_spent, 412);
}

#[test]
fn time_spent_counts_activity_but_not_long_pauses() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    a.now += 40;
    a.update(key('j'));
    a.now += 3600; // lunch
    a.update(key('k'));
    a.now += 20;
    a.update(key('j'));
    assert_eq!(a.review().unwrap().time_spent, 60);
}

#[test]
fn read_only_submissions_cannot_be_scored() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = review_data(dir.path());
    data.read_only = Some("in progress by bea".into());
    let mut a = app(80, 24);
    open_review(&mut a, data);
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Read only"));
    a.update(code(KeyCode::Esc));
    let e = a.update(key('2'));
    assert!(saved_levels(&e).is_none());
    assert!(a.review().unwrap().choices.is_empty());
    a.update(code(KeyCode::Esc));
    let e = a.update(key('q'));
    assert!(
        e.iter()
            .all(|e| !matches!(e, Effect::Db(DbRequest::Leave { .. }))),
        "a read-only view holds no claim"
    );
}

#[test]
fn leaving_keeps_the_claim_only_when_there_is_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = queue_app(80, 24, 3);
    open_review(&mut a, review_data(dir.path()));
    let e = a.update(key('q'));
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::Leave {
            keep_claim: false,
            ..
        })
    )));
    assert!(a.review().is_none());
    open_review(&mut a, review_data(dir.path()));
    a.update(key('2'));
    let e = a.update(code(KeyCode::Esc));
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::Leave {
            keep_claim: true,
            ..
        })
    )));
}

#[test]
fn evidence_pane_switches_tabs_scrolls_and_searches() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    a.update(code(KeyCode::Tab));
    a.update(key(']'));
    assert_eq!(a.review().unwrap().tab, 1);
    a.update(key('['));
    a.update(key('/'));
    for ch in "unseen".chars() {
        a.update(key(ch));
    }
    a.update(code(KeyCode::Enter));
    let r = a.review().unwrap();
    let v = &r.views[0];
    assert_eq!(v.matches.len(), 1);
    assert_eq!(v.scroll, v.matches[0]);
    let wrap = v.wrap;
    a.update(key('w'));
    assert_ne!(a.review().unwrap().views[0].wrap, wrap);
}

#[test]
fn help_quit_and_ctrl_c() {
    let mut a = queue_app(80, 24, 3);
    a.update(key('?'));
    assert!(matches!(a.popup(), Some(Popup::Help(Mode::Queue))));
    a.update(code(KeyCode::Esc));
    assert!(a.popup().is_none());
    a.update(ctrl('c'));
    assert!(a.quit);
    let mut a = queue_app(80, 24, 3);
    a.update(Msg::Quit);
    assert!(a.quit, "SIGTERM/SIGHUP arrive as Quit");
}

/// `q` is "back" on every screen but the queue, where it would end the session: there it
/// asks; `n` stays, `y` quits. Ctrl-C does not ask.
#[test]
fn q_on_the_queue_asks_before_quitting() {
    let mut a = queue_app(80, 24, 3);
    a.update(key('q'));
    assert!(!a.quit);
    assert!(render(&a).contains("Quit Merit?"), "{}", render(&a));
    a.update(key('n'));
    assert!(!a.quit);
    assert!(a.popup().is_none());
    a.update(key('q'));
    a.update(key('y'));
    assert!(a.quit);
}

#[test]
fn release_needs_a_lead_for_someone_elses_claim() {
    let mut a = queue_app(80, 24, 6);
    // Row 4 is claimed by bea (see the fixture).
    for _ in 0..3 {
        a.update(key('j'));
    }
    assert_eq!(
        a.queue.selected_row().unwrap().claimed_by.as_deref(),
        Some("bea")
    );
    let e = a.update(key('U'));
    assert!(e.is_empty());
    assert!(matches!(
        a.popup(),
        Some(Popup::Message { error: true, .. })
    ));
    a.update(code(KeyCode::Esc));
    a.session.is_lead = true;
    // Releasing asks first, and says what becomes of bea's draft.
    let e = a.update(key('U'));
    assert!(e.is_empty());
    assert!(
        matches!(a.popup(), Some(Popup::Confirm { text, .. }) if text.contains("bea's draft stays saved"))
    );
    let e = a.update(key('y'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Release { submission_id: 4 })))
    );
}

/// Each key means one thing: R revokes (cohort view) and no longer releases a claim in the
/// queue; h moves left or a level down and no longer opens history (H does); d compares
/// and no longer deletes (D does); a adds and no longer selects (* does).
#[test]
fn a_key_means_one_thing_across_screens() {
    use merit::tui::keymap::Action;
    let find = |mode: Mode, c: char| {
        keymap::action(
            mode,
            &ratatui::crossterm::event::KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
        )
    };
    for mode in [
        Mode::Queue,
        Mode::Cohorts,
        Mode::Cohort,
        Mode::Rubrics,
        Mode::Structure,
    ] {
        assert_ne!(find(mode, 'R'), Some(Action::ReleaseClaim), "{mode:?}");
        assert_ne!(find(mode, 'h'), Some(Action::History), "{mode:?}");
        assert_ne!(find(mode, 'd'), Some(Action::Delete), "{mode:?}");
        assert_ne!(find(mode, 'a'), Some(Action::SelectMeeting), "{mode:?}");
    }
    assert_eq!(find(Mode::Queue, 'U'), Some(Action::ReleaseClaim));
    assert_eq!(find(Mode::Rubrics, 'H'), Some(Action::History));
    assert_eq!(find(Mode::Structure, 'D'), Some(Action::Delete));
    assert_eq!(find(Mode::Cohort, '*'), Some(Action::SelectMeeting));
}

#[test]
fn footer_and_help_come_from_the_same_keymap() {
    for mode in [Mode::Queue, Mode::Evidence, Mode::Rubric] {
        let all: Vec<&str> = keymap::bindings(mode).iter().map(|b| b.label).collect();
        for (label, _) in keymap::footer(mode) {
            assert!(
                all.contains(&label),
                "{label} in the footer but not in help"
            );
        }
        // Every binding's action is what its own keys produce.
        for b in keymap::bindings(mode) {
            for (code, mods) in b.keys {
                if *code == KeyCode::Null {
                    continue;
                }
                let k = ratatui::crossterm::event::KeyEvent::new(*code, *mods);
                assert!(
                    keymap::action(mode, &k).is_some(),
                    "{} does nothing",
                    b.label
                );
            }
        }
    }
}

/// The queue filter is a line input with readline keys; unknown Ctrl keys never type, and
/// Ctrl-C quits from inside it.
#[test]
fn the_queue_filter_takes_readline_keys_and_paste() {
    let mut a = queue_app(80, 24, 20);
    a.update(key('/'));
    for c in "status:new bea".chars() {
        a.update(key(c));
    }
    let e = a.update(ctrl('w'));
    assert_eq!(queue_request(&e).unwrap().2, "status:new ");
    a.update(ctrl('h'));
    assert_eq!(a.queue.filter.text(), "status:new");
    a.update(ctrl('a'));
    a.update(ctrl('k'));
    assert_eq!(a.queue.filter.text(), "");
    a.update(ctrl('x'));
    assert_eq!(a.queue.filter.text(), "");
    let e = a.update(Msg::Paste("am\u{1b}[2J".into()));
    assert_eq!(queue_request(&e).unwrap().2, "am[2J");
    a.update(ctrl('c'));
    assert!(a.quit);
}

/// F1 opens help on every screen, as `?` does where it is not text.
#[test]
fn f1_opens_help_everywhere() {
    let mut a = queue_app(80, 24, 5);
    a.update(code(KeyCode::F(1)));
    assert!(matches!(a.popup(), Some(Popup::Help(Mode::Queue))));
    a.update(code(KeyCode::F(1)));
    assert!(a.popup().is_none());
    a.update(key('C'));
    a.update(code(KeyCode::F(1)));
    assert!(matches!(a.popup(), Some(Popup::Help(Mode::Cohorts))));
}

/// The count line says what the filter matches and never cuts a count in half at 80 columns.
#[test]
fn the_count_line_fits_and_follows_the_filter() {
    let mut a = queue_app(80, 24, 20);
    a.update(Msg::Db(DbReply::Counts(vec![
        ("new".into(), 61_204),
        ("in_progress".into(), 12),
        ("scored".into(), 30_110),
        ("second_marking".into(), 1_234),
        ("not_yet".into(), 8_674),
        ("approved".into(), 999_999),
    ])));
    let screen = render(&a);
    let line = screen.lines().nth(1).unwrap().trim_matches('"').trim_end();
    assert!(line.contains("submissions · 61204 new"), "{line}");
    assert!(line.ends_with(" · …"), "{line}");
    a.update(key('/'));
    let e = a.update(key('x'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Counts { filter, .. }) if filter == "x")),
        "{e:?}"
    );
    assert!(
        render(&a)
            .lines()
            .nth(1)
            .unwrap()
            .contains("match the filter")
    );
}

/// `[` and `]` switch artifacts from the rubric pane too.
#[test]
fn brackets_switch_artifacts_from_either_pane() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(80, 24);
    open_review(&mut a, review_data(dir.path()));
    assert_eq!(a.review().unwrap().mode(), Mode::Rubric);
    a.update(key(']'));
    assert_eq!(a.review().unwrap().tab, 1);
    a.update(key('['));
    a.update(key('['));
    assert_eq!(a.review().unwrap().tab, a.review().unwrap().views.len() - 1);
}

/// `s` walks the five orders and `S` reverses; each asks for the first page again, and the
/// header says what the order is.
#[test]
fn sort_cycles_the_orders_and_shift_s_reverses() {
    use merit::store::QueueSort;
    let mut a = queue_app(80, 24, 50);
    let sort_of = |e: &[Effect]| {
        e.iter().find_map(|e| match e {
            Effect::Db(DbRequest::Queue { query, .. }) => {
                Some((query.sort, query.reverse, query.from.clone()))
            }
            _ => None,
        })
    };
    let mut seen = Vec::new();
    for _ in 0..5 {
        let e = a.update(key('s'));
        let (sort, reverse, from) = sort_of(&e).expect("a new page");
        assert!(
            !e.iter()
                .any(|e| matches!(e, Effect::Db(DbRequest::Counts { .. }))),
            "the counts do not depend on the order"
        );
        assert!(!reverse);
        assert_eq!(from, PageFrom::Start);
        seen.push(sort);
    }
    assert_eq!(
        seen,
        [
            QueueSort::Learner,
            QueueSort::Cohort,
            QueueSort::Status,
            QueueSort::Assessor,
            QueueSort::Age
        ]
    );
    let e = a.update(key('S'));
    assert_eq!(sort_of(&e), Some((QueueSort::Age, true, PageFrom::Start)));
    assert!(render(&a).contains("sorted by age, reversed"));
    let e = a.update(key('S'));
    assert_eq!(sort_of(&e), Some((QueueSort::Age, false, PageFrom::Start)));
}

/// Unwrapped code scrolls sideways with `>` and `<`, and the pane says from which column.
#[test]
fn code_scrolls_sideways_when_unwrapped() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(120, 40);
    open_review(&mut a, review_data(dir.path()));
    a.update(code(KeyCode::Tab));
    let tab = a
        .review()
        .unwrap()
        .data
        .artifacts
        .iter()
        .position(|(x, _)| x.name == "analysis.py")
        .expect("the code artifact");
    while a.review().unwrap().tab != tab {
        a.update(key(']'));
    }
    let before = render(&a);
    assert!(before.contains("def tally"), "{before}");
    assert!(
        !a.review().unwrap().views[tab].wrap,
        "code starts unwrapped"
    );
    a.update(key('>'));
    let r = a.review().unwrap();
    assert!(r.views[tab].hscroll > 0);
    let after = render(&a);
    assert!(after.contains("from column"), "{after}");
    assert!(!after.contains("def tally"), "{after}");
    a.update(key('<'));
    assert_eq!(a.review().unwrap().views[tab].hscroll, 0);
    assert!(!render(&a).contains("from column"));
}

/// `T` asks for today's time spent; the review header shows this submission's and today's.
#[test]
fn time_spent_is_shown_for_the_submission_and_today() {
    let mut a = queue_app(80, 24, 5);
    let e = a.update(key('T'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::TimeSpent)))
    );
    let dir = tempfile::tempdir().unwrap();
    let mut a = app(120, 40);
    open_review(&mut a, review_data(dir.path()));
    // review_data: 50 minutes on other work today.
    let head = render(&a);
    assert!(head.contains("0 min (today 50 min)"), "{head}");
}

/// The compare and history pages wrap long lines under their text, marker kept on the first
/// row, and scroll through the wrapped rows.
#[test]
fn pages_wrap_long_lines_under_their_marker() {
    let mut a = queue_app(80, 24, 3);
    let long = "      - Show learners the success criteria at the start, and return to them at the end of the lesson with an exit ticket.".to_string();
    a.update(Msg::Db(DbReply::Pager {
        title: "Changes to teaching-practice: v1 → v2".into(),
        lines: vec![('*', "feedback changed".into()), ('+', long)],
    }));
    let screen = render(&a);
    let rows: Vec<&str> = screen.lines().collect();
    let first = rows
        .iter()
        .position(|r| r.contains("+      - Show learners"))
        .expect(&screen);
    assert!(
        rows[first + 1].contains("exit ticket") || rows[first + 1].contains("lesson"),
        "{screen}"
    );
    assert!(
        !rows[first + 1].contains("│+"),
        "continuations carry no marker: {screen}"
    );
    assert!(screen.contains("exit ticket."), "nothing is cut: {screen}");
}

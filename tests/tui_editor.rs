//! The rubric editor's logic without a terminal: live validation, saving, conflicts,
//! recovery copies, structured edits, leaving with unsaved changes, read-only assessors.

mod common;

use common::tui::*;
use merit::authoring::SaveOutcome;
use merit::rubric;
use merit::store::RubricVersion;
use merit::tui::app::App;
use merit::tui::effect::DbRequest;
use merit::tui::effect::Effect;
use merit::tui::message::DbReply;
use merit::tui::message::EditorOpen;
use merit::tui::message::Msg;
use merit::tui::widgets::popup::{ConfirmAction, Popup};
use ratatui::crossterm::event::KeyCode;

fn editor(a: &App) -> &merit::tui::screens::editor::EditorScreen {
    a.editor().expect("the editor is open")
}

fn typed(a: &mut App, s: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in s.chars() {
        out.extend(a.update(key(c)));
    }
    out
}

fn version(n: i64, hash: &str) -> RubricVersion {
    RubricVersion {
        hash: hash.into(),
        rubric_id: "teaching-practice".into(),
        version: n,
        title: "T".into(),
        source_path: None,
        created_at: NOW,
        created_by: "bea".into(),
    }
}

#[test]
fn typing_validates_off_the_ui_thread_and_saves_a_recovery_copy() {
    let mut a = editor_app(80, 24, true, None);
    a.update(code(KeyCode::Down));
    a.update(code(KeyCode::Down));
    let e = typed(&mut a, "x");
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Validate { text, .. } if text.contains("xtitle:")))
    );
    assert!(e.iter().any(|e| matches!(e, Effect::Db(DbRequest::Recovery { text: Some(t), .. }) if t.contains("xtitle:"))));
    assert!(editor(&a).dirty());
    validate_now(&mut a, &e);
    let p = &editor(&a).problems;
    assert!(
        p.iter()
            .any(|p| p.span.line == 3 && p.message.contains("unknown field `xtitle`")),
        "{p:?}"
    );
}

#[test]
fn saving_refuses_problems_and_sends_valid_text() {
    let mut a = editor_app(80, 24, true, None);
    a.update(code(KeyCode::Down));
    a.update(code(KeyCode::Down));
    typed(&mut a, "x");
    let e = a.update(ctrl('s'));
    assert!(e.is_empty(), "nothing goes to the database");
    match a.popup() {
        Some(Popup::Message { title, text, .. }) => {
            assert_eq!(title, "Not saved");
            assert!(
                text.contains("line 3, column 1") || text.contains("line 2, column 1"),
                "{text}"
            );
        }
        _ => panic!("expected a refusal"),
    }
    a.update(code(KeyCode::Esc));
    a.update(code(KeyCode::Backspace));
    // Saving asks what changed; the note goes with the text.
    let e = a.update(ctrl('s'));
    assert!(e.is_empty());
    assert!(matches!(a.popup(), Some(Popup::Field(f)) if f.title.starts_with("What changed?")));
    typed(&mut a, "fixed the title");
    let e = a.update(code(KeyCode::Enter));
    assert!(e.iter().any(
        |e| matches!(e, Effect::Db(DbRequest::SaveRubric { text, note, .. })
        if text.contains("\ntitle: Reflective") && note == "fixed the title")
    ));
}

#[test]
fn a_saved_version_offers_to_move_unscored_work() {
    let mut a = editor_app(80, 24, true, None);
    let text = editor(&a).text();
    a.update(Msg::Db(DbReply::RubricSaved {
        text: text.clone(),
        result: Ok(SaveOutcome::Saved {
            version: version(4, &"b".repeat(64)),
            file: Some(Ok("/srv/merit/rubrics/teaching-practice.yaml".into())),
            unscored: 12,
        }),
    }));
    assert_eq!(editor(&a).version, 4);
    assert!(!editor(&a).dirty());
    match a.popup() {
        Some(Popup::Confirm {
            text,
            action: ConfirmAction::MoveUnscored { hash, .. },
            ..
        }) => {
            assert!(text.contains("12 submission(s) not yet scored"));
            assert!(text.contains("Written back to /srv/merit/rubrics/teaching-practice.yaml"));
            assert_eq!(hash, &"b".repeat(64));
        }
        _ => panic!("expected the move question"),
    }
    let e = a.update(key('y'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::MoveUnscored { .. })))
    );
}

#[test]
fn a_conflict_is_refused_with_a_diff() {
    let mut a = editor_app(80, 24, true, None);
    let e = a.update(Msg::Db(DbReply::RubricSaved {
        text: "id: x\n".into(),
        result: Ok(SaveOutcome::Conflict {
            current: version(4, &"c".repeat(64)),
            current_source: String::new(),
        }),
    }));
    assert!(matches!(a.popup(), Some(Popup::Message { title, text, .. })
        if title.contains("someone saved first") && text.contains("bea saved version 4")));
    assert!(e.iter().any(
        |e| matches!(e, Effect::Db(DbRequest::RubricDiff { from, .. }) if *from == "c".repeat(64))
    ));
    assert_eq!(
        editor(&a).version,
        3,
        "still based on the version it started from"
    );
}

#[test]
fn leaving_with_unsaved_changes_asks() {
    let mut a = editor_app(80, 24, true, None);
    typed(&mut a, "# note\n");
    a.update(code(KeyCode::Esc));
    assert!(matches!(
        a.popup(),
        Some(Popup::Confirm {
            action: ConfirmAction::LeaveEditor,
            ..
        })
    ));
    a.update(key('n'));
    assert!(a.editor().is_some());
    a.update(code(KeyCode::Esc));
    let e = a.update(key('y'));
    assert!(a.editor().is_none());
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::EndEdit {
            discard_recovery: true,
            ..
        })
    )));
}

#[test]
fn ctrl_c_keeps_the_recovery_copy() {
    let mut a = editor_app(80, 24, true, None);
    typed(&mut a, "# note\n");
    let e = a.update(ctrl('c'));
    assert!(a.quit);
    assert!(e.iter().any(|e| matches!(
        e,
        Effect::Db(DbRequest::EndEdit {
            discard_recovery: false,
            ..
        })
    )));
}

fn open_with_recovery(recovery: &str) -> App {
    let mut a = queue_app(80, 24, 3);
    a.session.is_lead = true;
    let src = rubric::BUNDLED[0].1.to_string();
    let e = a.update(Msg::Db(DbReply::RubricOpened(Ok(Box::new(EditorOpen {
        rubric_id: "teaching-practice".into(),
        version: 1,
        base_hash: "a".repeat(64),
        source: src,
        file: None,
        others: vec!["bea".into()],
        recovery: Some((recovery.into(), "2026-11-27 10:00:00Z".into())),
        read_only: false,
    })))));
    validate_now(&mut a, &e);
    a
}

#[test]
fn a_recovery_copy_is_offered_and_can_be_restored_or_discarded() {
    let recovered = rubric::BUNDLED[0]
        .1
        .replacen("min_total: 14", "min_total: 13", 1);
    let mut a = open_with_recovery(&recovered);
    // Both are said: the notice that bea is editing in front, the recovery offer behind it
    // (one popup no longer hides another).
    assert_eq!(a.popups.len(), 2);
    assert!(
        matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Someone else is editing")
    );
    // A message closes only with the keys it names: `y` typed at it does nothing.
    a.update(key('y'));
    assert_eq!(a.popups.len(), 2);
    a.update(code(KeyCode::Enter));
    assert!(
        matches!(a.popup(), Some(Popup::Confirm { action: ConfirmAction::Recovery(_), text, .. }) if text.contains("did not save"))
    );
    a.update(key('y'));
    assert!(editor(&a).text().contains("min_total: 13"));
    assert!(editor(&a).dirty());

    let mut a = open_with_recovery(&recovered);
    a.update(code(KeyCode::Esc));
    let e = a.update(key('n'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::Recovery { text: None, .. })))
    );
    assert!(editor(&a).text().contains("min_total: 14"));
    assert_eq!(editor(&a).others, vec!["bea".to_string()]);
}

fn structure_select(a: &mut App, label: &str) {
    a.update(code(KeyCode::F(6)));
    let rows = editor(a).rows();
    let i = rows
        .iter()
        .position(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label}"));
    for _ in 0..i {
        a.update(key('j'));
    }
}

#[test]
fn structured_field_edit_keeps_the_rest() {
    let mut a = editor_app(80, 24, true, None);
    let before = editor(&a).text();
    structure_select(&mut a, "pass mark (min_total)");
    a.update(code(KeyCode::Enter));
    assert!(matches!(a.popup(), Some(Popup::Field(_))));
    a.update(code(KeyCode::Backspace));
    a.update(code(KeyCode::Backspace));
    let e = typed(&mut a, "16");
    assert!(e.is_empty());
    let e = a.update(code(KeyCode::Enter));
    validate_now(&mut a, &e);
    let after = editor(&a).text();
    assert!(after.contains("  min_total: 16\n"));
    let changed = before
        .lines()
        .zip(after.lines())
        .filter(|(x, y)| x != y)
        .count();
    assert_eq!(changed, 1);
    // Not a number: refused.
    a.update(code(KeyCode::Enter));
    typed(&mut a, "x");
    a.update(code(KeyCode::Enter));
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Not a number"));
}

#[test]
fn renaming_a_level_keeps_it_required() {
    let mut a = editor_app(80, 24, true, None);
    structure_select(&mut a, "level proficient");
    a.update(key('n'));
    for _ in 0.."proficient".len() {
        a.update(code(KeyCode::Backspace));
    }
    typed(&mut a, "secure");
    let e = a.update(code(KeyCode::Enter));
    validate_now(&mut a, &e);
    let r = rubric::parse(editor(&a).text().as_bytes()).expect("still valid");
    assert_eq!(r.criteria[0].required.as_ref().unwrap().value, "secure");
    assert!(r.criteria[0].level("secure").is_some());
}

#[test]
fn add_move_and_delete_criteria() {
    let mut a = editor_app(80, 24, true, None);
    structure_select(&mut a, "criterion goals");
    let e = a.update(key('a'));
    validate_now(&mut a, &e);
    let r = rubric::parse(editor(&a).text().as_bytes()).unwrap();
    assert_eq!(r.criteria[1].id.value, "new-criterion-1");
    let e = a.update(key('J'));
    validate_now(&mut a, &e);
    let r = rubric::parse(editor(&a).text().as_bytes()).unwrap();
    assert_eq!(r.criteria[1].id.value, "checking-learning");
    a.update(key('D'));
    assert!(matches!(
        a.popup(),
        Some(Popup::Confirm {
            action: ConfirmAction::Delete(_),
            ..
        })
    ));
    let e = a.update(key('y'));
    validate_now(&mut a, &e);
    let r = rubric::parse(editor(&a).text().as_bytes()).unwrap();
    assert_eq!(r.criteria.len(), 5);
    assert!(
        r.criterion("new-criterion-1").is_none(),
        "the selected (new) criterion was deleted"
    );
    assert!(r.criterion("goals").is_some());
}

#[test]
fn assessors_can_read_but_not_change() {
    let mut a = editor_app(80, 24, false, None);
    let before = editor(&a).text();
    let e = typed(&mut a, "zzz");
    assert!(e.is_empty());
    assert_eq!(editor(&a).text(), before);
    a.update(ctrl('s'));
    assert!(matches!(a.popup(), Some(Popup::Message { title, .. }) if title == "Read only"));
}

#[test]
fn f8_jumps_to_the_next_problem() {
    let src = rubric::BUNDLED[0]
        .1
        .replacen("    weight: 2\n", "    wieght: 2\n", 1);
    let mut a = editor_app(80, 24, true, Some(&src));
    a.update(code(KeyCode::F(8)));
    let line = editor(&a).problems[0].span.line as usize;
    let ratatui_textarea::DataCursor(row, _) = editor(&a).area.cursor();
    assert_eq!(row + 1, line);
    assert!(editor(&a).top <= row, "the problem line is on screen");
}

#[test]
fn rubrics_screen_compares_any_two_versions() {
    use merit::store::{RubricOverview, VersionUse};
    let mut a = queue_app(80, 24, 3);
    a.update(key('e'));
    let v = |n: i64| VersionUse {
        version: version(n, &format!("{n}").repeat(64)),
        submissions: 0,
        assessments: 0,
    };
    a.update(Msg::Db(DbReply::Rubrics(vec![RubricOverview {
        id: "teaching-practice".into(),
        current: "3".repeat(64),
        versions: vec![v(1), v(2), v(3)],
    }])));
    a.update(key('d'));
    assert!(matches!(a.popup(), Some(Popup::Field(_))));
    for _ in 0..5 {
        a.update(code(KeyCode::Backspace));
    }
    typed(&mut a, "1 3");
    let e = a.update(code(KeyCode::Enter));
    assert!(e.iter().any(
        |e| matches!(e, Effect::Db(DbRequest::RubricCompare { a, b, .. })
        if *a == "1".repeat(64) && *b == "3".repeat(64))
    ));
    a.update(key('d'));
    for _ in 0..5 {
        a.update(code(KeyCode::Backspace));
    }
    typed(&mut a, "1 9");
    let e = a.update(code(KeyCode::Enter));
    // The problem shows inside the prompt, which stays open with what was typed.
    assert!(e.is_empty());
    assert!(
        matches!(a.popup(), Some(Popup::Field(f)) if f.error.as_deref().is_some_and(|e| e.contains("no version 9")) && f.text() == "1 9")
    );
    // History asks the database for every version's changes.
    a.update(code(KeyCode::Esc));
    let e = a.update(key('H'));
    assert!(
        e.iter()
            .any(|e| matches!(e, Effect::Db(DbRequest::RubricHistory { .. })))
    );
}

/// Ctrl-Z undoes typing a word at a time and structured edits one at a time; Ctrl-Y redoes.
#[test]
fn ctrl_z_undoes_typing_and_structured_edits_and_ctrl_y_redoes() {
    let mut a = editor_app(80, 24, true, None);
    let start = editor(&a).text();
    typed(&mut a, "# two words");
    let typed_text = editor(&a).text();
    assert_ne!(typed_text, start);
    // One word at a time (and the spaces between).
    a.update(ctrl('z'));
    let first = editor(&a).text();
    let line = first.lines().next().unwrap();
    assert!(
        line.starts_with("# two ") && !line.starts_with("# two words"),
        "{line}"
    );
    for _ in 0..4 {
        a.update(ctrl('z'));
    }
    assert_eq!(editor(&a).text(), start);
    a.update(ctrl('z'));
    assert_eq!(editor(&a).text(), start, "nothing more to undo");
    for _ in 0..5 {
        a.update(ctrl('y'));
    }
    assert_eq!(editor(&a).text(), typed_text);
    // A structured edit is one step.
    for _ in 0..5 {
        a.update(ctrl('z'));
    }
    structure_select(&mut a, "criterion goals");
    let e = a.update(key('a'));
    validate_now(&mut a, &e);
    assert!(editor(&a).text().contains("new-criterion-1"));
    a.update(ctrl('z'));
    assert!(!editor(&a).text().contains("new-criterion-1"));
    assert_eq!(editor(&a).text(), start);
    a.update(ctrl('y'));
    assert!(editor(&a).text().contains("new-criterion-1"));
}

/// `a` in the structure panel leaves the selection on the new item and puts the YAML cursor
/// on its first line, so the pane shows it.
#[test]
fn an_added_item_is_selected_and_shown_in_the_yaml() {
    let mut a = editor_app(80, 24, true, None);
    structure_select(&mut a, "criterion reflection-evidence");
    let e = a.update(key('a'));
    validate_now(&mut a, &e);
    let ed = editor(&a);
    let rows = ed.rows();
    assert_eq!(
        rows[ed.structure_selected].label,
        "criterion new-criterion-1"
    );
    let ratatui_textarea::DataCursor(row, _) = ed.area.cursor();
    let text = ed.text();
    let line = text.lines().nth(row).unwrap_or("");
    assert!(
        line.contains("new-criterion-1")
            || text
                .lines()
                .nth(row + 1)
                .unwrap_or("")
                .contains("new-criterion-1"),
        "cursor on {row}: {line}"
    );
    // The pane scrolled there: the cursor's line is within the rows drawn.
    assert!(
        ed.top <= row && row < ed.top + 20,
        "top {} row {row}",
        ed.top
    );
}

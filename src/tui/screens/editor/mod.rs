//! The rubric editor: the YAML in a text area with line numbers and highlighting, problems
//! found as you type (on another thread), a preview as the assessor will see it, structured
//! edits that keep comments, and saving that never overwrites someone else's newer version.
//!
//! `mod.rs` holds the screen, its text and keys; `structure.rs` the structured edits;
//! `draw.rs` the drawing; `highlight.rs` the YAML colours.

mod draw;
mod highlight;
mod structure;

pub use highlight::highlight;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use crate::rubric::edit::{self, Edit, Seg};
use crate::rubric::{self, Problem, Rubric};
use crate::tui::context::Ctx;
use crate::tui::effect::{DbRequest, Effect};
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::message::EditorOpen;
use crate::tui::screens::Outcome;
use crate::tui::widgets::popup::{ConfirmAction, Field, FieldAction, Popup};
use crate::tui::widgets::rubric_pane::sanitize_for_display;

/// Side by side at this width and above; the panel goes below the YAML otherwise.
const SIDE_BY_SIDE: u16 = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Problems,
    Preview,
    Structure,
}

/// A row of the structure panel: a value to edit or an item to add, move, delete or rename.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub depth: usize,
    pub label: String,
    pub value: Option<String>,
    pub path: Vec<Seg>,
    pub kind: RowKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Text,
    Number,
    Criterion,
    Level,
    Feedback,
}

pub struct EditorScreen {
    pub rubric_id: String,
    pub version: i64,
    pub base_hash: String,
    pub file: Option<String>,
    pub area: TextArea<'static>,
    /// The text as last saved (or opened): the buffer differs from it when modified.
    pub saved_text: String,
    pub problems: Vec<Problem>,
    /// The last rubric that parsed without problems (for the preview and structure).
    pub parsed: Option<Rubric>,
    pub generation: u64,
    pub validated: u64,
    pub panel: Panel,
    pub top: usize,
    pub left: usize,
    pub read_only: bool,
    pub others: Vec<String>,
    pub structure_selected: usize,
    /// Texts before each edit (typing grouped by word), newest last; and what was undone.
    undo: Vec<String>,
    redo: Vec<String>,
    /// The last edit was typing: the next keystroke of the same word joins it.
    typing: bool,
}

/// The most undo steps kept.
const UNDO_STEPS: usize = 500;

impl EditorScreen {
    /// The screen, its first effects, and the popups it opens with (the one to read first
    /// last: in front).
    pub fn open(o: EditorOpen) -> (EditorScreen, Vec<Effect>, Vec<Popup>) {
        let mut screen = EditorScreen {
            rubric_id: o.rubric_id.clone(),
            version: o.version,
            base_hash: o.base_hash,
            file: o.file,
            area: TextArea::default(),
            saved_text: o.source.clone(),
            problems: Vec::new(),
            parsed: None,
            generation: 0,
            validated: 0,
            panel: Panel::Problems,
            top: 0,
            left: 0,
            read_only: o.read_only,
            others: o.others.clone(),
            structure_selected: 0,
            undo: Vec::new(),
            redo: Vec::new(),
            typing: false,
        };
        screen.set_text(&o.source);
        let mut popups = Vec::new();
        if let Some((text, when)) = o
            .recovery
            .clone()
            .filter(|(t, _)| *t != o.source && !o.read_only)
        {
            popups.push(Popup::Confirm {
                title: "Unsaved changes found".into(),
                text: format!(
                    "You were editing rubric `{}` on {when} and did not save.",
                    o.rubric_id
                ),
                yes: "restore that text".into(),
                no: "discard it".into(),
                action: ConfirmAction::Recovery(text),
            });
        }
        if !o.others.is_empty() && !o.read_only {
            popups.push(Popup::info(
                "Someone else is editing",
                format!(
                    "{} also has this rubric open. Whoever saves second will be shown the difference instead of overwriting.",
                    o.others.join(", ")
                ),
            ));
        }
        let effects = screen.changed(false);
        (screen, effects, popups)
    }

    pub fn text(&self) -> String {
        let mut t = self.area.lines().join("\n");
        t.push('\n');
        t
    }

    pub fn dirty(&self) -> bool {
        self.text().trim_end() != self.saved_text.trim_end()
    }

    /// Replaces the whole buffer, keeping the cursor on the same line where possible.
    pub fn set_text(&mut self, text: &str) {
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        self.area = TextArea::new(if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        });
        self.area
            .move_cursor(CursorMove::Jump(row as u16, col as u16));
    }

    /// After a change: validate (and keep a recovery copy) off the UI thread.
    fn changed(&mut self, recovery: bool) -> Vec<Effect> {
        self.generation += 1;
        let text = self.text();
        let mut out = vec![Effect::Validate {
            generation: self.generation,
            text: text.clone(),
        }];
        if recovery && !self.read_only {
            out.push(Effect::Db(DbRequest::Recovery {
                rubric_id: self.rubric_id.clone(),
                base_hash: self.base_hash.clone(),
                text: Some(text),
            }));
        }
        out
    }

    /// A validation result arrived.
    pub fn validated(&mut self, generation: u64, problems: Vec<Problem>, parsed: Option<Rubric>) {
        if generation < self.validated {
            return;
        }
        self.validated = generation;
        self.problems = problems;
        if let Some(mut r) = parsed {
            sanitize_for_display(&mut r);
            self.parsed = Some(r);
        }
    }

    pub fn current(&self) -> bool {
        self.validated == self.generation
    }

    pub fn mode(&self) -> Mode {
        if self.panel == Panel::Structure {
            Mode::Structure
        } else {
            Mode::Editor
        }
    }

    pub fn key(&mut self, k: KeyEvent, size: (u16, u16)) -> Outcome {
        if self.panel == Panel::Structure {
            let out = match keymap::action(Mode::Structure, &k) {
                Some(a) => self.structure_action(a),
                None => Outcome::Effects(Vec::new()),
            };
            // The YAML pane follows the cursor (an added item is put under it).
            self.follow(size);
            return out;
        }
        let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
        match keymap::action(Mode::Editor, &k).filter(|_| !ctrl_c) {
            Some(Action::Save) => return self.save(),
            Some(Action::Back) => return self.leave(),
            Some(Action::NextProblem) => self.next_problem(),
            Some(Action::TogglePreview) => {
                self.panel = if self.panel == Panel::Preview {
                    Panel::Problems
                } else {
                    Panel::Preview
                };
            }
            Some(Action::ToggleStructure) => self.panel = Panel::Structure,
            Some(Action::ShowDiff) => {
                return Outcome::Effects(vec![Effect::Db(DbRequest::RubricDiff {
                    rubric_id: self.rubric_id.clone(),
                    from: self.base_hash.clone(),
                    text: Some(self.text()),
                })]);
            }
            Some(Action::ExternalEditor) => {
                if self.read_only {
                    return self.read_only_message();
                }
                return Outcome::Effects(vec![Effect::ExternalEditor { text: self.text() }]);
            }
            Some(Action::Help) => return Outcome::Popup(Popup::Help(Mode::Editor)),
            Some(a @ (Action::Undo | Action::Redo)) if !self.read_only => {
                let effects = self.undo_redo(a == Action::Undo);
                self.follow(size);
                return Outcome::Effects(effects);
            }
            _ => {
                if self.read_only {
                    let moving = matches!(
                        k.code,
                        KeyCode::Up
                            | KeyCode::Down
                            | KeyCode::Left
                            | KeyCode::Right
                            | KeyCode::PageUp
                            | KeyCode::PageDown
                            | KeyCode::Home
                            | KeyCode::End
                    );
                    if moving {
                        self.area.input(k);
                    }
                } else {
                    // Typing is one undo step per word; the text before it is kept first.
                    let before = self.text();
                    if self.area.input(k) {
                        let word_char = matches!(k.code, KeyCode::Char(c) if !c.is_whitespace());
                        self.remember_text(before, word_char);
                        self.follow(size);
                        return Outcome::Effects(self.changed(true));
                    }
                }
            }
        }
        self.follow(size);
        Outcome::Effects(Vec::new())
    }

    fn read_only_message(&self) -> Outcome {
        Outcome::Popup(Popup::info(
            "Read only",
            "Only program leads edit rubrics (`merit user add NAME --role lead`).".into(),
        ))
    }

    fn next_problem(&mut self) {
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        let here = (row + 1, col + 1);
        let next = self
            .problems
            .iter()
            .map(|p| (p.span.line as usize, p.span.col as usize))
            .find(|p| *p > here)
            .or_else(|| {
                self.problems
                    .first()
                    .map(|p| (p.span.line as usize, p.span.col as usize))
            });
        if let Some((l, c)) = next {
            self.area.move_cursor(CursorMove::Jump(
                (l.saturating_sub(1)) as u16,
                (c.saturating_sub(1)) as u16,
            ));
        }
    }

    /// Keeps the cursor inside the visible part of the YAML.
    pub fn follow(&mut self, size: (u16, u16)) {
        let (height, width) = self.text_size(size);
        let ratatui_textarea::DataCursor(row, col) = self.area.cursor();
        if row < self.top {
            self.top = row;
        } else if row >= self.top + height {
            self.top = row + 1 - height;
        }
        if col < self.left {
            self.left = col;
        } else if col >= self.left + width {
            self.left = col + 1 - width;
        }
    }

    /// Rows and columns of text the YAML pane shows at this terminal size.
    fn text_size(&self, size: (u16, u16)) -> (usize, usize) {
        let (w, h) = size;
        let body_h = h.saturating_sub(2); // header and footer
        let (pane_w, pane_h) = if w >= SIDE_BY_SIDE {
            (w * 3 / 5, body_h)
        } else {
            (w, body_h.saturating_sub(self.panel_rows(body_h)))
        };
        let gutter = self.gutter_width() as u16;
        (
            usize::from(pane_h.saturating_sub(2)).max(1),
            usize::from(pane_w.saturating_sub(2 + gutter)).max(1),
        )
    }

    /// Rows of the panel under the YAML (narrow terminals): a third of the body, but the
    /// problems list only as tall as it is (3 rows when there are none), so the YAML gets the
    /// rest.
    pub(super) fn panel_rows(&self, body_h: u16) -> u16 {
        let third = body_h / 3;
        if self.panel != Panel::Problems {
            return third;
        }
        let lines: usize = self
            .problems
            .iter()
            .map(|p| 1 + usize::from(p.hint.is_some()))
            .sum::<usize>()
            .max(1);
        (u16::try_from(lines).unwrap_or(u16::MAX).saturating_add(2))
            .clamp(3.min(third), third.max(3))
    }

    fn gutter_width(&self) -> usize {
        self.area.lines().len().to_string().len() + 2
    }

    fn save(&mut self) -> Outcome {
        if self.read_only {
            return self.read_only_message();
        }
        // Validate now, on the text as it is: a stale result must not let a broken rubric in.
        let text = self.text();
        if let Err(problems) = rubric::parse(text.as_bytes()) {
            let first = &problems[0];
            self.problems = problems.clone();
            self.validated = self.generation;
            return Outcome::Popup(Popup::error(
                "Not saved",
                format!(
                    "The rubric has {} problem(s); only a valid rubric can be saved.\nFirst: line {}, column {}: {}\nF8 jumps to each problem.",
                    problems.len(),
                    first.span.line,
                    first.span.col,
                    first.message
                ),
            ));
        }
        // A short note of what changed, kept with the version and shown by the history.
        Outcome::Popup(Popup::Field(Box::new(Field::new(
            "What changed? A short note for the history (Enter saves, Esc keeps editing)".into(),
            "",
            FieldAction::SaveNote,
        ))))
    }

    /// The note was given: save.
    pub fn save_with_note(&mut self, note: String) -> Outcome {
        Outcome::Effects(vec![Effect::Db(DbRequest::SaveRubric {
            rubric_id: self.rubric_id.clone(),
            text: self.text(),
            base_hash: self.base_hash.clone(),
            note,
        })])
    }

    fn leave(&mut self) -> Outcome {
        if self.dirty() && !self.read_only {
            return Outcome::Popup(Popup::Confirm {
                title: "Leave without saving?".into(),
                text: "Your changes are not saved (Ctrl-S saves them).".into(),
                yes: "leave and discard them".into(),
                no: "keep editing".into(),
                action: ConfirmAction::LeaveEditor,
            });
        }
        Outcome::Close(self.end(!self.read_only))
    }

    /// Effects for leaving: stop counting as an editor, drop the recovery copy.
    pub fn end(&self, discard: bool) -> Vec<Effect> {
        vec![Effect::Db(DbRequest::EndEdit {
            rubric_id: self.rubric_id.clone(),
            discard_recovery: discard,
        })]
    }

    /// After a successful save of `hash` as `version`.
    pub fn saved(&mut self, hash: String, version: i64, text: &str) {
        self.base_hash = hash;
        self.version = version;
        self.saved_text = text.to_string();
    }

    /// Replaces the text (recovery, $EDITOR, a structured edit) and validates it.
    pub fn replace(&mut self, text: &str) -> Vec<Effect> {
        self.remember(false);
        self.set_text(text);
        self.changed_whole()
    }

    /// After a whole-text change (one action, not typing): check it at once so that the
    /// structure panel follows it (a rubric parses in well under a millisecond).
    fn changed_whole(&mut self) -> Vec<Effect> {
        let effects = self.changed(true);
        match rubric::parse(self.text().as_bytes()) {
            Ok(r) => self.validated(self.generation, Vec::new(), Some(r)),
            Err(p) => self.validated(self.generation, p, None),
        }
        effects
    }

    /// Keeps the text as it is now as an undo step (typing joins the step it is part of).
    fn remember(&mut self, typing: bool) {
        let now = self.text();
        self.remember_text(now, typing);
    }

    /// Keeps `before` (the text before an edit) as an undo step.
    fn remember_text(&mut self, before: String, typing: bool) {
        if typing && self.typing {
            return;
        }
        self.undo.push(before);
        if self.undo.len() > UNDO_STEPS {
            self.undo.remove(0);
        }
        self.redo.clear();
        self.typing = typing;
    }

    /// Ctrl-Z (`back`) or Ctrl-Y: the text before the last edit, or after the last undo.
    fn undo_redo(&mut self, back: bool) -> Vec<Effect> {
        let current = self.text();
        let (from, to) = if back {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        let Some(text) = from.pop() else {
            return Vec::new();
        };
        to.push(current);
        self.typing = false;
        self.set_text(&text);
        self.changed_whole()
    }

    // ---- structured edits ----

    pub fn delete(&mut self, path: Vec<Seg>) -> Vec<Effect> {
        match edit::apply(&self.text(), &Edit::Remove { path }) {
            Ok(t) => self.replace(&t),
            Err(_) => Vec::new(),
        }
    }

    // ---- drawing ----

    /// The editor takes every key through [`EditorScreen::key`]; no action reaches it.
    pub fn action(&mut self, _action: Action, _ctx: &Ctx) -> Outcome {
        Outcome::Effects(Vec::new())
    }
}

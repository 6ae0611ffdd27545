//! The rubric editor: the YAML in a text area with line numbers and highlighting, problems
//! found as you type (on another thread), a preview as the assessor will see it, structured
//! edits that keep comments, and saving that never overwrites someone else's newer version.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui_textarea::{CursorMove, TextArea};
use unicode_width::UnicodeWidthStr;

use crate::rubric::edit::{self, Edit, Scalar, Seg, key};
use crate::rubric::{self, Choices, Problem, Rubric};
use crate::sanitize;
use crate::tui::context::Ctx;
use crate::tui::effect::{DbRequest, Effect};
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::message::EditorOpen;
use crate::tui::screens::Outcome;
use crate::tui::theme::{CodeClass, Theme};
use crate::tui::widgets::popup::{ConfirmAction, Field, FieldAction, Popup};
use crate::tui::widgets::rubric_pane::{self, RubricView, sanitize_for_display};
use crate::tui::widgets::{fit, fit_line};

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
}

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
                    "You were editing rubric `{}` on {when} and did not save.\ny restores that text; n discards it.",
                    o.rubric_id
                ),
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
            return match keymap::action(Mode::Structure, &k) {
                Some(a) => self.structure_action(a),
                None => Outcome::Effects(Vec::new()),
            };
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
                } else if self.area.input(k) {
                    self.follow(size);
                    return Outcome::Effects(self.changed(true));
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
            (w, body_h.saturating_sub(body_h / 3))
        };
        let gutter = self.gutter_width() as u16;
        (
            usize::from(pane_h.saturating_sub(2)).max(1),
            usize::from(pane_w.saturating_sub(2 + gutter)).max(1),
        )
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
        Outcome::Effects(vec![Effect::Db(DbRequest::SaveRubric {
            rubric_id: self.rubric_id.clone(),
            text,
            base_hash: self.base_hash.clone(),
        })])
    }

    fn leave(&mut self) -> Outcome {
        if self.dirty() && !self.read_only {
            return Outcome::Popup(Popup::Confirm {
                title: "Leave without saving?".into(),
                text: "Your changes are not saved.\ny leaves and discards them; n keeps editing (Ctrl-S saves).".into(),
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
        self.set_text(text);
        let effects = self.changed(true);
        // A whole-text change is one action, not typing: check it at once so that the
        // structure panel follows it (a rubric parses in well under a millisecond).
        match rubric::parse(self.text().as_bytes()) {
            Ok(r) => self.validated(self.generation, Vec::new(), Some(r)),
            Err(p) => self.validated(self.generation, p, None),
        }
        effects
    }

    // ---- structured edits ----

    pub fn rows(&self) -> Vec<Row> {
        let Some(r) = &self.parsed else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        let value = |depth: usize, label: &str, v: String, path: Vec<Seg>, kind: RowKind| Row {
            depth,
            label: label.to_string(),
            value: Some(v),
            path,
            kind,
        };
        rows.push(value(
            0,
            "pass mark (min_total)",
            rubric::fmt_num(r.pass.min_total.value),
            vec![key("pass"), key("min_total")],
            RowKind::Number,
        ));
        let a = &r.achievement;
        rows.push(value(
            0,
            "badge name",
            a.name.value.clone(),
            vec![key("achievement"), key("name")],
            RowKind::Text,
        ));
        rows.push(value(
            0,
            "badge description",
            a.description.value.clone(),
            vec![key("achievement"), key("description")],
            RowKind::Text,
        ));
        for (i, al) in a.alignments.iter().enumerate() {
            let p = |k: &str| vec![key("achievement"), key("alignments"), Seg::Index(i), key(k)];
            rows.push(value(
                0,
                &format!("alignment {}: name", i + 1),
                al.name.value.clone(),
                p("name"),
                RowKind::Text,
            ));
            rows.push(value(
                1,
                "url",
                al.url.value.clone(),
                p("url"),
                RowKind::Text,
            ));
            rows.push(value(
                1,
                "framework",
                al.framework
                    .as_ref()
                    .map_or(String::new(), |f| f.value.clone()),
                p("framework"),
                RowKind::Text,
            ));
            rows.push(value(
                1,
                "code",
                al.code.as_ref().map_or(String::new(), |f| f.value.clone()),
                p("code"),
                RowKind::Text,
            ));
        }
        for (i, c) in r.criteria.iter().enumerate() {
            let cp = |k: &str| vec![key("criteria"), Seg::Index(i), key(k)];
            rows.push(Row {
                depth: 0,
                label: format!("criterion {}", c.id.value),
                value: None,
                path: vec![key("criteria"), Seg::Index(i)],
                kind: RowKind::Criterion,
            });
            rows.push(value(
                1,
                "title",
                c.title.value.clone(),
                cp("title"),
                RowKind::Text,
            ));
            rows.push(value(
                1,
                "description",
                c.description.value.clone(),
                cp("description"),
                RowKind::Text,
            ));
            rows.push(value(
                1,
                "weight",
                rubric::fmt_num(c.weight.value),
                cp("weight"),
                RowKind::Number,
            ));
            rows.push(value(
                1,
                "required level",
                c.required
                    .as_ref()
                    .map_or(String::new(), |q| q.value.clone()),
                cp("required"),
                RowKind::Text,
            ));
            for (j, l) in c.levels.iter().enumerate() {
                let lp = |k: &str| {
                    vec![
                        key("criteria"),
                        Seg::Index(i),
                        key("levels"),
                        Seg::Index(j),
                        key(k),
                    ]
                };
                rows.push(Row {
                    depth: 1,
                    label: format!("level {}", l.id.value),
                    value: None,
                    path: vec![key("criteria"), Seg::Index(i), key("levels"), Seg::Index(j)],
                    kind: RowKind::Level,
                });
                rows.push(value(
                    2,
                    "label",
                    l.label.value.clone(),
                    lp("label"),
                    RowKind::Text,
                ));
                rows.push(value(
                    2,
                    "points",
                    rubric::fmt_num(l.points.value),
                    lp("points"),
                    RowKind::Number,
                ));
                rows.push(value(
                    2,
                    "descriptor",
                    l.descriptor.value.clone(),
                    lp("descriptor"),
                    RowKind::Text,
                ));
            }
            for (j, fb) in c.feedback.iter().enumerate() {
                rows.push(Row {
                    depth: 1,
                    label: format!("feedback {}", j + 1),
                    value: Some(fb.value.clone()),
                    path: vec![
                        key("criteria"),
                        Seg::Index(i),
                        key("feedback"),
                        Seg::Index(j),
                    ],
                    kind: RowKind::Feedback,
                });
            }
        }
        rows
    }

    fn structure_action(&mut self, action: Action) -> Outcome {
        let rows = self.rows();
        if rows.is_empty() {
            if action == Action::Back {
                self.panel = Panel::Problems;
                return Outcome::Effects(Vec::new());
            }
            return Outcome::Popup(Popup::info(
                "Fix the problems first",
                "Structured edits work on a valid rubric. Esc goes back to the YAML.".into(),
            ));
        }
        let sel = self.structure_selected.min(rows.len() - 1);
        let row = rows[sel].clone();
        let apply = |s: &mut Self, e: Edit| -> Outcome {
            match edit::apply(&s.text(), &e) {
                Ok(t) => Outcome::Effects(s.replace(&t)),
                Err(m) => Outcome::Popup(Popup::error("Cannot make that change", m)),
            }
        };
        let navigation = matches!(
            action,
            Action::Up | Action::Down | Action::Top | Action::Bottom | Action::Back
        );
        if self.read_only && !navigation {
            return self.read_only_message();
        }
        match action {
            Action::Down => self.structure_selected = (sel + 1).min(rows.len() - 1),
            Action::Up => self.structure_selected = sel.saturating_sub(1),
            Action::Top => self.structure_selected = 0,
            Action::Bottom => self.structure_selected = rows.len() - 1,
            Action::Back => self.panel = Panel::Problems,
            Action::Edit => {
                let Some(v) = &row.value else {
                    return self.rename(&row);
                };
                let action = FieldAction::Set {
                    path: row.path.clone(),
                    number: row.kind == RowKind::Number,
                };
                return Outcome::Popup(Popup::Field(Box::new(Field::new(
                    row.label.clone(),
                    v,
                    action,
                ))));
            }
            Action::Rename if matches!(row.kind, RowKind::Criterion | RowKind::Level) => {
                return self.rename(&row);
            }
            Action::Add => {
                let (list, index, item) = match row.kind {
                    RowKind::Criterion => {
                        let i = index_of(&row.path);
                        let id = self.fresh_id("new-criterion");
                        (
                            vec![key("criteria")],
                            i + 1,
                            edit::criterion_template(&id, "New criterion"),
                        )
                    }
                    RowKind::Level => {
                        let (ci, li) = (index_at(&row.path, 1), index_of(&row.path));
                        let pts = self
                            .parsed
                            .as_ref()
                            .and_then(|r| r.criteria.get(ci))
                            .and_then(|c| c.levels.get(li))
                            .map_or(0.0, |l| l.points.value)
                            + 1.0;
                        let id = self.fresh_id("new-level");
                        (
                            row.path[..row.path.len() - 1].to_vec(),
                            li + 1,
                            edit::level_template(&id, "New level", pts),
                        )
                    }
                    RowKind::Feedback => {
                        let i = index_of(&row.path);
                        (
                            row.path[..row.path.len() - 1].to_vec(),
                            i + 1,
                            "A new comment for learners.\n".to_string(),
                        )
                    }
                    _ => {
                        return Outcome::Popup(Popup::info(
                            "Add",
                            "Select a criterion, a level or a feedback comment to add one after it.".into(),
                        ));
                    }
                };
                let label = match row.kind {
                    RowKind::Criterion | RowKind::Level => item
                        .lines()
                        .next()
                        .and_then(|l| l.strip_prefix("id: "))
                        .map(|id| {
                            format!(
                                "{} {id}",
                                if row.kind == RowKind::Criterion {
                                    "criterion"
                                } else {
                                    "level"
                                }
                            )
                        }),
                    _ => None,
                };
                let out = apply(self, Edit::Insert { list, index, item });
                // Select what was added.
                if let Some(pos) = label.and_then(|l| self.rows().iter().position(|r| r.label == l))
                {
                    self.structure_selected = pos;
                }
                return out;
            }
            Action::Delete
                if matches!(
                    row.kind,
                    RowKind::Criterion | RowKind::Level | RowKind::Feedback
                ) =>
            {
                return Outcome::Popup(Popup::Confirm {
                    title: "Delete?".into(),
                    text: format!("Delete {}? (Ctrl-Z in the YAML undoes it)", row.label),
                    action: ConfirmAction::Delete(row.path.clone()),
                });
            }
            Action::MoveUp | Action::MoveDown
                if matches!(
                    row.kind,
                    RowKind::Criterion | RowKind::Level | RowKind::Feedback
                ) =>
            {
                let out = apply(
                    self,
                    Edit::Move {
                        path: row.path.clone(),
                        up: action == Action::MoveUp,
                    },
                );
                // Follow the moved item.
                if let Some(pos) = self
                    .rows()
                    .iter()
                    .position(|r| r.label == row.label && r.kind == row.kind)
                {
                    self.structure_selected = pos;
                }
                return out;
            }
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    fn rename(&self, row: &Row) -> Outcome {
        let current = row
            .label
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string();
        Outcome::Popup(Popup::Field(Box::new(Field::new(
            format!("Rename {}", row.label),
            &current,
            FieldAction::Rename(row.path.clone()),
        ))))
    }

    fn fresh_id(&self, base: &str) -> String {
        let text = self.text();
        (1..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !text.contains(id.as_str()))
            .unwrap_or_else(|| base.to_string())
    }

    /// A field input was entered: apply it as a structured edit.
    pub fn field_entered(&mut self, action: FieldAction, value: String) -> Outcome {
        let text = self.text();
        let result = match action {
            FieldAction::Set { path, number } => {
                let scalar = if number {
                    match value.trim().parse::<f64>() {
                        Ok(n) if n.is_finite() => Scalar::Number(n),
                        _ => {
                            return Outcome::Popup(Popup::error(
                                "Not a number",
                                format!("“{}” is not a number.", sanitize::line(&value)),
                            ));
                        }
                    }
                } else {
                    Scalar::Text(value)
                };
                edit::apply(
                    &text,
                    &Edit::Set {
                        path,
                        value: scalar,
                    },
                )
            }
            FieldAction::Compare(_)
            | FieldAction::Approve(_)
            | FieldAction::Resolve { .. }
            | FieldAction::Revoke { .. } => {
                return Outcome::Effects(Vec::new());
            }
            FieldAction::Rename(path) => {
                let new_id = value.trim().to_string();
                if !rubric::is_slug(&new_id) {
                    return Outcome::Popup(Popup::error(
                        "Not a valid id",
                        "Ids use letters, digits, - and _ only.".into(),
                    ));
                }
                let mut id_path = path.clone();
                id_path.push(key("id"));
                let old = self
                    .rows()
                    .iter()
                    .find(|r| r.path == path)
                    .and_then(|r| r.label.split_whitespace().nth(1).map(str::to_string));
                edit::apply(
                    &text,
                    &Edit::Set {
                        path: id_path,
                        value: Scalar::Text(new_id.clone()),
                    },
                )
                .and_then(|t| {
                    // A renamed level stays the required level where it was one.
                    let is_level = path.iter().any(|s| *s == key("levels"));
                    let criterion = index_at(&path, 1);
                    let required = self
                        .parsed
                        .as_ref()
                        .and_then(|r| r.criteria.get(criterion))
                        .and_then(|c| c.required.as_ref())
                        .map(|q| q.value.clone());
                    if is_level && old.is_some() && required == old {
                        edit::apply(
                            &t,
                            &Edit::Set {
                                path: vec![key("criteria"), Seg::Index(criterion), key("required")],
                                value: Scalar::Text(new_id),
                            },
                        )
                    } else {
                        Ok(t)
                    }
                })
            }
        };
        match result {
            Ok(t) => Outcome::Effects(self.replace(&t)),
            Err(m) => Outcome::Popup(Popup::error("Cannot make that change", m)),
        }
    }

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

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let state = if self.read_only {
            Span::styled(" read only", theme.dim())
        } else if self.dirty() {
            Span::styled(" modified", theme.warn())
        } else {
            Span::styled(" saved", theme.dim())
        };
        let problems = match (self.problems.len(), self.current()) {
            (0, true) => Span::styled(" · valid", theme.good()),
            (0, false) => Span::styled(" · checking…", theme.dim()),
            (n, _) => Span::styled(format!(" · {n} problem(s)"), theme.bad()),
        };
        let others = if self.others.is_empty() {
            Span::raw("")
        } else {
            Span::styled(
                format!(
                    " · also editing: {}",
                    sanitize::line(&self.others.join(", "))
                ),
                theme.warn(),
            )
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" Merit ", theme.selected()),
                Span::styled(
                    format!(" Rubric {} v{}", self.rubric_id, self.version),
                    theme.title(),
                ),
                problems,
                Span::raw(" ·"),
                state,
                others,
            ])),
            head,
        );
        let (yaml, panel) = if body.width >= SIDE_BY_SIDE {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(body);
            (a, b)
        } else {
            let [a, b] = Layout::vertical([Constraint::Fill(2), Constraint::Fill(1)]).areas(body);
            (a, b)
        };
        self.draw_yaml(f, yaml, theme);
        match self.panel {
            Panel::Problems => self.draw_problems(f, panel, theme),
            Panel::Preview => self.draw_preview(f, panel, theme),
            Panel::Structure => self.draw_structure(f, panel, theme),
        }
    }

    fn draw_yaml(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let title = match &self.file {
            Some(p) => format!(
                " {} ",
                fit(
                    &sanitize::line(p),
                    usize::from(area.width.saturating_sub(4))
                )
            ),
            None => " YAML (kept in the workspace) ".to_string(),
        };
        let focus = self.panel != Panel::Structure;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focus {
                theme.focus_border()
            } else {
                theme.border()
            })
            .title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let gutter = self.gutter_width();
        let text_w = usize::from(inner.width).saturating_sub(gutter);
        let ratatui_textarea::DataCursor(crow, ccol) = self.area.cursor();
        let mut marked: BTreeMap<usize, ()> = BTreeMap::new();
        for p in &self.problems {
            marked.insert(p.span.line as usize, ());
        }
        let mut lines = Vec::new();
        for (i, raw) in self
            .area
            .lines()
            .iter()
            .enumerate()
            .skip(self.top)
            .take(usize::from(inner.height))
        {
            let n = i + 1;
            let mark = if marked.contains_key(&n) { "●" } else { " " };
            let mut spans = vec![
                Span::styled(mark, theme.bad()),
                Span::styled(format!("{n:>w$} ", w = gutter - 2), theme.dim()),
            ];
            let shown = sanitize::line(raw);
            let visible: String = skip_cols(&shown, self.left);
            let visible = fit_plain(&visible, text_w);
            if i == crow && focus {
                let col = UnicodeWidthStr::width(
                    sanitize::line(&raw.chars().take(ccol).collect::<String>()).as_str(),
                );
                spans.extend(with_cursor(&visible, col.saturating_sub(self.left), theme));
            } else {
                spans.extend(highlight(&visible, theme));
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_problems(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                format!(
                    " Problems ({}) · F8 next · F5 preview · F6 structure ",
                    self.problems.len()
                ),
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let mut lines = Vec::new();
        if self.problems.is_empty() {
            lines.push(Line::styled(
                if self.current() {
                    "No problems: the rubric can be saved (Ctrl-S)."
                } else {
                    "checking…"
                },
                theme.good(),
            ));
        }
        for p in &self.problems {
            lines.push(Line::from(vec![
                Span::styled(format!("{}:{} ", p.span.line, p.span.col), theme.bad()),
                Span::raw(sanitize::line(&p.message)),
            ]));
            if let Some(h) = &p.hint {
                lines.push(Line::styled(
                    format!("    {}", sanitize::line(h)),
                    theme.dim(),
                ));
            }
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    fn draw_preview(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                " Preview: the assessor's rubric pane · F5 problems ",
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(r) = &self.parsed else {
            f.render_widget(
                Paragraph::new(Line::styled("No valid version yet.", theme.dim())),
                inner,
            );
            return;
        };
        // A worked example: every criterion at its required level (or its lowest).
        let example: Choices = r
            .criteria
            .iter()
            .map(|c| {
                let l = c.required_index().unwrap_or(0);
                (
                    c.id.value.clone(),
                    c.levels[l.min(c.levels.len().saturating_sub(1))]
                        .id
                        .value
                        .clone(),
                )
            })
            .collect();
        let o = rubric::score(r, &example);
        let verdict = match o.decision {
            Some(rubric::Decision::Meets) => "meets",
            _ => "not yet",
        };
        let note = Line::styled(
            fit(
                &format!(
                    "Worked example: every criterion at its required (or lowest) level scores {} of {}; the pass mark is {} → {verdict}.",
                    rubric::fmt_num(o.total),
                    rubric::fmt_num(o.max_total),
                    rubric::fmt_num(o.min_total)
                ),
                usize::from(inner.width) * 2,
            ),
            theme.warn(),
        );
        let [top, rest] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), top);
        let comments = BTreeMap::new();
        rubric_pane::draw(
            f,
            rest,
            &RubricView {
                rubric: r,
                choices: &example,
                comments: &comments,
                overall: "",
                selected: 0,
                focused: false,
            },
            theme,
        );
    }

    fn draw_structure(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focus_border())
            .title(Span::styled(
                " Structure · Enter edit · a add · d delete · K/J move · n rename ",
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let rows = self.rows();
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "Fix the problems first: structured edits need a valid rubric.",
                    theme.dim(),
                )),
                inner,
            );
            return;
        }
        let height = usize::from(inner.height);
        let sel = self.structure_selected.min(rows.len() - 1);
        let top = sel
            .saturating_sub(height.saturating_sub(1) / 2)
            .min(rows.len().saturating_sub(height));
        let width = usize::from(inner.width);
        let lines: Vec<Line<'static>> = rows
            .iter()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(i, r)| {
                let indent = "  ".repeat(r.depth);
                let mut spans = vec![Span::raw(indent)];
                let label_style = match r.kind {
                    RowKind::Criterion | RowKind::Level => theme.title(),
                    _ => theme.dim(),
                };
                spans.push(Span::styled(r.label.clone(), label_style));
                if let Some(v) = &r.value {
                    spans.push(Span::raw(": "));
                    spans.push(Span::raw(v.replace('\n', " ")));
                }
                let line = fit_line(Line::from(spans), width);
                if i == sel {
                    line.patch_style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}

fn index_of(path: &[Seg]) -> usize {
    match path.last() {
        Some(Seg::Index(i)) => *i,
        _ => 0,
    }
}

/// The `n`-th index in a path (0: the first list index).
fn index_at(path: &[Seg], n: usize) -> usize {
    path.iter()
        .filter_map(|s| {
            if let Seg::Index(i) = s {
                Some(*i)
            } else {
                None
            }
        })
        .nth(n.saturating_sub(1))
        .unwrap_or(0)
}

/// Drops the first `cols` columns of a display line.
fn skip_cols(s: &str, cols: usize) -> String {
    let mut w = 0;
    s.chars()
        .skip_while(|c| {
            let skip = w < cols;
            w += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            skip
        })
        .collect()
}

fn fit_plain(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// YAML colouring: keys, list dashes, comments, numbers and quoted text.
pub fn highlight(line: &str, theme: Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    spans.push(Span::raw(indent.to_string()));
    if trimmed.starts_with('#') {
        spans.push(Span::styled(
            trimmed.to_string(),
            theme.code(CodeClass::Comment),
        ));
        return spans;
    }
    let mut rest = trimmed;
    if let Some(r) = rest.strip_prefix("- ") {
        spans.push(Span::styled("- ", theme.marker()));
        rest = r;
    } else if rest == "-" {
        spans.push(Span::styled("-", theme.marker()));
        return spans;
    }
    // `key:` at the start.
    if let Some(colon) = rest.find(':') {
        let k = &rest[..colon];
        if !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            && rest[colon + 1..].chars().next().is_none_or(|c| c == ' ')
        {
            spans.push(Span::styled(k.to_string(), theme.code(CodeClass::Function)));
            spans.push(Span::raw(":"));
            rest = &rest[colon + 1..];
        }
    }
    let (value, comment) = match rest.find(" #") {
        Some(i) if !rest[..i].contains('"') && !rest[..i].contains('\'') => {
            (&rest[..i], Some(&rest[i..]))
        }
        _ => (rest, None),
    };
    let v = value.trim();
    let class = if v.parse::<f64>().is_ok() {
        CodeClass::Number
    } else if v.starts_with('"') || v.starts_with('\'') {
        CodeClass::String
    } else if matches!(v, "|" | ">" | "|-" | ">-") {
        CodeClass::Keyword
    } else {
        CodeClass::Plain
    };
    spans.push(Span::styled(value.to_string(), theme.code(class)));
    if let Some(c) = comment {
        spans.push(Span::styled(c.to_string(), theme.code(CodeClass::Comment)));
    }
    spans
}

/// The line with the cursor shown as a reversed cell at display column `col`.
fn with_cursor(line: &str, col: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut before = String::new();
    let mut at = None;
    let mut after = String::new();
    let mut w = 0;
    for c in line.chars() {
        if w < col {
            before.push(c);
        } else if at.is_none() {
            at = Some(c);
        } else {
            after.push(c);
        }
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    let mut spans = highlight(&before, theme);
    if w < col {
        spans.push(Span::raw(" ".repeat(col - w)));
    }
    spans.push(Span::styled(
        at.map_or(" ".to_string(), String::from),
        theme.selected(),
    ));
    spans.push(Span::styled(after, Style::new()));
    spans
}

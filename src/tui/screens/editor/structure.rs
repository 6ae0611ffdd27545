//! Structured edits: the rows of the structure panel, and what each key does to them.

use crate::rubric;
use crate::rubric::edit::{self, Edit, Scalar, Seg, key};
use crate::sanitize;
use crate::tui::keymap::Action;
use crate::tui::screens::Outcome;
use crate::tui::widgets::popup::{ConfirmAction, Field, FieldAction, Popup};

use super::{EditorScreen, Panel, Row, RowKind};

impl EditorScreen {
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

    pub(super) fn structure_action(&mut self, action: Action) -> Outcome {
        if matches!(action, Action::Undo | Action::Redo) && !self.read_only {
            return Outcome::Effects(self.undo_redo(action == Action::Undo));
        }
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
                let before = self.text();
                let out = apply(self, Edit::Insert { list, index, item });
                // Select what was added, and put the YAML cursor on its first line (the first
                // line that differs), so the pane scrolls to it.
                if let Some(pos) = label.and_then(|l| self.rows().iter().position(|r| r.label == l))
                {
                    self.structure_selected = pos;
                }
                let after = self.text();
                if let Some(line) = after
                    .lines()
                    .zip(before.lines().chain(std::iter::repeat("")))
                    .position(|(a, b)| a != b)
                {
                    self.area
                        .move_cursor(ratatui_textarea::CursorMove::Jump(line as u16, 0));
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
                    yes: "delete".into(),
                    no: "keep".into(),
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
        if action == FieldAction::SaveNote {
            return self.save_with_note(value);
        }
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
            | FieldAction::Revoke { .. }
            | FieldAction::Sample { .. }
            | FieldAction::Reveal { .. }
            | FieldAction::SaveNote => {
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

//! The rubrics: each with its versions, how much work points at each, who changed it and when.
//! Leads open a rubric in the editor; everyone can read it and its history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sanitize;
use crate::store::{RubricOverview, format_time};
use crate::tui::context::Ctx;
use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::screens::Outcome;
use crate::tui::widgets::{fit, fit_line, pad};

#[derive(Debug, Default)]
pub struct RubricsScreen {
    pub rubrics: Vec<RubricOverview>,
    pub selected: usize,
    pub loaded: bool,
}

impl RubricsScreen {
    pub fn open() -> (RubricsScreen, Vec<Effect>) {
        (
            RubricsScreen::default(),
            vec![Effect::Db(DbRequest::RubricOverview)],
        )
    }

    pub fn loaded(&mut self, mut rubrics: Vec<RubricOverview>) {
        for r in &mut rubrics {
            for v in &mut r.versions {
                v.version.title = sanitize::line(&v.version.title);
                v.version.created_by = sanitize::line(&v.version.created_by);
            }
        }
        self.rubrics = rubrics;
        self.selected = self.selected.min(self.rubrics.len().saturating_sub(1));
        self.loaded = true;
    }

    pub fn action(&mut self, action: Action, _ctx: &Ctx) -> Outcome {
        let last = self.rubrics.len().saturating_sub(1);
        let id = self.rubrics.get(self.selected).map(|r| r.id.clone());
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Top | Action::PageUp => self.selected = 0,
            Action::Bottom | Action::PageDown => self.selected = last,
            Action::Back => return Outcome::Close(Vec::new()),
            Action::Open => {
                if let Some(rubric_id) = id {
                    return Outcome::Effects(vec![Effect::Db(DbRequest::OpenRubric { rubric_id })]);
                }
            }
            Action::ShowDiff => {
                if let Some(r) = self.rubrics.get(self.selected) {
                    let n = r.versions.len() as i64;
                    let hint = if n > 1 {
                        format!("{} {n}", n - 1)
                    } else {
                        "1 1".into()
                    };
                    return Outcome::Popup(crate::tui::widgets::popup::Popup::Field(Box::new(
                        crate::tui::widgets::popup::Field::new(
                            format!("Compare two versions of {} (e.g. 1 {n})", r.id),
                            &hint,
                            crate::tui::widgets::popup::FieldAction::Compare(r.id.clone()),
                        ),
                    )));
                }
            }
            Action::History => {
                if let Some(rubric_id) = id {
                    return Outcome::Effects(vec![Effect::Db(DbRequest::RubricHistory {
                        rubric_id,
                    })]);
                }
            }
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let (theme, session) = (ctx.theme, ctx.session);
        let width = usize::from(area.width);
        let role = if session.is_lead {
            "lead: Enter edits"
        } else {
            "read only: leads edit rubrics"
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(" Merit ", theme.selected()),
                Span::styled(" Rubrics", theme.title()),
                Span::raw(format!(" · {} ({role})", sanitize::line(&session.user))),
            ]),
            Line::styled(
                fit(
                    &format!(
                        " {} {} {:>4} {:>5} {:>6} {} {}",
                        pad("rubric", 20),
                        pad("title", title_width(width)),
                        "now",
                        "subm.",
                        "assessed",
                        pad("by", 10),
                        "changed"
                    ),
                    width,
                ),
                theme.title(),
            ),
        ];
        if self.rubrics.is_empty() {
            lines.push(Line::styled(
                if self.loaded {
                    " No rubrics yet. Add one with `merit rubric import FILE`."
                } else {
                    " loading…"
                },
                theme.dim(),
            ));
        }
        for (i, r) in self.rubrics.iter().enumerate() {
            let Some(cur) = r.versions.iter().find(|v| v.version.hash == r.current) else {
                continue;
            };
            let subs: i64 = r.versions.iter().map(|v| v.submissions).sum();
            let scored: i64 = r.versions.iter().map(|v| v.assessments).sum();
            let text = format!(
                "{}{} {} {:>4} {:>5} {:>6} {} {}",
                if i == self.selected { "▶" } else { " " },
                pad(&fit(&r.id, 20), 20),
                pad(
                    &fit(&cur.version.title, title_width(width)),
                    title_width(width)
                ),
                format!("v{}", cur.version.version),
                subs,
                scored,
                pad(&fit(&cur.version.created_by, 10), 10),
                &format_time(cur.version.created_at)[..10]
            );
            let line = fit_line(Line::raw(text), width);
            lines.push(if i == self.selected {
                line.patch_style(theme.title())
            } else {
                line
            });
        }
        if let Some(r) = self.rubrics.get(self.selected) {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!(" Versions of {} (newest first)", r.id),
                theme.title(),
            ));
            for v in r.versions.iter().rev() {
                let current = if v.version.hash == r.current {
                    "  ← current"
                } else {
                    ""
                };
                lines.push(fit_line(
                    Line::from(vec![
                        Span::styled(format!("  v{:<3}", v.version.version), theme.key()),
                        Span::raw(format!(
                            "{}  {}  {:<10} {} submissions · {} assessed",
                            &v.version.hash[..12.min(v.version.hash.len())],
                            &format_time(v.version.created_at)[..16].replace('T', " "),
                            fit(&v.version.created_by, 10),
                            v.submissions,
                            v.assessments
                        )),
                        Span::styled(current, theme.good()),
                    ]),
                    width,
                ));
            }
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

fn title_width(width: usize) -> usize {
    width
        .saturating_sub(1 + 21 + 1 + 5 + 6 + 7 + 11 + 10)
        .clamp(10, 48)
}

/// The two versions named in "A B" (numbers), as hashes of `rubric`.
pub fn pick_versions(rubric: &RubricOverview, text: &str) -> Result<(String, String), String> {
    let nums: Vec<i64> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect();
    let [a, b] = nums[..] else {
        return Err("Give two version numbers, such as 1 3.".into());
    };
    let find = |n: i64| {
        rubric
            .versions
            .iter()
            .find(|v| v.version.version == n)
            .map(|v| v.version.hash.clone())
            .ok_or_else(|| format!("{} has no version {n}.", rubric.id))
    };
    Ok((find(a)?, find(b)?))
}

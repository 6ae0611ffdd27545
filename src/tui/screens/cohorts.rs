//! The cohorts: every cohort with how far its work has come, from submitted to issued.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sanitize;
use crate::store::CohortSummary;
use crate::tui::context::Ctx;
use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::screens::cohort::CohortScreen;
use crate::tui::screens::{Outcome, Screen};
use crate::tui::widgets::{fit, fit_line, pad};
use crate::vocabulary::Status;

#[derive(Debug, Default)]
pub struct CohortsScreen {
    /// Names already sanitized.
    pub cohorts: Vec<CohortSummary>,
    pub selected: usize,
    pub loaded: bool,
}

/// The count columns: heading and value.
type Count = fn(&CohortSummary) -> i64;

/// The count columns, headed by the statuses' own words (the submissions column first).
const COLUMNS: [(&str, Count); 7] = [
    ("submissions", |c| c.submissions),
    (Status::Meets.word(), |c| c.meets),
    (Status::NotYet.word(), |c| c.not_yet),
    (Status::SecondMarking.word(), |c| c.second_marking),
    (Status::Approved.word(), |c| c.approved),
    (Status::Issued.word(), |c| c.issued),
    (Status::Revoked.word(), |c| c.revoked),
];

fn col_width(heading: &str) -> usize {
    heading.len().max(5)
}

impl CohortsScreen {
    pub fn open() -> (CohortsScreen, Vec<Effect>) {
        (
            CohortsScreen::default(),
            vec![Effect::Db(DbRequest::Cohorts)],
        )
    }

    pub fn loaded(&mut self, mut cohorts: Vec<CohortSummary>) {
        for c in &mut cohorts {
            c.id = sanitize::line(&c.id);
            c.name = sanitize::line(&c.name);
            c.rubric_id = sanitize::line(&c.rubric_id);
        }
        self.cohorts = cohorts;
        self.selected = self.selected.min(self.cohorts.len().saturating_sub(1));
        self.loaded = true;
    }

    pub fn current(&self) -> Option<&CohortSummary> {
        self.cohorts.get(self.selected)
    }

    pub fn action(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        let last = self.cohorts.len().saturating_sub(1);
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Top | Action::PageUp => self.selected = 0,
            Action::Bottom | Action::PageDown => self.selected = last,
            Action::Refresh => return Outcome::Effects(vec![Effect::Db(DbRequest::Cohorts)]),
            Action::Back => return Outcome::Close(Vec::new()),
            Action::Open => {
                if let Some(summary) = self.current().cloned() {
                    let (screen, effects) = CohortScreen::open(summary, ctx.session, ctx.now);
                    return Outcome::Push(Screen::Cohort(Box::new(screen)), effects);
                }
            }
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let (theme, session) = (ctx.theme, ctx.session);
        let width = usize::from(area.width);
        let counts_w: usize = COLUMNS.iter().map(|(h, _)| col_width(h) + 1).sum();
        let name_w = width.saturating_sub(2 + counts_w).clamp(8, 40);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(" Merit ", theme.selected()),
                Span::styled(" Cohorts", theme.title()),
                Span::raw(format!(" · {}", sanitize::line(&session.user))),
            ]),
            Line::styled(
                " From submitted to issued; Enter opens a cohort to approve its work.",
                theme.dim(),
            ),
        ];
        let mut header = format!(" {}", pad("cohort", name_w));
        for (h, _) in COLUMNS {
            header.push_str(&format!(" {h:>w$}", w = col_width(h)));
        }
        lines.push(Line::styled(fit(&header, width), theme.title()));
        if self.cohorts.is_empty() {
            lines.push(Line::styled(
                if self.loaded {
                    " No cohorts yet. Import work with `merit import --cohort ID --rubric ID SOURCE`."
                } else {
                    " loading…"
                },
                theme.dim(),
            ));
        }
        for (i, c) in self.cohorts.iter().enumerate() {
            let selected = i == self.selected;
            let mut counts = String::new();
            for (h, value) in COLUMNS {
                counts.push_str(&format!(" {:>w$}", value(c), w = col_width(h)));
            }
            let line = Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, theme.key()),
                Span::styled(
                    pad(&fit(&c.id, name_w), name_w),
                    if selected {
                        theme.selected()
                    } else {
                        theme.title()
                    },
                ),
                Span::raw(counts),
            ]);
            lines.push(fit_line(line, width));
            lines.push(Line::styled(
                fit(
                    &format!(
                        "  {} · rubric {} · {} learners{}",
                        c.name,
                        c.rubric_id,
                        c.learners,
                        if c.blind {
                            " · blind (assessors see candidate numbers)"
                        } else {
                            ""
                        }
                    ),
                    width,
                ),
                theme.dim(),
            ));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

//! The cohorts: every cohort with how far its work has come, from submitted to issued; and
//! below them each pathway (leads and issuers): who waits for a program credential, who holds
//! one, whose is flagged, and `A` to approve them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::credential::program_approval::ProgramPlan;
use crate::credential::proof::Suite;
use crate::sanitize;
use crate::store::CohortSummary;
use crate::store::pathways::PathwaySummary;
use crate::tui::context::Ctx;
use crate::tui::effect::ApprovalPlan;
use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::screens::cohort::CohortScreen;
use crate::tui::screens::{Outcome, Screen};
use crate::tui::widgets::popup::{Approval, ConfirmAction, Popup};
use crate::tui::widgets::{fit, fit_line, pad};
use crate::vocabulary::Status;

#[derive(Debug, Default)]
pub struct CohortsScreen {
    /// Names already sanitized.
    pub cohorts: Vec<CohortSummary>,
    /// Below the cohorts; names already sanitized.
    pub pathways: Vec<PathwaySummary>,
    /// A cohort (`< cohorts.len()`) or a pathway after them.
    pub selected: usize,
    pub loaded: bool,
}

/// The preview of a pathway approval: sign (after the passphrase), or nothing to sign.
pub fn pathway_preview(plan: ProgramPlan, text: String) -> Popup {
    let text = sanitize::lines(&text).join("\n");
    if plan.to_issue.is_empty() {
        return Popup::info(
            "Preview: nothing to sign",
            format!("{text}\n\nNobody waits for a program credential of this pathway."),
        );
    }
    Popup::Confirm {
        title: format!("Preview: approve {}", sanitize::line(&plan.pathway)),
        text: format!(
            "{text}\n\nEach batch is stored in one transaction; cancelling (x) or a crash leaves \
             nothing half-issued, and approving again continues."
        ),
        yes: "enter the issuer's passphrase and sign".into(),
        no: "back".into(),
        action: ConfirmAction::Approve(Box::new(Approval {
            plan: ApprovalPlan::Pathway(Box::new(plan)),
            suite: Suite::Rdfc,
        })),
    }
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
            vec![
                Effect::Db(DbRequest::Cohorts),
                Effect::Db(DbRequest::Pathways),
            ],
        )
    }

    pub fn pathways_loaded(&mut self, mut pathways: Vec<PathwaySummary>) {
        for p in &mut pathways {
            p.id = sanitize::line(&p.id);
            p.title = sanitize::line(&p.title);
        }
        self.pathways = pathways;
        self.clamp();
    }

    fn clamp(&mut self) {
        self.selected = self
            .selected
            .min((self.cohorts.len() + self.pathways.len()).saturating_sub(1));
    }

    /// The pathway under the cursor, when it is on one.
    pub fn current_pathway(&self) -> Option<&PathwaySummary> {
        self.selected
            .checked_sub(self.cohorts.len())
            .and_then(|i| self.pathways.get(i))
    }

    pub fn loaded(&mut self, mut cohorts: Vec<CohortSummary>) {
        for c in &mut cohorts {
            c.id = sanitize::line(&c.id);
            c.name = sanitize::line(&c.name);
            c.rubric_id = sanitize::line(&c.rubric_id);
        }
        self.cohorts = cohorts;
        self.clamp();
        self.loaded = true;
    }

    pub fn current(&self) -> Option<&CohortSummary> {
        self.cohorts.get(self.selected)
    }

    pub fn action(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        let last = (self.cohorts.len() + self.pathways.len()).saturating_sub(1);
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Top | Action::PageUp => self.selected = 0,
            Action::Bottom | Action::PageDown => self.selected = last,
            Action::Refresh => {
                return Outcome::Effects(vec![
                    Effect::Db(DbRequest::Cohorts),
                    Effect::Db(DbRequest::Pathways),
                ]);
            }
            Action::Approve => {
                return match self.current_pathway() {
                    Some(p) => Outcome::Effects(vec![Effect::Db(DbRequest::PathwayPlan {
                        pathway: p.id.clone(),
                        suite: Suite::Rdfc,
                    })]),
                    None => Outcome::Popup(Popup::info(
                        "Approve",
                        "On a cohort, Enter opens it: select its work there and press A. On a \
                         pathway, A approves its program credentials."
                            .into(),
                    )),
                };
            }
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
        // The line the cursor is on, kept in sight below the three heading lines.
        let mut cursor_line = 3 + 2 * self.selected.min(self.cohorts.len());
        if !self.pathways.is_empty() {
            lines.push(Line::raw(""));
            let mut header = format!(" {}", pad("pathway", name_w));
            for h in PATHWAY_COLUMNS {
                header.push_str(&format!(" {h:>w$}", w = col_width(h)));
            }
            lines.push(Line::styled(fit(&header, width), theme.title()));
            for p in &self.pathways {
                let selected = self.current_pathway().is_some_and(|c| c.id == p.id);
                if selected {
                    cursor_line = lines.len();
                }
                let mut counts = String::new();
                for (h, v) in PATHWAY_COLUMNS
                    .iter()
                    .zip([p.waiting, p.issued, p.flagged, p.one_away])
                {
                    counts.push_str(&format!(" {v:>w$}", w = col_width(h)));
                }
                lines.push(fit_line(
                    Line::from(vec![
                        Span::styled(if selected { "▶" } else { " " }, theme.key()),
                        Span::styled(
                            pad(&fit(&p.id, name_w), name_w),
                            if selected {
                                theme.selected()
                            } else {
                                theme.title()
                            },
                        ),
                        Span::raw(counts),
                    ]),
                    width,
                ));
                let what = if p.flagged > 0 {
                    format!(
                        "  {} · version {} · {} flagged: a component was revoked or expired; \
                         `merit pathway status` names them",
                        p.title, p.version, p.flagged
                    )
                } else if p.waiting > 0 {
                    format!(
                        "  {} · version {} · A approves the {} waiting",
                        p.title, p.version, p.waiting
                    )
                } else {
                    format!(
                        "  {} · version {} · nobody waits for a program credential",
                        p.title, p.version
                    )
                };
                lines.push(Line::styled(fit(&what, width), theme.dim()));
            }
        }
        let height = usize::from(area.height);
        let skip = (cursor_line + 2).saturating_sub(height);
        if skip > 0 {
            let head: Vec<Line<'_>> = lines.drain(..3).collect();
            lines.drain(..skip.min(lines.len()));
            lines.splice(0..0, head);
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

/// The pathway columns: who waits for a program credential, who holds one, whose rests on a
/// lapsed component, who is one badge away.
const PATHWAY_COLUMNS: [&str; 4] = ["waiting", "issued", "flagged", "one away"];

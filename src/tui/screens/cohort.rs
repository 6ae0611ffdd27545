//! One cohort, a row per submission: decision, assessors, total and the flags that need a
//! second look. The issuer selects work (`Space`, `a` for everything meeting the rubric),
//! reads the preview and approves.

use std::collections::BTreeSet;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::credential::approval::Plan;
use crate::credential::proof::Suite;
use crate::rubric::fmt_num;
use crate::sanitize;
use crate::store::{CohortRow, CohortSummary};
use crate::tui::context::{Ctx, Session};
use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::screens::Outcome;
use crate::tui::widgets::line_input::{InputEvent, LineInput};
use crate::tui::widgets::popup::{Approval, ConfirmAction, Field, FieldAction, Popup};
use crate::tui::widgets::{fit, fit_line, pad};
use crate::vocabulary::Status;

#[derive(Debug)]
pub struct CohortScreen {
    pub cohort: CohortSummary,
    /// Every submission of the cohort (text already sanitized).
    pub rows: Vec<CohortRow>,
    /// Indexes into `rows` that pass the filter.
    pub visible: Vec<usize>,
    /// Selected submissions (kept when the filter hides them).
    pub selection: BTreeSet<i64>,
    /// Position in `visible`.
    pub cursor: usize,
    pub filter: LineInput,
    pub filtering: bool,
    pub suite: Suite,
    /// The issuer's DID, or why there is none.
    pub issuer: Option<Result<String, String>>,
    pub loaded: bool,
    pub error: Option<String>,
}

impl CohortScreen {
    pub fn open(cohort: CohortSummary, session: &Session, now: i64) -> (CohortScreen, Vec<Effect>) {
        let screen = CohortScreen {
            cohort,
            rows: Vec::new(),
            visible: Vec::new(),
            selection: BTreeSet::new(),
            cursor: 0,
            filter: LineInput::new(100),
            filtering: false,
            suite: Suite::Rdfc,
            issuer: None,
            loaded: false,
            error: None,
        };
        let effects = screen.reload(session, now);
        (screen, effects)
    }

    pub fn reload(&self, session: &Session, now: i64) -> Vec<Effect> {
        vec![Effect::Db(DbRequest::CohortRows {
            cohort_id: self.cohort.id.clone(),
            claim_idle_secs: session.claim_idle_secs,
            now,
        })]
    }

    pub fn loaded(&mut self, rows: Result<Vec<CohortRow>, String>, issuer: Result<String, String>) {
        self.loaded = true;
        self.issuer = Some(issuer);
        match rows {
            Ok(mut rows) => {
                for r in &mut rows {
                    r.learner_name = sanitize::line(&r.learner_name);
                    r.learner_key = sanitize::line(&r.learner_key);
                    r.assessors = sanitize::line(&r.assessors);
                }
                let keep = self.current().map(|r| r.submission_id);
                // Other selected work stays selected even when it can no longer be approved
                // as chosen: the preview says why it is left out.
                // Issued work needs nothing more: it leaves the selection.
                let ids: BTreeSet<i64> = rows
                    .iter()
                    .filter(|r| r.credential_id.is_none())
                    .map(|r| r.submission_id)
                    .collect();
                self.selection.retain(|id| ids.contains(id));
                self.rows = rows;
                self.error = None;
                self.refilter(keep);
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn current(&self) -> Option<&CohortRow> {
        self.visible
            .get(self.cursor)
            .and_then(|&i| self.rows.get(i))
    }

    fn refilter(&mut self, keep: Option<i64>) {
        // The queue's filter language: `status:`, `assessor:`, `cohort:` tokens and text.
        let f = crate::store::QueueFilter::parse(&self.filter.text());
        let needle = f.text.to_lowercase();
        let cohort_ok = f.cohort.as_ref().is_none_or(|c| *c == self.cohort.id)
            && f.rubric
                .as_ref()
                .is_none_or(|r| *r == self.cohort.rubric_id);
        self.visible = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                cohort_ok
                    && (needle.is_empty() || haystack(r).contains(&needle))
                    && f.status.is_none_or(|s| decision(r) == s.word())
                    && f.assessor
                        .as_ref()
                        .is_none_or(|a| r.assessors.split(", ").any(|x| x.eq_ignore_ascii_case(a)))
            })
            .map(|(i, _)| i)
            .collect();
        self.cursor = keep
            .and_then(|id| {
                self.visible
                    .iter()
                    .position(|&i| self.rows[i].submission_id == id)
            })
            .unwrap_or(0)
            .min(self.visible.len().saturating_sub(1));
    }

    /// The rows a selection covers, in cohort order.
    pub fn selected_rows(&self) -> impl Iterator<Item = &CohortRow> {
        self.rows
            .iter()
            .filter(|r| self.selection.contains(&r.submission_id))
    }

    pub fn action(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        let (session, now) = (ctx.session, ctx.now);
        let page = usize::from(ctx.size.1.saturating_sub(8)).max(1);
        let last = self.visible.len().saturating_sub(1);
        match action {
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::PageDown => self.cursor = (self.cursor + page.max(1)).min(last),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(page.max(1)),
            Action::Top => self.cursor = 0,
            Action::Bottom => self.cursor = last,
            Action::Toggle => {
                if let Some(id) = self.current().map(|r| r.submission_id) {
                    if !self.selection.remove(&id) {
                        self.selection.insert(id);
                    }
                    self.cursor = (self.cursor + 1).min(last);
                }
            }
            Action::SelectMeeting => {
                let meeting: Vec<i64> = self
                    .visible
                    .iter()
                    .map(|&i| &self.rows[i])
                    .filter(|r| r.can_issue().is_ok())
                    .map(|r| r.submission_id)
                    .collect();
                self.selection.extend(meeting);
            }
            Action::ClearSelection => self.selection.clear(),
            Action::Filter => self.filtering = true,
            Action::SwitchSuite => {
                self.suite = match self.suite {
                    Suite::Rdfc => Suite::Jcs,
                    Suite::Jcs => Suite::Rdfc,
                }
            }
            Action::Refresh => return Outcome::Effects(self.reload(session, now)),
            Action::Approve => return Outcome::Popup(self.preview(session)),
            Action::SecondMarking => return Outcome::Popup(self.second_marking(session)),
            Action::SampleSecondMarking => {
                return Outcome::Popup(if session.is_lead {
                    Popup::Field(Box::new(Field::new(
                        format!("Sample {} for second marking", self.cohort.id),
                        "per-assessor 10% min 2 borderline 1 not-yet",
                        FieldAction::Sample {
                            cohort: self.cohort.id.clone(),
                        },
                    )))
                } else {
                    only_leads(session)
                });
            }
            Action::Revoke => return Outcome::Popup(self.revoke(session)),
            Action::OpenLearner => {
                return Outcome::Effects(
                    self.current()
                        .map(|r| {
                            Effect::Db(DbRequest::LearnerView(
                                crate::store::learner::LearnerRef::Submission(r.submission_id),
                            ))
                        })
                        .into_iter()
                        .collect(),
                );
            }
            Action::ViewAssessments => {
                return match self.current() {
                    Some(r) if !r.assessors.is_empty() && r.status != "new" => {
                        Outcome::Effects(vec![Effect::Db(DbRequest::Assessments {
                            submission_id: r.submission_id,
                            learner: r.learner_name.clone(),
                        })])
                    }
                    _ => Outcome::Popup(Popup::info(
                        "No assessment yet",
                        "This submission has no submitted assessment to show.".into(),
                    )),
                };
            }
            Action::Decide(decision) => return Outcome::Popup(self.decide(session, decision)),
            Action::Back => return Outcome::Close(Vec::new()),
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    /// Asks before sending the submission under the cursor to second marking.
    pub fn second_marking(&self, session: &Session) -> Popup {
        if !session.is_lead {
            return only_leads(session);
        }
        let Some(r) = self.current() else {
            return Popup::info(
                "Nothing here",
                "The cohort has no submission to send.".into(),
            );
        };
        if r.credential_id.is_some() || !matches!(r.status.as_str(), "scored" | "not_yet") {
            return Popup::info(
                "Cannot be second-marked",
                format!(
                    "{} (attempt {}) is {}. Only assessed work (meets or not yet) without a credential goes to second marking.",
                    r.learner_name,
                    r.attempt,
                    decision(r)
                ),
            );
        }
        Popup::Confirm {
            title: "Second marking".into(),
            text: format!(
                "Send {} (attempt {}) to second marking?\n\nAnother assessor scores it without seeing {}'s assessment. If the two decisions differ, a lead decides. It is not signed meanwhile.",
                r.learner_name,
                r.attempt,
                if r.assessors.is_empty() {
                    "the first"
                } else {
                    &r.assessors
                }
            ),
            yes: "send it".into(),
            no: "back".into(),
            action: ConfirmAction::SecondMarking(r.submission_id),
        }
    }

    /// Asks an issuer why the credential under the cursor is revoked.
    pub fn revoke(&self, session: &Session) -> Popup {
        if !session.is_issuer {
            return missing_role(session, "Only issuers revoke", "an issuer", "issuer");
        }
        let Some(r) = self.current() else {
            return Popup::info("Nothing here", "The cohort has no submission.".into());
        };
        let Some(id) = r.credential_id.clone().filter(|_| !r.revoked) else {
            return Popup::info(
                "Nothing to revoke",
                if r.revoked {
                    "This credential is revoked already.".into()
                } else {
                    "This submission has no credential.".into()
                },
            );
        };
        Popup::Field(Box::new(crate::tui::widgets::popup::Field::new(
            format!(
                "Revoke {}'s credential: why? (kept in the audit log)",
                r.learner_name
            ),
            "",
            FieldAction::Revoke { credential_id: id },
        )))
    }

    /// Asks a lead why they decide a disagreement this way.
    pub fn decide(&self, session: &Session, decision: crate::rubric::Decision) -> Popup {
        if !session.is_lead {
            return only_leads(session);
        }
        let Some(r) = self
            .current()
            .filter(|r| r.status == "second_marking" && r.flags.assessors_disagree)
        else {
            return Popup::info(
                "Nothing to decide",
                "M and N decide a second marking whose assessors disagree (flag `disagree`); this submission has no such disagreement.".into(),
            );
        };
        Popup::Field(Box::new(crate::tui::widgets::popup::Field::new(
            format!(
                "Why {} for {}? (kept in the audit log)",
                decision.label(),
                r.learner_name
            ),
            "",
            FieldAction::Resolve {
                submission_id: r.submission_id,
                decision,
            },
        )))
    }

    /// What approving the selection would do, or why it cannot be done.
    pub fn preview(&self, session: &Session) -> Popup {
        if !session.is_issuer {
            return missing_role(session, "Only issuers approve", "an issuer", "issuer");
        }
        let did = match &self.issuer {
            Some(Ok(did)) => did.clone(),
            Some(Err(why)) => return Popup::error("No issuer key", why.clone()),
            None => return Popup::info("Loading", "The cohort is still loading.".into()),
        };
        if self.selection.is_empty() {
            return Popup::info(
                "Nothing selected",
                "Select work with Space, or everything that meets the rubric with a.".into(),
            );
        }
        let approver = crate::credential::approval::Approver {
            name: session.user.clone(),
            self_approval: session.self_approval,
        };
        let plan = Plan::new(&self.cohort.id, &approver, self.selected_rows());
        let mut text = plan.describe(self.suite, &did).join("\n");
        if plan.to_issue.is_empty() {
            text.push_str("\n\nNothing to sign. Export feedback letters with `merit export`.");
            return Popup::info("Preview: nothing to sign", text);
        }
        text.push_str(
            "\n\nEach credential is stored with its award in one transaction; cancelling (x) or a crash leaves nothing half-issued, and approving again continues.",
        );
        Popup::Confirm {
            title: format!("Preview: approve {}", self.cohort.id),
            text,
            yes: "enter the issuer's passphrase and sign".into(),
            no: "back".into(),
            action: ConfirmAction::Approve(Box::new(Approval {
                plan: crate::tui::effect::ApprovalPlan::Cohort(plan),
                suite: self.suite,
            })),
        }
    }

    /// While the filter line is open it takes the keys (not the ones it does not know:
    /// those go to the app, Ctrl-C quits).
    pub fn text_key(&mut self, k: KeyEvent) -> Option<Outcome> {
        if !self.filtering {
            return None;
        }
        let keep = self.current().map(|r| r.submission_id);
        match self.filter.key(k) {
            InputEvent::Submit => self.filtering = false,
            InputEvent::Cancel => {
                self.filtering = false;
                self.filter.clear();
                self.refilter(keep);
            }
            InputEvent::Changed => self.refilter(keep),
            InputEvent::Moved => {}
            InputEvent::Ignored => match k.code {
                KeyCode::Down => {
                    self.cursor = (self.cursor + 1).min(self.visible.len().saturating_sub(1))
                }
                KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
                _ => return None,
            },
        }
        Some(Outcome::Effects(Vec::new()))
    }

    pub fn paste(&mut self, text: &str) -> Option<Outcome> {
        if !self.filtering {
            return None;
        }
        let keep = self.current().map(|r| r.submission_id);
        if self.filter.paste(text) == InputEvent::Changed {
            self.refilter(keep);
        }
        Some(Outcome::Effects(Vec::new()))
    }

    pub fn status_hint(&self) -> Option<String> {
        self.filtering
            .then(|| format!("filter: {}  Enter keep · Esc clear", self.filter.display()))
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let (theme, session) = (ctx.theme, ctx.session);
        let width = usize::from(area.width);
        let filter = if self.filter.is_empty() {
            String::new()
        } else {
            format!(" · filter “{}”", sanitize::line(&self.filter.text()))
        };
        let mut lines = vec![Line::from(vec![
            Span::styled(" Merit ", theme.selected()),
            Span::styled(format!(" Cohort {}", self.cohort.id), theme.title()),
            Span::raw(fit(
                &format!(
                    " · {} · {}{filter}",
                    self.cohort.name,
                    sanitize::line(&session.user)
                ),
                width.saturating_sub(16 + self.cohort.id.len()),
            )),
        ])];
        let to_issue = self.rows.iter().filter(|r| r.can_issue().is_ok()).count();
        let flagged = self.rows.iter().filter(|r| r.flags.any()).count();
        // The id the CLI takes (`approve --submission`, `second-mark`), as plain text to copy.
        let current = self
            .current()
            .map(|r| format!(" submission {} ·", r.submission_id))
            .unwrap_or_default();
        lines.push(Line::styled(
            fit(
                &format!(
                    "{current} {} of {} shown · {to_issue} ready · {flagged} flagged · {} selected · {} (t switches)",
                    self.visible.len(),
                    self.rows.len(),
                    self.selection.len(),
                    self.suite.name()
                ),
                width,
            ),
            theme.dim(),
        ));
        let cols = Cols::new(width);
        lines.push(Line::styled(fit(&cols.header(), width), theme.title()));
        if let Some(e) = &self.error {
            lines.push(Line::styled(
                format!(" Cannot load the cohort: {}", sanitize::line(e)),
                theme.bad(),
            ));
        } else if !self.loaded {
            lines.push(Line::styled(" loading…", theme.dim()));
        } else if self.visible.is_empty() {
            lines.push(Line::styled(
                if self.rows.is_empty() {
                    " No submissions in this cohort yet."
                } else {
                    " No submission matches the filter. Esc clears it."
                },
                theme.dim(),
            ));
        }
        let height = usize::from(area.height).saturating_sub(lines.len());
        let offset = (self.cursor + 1).saturating_sub(height);
        for (pos, &i) in self.visible.iter().enumerate().skip(offset).take(height) {
            let r = &self.rows[i];
            let here = pos == self.cursor;
            let chosen = self.selection.contains(&r.submission_id);
            let style = match decision(r) {
                "not yet" => theme.warn(),
                "issued" => theme.good(),
                "revoked" => theme.bad(),
                _ => ratatui::style::Style::new(),
            };
            let (learner, rest) = cols.row(r);
            let flags = r.flags.words().join(", ");
            lines.push(fit_line(
                Line::from(vec![
                    Span::styled(if here { "▶" } else { " " }, theme.key()),
                    Span::styled(if chosen { "[x] " } else { "[ ] " }, theme.key()),
                    Span::styled(learner, if here { theme.selected() } else { style }),
                    Span::styled(rest, style),
                    Span::styled(flags, theme.bad()),
                ]),
                width,
            ));
        }
        f.render_widget(Paragraph::new(lines), area);
    }
}

/// What a row shows as its decision.
pub fn decision(r: &CohortRow) -> &'static str {
    if r.revoked {
        return Status::Revoked.word();
    }
    if r.credential_id.is_some() {
        return Status::Issued.word();
    }
    match Status::of_stored(&r.status) {
        Some(Status::SecondMarking) if r.flags.assessors_disagree => Status::Disputed.word(),
        Some(Status::New) if !r.assessors.is_empty() => Status::InProgress.word(),
        Some(s) => s.word(),
        None => Status::Superseded.word(),
    }
}

/// Text the filter matches: learner, decision, assessors and flags.
fn haystack(r: &CohortRow) -> String {
    format!(
        "{} {} {} {} {}",
        r.learner_name,
        r.learner_key,
        decision(r),
        r.assessors,
        r.flags.words().join(" ")
    )
    .to_lowercase()
}

struct Cols {
    learner: usize,
    assessors: usize,
}

/// The decision column: as wide as the longest status word.
const DECISION_W: usize = {
    let mut w = 0;
    let mut i = 0;
    while i < crate::vocabulary::ALL.len() {
        let n = crate::vocabulary::ALL[i].word().len();
        if n > w {
            w = n;
        }
        i += 1;
    }
    w
};
/// The attempt column: as wide as its name.
const ATTEMPT_W: usize = crate::vocabulary::ATTEMPT.len();

impl Cols {
    fn new(width: usize) -> Cols {
        // ▶ [x]  learner  attempt  decision  assessors  total(7)  flags
        let fixed = 1 + 4 + 1 + (ATTEMPT_W + 1) + (DECISION_W + 1) + 1 + 8 + 1;
        let spare = width.saturating_sub(fixed + 18);
        Cols {
            learner: (spare * 3 / 5).clamp(12, 32),
            assessors: (spare * 2 / 5).clamp(8, 24),
        }
    }

    fn header(&self) -> String {
        format!(
            "      {} {} {} {} {:>7} flags",
            pad("learner", self.learner),
            crate::vocabulary::ATTEMPT,
            pad("decision", DECISION_W),
            pad("assessor(s)", self.assessors),
            "total"
        )
    }

    fn row(&self, r: &CohortRow) -> (String, String) {
        let total = r.total.map(fmt_num).unwrap_or_else(|| "—".into());
        (
            pad(&fit(&r.learner_name, self.learner), self.learner),
            format!(
                " {:>w$} {} {} {:>7} ",
                r.attempt,
                pad(decision(r), DECISION_W),
                pad(&fit(&r.assessors, self.assessors), self.assessors),
                fit(&total, 7),
                w = ATTEMPT_W
            ),
        )
    }
}

/// Second marking is a lead's call.
fn only_leads(session: &Session) -> Popup {
    missing_role(session, "Only leads", "a lead", "lead")
}

/// Why `session`'s user cannot do this, and how an administrator gives them `role`.
fn missing_role(session: &Session, title: &str, a_role: &str, role: &str) -> Popup {
    let user = sanitize::line(&session.user);
    Popup::error(
        title,
        format!(
            "{user} is not {a_role} of this workspace. An administrator can add the role with `merit user add {user} --role {role}`."
        ),
    )
}

/// Pager lines comparing submitted assessments criterion by criterion: each assessor's level
/// and comment, a marker where they chose different levels, then the overall feedback.
pub fn assessment_lines(
    rubric: &crate::rubric::Rubric,
    list: &[crate::store::SavedAssessment],
) -> Vec<(char, String)> {
    use crate::rubric::{Choices, score};
    let mut out = Vec::new();
    if list.is_empty() {
        out.push(('*', "No submitted assessment.".to_string()));
        return out;
    }
    for a in list {
        let choices: Choices = a
            .scores
            .iter()
            .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
            .collect();
        let outcome = score(rubric, &choices);
        out.push((
            '*',
            format!(
                "{}: {} ({} of {})",
                a.assessor,
                a.decision.as_deref().unwrap_or("—").replace('_', " "),
                fmt_num(outcome.total),
                fmt_num(outcome.max_total)
            ),
        ));
    }
    for c in &rubric.criteria {
        out.push((' ', String::new()));
        let required = c
            .required
            .as_ref()
            .and_then(|r| c.level(&r.value))
            .map(|l| format!(", required: {}", l.1.label.value))
            .unwrap_or_default();
        out.push((
            '#',
            format!("{} (×{}{required})", c.title.value, fmt_num(c.weight.value)),
        ));
        let chosen: Vec<Option<&str>> = list
            .iter()
            .map(|a| {
                a.scores
                    .iter()
                    .find(|s| s.criterion == c.id.value)
                    .and_then(|s| s.level.as_deref())
            })
            .collect();
        let differ = chosen.iter().any(|l| *l != chosen[0]);
        for (a, level) in list.iter().zip(&chosen) {
            let label = level
                .and_then(|l| c.level(l))
                .map_or("—".to_string(), |l| l.1.label.value.clone());
            let comment = a
                .scores
                .iter()
                .find(|s| s.criterion == c.id.value)
                .map(|s| s.comment.trim())
                .filter(|s| !s.is_empty())
                .map(|s| format!(" — {}", s.replace('\n', " ")))
                .unwrap_or_default();
            out.push((
                if differ { '*' } else { ' ' },
                format!("{}: {label}{comment}", a.assessor),
            ));
        }
    }
    out.push((' ', String::new()));
    out.push(('#', "Overall feedback".to_string()));
    for a in list {
        let text = a.overall_feedback.trim().replace('\n', " ");
        out.push((
            ' ',
            format!(
                "{}: {}",
                a.assessor,
                if text.is_empty() { "—" } else { &text }
            ),
        ));
    }
    out
}

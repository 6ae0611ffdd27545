//! The review screen: the evidence on one side, the rubric on the other. Every change is
//! saved as a draft at once (on the database thread); Ctrl-S submits after confirmation.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::rubric::{self, Choices, Decision};
use crate::sanitize;
use crate::store::{AssessmentInput, CriterionScore, ReviewData};

use crate::tui::artifact::{ArtifactContent, human_size};
use crate::tui::context::Ctx;
use crate::tui::effect::DbRequest;
use crate::tui::effect::Effect;
use crate::tui::graphics::{Graphics, Placement};
use crate::tui::keymap::{Action, Mode};
use crate::tui::screens::Outcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit;
use crate::tui::widgets::line_input::{InputEvent, LineInput};
use crate::tui::widgets::popup::{ConfirmAction, EditTarget, Editor, Picker, Popup};
use crate::tui::widgets::rubric_pane::{self, RubricView, sanitize_for_display};

/// Idle gaps longer than this do not count as time spent.
const MAX_GAP_SECS: i64 = 300;
/// Side by side at this width and above; stacked below.
const SIDE_BY_SIDE: u16 = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Evidence,
    Rubric,
}

#[derive(Debug, Default)]
pub struct ArtifactView {
    pub content: Option<ArtifactContent>,
    pub requested: bool,
    pub scroll: usize,
    /// Columns scrolled sideways (unwrapped lines only).
    pub hscroll: u16,
    pub wrap: bool,
    pub matches: Vec<usize>,
    pub current_match: usize,
    pub query: String,
    /// The line diff against the previous attempt's version, once loaded.
    pub diff: Option<ArtifactContent>,
    /// Showing the diff instead of the file (`d`).
    pub show_diff: bool,
}

impl ArtifactView {
    /// What the pane shows: the diff against the previous attempt when asked for (and
    /// loaded), else the file.
    pub fn shown(&self) -> Option<&ArtifactContent> {
        if self.show_diff {
            self.diff.as_ref()
        } else {
            self.content.as_ref()
        }
    }
}

pub struct ReviewScreen {
    /// With learner, cohort and rubric text sanitized.
    pub data: ReviewData,
    pub focus: Pane,
    pub tab: usize,
    pub views: Vec<ArtifactView>,
    pub criterion: usize,
    pub choices: Choices,
    pub comments: BTreeMap<String, String>,
    pub overall: String,
    pub time_spent: i64,
    pub last_activity: i64,
    pub read_only: Option<String>,
    /// The search being typed, if any.
    pub search_input: Option<LineInput>,
}

impl ReviewScreen {
    pub fn open(mut data: ReviewData, now: i64) -> (ReviewScreen, Vec<Effect>) {
        data.learner_name = sanitize::line(&data.learner_name);
        data.learner_key = sanitize::line(&data.learner_key);
        data.cohort_name = sanitize::line(&data.cohort_name);
        sanitize_for_display(&mut data.rubric);
        let mut choices = Choices::new();
        let mut comments = BTreeMap::new();
        let (mut overall, mut time_spent) = (String::new(), 0);
        if let Some(a) = &data.assessment {
            for s in &a.scores {
                if let Some(l) = &s.level {
                    choices.insert(s.criterion.clone(), l.clone());
                }
                if !s.comment.is_empty() {
                    comments.insert(s.criterion.clone(), s.comment.clone());
                }
            }
            overall = a.overall_feedback.clone();
            time_spent = a.time_spent_secs;
        }
        let views = data
            .artifacts
            .iter()
            .map(|_| ArtifactView::default())
            .collect();
        let mut screen = ReviewScreen {
            read_only: data.read_only.clone(),
            data,
            focus: Pane::Rubric,
            tab: 0,
            views,
            criterion: 0,
            choices,
            comments,
            overall,
            time_spent,
            last_activity: now,
            search_input: None,
        };
        let effects = screen.load_current();
        (screen, effects)
    }

    pub fn mode(&self) -> Mode {
        match self.focus {
            Pane::Evidence => Mode::Evidence,
            Pane::Rubric => Mode::Rubric,
        }
    }

    /// Counts the time since the last key as time spent, unless it was a long pause.
    pub fn touch(&mut self, now: i64) {
        let gap = now - self.last_activity;
        if (0..=MAX_GAP_SECS).contains(&gap) {
            self.time_spent += gap;
        }
        self.last_activity = now;
    }

    fn load_current(&mut self) -> Vec<Effect> {
        let Some(view) = self.views.get_mut(self.tab) else {
            return Vec::new();
        };
        if view.requested {
            return Vec::new();
        }
        view.requested = true;
        let (record, path) = self.data.artifacts[self.tab].clone();
        vec![Effect::LoadArtifact {
            submission_id: self.data.submission_id,
            index: self.tab,
            record,
            path,
        }]
    }

    /// `d`: the changes against the previous attempt's version of this artifact, or the
    /// file again.
    fn toggle_diff(&mut self) -> Vec<Effect> {
        let Some(prev) = &self.data.previous else {
            return Vec::new();
        };
        let (record, path) = &self.data.artifacts[self.tab];
        let Some((_, Some(old))) = prev.before(record).filter(|_| record.is_text()) else {
            return Vec::new();
        };
        let Some(view) = self.views.get_mut(self.tab) else {
            return Vec::new();
        };
        view.show_diff = !view.show_diff;
        view.scroll = 0;
        match (view.show_diff, view.diff.is_some(), path) {
            (true, false, Some(new)) => vec![Effect::LoadDiff {
                submission_id: self.data.submission_id,
                index: self.tab,
                old: old.clone(),
                new: new.clone(),
                attempt: prev.attempt,
            }],
            _ => Vec::new(),
        }
    }

    pub fn diff_loaded(&mut self, submission_id: i64, index: usize, content: ArtifactContent) {
        if submission_id != self.data.submission_id {
            return;
        }
        if let Some(v) = self.views.get_mut(index) {
            v.diff = Some(content);
        }
    }

    pub fn artifact_loaded(&mut self, submission_id: i64, index: usize, content: ArtifactContent) {
        if submission_id != self.data.submission_id {
            return;
        }
        if let Some(v) = self.views.get_mut(index) {
            v.wrap = content.wrap;
            v.content = Some(content);
        }
    }

    fn input(&self) -> AssessmentInput {
        AssessmentInput {
            submission_id: self.data.submission_id,
            assessor: String::new(),
            scores: self
                .data
                .rubric
                .criteria
                .iter()
                .map(|c| CriterionScore {
                    criterion: c.id.value.clone(),
                    level: self.choices.get(&c.id.value).cloned(),
                    comment: self.comments.get(&c.id.value).cloned().unwrap_or_default(),
                })
                .collect(),
            overall_feedback: self.overall.clone(),
            time_spent_secs: self.time_spent,
        }
    }

    fn save(&self) -> Vec<Effect> {
        // An exemplar scored for calibration is never a draft of a learner's assessment.
        if self.read_only.is_some() || self.data.calibration.is_some() {
            return Vec::new();
        }
        vec![Effect::Db(DbRequest::SaveDraft(self.input()))]
    }

    fn has_work(&self) -> bool {
        !self.choices.is_empty()
            || self.comments.values().any(|c| !c.is_empty())
            || !self.overall.is_empty()
    }

    /// Leaving: the draft is already saved; the claim is kept while the draft has work in it.
    pub fn leave(&self) -> Vec<Effect> {
        if self.read_only.is_some() || self.data.calibration.is_some() {
            return Vec::new();
        }
        let mut out = self.save();
        out.push(Effect::Db(DbRequest::Leave {
            submission_id: self.data.submission_id,
            keep_claim: self.has_work(),
        }));
        out
    }

    pub fn outcome(&self) -> rubric::Outcome {
        rubric::score(&self.data.rubric, &self.choices)
    }

    pub fn set_text(&mut self, target: &EditTarget, text: String) -> Vec<Effect> {
        match target {
            EditTarget::Comment(id) => {
                if text.is_empty() {
                    self.comments.remove(id);
                } else {
                    self.comments.insert(id.clone(), text);
                }
            }
            EditTarget::Overall => self.overall = text,
        }
        self.save()
    }

    pub fn insert_feedback(&mut self, text: &str) -> Vec<Effect> {
        let Some(c) = self.data.rubric.criteria.get(self.criterion) else {
            return Vec::new();
        };
        let entry = self.comments.entry(c.id.value.clone()).or_default();
        if !entry.is_empty() {
            entry.push('\n');
        }
        entry.push_str(text);
        self.save()
    }

    fn pick_level(&mut self, index: usize) -> Outcome {
        if let Some(why) = &self.read_only {
            return Outcome::Popup(Popup::info(
                "Read only",
                format!("This submission is {why}."),
            ));
        }
        let Some(c) = self.data.rubric.criteria.get(self.criterion) else {
            return Outcome::Effects(Vec::new());
        };
        let Some(level) = c.levels.get(index) else {
            return Outcome::Effects(Vec::new());
        };
        self.choices
            .insert(c.id.value.clone(), level.id.value.clone());
        Outcome::Effects(self.save())
    }

    /// A lead's prompt to reveal a blind learner's name to an assessor, for a grade inquiry.
    fn reveal(&self, session: &crate::tui::context::Session) -> Outcome {
        let Some(blind) = &self.data.blind else {
            return Outcome::Popup(Popup::info(
                "Not blind",
                "This cohort is not blind: its assessors see the learner's name.".into(),
            ));
        };
        if !session.is_lead {
            let user = crate::sanitize::line(&session.user);
            return Outcome::Popup(Popup::error(
                "Only leads",
                format!(
                    "Only a lead reveals a name. {user} is not a lead of this workspace; an \
                     administrator can add the role with `merit user add {user} --role lead`."
                ),
            ));
        }
        let assessor = self
            .data
            .assessment
            .as_ref()
            .map(|a| format!("{} ", a.assessor))
            .unwrap_or_default();
        Outcome::Popup(Popup::Field(Box::new(
            crate::tui::widgets::popup::Field::new(
                format!(
                    "Reveal {} ({}) to: assessor, then why",
                    self.data.learner_name, blind.number
                ),
                &assessor,
                crate::tui::widgets::popup::FieldAction::Reveal {
                    submission_id: self.data.submission_id,
                },
            ),
        )))
    }

    fn chosen_index(&self) -> Option<usize> {
        let c = self.data.rubric.criteria.get(self.criterion)?;
        let l = self.choices.get(&c.id.value)?;
        c.level(l).map(|(i, _)| i)
    }

    pub fn action(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        let size = ctx.size;
        let page = usize::from(size.1 / 2).max(1);
        let n_criteria = self.data.rubric.criteria.len();
        match (self.focus, action) {
            (_, Action::SwitchPane) => {
                self.focus = match self.focus {
                    Pane::Evidence => Pane::Rubric,
                    Pane::Rubric => Pane::Evidence,
                };
            }
            (_, Action::Back) => return Outcome::Close(self.leave()),
            (_, Action::Submit) => return self.submit(),
            (_, Action::RevealName) => return self.reveal(ctx.session),
            (Pane::Rubric, Action::Down) => {
                self.criterion = (self.criterion + 1).min(n_criteria.saturating_sub(1))
            }
            (Pane::Rubric, Action::Up) => self.criterion = self.criterion.saturating_sub(1),
            (Pane::Rubric, Action::Top | Action::PageUp) => self.criterion = 0,
            (Pane::Rubric, Action::Bottom | Action::PageDown) => {
                self.criterion = n_criteria.saturating_sub(1)
            }
            (Pane::Rubric, Action::Level(n)) => return self.pick_level(usize::from(n) - 1),
            (Pane::Rubric, Action::LevelUp) => {
                let next = self.chosen_index().map_or(0, |i| i + 1);
                return self.pick_level(next);
            }
            (Pane::Rubric, Action::LevelDown) => {
                let next = self.chosen_index().map_or(0, |i| i.saturating_sub(1));
                return self.pick_level(next);
            }
            (Pane::Rubric, Action::Comment) => {
                if self.read_only.is_some() {
                    return self.pick_level(usize::MAX);
                }
                let Some(c) = self.data.rubric.criteria.get(self.criterion) else {
                    return Outcome::Effects(Vec::new());
                };
                let text = self.comments.get(&c.id.value).cloned().unwrap_or_default();
                return Outcome::Popup(Popup::Editor(Box::new(Editor::new(
                    EditTarget::Comment(c.id.value.clone()),
                    format!("Comment: {}", c.title.value),
                    &text,
                ))));
            }
            (Pane::Rubric, Action::Overall) => {
                if self.read_only.is_some() {
                    return self.pick_level(usize::MAX);
                }
                return Outcome::Popup(Popup::Editor(Box::new(Editor::new(
                    EditTarget::Overall,
                    format!("Overall feedback for {}", self.data.learner_name),
                    &self.overall,
                ))));
            }
            (Pane::Rubric, Action::FeedbackBank) => {
                if self.read_only.is_some() {
                    return self.pick_level(usize::MAX);
                }
                let Some(c) = self.data.rubric.criteria.get(self.criterion) else {
                    return Outcome::Effects(Vec::new());
                };
                if c.feedback.is_empty() {
                    return Outcome::Popup(Popup::info(
                        "No feedback bank",
                        format!("The rubric has no saved comments for “{}”.", c.title.value),
                    ));
                }
                return Outcome::Popup(Popup::Picker(Picker {
                    title: format!("Feedback bank: {}", c.title.value),
                    items: c.feedback.iter().map(|f| f.value.clone()).collect(),
                    selected: 0,
                }));
            }
            (Pane::Evidence, a) | (Pane::Rubric, a @ (Action::NextTab | Action::PrevTab)) => {
                // The evidence pane is about half the terminal wide.
                let width = usize::from(size.0 / 2).max(8);
                return Outcome::Effects(self.evidence_action(a, page, width));
            }
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    fn evidence_action(&mut self, action: Action, page: usize, width: usize) -> Vec<Effect> {
        let count = self.views.len();
        match action {
            Action::NextTab if count > 0 => {
                self.tab = (self.tab + 1) % count;
                return self.load_current();
            }
            Action::PrevTab if count > 0 => {
                self.tab = (self.tab + count - 1) % count;
                return self.load_current();
            }
            Action::Search => self.search_input = Some(LineInput::new(200)),
            Action::ShowDiff => return self.toggle_diff(),
            _ => {}
        }
        let Some(v) = self.views.get_mut(self.tab) else {
            return Vec::new();
        };
        let len = v.shown().map_or(0, |c| c.lines.len());
        let last = len.saturating_sub(1);
        match action {
            Action::Down => v.scroll = (v.scroll + 1).min(last),
            Action::Up => v.scroll = v.scroll.saturating_sub(1),
            Action::PageDown => v.scroll = (v.scroll + page).min(last),
            Action::PageUp => v.scroll = v.scroll.saturating_sub(page),
            Action::Top => v.scroll = 0,
            Action::Bottom => v.scroll = last,
            Action::ToggleWrap => v.wrap = !v.wrap,
            // Sideways by a quarter of the pane, no further than the longest line shows.
            Action::ScrollRight if !v.wrap => {
                let widest = v
                    .shown()
                    .map_or(0, |c| c.lines.iter().map(Line::width).max().unwrap_or(0));
                let step = (width / 4).max(4);
                let max = widest.saturating_sub(width / 2);
                v.hscroll =
                    u16::try_from((usize::from(v.hscroll) + step).min(max)).unwrap_or(u16::MAX);
            }
            Action::ScrollLeft => {
                v.hscroll = v
                    .hscroll
                    .saturating_sub(u16::try_from((width / 4).max(4)).unwrap_or(4))
            }
            Action::NextMatch if !v.matches.is_empty() => {
                v.current_match = (v.current_match + 1) % v.matches.len();
                v.scroll = v.matches[v.current_match];
            }
            Action::PrevMatch if !v.matches.is_empty() => {
                v.current_match = (v.current_match + v.matches.len() - 1) % v.matches.len();
                v.scroll = v.matches[v.current_match];
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn searching(&self) -> bool {
        self.search_input.is_some()
    }

    /// While the search line is open it takes the keys (not the ones it does not know:
    /// those go to the app, Ctrl-C quits).
    pub fn text_key(&mut self, k: KeyEvent) -> Option<Outcome> {
        let input = self.search_input.as_mut()?;
        match input.key(k) {
            InputEvent::Cancel => self.search_input = None,
            InputEvent::Submit => {
                let query = input.text();
                self.search_input = None;
                self.find(query);
            }
            InputEvent::Changed | InputEvent::Moved => {}
            InputEvent::Ignored => return None,
        }
        Some(Outcome::Effects(Vec::new()))
    }

    pub fn paste(&mut self, text: &str) -> Option<Outcome> {
        self.search_input.as_mut()?.paste(text);
        Some(Outcome::Effects(Vec::new()))
    }

    /// Finds `query` in the artifact shown, from the line in view.
    fn find(&mut self, query: String) {
        if let Some(v) = self.views.get_mut(self.tab) {
            let needle = query.to_lowercase();
            v.matches = match v.shown() {
                Some(c) if !needle.is_empty() => c
                    .plain
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.to_lowercase().contains(&needle))
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            };
            v.query = query;
            v.current_match = v.matches.iter().position(|m| *m >= v.scroll).unwrap_or(0);
            if let Some(m) = v.matches.get(v.current_match) {
                v.scroll = *m;
            }
        }
    }

    pub fn status_hint(&self) -> Option<String> {
        self.search_input
            .as_ref()
            .map(|s| format!("search: {}  Enter find · Esc cancel", s.display()))
    }

    fn submit(&mut self) -> Outcome {
        if let Some(why) = &self.read_only {
            return Outcome::Popup(Popup::info(
                "Read only",
                format!("This submission is {why}."),
            ));
        }
        let o = self.outcome();
        let Some(decision) = o.decision else {
            let names: Vec<String> = o
                .unscored
                .iter()
                .filter_map(|id| self.data.rubric.criterion(id))
                .map(|c| c.title.value.clone())
                .collect();
            return Outcome::Popup(Popup::error(
                "Not every criterion is scored",
                format!("Pick a level (1–9) for: {}.", names.join(", ")),
            ));
        };
        // Feedback is for a learner; an exemplar scored for calibration reaches none.
        if decision == Decision::NotYet && self.data.calibration.is_none() {
            let missing_ids: Vec<&str> = o
                .shortfalls
                .iter()
                .filter(|s| {
                    self.comments
                        .get(&s.criterion)
                        .is_none_or(|c| c.trim().is_empty())
                })
                .map(|s| s.criterion.as_str())
                .collect();
            let missing: Vec<String> = missing_ids
                .iter()
                .filter_map(|id| self.data.rubric.criterion(id))
                .map(|c| c.title.value.clone())
                .collect();
            // The cursor goes to the first criterion that needs its comment.
            if let Some(i) = missing_ids.first().and_then(|id| {
                self.data
                    .rubric
                    .criteria
                    .iter()
                    .position(|c| c.id.value == *id)
            }) {
                self.criterion = i;
                self.focus = Pane::Rubric;
            }
            if !missing.is_empty() {
                return Outcome::Popup(Popup::error(
                    "Feedback needed",
                    format!(
                        "“Not yet” needs a comment on each criterion below its required level, so the learner knows what to improve: {}.\nSelect it and press c (or f for the feedback bank).",
                        missing.join(", ")
                    ),
                ));
            }
        }
        Outcome::Popup(Popup::Confirm {
            action: ConfirmAction::Submit,
            title: "Submit the decision?".into(),
            yes: "submit".into(),
            no: "back to the review".into(),
            text: format!(
                "{}: {} — {} of {} (pass at {}).\nAttempt {}. This cannot be undone from the workbench.",
                self.data.learner_name,
                decision.label().to_uppercase(),
                rubric::fmt_num(o.total),
                rubric::fmt_num(o.max_total),
                rubric::fmt_num(o.min_total),
                self.data.attempt
            ),
        })
    }

    pub fn confirmed_submit(&mut self) -> Vec<Effect> {
        if let Some(task) = &self.data.calibration {
            return vec![Effect::Db(DbRequest::ScoreExemplar {
                exemplar_id: task.exemplar_id,
                choices: self.choices.clone(),
            })];
        }
        vec![Effect::Db(DbRequest::Submit(self.input()))]
    }

    /// Draws the screen; returns the image to show with terminal graphics, if any.
    pub fn draw(
        &self,
        f: &mut Frame<'_>,
        area: Rect,
        ctx: &Ctx,
        graphics: Graphics,
    ) -> Option<Placement> {
        let theme = ctx.theme;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        // Read only: why, and whose decision it shows, from when.
        let ro = match (&self.read_only, &self.data.assessment) {
            (Some(why), Some(a)) if a.submitted_at.is_some() => format!(
                " · read only ({why}) · decided by {} on {}",
                sanitize::line(&a.assessor),
                a.submitted_at
                    .map(crate::store::format_time)
                    .unwrap_or_default()
            ),
            (Some(why), _) => format!(" · read only ({why})"),
            (None, _) if self.data.calibration.is_some() => {
                " · calibration (not a learner's result)".to_string()
            }
            // Time spent on this submission so far, for the assessor's own record.
            (None, _) => format!(
                " · {} (today {})",
                crate::store::time_spent::minutes(self.time_spent),
                crate::store::time_spent::minutes(self.data.time_today_secs + self.time_spent)
            ),
        };
        let head_line = Line::from(vec![
            Span::styled(" Merit ", theme.selected()),
            Span::styled(format!(" {}", self.data.learner_name), theme.title()),
            // A lead or issuer sees the name, and that assessors see the number.
            Span::raw(match &self.data.blind {
                Some(b) if !b.masked => format!(" (blind: {})", b.number),
                _ => String::new(),
            }),
            // An exemplar names no submission or cohort: either would lead to its learner.
            Span::raw(if self.data.calibration.is_some() {
                format!(
                    "{ro} · {} v{}",
                    self.data.rubric.title.value, self.data.rubric_version
                )
            } else {
                format!(
                    "{ro} · submission {} · {} · attempt {}{} · {} v{}",
                    self.data.submission_id,
                    self.data.cohort_name,
                    self.data.attempt,
                    match self.data.route {
                        crate::vocabulary::Route::PriorLearning => " (prior learning)",
                        crate::vocabulary::Route::Course => "",
                    },
                    self.data.rubric.title.value,
                    self.data.rubric_version
                )
            }),
        ]);
        f.render_widget(Paragraph::new(head_line), head);
        let (ev, rb) = if body.width >= SIDE_BY_SIDE {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(body);
            (a, b)
        } else {
            // Stacked: the focused pane gets two thirds.
            let (e, r) = match self.focus {
                Pane::Evidence => (2, 1),
                Pane::Rubric => (1, 2),
            };
            let [a, b] = Layout::vertical([Constraint::Fill(e), Constraint::Fill(r)]).areas(body);
            (a, b)
        };
        let placement = self.draw_evidence(f, ev, theme, graphics);
        self.draw_rubric(f, rb, theme);
        placement
    }

    fn block(&self, pane: Pane, title: String, theme: Theme) -> Block<'static> {
        let style = if self.focus == pane {
            theme.focus_border()
        } else {
            theme.border()
        };
        Block::default()
            .borders(Borders::ALL)
            .border_style(style)
            .title(Span::styled(title, style))
    }

    fn draw_evidence(
        &self,
        f: &mut Frame<'_>,
        area: Rect,
        theme: Theme,
        graphics: Graphics,
    ) -> Option<Placement> {
        // Scrolled sideways: say from which column, or a reader takes it for the start.
        let sideways = match self.views.get(self.tab) {
            Some(v) if !v.wrap && v.hscroll > 0 => format!("· from column {} ", v.hscroll + 1),
            _ => String::new(),
        };
        let block = self.block(
            Pane::Evidence,
            format!(" Evidence ({}) {sideways}", self.views.len()),
            theme,
        );
        let inner = block.inner(area);
        f.render_widget(block, area);
        if self.views.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No artifacts in this submission.",
                    theme.dim(),
                )),
                inner,
            );
            return None;
        }
        let width = usize::from(inner.width);
        // Tabs: one per artifact, scrolled so that the current one is always visible.
        let names: Vec<String> = self
            .data
            .artifacts
            .iter()
            .map(|(a, _)| {
                // Against the previous attempt: + new, ~ changed (unchanged unmarked).
                let mark = match self.data.previous.as_ref().map(|p| p.change(a)) {
                    Some(crate::store::Change::New) => "+",
                    Some(crate::store::Change::Changed) => "~",
                    _ => "",
                };
                format!(" {mark}{} ", fit(&sanitize::line(&a.name), 24))
            })
            .collect();
        let tab_width = |n: &String| unicode_width::UnicodeWidthStr::width(n.as_str()) + 1;
        let mut first = 0;
        while first < self.tab
            && names[first..=self.tab].iter().map(tab_width).sum::<usize>() + 2 > width
        {
            first += 1;
        }
        let mut tabs = Vec::new();
        if first > 0 {
            tabs.push(Span::styled("…", theme.dim()));
        }
        for (i, name) in names.iter().enumerate().skip(first) {
            let style = if i == self.tab {
                theme.selected()
            } else {
                theme.dim()
            };
            tabs.push(Span::styled(name.clone(), style));
            tabs.push(Span::raw(" "));
        }
        let (record, _) = &self.data.artifacts[self.tab];
        let requirement = record
            .requirement
            .as_deref()
            .and_then(|r| self.data.rubric.evidence.iter().find(|e| e.id.value == r))
            .map_or_else(
                || "no evidence requirement".to_string(),
                |e| format!("answers “{}”", e.title.value),
            );
        let view = &self.views[self.tab];
        let since = match &self.data.previous {
            Some(p) => {
                let change = p.change(record);
                let how = match change {
                    crate::store::Change::Changed if view.show_diff => " (d: the file)",
                    crate::store::Change::Changed if record.is_text() => " (d: what changed)",
                    _ => "",
                };
                format!("{} since attempt {}{how} · ", change.word(), p.attempt)
            }
            None => String::new(),
        };
        // What changed since the last attempt first: it is what a re-marker reads for.
        let meta = format!(
            "{since}{} · {} · {} · sha256 {}",
            record.kind,
            record.size.map_or_else(|| "link".to_string(), human_size),
            requirement,
            record
                .sha256
                .as_deref()
                .map_or("—", |h| &h[..h.len().min(12)])
        );
        let mut head = vec![
            Line::from(tabs),
            Line::styled(fit(&meta, width), theme.dim()),
        ];
        if let Some(note) = view.shown().and_then(|c| c.note.as_ref()) {
            head.push(Line::styled(fit(note, width), theme.warn()));
        }
        if !view.matches.is_empty() {
            head.push(Line::styled(
                fit(
                    &format!(
                        "match {} of {} for “{}” (n/N)",
                        view.current_match + 1,
                        view.matches.len(),
                        sanitize::line(&view.query)
                    ),
                    width,
                ),
                theme.warn(),
            ));
        } else if !view.query.is_empty() {
            head.push(Line::styled(
                fit(
                    &format!("no match for “{}”", sanitize::line(&view.query)),
                    width,
                ),
                theme.warn(),
            ));
        }
        let head_h = head.len() as u16;
        let [h, content] =
            Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(inner);
        f.render_widget(Paragraph::new(head), h);
        let Some(c) = view.shown() else {
            f.render_widget(
                Paragraph::new(Line::styled("loading…", theme.dim())),
                content,
            );
            return None;
        };
        if let Some(img) = &c.image {
            let fitted = fit_image(content, img);
            if let (Graphics::Kitty, Some(png)) = (graphics, &img.png) {
                return Some(Placement {
                    id: (self.data.submission_id as u32).wrapping_mul(64) + self.tab as u32 + 1,
                    area: fitted,
                    png: png.clone(),
                });
            }
            draw_image(f, fitted, img);
            return None;
        }
        let current = view.matches.get(view.current_match).copied();
        let lines: Vec<Line<'static>> = c
            .lines
            .iter()
            .enumerate()
            .skip(view.scroll)
            .take(usize::from(content.height))
            .map(|(i, l)| {
                if Some(i) == current {
                    l.clone().patch_style(theme.search_hit())
                } else {
                    l.clone()
                }
            })
            .collect();
        let mut p = Paragraph::new(lines);
        if view.wrap {
            p = p.wrap(Wrap { trim: false });
        } else {
            p = p.scroll((0, view.hscroll));
        }
        f.render_widget(p, content);
        None
    }

    fn draw_rubric(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let r = &self.data.rubric;
        let block = self.block(Pane::Rubric, format!(" Rubric: {} ", r.title.value), theme);
        let inner = block.inner(area);
        f.render_widget(block, area);
        rubric_pane::draw(
            f,
            inner,
            &RubricView {
                rubric: r,
                choices: &self.choices,
                comments: &self.comments,
                overall: &self.overall,
                selected: self.criterion,
                focused: self.focus == Pane::Rubric,
                previous: self
                    .data
                    .previous
                    .as_ref()
                    .and_then(|p| p.assessment.as_ref().map(|a| (p.attempt, a))),
            },
            theme,
        );
    }
}

/// The largest area inside `area` with the image's aspect ratio (cells are twice as tall as
/// wide), at its top-left.
fn fit_image(area: Rect, img: &crate::tui::artifact::ImagePreview) -> Rect {
    if area.width == 0 || area.height == 0 || img.width == 0 || img.height == 0 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let scale = (f64::from(img.width) / f64::from(area.width))
        .max(f64::from(img.height) / (f64::from(area.height) * 2.0));
    let w = ((f64::from(img.width) / scale) as u16).clamp(1, area.width);
    let h = ((f64::from(img.height) / scale / 2.0) as u16).clamp(1, area.height);
    Rect::new(area.x, area.y, w, h)
}

/// Half-block preview: each cell shows two pixels (upper in the foreground, lower behind).
fn draw_image(f: &mut Frame<'_>, area: Rect, img: &crate::tui::artifact::ImagePreview) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let sx = f64::from(img.width) / f64::from(area.width);
    let sy = f64::from(img.height) / (f64::from(area.height) * 2.0);
    let buf = f.buffer_mut();
    for cy in 0..area.height {
        for cx in 0..area.width {
            let px = |py: f64| {
                let x = ((f64::from(cx) * sx) as u32).min(img.width - 1);
                let y = (py as u32).min(img.height - 1);
                img.pixels[(y * img.width + x) as usize]
            };
            let top = px(f64::from(cy) * 2.0 * sy);
            let bottom = px((f64::from(cy) * 2.0 + 1.0) * sy);
            if let Some(cell) = buf.cell_mut((area.x + cx, area.y + cy)) {
                cell.set_char('▀').set_fg(top).set_bg(bottom);
            }
        }
    }
}

//! The queue: the submissions an assessor can score, paged from SQLite by keyset so that
//! 100,000 submissions cost no more than a screenful.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::sanitize;
use crate::store::{PageFrom, QueueQuery, QueueRow, QueueSort, status_label};

use crate::tui::effect::Effect;

use crate::tui::context::{Ctx, Session};
use crate::tui::effect::DbRequest;
use crate::tui::keymap::Action;
use crate::tui::message::PageMode;
use crate::tui::screens::Outcome;
use crate::tui::widgets::line_input::{InputEvent, LineInput};
use crate::tui::widgets::popup::{ConfirmAction, Popup};
use crate::tui::widgets::{fit, pad};

/// Rows fetched per request.
pub const CHUNK: usize = 100;
/// Rows kept in memory at most; the rest is dropped and fetched again when needed.
pub const MAX_ROWS: usize = 300;

#[derive(Default)]
pub struct QueueScreen {
    /// A window of the queue, in sort order (text already sanitized).
    pub rows: Vec<QueueRow>,
    pub selected: usize,
    pub offset: usize,
    /// Whether `rows` reaches the first / last submission of the queue.
    pub at_start: bool,
    pub at_end: bool,
    pub filter: LineInput,
    pub filtering: bool,
    pub sort: QueueSort,
    /// The order is reversed (newest, last or highest first).
    pub reverse: bool,
    pub counts: Vec<(String, i64)>,
    /// Replies for older requests are dropped.
    pub generation: u64,
    pub loading: bool,
    /// The page was loaded at least once.
    pub loaded: bool,
    /// The filter or the order changed and the rows on screen are from before: `Enter` now
    /// would open a row the filter may exclude, so it waits for the new page.
    pub stale: bool,
    /// `Enter` was pressed while stale: open the first row of the new page when it comes.
    pub open_when_loaded: bool,
    /// A notice an action raised, handed to the app with the action's outcome.
    notice: Option<Popup>,
}

impl QueueScreen {
    fn query(&self, session: &Session, from: PageFrom, limit: usize) -> QueueQuery {
        QueueQuery {
            filter: self.filter.text(),
            sort: self.sort,
            reverse: self.reverse,
            from,
            limit,
            claim_idle_secs: session.claim_idle_secs,
            // Leads see every row (disputed ones are theirs to decide).
            viewer: (!session.is_lead).then(|| session.user.clone()),
            // Masked until the database thread applies the store's rule for this user.
            blind_for: Some(session.user.clone()),
        }
    }

    fn request(
        &mut self,
        session: &Session,
        from: PageFrom,
        mode: PageMode,
        limit: usize,
    ) -> Effect {
        self.loading = true;
        Effect::Db(DbRequest::Queue {
            generation: self.generation,
            query: Box::new(self.query(session, from, limit)),
            mode,
        })
    }

    /// Loads from the top (filter or sort changed), or around `keep`.
    pub fn reload(&mut self, session: &Session, height: usize, keep: Option<i64>) -> Vec<Effect> {
        self.generation += 1;
        if keep.is_none() {
            self.stale = true;
        }
        let (from, mode) = match keep {
            Some(id) => {
                // Start just before the first visible row so the view does not jump.
                let from = if self.offset == 0 || self.rows.is_empty() {
                    if self.at_start {
                        PageFrom::Start
                    } else {
                        self.rows
                            .first()
                            .map_or(PageFrom::Start, |r| PageFrom::After(r.clone()))
                    }
                } else {
                    PageFrom::After(self.rows[self.offset - 1].clone())
                };
                (from, PageMode::ReplaceKeep(id))
            }
            None => (PageFrom::Start, PageMode::Replace),
        };
        let limit = (height * 2).max(CHUNK);
        let mut out = vec![self.request(session, from, mode, limit)];
        // Counts follow the filter (not the order); they change when work is done too.
        out.push(Effect::Db(DbRequest::Counts {
            claim_idle_secs: session.claim_idle_secs,
            filter: self.filter.text(),
        }));
        out
    }

    /// The first page in the new order; the counts stay (they follow the filter only).
    fn reorder(&mut self, session: &Session, height: usize) -> Vec<Effect> {
        let mut out = self.reload(session, height, None);
        out.retain(|e| !matches!(e, Effect::Db(DbRequest::Counts { .. })));
        out
    }

    /// Reloads keeping the selection (after returning from a review).
    pub fn refresh(&mut self, session: &Session, height: usize) -> Vec<Effect> {
        let keep = self.rows.get(self.selected).map(|r| r.id);
        match keep {
            Some(id) => self.reload(session, height, Some(id)),
            None => self.reload(session, height, None),
        }
    }

    pub fn selected_row(&self) -> Option<&QueueRow> {
        self.rows.get(self.selected)
    }

    /// Keeps the selection on screen.
    pub fn follow(&mut self, height: usize) {
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + height {
            self.offset = self.selected + 1 - height;
        }
        let max_offset = self.rows.len().saturating_sub(height);
        if self.offset > max_offset && self.at_end {
            self.offset = max_offset;
        }
    }

    /// Fetches more rows when the selection nears either end of the window.
    fn prefetch(&mut self, session: &Session, height: usize) -> Vec<Effect> {
        if self.loading || self.rows.is_empty() {
            return Vec::new();
        }
        if !self.at_end && self.selected + height >= self.rows.len() {
            let last = self.rows[self.rows.len() - 1].clone();
            return vec![self.request(session, PageFrom::After(last), PageMode::Append, CHUNK)];
        }
        if !self.at_start && self.selected < height {
            let first = self.rows[0].clone();
            return vec![self.request(session, PageFrom::Before(first), PageMode::Prepend, CHUNK)];
        }
        Vec::new()
    }

    pub fn action(&mut self, action: Action, session: &Session, height: usize) -> Outcome {
        Outcome::Effects(self.act(action, session, height)).or_popup(self.notice.take())
    }

    fn act(&mut self, action: Action, session: &Session, height: usize) -> Vec<Effect> {
        let last = self.rows.len().saturating_sub(1);
        match action {
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + height).min(last),
            Action::PageUp => self.selected = self.selected.saturating_sub(height),
            Action::Top => {
                if self.at_start {
                    self.selected = 0;
                } else {
                    self.generation += 1;
                    let limit = (height * 2).max(CHUNK);
                    return vec![self.request(session, PageFrom::Start, PageMode::Replace, limit)];
                }
            }
            Action::Bottom => {
                if self.at_end {
                    self.selected = last;
                } else {
                    self.generation += 1;
                    let limit = (height * 2).max(CHUNK);
                    return vec![self.request(
                        session,
                        PageFrom::End,
                        PageMode::ReplaceAtEnd,
                        limit,
                    )];
                }
            }
            Action::Open => {
                if self.stale {
                    self.open_when_loaded = true;
                    return Vec::new();
                }
                return match self.selected_row() {
                    Some(r) => vec![Effect::Db(DbRequest::Open {
                        submission_id: r.id,
                        claim_idle_secs: session.claim_idle_secs,
                    })],
                    None => Vec::new(),
                };
            }
            Action::Filter => self.filtering = true,
            Action::TimeSpent => return vec![Effect::Db(DbRequest::TimeSpent)],
            Action::OpenLearner => {
                return self
                    .rows
                    .get(self.selected)
                    .map(|r| {
                        Effect::Db(DbRequest::LearnerView(
                            crate::store::learner::LearnerRef::Submission(r.id),
                        ))
                    })
                    .into_iter()
                    .collect();
            }
            Action::MyWork => {
                let mine = format!("assessor:{}", session.user);
                if self.filter.text() == mine {
                    self.filter.clear();
                } else {
                    self.filter.set(&mine);
                }
                return self.reload(session, height, None);
            }
            Action::Sort => {
                self.sort = self.sort.next();
                return self.reorder(session, height);
            }
            Action::Reverse => {
                self.reverse = !self.reverse;
                return self.reorder(session, height);
            }
            Action::Refresh => return self.refresh(session, height),
            Action::ReleaseClaim => {
                let Some(r) = self.selected_row() else {
                    return Vec::new();
                };
                match &r.claimed_by {
                    None => {
                        self.notice = Some(Popup::info(
                            "Not claimed",
                            "Nobody is working on this submission.".into(),
                        ))
                    }
                    Some(holder) if *holder != session.user && !session.is_lead => {
                        self.notice = Some(Popup::error(
                            "Only a lead can do that",
                            format!(
                                "{holder} holds this claim. A lead can release it, or it expires after {} minutes idle.",
                                session.claim_idle_secs / 60
                            ),
                        ))
                    }
                    Some(holder) => {
                        // Destructive: it asks, and says what becomes of the holder's work.
                        let whose = if *holder == session.user {
                            "your".to_string()
                        } else {
                            format!("{holder}'s")
                        };
                        self.notice = Some(Popup::Confirm {
                            title: "Release the claim?".into(),
                            text: format!(
                                "{} is in progress by {holder}. Releasing lets anyone take it; {whose} draft stays saved and comes back when {} open it again.",
                                r.learner,
                                if *holder == session.user {
                                    "you"
                                } else {
                                    "they"
                                },
                            ),
                            yes: "release".into(),
                            no: "keep the claim".into(),
                            action: ConfirmAction::Release(r.id),
                        });
                    }
                }
            }
            _ => {}
        }
        self.follow(height);
        self.prefetch(session, height)
    }

    /// Pasted text, into the filter while one is typed.
    pub fn paste(&mut self, text: &str, session: &Session, height: usize) -> Vec<Effect> {
        if !self.filtering || self.filter.paste(text) != InputEvent::Changed {
            return Vec::new();
        }
        self.reload(session, height, None)
    }

    /// Keys while typing a filter; None for a key the filter does not take (it goes to the
    /// app: Ctrl-C quits).
    pub fn filter_key(
        &mut self,
        k: KeyEvent,
        session: &Session,
        height: usize,
    ) -> Option<Vec<Effect>> {
        Some(match self.filter.key(k) {
            InputEvent::Submit => {
                self.filtering = false;
                Vec::new()
            }
            InputEvent::Cancel => {
                self.filtering = false;
                if self.filter.is_empty() {
                    return Some(Vec::new());
                }
                self.filter.clear();
                self.reload(session, height, None)
            }
            InputEvent::Changed => self.reload(session, height, None),
            InputEvent::Moved => Vec::new(),
            InputEvent::Ignored => match k.code {
                KeyCode::Down => self.act(Action::Down, session, height),
                KeyCode::Up => self.act(Action::Up, session, height),
                _ => return None,
            },
        })
    }

    /// A page arrived.
    pub fn page(
        &mut self,
        generation: u64,
        mode: PageMode,
        mut rows: Vec<QueueRow>,
        session: &Session,
        height: usize,
    ) -> Vec<Effect> {
        if generation != self.generation {
            return Vec::new();
        }
        self.loading = false;
        self.loaded = true;
        let fresh = matches!(
            mode,
            PageMode::Replace | PageMode::ReplaceAtEnd | PageMode::ReplaceKeep(_)
        );
        for r in &mut rows {
            r.learner = sanitize::line(&r.learner);
            r.cohort = sanitize::line(&r.cohort);
            r.rubric = sanitize::line(&r.rubric);
            r.claimed_by = r.claimed_by.as_deref().map(sanitize::line);
        }
        let full = rows.len() >= CHUNK;
        match mode {
            PageMode::Replace => {
                self.at_start = true;
                self.at_end = rows.len() < (height * 2).max(CHUNK);
                self.rows = rows;
                self.selected = 0;
                self.offset = 0;
            }
            PageMode::ReplaceAtEnd => {
                self.at_end = true;
                self.at_start = rows.len() < (height * 2).max(CHUNK);
                self.rows = rows;
                self.selected = self.rows.len().saturating_sub(1);
                self.offset = self.rows.len().saturating_sub(height);
            }
            PageMode::ReplaceKeep(id) => {
                let keep_start = self.at_start && self.offset == 0;
                self.at_end = rows.len() < (height * 2).max(CHUNK);
                self.rows = rows;
                self.at_start = keep_start;
                self.offset = 0;
                self.selected = self
                    .rows
                    .iter()
                    .position(|r| r.id == id)
                    .unwrap_or(0)
                    .min(self.rows.len().saturating_sub(1));
            }
            PageMode::Append => {
                self.at_end = !full;
                self.rows.extend(rows);
                if self.rows.len() > MAX_ROWS {
                    let drop = self.rows.len() - MAX_ROWS;
                    self.rows.drain(..drop);
                    self.selected = self.selected.saturating_sub(drop);
                    self.offset = self.offset.saturating_sub(drop);
                    self.at_start = false;
                }
            }
            PageMode::Prepend => {
                self.at_start = !full;
                let added = rows.len();
                rows.extend(std::mem::take(&mut self.rows));
                self.rows = rows;
                self.selected += added;
                self.offset += added;
                if self.rows.len() > MAX_ROWS {
                    self.rows.truncate(MAX_ROWS);
                    self.at_end = false;
                }
            }
        }
        self.follow(height);
        if fresh {
            self.stale = false;
            if std::mem::take(&mut self.open_when_loaded) {
                return self.act(Action::Open, session, height);
            }
        }
        Vec::new()
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let (theme, session, now) = (ctx.theme, ctx.session, ctx.now);
        let width = usize::from(area.width);
        let mut lines: Vec<Line<'static>> = Vec::with_capacity(usize::from(area.height));
        let filter = if self.filter.is_empty() {
            String::new()
        } else {
            format!(" · filter “{}”", sanitize::line(&self.filter.text()))
        };
        lines.push(Line::from(vec![
            Span::styled(" Merit ", theme.selected()),
            Span::styled(" Queue", theme.title()),
            Span::raw(format!(
                " · {} · sorted by {}{}{filter}",
                sanitize::line(&session.user),
                self.sort.label(),
                if self.reverse { ", reversed" } else { "" }
            )),
        ]));
        lines.push(Line::styled(self.counts_line(width), theme.dim()));
        let wide = width >= 100;
        let cols = Columns::new(width, wide);
        // My work (an `assessor:` filter) shows when each was submitted instead of its age.
        let mine = crate::store::QueueFilter::parse(&self.filter.text())
            .assessor
            .is_some();
        lines.push(Line::styled(
            cols.header(if mine { "done" } else { "age" }),
            theme.title(),
        ));
        let height = usize::from(area.height).saturating_sub(lines.len());
        if self.rows.is_empty() {
            let msg = if !self.loaded || self.loading {
                "loading…".to_string()
            } else if self.filter.is_empty() {
                "Nothing in the queue. Import submissions with `merit import`.".to_string()
            } else {
                "No submission matches the filter. Esc clears it.".to_string()
            };
            lines.push(Line::styled(format!(" {msg}"), theme.dim()));
        }
        for (i, r) in self.rows.iter().enumerate().skip(self.offset).take(height) {
            let status = match (&r.claimed_by, r.status.as_str()) {
                (Some(by), "new" | "second_marking") if *by == session.user => {
                    "in progress by you".to_string()
                }
                (Some(by), "new" | "second_marking") => format!("in progress by {by}"),
                (_, s) => status_label(s).to_string(),
            };
            // Recognition of prior learning says so beside where the work stands.
            let status = match r.route {
                crate::vocabulary::Route::PriorLearning => format!("{status} · prior learning"),
                crate::vocabulary::Route::Course => status,
            };
            let style = match r.status.as_str() {
                "not_yet" => theme.warn(),
                "scored" | "approved" => theme.dim(),
                _ => ratatui::style::Style::new(),
            };
            // The selection is a pointer and the highlighted name, not the whole row, so a
            // cursor move rewrites a few dozen cells rather than two full lines.
            let when = match (mine, r.submitted_at) {
                (true, Some(t)) => month_day(t),
                (true, None) => "–".to_string(),
                (false, _) => age(now - r.created_at),
            };
            let (learner, rest) = cols.row(r, &status, &when);
            let selected = i == self.selected;
            lines.push(Line::from(vec![
                Span::styled(if selected { "▶" } else { " " }, theme.key()),
                Span::styled(learner, if selected { theme.selected() } else { style }),
                Span::styled(rest, style),
            ]));
        }
        f.render_widget(Paragraph::new(lines), area);
    }

    /// The counts that fit in `width` columns: whole parts only, `…` for the ones left out.
    fn counts_line(&self, width: usize) -> String {
        let order = [
            "new",
            "in_progress",
            "scored",
            "second_marking",
            "not_yet",
            "approved",
        ];
        let count = |s: &str| {
            self.counts
                .iter()
                .find(|(k, _)| k == s)
                .map_or(0, |(_, n)| *n)
        };
        let total: i64 = order.iter().map(|s| count(s)).sum();
        let parts: Vec<String> = order
            .iter()
            .filter(|s| **s == "new" || count(s) > 0)
            .map(|s| format!("{} {}", count(s), status_label(s)))
            .collect();
        let what = if self.filter.is_empty() {
            "submissions"
        } else {
            "match the filter"
        };
        let mut line = format!(" {total} {what}");
        for (i, p) in parts.iter().enumerate() {
            let more = i + 1 < parts.len();
            let room = width.saturating_sub(if more { 4 } else { 0 });
            if line.width() + 3 + p.width() > room {
                line.push_str(" · …");
                break;
            }
            line.push_str(" · ");
            line.push_str(p);
        }
        line
    }
}

/// The attempt column: as wide as its name.
const ATTEMPT_W: usize = crate::vocabulary::ATTEMPT.len();

/// Column widths for the queue table at a given terminal width.
struct Columns {
    learner: usize,
    cohort: usize,
    rubric: usize,
    status: usize,
}

impl Columns {
    fn new(width: usize, wide: bool) -> Self {
        let (cohort, rubric, status) = if wide { (20, 20, 24) } else { (18, 0, 20) };
        // marker(1) + learner + ' ' + cohort + ' ' + [rubric + ' '] + attempt + ' ' + status + ' ' + age(5)
        let fixed =
            1 + 1 + cohort + 1 + if wide { rubric + 1 } else { 0 } + ATTEMPT_W + 1 + status + 1 + 5;
        Columns {
            learner: width.saturating_sub(fixed).max(8),
            cohort,
            rubric,
            status,
        }
    }

    fn header(&self, last: &str) -> String {
        let (learner, rest) = self.join(
            "learner",
            "cohort",
            "rubric",
            crate::vocabulary::ATTEMPT,
            "status",
            last,
        );
        format!(" {learner}{rest}")
    }

    /// The learner cell (padded) and the rest of the row.
    fn row(&self, r: &QueueRow, status: &str, age: &str) -> (String, String) {
        self.join(
            &r.learner,
            &r.cohort,
            &r.rubric,
            &r.attempt.to_string(),
            status,
            age,
        )
    }

    fn join(
        &self,
        learner: &str,
        cohort: &str,
        rubric: &str,
        att: &str,
        status: &str,
        age: &str,
    ) -> (String, String) {
        let first = pad(&fit(learner, self.learner), self.learner);
        let mut s = String::from(" ");
        s.push_str(&pad(&fit(cohort, self.cohort), self.cohort));
        s.push(' ');
        if self.rubric > 0 {
            s.push_str(&pad(&fit(rubric, self.rubric), self.rubric));
            s.push(' ');
        }
        let att = fit(att, ATTEMPT_W);
        s.push_str(&" ".repeat(ATTEMPT_W.saturating_sub(att.width())));
        s.push_str(&att);
        s.push(' ');
        s.push_str(&pad(&fit(status, self.status), self.status));
        s.push(' ');
        let age = fit(age, 5);
        s.push_str(&" ".repeat(5usize.saturating_sub(age.width())));
        s.push_str(&age);
        (first, s)
    }
}

/// A date as `MM-DD` (UTC), five columns like an age.
fn month_day(secs: i64) -> String {
    crate::store::format_time(secs)
        .get(5..10)
        .unwrap_or_default()
        .to_string()
}

/// A compact age: `45s`, `12m`, `5h`, `3d`, `8w`.
pub fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        86_400..=1_209_599 => format!("{}d", s / 86_400),
        _ => format!("{}w", s / 604_800),
    }
}

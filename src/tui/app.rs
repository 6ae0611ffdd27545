//! App state and `update(msg) -> effects`. No IO here and none in `draw`: the event loop
//! performs the effects, so every behaviour can be tested by feeding messages.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::sanitize;

use std::cell::RefCell;

use crate::authoring::SaveOutcome;
use crate::tui::context::{MIN_HEIGHT, MIN_WIDTH, Session};
use crate::tui::effect::DbRequest;
use crate::tui::effect::{Effect, Secret};
use crate::tui::graphics::{Graphics, Placement};
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::message::ApprovalEvent;
use crate::tui::message::DbReply;
use crate::tui::message::Msg;
use crate::tui::screens::Outcome;
use crate::tui::screens::cohort::CohortScreen;
use crate::tui::screens::cohorts::CohortsScreen;
use crate::tui::screens::editor::EditorScreen;
use crate::tui::screens::queue::QueueScreen;
use crate::tui::screens::review::ReviewScreen;
use crate::tui::screens::rubrics::{RubricsOutcome, RubricsScreen};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::{
    Approval, ConfirmAction, Field, FieldAction, Pager, Popup, PopupOutcome,
};
use crate::tui::widgets::progress::ApprovalProgress;
use crate::tui::widgets::{self, too_small};

pub struct App {
    pub session: Session,
    pub theme: Theme,
    pub size: (u16, u16),
    /// Seconds since the epoch, as of the last message (set by the loop; fixed in tests).
    pub now: i64,
    pub queue: QueueScreen,
    pub review: Option<ReviewScreen>,
    pub rubrics: Option<RubricsScreen>,
    pub editor: Option<EditorScreen>,
    pub cohorts: Option<CohortsScreen>,
    pub cohort: Option<CohortScreen>,
    /// The approval signing in the background, if one is.
    pub approval: Option<ApprovalProgress>,
    pub popup: Option<Popup>,
    pub quit: bool,
    /// Test hook: pressing this key panics (to test terminal restoration).
    pub panic_key: Option<char>,
    /// How images are shown.
    pub graphics: Graphics,
    /// The image the last frame wants shown with terminal graphics (set while drawing).
    pub placement: RefCell<Option<Placement>>,
}

impl App {
    pub fn new(session: Session, theme: Theme, size: (u16, u16), now: i64) -> App {
        App {
            session,
            theme,
            size,
            now,
            queue: QueueScreen::default(),
            review: None,
            rubrics: None,
            editor: None,
            cohorts: None,
            cohort: None,
            approval: None,
            popup: None,
            quit: false,
            panic_key: None,
            graphics: Graphics::HalfBlocks,
            placement: RefCell::new(None),
        }
    }

    /// The first requests: a page of the queue and the counts.
    pub fn start(&mut self) -> Vec<Effect> {
        self.queue.reload(&self.session, self.rows_height(), None)
    }

    /// Rows of the queue table that fit on screen.
    pub fn rows_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    fn mode(&self) -> Mode {
        if let Some(e) = &self.editor {
            return e.mode();
        }
        if let Some(r) = &self.review {
            return r.mode();
        }
        if self.rubrics.is_some() {
            return Mode::Rubrics;
        }
        if self.cohort.is_some() {
            return Mode::Cohort;
        }
        if self.cohorts.is_some() {
            return Mode::Cohorts;
        }
        Mode::Queue
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Paste(text) => {
                if let Some(Popup::Editor(ed)) = &mut self.popup {
                    ed.paste(&text);
                    return self.editor_changed();
                }
                Vec::new()
            }
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.queue.follow(self.rows_height());
                Vec::new()
            }
            Msg::Quit => {
                self.quit = true;
                Vec::new()
            }
            Msg::Fatal(e) => {
                self.popup = Some(Popup::error("Cannot open the workspace", e));
                Vec::new()
            }
            Msg::Db(reply) => self.db(reply),
            Msg::Validated {
                generation,
                problems,
                parsed,
            } => {
                if let Some(e) = &mut self.editor {
                    e.validated(generation, problems, parsed.map(|b| *b));
                }
                Vec::new()
            }
            Msg::ExternalEdited(result) => self.external_edited(result),
            Msg::Approval(event) => self.approval_event(event),
            Msg::Artifact {
                submission_id,
                index,
                content,
            } => {
                if let Some(r) = &mut self.review {
                    r.artifact_loaded(submission_id, index, *content);
                }
                Vec::new()
            }
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let (Some(c), KeyCode::Char(p)) = (self.panic_key, k.code)
            && c == p
        {
            panic!("test panic requested with key {c:?}");
        }
        if let Some(r) = &mut self.review {
            r.touch(self.now);
        }
        if let Some(popup) = &mut self.popup {
            return match popup.key(k) {
                PopupOutcome::Stay => Vec::new(),
                PopupOutcome::Close => {
                    self.popup = None;
                    Vec::new()
                }
                PopupOutcome::Edited => self.editor_changed(),
                PopupOutcome::Confirmed(action) => {
                    self.popup = None;
                    self.confirmed(action, true)
                }
                PopupOutcome::Declined(action) => {
                    self.popup = None;
                    self.confirmed(action, false)
                }
                PopupOutcome::Entered(action, text) => {
                    self.popup = None;
                    self.field_entered(action, text)
                }
                PopupOutcome::Picked(text) => {
                    self.popup = None;
                    match &mut self.review {
                        Some(r) => r.insert_feedback(&text),
                        None => Vec::new(),
                    }
                }
            };
        }
        // The editor takes every key (it types text); its commands are Ctrl and F keys.
        if let Some(e) = &mut self.editor {
            if k.code == KeyCode::Char('c')
                && k.modifiers
                    .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
            {
                // Leave at once; the recovery copy keeps unsaved work for next time.
                let out = e.end(false);
                self.quit = true;
                return out;
            }
            let outcome = e.key(k, self.size);
            return self.editor_outcome(outcome);
        }
        // Typing into a filter or search box takes every printable key.
        if let Some(c) = &mut self.cohort
            && c.filtering
        {
            c.filter_key(k);
            return Vec::new();
        }
        if self.review.is_none()
            && self.rubrics.is_none()
            && self.cohorts.is_none()
            && self.queue.filtering
        {
            return self.queue.filter_key(k, &self.session, self.rows_height());
        }
        if let Some(r) = &mut self.review
            && r.searching()
        {
            r.search_key(k, self.size);
            return Vec::new();
        }
        let mode = self.mode();
        let Some(action) = keymap::action(mode, &k) else {
            return Vec::new();
        };
        match action {
            Action::Help => {
                self.popup = Some(Popup::Help(mode));
                return Vec::new();
            }
            Action::Quit if self.approval.is_some() => {
                self.popup = Some(Popup::Confirm {
                    title: "An approval is running".into(),
                    text: "Quit anyway? Signing stops after the batch in hand: every credential stored so far is complete, and approving again continues where it stopped.\ny: quit · n: stay".into(),
                    action: ConfirmAction::QuitDuringApproval,
                });
                return Vec::new();
            }
            Action::Quit => {
                if let Some(r) = self.review.take() {
                    let mut out = r.leave();
                    self.quit = true;
                    return std::mem::take(&mut out);
                }
                self.quit = true;
                return Vec::new();
            }
            _ => {}
        }
        if let Some(r) = &mut self.review {
            let outcome = r.action(action, self.size, self.theme);
            return self.review_outcome(outcome);
        }
        if let Some(r) = &mut self.rubrics {
            return match r.action(action, &self.session) {
                RubricsOutcome::Effects(e) => e,
                RubricsOutcome::Popup(p) => {
                    self.popup = Some(p);
                    Vec::new()
                }
                RubricsOutcome::Close => {
                    self.rubrics = None;
                    Vec::new()
                }
            };
        }
        if let Some(c) = &mut self.cohort {
            if action == Action::CancelApproval {
                return self.ask_cancel();
            }
            let page = usize::from(self.size.1.saturating_sub(8)).max(1);
            let outcome = c.action(action, &self.session, self.now, page);
            return self.outcome(outcome, |app| {
                app.cohort = None;
                vec![Effect::Db(DbRequest::Cohorts)]
            });
        }
        if let Some(c) = &mut self.cohorts {
            if action == Action::Open {
                let Some(summary) = c.current().cloned() else {
                    return Vec::new();
                };
                let (screen, effects) = CohortScreen::open(summary, &self.session, self.now);
                self.cohort = Some(screen);
                return effects;
            }
            let outcome = c.action(action);
            return self.outcome(outcome, |app| {
                app.cohorts = None;
                app.queue.refresh(&app.session, app.rows_height())
            });
        }
        if action == Action::OpenCohorts {
            let (screen, effects) = CohortsScreen::open();
            self.cohorts = Some(screen);
            return effects;
        }
        if action == Action::OpenRubrics {
            let (screen, effects) = RubricsScreen::open();
            self.rubrics = Some(screen);
            return effects;
        }
        self.queue
            .action(action, &self.session, self.rows_height(), &mut self.popup)
    }

    fn editor_outcome(&mut self, outcome: Outcome) -> Vec<Effect> {
        self.outcome(outcome, |app| {
            app.editor = None;
            vec![Effect::Db(DbRequest::RubricOverview)]
        })
    }

    /// Effects and popups go where they always go; `close` says what leaving the screen means.
    fn outcome(
        &mut self,
        outcome: Outcome,
        close: impl FnOnce(&mut App) -> Vec<Effect>,
    ) -> Vec<Effect> {
        match outcome {
            Outcome::Effects(e) => e,
            Outcome::Popup(p) => {
                self.popup = Some(p);
                Vec::new()
            }
            Outcome::Close(mut effects) => {
                effects.extend(close(self));
                effects
            }
        }
    }

    /// A confirmation was answered (`yes` or not).
    fn confirmed(&mut self, action: ConfirmAction, yes: bool) -> Vec<Effect> {
        match action {
            ConfirmAction::Submit if yes => match &mut self.review {
                Some(r) => r.confirmed_submit(),
                None => Vec::new(),
            },
            ConfirmAction::MoveUnscored { rubric_id, hash } if yes => {
                vec![Effect::Db(DbRequest::MoveUnscored { rubric_id, hash })]
            }
            ConfirmAction::LeaveEditor if yes => match self.editor.take() {
                Some(e) => {
                    let mut out = e.end(true);
                    out.push(Effect::Db(DbRequest::RubricOverview));
                    out
                }
                None => Vec::new(),
            },
            ConfirmAction::Recovery(text) => match &mut self.editor {
                Some(e) if yes => e.replace(&text),
                Some(e) => vec![Effect::Db(DbRequest::Recovery {
                    rubric_id: e.rubric_id.clone(),
                    base_hash: e.base_hash.clone(),
                    text: None,
                })],
                None => Vec::new(),
            },
            ConfirmAction::ExternalAgain if yes => match &self.editor {
                Some(e) => vec![Effect::ExternalEditor { text: e.text() }],
                None => Vec::new(),
            },
            ConfirmAction::Delete(path) if yes => match &mut self.editor {
                Some(e) => e.delete(path),
                None => Vec::new(),
            },
            ConfirmAction::Approve(approval) if yes => {
                self.popup = Some(Popup::Field(Box::new(Field::secret(
                    "Passphrase of the issuer key (never shown or stored)".into(),
                    FieldAction::Approve(approval),
                ))));
                Vec::new()
            }
            ConfirmAction::CancelApproval if yes => match &mut self.approval {
                Some(p) => {
                    p.cancelling = true;
                    vec![Effect::CancelApproval]
                }
                None => Vec::new(),
            },
            ConfirmAction::SecondMarking(submission_id) if yes => {
                vec![Effect::Db(DbRequest::RequestSecondMarking {
                    submission_id,
                })]
            }
            ConfirmAction::QuitDuringApproval if yes => {
                self.quit = true;
                vec![Effect::CancelApproval]
            }
            _ => Vec::new(),
        }
    }

    fn field_entered(&mut self, action: FieldAction, text: String) -> Vec<Effect> {
        if let FieldAction::Approve(approval) = action {
            return self.start_approval(*approval, text);
        }
        if let FieldAction::Revoke { credential_id } = action {
            return vec![Effect::Db(DbRequest::Revoke {
                credential_id,
                reason: text,
            })];
        }
        if let FieldAction::Resolve {
            submission_id,
            decision,
        } = action
        {
            return vec![Effect::Db(DbRequest::ResolveSecondMarking {
                submission_id,
                decision,
                note: text,
            })];
        }
        if let FieldAction::Compare(id) = &action {
            let picked = self
                .rubrics
                .as_ref()
                .and_then(|r| r.rubrics.iter().find(|x| x.id == *id))
                .map(|r| crate::tui::screens::rubrics::pick_versions(r, &text));
            return match picked {
                Some(Ok((a, b))) => vec![Effect::Db(DbRequest::RubricCompare {
                    rubric_id: id.clone(),
                    a,
                    b,
                })],
                Some(Err(why)) => {
                    self.popup = Some(Popup::error("Cannot compare", why));
                    Vec::new()
                }
                None => Vec::new(),
            };
        }
        match &mut self.editor {
            Some(e) => {
                let outcome = e.field_entered(action, text);
                self.editor_outcome(outcome)
            }
            None => Vec::new(),
        }
    }

    /// $EDITOR returned.
    fn external_edited(&mut self, result: Result<String, String>) -> Vec<Effect> {
        let Some(e) = &mut self.editor else {
            return Vec::new();
        };
        match result {
            Err(why) => {
                self.popup = Some(Popup::error("$EDITOR did not run", why));
                Vec::new()
            }
            Ok(text) => {
                let effects = e.replace(&text);
                if let Err(problems) = crate::rubric::parse(text.as_bytes()) {
                    let p = &problems[0];
                    self.popup = Some(Popup::Confirm {
                        title: "Still not valid".into(),
                        text: format!(
                            "{} problem(s); the first at line {}, column {}: {}\ny opens $EDITOR again; n fixes it here.",
                            problems.len(),
                            p.span.line,
                            p.span.col,
                            p.message
                        ),
                        action: ConfirmAction::ExternalAgain,
                    });
                }
                effects
            }
        }
    }

    fn start_approval(&mut self, approval: Approval, passphrase: String) -> Vec<Effect> {
        if let Some(p) = &self.approval {
            self.popup = Some(Popup::error(
                "An approval is running",
                format!(
                    "Cohort {} is being signed ({}). Wait for it or cancel it with x.",
                    sanitize::line(&p.cohort_id),
                    p.summary()
                ),
            ));
            return Vec::new();
        }
        if passphrase.is_empty() {
            self.popup = Some(Popup::error(
                "Not approved",
                "The passphrase is empty; nothing was signed.".into(),
            ));
            return Vec::new();
        }
        self.approval = Some(ApprovalProgress::new(
            &approval.plan.cohort_id,
            approval.suite,
            approval.plan.to_issue.len(),
        ));
        vec![Effect::Approve {
            approval,
            passphrase: Secret(passphrase),
        }]
    }

    fn ask_cancel(&mut self) -> Vec<Effect> {
        self.popup = Some(match &self.approval {
            Some(p) if !p.cancelling => Popup::Confirm {
                title: "Cancel the approval?".into(),
                text: format!(
                    "{}.\nSigning stops after the batch in hand; everything stored so far is complete and stays issued. Approving again continues.\ny: cancel · n: keep signing",
                    p.summary()
                ),
                action: ConfirmAction::CancelApproval,
            },
            Some(_) => Popup::info("Cancelling", "The batch in hand is finishing.".into()),
            None => Popup::info("Nothing to cancel", "No approval is running.".into()),
        });
        Vec::new()
    }

    fn approval_event(&mut self, event: ApprovalEvent) -> Vec<Effect> {
        match event {
            ApprovalEvent::Progress {
                done,
                total,
                elapsed_ms,
            } => {
                if let Some(p) = &mut self.approval {
                    p.done = done;
                    p.total = total;
                    p.elapsed_ms = elapsed_ms;
                }
                Vec::new()
            }
            ApprovalEvent::Finished { result, elapsed_ms } => {
                let progress = self.approval.take();
                let suite = progress.as_ref().map_or("", |p| p.suite.name());
                self.popup = Some(match result {
                    Ok(r) => {
                        let secs = (elapsed_ms as f64 / 1000.0).max(0.001);
                        let mut text = format!(
                            "{} credential(s) issued with {suite} in {secs:.1} s ({:.0}/s).\n{} already had one.",
                            r.issued.len(),
                            r.issued.len() as f64 / secs,
                            r.already_issued
                        );
                        if !r.failed.is_empty() {
                            text.push_str(&format!(
                                "\n{} failed; the first: {}",
                                r.failed.len(),
                                r.failed[0]
                            ));
                        }
                        if r.cancelled {
                            text.push_str(
                                "\nCancelled: approving again continues where it stopped.",
                            );
                        }
                        text.push_str(&format!(
                            "\nExport letters and badges with `merit export --cohort {} --out DIR`.",
                            progress.as_ref().map_or("ID".into(), |p| sanitize::line(&p.cohort_id))
                        ));
                        let title = if r.cancelled {
                            "Approval cancelled"
                        } else {
                            "Approved"
                        };
                        if r.failed.is_empty() {
                            Popup::info(title, text)
                        } else {
                            Popup::error(title, text)
                        }
                    }
                    Err(e) => Popup::error(
                        "Not approved",
                        format!("{e}\nNothing was signed in this attempt."),
                    ),
                });
                let mut out = vec![Effect::Db(DbRequest::Cohorts)];
                if let Some(c) = &self.cohort {
                    out.extend(c.reload(&self.session, self.now));
                }
                out
            }
        }
    }

    fn review_outcome(&mut self, outcome: Outcome) -> Vec<Effect> {
        self.outcome(outcome, |app| {
            app.review = None;
            app.queue.refresh(&app.session, app.rows_height())
        })
    }

    fn editor_changed(&mut self) -> Vec<Effect> {
        let (Some(Popup::Editor(ed)), Some(r)) = (&self.popup, &mut self.review) else {
            return Vec::new();
        };
        r.set_text(&ed.target, ed.text())
    }

    fn db(&mut self, reply: DbReply) -> Vec<Effect> {
        match reply {
            DbReply::Queue {
                generation,
                mode,
                rows,
            } => match rows {
                Ok(rows) => {
                    let h = self.rows_height();
                    self.queue.page(generation, mode, rows, &self.session, h)
                }
                Err(e) => {
                    self.queue.loading = false;
                    // Nothing new is coming: Enter acts on what is shown again.
                    self.queue.stale = false;
                    self.queue.open_when_loaded = false;
                    self.popup = Some(Popup::error("Cannot load the queue", e));
                    Vec::new()
                }
            },
            DbReply::Counts(c) => {
                self.queue.counts = c;
                Vec::new()
            }
            DbReply::Opened(Ok(data)) => {
                let (screen, effects) = ReviewScreen::open(*data, self.now);
                if let Some(why) = &screen.read_only {
                    self.popup = Some(Popup::info(
                        "Read only",
                        format!("This submission is {why}; you can read it but not score it."),
                    ));
                }
                self.review = Some(screen);
                effects
            }
            DbReply::Opened(Err(e)) => {
                self.popup = Some(Popup::error("Cannot open the submission", e));
                Vec::new()
            }
            DbReply::DraftSaved(Ok(())) | DbReply::Left => Vec::new(),
            DbReply::DraftSaved(Err(e)) => {
                self.popup = Some(Popup::error(
                    "The draft was not saved",
                    format!("{e}\n\nYour work is still on screen; try again or copy it out."),
                ));
                Vec::new()
            }
            DbReply::Submitted(Ok((decision, awaiting_lead))) => {
                let who = self
                    .review
                    .as_ref()
                    .map(|r| r.data.learner_name.clone())
                    .unwrap_or_default();
                self.review = None;
                self.popup = Some(Popup::info(
                    "Submitted",
                    if awaiting_lead {
                        format!(
                            "Your decision for {who}: {}. The first assessor decided otherwise, \
                             so a lead decides.",
                            decision.label()
                        )
                    } else {
                        format!("Decision for {who}: {}.", decision.label())
                    },
                ));
                self.queue.refresh(&self.session, self.rows_height())
            }
            DbReply::Submitted(Err(e)) => {
                self.popup = Some(Popup::error("Not submitted", e));
                Vec::new()
            }
            DbReply::Rubrics(list) => {
                if let Some(r) = &mut self.rubrics {
                    r.loaded(list);
                }
                Vec::new()
            }
            DbReply::RubricOpened(Ok(open)) => {
                let (screen, effects, popup) = EditorScreen::open(*open);
                self.editor = Some(screen);
                if popup.is_some() {
                    self.popup = popup;
                }
                effects
            }
            DbReply::RubricOpened(Err(e)) => {
                self.popup = Some(Popup::error("Cannot open the rubric", e));
                Vec::new()
            }
            DbReply::RubricSaved { text, result } => self.rubric_saved(text, result),
            DbReply::CohortChanged { title, result } => {
                self.popup = Some(match result {
                    Ok(done) => Popup::info(title, done),
                    Err(e) => Popup::error(title, e),
                });
                match &self.cohort {
                    Some(c) => c.reload(&self.session, self.now),
                    None => Vec::new(),
                }
            }
            DbReply::Moved(r) => {
                self.popup = Some(match r {
                    Ok(n) => Popup::info(
                        "Moved",
                        format!("{n} submission(s) not yet scored now use the new version."),
                    ),
                    Err(e) => Popup::error("Not moved", e),
                });
                vec![Effect::Db(DbRequest::RubricOverview)]
            }
            DbReply::Pager { title, lines } => {
                self.popup = Some(Popup::Pager(pager(&title, lines, self.theme)));
                Vec::new()
            }
            DbReply::Done => Vec::new(),
            DbReply::Cohorts(Ok(list)) => {
                if let Some(c) = &mut self.cohorts {
                    c.loaded(list);
                }
                Vec::new()
            }
            DbReply::Cohorts(Err(e)) => {
                self.popup = Some(Popup::error("Cannot list the cohorts", e));
                Vec::new()
            }
            DbReply::CohortRows {
                cohort_id,
                rows,
                issuer,
            } => {
                if let Some(c) = &mut self.cohort
                    && c.cohort.id == cohort_id
                {
                    c.loaded(rows, issuer);
                }
                Vec::new()
            }
            DbReply::Released(r) => {
                self.popup = Some(match r {
                    Ok(true) => Popup::info("Released", "The claim is released.".to_string()),
                    Ok(false) => {
                        Popup::info("Nothing to release", "No claim was held.".to_string())
                    }
                    Err(e) => Popup::error("Cannot release the claim", e),
                });
                self.queue.refresh(&self.session, self.rows_height())
            }
        }
    }

    fn rubric_saved(&mut self, text: String, result: Result<SaveOutcome, String>) -> Vec<Effect> {
        let Some(e) = &mut self.editor else {
            return Vec::new();
        };
        match result {
            Err(err) => {
                self.popup = Some(Popup::error("Not saved", err));
                Vec::new()
            }
            Ok(SaveOutcome::Invalid(problems)) => {
                let p = &problems[0];
                let msg = format!("line {}, column {}: {}", p.span.line, p.span.col, p.message);
                e.problems = problems;
                self.popup = Some(Popup::error("Not saved", msg));
                Vec::new()
            }
            Ok(SaveOutcome::Unchanged(v)) => {
                e.saved(v.hash, v.version, &text);
                self.popup = Some(Popup::info(
                    "Nothing to save",
                    format!(
                        "This means the same as version {} (comments and layout do not make a version).",
                        v.version
                    ),
                ));
                Vec::new()
            }
            Ok(SaveOutcome::Conflict { current, .. }) => {
                let who = sanitize::line(&current.created_by);
                self.popup = Some(Popup::error(
                    "Not saved: someone saved first",
                    format!(
                        "{who} saved version {} after you started from version {}. Nothing was overwritten.\nF7 shows how your text differs from the version you started from; reopen the rubric to start from version {} and apply your changes there.",
                        current.version, e.version, current.version
                    ),
                ));
                vec![Effect::Db(DbRequest::RubricDiff {
                    rubric_id: e.rubric_id.clone(),
                    from: current.hash.clone(),
                    text: Some(text),
                })]
            }
            Ok(SaveOutcome::Saved {
                version,
                file,
                unscored,
            }) => {
                e.saved(version.hash.clone(), version.version, &text);
                let file_note = match file {
                    None => "It is kept in the workspace (it came from no file).".to_string(),
                    Some(Ok(p)) => format!(
                        "Written back to {}.",
                        sanitize::line(&p.display().to_string())
                    ),
                    Some(Err(why)) => format!(
                        "The file could not be written ({}); the version is in the workspace.",
                        sanitize::line(&why)
                    ),
                };
                self.popup = Some(if unscored > 0 {
                    Popup::Confirm {
                        title: format!("Saved as version {}", version.version),
                        text: format!(
                            "{file_note}\n{unscored} submission(s) not yet scored use an older version. Move them to version {}? (Scored work always keeps its version.)",
                            version.version
                        ),
                        action: ConfirmAction::MoveUnscored {
                            rubric_id: e.rubric_id.clone(),
                            hash: version.hash,
                        },
                    }
                } else {
                    Popup::info(&format!("Saved as version {}", version.version), file_note)
                });
                Vec::new()
            }
        }
    }

    pub fn draw(&self, f: &mut Frame<'_>) {
        let area = f.area();
        self.placement.replace(None);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small::draw(f, area, self.theme);
            return;
        }
        let [body, footer] = widgets::split_footer(area);
        if let Some(e) = &self.editor {
            e.draw(f, body, self.theme);
        } else if let Some(r) = &self.rubrics.as_ref().filter(|_| self.review.is_none()) {
            r.draw(f, body, self.theme, &self.session);
        } else if self.cohort.is_some() || self.cohorts.is_some() {
            // Signing in the background: its progress takes the bottom of the screen.
            let (list, panel) = match &self.approval {
                Some(_) => {
                    let [list, panel] = ratatui::layout::Layout::vertical([
                        ratatui::layout::Constraint::Min(1),
                        ratatui::layout::Constraint::Length(ApprovalProgress::HEIGHT),
                    ])
                    .areas(body);
                    (list, Some(panel))
                }
                None => (body, None),
            };
            match (&self.cohort, &self.cohorts) {
                (Some(c), _) => c.draw(f, list, self.theme, &self.session),
                (None, Some(c)) => c.draw(f, list, self.theme, &self.session),
                (None, None) => {}
            }
            if let (Some(p), Some(panel)) = (&self.approval, panel) {
                p.draw(f, panel, self.theme);
            }
        } else {
            match &self.review {
                Some(r) => {
                    // A popup covers the image; terminal graphics would draw over the popup.
                    let placement = r.draw(f, body, self.theme, self.graphics);
                    if self.popup.is_none() {
                        self.placement.replace(placement);
                    }
                }
                None => self
                    .queue
                    .draw(f, body, self.theme, &self.session, self.now),
            }
        }
        widgets::footer::draw(f, footer, self.mode(), self.theme, self.status_hint());
        if let Some(p) = &self.popup {
            p.draw(f, area, self.theme);
        }
    }

    fn status_hint(&self) -> Option<String> {
        if let Some(c) = &self.cohort
            && c.filtering
        {
            return Some(format!(
                "filter: {}▏  Enter keep · Esc clear",
                sanitize::line(&c.filter)
            ));
        }
        if let Some(p) = &self.approval
            && self.cohort.is_none()
            && self.cohorts.is_none()
        {
            return Some(format!(
                "signing {}: {}",
                sanitize::line(&p.cohort_id),
                p.summary()
            ));
        }
        if self.review.is_none() && self.queue.filtering {
            return Some(format!(
                "filter: {}▏  Enter keep · Esc clear",
                sanitize::line(&self.queue.filter)
            ));
        }
        self.review.as_ref().and_then(|r| r.status_hint())
    }
}

/// Styled lines for a pager from tagged text lines (sanitized here).
fn pager(title: &str, lines: Vec<(char, String)>, theme: Theme) -> Pager {
    use ratatui::text::{Line, Span};
    let lines = lines
        .into_iter()
        .map(|(tag, text)| {
            let text = sanitize::line(&text);
            match tag {
                '#' => Line::styled(text, theme.title()),
                '*' => Line::from(vec![Span::styled("• ", theme.marker()), Span::raw(text)]),
                '+' => Line::styled(format!("+{text}"), theme.good()),
                '-' => Line::styled(format!("-{text}"), theme.bad()),
                '@' => Line::styled(text, theme.dim()),
                _ => Line::raw(format!(" {text}")),
            }
        })
        .collect();
    Pager {
        title: title.to_string(),
        lines,
        scroll: 0,
    }
}

//! App state and `update(msg) -> effects`. No IO here and none in `draw`: the event loop
//! performs the effects, so every behaviour can be tested by feeding messages.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::sanitize;

use std::cell::RefCell;

use crate::authoring::SaveOutcome;
use crate::tui::context::{Ctx, MIN_HEIGHT, MIN_WIDTH, Session};
use crate::tui::effect::DbRequest;
use crate::tui::effect::{Effect, Secret};
use crate::tui::graphics::{Graphics, Placement};
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::message::ApprovalEvent;
use crate::tui::message::DbReply;
use crate::tui::message::Msg;
use crate::tui::screens::cohort::CohortScreen;
use crate::tui::screens::cohorts::CohortsScreen;
use crate::tui::screens::editor::EditorScreen;
use crate::tui::screens::queue::QueueScreen;
use crate::tui::screens::reliability::ReliabilityScreen;
use crate::tui::screens::review::ReviewScreen;
use crate::tui::screens::rubrics::RubricsScreen;
use crate::tui::screens::{Outcome, Screen, Screens};
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
    /// The bottom of the screen stack, always there.
    pub queue: QueueScreen,
    /// The screens opened above the queue; the last is in front.
    pub screens: Screens,
    /// The approval signing in the background, if one is.
    pub approval: Option<ApprovalProgress>,
    /// How to hand out what the running approval signs (said when it ends).
    pub approval_hint: String,
    /// Popups, the last in front: a new one waits above the others rather than replacing
    /// them, and closing one shows the one below again.
    pub popups: Vec<Popup>,
    pub quit: bool,
    /// Test hook: pressing this key panics (to test terminal restoration).
    pub panic_key: Option<char>,
    /// How images are shown.
    pub graphics: Graphics,
    /// The image the last frame wants shown with terminal graphics (set while drawing).
    pub placement: RefCell<Option<Placement>>,
    /// The cohorts and rubric ids last read, for the command line's Tab and `:cohort ID`.
    pub known_cohorts: Vec<crate::store::CohortSummary>,
    pub known_rubrics: Vec<String>,
}

/// The command line's commands, and whether each takes an id.
const COMMANDS: [(&str, bool); 10] = [
    ("queue", false),
    ("cohorts", false),
    ("cohort", true),
    ("learner", true),
    ("submission", true),
    ("rubric", true),
    ("rubrics", false),
    ("reliability", false),
    ("help", false),
    ("q", false),
];

impl App {
    pub fn new(session: Session, theme: Theme, size: (u16, u16), now: i64) -> App {
        App {
            session,
            theme,
            size,
            now,
            queue: QueueScreen::default(),
            screens: Screens::default(),
            approval: None,
            approval_hint: String::new(),
            popups: Vec::new(),
            quit: false,
            panic_key: None,
            graphics: Graphics::HalfBlocks,
            placement: RefCell::new(None),
            known_cohorts: Vec::new(),
            known_rubrics: Vec::new(),
        }
    }

    /// The popup in front, if any.
    pub fn popup(&self) -> Option<&Popup> {
        self.popups.last()
    }

    /// The review screen, if one is open.
    pub fn review(&self) -> Option<&ReviewScreen> {
        self.screens.review()
    }

    /// The rubric editor, if open.
    pub fn editor(&self) -> Option<&EditorScreen> {
        self.screens.editor()
    }

    /// The cohort view, if open.
    pub fn cohort(&self) -> Option<&CohortScreen> {
        self.screens.cohort()
    }

    /// The cohorts list, if open.
    pub fn cohorts(&self) -> Option<&CohortsScreen> {
        self.screens.cohorts()
    }

    /// The rubrics list, if open.
    pub fn rubrics(&self) -> Option<&RubricsScreen> {
        self.screens.rubrics()
    }

    fn ctx(&self) -> Ctx<'_> {
        Ctx {
            session: &self.session,
            theme: self.theme,
            size: self.size,
            now: self.now,
        }
    }

    /// The first requests: a page of the queue and the counts.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut out = self.queue.reload(&self.session, self.rows_height(), None);
        // A lead hears at once of calibrations that wait for their decision.
        if self.session.is_lead {
            out.push(Effect::Db(DbRequest::CalibrationWaiting));
        }
        out
    }

    /// Rows of the queue table that fit on screen.
    pub fn rows_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(5)).max(1)
    }

    fn mode(&self) -> Mode {
        self.screens.top().map_or(Mode::Queue, Screen::mode)
    }

    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(k) => self.key(k),
            Msg::Paste(text) => self.paste(&text),
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
                self.popups
                    .push(Popup::error("Cannot open the workspace", e));
                Vec::new()
            }
            Msg::Db(reply) => self.db(reply),
            Msg::Validated {
                generation,
                problems,
                parsed,
            } => {
                if let Some(e) = self.screens.editor_mut() {
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
                if let Some(r) = self.screens.review_mut() {
                    r.artifact_loaded(submission_id, index, *content);
                }
                Vec::new()
            }
            Msg::ArtifactDiff {
                submission_id,
                index,
                content,
            } => {
                if let Some(r) = self.screens.review_mut() {
                    r.diff_loaded(submission_id, index, *content);
                }
                Vec::new()
            }
        }
    }

    /// Pasted text goes to what is taking text: the popup in front, else the screen.
    fn paste(&mut self, text: &str) -> Vec<Effect> {
        match self.popups.last_mut() {
            Some(Popup::Editor(ed)) => {
                ed.paste(text);
                return self.editor_changed();
            }
            Some(Popup::Field(f)) => {
                f.input.paste(text);
                return Vec::new();
            }
            Some(Popup::Command(c)) => {
                c.input.paste(text);
                return Vec::new();
            }
            _ => {}
        }
        if !self.popups.is_empty() {
            return Vec::new();
        }
        let ctx_size = self.rows_height();
        if self.screens.is_empty() {
            return self.queue.paste(text, &self.session, ctx_size);
        }
        match self.screens.top_mut().and_then(|s| s.paste(text)) {
            Some(outcome) => self.outcome(outcome),
            None => Vec::new(),
        }
    }

    fn key(&mut self, k: KeyEvent) -> Vec<Effect> {
        if let (Some(c), KeyCode::Char(p)) = (self.panic_key, k.code)
            && c == p
        {
            panic!("test panic requested with key {c:?}");
        }
        if let Some(r) = self.screens.review_mut() {
            r.touch(self.now);
        }
        if let Some(Popup::Command(_)) = self.popups.last()
            && k.code == KeyCode::Tab
        {
            self.complete_command();
            return Vec::new();
        }
        if let Some(popup) = self.popups.last_mut() {
            return match popup.key(k) {
                PopupOutcome::Command(text) => {
                    let Some(Popup::Command(mut line)) = self.popups.pop() else {
                        return Vec::new();
                    };
                    match self.run_command(&text) {
                        Ok(effects) => effects,
                        // Refused: the line stays, saying why.
                        Err(why) => {
                            line.note = Some(why);
                            self.popups.push(Popup::Command(line));
                            Vec::new()
                        }
                    }
                }
                PopupOutcome::Stay => Vec::new(),
                PopupOutcome::Close => {
                    self.popups.pop();
                    Vec::new()
                }
                PopupOutcome::Edited => self.editor_changed(),
                PopupOutcome::Confirmed(action) => {
                    self.popups.pop();
                    self.confirmed(action, true)
                }
                PopupOutcome::Declined(action) => {
                    self.popups.pop();
                    self.confirmed(action, false)
                }
                PopupOutcome::Entered(action, text) => match self.field_problem(&action, &text) {
                    // The prompt stays open, saying what is wrong with what was typed.
                    Some(why) => {
                        if let Some(Popup::Field(f)) = self.popups.last_mut() {
                            f.error = Some(why);
                        }
                        Vec::new()
                    }
                    None => {
                        self.popups.pop();
                        self.field_entered(action, text)
                    }
                },
                PopupOutcome::Picked(text) => {
                    self.popups.pop();
                    match self.screens.review_mut() {
                        Some(r) => r.insert_feedback(&text),
                        None => Vec::new(),
                    }
                }
            };
        }
        // The editor takes every key (it types text); its commands are Ctrl and F keys.
        if let Some(Screen::Editor(e)) = self.screens.top()
            && k.code == KeyCode::Char('c')
            && k.modifiers
                .contains(ratatui::crossterm::event::KeyModifiers::CONTROL)
        {
            // Leave at once; the recovery copy keeps unsaved work for next time.
            let out = e.end(false);
            self.quit = true;
            return out;
        }
        // A screen taking text (a filter, a search, the editor) sees the key first.
        let ctx_height = self.rows_height();
        if self.screens.is_empty()
            && self.queue.filtering
            && let Some(effects) = self.queue.filter_key(k, &self.session, ctx_height)
        {
            return effects;
        }
        let session = self.session.clone();
        let ctx = Ctx {
            session: &session,
            theme: self.theme,
            size: self.size,
            now: self.now,
        };
        if let Some(outcome) = self.screens.top_mut().and_then(|s| s.text_key(k, &ctx)) {
            return self.outcome(outcome);
        }
        let mode = self.mode();
        let Some(action) = keymap::action(mode, &k) else {
            return Vec::new();
        };
        match action {
            Action::Help => {
                self.popups.push(Popup::Help(mode));
                return Vec::new();
            }
            Action::Command => {
                self.popups.push(Popup::Command(Box::new(
                    crate::tui::widgets::popup::CommandLine {
                        input: crate::tui::widgets::line_input::LineInput::new(200),
                        note: None,
                    },
                )));
                // The ids Tab completes.
                return vec![
                    Effect::Db(DbRequest::Cohorts),
                    Effect::Db(DbRequest::RubricOverview),
                ];
            }
            Action::Quit | Action::QuitNow if self.approval.is_some() => {
                self.popups.push(Popup::Confirm {
                    title: "An approval is running".into(),
                    text: "Quit anyway? Signing stops after the batch in hand: every credential stored so far is complete, and approving again continues where it stopped.".into(),
                    yes: "quit".into(),
                    no: "stay".into(),
                    action: ConfirmAction::QuitDuringApproval,
                });
                return Vec::new();
            }
            Action::Quit => {
                // `q` is "back" on every other screen: on the queue it asks, so a key
                // pressed once too often does not end the session.
                self.popups.push(Popup::Confirm {
                    title: "Quit Merit?".into(),
                    text: format!(
                        "Your drafts are saved. Claims you hold stay yours for {} minutes, then others may take the work.",
                        self.session.claim_idle_secs / 60
                    ),
                    yes: "quit".into(),
                    no: "stay".into(),
                    action: ConfirmAction::Quit,
                });
                return Vec::new();
            }
            Action::QuitNow => return self.quit_now(),
            Action::CancelApproval if matches!(self.screens.top(), Some(Screen::Cohort(_))) => {
                return self.ask_cancel();
            }
            _ => {}
        }
        if let Some(top) = self.screens.top_mut() {
            let outcome = top.action(action, &ctx);
            return self.outcome(outcome);
        }
        if action == Action::OpenCohorts {
            let (screen, effects) = CohortsScreen::open();
            self.screens.push(Screen::Cohorts(Box::new(screen)));
            return effects;
        }
        if action == Action::OpenReliability {
            return self.open_reliability();
        }
        if action == Action::OpenRubrics {
            let (screen, effects) = RubricsScreen::open();
            self.screens.push(Screen::Rubrics(Box::new(screen)));
            return effects;
        }
        let outcome = self.queue.action(action, &self.session, ctx_height);
        self.outcome(outcome)
    }

    /// Effects and popups go where they always go; a closed screen is popped and the one
    /// below it, now in front, is read again.
    fn outcome(&mut self, outcome: Outcome) -> Vec<Effect> {
        match outcome {
            Outcome::Effects(e) => e,
            Outcome::Popup(p) => {
                self.popups.push(p);
                Vec::new()
            }
            Outcome::Close(mut effects) => {
                self.screens.pop();
                effects.extend(self.reload_top());
                effects
            }
            Outcome::Push(screen, effects) => {
                self.screens.push(screen);
                effects
            }
        }
    }

    /// What the screen in front needs when it is shown again.
    fn reload_top(&mut self) -> Vec<Effect> {
        match self.screens.top() {
            None => self.queue.refresh(&self.session, self.rows_height()),
            Some(Screen::Cohorts(_)) => vec![
                Effect::Db(DbRequest::Cohorts),
                Effect::Db(DbRequest::Pathways),
            ],
            Some(Screen::Rubrics(_)) => vec![Effect::Db(DbRequest::RubricOverview)],
            Some(Screen::Cohort(c)) => c.reload(&self.session, self.now),
            Some(_) => Vec::new(),
        }
    }

    /// Closes the screens `is` picks (and any above them), then reads again the one in front.
    fn close(&mut self, is: impl Fn(&Screen) -> bool) -> Vec<Effect> {
        if self.screens.close(is) {
            self.reload_top()
        } else {
            Vec::new()
        }
    }

    /// Tab on the command line: completes the command, or the id after it; several
    /// candidates are listed above the line.
    fn complete_command(&mut self) {
        let Some(Popup::Command(line)) = self.popups.last() else {
            return;
        };
        let text = line.input.text();
        let (head, candidates): (String, Vec<String>) = match text.split_once(' ') {
            None => (
                String::new(),
                COMMANDS
                    .iter()
                    .filter(|(c, _)| c.starts_with(text.as_str()))
                    .map(|(c, arg)| format!("{c}{}", if *arg { " " } else { "" }))
                    .collect(),
            ),
            Some((cmd, arg)) => {
                let ids: Vec<String> = match cmd {
                    "cohort" => self.known_cohorts.iter().map(|c| c.id.clone()).collect(),
                    "rubric" => self.known_rubrics.clone(),
                    _ => Vec::new(),
                };
                (
                    format!("{cmd} "),
                    ids.into_iter()
                        .filter(|i| i.starts_with(arg.trim()))
                        .collect(),
                )
            }
        };
        let common = candidates.iter().skip(1).fold(
            candidates.first().cloned().unwrap_or_default(),
            |acc, c| {
                acc.chars()
                    .zip(c.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a)
                    .collect()
            },
        );
        let Some(Popup::Command(line)) = self.popups.last_mut() else {
            return;
        };
        if !common.is_empty() {
            line.input.set(&format!("{head}{common}"));
        }
        line.note = match candidates.len() {
            0 => Some("nothing to complete".into()),
            1 => None,
            _ => Some(
                candidates
                    .iter()
                    .take(12)
                    .map(|c| c.trim().to_string())
                    .collect::<Vec<_>>()
                    .join("  "),
            ),
        };
    }

    /// Runs a command line; Err says why not (shown on the line, which stays).
    fn run_command(&mut self, text: &str) -> Result<Vec<Effect>, String> {
        let mut words = text.split_whitespace();
        let cmd = words.next().unwrap_or("");
        let arg = words.next();
        if words.next().is_some() {
            return Err(format!("`{}`: one id at most", sanitize::line(text)));
        }
        let usage = "commands: queue, cohorts, cohort ID, learner ID, submission ID, rubric ID, rubrics, reliability, help, q";
        // Going elsewhere leaves the screens open now; an open editor is left by hand (it
        // may hold unsaved text).
        let navigates = !matches!(cmd, "help" | "q" | "quit");
        if navigates && self.screens.editor().is_some() {
            return Err("leave the rubric editor first (Esc; it asks about unsaved work)".into());
        }
        let mut out: Vec<Effect> = Vec::new();
        let leave = |app: &mut App| {
            let effects: Vec<Effect> = app.screens.iter().flat_map(Screen::leave).collect();
            app.screens.close(|_| true);
            effects
        };
        match (cmd, arg) {
            ("q" | "quit", None) => {
                return Ok(self.key(KeyEvent::new(
                    KeyCode::Char('c'),
                    ratatui::crossterm::event::KeyModifiers::CONTROL,
                )));
            }
            ("help", None) => self.popups.push(Popup::Help(self.mode())),
            ("queue", None) => {
                out.extend(leave(self));
                out.extend(self.queue.refresh(&self.session, self.rows_height()));
            }
            ("cohorts", None) => {
                out.extend(leave(self));
                let (screen, effects) = CohortsScreen::open();
                self.screens.push(Screen::Cohorts(Box::new(screen)));
                out.extend(effects);
            }
            ("reliability", None) => {
                out.extend(leave(self));
                out.extend(self.open_reliability());
            }
            ("rubrics", None) => {
                out.extend(leave(self));
                let (screen, effects) = RubricsScreen::open();
                self.screens.push(Screen::Rubrics(Box::new(screen)));
                out.extend(effects);
            }
            ("cohort", Some(id)) => {
                let Some(summary) = self.known_cohorts.iter().find(|c| c.id == id).cloned() else {
                    return Err(format!(
                        "no cohort `{}` (Tab completes the ids)",
                        sanitize::line(id)
                    ));
                };
                out.extend(leave(self));
                let (mut list, effects) = CohortsScreen::open();
                list.loaded(self.known_cohorts.clone());
                out.extend(effects);
                self.screens.push(Screen::Cohorts(Box::new(list)));
                let (screen, effects) = CohortScreen::open(summary, &self.session, self.now);
                self.screens.push(Screen::Cohort(Box::new(screen)));
                out.extend(effects);
            }
            ("rubric", Some(id)) => {
                if !self.known_rubrics.iter().any(|r| r == id) {
                    return Err(format!(
                        "no rubric `{}` (Tab completes the ids)",
                        sanitize::line(id)
                    ));
                }
                out.extend(leave(self));
                let (screen, effects) = RubricsScreen::open();
                self.screens.push(Screen::Rubrics(Box::new(screen)));
                out.extend(effects);
                out.push(Effect::Db(DbRequest::OpenRubric {
                    rubric_id: id.to_string(),
                }));
            }
            ("submission", Some(n)) => {
                let Ok(submission_id) = n.trim_start_matches('#').parse::<i64>() else {
                    return Err(format!(
                        "`{}` is not a submission id (a number)",
                        sanitize::line(n)
                    ));
                };
                out.extend(leave(self));
                out.push(Effect::Db(DbRequest::Open {
                    submission_id,
                    claim_idle_secs: self.session.claim_idle_secs,
                }));
            }
            ("learner", Some(id)) => {
                out.push(Effect::Db(DbRequest::LearnerView(
                    crate::store::learner::LearnerRef::Key(id.to_string()),
                )));
            }
            ("", None) => {}
            (c, _) if COMMANDS.iter().any(|(n, arg)| *n == c && *arg) => {
                return Err(format!("`{c}` takes an id: `{c} ID` (Tab completes)"));
            }
            _ => {
                return Err(format!(
                    "unknown command `{}`; {usage}",
                    sanitize::line(text)
                ));
            }
        }
        Ok(out)
    }

    /// A confirmation was answered (`yes` or not).
    fn confirmed(&mut self, action: ConfirmAction, yes: bool) -> Vec<Effect> {
        match action {
            ConfirmAction::Submit if yes => match self.screens.review_mut() {
                Some(r) => r.confirmed_submit(),
                None => Vec::new(),
            },
            ConfirmAction::MoveUnscored { rubric_id, hash } if yes => {
                vec![Effect::Db(DbRequest::MoveUnscored { rubric_id, hash })]
            }
            ConfirmAction::LeaveEditor if yes => match self.screens.editor() {
                Some(e) => {
                    let mut out = e.end(true);
                    out.extend(self.close(|s| matches!(s, Screen::Editor(_))));
                    out
                }
                None => Vec::new(),
            },
            ConfirmAction::Recovery(text) => match self.screens.editor_mut() {
                Some(e) if yes => e.replace(&text),
                Some(e) => vec![Effect::Db(DbRequest::Recovery {
                    rubric_id: e.rubric_id.clone(),
                    base_hash: e.base_hash.clone(),
                    text: None,
                })],
                None => Vec::new(),
            },
            ConfirmAction::ExternalAgain if yes => match self.screens.editor() {
                Some(e) => vec![Effect::ExternalEditor { text: e.text() }],
                None => Vec::new(),
            },
            ConfirmAction::Delete(path) if yes => match self.screens.editor_mut() {
                Some(e) => e.delete(path),
                None => Vec::new(),
            },
            ConfirmAction::Approve(approval) if yes => {
                self.popups.push(Popup::Field(Box::new(Field::secret(
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
            ConfirmAction::Release(submission_id) if yes => {
                vec![Effect::Db(DbRequest::Release { submission_id })]
            }
            ConfirmAction::OpenNext { rubric_id, after } if yes => {
                vec![Effect::Db(DbRequest::OpenNext {
                    rubric_id,
                    after,
                    claim_idle_secs: self.session.claim_idle_secs,
                })]
            }
            ConfirmAction::Quit if yes => self.quit_now(),
            ConfirmAction::QuitDuringApproval if yes => {
                self.quit = true;
                vec![Effect::CancelApproval]
            }
            _ => Vec::new(),
        }
    }

    /// The reliability screen, for leads (others are told why not).
    fn open_reliability(&mut self) -> Vec<Effect> {
        if !self.session.is_lead {
            self.popups.push(Popup::info(
                "For leads",
                "How far assessors agree names every assessor's judgements: leads see it.".into(),
            ));
            return Vec::new();
        }
        let (screen, effects) = ReliabilityScreen::open();
        self.screens.push(Screen::Reliability(Box::new(screen)));
        effects
    }

    /// Leaves every screen (each says what it keeps) and ends the session.
    fn quit_now(&mut self) -> Vec<Effect> {
        let out = self.screens.iter().flat_map(Screen::leave).collect();
        self.quit = true;
        out
    }

    /// What is wrong with a prompt's text, said inside the prompt (which stays open).
    fn field_problem(&self, action: &FieldAction, text: &str) -> Option<String> {
        match action {
            FieldAction::Revoke { .. } if text.trim().is_empty() => {
                Some("Give a reason: it is kept with the revocation in the audit log.".into())
            }
            FieldAction::Sample { .. } => crate::moderation::parse_line(text).err(),
            FieldAction::Reveal { .. } => match text.trim().split_once(char::is_whitespace) {
                Some((_, reason)) if !reason.trim().is_empty() => None,
                _ => Some(
                    "Type the assessor's name, a space, then why (a grade inquiry, and whose)."
                        .into(),
                ),
            },
            FieldAction::Approve(_) if text.is_empty() => {
                Some("The passphrase is empty; type it, or Esc to sign nothing.".into())
            }
            FieldAction::Compare(id) => self
                .screens
                .rubrics()
                .and_then(|r| r.rubrics.iter().find(|x| x.id == *id))
                .and_then(|r| crate::tui::screens::rubrics::pick_versions(r, text).err()),
            _ => None,
        }
    }

    fn field_entered(&mut self, action: FieldAction, text: String) -> Vec<Effect> {
        if let FieldAction::Approve(approval) = action {
            return self.start_approval(*approval, text);
        }
        if let FieldAction::Sample { cohort } = &action {
            return match crate::moderation::parse_line(&text) {
                Ok((plan, seed)) => vec![Effect::Db(DbRequest::SampleSecondMarking {
                    cohort: cohort.clone(),
                    plan,
                    seed,
                })],
                Err(_) => Vec::new(),
            };
        }
        if let FieldAction::Reveal { submission_id } = action {
            return match text.trim().split_once(char::is_whitespace) {
                Some((assessor, reason)) => vec![Effect::Db(DbRequest::RevealName {
                    submission_id,
                    assessor: assessor.to_string(),
                    reason: reason.trim().to_string(),
                })],
                None => Vec::new(),
            };
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
                .screens
                .rubrics()
                .and_then(|r| r.rubrics.iter().find(|x| x.id == *id))
                .map(|r| crate::tui::screens::rubrics::pick_versions(r, &text));
            return match picked {
                Some(Ok((a, b))) => vec![Effect::Db(DbRequest::RubricCompare {
                    rubric_id: id.clone(),
                    a,
                    b,
                })],
                Some(Err(why)) => {
                    self.popups.push(Popup::error("Cannot compare", why));
                    Vec::new()
                }
                None => Vec::new(),
            };
        }
        match self.screens.editor_mut() {
            Some(e) => {
                let outcome = e.field_entered(action, text);
                self.outcome(outcome)
            }
            None => Vec::new(),
        }
    }

    /// $EDITOR returned.
    fn external_edited(&mut self, result: Result<String, String>) -> Vec<Effect> {
        let Some(e) = self.screens.editor_mut() else {
            return Vec::new();
        };
        match result {
            Err(why) => {
                self.popups.push(Popup::error("$EDITOR did not run", why));
                Vec::new()
            }
            Ok(text) => {
                let effects = e.replace(&text);
                if let Err(problems) = crate::rubric::parse(text.as_bytes()) {
                    let p = &problems[0];
                    self.popups.push(Popup::Confirm {
                        title: "Still not valid".into(),
                        text: format!(
                            "{} problem(s); the first at line {}, column {}: {}",
                            problems.len(),
                            p.span.line,
                            p.span.col,
                            p.message
                        ),
                        yes: "open $EDITOR again".into(),
                        no: "fix it here".into(),
                        action: ConfirmAction::ExternalAgain,
                    });
                }
                effects
            }
        }
    }

    fn start_approval(&mut self, approval: Approval, passphrase: String) -> Vec<Effect> {
        if let Some(p) = &self.approval {
            self.popups.push(Popup::error(
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
            self.popups.push(Popup::error(
                "Not approved",
                "The passphrase is empty; nothing was signed.".into(),
            ));
            return Vec::new();
        }
        self.approval = Some(ApprovalProgress::new(
            approval.plan.subject(),
            approval.suite,
            approval.plan.to_issue(),
        ));
        self.approval_hint = approval.plan.export_hint();
        vec![Effect::Approve {
            approval,
            passphrase: Secret(passphrase),
        }]
    }

    fn ask_cancel(&mut self) -> Vec<Effect> {
        self.popups.push(match &self.approval {
            Some(p) if !p.cancelling => Popup::Confirm {
                title: "Cancel the approval?".into(),
                text: format!(
                    "{}.\nSigning stops after the batch in hand; everything stored so far is complete and stays issued. Approving again continues.",
                    p.summary()
                ),
                yes: "cancel".into(),
                no: "keep signing".into(),
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
                self.popups.push(match result {
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
                        text.push('\n');
                        text.push_str(&self.approval_hint);
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
                let mut out = vec![
                    Effect::Db(DbRequest::Cohorts),
                    Effect::Db(DbRequest::Pathways),
                ];
                if let Some(c) = self.screens.cohort() {
                    out.extend(c.reload(&self.session, self.now));
                }
                out
            }
        }
    }

    fn editor_changed(&mut self) -> Vec<Effect> {
        let (Some(Popup::Editor(ed)), Some(r)) = (self.popups.last(), self.screens.review_mut())
        else {
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
                    self.popups.push(Popup::error("Cannot load the queue", e));
                    Vec::new()
                }
            },
            DbReply::Counts(c) => {
                self.queue.counts = c;
                Vec::new()
            }
            DbReply::Opened(Ok(data)) => {
                if let Some(task) = data.calibration.as_ref().filter(|t| t.index == 1) {
                    self.popups.push(Popup::info(
                        "Calibration first",
                        crate::tui::calibration::intro(task, &data.rubric.title.value),
                    ));
                }
                let (screen, effects) = ReviewScreen::open(*data, self.now);
                if let Some(why) = &screen.read_only {
                    self.popups.push(Popup::info(
                        "Read only",
                        format!("You can read this submission but not score it: {why}."),
                    ));
                }
                self.screens.push(Screen::Review(Box::new(screen)));
                effects
            }
            DbReply::ExemplarScored(Ok(scored)) => {
                let title = self
                    .screens
                    .review()
                    .map(|r| format!("{}: the reference", r.data.learner_name))
                    .unwrap_or_default();
                self.screens.close(|s| matches!(s, Screen::Review(_)));
                self.popups.push(Popup::Pager(pager(
                    &title,
                    crate::tui::calibration::lines(&scored),
                    self.theme,
                )));
                match scored.next {
                    Some(exemplar_id) => vec![Effect::Db(DbRequest::OpenExemplar { exemplar_id })],
                    None => self.queue.reload(&self.session, self.rows_height(), None),
                }
            }
            DbReply::ExemplarScored(Err(e)) => {
                self.popups
                    .push(Popup::error("The exemplar was not scored", e));
                Vec::new()
            }
            DbReply::Opened(Err(e)) => {
                self.popups
                    .push(Popup::error("Cannot open the submission", e));
                Vec::new()
            }
            DbReply::DraftSaved(Ok(())) | DbReply::Left => Vec::new(),
            DbReply::DraftSaved(Err(e)) => {
                self.popups.push(Popup::error(
                    "The draft was not saved",
                    format!("{e}\n\nYour work is still on screen; try again or copy it out."),
                ));
                Vec::new()
            }
            DbReply::Submitted(Ok((decision, awaiting_lead))) => {
                let (who, rubric_id, after) = self
                    .screens
                    .review()
                    .map(|r| {
                        (
                            r.data.learner_name.clone(),
                            r.data.rubric.id.value.clone(),
                            r.data.submission_id,
                        )
                    })
                    .unwrap_or_default();
                self.screens.close(|s| matches!(s, Screen::Review(_)));
                // One box: what was decided, and Enter for the next piece of work.
                self.popups.push(Popup::Next {
                    title: "Submitted".into(),
                    next: ConfirmAction::OpenNext { rubric_id, after },
                    text: if awaiting_lead {
                        format!(
                            "Your decision for {who}: {}. The first assessor decided otherwise, \
                             so a lead decides.",
                            decision.label()
                        )
                    } else {
                        format!("Decision for {who}: {}.", decision.label())
                    },
                });
                self.queue.refresh(&self.session, self.rows_height())
            }
            DbReply::Submitted(Err(e)) => {
                self.popups.push(Popup::error("Not submitted", e));
                Vec::new()
            }
            DbReply::Reliability(report) => {
                if let Some(r) = self.screens.reliability_mut() {
                    r.loaded(report.map(|b| *b));
                }
                Vec::new()
            }
            DbReply::Rubrics(list) => {
                self.known_rubrics = list.iter().map(|r| r.id.clone()).collect();
                if let Some(r) = self.screens.rubrics_mut() {
                    r.loaded(list);
                }
                Vec::new()
            }
            DbReply::RubricOpened(Ok(open)) => {
                let (screen, effects, popup) = EditorScreen::open(*open);
                self.screens.push(Screen::Editor(Box::new(screen)));
                self.popups.extend(popup);
                effects
            }
            DbReply::RubricOpened(Err(e)) => {
                self.popups.push(Popup::error("Cannot open the rubric", e));
                Vec::new()
            }
            DbReply::RubricSaved { text, result } => self.rubric_saved(text, result),
            DbReply::CohortChanged { title, result } => {
                self.popups.push(match result {
                    Ok(done) => Popup::info(title, done),
                    Err(e) => Popup::error(title, e),
                });
                match self.screens.cohort() {
                    Some(c) => c.reload(&self.session, self.now),
                    None => Vec::new(),
                }
            }
            DbReply::Moved(r) => {
                self.popups.push(match r {
                    Ok(n) => Popup::info(
                        "Moved",
                        format!("{n} submission(s) not yet scored now use the new version."),
                    ),
                    Err(e) => Popup::error("Not moved", e),
                });
                vec![Effect::Db(DbRequest::RubricOverview)]
            }
            DbReply::Pager { title, lines } => {
                self.popups
                    .push(Popup::Pager(pager(&title, lines, self.theme)));
                Vec::new()
            }
            DbReply::Done => Vec::new(),
            DbReply::Notice { title, text } => {
                self.popups.push(Popup::info(title, text));
                Vec::new()
            }
            DbReply::Cohorts(Ok(list)) => {
                self.known_cohorts = list.clone();
                if let Some(c) = self.screens.cohorts_mut() {
                    c.loaded(list);
                }
                Vec::new()
            }
            DbReply::Cohorts(Err(e)) => {
                self.popups.push(Popup::error("Cannot list the cohorts", e));
                Vec::new()
            }
            DbReply::Pathways(Ok(list)) => {
                if let Some(c) = self.screens.cohorts_mut() {
                    c.pathways_loaded(list);
                }
                Vec::new()
            }
            DbReply::Pathways(Err(e)) => {
                self.popups
                    .push(Popup::error("Cannot list the pathways", e));
                Vec::new()
            }
            DbReply::PathwayPlan(Ok((plan, text))) => {
                self.popups
                    .push(crate::tui::screens::cohorts::pathway_preview(*plan, text));
                Vec::new()
            }
            DbReply::PathwayPlan(Err(e)) => {
                self.popups
                    .push(Popup::error("Cannot approve the pathway", e));
                Vec::new()
            }
            DbReply::CohortRows {
                cohort_id,
                rows,
                issuer,
            } => {
                if let Some(c) = self.screens.cohort_mut()
                    && c.cohort.id == cohort_id
                {
                    c.loaded(rows, issuer);
                }
                Vec::new()
            }
            DbReply::Released(r) => {
                self.popups.push(match r {
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
        let Some(e) = self.screens.editor_mut() else {
            return Vec::new();
        };
        match result {
            Err(err) => {
                self.popups.push(Popup::error("Not saved", err));
                Vec::new()
            }
            Ok(SaveOutcome::Invalid(problems)) => {
                let p = &problems[0];
                let msg = format!("line {}, column {}: {}", p.span.line, p.span.col, p.message);
                e.problems = problems;
                self.popups.push(Popup::error("Not saved", msg));
                Vec::new()
            }
            Ok(SaveOutcome::Unchanged(v)) => {
                e.saved(v.hash, v.version, &text);
                self.popups.push(Popup::info(
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
                self.popups.push(Popup::error(
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
                self.popups.push(if unscored > 0 {
                    Popup::Confirm {
                        title: format!("Saved as version {}", version.version),
                        text: format!(
                            "{file_note}\n{unscored} submission(s) not yet scored use an older version. Move them to version {}? (Scored work always keeps its version.)",
                            version.version
                        ),
                        yes: "move them".into(),
                        no: "leave them".into(),
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
        let ctx = self.ctx();
        let [body, footer] = widgets::split_footer(area);
        match self.screens.top() {
            None => self.queue.draw(f, body, &ctx),
            Some(s @ (Screen::Cohort(_) | Screen::Cohorts(_))) => {
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
                s.draw(f, list, &ctx, self.graphics);
                if let (Some(p), Some(panel)) = (&self.approval, panel) {
                    p.draw(f, panel, self.theme);
                }
            }
            Some(s) => {
                let placement = s.draw(f, body, &ctx, self.graphics);
                // A popup covers the image; terminal graphics would draw over the popup.
                if self.popups.is_empty() {
                    self.placement.replace(placement);
                }
            }
        }
        let read_only =
            matches!(self.screens.top(), Some(Screen::Review(r)) if r.read_only.is_some());
        widgets::footer::draw(
            f,
            footer,
            self.mode(),
            read_only,
            self.theme,
            self.status_hint(),
        );
        for p in &self.popups {
            p.draw(f, area, self.theme);
        }
    }

    fn status_hint(&self) -> Option<String> {
        if let Some(h) = self.screens.top().and_then(Screen::status_hint) {
            return Some(h);
        }
        if let Some(p) = &self.approval
            && self.screens.cohort().is_none()
            && self.screens.cohorts().is_none()
        {
            return Some(format!(
                "signing {}: {}",
                sanitize::line(&p.cohort_id),
                p.summary()
            ));
        }
        if self.screens.is_empty() && self.queue.filtering {
            return Some(format!(
                "filter: {}  Enter keep · Esc clear",
                self.queue.filter.display()
            ));
        }
        None
    }
}

/// Styled lines for a pager from tagged text lines (sanitized here).
fn pager(title: &str, lines: Vec<(char, String)>, theme: Theme) -> Pager {
    use crate::tui::widgets::popup::PagerLine;
    use ratatui::style::Style;
    use ratatui::text::Span;
    let lines = lines
        .into_iter()
        .map(|(tag, text)| {
            let text = sanitize::line(&text);
            let (marker, style) = match tag {
                '#' => (Span::raw(""), theme.title()),
                '*' => (Span::styled("• ", theme.marker()), Style::new()),
                '+' => (Span::styled("+", theme.good()), theme.good()),
                '-' => (Span::styled("-", theme.bad()), theme.bad()),
                '@' => (Span::raw(""), theme.dim()),
                _ => (Span::raw(" "), Style::new()),
            };
            PagerLine {
                marker,
                text,
                style,
            }
        })
        .collect();
    Pager {
        title: title.to_string(),
        lines,
        scroll: 0,
        rows: std::cell::Cell::new(0),
    }
}

//! App state and `update(msg) -> effects`. No IO here and none in `draw`: the event loop
//! performs the effects, so every behaviour can be tested by feeding messages.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::sanitize;
use crate::store::ArtifactRecord;

use std::cell::RefCell;

use crate::tui::event::Msg;
use crate::tui::graphics::{Graphics, Placement};
use crate::tui::jobs::{DbReply, DbRequest};
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::screens::queue::QueueScreen;
use crate::tui::screens::review::{ReviewOutcome, ReviewScreen};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::{Popup, PopupOutcome};
use crate::tui::widgets::{self, too_small};

/// Smallest terminal the workbench draws in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Work for the event loop to do.
#[derive(Debug)]
pub enum Effect {
    Db(DbRequest),
    LoadArtifact {
        submission_id: i64,
        index: usize,
        record: ArtifactRecord,
        path: Option<std::path::PathBuf>,
    },
}

/// What screens need to know about the session.
#[derive(Clone, Debug)]
pub struct Session {
    pub user: String,
    pub is_lead: bool,
    /// Claims idle longer than this expire.
    pub claim_idle_secs: i64,
}

pub struct App {
    pub session: Session,
    pub theme: Theme,
    pub size: (u16, u16),
    /// Seconds since the epoch, as of the last message (set by the loop; fixed in tests).
    pub now: i64,
    pub queue: QueueScreen,
    pub review: Option<ReviewScreen>,
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
        match &self.review {
            Some(r) => r.mode(),
            None => Mode::Queue,
        }
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
                PopupOutcome::Confirmed => {
                    self.popup = None;
                    match &mut self.review {
                        Some(r) => r.confirmed_submit(),
                        None => Vec::new(),
                    }
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
        // Typing into a filter or search box takes every printable key.
        if self.review.is_none() && self.queue.filtering {
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
        self.queue
            .action(action, &self.session, self.rows_height(), &mut self.popup)
    }

    fn review_outcome(&mut self, outcome: ReviewOutcome) -> Vec<Effect> {
        match outcome {
            ReviewOutcome::Effects(e) => e,
            ReviewOutcome::Popup(p) => {
                self.popup = Some(p);
                Vec::new()
            }
            ReviewOutcome::Close(mut effects) => {
                self.review = None;
                effects.extend(self.queue.refresh(&self.session, self.rows_height()));
                effects
            }
        }
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
            DbReply::Submitted(Ok(decision)) => {
                let who = self
                    .review
                    .as_ref()
                    .map(|r| r.data.learner_name.clone())
                    .unwrap_or_default();
                self.review = None;
                self.popup = Some(Popup::info(
                    "Submitted",
                    format!("Decision for {who}: {}.", decision.label()),
                ));
                self.queue.refresh(&self.session, self.rows_height())
            }
            DbReply::Submitted(Err(e)) => {
                self.popup = Some(Popup::error("Not submitted", e));
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

    pub fn draw(&self, f: &mut Frame<'_>) {
        let area = f.area();
        self.placement.replace(None);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small::draw(f, area, self.theme);
            return;
        }
        let [body, footer] = widgets::split_footer(area);
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
        widgets::footer::draw(f, footer, self.mode(), self.theme, self.status_hint());
        if let Some(p) = &self.popup {
            p.draw(f, area, self.theme);
        }
    }

    fn status_hint(&self) -> Option<String> {
        if self.review.is_none() && self.queue.filtering {
            return Some(format!(
                "filter: {}▏  Enter keep · Esc clear",
                sanitize::line(&self.queue.filter)
            ));
        }
        self.review.as_ref().and_then(|r| r.status_hint())
    }
}

//! The workbench's screens: each holds its state, handles its keys and draws itself, through
//! one contract ([`Screen`]): `mode`, `text_key` (raw keys first, for typing), `action`,
//! `draw` and `status_hint`, each given the same [`Ctx`]. The app keeps them in a stack
//! ([`Screens`]) above the queue; closing pops.

pub mod cohort;
pub mod cohorts;
pub mod editor;
pub mod queue;
pub mod reliability;
pub mod review;
pub mod rubrics;

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::tui::context::Ctx;
use crate::tui::effect::Effect;
use crate::tui::graphics::{Graphics, Placement};
use crate::tui::keymap::{Action, Mode};
use crate::tui::widgets::popup::Popup;

use cohort::CohortScreen;
use cohorts::CohortsScreen;
use editor::EditorScreen;
use reliability::ReliabilityScreen;
use review::ReviewScreen;
use rubrics::RubricsScreen;

/// What a screen asks of the app after a key.
pub enum Outcome {
    Effects(Vec<Effect>),
    Popup(Popup),
    /// Leave the screen (with these last effects).
    Close(Vec<Effect>),
    /// Open a screen above this one.
    Push(Screen, Vec<Effect>),
}

impl Outcome {
    /// This outcome, or the popup when there is one (an action that only raised a notice).
    pub fn or_popup(self, popup: Option<Popup>) -> Outcome {
        match popup {
            Some(p) => Outcome::Popup(p),
            None => self,
        }
    }
}

/// A screen above the queue.
pub enum Screen {
    Review(Box<ReviewScreen>),
    Rubrics(Box<RubricsScreen>),
    Editor(Box<EditorScreen>),
    Cohorts(Box<CohortsScreen>),
    Cohort(Box<CohortScreen>),
    Reliability(Box<ReliabilityScreen>),
}

impl Screen {
    pub fn mode(&self) -> Mode {
        match self {
            Screen::Review(r) => r.mode(),
            Screen::Rubrics(_) => Mode::Rubrics,
            Screen::Editor(e) => e.mode(),
            Screen::Cohorts(_) => Mode::Cohorts,
            Screen::Cohort(_) => Mode::Cohort,
            Screen::Reliability(_) => Mode::Reliability,
        }
    }

    /// A key before the keymap sees it: a screen that is taking text takes it (Some), else
    /// None and the key becomes an action.
    pub fn text_key(&mut self, k: KeyEvent, ctx: &Ctx) -> Option<Outcome> {
        match self {
            Screen::Editor(e) => Some(e.key(k, ctx.size)),
            Screen::Cohort(c) => c.text_key(k),
            Screen::Review(r) => r.text_key(k),
            Screen::Rubrics(_) | Screen::Cohorts(_) | Screen::Reliability(_) => None,
        }
    }

    /// Pasted text, for a screen that is taking text.
    pub fn paste(&mut self, text: &str) -> Option<Outcome> {
        match self {
            Screen::Cohort(c) => c.paste(text),
            Screen::Review(r) => r.paste(text),
            _ => None,
        }
    }

    pub fn action(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        match self {
            Screen::Review(r) => r.action(action, ctx),
            Screen::Rubrics(r) => r.action(action, ctx),
            Screen::Editor(e) => e.action(action, ctx),
            Screen::Cohorts(c) => c.action(action, ctx),
            Screen::Cohort(c) => c.action(action, ctx),
            Screen::Reliability(r) => r.action(action, ctx),
        }
    }

    /// Draws the screen; returns the image to show with terminal graphics, if any.
    pub fn draw(
        &self,
        f: &mut Frame<'_>,
        area: Rect,
        ctx: &Ctx,
        graphics: Graphics,
    ) -> Option<Placement> {
        match self {
            Screen::Review(r) => return r.draw(f, area, ctx, graphics),
            Screen::Rubrics(r) => r.draw(f, area, ctx),
            Screen::Editor(e) => e.draw(f, area, ctx),
            Screen::Cohorts(c) => c.draw(f, area, ctx),
            Screen::Cohort(c) => c.draw(f, area, ctx),
            Screen::Reliability(r) => r.draw(f, area, ctx),
        }
        None
    }

    /// A line for the footer while the screen is in a state of its own (typing a filter).
    pub fn status_hint(&self) -> Option<String> {
        match self {
            Screen::Review(r) => r.status_hint(),
            Screen::Cohort(c) => c.status_hint(),
            _ => None,
        }
    }

    /// Effects of leaving the workbench from this screen (a review releases its claim).
    pub fn leave(&self) -> Vec<Effect> {
        match self {
            Screen::Review(r) => r.leave(),
            _ => Vec::new(),
        }
    }
}

/// The screens above the queue, the top one in front.
#[derive(Default)]
pub struct Screens(Vec<Screen>);

macro_rules! find {
    ($get:ident, $get_mut:ident, $variant:ident, $ty:ty) => {
        /// The topmost screen of this kind, if one is open.
        pub fn $get(&self) -> Option<&$ty> {
            self.0.iter().rev().find_map(|s| match s {
                Screen::$variant(x) => Some(&**x),
                _ => None,
            })
        }
        pub fn $get_mut(&mut self) -> Option<&mut $ty> {
            self.0.iter_mut().rev().find_map(|s| match s {
                Screen::$variant(x) => Some(&mut **x),
                _ => None,
            })
        }
    };
}

impl Screens {
    pub fn push(&mut self, s: Screen) {
        self.0.push(s);
    }
    pub fn pop(&mut self) -> Option<Screen> {
        self.0.pop()
    }
    pub fn top(&self) -> Option<&Screen> {
        self.0.last()
    }
    pub fn top_mut(&mut self) -> Option<&mut Screen> {
        self.0.last_mut()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Screen> {
        self.0.iter()
    }
    /// Closes every screen that `is` picks (with what was above it).
    pub fn close(&mut self, is: impl Fn(&Screen) -> bool) -> bool {
        match self.0.iter().position(is) {
            Some(i) => {
                self.0.truncate(i);
                true
            }
            None => false,
        }
    }
    find!(review, review_mut, Review, ReviewScreen);
    find!(rubrics, rubrics_mut, Rubrics, RubricsScreen);
    find!(editor, editor_mut, Editor, EditorScreen);
    find!(cohorts, cohorts_mut, Cohorts, CohortsScreen);
    find!(cohort, cohort_mut, Cohort, CohortScreen);
    find!(reliability, reliability_mut, Reliability, ReliabilityScreen);
}

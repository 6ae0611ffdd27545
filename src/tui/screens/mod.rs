//! The workbench's screens: each holds its state, handles its keys and draws itself.

pub mod cohort;
pub mod cohorts;
pub mod editor;
pub mod queue;
pub mod review;
pub mod rubrics;

use crate::tui::effect::Effect;
use crate::tui::widgets::popup::Popup;

/// What a screen asks of the app after a key.
pub enum Outcome {
    Effects(Vec<Effect>),
    Popup(Popup),
    /// Leave the screen (with these last effects).
    Close(Vec<Effect>),
}

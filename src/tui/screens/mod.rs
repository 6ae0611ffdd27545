//! The workbench's screens: each holds its state, handles its keys and draws itself.

pub mod editor;
pub mod queue;
pub mod review;
pub mod rubrics;

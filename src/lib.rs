//! Merit: assess evidence against YAML rubrics and issue Open Badges 3.0 credentials.
//!
//! The library holds `rubric` (format, validation,
//! scoring), `store` (the workspace: SQLite and the artifact store), `intake` (importing
//! submissions) and `demo` (a generated workspace), plus `tui`, the workbench, which uses
//! them; none of them uses `tui`, and the command line (`src/cli`, in the binary) uses all.

pub mod access;
pub mod art;
pub mod authoring;
pub mod calibration;
pub mod config;
pub mod credential;
pub mod demo;
pub mod hash;
pub mod identity;
pub mod intake;
pub mod letters;
pub mod moderation;
pub mod notify;
pub mod pathway;
pub mod publish;
pub mod reliability;
pub mod rubric;
pub mod sanitize;
pub mod seam;
pub mod store;
pub mod tui;
pub mod vocabulary;

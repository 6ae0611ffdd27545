//! Merit: assess evidence against YAML rubrics and issue Open Badges 3.0 credentials.
//!
//! The library holds everything but the user interfaces: `rubric` (format, validation,
//! scoring), `store` (the workspace: SQLite and the artifact store), `intake` (importing
//! submissions) and `demo` (a generated workspace). `cli` and `tui` use it; it never uses them.

pub mod demo;
pub mod hash;
pub mod intake;
pub mod rubric;
pub mod sanitize;
pub mod store;

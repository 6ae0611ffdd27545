//! Open Badges 3.0 credentials: issuer keys, canonicalization, Data Integrity proofs.

pub mod approval;
pub mod bake;
pub mod build;
pub mod canon;
pub mod clr;
pub mod contexts;
pub mod dates;
pub mod facts;
pub mod issue;
pub mod issuer;
pub mod keys;
pub mod plain;
pub mod program;
pub mod program_approval;
pub mod proof;
pub mod resolve;
pub mod schema;
pub mod status;
pub mod verify;

//! Open Badges 3.0 credentials: issuer keys, canonicalization, Data Integrity proofs.

pub mod approval;
pub mod bake;
pub mod build;
pub mod canon;
pub mod contexts;
pub mod issue;
pub mod issuer;
pub mod keys;
pub mod proof;
pub mod schema;
pub mod status;
pub mod verify;

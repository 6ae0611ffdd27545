//! Open Badges 3.0 credentials: issuer keys, canonicalization, Data Integrity proofs.

pub mod canon;
pub mod contexts;
pub mod keys;
pub mod proof;

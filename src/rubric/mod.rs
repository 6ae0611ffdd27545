//! Rubrics: the YAML format, validation with source locations, scoring, and versions.

mod bundled;
pub(crate) mod decode;
pub mod diff;
pub mod edit;
pub mod image;
mod model;
mod problem;
mod score;
pub(crate) mod validate;
pub mod yaml;

pub use bundled::BUNDLED;
pub use model::{
    Achievement, Alignment, Criterion, EvidenceRequirement, ImageFile, Level, PassRule, Rubric,
    Spanned,
};
pub use problem::{Problem, Span};
pub use score::{Choices, Decision, Outcome, Shortfall, score};
pub use validate::{ACHIEVEMENT_TYPES, ARTIFACT_KINDS, MAX_LEVELS, check_url, fmt_num, is_slug};

use sha2::{Digest, Sha256};

/// Parses and validates rubric source. Returns every problem found, sorted by position.
pub fn parse(bytes: &[u8]) -> Result<Rubric, Vec<Problem>> {
    let text = yaml::text_of(bytes).map_err(|p| vec![p])?;
    let root = yaml::parse(text).map_err(|p| vec![p])?;
    let mut decoder = decode::Decoder::default();
    let rubric = decode::rubric(&mut decoder, &root);
    let mut problems = decoder.problems;
    if let Some(r) = &rubric {
        // A missing or mistyped field already has its problem; don't also call it "empty".
        let mut meaning = Vec::new();
        validate::check(r, &mut meaning);
        meaning.retain(|m| !problems.iter().any(|p| p.span == m.span));
        problems.extend(meaning);
    }
    match rubric {
        Some(r) if problems.is_empty() => Ok(r),
        _ => {
            problems.sort_by_key(|p| p.span);
            problems.dedup();
            Err(problems)
        }
    }
}

/// The canonical form of a rubric: compact JSON of its meaning (no comments, no layout).
pub fn canonical_json(rubric: &Rubric) -> String {
    // Serializing plain structs and vectors cannot fail.
    serde_json::to_string(rubric).unwrap_or_default()
}

/// A rubric version's identity: SHA-256 (hex) of its canonical form.
pub fn version_hash(rubric: &Rubric) -> String {
    format!("{:x}", Sha256::digest(canonical_json(rubric).as_bytes()))
}

//! The rubric as Merit uses it: what it awards, what evidence it asks for, how it is scored.
//!
//! Every field keeps the [`Span`] it was read from so that problems found later (duplicate
//! ids, unreachable thresholds) can point at the right line. Spans are not part of the
//! serialized (canonical) form, so moving text around in the file does not make a new version.

use serde::{Serialize, Serializer};

use super::problem::Span;

/// A value with the place in the source it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rubric {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub achievement: Achievement,
    pub evidence: Vec<EvidenceRequirement>,
    pub criteria: Vec<Criterion>,
    pub pass: PassRule,
    /// Where the criteria list is (or the top of the file when it is missing).
    #[serde(skip)]
    pub criteria_span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Achievement {
    pub name: Spanned<String>,
    pub description: Spanned<String>,
    /// What earning the badge means, in prose (OB 3.0 `criteria.narrative`).
    pub criteria: Spanned<String>,
    /// OB 3.0 `achievementType`, e.g. `MicroCredential`.
    #[serde(rename = "type")]
    pub achievement_type: Spanned<String>,
    /// An http(s) URL, or a PNG or SVG file beside the rubric file (see [`ImageFile`]).
    pub image: Option<Spanned<String>>,
    /// The file `image` names, once read (`rubric::image::attach`): part of the canonical
    /// form by its hash, so a changed picture is a new version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_file: Option<ImageFile>,
    pub tags: Vec<Spanned<String>>,
    /// Badge expiry: credentials are valid this many days after issue.
    pub valid_for_days: Option<Spanned<u32>>,
    pub alignments: Vec<Alignment>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alignment {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub framework: Option<Spanned<String>>,
    pub code: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    /// OB 3.0 `targetType`, e.g. `ceasn:Competency`.
    #[serde(rename = "type")]
    pub target_type: Option<Spanned<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EvidenceRequirement {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub description: Spanned<String>,
    /// Artifact kinds that answer this requirement (see [`super::ARTIFACT_KINDS`]).
    pub kinds: Vec<Spanned<String>>,
    pub optional: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Criterion {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub description: Spanned<String>,
    pub weight: Spanned<f64>,
    pub levels: Vec<Level>,
    /// The lowest level at which this criterion counts as met; below it the outcome is "not yet".
    pub required: Option<Spanned<String>>,
    pub feedback: Vec<Spanned<String>>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Level {
    pub id: Spanned<String>,
    pub label: Spanned<String>,
    pub points: Spanned<f64>,
    pub descriptor: Spanned<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassRule {
    /// Minimum weighted total (sum of weight × points) to pass.
    pub min_total: Spanned<f64>,
}

impl Rubric {
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id.value == id)
    }

    /// Highest weighted total a submission can reach.
    pub fn max_total(&self) -> f64 {
        self.criteria.iter().map(Criterion::max_weighted).sum()
    }
}

impl Criterion {
    pub fn level(&self, id: &str) -> Option<(usize, &Level)> {
        self.levels
            .iter()
            .enumerate()
            .find(|(_, l)| l.id.value == id)
    }

    pub fn max_weighted(&self) -> f64 {
        let max = self
            .levels
            .iter()
            .map(|l| l.points.value)
            .fold(0.0_f64, f64::max);
        self.weight.value * max
    }

    /// Index of the required level, when there is one and it exists.
    pub fn required_index(&self) -> Option<usize> {
        let req = self.required.as_ref()?;
        self.level(&req.value).map(|(i, _)| i)
    }
}

/// A rubric's own badge picture, read from the file its `image` names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImageFile {
    /// `image/png` or `image/svg+xml`.
    pub media_type: String,
    /// SHA-256 (hex) of `bytes`.
    pub sha256: String,
    #[serde(skip)]
    pub bytes: std::sync::Arc<Vec<u8>>,
}

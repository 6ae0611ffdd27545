//! What a source says to import, before any file is copied.

use serde::Serialize;

use crate::store::LearnerInput;

/// One artifact to import: a file on disk or a URL.
#[derive(Clone, Debug)]
pub struct PlannedArtifact {
    /// Relative path with `/` separators, or the URL.
    pub name: String,
    /// The file, as checked when the plan was made (opened again by [`super::open::open`]).
    pub file: Option<super::open::CheckedFile>,
    pub url: Option<String>,
    pub kind: String,
    pub requirement: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PlannedSubmission {
    pub learner: LearnerInput,
    pub artifacts: Vec<PlannedArtifact>,
    /// The route the source gives (learner.yaml `route:`, the manifest's `route` column);
    /// `None` takes the import's (`--route`, else course).
    pub route: Option<crate::vocabulary::Route>,
    /// Where it came from, for messages: the learner's folder or the manifest rows.
    pub place: String,
}

/// Something in the source that was not imported, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntakeProblem {
    /// A path, or `manifest.csv:LINE`.
    pub place: String,
    pub message: String,
}

impl IntakeProblem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        IntakeProblem {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for IntakeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A source's plan: the submissions to import and the problems found while reading it.
#[derive(Debug, Default)]
pub struct Plan {
    pub submissions: Vec<PlannedSubmission>,
    pub problems: Vec<IntakeProblem>,
}

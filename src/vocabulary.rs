//! The words Merit uses for where a submission stands, and the column names around them:
//! defined once here, and used by the screens, the CLI's text and `--json` keys, the
//! registrar's CSV and README. The database keeps its own stored values (`scored` for
//! "meets"); nothing shows them.

use serde::Serialize;

/// Where a submission (or its credential) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for an assessor.
    New,
    /// An assessor has started on it.
    InProgress,
    /// Decided: it meets the rubric; not approved yet.
    Meets,
    /// Decided: not yet (feedback, and a next attempt).
    NotYet,
    /// Waiting for a second assessor.
    SecondMarking,
    /// The two assessors disagree: a lead decides.
    Disputed,
    /// Approved by an issuer; its credential is being signed.
    Approved,
    /// Its credential is issued.
    Issued,
    /// Its credential was revoked.
    Revoked,
    /// Replaced by a later attempt before it was assessed.
    Superseded,
}

/// Every status, in the order work moves through them.
pub const ALL: [Status; 10] = [
    Status::New,
    Status::InProgress,
    Status::Meets,
    Status::NotYet,
    Status::SecondMarking,
    Status::Disputed,
    Status::Approved,
    Status::Issued,
    Status::Revoked,
    Status::Superseded,
];

/// The column of a learner's attempt number (1, 2, …).
pub const ATTEMPT: &str = "attempt";

impl Status {
    /// The word people read: `new`, `in progress`, `meets`, `not yet`, `second marking`,
    /// `disputed`, `approved`, `issued`, `revoked`, `superseded`.
    pub const fn word(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in progress",
            Status::Meets => "meets",
            Status::NotYet => "not yet",
            Status::SecondMarking => "second marking",
            Status::Disputed => "disputed",
            Status::Approved => "approved",
            Status::Issued => "issued",
            Status::Revoked => "revoked",
            Status::Superseded => "superseded",
        }
    }

    /// The word as a JSON key or CSV value: the same word, `_` for the space.
    pub const fn key(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::NotYet => "not_yet",
            Status::SecondMarking => "second_marking",
            other => other.word(),
        }
    }

    /// The status a stored value means (`scored` is stored for "meets").
    pub fn of_stored(stored: &str) -> Option<Status> {
        Some(match stored {
            "new" => Status::New,
            "in_progress" => Status::InProgress,
            // Stored for a submission's status ("scored") and for a decision ("meets").
            "scored" | "meets" => Status::Meets,
            "not_yet" => Status::NotYet,
            "second_marking" => Status::SecondMarking,
            "disputed" => Status::Disputed,
            "approved" => Status::Approved,
            "issued" => Status::Issued,
            "revoked" => Status::Revoked,
            "superseded" => Status::Superseded,
            _ => return None,
        })
    }
}

impl Status {
    /// The status a person typed: its word, its key, or the word with `-` for the space
    /// (`status:not-yet`), in any case.
    pub fn parse(typed: &str) -> Option<Status> {
        let t = typed.trim().to_lowercase().replace(['-', '_'], " ");
        ALL.into_iter().find(|s| s.word() == t)
    }
}

/// The word for a stored status value (an unknown value as it is).
pub fn word(stored: &str) -> &str {
    match Status::of_stored(stored) {
        Some(s) => s.word(),
        None => stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_status_has_one_word_and_one_key() {
        let words: std::collections::HashSet<_> = ALL.iter().map(|s| s.word()).collect();
        let keys: std::collections::HashSet<_> = ALL.iter().map(|s| s.key()).collect();
        assert_eq!(words.len(), ALL.len());
        assert_eq!(keys.len(), ALL.len());
        for s in ALL {
            assert_eq!(s.key().replace('_', " "), s.word());
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.key().into())
            );
        }
        assert_eq!(word("scored"), "meets");
    }
}

/// How a learner came to the evidence a submission holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// Work done for the course (the default).
    #[default]
    Course,
    /// Recognition of prior learning: evidence of what they did before (work samples,
    /// references, a portfolio), assessed against the same rubric by the same rules.
    PriorLearning,
}

impl Route {
    /// The stored and typed value: `course`, `prior-learning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Course => "course",
            Route::PriorLearning => "prior-learning",
        }
    }

    pub fn parse(s: &str) -> Option<Route> {
        match s.trim() {
            "course" => Some(Route::Course),
            "prior-learning" => Some(Route::PriorLearning),
            _ => None,
        }
    }

    /// How a person reads it.
    pub fn word(self) -> &'static str {
        match self {
            Route::Course => "course",
            Route::PriorLearning => "prior learning",
        }
    }

    pub const HELP: &'static str = "a route is `course` (the default) or `prior-learning`";
}

//! Scoring a set of chosen levels against a rubric: weighted total and the pass rule.

use std::collections::BTreeMap;

use super::model::Rubric;

/// The levels an assessor chose, by criterion id.
pub type Choices = BTreeMap<String, String>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Meets,
    NotYet,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Meets => "meets",
            Decision::NotYet => "not_yet",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "meets" => Some(Decision::Meets),
            "not_yet" | "not yet" => Some(Decision::NotYet),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Meets => "meets",
            Decision::NotYet => "not yet",
        }
    }
}

/// A required criterion whose chosen level is below its minimum.
#[derive(Clone, Debug, PartialEq)]
pub struct Shortfall {
    pub criterion: String,
    pub reached: String,
    pub required: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Sum of weight × points over the scored criteria.
    pub total: f64,
    pub max_total: f64,
    pub min_total: f64,
    /// Criteria without a (valid) level yet.
    pub unscored: Vec<String>,
    pub shortfalls: Vec<Shortfall>,
    /// `None` while any criterion is unscored.
    pub decision: Option<Decision>,
}

impl Outcome {
    pub fn total_reached(&self) -> bool {
        // Tolerate rounding in sums of fractional weights.
        self.total + 1e-9 >= self.min_total
    }
}

/// Scores `choices` against `rubric`. Choices naming unknown criteria or levels are ignored
/// (the criterion counts as unscored), so a stale draft can never produce a wrong "meets".
pub fn score(rubric: &Rubric, choices: &Choices) -> Outcome {
    let mut total = 0.0;
    let mut unscored = Vec::new();
    let mut shortfalls = Vec::new();
    for c in &rubric.criteria {
        let chosen = choices.get(&c.id.value).and_then(|l| c.level(l));
        let Some((index, level)) = chosen else {
            unscored.push(c.id.value.clone());
            continue;
        };
        total += c.weight.value * level.points.value;
        if let (Some(req), Some(req_index)) = (&c.required, c.required_index())
            && index < req_index
        {
            shortfalls.push(Shortfall {
                criterion: c.id.value.clone(),
                reached: level.id.value.clone(),
                required: req.value.clone(),
            });
        }
    }
    let mut outcome = Outcome {
        total,
        max_total: rubric.max_total(),
        min_total: rubric.pass.min_total.value,
        unscored,
        shortfalls,
        decision: None,
    };
    if outcome.unscored.is_empty() {
        outcome.decision = Some(
            if outcome.shortfalls.is_empty() && outcome.total_reached() {
                Decision::Meets
            } else {
                Decision::NotYet
            },
        );
    }
    outcome
}

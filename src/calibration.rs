//! Calibration before live work: what an exemplar set is valid for, the pass policy, and how
//! an assessor's scoring of exemplars compares with the lead's reference. Pure: the store
//! keeps exemplars and attempts (`store::calibration`).

use serde::Serialize;

use crate::rubric::Rubric;

/// What calibration on a rubric version is valid for: its criteria and levels as an assessor
/// reads them (ids, wording, points, weights, what is required) and the pass mark. Two
/// versions with the same key share exemplars and calibration; a new version that changes any
/// of them asks again.
pub fn key(r: &Rubric) -> String {
    let criteria: Vec<serde_json::Value> = r
        .criteria
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id.value,
                "title": c.title.value,
                "description": c.description.value,
                "weight": c.weight.value,
                "required": c.required.as_ref().map(|r| &r.value),
                "levels": c.levels.iter().map(|l| serde_json::json!([
                    l.id.value, l.label.value, l.points.value, l.descriptor.value
                ])).collect::<Vec<_>>(),
            })
        })
        .collect();
    let canonical = serde_json::json!({
        "rubric": r.id.value,
        "criteria": criteria,
        "pass": r.pass.min_total.value,
    });
    crate::hash::sha256_hex(canonical.to_string().as_bytes())
}

/// When a calibration passes: shares of all criterion levels that match the reference
/// exactly, and of exemplars decided the same way.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Policy {
    pub exact: f64,
    pub decisions: f64,
}

impl Default for Policy {
    /// The same decision on every exemplar and at least 80% of all levels exact.
    fn default() -> Self {
        Policy {
            exact: 0.8,
            decisions: 1.0,
        }
    }
}

impl Policy {
    /// `exact 80% decisions all` (either part may be left out, keeping its default).
    pub fn parse(text: &str) -> Result<Policy, String> {
        let mut p = Policy::default();
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() {
            return Err(Self::HELP.into());
        }
        let mut it = words.chunks(2);
        for pair in &mut it {
            let [what, value] = pair else {
                return Err(format!("`{}` needs a value; {}", pair[0], Self::HELP));
            };
            let share = match *value {
                "all" => 1.0,
                v => match v.strip_suffix('%').and_then(|n| n.parse::<f64>().ok()) {
                    Some(n) if (0.0..=100.0).contains(&n) => n / 100.0,
                    _ => return Err(format!("`{v}` is not a share; {}", Self::HELP)),
                },
            };
            match *what {
                "exact" => p.exact = share,
                "decisions" => p.decisions = share,
                w => return Err(format!("`{w}` is not understood; {}", Self::HELP)),
            }
        }
        Ok(p)
    }

    pub const HELP: &'static str =
        "say `exact P%` and/or `decisions P%` (or `all`), e.g. `exact 80% decisions all`";

    pub fn describe(&self) -> String {
        format!(
            "{} of levels exact, {} of decisions the same",
            pct(self.exact),
            if self.decisions >= 1.0 {
                "all".to_string()
            } else {
                pct(self.decisions)
            }
        )
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// One criterion of one exemplar: the assessor's level, the reference, and the lead's note.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CriterionComparison {
    pub criterion: String,
    pub title: String,
    /// The levels' labels.
    pub yours: String,
    pub reference: String,
    /// The same level (by id).
    pub exact: bool,
    pub note: String,
}

/// An assessor's scoring of one exemplar against the reference.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub exemplar: i64,
    pub decision: String,
    pub reference_decision: String,
    pub criteria: Vec<CriterionComparison>,
}

impl Comparison {
    pub fn exact(&self) -> usize {
        self.criteria.iter().filter(|c| c.exact).count()
    }

    pub fn same_decision(&self) -> bool {
        self.decision == self.reference_decision
    }
}

/// How a round of calibration came out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub exemplars: usize,
    /// Criterion levels scored, and how many matched the reference exactly.
    pub levels: usize,
    pub exact: usize,
    pub decisions_same: usize,
    pub passed: bool,
}

impl Outcome {
    pub fn of(comparisons: &[Comparison], policy: &Policy) -> Outcome {
        let levels = comparisons.iter().map(|c| c.criteria.len()).sum();
        let exact = comparisons.iter().map(Comparison::exact).sum();
        let decisions_same = comparisons.iter().filter(|c| c.same_decision()).count();
        let share = |n: usize, of: usize| if of == 0 { 1.0 } else { n as f64 / of as f64 };
        // A hair of tolerance, so that 4 of 5 passes "80%".
        let passed = share(exact, levels) + 1e-9 >= policy.exact
            && share(decisions_same, comparisons.len()) + 1e-9 >= policy.decisions;
        Outcome {
            exemplars: comparisons.len(),
            levels,
            exact,
            decisions_same,
            passed,
        }
    }

    /// "passed: 11 of 12 levels exact (92%), 3 of 3 decisions the same".
    pub fn summary(&self) -> String {
        format!(
            "{}: {} of {} levels exact ({}), {} of {} decisions the same",
            if self.passed { "passed" } else { "not passed" },
            self.exact,
            self.levels,
            pct(if self.levels == 0 {
                1.0
            } else {
                self.exact as f64 / self.levels as f64
            }),
            self.decisions_same,
            self.exemplars
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(exact: usize, of: usize, same: bool) -> Comparison {
        Comparison {
            exemplar: 1,
            decision: "meets".into(),
            reference_decision: if same { "meets" } else { "not_yet" }.into(),
            criteria: (0..of)
                .map(|i| CriterionComparison {
                    criterion: format!("c{i}"),
                    title: String::new(),
                    yours: "a".into(),
                    reference: if i < exact { "a" } else { "b" }.into(),
                    exact: i < exact,
                    note: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_default_policy_needs_every_decision_and_four_levels_in_five() {
        let p = Policy::default();
        assert!(Outcome::of(&[cmp(4, 5, true), cmp(4, 5, true)], &p).passed);
        assert!(!Outcome::of(&[cmp(5, 5, true), cmp(2, 5, true)], &p).passed);
        assert!(!Outcome::of(&[cmp(5, 5, true), cmp(5, 5, false)], &p).passed);
        let o = Outcome::of(&[cmp(4, 5, true), cmp(5, 5, true)], &p);
        assert_eq!(
            o.summary(),
            "passed: 9 of 10 levels exact (90%), 2 of 2 decisions the same"
        );
    }

    #[test]
    fn a_policy_reads_as_words() {
        assert_eq!(
            Policy::parse("exact 70% decisions 50%"),
            Ok(Policy {
                exact: 0.7,
                decisions: 0.5
            })
        );
        assert_eq!(Policy::parse("decisions all").map(|p| p.exact), Ok(0.8));
        for bad in ["", "exact", "exact 120%", "exact 80", "speed 5%"] {
            assert!(Policy::parse(bad).is_err(), "{bad}");
        }
        let lax = Policy::parse("exact 60% decisions 50%").unwrap();
        assert!(Outcome::of(&[cmp(3, 5, true), cmp(3, 5, false)], &lax).passed);
    }
}

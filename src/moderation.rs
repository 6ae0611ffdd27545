//! Moderation sampling: which assessed work a lead sends to second marking. Stratified by
//! assessor (a count or a share of each one's work, with a floor), all borderline work
//! (within K points of the pass mark), all "not yet" work, and a plain random draw; each
//! selected submission says why. Random draws come from a seeded generator, so a seed
//! draws the same sample again.

use std::collections::BTreeMap;

/// A submission that may be sent to second marking.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub id: i64,
    /// Who assessed it (first).
    pub assessor: String,
    pub not_yet: bool,
    pub total: Option<f64>,
    pub pass_mark: f64,
}

/// How much of each assessor's work to draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quota {
    Count(usize),
    /// Percent of their work, rounded up.
    Percent(f64),
}

impl Quota {
    /// `N` or `P%`.
    pub fn parse(s: &str) -> Result<Quota, String> {
        let s = s.trim();
        let bad = || format!("`{s}`: give a count (5) or a share of each assessor's work (10%)");
        match s.strip_suffix('%') {
            Some(p) => {
                let v: f64 = p.trim().parse().map_err(|_| bad())?;
                if !(v > 0.0 && v <= 100.0) {
                    return Err(format!("`{s}`: a share is above 0% and at most 100%"));
                }
                Ok(Quota::Percent(v))
            }
            None => s.parse().map(Quota::Count).map_err(|_| bad()),
        }
    }

    fn of(self, n: usize) -> usize {
        match self {
            Quota::Count(c) => c,
            Quota::Percent(p) => ((n as f64) * p / 100.0 - 1e-9).ceil().max(0.0) as usize,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub per_assessor: Option<Quota>,
    /// With `per_assessor`: at least this many of each assessor's work (or all they have).
    pub min: usize,
    /// All work whose total is within this many points of the pass mark.
    pub borderline: Option<f64>,
    pub all_not_yet: bool,
    /// This many more at random from the whole cohort.
    pub random: Option<usize>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.per_assessor.is_none()
            && self.borderline.is_none()
            && !self.all_not_yet
            && self.random.is_none()
    }
}

/// A plan as the workbench's prompt takes it, the CLI's flags as words:
/// `per-assessor 10% min 2 borderline 1 not-yet random 5 seed 7` (any order, each once).
/// Returns the plan and the seed, if one was given.
pub fn parse_line(text: &str) -> Result<(Plan, Option<u64>), String> {
    let mut plan = Plan::default();
    let mut seed = None;
    let mut words = text.split_whitespace();
    let value = |name: &str, words: &mut std::str::SplitWhitespace<'_>| {
        words
            .next()
            .map(str::to_string)
            .ok_or_else(|| format!("`{name}` needs a value after it"))
    };
    while let Some(w) = words.next() {
        match w.to_lowercase().as_str() {
            "per-assessor" => plan.per_assessor = Some(Quota::parse(&value(w, &mut words)?)?),
            "min" => {
                let v = value(w, &mut words)?;
                plan.min = v
                    .parse()
                    .map_err(|_| format!("`min {v}`: a count, e.g. min 2"))?;
            }
            "borderline" => {
                let v = value(w, &mut words)?;
                match v.parse::<f64>() {
                    Ok(k) if k.is_finite() && k >= 0.0 => plan.borderline = Some(k),
                    _ => {
                        return Err(format!(
                            "`borderline {v}`: points either side of the pass mark, e.g. borderline 1"
                        ));
                    }
                }
            }
            "not-yet" => plan.all_not_yet = true,
            "random" => {
                let v = value(w, &mut words)?;
                plan.random = Some(
                    v.parse()
                        .map_err(|_| format!("`random {v}`: a count, e.g. random 5"))?,
                );
            }
            "seed" => {
                let v = value(w, &mut words)?;
                seed = Some(
                    v.parse()
                        .map_err(|_| format!("`seed {v}`: a whole number"))?,
                );
            }
            other => {
                return Err(format!(
                    "`{other}` is not a way to sample; use per-assessor N|P%, min N, borderline K, not-yet, random N, seed S"
                ));
            }
        }
    }
    if plan.is_empty() {
        return Err("say how to sample, e.g. per-assessor 10% min 2 borderline 1 not-yet".into());
    }
    Ok((plan, seed))
}

/// The sample: each submission id (ascending) with why it was drawn.
pub fn sample(candidates: &[Candidate], plan: &Plan, seed: u64) -> Vec<(i64, Vec<String>)> {
    let mut why: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut rng = fastrand::Rng::with_seed(seed);
    if plan.all_not_yet {
        for c in candidates.iter().filter(|c| c.not_yet) {
            why.entry(c.id).or_default().push("not yet".into());
        }
    }
    if let Some(k) = plan.borderline {
        for c in candidates {
            if let Some(t) = c.total
                && (t - c.pass_mark).abs() <= k + 1e-9
            {
                why.entry(c.id).or_default().push(format!(
                    "borderline: {} with the pass at {}",
                    crate::rubric::fmt_num(t),
                    crate::rubric::fmt_num(c.pass_mark)
                ));
            }
        }
    }
    if let Some(q) = plan.per_assessor {
        let mut by: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for c in candidates {
            by.entry(c.assessor.as_str()).or_default().push(c.id);
        }
        for (who, mut ids) in by {
            let n = q.of(ids.len()).max(plan.min).min(ids.len());
            rng.shuffle(&mut ids);
            for id in ids.into_iter().take(n) {
                why.entry(id)
                    .or_default()
                    .push(format!("per assessor: {who}"));
            }
        }
    }
    if let Some(n) = plan.random {
        let mut ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();
        rng.shuffle(&mut ids);
        for id in ids.into_iter().take(n) {
            why.entry(id).or_default().push("at random".into());
        }
    }
    why.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Vec<Candidate> {
        // bea 12, amir 5, chen 3; totals 8..=19 around a pass of 14; every 4th not yet.
        (0..20)
            .map(|i| Candidate {
                id: i + 1,
                assessor: match i {
                    0..12 => "bea",
                    12..17 => "amir",
                    _ => "chen",
                }
                .into(),
                not_yet: i % 4 == 3,
                total: Some(8.0 + (i % 12) as f64),
                pass_mark: 14.0,
            })
            .collect()
    }

    fn ids(s: &[(i64, Vec<String>)]) -> Vec<i64> {
        s.iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn each_flag_selects_what_it_says() {
        let p = pool();
        let not_yet = sample(
            &p,
            &Plan {
                all_not_yet: true,
                ..Plan::default()
            },
            1,
        );
        assert_eq!(ids(&not_yet), [4, 8, 12, 16, 20]);
        let border = sample(
            &p,
            &Plan {
                borderline: Some(1.0),
                ..Plan::default()
            },
            1,
        );
        // Totals 13, 14, 15: i % 12 in 5..=7 → ids 6, 7, 8, 18, 19, 20.
        assert_eq!(ids(&border), [6, 7, 8, 18, 19, 20]);
        assert!(border[0].1[0].contains("13 with the pass at 14"));
        // 25% of each, at least 2: bea 3, amir 2 (25% is 2 rounded up), chen 2.
        let per = sample(
            &p,
            &Plan {
                per_assessor: Some(Quota::Percent(25.0)),
                min: 2,
                ..Plan::default()
            },
            9,
        );
        let count = |who: &str| {
            per.iter()
                .filter(|(_, w)| w.iter().any(|r| r == &format!("per assessor: {who}")))
                .count()
        };
        assert_eq!((count("bea"), count("amir"), count("chen")), (3, 2, 2));
        let per = sample(
            &p,
            &Plan {
                per_assessor: Some(Quota::Count(4)),
                ..Plan::default()
            },
            9,
        );
        assert_eq!(per.len(), 4 + 4 + 3, "chen has only 3");
        let random = sample(
            &p,
            &Plan {
                random: Some(5),
                ..Plan::default()
            },
            3,
        );
        assert_eq!(random.len(), 5);
    }

    #[test]
    fn a_seed_draws_the_same_sample_again() {
        let p = pool();
        let plan = Plan {
            per_assessor: Some(Quota::Count(2)),
            random: Some(3),
            ..Plan::default()
        };
        assert_eq!(sample(&p, &plan, 42), sample(&p, &plan, 42));
        let draws: std::collections::BTreeSet<Vec<i64>> =
            (0..20).map(|s| ids(&sample(&p, &plan, s))).collect();
        assert!(draws.len() > 1, "seeds differ");
    }

    #[test]
    fn the_prompt_line_parses_into_a_plan() {
        let (plan, seed) =
            parse_line("per-assessor 10% min 2 borderline 1.5 not-yet random 3 seed 9").unwrap();
        assert_eq!(
            plan,
            Plan {
                per_assessor: Some(Quota::Percent(10.0)),
                min: 2,
                borderline: Some(1.5),
                all_not_yet: true,
                random: Some(3),
            }
        );
        assert_eq!(seed, Some(9));
        assert!(parse_line("").unwrap_err().contains("say how"));
        assert!(parse_line("lots").unwrap_err().contains("not a way"));
        assert!(
            parse_line("borderline -1")
                .unwrap_err()
                .contains("either side")
        );
        assert!(parse_line("min").unwrap_err().contains("needs a value"));
    }

    #[test]
    fn quotas_parse_with_clear_errors() {
        assert_eq!(Quota::parse("5"), Ok(Quota::Count(5)));
        assert_eq!(Quota::parse("12.5%"), Ok(Quota::Percent(12.5)));
        assert!(Quota::parse("0%").unwrap_err().contains("above 0%"));
        assert!(Quota::parse("lots").unwrap_err().contains("10%"));
        assert_eq!(Quota::Percent(10.0).of(20), 2);
        assert_eq!(Quota::Percent(10.0).of(21), 3);
    }
}

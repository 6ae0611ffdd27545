//! Whether a learner's badges earn a pathway, and which badges are missing when they do not.

use std::collections::BTreeMap;

use super::{Group, Item, Rule};

/// The badges a learner holds now (not revoked, not expired): rubric id → when each was
/// earned (seconds since the epoch).
#[derive(Clone, Debug, Default)]
pub struct Held(pub BTreeMap<String, Vec<i64>>);

impl Held {
    pub fn add(&mut self, rubric: &str, earned_at: i64) {
        self.0
            .entry(rubric.to_string())
            .or_default()
            .push(earned_at);
    }

    /// Only the badges earned in `[from, to]`.
    fn window(&self, from: i64, to: i64) -> Held {
        Held(
            self.0
                .iter()
                .filter_map(|(r, ts)| {
                    let ts: Vec<i64> = ts
                        .iter()
                        .copied()
                        .filter(|t| (from..=to).contains(t))
                        .collect();
                    (!ts.is_empty()).then(|| (r.clone(), ts))
                })
                .collect(),
        )
    }

    fn dates(&self) -> impl Iterator<Item = i64> + '_ {
        self.0.values().flatten().copied()
    }
}

const DAY: i64 = 86_400;

/// Whether `held` satisfies the group.
pub fn earned(g: &Group, held: &Held) -> bool {
    match &g.within_days {
        None => rule_met(g, held),
        // Some window of N days, starting at one of the badges, holds enough of them.
        Some(n) => {
            let span = i64::from(n.value) * DAY;
            held.dates()
                .any(|start| rule_met(g, &held.window(start, start + span)))
        }
    }
}

fn rule_met(g: &Group, held: &Held) -> bool {
    let met = g
        .items
        .iter()
        .filter(|i| match i {
            Item::Rubric(r) => held.0.contains_key(&r.value),
            Item::Group(inner) => earned(inner, held),
        })
        .count();
    match &g.rule {
        Rule::All => met == g.items.len(),
        Rule::AtLeast(n) => met >= n.value as usize,
    }
}

/// The badges that earn the group, as (rubric id, when earned): for each rubric the group
/// counts, its latest badge in the first window that earns it; `None` when `held` does not
/// earn it. A program credential names these as its evidence.
pub fn witness(g: &Group, held: &Held) -> Option<Vec<(String, i64)>> {
    match &g.within_days {
        None => witness_rule(g, held),
        Some(n) => {
            let span = i64::from(n.value) * DAY;
            let mut starts: Vec<i64> = held.dates().collect();
            // The latest window first: the most recent badges last longest.
            starts.sort_unstable_by(|a, b| b.cmp(a));
            starts.dedup();
            starts
                .into_iter()
                .find_map(|start| witness_rule(g, &held.window(start, start + span)))
        }
    }
}

fn witness_rule(g: &Group, held: &Held) -> Option<Vec<(String, i64)>> {
    let mut met: Vec<Vec<(String, i64)>> = g
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Rubric(r) => {
                let latest = held.0.get(&r.value)?.iter().copied().max()?;
                Some(vec![(r.value.clone(), latest)])
            }
            Item::Group(inner) => witness(inner, held),
        })
        .collect();
    let want = match &g.rule {
        Rule::All if met.len() == g.items.len() => met.len(),
        Rule::All => return None,
        Rule::AtLeast(n) if met.len() >= n.value as usize => n.value as usize,
        Rule::AtLeast(_) => return None,
    };
    met.truncate(want);
    let mut out: Vec<(String, i64)> = Vec::new();
    for (r, t) in met.into_iter().flatten() {
        if !out.iter().any(|(o, _)| *o == r) {
            out.push((r, t));
        }
    }
    Some(out)
}

/// The fewest rubric ids whose badges, added now, would earn the group (empty when it is
/// earned). Badges held but outside a group's window count as missing again.
pub fn missing(g: &Group, held: &Held) -> Vec<String> {
    if earned(g, held) {
        return Vec::new();
    }
    // Badges earned now are all within any window that ends now, so a group with a window
    // needs what it would need from the badges of its last N days.
    let held = match &g.within_days {
        None => held.clone(),
        Some(n) => {
            let now = crate::store::now();
            held.window(now - i64::from(n.value) * DAY, i64::MAX)
        }
    };
    let mut needs: Vec<Vec<String>> = g
        .items
        .iter()
        .map(|i| match i {
            Item::Rubric(r) if held.0.contains_key(&r.value) => Vec::new(),
            Item::Rubric(r) => vec![r.value.clone()],
            Item::Group(inner) => missing(inner, &held),
        })
        .collect();
    let want = match &g.rule {
        Rule::All => needs.len(),
        Rule::AtLeast(n) => n.value as usize,
    };
    needs.sort_by_key(Vec::len);
    let mut out: Vec<String> = Vec::new();
    for need in needs.into_iter().take(want) {
        for r in need {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pathway::parse;

    fn group(yaml: &str) -> Group {
        let text = format!(
            "id: p\ntitle: P\nachievement:\n  name: P\n  description: d\n  criteria: c\n  type: Certificate\nrequires:\n{yaml}"
        );
        match parse(text.as_bytes()) {
            Ok(p) => p.requires,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn held(badges: &[(&str, i64)]) -> Held {
        let mut h = Held::default();
        for (r, day) in badges {
            h.add(r, day * DAY);
        }
        h
    }

    #[test]
    fn witness_names_the_badges_that_earn_it() {
        let g = group("  all:\n    - a\n    - at_least: 1\n      of: [b, c]\n  within_days: 10\n");
        let h = held(&[("a", 1), ("a", 30), ("b", 2), ("c", 35)]);
        assert!(earned(&g, &h));
        // The latest window that earns it: a on day 30 and c on day 35.
        assert_eq!(
            witness(&g, &h),
            Some(vec![("a".into(), 30 * DAY), ("c".into(), 35 * DAY)])
        );
        assert_eq!(witness(&g, &held(&[("a", 1), ("c", 30)])), None);
        let all = group("  all: [a, b]\n");
        assert_eq!(witness(&all, &held(&[("a", 1)])), None);
    }

    #[test]
    fn all_needs_every_badge() {
        let g = group("  all: [a, b, c]\n");
        assert!(earned(&g, &held(&[("a", 1), ("b", 2), ("c", 3)])));
        assert!(!earned(&g, &held(&[("a", 1), ("c", 3)])));
        assert_eq!(missing(&g, &held(&[("a", 1), ("c", 3)])), vec!["b"]);
    }

    #[test]
    fn at_least_counts_and_nesting_combines() {
        let g = group("  all:\n    - a\n    - at_least: 2\n      of: [b, c, d]\n");
        assert!(earned(&g, &held(&[("a", 1), ("b", 1), ("d", 1)])));
        assert!(!earned(&g, &held(&[("a", 1), ("b", 1)])));
        assert_eq!(missing(&g, &held(&[("a", 1), ("b", 1)])), vec!["c"]);
        assert_eq!(missing(&g, &held(&[("b", 1), ("c", 1)])), vec!["a"]);
        assert_eq!(missing(&g, &held(&[])).len(), 3);
    }

    #[test]
    fn windows_nest_two_deep_at_most() {
        let three = "  all:\n    - all:\n        - all: [a]\n          within_days: 3\n      within_days: 5\n  within_days: 9\n";
        let text = format!(
            "id: p\ntitle: P\nachievement:\n  name: P\n  description: d\n  criteria: c\n  type: Certificate\nrequires:\n{three}"
        );
        let problems = parse(text.as_bytes()).unwrap_err();
        assert!(
            problems.iter().any(|p| p
                .message
                .contains("`within_days` is nested more than 2 deep")),
            "{problems:?}"
        );
    }

    #[test]
    fn within_days_takes_badges_close_enough_in_time() {
        let g = group("  all: [a, b]\n  within_days: 30\n");
        assert!(earned(&g, &held(&[("a", 100), ("b", 129)])));
        assert!(!earned(&g, &held(&[("a", 100), ("b", 131)])));
        // An older badge of the same rubric does not spoil a later pair.
        assert!(earned(&g, &held(&[("a", 1), ("a", 120), ("b", 131)])));
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::pathway::parse;
    use proptest::prelude::*;

    const RUBRICS: [&str; 5] = ["a", "b", "c", "d", "e"];

    /// A random group over the five rubrics, written as YAML at `indent`.
    fn group_yaml() -> impl Strategy<Value = String> {
        let leaf = prop::sample::subsequence(RUBRICS.to_vec(), 1..=3)
            .prop_map(|ids| format!("all: [{}]", ids.join(", ")));
        leaf.prop_recursive(2, 8, 3, |inner| {
            (
                prop::collection::vec(inner, 1..=2),
                0usize..3,
                prop::option::of(1u32..400),
            )
                .prop_map(|(items, at_least, within)| {
                    let mut s = match at_least {
                        0 => "all:\n".to_string(),
                        n => format!("at_least: {}\nof:\n", n.min(items.len())),
                    };
                    for i in &items {
                        let mut lines = i.lines();
                        if let Some(first) = lines.next() {
                            s.push_str(&format!("  - {first}\n"));
                        }
                        for l in lines {
                            s.push_str(&format!("    {l}\n"));
                        }
                    }
                    if let Some(w) = within {
                        s.push_str(&format!("within_days: {w}\n"));
                    }
                    s
                })
        })
    }

    fn pathway(body: &str) -> Option<Group> {
        let mut text = String::from(
            "id: p\ntitle: P\nachievement:\n  name: P\n  description: d\n  criteria: c\n  type: Certificate\nrequires:\n",
        );
        for l in body.lines() {
            text.push_str(&format!("  {l}\n"));
        }
        parse(text.as_bytes()).ok().map(|p| p.requires)
    }

    pub fn group_yaml_for_tests() -> impl Strategy<Value = String> {
        group_yaml()
    }

    pub fn pathway_for_tests(body: &str) -> Option<Group> {
        pathway(body)
    }

    proptest! {
        /// Whatever the bytes, parsing a pathway ends in a pathway or its problems.
        #[test]
        fn parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse(&bytes);
        }

        /// Earned exactly when nothing is missing; more badges never take it away; and
        /// adding what is said to be missing (now) earns it when no window is involved.
        #[test]
        fn earned_and_missing_agree(
            body in group_yaml(),
            badges in prop::collection::vec((0usize..5, 0i64..1000), 0..8),
            extra in (0usize..5, 0i64..1000),
        ) {
            let Some(g) = pathway(&body) else { return Ok(()) };
            let mut held = Held::default();
            for (r, day) in &badges {
                held.add(RUBRICS[*r], day * DAY);
            }
            let e = earned(&g, &held);
            prop_assert_eq!(e, missing(&g, &held).is_empty());
            if !body.contains("within_days") {
                let mut more = held.clone();
                more.add(RUBRICS[extra.0], extra.1 * DAY);
                prop_assert!(!e || earned(&g, &more), "a badge more un-earned it");
                let mut completed = held.clone();
                for r in missing(&g, &held) {
                    completed.add(&r, 0);
                }
                prop_assert!(earned(&g, &completed), "adding what was missing did not earn it");
            }
        }

        /// A witness exists exactly when the group is earned, holds only badges the learner
        /// holds, and earns the group on its own (a program credential's evidence suffices).
        #[test]
        fn the_witness_earns_it_alone(
            body in group_yaml(),
            badges in prop::collection::vec((0usize..5, 0i64..1000), 0..8),
        ) {
            let Some(g) = pathway(&body) else { return Ok(()) };
            let mut held = Held::default();
            for (r, day) in &badges {
                held.add(RUBRICS[*r], day * DAY);
            }
            let w = witness(&g, &held);
            prop_assert_eq!(w.is_some(), earned(&g, &held));
            if let Some(w) = w {
                let mut alone = Held::default();
                for (r, t) in &w {
                    prop_assert!(held.0.get(r).is_some_and(|ts| ts.contains(t)));
                    alone.add(r, *t);
                }
                prop_assert!(earned(&g, &alone), "the witness {:?} does not earn it", w);
            }
        }
    }
}

#[cfg(test)]
mod generator {
    use proptest::strategy::{Strategy, ValueTree};
    use proptest::test_runner::TestRunner;

    /// The property above is not vacuous: many generated pathways parse (a rubric named in
    /// two groups is refused, so not all do).
    #[test]
    fn generated_pathways_parse_often_enough() {
        let mut runner = TestRunner::deterministic();
        let strategy = super::properties::group_yaml_for_tests();
        let parsed = (0..200)
            .filter(|_| {
                let body = strategy
                    .new_tree(&mut runner)
                    .map(|t| t.current())
                    .unwrap_or_default();
                super::properties::pathway_for_tests(&body).is_some()
            })
            .count();
        assert!(parsed >= 40, "only {parsed} of 200 parsed");
    }
}

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
    fn within_days_takes_badges_close_enough_in_time() {
        let g = group("  all: [a, b]\n  within_days: 30\n");
        assert!(earned(&g, &held(&[("a", 100), ("b", 129)])));
        assert!(!earned(&g, &held(&[("a", 100), ("b", 131)])));
        // An older badge of the same rubric does not spoil a later pair.
        assert!(earned(&g, &held(&[("a", 1), ("a", 120), ("b", 131)])));
    }
}

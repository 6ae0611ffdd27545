//! Scoring: weighted totals, the pass rule, and edge cases.

use merit::rubric::{self, Choices, Decision, Rubric};

fn rubric(criteria: &str, min_total: &str) -> Rubric {
    let src = format!(
        "id: s\ntitle: S\nachievement:\n  name: S\n  description: S\n  criteria: S\n\
         criteria:\n{criteria}pass:\n  min_total: {min_total}\n"
    );
    match rubric::parse(src.as_bytes()) {
        Ok(r) => r,
        Err(ps) => panic!("fixture invalid: {}", ps[0]),
    }
}

fn criterion(id: &str, weight: &str, points: &[&str], required: Option<&str>) -> String {
    let mut s = format!(
        "  - id: {id}\n    title: {id}\n    description: {id}\n    weight: {weight}\n    levels:\n"
    );
    for (i, p) in points.iter().enumerate() {
        s.push_str(&format!(
            "      - id: l{i}\n        label: L{i}\n        points: {p}\n        descriptor: d\n"
        ));
    }
    if let Some(r) = required {
        s.push_str(&format!("    required: {r}\n"));
    }
    s
}

fn choose(pairs: &[(&str, &str)]) -> Choices {
    pairs
        .iter()
        .map(|(c, l)| (c.to_string(), l.to_string()))
        .collect()
}

#[test]
fn weighted_total_and_meets() {
    let r = rubric(
        &(criterion("a", "2", &["0", "1", "3"], None) + &criterion("b", "1", &["0", "2"], None)),
        "5",
    );
    assert_eq!(r.max_total(), 8.0);
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l1")]));
    // a: 2 × 1 = 2, b: 1 × 2 = 2 → 4 < 5
    assert_eq!(o.total, 4.0);
    assert_eq!(o.decision, Some(Decision::NotYet));
    let o = rubric::score(&r, &choose(&[("a", "l2"), ("b", "l0")]));
    assert_eq!(o.total, 6.0);
    assert_eq!(o.decision, Some(Decision::Meets));
}

#[test]
fn threshold_is_inclusive() {
    let r = rubric(&criterion("a", "1", &["0", "2"], None), "2");
    let o = rubric::score(&r, &choose(&[("a", "l1")]));
    assert_eq!(o.decision, Some(Decision::Meets));
}

#[test]
fn required_criterion_below_minimum_is_not_yet_whatever_the_total() {
    let r = rubric(
        &(criterion("a", "1", &["0", "1", "2"], Some("l1"))
            + &criterion("b", "10", &["0", "5"], None)),
        "1",
    );
    let o = rubric::score(&r, &choose(&[("a", "l0"), ("b", "l1")]));
    assert_eq!(o.total, 50.0);
    assert_eq!(o.decision, Some(Decision::NotYet));
    assert_eq!(o.shortfalls.len(), 1);
    assert_eq!(o.shortfalls[0].criterion, "a");
    assert_eq!(o.shortfalls[0].reached, "l0");
    assert_eq!(o.shortfalls[0].required, "l1");
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l0")]));
    assert!(o.shortfalls.is_empty());
    assert_eq!(o.decision, Some(Decision::Meets));
}

#[test]
fn unscored_criteria_give_no_decision() {
    let r = rubric(
        &(criterion("a", "1", &["0", "1"], None) + &criterion("b", "1", &["0", "1"], None)),
        "0",
    );
    let o = rubric::score(&r, &choose(&[("a", "l1")]));
    assert_eq!(o.unscored, vec!["b".to_string()]);
    assert_eq!(o.decision, None);
}

#[test]
fn stale_choices_naming_unknown_levels_count_as_unscored() {
    let r = rubric(&criterion("a", "1", &["0", "1"], None), "0");
    let o = rubric::score(&r, &choose(&[("a", "gone"), ("zzz", "l0")]));
    assert_eq!(o.unscored, vec!["a".to_string()]);
    assert_eq!(o.decision, None);
}

#[test]
fn all_levels_worth_zero_points() {
    // Validation refuses such a rubric (points must increase), but scoring must still be
    // well-defined on one (e.g. a rubric built in code): totals are 0, nothing divides by 0,
    // and the threshold and required levels decide.
    let mut r = rubric(
        &(criterion("a", "1", &["0", "1"], Some("l1")) + &criterion("b", "2.5", &["0", "1"], None)),
        "0",
    );
    for c in &mut r.criteria {
        for l in &mut c.levels {
            l.points.value = 0.0;
        }
    }
    assert_eq!(r.max_total(), 0.0);
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l1")]));
    assert_eq!((o.total, o.max_total), (0.0, 0.0));
    assert_eq!(o.decision, Some(Decision::Meets));
    let o = rubric::score(&r, &choose(&[("a", "l0"), ("b", "l1")]));
    assert_eq!(
        o.decision,
        Some(Decision::NotYet),
        "required level still counts"
    );
    r.pass.min_total.value = 1.0;
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l1")]));
    assert_eq!(
        o.decision,
        Some(Decision::NotYet),
        "threshold above zero cannot be met"
    );
}

#[test]
fn fractional_weights_do_not_fail_on_rounding() {
    // 0.1 × 3 + 0.2 × 3 = 0.9000000000000001 in floating point; a threshold of 0.9 is met,
    // and 0.1 + 0.2 (= 0.30000000000000004) meets a threshold of 0.3.
    let r = rubric(
        &(criterion("a", "0.1", &["0", "3"], None) + &criterion("b", "0.2", &["0", "3"], None)),
        "0.9",
    );
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l1")]));
    assert_eq!(o.decision, Some(Decision::Meets), "total {}", o.total);
    let r = rubric(
        &(criterion("a", "0.1", &["0", "1"], None) + &criterion("b", "0.2", &["0", "1"], None)),
        "0.3",
    );
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l1")]));
    assert_eq!(o.decision, Some(Decision::Meets));
    let o = rubric::score(&r, &choose(&[("a", "l1"), ("b", "l0")]));
    assert_eq!(o.decision, Some(Decision::NotYet));
}

#[test]
fn version_hash_ignores_comments_and_layout_but_not_meaning() {
    let base = rubric(&criterion("a", "1", &["0", "1"], None), "0");
    let src = rubric::BUNDLED[0].1;
    let with_comment = format!("# a new comment\n{src}\n# trailing\n");
    let a = rubric::parse(src.as_bytes()).unwrap();
    let b = rubric::parse(with_comment.as_bytes()).unwrap();
    assert_eq!(rubric::version_hash(&a), rubric::version_hash(&b));
    assert_ne!(rubric::version_hash(&a), rubric::version_hash(&base));
    let changed = src.replacen("min_total: 14", "min_total: 15", 1);
    let c = rubric::parse(changed.as_bytes()).unwrap();
    assert_ne!(rubric::version_hash(&a), rubric::version_hash(&c));
}

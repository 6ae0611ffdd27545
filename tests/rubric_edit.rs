//! Structured edits round-trip: the edited rubric parses to what was asked, and comments,
//! key order and untouched lines survive.

use merit::rubric::edit::{self, Edit, Scalar, Seg, key};
use merit::rubric::{self, Rubric};

fn source() -> String {
    let src = rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == "teaching-practice.yaml")
        .unwrap()
        .1;
    // Comments in awkward places, to see that they survive.
    src.replace(
        "  - id: engagement\n",
        "  # engagement was added after the 2025 pilot\n  - id: engagement\n",
    )
    .replace("    weight: 2\n", "    weight: 2 # doubled in 2026\n")
}

/// The meaning of a value, without source positions.
fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

fn parse(text: &str) -> Rubric {
    match rubric::parse(text.as_bytes()) {
        Ok(r) => r,
        Err(ps) => panic!("edited rubric is invalid: {}\n{text}", ps[0]),
    }
}

fn apply(text: &str, e: Edit) -> String {
    edit::apply(text, &e).unwrap_or_else(|m| panic!("{m}"))
}

fn changed_lines(a: &str, b: &str) -> usize {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    if a.len() != b.len() {
        return usize::MAX;
    }
    a.iter().zip(&b).filter(|(x, y)| x != y).count()
}

fn crit(i: usize, k: &str) -> Vec<Seg> {
    vec![key("criteria"), Seg::Index(i), key(k)]
}

#[test]
fn setting_a_number_changes_one_line_and_keeps_its_comment() {
    let src = source();
    let out = apply(
        &src,
        Edit::Set {
            path: crit(1, "weight"),
            value: Scalar::Number(3.0),
        },
    );
    assert_eq!(changed_lines(&src, &out), 1);
    assert!(out.contains("    weight: 3 # doubled in 2026\n"));
    assert_eq!(parse(&out).criteria[1].weight.value, 3.0);
    let out = apply(
        &out,
        Edit::Set {
            path: vec![key("pass"), key("min_total")],
            value: Scalar::Number(15.5),
        },
    );
    assert_eq!(parse(&out).pass.min_total.value, 15.5);
    assert!(out.starts_with("# Reflective Teaching Practice"));
}

#[test]
fn text_that_needs_quotes_is_quoted() {
    let src = source();
    for title in [
        "Goals: clear & checkable",
        "#1 priority",
        "yes",
        "12",
        " padded ",
        "a \"quote\"",
    ] {
        let out = apply(
            &src,
            Edit::Set {
                path: crit(0, "title"),
                value: Scalar::Text(title.into()),
            },
        );
        assert_eq!(parse(&out).criteria[0].title.value, title, "{out}");
        assert_eq!(changed_lines(&src, &out), 1);
    }
}

#[test]
fn a_folded_block_value_becomes_one_line_and_nothing_else_moves() {
    let src = source();
    let out = apply(
        &src,
        Edit::Set {
            path: vec![key("achievement"), key("description")],
            value: Scalar::Text("Planned, taught and reflected on a lesson.".into()),
        },
    );
    let r = parse(&out);
    assert_eq!(
        r.achievement.description.value,
        "Planned, taught and reflected on a lesson."
    );
    assert_eq!(
        src.lines().count() - 2,
        out.lines().count(),
        "three lines folded into one"
    );
    assert_eq!(json(&parse(&src).criteria), json(&r.criteria));
}

#[test]
fn a_missing_key_is_added_to_its_mapping() {
    let src = source();
    let out = apply(
        &src,
        Edit::Set {
            path: crit(2, "required"),
            value: Scalar::Text("proficient".into()),
        },
    );
    let r = parse(&out);
    assert_eq!(r.criteria[2].required.as_ref().unwrap().value, "proficient");
    assert_eq!(
        json(&r.criteria[3]),
        json(&parse(&src).criteria[3]),
        "the next criterion is untouched"
    );
    assert_eq!(out.lines().count(), src.lines().count() + 1);
}

#[test]
fn moving_down_then_up_gives_back_the_same_text() {
    let src = source();
    for i in 0..4 {
        let down = apply(
            &src,
            Edit::Move {
                path: vec![key("criteria"), Seg::Index(i)],
                up: false,
            },
        );
        let ids: Vec<String> = parse(&down)
            .criteria
            .iter()
            .map(|c| c.id.value.clone())
            .collect();
        let mut want: Vec<String> = parse(&src)
            .criteria
            .iter()
            .map(|c| c.id.value.clone())
            .collect();
        want.swap(i, i + 1);
        assert_eq!(ids, want);
        let back = apply(
            &down,
            Edit::Move {
                path: vec![key("criteria"), Seg::Index(i + 1)],
                up: true,
            },
        );
        assert_eq!(back, src, "moving criterion {i} down and up again");
    }
    // The comment above `engagement` travels with it.
    let up = apply(
        &src,
        Edit::Move {
            path: vec![key("criteria"), Seg::Index(2)],
            up: true,
        },
    );
    let lines: Vec<&str> = up.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("# engagement was added"))
        .unwrap();
    assert_eq!(lines[at + 1], "  - id: engagement");
    assert_eq!(parse(&up).criteria[1].id.value, "engagement");
}

#[test]
fn moving_levels_and_past_the_ends() {
    let src = source();
    let out = apply(
        &src,
        Edit::Move {
            path: vec![key("criteria"), Seg::Index(0), key("levels"), Seg::Index(3)],
            up: false,
        },
    );
    assert_eq!(out, src, "the last level cannot move down");
    let out = apply(
        &src,
        Edit::Move {
            path: vec![key("criteria"), Seg::Index(0), key("levels"), Seg::Index(0)],
            up: false,
        },
    );
    // Points no longer increase: the edit is made, validation says why it is wrong.
    let problems = rubric::parse(out.as_bytes()).unwrap_err();
    assert!(
        problems[0]
            .message
            .contains("points must strictly increase")
    );
}

#[test]
fn removing_a_criterion_a_level_and_a_comment() {
    let src = source();
    let out = apply(
        &src,
        Edit::Remove {
            path: vec![key("criteria"), Seg::Index(2)],
        },
    );
    let r = parse(&out);
    assert_eq!(r.criteria.len(), 4);
    assert!(r.criterion("engagement").is_none());
    let out = apply(
        &src,
        Edit::Remove {
            path: vec![key("criteria"), Seg::Index(4), key("levels"), Seg::Index(3)],
        },
    );
    assert_eq!(parse(&out).criteria[4].levels.len(), 3);
    let out = apply(
        &src,
        Edit::Remove {
            path: vec![
                key("criteria"),
                Seg::Index(0),
                key("feedback"),
                Seg::Index(0),
            ],
        },
    );
    assert_eq!(parse(&out).criteria[0].feedback.len(), 1);
    // The last criterion, at the end of its block.
    let out = apply(
        &src,
        Edit::Remove {
            path: vec![key("criteria"), Seg::Index(4)],
        },
    );
    let r = parse(&out);
    assert_eq!(r.criteria.len(), 4);
    assert_eq!(r.pass.min_total.value, 14.0);
}

#[test]
fn inserting_criteria_and_levels_from_templates() {
    let src = source();
    let out = apply(
        &src,
        Edit::Insert {
            list: vec![key("criteria")],
            index: 1,
            item: edit::criterion_template("safety", "Learner safety: risks managed"),
        },
    );
    let r = parse(&out);
    assert_eq!(r.criteria[1].id.value, "safety");
    assert_eq!(r.criteria[1].title.value, "Learner safety: risks managed");
    assert_eq!(r.criteria[2].id.value, "checking-learning");
    let out = apply(
        &src,
        Edit::Insert {
            list: vec![key("criteria"), Seg::Index(2), key("levels")],
            index: 3,
            item: edit::level_template("exemplary", "Exemplary", 4.0),
        },
    );
    let levels: Vec<String> = parse(&out).criteria[2]
        .levels
        .iter()
        .map(|l| l.id.value.clone())
        .collect();
    assert_eq!(
        levels,
        ["emerging", "developing", "proficient", "exemplary"]
    );
    // At the end of the whole list.
    let out = apply(
        &src,
        Edit::Insert {
            list: vec![key("criteria")],
            index: 5,
            item: edit::criterion_template("last", "Last"),
        },
    );
    assert_eq!(parse(&out).criteria[5].id.value, "last");
}

#[test]
fn feedback_comments_and_alignments_are_editable() {
    let src = source();
    let out = apply(
        &src,
        Edit::Set {
            path: vec![
                key("criteria"),
                Seg::Index(0),
                key("feedback"),
                Seg::Index(1),
            ],
            value: Scalar::Text("Share the criteria: on the board, at the start.".into()),
        },
    );
    assert_eq!(
        parse(&out).criteria[0].feedback[1].value,
        "Share the criteria: on the board, at the start."
    );
    let out = apply(
        &src,
        Edit::Set {
            path: vec![
                key("achievement"),
                key("alignments"),
                Seg::Index(2),
                key("url"),
            ],
            value: Scalar::Text("https://www.onetonline.org/link/summary/25-2031.00?x=1".into()),
        },
    );
    assert!(
        parse(&out).achievement.alignments[2]
            .url
            .value
            .ends_with("?x=1")
    );
}

#[test]
fn lists_on_one_line_are_refused_with_a_reason() {
    let src = source();
    let err = edit::apply(
        &src,
        &Edit::Remove {
            path: vec![key("achievement"), key("tags"), Seg::Index(0)],
        },
    )
    .unwrap_err();
    assert!(err.contains("written on one line"), "{err}");
    let err = edit::apply(
        "id: [unclosed",
        &Edit::Remove {
            path: vec![key("criteria"), Seg::Index(0)],
        },
    )
    .unwrap_err();
    assert!(err.contains("must be valid first"));
}

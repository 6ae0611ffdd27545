//! A pathway's YAML tree into a [`Pathway`], every problem with its place.

use crate::rubric::decode::{self as rd, Decoder};
use crate::rubric::yaml::{Node, Value};
use crate::rubric::{Problem, Span, Spanned};

use super::{Group, Item, Pathway, Rule, Validity};

const PATHWAY_KEYS: &[&str] = &["id", "title", "achievement", "requires", "validity"];
const GROUP_KEYS: &[&str] = &["all", "at_least", "of", "within_days"];
/// Deepest nesting of groups accepted (a real pathway needs two or three).
const MAX_GROUP_DEPTH: usize = 8;
/// Most `within_days` on one path from the top: each tries a window per badge date, so
/// nesting them multiplies the work (two keep a learner's check at dates² windows).
const MAX_WINDOWS: usize = 2;

pub fn pathway(d: &mut Decoder, root: &Node) -> Option<Pathway> {
    let mut f = d.fields(root, "the pathway")?;
    let id = d.req_text(&mut f, "id");
    let title = d.req_text(&mut f, "title");
    let achievement = match f.take("achievement") {
        Some(n) => rd::achievement(d, n),
        None => {
            d.missing(&f, "achievement");
            None
        }
    }
    .unwrap_or_else(|| rd::empty_achievement(f.span));
    let requires = match f.take("requires") {
        Some(n) => group(d, n, 0),
        None => {
            d.missing(&f, "requires");
            None
        }
    }
    .unwrap_or(Group {
        rule: Rule::All,
        items: Vec::new(),
        within_days: None,
        span: f.span,
    });
    let validity = match d.opt_text(&mut f, "validity") {
        None => Validity::Components,
        Some(v) if v.value == "components" => Validity::Components,
        Some(v) if v.value == "own" => Validity::Own,
        Some(v) => {
            d.push(
                Problem::new(v.span, format!("`validity` is not `{}`", v.value))
                    .with_hint("`components` (the default) or `own`"),
            );
            Validity::Components
        }
    };
    d.finish(f, PATHWAY_KEYS);
    Some(Pathway {
        id,
        title,
        achievement,
        requires,
        validity,
    })
}

/// A whole number of at least 1 (`at_least`, `within_days`).
fn count(d: &mut Decoder, n: &Node, key: &str) -> Option<Spanned<u32>> {
    let v = d.number(n, key)?;
    if v.value >= 1.0 && v.value.fract() == 0.0 && v.value <= f64::from(u32::MAX) {
        Some(Spanned::new(v.value as u32, v.span))
    } else {
        d.push(Problem::new(
            v.span,
            format!("`{key}` should be a whole number, at least 1"),
        ));
        None
    }
}

fn group(d: &mut Decoder, node: &Node, depth: usize) -> Option<Group> {
    if depth >= MAX_GROUP_DEPTH {
        d.push(Problem::new(
            node.span,
            format!("groups are nested more than {MAX_GROUP_DEPTH} deep"),
        ));
        return None;
    }
    let mut f = d.fields(node, "a requirement group")?;
    let all = f.take("all");
    let at_least = f.take("at_least");
    let of = f.take("of");
    let within_days = f
        .take("within_days")
        .and_then(|n| count(d, n, "within_days"));
    let span = f.span;
    let (rule, list) = match (all, at_least, of) {
        (Some(list), None, None) => (Rule::All, Some(list)),
        (None, Some(n), list) => {
            let rule = count(d, n, "at_least").map_or(Rule::All, Rule::AtLeast);
            if list.is_none() {
                d.push(
                    Problem::new(n.span, "`at_least` needs `of:`, the list to choose from")
                        .with_hint("write `at_least: 2` and `of:` with the rubric ids below it"),
                );
            }
            (rule, list)
        }
        (Some(a), Some(_), _) | (Some(a), None, Some(_)) => {
            d.push(
                Problem::new(
                    a.span,
                    "a group has either `all:` or `at_least:` with `of:`",
                )
                .with_hint("nest a second group in the list to combine them"),
            );
            (Rule::All, Some(a))
        }
        (None, None, Some(o)) => {
            d.push(
                Problem::new(o.span, "`of:` needs `at_least: N`")
                    .with_hint("or write `all:` when every one is required"),
            );
            (Rule::All, Some(o))
        }
        (None, None, None) => {
            d.push(
                Problem::new(
                    span,
                    "a requirement group needs `all:` or `at_least:` with `of:`",
                )
                .with_hint("for example `all: [data-cleaning, secure-code-review]`"),
            );
            (Rule::All, None)
        }
    };
    let items = match list {
        None => Vec::new(),
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|n| match &n.value {
                Value::Scalar(..) => d.text(n, "a rubric id").map(Item::Rubric),
                Value::Map(_) => group(d, n, depth + 1).map(Item::Group),
                Value::Seq(_) => {
                    d.push(
                        Problem::new(n.span, "a list inside a list")
                            .with_hint("write a nested group as `- all: [...]` or `- at_least: N`"),
                    );
                    None
                }
            })
            .collect(),
        Some(n) => {
            d.push(
                Problem::new(
                    n.span,
                    format!(
                        "the group's rubrics should be a list, found {}",
                        n.kind_name()
                    ),
                )
                .with_hint("write each rubric id on its own line starting with `- `"),
            );
            Vec::new()
        }
    };
    d.finish(f, GROUP_KEYS);
    Some(Group {
        rule,
        items,
        within_days,
        span,
    })
}

/// What the structure alone cannot say: ids, counts that can be met, no rubric twice.
pub fn check(p: &Pathway, out: &mut Vec<Problem>) {
    use crate::rubric::validate as v;
    v::slug(&p.id, "pathway id", out);
    if p.title.value.trim().is_empty() {
        out.push(Problem::new(p.title.span, "the pathway's `title` is empty"));
    }
    v::achievement(&p.achievement, out);
    if let Some(img) = &p.achievement.image
        && crate::rubric::image::is_file_name(&img.value)
    {
        out.push(
            Problem::new(img.span, "a pathway's `image` is an https:// address")
                .with_hint("or leave it out: a badge with the achievement's name is drawn"),
        );
    }
    let mut seen: Vec<(&str, Span)> = Vec::new();
    check_group(&p.requires, &mut seen, 0, out);
}

fn check_group<'a>(
    g: &'a Group,
    seen: &mut Vec<(&'a str, Span)>,
    windows: usize,
    out: &mut Vec<Problem>,
) {
    let windows = windows + usize::from(g.within_days.is_some());
    if let Some(w) = &g.within_days
        && windows > MAX_WINDOWS
    {
        out.push(
            Problem::new(
                w.span,
                format!("`within_days` is nested more than {MAX_WINDOWS} deep"),
            )
            .with_hint("keep the time window on the outer group"),
        );
    }
    if g.items.is_empty() {
        out.push(Problem::new(g.span, "the group names no rubric"));
    }
    if let Rule::AtLeast(n) = &g.rule
        && n.value as usize > g.items.len()
    {
        out.push(Problem::new(
            n.span,
            format!(
                "`at_least: {}` of {} can never be met",
                n.value,
                g.items.len()
            ),
        ));
    }
    for i in &g.items {
        match i {
            Item::Group(inner) => check_group(inner, seen, windows, out),
            Item::Rubric(r) => {
                crate::rubric::validate::slug(r, "rubric id", out);
                if let Some((_, first)) = seen.iter().find(|(id, _)| *id == r.value) {
                    out.push(
                        Problem::new(r.span, format!("rubric `{}` is named twice", r.value))
                            .with_hint(format!(
                                "it is first named at line {}; one badge counts once",
                                first.line
                            )),
                    );
                } else {
                    seen.push((&r.value, r.span));
                }
            }
        }
    }
}

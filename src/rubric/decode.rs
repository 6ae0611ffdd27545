//! Turns a YAML [`Node`] tree into a [`Rubric`], collecting every structural problem
//! (unknown or missing fields, wrong kinds of value) instead of stopping at the first.

use super::model::{
    Achievement, Alignment, Criterion, EvidenceRequirement, Level, PassRule, Rubric, Spanned,
};
use super::problem::{Problem, Span};
use super::yaml::{Node, Value};

/// Collects problems while reading fields.
#[derive(Default)]
pub struct Decoder {
    pub problems: Vec<Problem>,
}

/// The fields of one mapping, with a note of which were read.
pub struct Fields<'a> {
    pub(crate) span: Span,
    entries: Vec<(&'a str, &'a Node, &'a Node)>,
    used: Vec<bool>,
    what: &'static str,
}

impl<'a> Fields<'a> {
    pub(crate) fn take(&mut self, key: &str) -> Option<&'a Node> {
        let i = self.entries.iter().position(|(k, _, _)| *k == key)?;
        self.used[i] = true;
        let node = self.entries[i].2;
        (!node.is_null()).then_some(node)
    }
}

impl Decoder {
    pub(crate) fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    /// Opens a mapping; reports duplicate and non-text keys.
    pub fn fields<'a>(&mut self, node: &'a Node, what: &'static str) -> Option<Fields<'a>> {
        let Value::Map(entries) = &node.value else {
            self.push(Problem::new(
                node.span,
                format!(
                    "{what} should be a mapping (`key: value` lines), found {}",
                    node.kind_name()
                ),
            ));
            return None;
        };
        let mut out: Vec<(&'a str, &'a Node, &'a Node)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let Value::Scalar(key, _) = &k.value else {
                self.push(Problem::new(k.span, "keys must be plain words"));
                continue;
            };
            if out.iter().any(|(seen, _, _)| *seen == key.as_str()) {
                self.push(
                    Problem::new(k.span, format!("duplicate key `{key}` in {what}"))
                        .with_hint("each key may appear once; the later one would silently win"),
                );
                continue;
            }
            out.push((key.as_str(), k, v));
        }
        let used = vec![false; out.len()];
        Some(Fields {
            span: node.span,
            entries: out,
            used,
            what,
        })
    }

    /// Reports keys that were never read, with the closest known key as a hint.
    pub fn finish(&mut self, fields: Fields<'_>, known: &[&str]) {
        for (i, (key, knode, _)) in fields.entries.iter().enumerate() {
            if fields.used[i] {
                continue;
            }
            let mut p = Problem::new(
                knode.span,
                format!("unknown field `{key}` in {}", fields.what),
            );
            p = match closest(key, known) {
                Some(best) => p.with_hint(format!("did you mean `{best}`?")),
                None => p.with_hint(format!("known fields: {}", known.join(", "))),
            };
            self.push(p);
        }
    }

    pub(crate) fn missing(&mut self, fields: &Fields<'_>, key: &str) {
        self.push(Problem::new(
            fields.span,
            format!("{} is missing `{key}`", fields.what),
        ));
    }

    pub fn text(&mut self, node: &Node, what: &str) -> Option<Spanned<String>> {
        match &node.value {
            Value::Scalar(s, _) => Some(Spanned::new(s.clone(), node.span)),
            _ => {
                self.push(Problem::new(
                    node.span,
                    format!("{what} should be text, found {}", node.kind_name()),
                ));
                None
            }
        }
    }

    pub(crate) fn req_text(&mut self, f: &mut Fields<'_>, key: &str) -> Spanned<String> {
        match f.take(key) {
            Some(n) => self
                .text(n, &format!("`{key}`"))
                .unwrap_or_else(|| Spanned::new(String::new(), n.span)),
            None => {
                self.missing(f, key);
                Spanned::new(String::new(), f.span)
            }
        }
    }

    pub(crate) fn opt_text(&mut self, f: &mut Fields<'_>, key: &str) -> Option<Spanned<String>> {
        let n = f.take(key)?;
        self.text(n, &format!("`{key}`"))
    }

    pub(crate) fn number(&mut self, node: &Node, key: &str) -> Option<Spanned<f64>> {
        if let Value::Scalar(s, true) = &node.value
            && let Ok(v) = s.trim().parse::<f64>()
            && v.is_finite()
        {
            return Some(Spanned::new(v, node.span));
        }
        self.push(Problem::new(
            node.span,
            format!("`{key}` should be a number, found {}", describe(node)),
        ));
        None
    }

    fn req_number(&mut self, f: &mut Fields<'_>, key: &str) -> Spanned<f64> {
        match f.take(key) {
            Some(n) => self
                .number(n, key)
                .unwrap_or_else(|| Spanned::new(f64::NAN, n.span)),
            None => {
                self.missing(f, key);
                Spanned::new(f64::NAN, f.span)
            }
        }
    }

    fn opt_bool(&mut self, f: &mut Fields<'_>, key: &str) -> bool {
        let Some(n) = f.take(key) else { return false };
        match &n.value {
            Value::Scalar(s, true) if matches!(s.as_str(), "true" | "True" | "yes") => true,
            Value::Scalar(s, true) if matches!(s.as_str(), "false" | "False" | "no") => false,
            _ => {
                self.push(Problem::new(
                    n.span,
                    format!("`{key}` should be true or false, found {}", describe(n)),
                ));
                false
            }
        }
    }

    fn list<'a>(&mut self, f: &mut Fields<'a>, key: &str) -> &'a [Node] {
        match f.take(key) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items,
            Some(n) => {
                self.push(
                    Problem::new(
                        n.span,
                        format!("`{key}` should be a list, found {}", n.kind_name()),
                    )
                    .with_hint("write each entry on its own line starting with `- `"),
                );
                &[]
            }
            None => &[],
        }
    }

    fn texts(&mut self, f: &mut Fields<'_>, key: &str) -> Vec<Spanned<String>> {
        let items = self.list(f, key);
        items
            .iter()
            .filter_map(|n| self.text(n, &format!("each entry of `{key}`")))
            .collect()
    }
}

fn describe(node: &Node) -> String {
    match &node.value {
        Value::Scalar(s, _) => format!("`{}`", s.chars().take(40).collect::<String>()),
        _ => node.kind_name().to_string(),
    }
}

/// The known key nearest to `key` by edit distance, if it is close enough to be a typo.
pub(crate) fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

const RUBRIC_KEYS: &[&str] = &["id", "title", "achievement", "evidence", "criteria", "pass"];
const ACHIEVEMENT_KEYS: &[&str] = &[
    "name",
    "description",
    "criteria",
    "type",
    "image",
    "tags",
    "valid_for_days",
    "alignments",
];
const ALIGNMENT_KEYS: &[&str] = &["name", "url", "framework", "code", "description", "type"];
const EVIDENCE_KEYS: &[&str] = &["id", "title", "description", "kinds", "optional"];
const CRITERION_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "weight",
    "levels",
    "required",
    "feedback",
];
const LEVEL_KEYS: &[&str] = &["id", "label", "points", "descriptor"];
const PASS_KEYS: &[&str] = &["min_total"];

/// Reads the whole rubric. Missing pieces are filled with empty values and reported.
pub fn rubric(d: &mut Decoder, root: &Node) -> Option<Rubric> {
    let mut f = d.fields(root, "the rubric")?;
    let id = d.req_text(&mut f, "id");
    let title = d.req_text(&mut f, "title");
    let achievement = match f.take("achievement") {
        Some(n) => achievement(d, n),
        None => {
            d.missing(&f, "achievement");
            None
        }
    }
    .unwrap_or_else(|| empty_achievement(f.span));
    let evidence = d
        .list(&mut f, "evidence")
        .iter()
        .filter_map(|n| evidence(d, n))
        .collect();
    let criteria_node = f.take("criteria");
    let criteria = match criteria_node {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items.iter().filter_map(|n| criterion(d, n)).collect(),
        Some(n) => {
            d.push(Problem::new(
                n.span,
                format!("`criteria` should be a list, found {}", n.kind_name()),
            ));
            Vec::new()
        }
        None => Vec::new(),
    };
    let pass = match f.take("pass") {
        Some(n) => pass(d, n),
        None => {
            d.missing(&f, "pass");
            None
        }
    }
    .unwrap_or(PassRule {
        min_total: Spanned::new(0.0, f.span),
    });
    let criteria_span = criteria_node.map_or(f.span, |n| n.span);
    d.finish(f, RUBRIC_KEYS);
    Some(Rubric {
        id,
        title,
        achievement,
        evidence,
        criteria,
        pass,
        criteria_span,
    })
}

pub(crate) fn empty_achievement(span: Span) -> Achievement {
    let empty = || Spanned::new(String::new(), span);
    Achievement {
        name: empty(),
        description: empty(),
        criteria: empty(),
        achievement_type: Spanned::new("MicroCredential".into(), span),
        image: None,
        image_file: None,
        tags: Vec::new(),
        valid_for_days: None,
        alignments: Vec::new(),
    }
}

pub(crate) fn achievement(d: &mut Decoder, node: &Node) -> Option<Achievement> {
    let mut f = d.fields(node, "`achievement`")?;
    let name = d.req_text(&mut f, "name");
    let description = d.req_text(&mut f, "description");
    let criteria = d.req_text(&mut f, "criteria");
    let achievement_type = d
        .opt_text(&mut f, "type")
        .unwrap_or_else(|| Spanned::new("MicroCredential".into(), f.span));
    let image = d.opt_text(&mut f, "image");
    let tags = d.texts(&mut f, "tags");
    let valid_for_days = match f.take("valid_for_days") {
        Some(n) => d.number(n, "valid_for_days").and_then(|v| {
            if v.value >= 1.0 && v.value.fract() == 0.0 && v.value <= f64::from(u32::MAX) {
                Some(Spanned::new(v.value as u32, v.span))
            } else {
                d.push(Problem::new(
                    v.span,
                    "`valid_for_days` should be a whole number of days, at least 1",
                ));
                None
            }
        }),
        None => None,
    };
    let alignments = d
        .list(&mut f, "alignments")
        .iter()
        .filter_map(|n| alignment(d, n))
        .collect();
    d.finish(f, ACHIEVEMENT_KEYS);
    Some(Achievement {
        name,
        description,
        criteria,
        achievement_type,
        image,
        image_file: None,
        tags,
        valid_for_days,
        alignments,
    })
}

fn alignment(d: &mut Decoder, node: &Node) -> Option<Alignment> {
    let mut f = d.fields(node, "an alignment")?;
    let a = Alignment {
        name: d.req_text(&mut f, "name"),
        url: d.req_text(&mut f, "url"),
        framework: d.opt_text(&mut f, "framework"),
        code: d.opt_text(&mut f, "code"),
        description: d.opt_text(&mut f, "description"),
        target_type: d.opt_text(&mut f, "type"),
    };
    d.finish(f, ALIGNMENT_KEYS);
    Some(a)
}

fn evidence(d: &mut Decoder, node: &Node) -> Option<EvidenceRequirement> {
    let mut f = d.fields(node, "an evidence requirement")?;
    let e = EvidenceRequirement {
        id: d.req_text(&mut f, "id"),
        title: d.req_text(&mut f, "title"),
        description: d.req_text(&mut f, "description"),
        kinds: d.texts(&mut f, "kinds"),
        optional: d.opt_bool(&mut f, "optional"),
    };
    d.finish(f, EVIDENCE_KEYS);
    Some(e)
}

fn criterion(d: &mut Decoder, node: &Node) -> Option<Criterion> {
    let mut f = d.fields(node, "a criterion")?;
    let id = d.req_text(&mut f, "id");
    let title = d.req_text(&mut f, "title");
    let description = d.req_text(&mut f, "description");
    let weight = match f.take("weight") {
        Some(n) => d
            .number(n, "weight")
            .unwrap_or_else(|| Spanned::new(1.0, n.span)),
        None => Spanned::new(1.0, f.span),
    };
    let level_nodes = d.list(&mut f, "levels");
    if f.entries.iter().all(|(k, _, _)| *k != "levels") {
        d.missing(&f, "levels");
    }
    let levels = level_nodes.iter().filter_map(|n| level(d, n)).collect();
    let required = d.opt_text(&mut f, "required");
    let feedback = d.texts(&mut f, "feedback");
    let span = f.span;
    d.finish(f, CRITERION_KEYS);
    Some(Criterion {
        id,
        title,
        description,
        weight,
        levels,
        required,
        feedback,
        span,
    })
}

fn level(d: &mut Decoder, node: &Node) -> Option<Level> {
    let mut f = d.fields(node, "a level")?;
    let l = Level {
        id: d.req_text(&mut f, "id"),
        label: d.req_text(&mut f, "label"),
        points: d.req_number(&mut f, "points"),
        descriptor: d.req_text(&mut f, "descriptor"),
    };
    d.finish(f, LEVEL_KEYS);
    Some(l)
}

fn pass(d: &mut Decoder, node: &Node) -> Option<PassRule> {
    let mut f = d.fields(node, "`pass`")?;
    let min_total = d.req_number(&mut f, "min_total");
    d.finish(f, PASS_KEYS);
    Some(PassRule { min_total })
}

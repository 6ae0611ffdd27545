//! Pathways: a program achievement earned by holding badges that satisfy its requirements
//! (groups of rubric ids, `all` or `at_least: N`, nested, optionally earned within N days of
//! each other). The YAML format (`pathways/README.md`), its located problems, and the rule
//! that says whether a learner's badges earn it and what is missing.

mod decode;
pub mod eval;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::rubric::{Achievement, Problem, Span, Spanned};

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pathway {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub achievement: Achievement,
    pub requires: Group,
    /// Left out of the canonical form when it is the default, so that pathways imported
    /// before it existed keep their hashes.
    #[serde(skip_serializing_if = "Validity::is_default")]
    pub validity: Validity,
}

/// How long a program credential is valid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// No later than its earliest-expiring component (and the program's own
    /// `valid_for_days`, when it has one).
    #[default]
    Components,
    /// Only the program's own `valid_for_days`: it outlives its components.
    Own,
}

impl Validity {
    fn is_default(&self) -> bool {
        *self == Validity::Components
    }
}

/// What a group asks for of its items.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    All,
    AtLeast(Spanned<u32>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub rule: Rule,
    pub items: Vec<Item>,
    /// The badges that satisfy the group were all earned within this many days.
    pub within_days: Option<Spanned<u32>>,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    Rubric(Spanned<String>),
    Group(Group),
}

impl Group {
    /// Every rubric id named anywhere in the group, in order, each once.
    pub fn rubric_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut todo = vec![self];
        while let Some(g) = todo.pop() {
            for i in &g.items {
                match i {
                    Item::Rubric(r) if !out.contains(&r.value.as_str()) => out.push(&r.value),
                    Item::Rubric(_) => {}
                    Item::Group(g) => todo.push(g),
                }
            }
        }
        out
    }

    /// The requirements as indented lines ("all of:", "  data-cleaning"), for diffs and help.
    pub fn lines(&self, depth: usize, out: &mut Vec<String>) {
        let pad = "  ".repeat(depth);
        let within = self.within_days.as_ref().map_or(String::new(), |d| {
            format!(", earned within {} days", d.value)
        });
        out.push(match &self.rule {
            Rule::All => format!("{pad}all of{within}:"),
            Rule::AtLeast(n) => format!("{pad}at least {} of{within}:", n.value),
        });
        for i in &self.items {
            match i {
                Item::Rubric(r) => out.push(format!("{pad}  {}", r.value)),
                Item::Group(g) => g.lines(depth + 1, out),
            }
        }
    }
}

/// Parses and checks a pathway file's structure. Rubric ids are resolved separately
/// ([`resolve`]), against whatever rubrics the caller knows, or by [`check`].
pub fn parse(bytes: &[u8]) -> Result<Pathway, Vec<Problem>> {
    parse_with(bytes, None)
}

/// [`parse`], and every rubric id resolved against `known`: all problems in one list.
pub fn check(bytes: &[u8], known: &[String]) -> Result<Pathway, Vec<Problem>> {
    parse_with(bytes, Some(known))
}

fn parse_with(bytes: &[u8], known: Option<&[String]>) -> Result<Pathway, Vec<Problem>> {
    let text = crate::rubric::yaml::text_of(bytes).map_err(|p| vec![p])?;
    let root = crate::rubric::yaml::parse(text).map_err(|p| vec![p])?;
    let mut d = crate::rubric::decode::Decoder::default();
    let pathway = decode::pathway(&mut d, &root);
    let mut problems = d.problems;
    if let Some(p) = &pathway {
        let mut meaning = Vec::new();
        decode::check(p, &mut meaning);
        if let Some(known) = known {
            meaning.extend(resolve(p, known));
        }
        meaning.retain(|m| !problems.iter().any(|p| p.span == m.span));
        problems.extend(meaning);
    }
    match pathway {
        Some(p) if problems.is_empty() => Ok(p),
        _ => {
            problems.sort_by_key(|p| p.span);
            problems.dedup();
            Err(problems)
        }
    }
}

/// A problem for every rubric id of `p` that `known` does not hold, with the closest as a hint.
pub fn resolve(p: &Pathway, known: &[String]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut todo = vec![&p.requires];
    while let Some(g) = todo.pop() {
        for i in &g.items {
            match i {
                Item::Group(g) => todo.push(g),
                Item::Rubric(r) if known.contains(&r.value) => {}
                Item::Rubric(r) => {
                    let names: Vec<&str> = known.iter().map(String::as_str).collect();
                    let hint = match crate::rubric::decode::closest(&r.value, &names) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None if names.is_empty() => "no rubrics are known here".to_string(),
                        None => format!("known rubrics: {}", names.join(", ")),
                    };
                    out.push(
                        Problem::new(r.span, format!("no rubric `{}`", r.value)).with_hint(hint),
                    );
                }
            }
        }
    }
    out.sort_by_key(|p| p.span);
    out
}

/// The canonical form of a pathway (its meaning, without comments or layout) and its hash.
pub fn canonical_json(p: &Pathway) -> String {
    serde_json::to_string(p).unwrap_or_default()
}

pub fn version_hash(p: &Pathway) -> String {
    format!("{:x}", Sha256::digest(canonical_json(p).as_bytes()))
}

/// The pathway the project ships, built from the bundled rubrics.
pub const BUNDLED: &[(&str, &str)] = &[(
    "data-practitioner.yaml",
    include_str!("../../pathways/data-practitioner.yaml"),
)];

//! A small YAML document tree that remembers where every node came from.
//!
//! Built from yaml-rust2's pull parser without recursion, under hard limits, so that hostile
//! input (alias bombs, very deep nesting, huge files, binary data) ends in a [`Problem`] quickly
//! and in bounded memory instead of a stack overflow or an out-of-memory kill.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::problem::{Problem, Span};

/// Largest rubric file accepted. Real rubrics are a few kilobytes.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Deepest nesting accepted. A rubric needs about six levels.
pub const MAX_DEPTH: usize = 64;
/// Most nodes a document may hold, counting every use of an alias.
pub const MAX_NODES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text of a scalar, and whether it was written plain (unquoted, not a block).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn kind_name(&self) -> &'static str {
        match &self.value {
            Value::Scalar(s, plain) if *plain && is_null(s) => "nothing (null)",
            Value::Scalar(..) => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// A plain `~`, `null` or empty value.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s, true) if is_null(s))
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn span_of(m: &Marker) -> Span {
    // yaml-rust2 columns are 0-based in practice for events; make them 1-based for people.
    Span::new(m.line(), m.col() + 1)
}

enum Frame {
    Seq {
        span: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        span: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Checks that the bytes are a UTF-8 text file of acceptable size and returns the text.
pub fn text_of(bytes: &[u8]) -> Result<&str, Problem> {
    if bytes.len() > MAX_BYTES {
        return Err(Problem::new(
            Span::new(1, 1),
            format!(
                "file is {} bytes; rubric files are limited to {} bytes",
                bytes.len(),
                MAX_BYTES
            ),
        )
        .with_hint("is this really a rubric? Split long descriptor text or move it out"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let (line, col) = line_col(good);
            return Err(Problem::new(
                Span::new(line, col),
                "file is not UTF-8 text (invalid byte here)",
            )
            .with_hint("rubrics are YAML text files saved as UTF-8"));
        }
    };
    if let Some(pos) = text.find('\0') {
        let (line, col) = line_col(&bytes[..pos]);
        return Err(Problem::new(
            Span::new(line, col),
            "file contains a NUL byte; it looks binary, not YAML",
        ));
    }
    Ok(text)
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let text = String::from_utf8_lossy(prefix);
    let line = text.matches('\n').count() + 1;
    let col = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Parses one YAML document into a [`Node`] tree.
pub fn parse(text: &str) -> Result<Node, Problem> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut nodes = 0usize;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            if e.info().contains("recursion limit") {
                // The scanner's own guard against deep flow nesting (`[[[[…`).
                Problem::new(
                    span_of(e.marker()),
                    "nesting is deeper than the parser allows",
                )
                .with_hint("a rubric needs only a few levels of nesting; is this the right file?")
            } else {
                Problem::new(span_of(e.marker()), format!("YAML syntax: {}", e.info()))
            }
        })?;
        let span = span_of(&mark);
        let finished: Option<(Node, usize, usize)> = match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => None,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(Problem::new(
                        span,
                        "a second YAML document starts here; a rubric file holds exactly one",
                    )
                    .with_hint("remove the `---` line or put each rubric in its own file"));
                }
                None
            }
            Event::Alias(id) => {
                let Some((node, count)) = anchors.get(&id) else {
                    return Err(Problem::new(span, "alias to an unknown anchor"));
                };
                nodes += count;
                if nodes > MAX_NODES {
                    return Err(too_many(span));
                }
                Some((node.clone(), 0, *count))
            }
            Event::Scalar(text, style, anchor, _tag) => {
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(too_many(span));
                }
                let plain = style == TScalarStyle::Plain;
                Some((
                    Node {
                        span,
                        value: Value::Scalar(text, plain),
                    },
                    anchor,
                    1,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                push(&mut stack, span)?;
                stack.push(Frame::Seq {
                    span,
                    anchor,
                    items: Vec::new(),
                });
                None
            }
            Event::MappingStart(anchor, _) => {
                push(&mut stack, span)?;
                stack.push(Frame::Map {
                    span,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = stack.pop();
                let (node, anchor) = match frame {
                    Some(Frame::Seq {
                        span,
                        anchor,
                        items,
                        ..
                    }) => (
                        Node {
                            span,
                            value: Value::Seq(items),
                        },
                        anchor,
                    ),
                    Some(Frame::Map {
                        span,
                        anchor,
                        entries,
                        ..
                    }) => (
                        Node {
                            // A block mapping's start event points at its first `:`; the first
                            // key is where a person looks.
                            span: entries.first().map_or(span, |(k, _)| k.span.min(span)),
                            value: Value::Map(entries),
                        },
                        anchor,
                    ),
                    None => return Err(Problem::new(span, "YAML syntax: unbalanced collection")),
                };
                nodes += 1;
                if nodes > MAX_NODES {
                    return Err(too_many(span));
                }
                let count = if anchor > 0 { count_nodes(&node) } else { 1 };
                Some((node, anchor, count))
            }
        };
        if let Some((node, anchor, count)) = finished {
            if anchor > 0 {
                anchors.insert(anchor, (node.clone(), count));
            }
            match stack.last_mut() {
                Some(Frame::Seq { items, .. }) => items.push(node),
                Some(Frame::Map { entries, key, .. }) => match key.take() {
                    None => *key = Some(node),
                    Some(k) => entries.push((k, node)),
                },
                None => root = Some(node),
            }
        }
    }
    root.ok_or_else(|| {
        Problem::new(Span::new(1, 1), "file is empty")
            .with_hint("a rubric is a YAML mapping that starts with `id:` and `title:`")
    })
}

fn push(stack: &mut [Frame], span: Span) -> Result<(), Problem> {
    if stack.len() >= MAX_DEPTH {
        return Err(
            Problem::new(span, format!("nesting is deeper than {MAX_DEPTH} levels"))
                .with_hint("a rubric needs only a few levels of nesting; is this the right file?"),
        );
    }
    Ok(())
}

fn too_many(span: Span) -> Problem {
    Problem::new(
        span,
        format!("document expands to more than {MAX_NODES} values"),
    )
    .with_hint("anchors and aliases that repeat each other (an \"alias bomb\") are refused")
}

/// Counts nodes without recursion (trees here are at most MAX_DEPTH deep, but be safe).
fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        count += 1;
        match &n.value {
            Value::Scalar(..) => {}
            Value::Seq(items) => todo.extend(items.iter()),
            Value::Map(entries) => {
                for (k, v) in entries {
                    todo.push(k);
                    todo.push(v);
                }
            }
        }
    }
    count
}

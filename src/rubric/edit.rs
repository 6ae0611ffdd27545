//! Structured edits of rubric YAML that keep everything they do not touch: comments, key
//! order, quoting and blank lines. Edits work on the text, guided by the positions of the
//! parsed nodes; the YAML stays the source of truth.
//!
//! Lists and mappings must be in block style (one entry per line), as rubrics are written;
//! a list written on one line (`[a, b]`) is refused with a clear message.

use super::yaml::{self, Node, Value};

/// A step in a path from the document root: a mapping key or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

pub fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}

#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Sets a scalar value (adding the key to its mapping when missing).
    Set { path: Vec<Seg>, value: Scalar },
    /// Removes the list item at `path` (whose last step is an index).
    Remove { path: Vec<Seg> },
    /// Moves the list item at `path` one place up or down.
    Move { path: Vec<Seg>, up: bool },
    /// Inserts `item` (YAML for one list item, without the dash, unindented) into the list at
    /// `list` so that it ends up at `index`.
    Insert {
        list: Vec<Seg>,
        index: usize,
        item: String,
    },
}

/// A value to write: text or a number.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Text(String),
    Number(f64),
}

impl Scalar {
    /// The value as YAML (quoted when plain text would be misread).
    pub fn to_yaml(&self) -> String {
        match self {
            Scalar::Number(n) => super::fmt_num(*n),
            Scalar::Text(t) => {
                let plain_ok = !t.is_empty()
                    && !t.contains('\n')
                    && serde_yaml::from_str::<serde_yaml::Value>(t)
                        .is_ok_and(|v| v == serde_yaml::Value::String(t.clone()))
                    && !t.contains(": ")
                    && !t.contains(" #")
                    && !t.ends_with(':')
                    && t.trim() == t;
                if plain_ok {
                    t.clone()
                } else {
                    // JSON strings are valid YAML double-quoted scalars.
                    serde_json::to_string(t).unwrap_or_else(|_| "\"\"".into())
                }
            }
        }
    }
}

/// Applies `edit` to `source`, returning the new text.
pub fn apply(source: &str, edit: &Edit) -> Result<String, String> {
    let root = yaml::parse(source).map_err(|p| format!("the YAML must be valid first: {p}"))?;
    let mut doc = Doc::new(source);
    match edit {
        Edit::Set { path, value } => doc.set(&root, path, value)?,
        Edit::Remove { path } => {
            let (list, i) = split_index(path)?;
            let items = doc.items(&root, list)?;
            let it = *items.get(i).ok_or("no such item")?;
            doc.lines.drain(it.head..it.end);
        }
        Edit::Move { path, up } => {
            let (list, i) = split_index(path)?;
            let items = doc.items(&root, list)?;
            let j = if *up { i.checked_sub(1) } else { Some(i + 1) };
            let Some(j) = j.filter(|j| *j < items.len()) else {
                return Ok(source.to_string());
            };
            let (first, second) = if i < j {
                (items[i], items[j])
            } else {
                (items[j], items[i])
            };
            let a: Vec<String> = doc.lines[first.head..first.end].to_vec();
            let b: Vec<String> = doc.lines[second.head..second.end].to_vec();
            let mut swapped = b;
            swapped.extend(doc.lines[first.end..second.head].iter().cloned());
            swapped.extend(a);
            doc.lines.splice(first.head..second.end, swapped);
        }
        Edit::Insert { list, index, item } => doc.insert(&root, list, *index, item)?,
    }
    Ok(doc.text())
}

fn split_index(path: &[Seg]) -> Result<(&[Seg], usize), String> {
    match path.split_last() {
        Some((Seg::Index(i), list)) => Ok((list, *i)),
        _ => Err("the path must end with a list index".into()),
    }
}

/// A list item's lines: its leading comments from `head`, its dash line, and `end` (exclusive).
#[derive(Clone, Copy)]
struct Item {
    head: usize,
    dash: usize,
    end: usize,
}

struct Doc {
    lines: Vec<String>,
    trailing_newline: bool,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// Byte offset of a 1-based character column in `line`.
fn byte_of_col(line: &str, col: u32) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i)
}

impl Doc {
    fn new(source: &str) -> Doc {
        Doc {
            lines: source.lines().map(str::to_string).collect(),
            trailing_newline: source.ends_with('\n'),
        }
    }

    fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        if self.trailing_newline {
            t.push('\n');
        }
        t
    }

    /// The line index (0-based) where the node at `path` starts, with the node.
    fn find<'n>(&self, root: &'n Node, path: &[Seg]) -> Result<&'n Node, String> {
        let mut node = root;
        for seg in path {
            node = match (seg, &node.value) {
                (Seg::Key(k), Value::Map(entries)) => entries
                    .iter()
                    .find(|(key, _)| matches!(&key.value, Value::Scalar(s, _) if s == k))
                    .map(|(_, v)| v)
                    .ok_or_else(|| format!("no `{k}` here"))?,
                (Seg::Index(i), Value::Seq(items)) => items.get(*i).ok_or("no such item")?,
                _ => return Err("the path does not match the rubric".into()),
            };
        }
        Ok(node)
    }

    /// End (exclusive line index) of the block that starts at line `start` whose own lines
    /// are indented `indent`: it goes on while lines are deeper (or are list dashes at the same
    /// indentation, for lists written without extra indentation), and trailing blank and
    /// comment lines are left to what follows.
    fn block_end(&self, start: usize, indent: usize, dash_continues: bool) -> usize {
        let mut end = start + 1;
        let mut last_content = start + 1;
        while end < self.lines.len() {
            let l = &self.lines[end];
            if is_blank_or_comment(l) {
                end += 1;
                continue;
            }
            let ind = indent_of(l);
            let continues = ind > indent
                || (dash_continues && ind == indent && l.trim_start().starts_with('-'));
            if !continues {
                break;
            }
            end += 1;
            last_content = end;
        }
        last_content
    }

    /// Line ranges `[start, end)` of the items of the list at `path`.
    fn items(&self, root: &Node, path: &[Seg]) -> Result<Vec<Item>, String> {
        let node = self.find(root, path)?;
        let Value::Seq(items) = &node.value else {
            return Err("that is not a list".into());
        };
        let mut starts = Vec::new();
        for item in items {
            let mut line = item.span.line as usize - 1;
            // The item's first node may sit on the line after its dash.
            while line > 0 && !self.lines[line].trim_start().starts_with('-') {
                line -= 1;
            }
            if starts.last() == Some(&line) {
                return Err(
                    "this list is written on one line; edit the YAML directly or write one item per line"
                        .into(),
                );
            }
            starts.push(line);
        }
        // An item owns the comment lines directly above its dash (they describe it).
        let heads: Vec<usize> = starts
            .iter()
            .enumerate()
            .map(|(n, &s)| {
                let floor = if n == 0 { 0 } else { starts[n - 1] + 1 };
                let mut h = s;
                while h > floor && {
                    let t = self.lines[h - 1].trim_start();
                    t.starts_with('#')
                } {
                    h -= 1;
                }
                h
            })
            .collect();
        let mut out = Vec::new();
        for (n, &s) in starts.iter().enumerate() {
            let dash_indent = indent_of(&self.lines[s]);
            let end = match heads.get(n + 1) {
                Some(&next) => {
                    // Blank lines before the next item stay between the two.
                    let mut e = next;
                    while e > s + 1 && self.lines[e - 1].trim().is_empty() {
                        e -= 1;
                    }
                    e
                }
                None => self.block_end(s, dash_indent, false),
            };
            out.push(Item {
                head: heads[n],
                dash: s,
                end,
            });
        }
        Ok(out)
    }

    fn set(&mut self, root: &Node, path: &[Seg], value: &Scalar) -> Result<(), String> {
        let (last, parent_path) = path.split_last().ok_or("empty path")?;
        let Seg::Key(k) = last else {
            return self.set_item(root, path, value);
        };
        let parent = self.find(root, parent_path)?;
        let Value::Map(entries) = &parent.value else {
            return Err("the parent is not a mapping".into());
        };
        let found = entries
            .iter()
            .find(|(key, _)| matches!(&key.value, Value::Scalar(s, _) if s == k));
        let Some((key_node, value_node)) = found else {
            // Add the key after the mapping's last entry, at the mapping's indentation.
            let (first_key, _) = entries.first().ok_or("empty mapping")?;
            let indent_col = first_key.span.col as usize - 1;
            let (last_key, _) = entries.last().ok_or("empty mapping")?;
            let last_line = last_key.span.line as usize - 1;
            let end = self.block_end(last_line, indent_col, true);
            let line = format!("{}{k}: {}", " ".repeat(indent_col), value.to_yaml());
            self.lines.insert(end, line);
            return Ok(());
        };
        let key_line = key_node.span.line as usize - 1;
        let end = self.block_end(key_line, key_node.span.col as usize - 1, true);
        let single = value_node.span.line == key_node.span.line
            && end == key_line + 1
            && !matches!(value_node.value, Value::Seq(_) | Value::Map(_));
        let line = &self.lines[key_line];
        if single {
            let start = byte_of_col(line, value_node.span.col);
            let stop = scalar_end(line, start);
            let new = format!("{}{}{}", &line[..start], value.to_yaml(), &line[stop..]);
            self.lines[key_line] = new;
        } else {
            // A block or multi-line value: replace the whole entry with a one-line one.
            let key_start = byte_of_col(line, key_node.span.col);
            let prefix = &line[..key_start];
            let new = format!("{prefix}{k}: {}", value.to_yaml());
            self.lines.splice(key_line..end, [new]);
        }
        Ok(())
    }

    /// Sets a list item that is a scalar (a feedback-bank comment, a tag).
    fn set_item(&mut self, root: &Node, path: &[Seg], value: &Scalar) -> Result<(), String> {
        let (list, i) = split_index(path)?;
        let items = self.items(root, list)?;
        let it = *items.get(i).ok_or("no such item")?;
        let node = self.find(root, path)?;
        if !matches!(node.value, Value::Scalar(..)) {
            return Err("that item is not a single value".into());
        }
        let line = &self.lines[it.dash];
        let dash = line.find('-').ok_or("no dash")?;
        let new = format!("{}- {}", &line[..dash], value.to_yaml());
        self.lines.splice(it.dash..it.end, [new]);
        Ok(())
    }

    fn insert(
        &mut self,
        root: &Node,
        list: &[Seg],
        index: usize,
        item: &str,
    ) -> Result<(), String> {
        let items = self.items(root, list)?;
        let (at, dash_indent) = match (items.get(index), items.last()) {
            (Some(it), _) => (it.head, indent_of(&self.lines[it.dash])),
            (None, Some(it)) => (it.end, indent_of(&self.lines[it.dash])),
            (None, None) => return Err("the list is empty; add the first item in the YAML".into()),
        };
        let pad = " ".repeat(dash_indent);
        let mut new = Vec::new();
        for (n, l) in item.lines().enumerate() {
            if n == 0 {
                new.push(format!("{pad}- {l}"));
            } else if l.is_empty() {
                new.push(String::new());
            } else {
                new.push(format!("{pad}  {l}"));
            }
        }
        self.lines.splice(at..at, new);
        Ok(())
    }
}

/// Where a scalar that starts at byte `start` of `line` ends (before a trailing comment).
fn scalar_end(line: &str, start: usize) -> usize {
    let rest = &line[start..];
    let quote = rest.chars().next();
    match quote {
        Some('"') => {
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => return start + i + 1,
                    _ => escaped = false,
                }
            }
            line.len()
        }
        Some('\'') => {
            let b = rest.as_bytes();
            let mut i = 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return start + i + 1;
                }
                i += 1;
            }
            line.len()
        }
        _ => {
            let comment = rest.find(" #").map_or(rest.len(), |i| i);
            start + rest[..comment].trim_end().len()
        }
    }
}

/// YAML for a new criterion with two levels, ready for [`Edit::Insert`].
pub fn criterion_template(id: &str, title: &str) -> String {
    format!(
        "id: {id}\ntitle: {}\ndescription: What this criterion judges.\nweight: 1\nlevels:\n  - id: not-yet\n    label: Not yet\n    points: 0\n    descriptor: What work below the bar looks like.\n  - id: meets\n    label: Meets\n    points: 1\n    descriptor: What work that meets the bar looks like.\n",
        Scalar::Text(title.into()).to_yaml()
    )
}

/// YAML for a new level, ready for [`Edit::Insert`].
pub fn level_template(id: &str, label: &str, points: f64) -> String {
    format!(
        "id: {id}\nlabel: {}\npoints: {}\ndescriptor: What work at this level looks like.\n",
        Scalar::Text(label.into()).to_yaml(),
        super::fmt_num(points)
    )
}

//! Differences between two rubric versions: by meaning (criterion by criterion, level by
//! level) and by line.

use similar::{ChangeTag, TextDiff};

use super::model::{Criterion, Rubric, Spanned};
use super::validate::fmt_num;

/// One difference in meaning: where, and what changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub place: String,
    pub what: String,
}

fn change(place: impl Into<String>, what: impl Into<String>) -> Change {
    Change {
        place: place.into(),
        what: what.into(),
    }
}

fn text(a: &Spanned<String>, b: &Spanned<String>, place: &str, field: &str, out: &mut Vec<Change>) {
    if a.value != b.value {
        out.push(change(
            place,
            format!("{field}: “{}” → “{}”", a.value.trim(), b.value.trim()),
        ));
    }
}

fn opt(a: &Option<Spanned<String>>, b: &Option<Spanned<String>>) -> (String, String) {
    let s =
        |v: &Option<Spanned<String>>| v.as_ref().map_or("(none)".to_string(), |x| x.value.clone());
    (s(a), s(b))
}

/// The changes in meaning from `a` to `b`.
pub fn structural(a: &Rubric, b: &Rubric) -> Vec<Change> {
    let mut out = Vec::new();
    text(&a.id, &b.id, "rubric", "id", &mut out);
    text(&a.title, &b.title, "rubric", "title", &mut out);
    let (aa, ba) = (&a.achievement, &b.achievement);
    text(&aa.name, &ba.name, "achievement", "name", &mut out);
    text(
        &aa.description,
        &ba.description,
        "achievement",
        "description",
        &mut out,
    );
    text(
        &aa.criteria,
        &ba.criteria,
        "achievement",
        "criteria",
        &mut out,
    );
    text(
        &aa.achievement_type,
        &ba.achievement_type,
        "achievement",
        "type",
        &mut out,
    );
    let (x, y) = opt(&aa.image, &ba.image);
    if x != y {
        out.push(change("achievement", format!("image: {x} → {y}")));
    } else if aa.image_file.as_ref().map(|f| &f.sha256) != ba.image_file.as_ref().map(|f| &f.sha256)
    {
        out.push(change(
            "achievement",
            format!("image: the picture in {x} changed"),
        ));
    }
    let tags = |r: &Rubric| {
        r.achievement
            .tags
            .iter()
            .map(|t| t.value.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if tags(a) != tags(b) {
        out.push(change(
            "achievement",
            format!("tags: {} → {}", tags(a), tags(b)),
        ));
    }
    let days = |r: &Rubric| {
        r.achievement
            .valid_for_days
            .as_ref()
            .map_or("(none)".into(), |d| d.value.to_string())
    };
    if days(a) != days(b) {
        out.push(change(
            "achievement",
            format!("valid for days: {} → {}", days(a), days(b)),
        ));
    }
    // An alignment is known by its framework's URL and code (one framework page often
    // holds several competences, each with its code).
    let aligned = |r: &Rubric| {
        r.achievement
            .alignments
            .iter()
            .map(|al| {
                let code = al
                    .code
                    .as_ref()
                    .map_or("", |c| c.value.as_str())
                    .to_string();
                ((al.url.value.clone(), code), al.name.value.clone())
            })
            .collect::<Vec<_>>()
    };
    let (al_a, al_b) = (aligned(a), aligned(b));
    for ((u, _), n) in al_a
        .iter()
        .filter(|(k, _)| !al_b.iter().any(|(j, _)| j == k))
    {
        out.push(change("alignments", format!("removed “{n}” ({u})")));
    }
    for (k, n) in &al_b {
        match al_a.iter().find(|(j, _)| j == k) {
            None => out.push(change("alignments", format!("added “{n}” ({})", k.0))),
            Some((_, old)) if old != n => {
                out.push(change("alignments", format!("“{old}” renamed “{n}”")))
            }
            _ => {}
        }
    }
    let ev = |r: &Rubric| {
        r.evidence
            .iter()
            .map(|e| e.id.value.clone())
            .collect::<Vec<_>>()
    };
    for e in ev(a).iter().filter(|e| !ev(b).contains(e)) {
        out.push(change("evidence", format!("removed `{e}`")));
    }
    for e in ev(b).iter().filter(|e| !ev(a).contains(e)) {
        out.push(change("evidence", format!("added `{e}`")));
    }
    let ids = |r: &Rubric| {
        r.criteria
            .iter()
            .map(|c| c.id.value.clone())
            .collect::<Vec<_>>()
    };
    let (ia, ib) = (ids(a), ids(b));
    for c in &a.criteria {
        if !ib.contains(&c.id.value) {
            out.push(change(format!("criterion `{}`", c.id.value), "removed"));
        }
    }
    for c in &b.criteria {
        match a.criterion(&c.id.value) {
            None => out.push(change(
                format!("criterion `{}`", c.id.value),
                format!("added: “{}”", c.title.value),
            )),
            Some(old) => criterion(old, c, &mut out),
        }
    }
    let common_a: Vec<&String> = ia.iter().filter(|i| ib.contains(i)).collect();
    let common_b: Vec<&String> = ib.iter().filter(|i| ia.contains(i)).collect();
    if common_a != common_b {
        out.push(change(
            "criteria",
            format!("order: {} → {}", join(&common_a), join(&common_b)),
        ));
    }
    if a.pass.min_total.value != b.pass.min_total.value {
        out.push(change(
            "pass",
            format!(
                "min_total: {} → {}",
                fmt_num(a.pass.min_total.value),
                fmt_num(b.pass.min_total.value)
            ),
        ));
    }
    if a.max_total() != b.max_total() {
        out.push(change(
            "pass",
            format!(
                "highest weighted total: {} → {}",
                fmt_num(a.max_total()),
                fmt_num(b.max_total())
            ),
        ));
    }
    out
}

fn join(v: &[&String]) -> String {
    v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

fn criterion(a: &Criterion, b: &Criterion, out: &mut Vec<Change>) {
    let place = format!("criterion `{}`", b.id.value);
    text(&a.title, &b.title, &place, "title", out);
    text(&a.description, &b.description, &place, "description", out);
    if a.weight.value != b.weight.value {
        out.push(change(
            &place,
            format!(
                "weight: {} → {}",
                fmt_num(a.weight.value),
                fmt_num(b.weight.value)
            ),
        ));
    }
    let (x, y) = opt(&a.required, &b.required);
    if x != y {
        out.push(change(&place, format!("required level: {x} → {y}")));
    }
    for l in &a.levels {
        if b.level(&l.id.value).is_none() {
            out.push(change(&place, format!("level `{}` removed", l.id.value)));
        }
    }
    for l in &b.levels {
        let Some((_, old)) = a.level(&l.id.value) else {
            out.push(change(
                &place,
                format!(
                    "level `{}` added ({} points)",
                    l.id.value,
                    fmt_num(l.points.value)
                ),
            ));
            continue;
        };
        let lp = format!("{place}, level `{}`", l.id.value);
        text(&old.label, &l.label, &lp, "label", out);
        text(&old.descriptor, &l.descriptor, &lp, "descriptor", out);
        if old.points.value != l.points.value {
            out.push(change(
                &lp,
                format!(
                    "points: {} → {}",
                    fmt_num(old.points.value),
                    fmt_num(l.points.value)
                ),
            ));
        }
    }
    let fa: Vec<&str> = a.feedback.iter().map(|f| f.value.as_str()).collect();
    let fb: Vec<&str> = b.feedback.iter().map(|f| f.value.as_str()).collect();
    feedback_changes(&fa, &fb, &place, out);
}

/// The feedback bank's changes in order: a comment edited in place is "changed", not
/// removed plus added; a moved comment is removed where it was and added where it is.
fn feedback_changes(fa: &[&str], fb: &[&str], place: &str, out: &mut Vec<Change>) {
    use similar::{Algorithm, DiffOp, capture_diff_slices};
    for op in capture_diff_slices(Algorithm::Myers, fa, fb) {
        let (old, new) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index, old_len, ..
            } => (&fa[old_index..old_index + old_len], &fb[..0]),
            DiffOp::Insert {
                new_index, new_len, ..
            } => (&fa[..0], &fb[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                &fa[old_index..old_index + old_len],
                &fb[new_index..new_index + new_len],
            ),
        };
        let paired = old.len().min(new.len());
        for (o, n) in old.iter().zip(new.iter()) {
            // Moved rather than edited: it is still there, elsewhere.
            if fb.contains(o) || fa.contains(n) {
                out.push(change(place, format!("feedback removed: “{o}”")));
                out.push(change(place, format!("feedback added: “{n}”")));
            } else {
                out.push(change(place, format!("feedback changed: “{o}” → “{n}”")));
            }
        }
        for o in &old[paired..] {
            out.push(change(place, format!("feedback removed: “{o}”")));
        }
        for n in &new[paired..] {
            out.push(change(place, format!("feedback added: “{n}”")));
        }
    }
}

/// A line of a unified diff: ' ', '-' or '+', and the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffLine {
    pub tag: char,
    pub text: String,
}

/// The line-by-line diff of two sources, with `context` unchanged lines around each change
/// (hunks separated by a line with tag '@').
pub fn lines(a: &str, b: &str, context: usize) -> Vec<DiffLine> {
    // A deadline keeps two large, unrelated texts from taking long: past it the diff is
    // coarser (bigger hunks), never wrong.
    let diff = TextDiff::configure()
        .deadline(std::time::Instant::now() + std::time::Duration::from_secs(1))
        .diff_lines(a, b);
    let mut out = Vec::new();
    for (n, group) in diff.grouped_ops(context).iter().enumerate() {
        if n > 0 || !group.is_empty() {
            let first = group.first().map_or(0, |op| op.old_range().start + 1);
            out.push(DiffLine {
                tag: '@',
                text: format!("@@ line {first} @@"),
            });
        }
        for op in group {
            for c in diff.iter_changes(op) {
                let tag = match c.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                };
                out.push(DiffLine {
                    tag,
                    text: c.value().trim_end_matches(['\n', '\r']).to_string(),
                });
            }
        }
    }
    out
}

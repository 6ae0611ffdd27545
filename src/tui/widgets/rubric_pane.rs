//! The rubric as the assessor sees it: the total and outcome, the criteria with their chosen
//! levels, and the selected criterion's levels and comments. Used by the review screen and by
//! the rubric editor's preview.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::rubric::{self, Choices, Decision, Rubric};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, fit_line, pad};

/// Sanitizes every text of a rubric that the workbench shows (ids are validated slugs and stay
/// as they are); line breaks inside descriptors become spaces.
pub fn sanitize_for_display(r: &mut Rubric) {
    let one = |s: &mut crate::rubric::Spanned<String>| {
        s.value = sanitize::line(s.value.replace('\n', " ").trim());
    };
    one(&mut r.title);
    one(&mut r.achievement.name);
    one(&mut r.achievement.description);
    for c in &mut r.criteria {
        one(&mut c.title);
        one(&mut c.description);
        for l in &mut c.levels {
            one(&mut l.label);
            one(&mut l.descriptor);
        }
        for fb in &mut c.feedback {
            one(fb);
        }
    }
    for e in &mut r.evidence {
        one(&mut e.title);
    }
    for a in &mut r.achievement.alignments {
        one(&mut a.name);
        one(&mut a.url);
    }
}

pub struct RubricView<'a> {
    /// Text already sanitized.
    pub rubric: &'a Rubric,
    pub choices: &'a Choices,
    pub comments: &'a BTreeMap<String, String>,
    pub overall: &'a str,
    pub selected: usize,
    pub focused: bool,
    /// The previous attempt's assessment, when this is a later attempt.
    pub previous: Option<(i64, &'a crate::store::SavedAssessment)>,
}

fn chosen_index(v: &RubricView<'_>) -> Option<usize> {
    let c = v.rubric.criteria.get(v.selected)?;
    let l = v.choices.get(&c.id.value)?;
    c.level(l).map(|(i, _)| i)
}

pub fn draw(f: &mut Frame<'_>, inner: Rect, v: &RubricView<'_>, theme: Theme) {
    let width = usize::from(inner.width);
    let o = rubric::score(v.rubric, v.choices);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let verdict = match o.decision {
        Some(Decision::Meets) => Span::styled("MEETS", theme.good()),
        Some(Decision::NotYet) => Span::styled("NOT YET", theme.bad()),
        None => Span::styled(format!("{} unscored", o.unscored.len()), theme.warn()),
    };
    let mut why = String::new();
    if !o.shortfalls.is_empty() {
        let names: Vec<&str> = o
            .shortfalls
            .iter()
            .filter_map(|s| v.rubric.criterion(&s.criterion))
            .map(|c| c.title.value.as_str())
            .collect();
        why = format!(" · below required: {}", names.join(", "));
    } else if o.decision == Some(Decision::NotYet) {
        why = " · total below the pass mark".into();
    }
    lines.push(Line::from(vec![
        Span::raw(format!(
            " total {} of {} · pass at {} · ",
            rubric::fmt_num(o.total),
            rubric::fmt_num(o.max_total),
            rubric::fmt_num(o.min_total)
        )),
        verdict,
        Span::styled(why, theme.warn()),
    ]));
    let title_w = width.saturating_sub(24).max(8);
    for (i, c) in v.rubric.criteria.iter().enumerate() {
        let chosen = v.choices.get(&c.id.value).and_then(|l| c.level(l));
        // Unscored on a later attempt: what the previous attempt got, as a start.
        let before = v.previous.and_then(|(_, p)| {
            let s = p.scores.iter().find(|s| s.criterion == c.id.value)?;
            c.level(s.level.as_deref()?)
        });
        let level = match (chosen, before) {
            (Some((n, l)), _) => format!("{} {}", n + 1, l.label.value),
            (None, Some((n, l))) => format!("was {} {}", n + 1, l.label.value),
            (None, None) => "–".to_string(),
        };
        let short = o.shortfalls.iter().any(|s| s.criterion == c.id.value);
        let marker = if i == v.selected { "▸" } else { " " };
        let req = if c.required.is_some() { "*" } else { " " };
        let has_comment = if v.comments.contains_key(&c.id.value) {
            "✎"
        } else {
            " "
        };
        let text = format!(
            "{marker}{req}{} ×{} {has_comment} {}",
            pad(&fit(&c.title.value, title_w), title_w),
            rubric::fmt_num(c.weight.value),
            fit(&level, 16)
        );
        let style = if i == v.selected && v.focused {
            theme.selected()
        } else if short {
            theme.bad()
        } else if chosen.is_none() {
            theme.dim()
        } else {
            Style::new()
        };
        lines.push(Line::styled(fit(&text, width), style));
    }
    // The selected criterion: its levels one line each (always shown), then as much
    // detail as fits — the description, full descriptors, comments.
    let height = usize::from(inner.height);
    if let Some(c) = v.rubric.criteria.get(v.selected) {
        let req = match c.required.as_ref().and_then(|q| c.level(&q.value)) {
            Some((_, l)) => format!(" (required: {})", l.label.value),
            None => String::new(),
        };
        lines.push(Line::styled(
            fit(&format!("── {}{req} ", c.title.value), width),
            theme.title(),
        ));
        let chosen = chosen_index(v);
        let mut tail: Vec<Line<'static>> = Vec::new();
        // What the previous attempt got on this criterion, and why.
        if let Some((attempt, prev)) = v.previous {
            let score = prev.scores.iter().find(|s| s.criterion == c.id.value);
            let level = score
                .and_then(|s| s.level.as_deref())
                .and_then(|l| c.level(l))
                .map_or("no level".to_string(), |(n, l)| {
                    format!("{} {}", n + 1, l.label.value)
                });
            let comment = score
                .map(|s| s.comment.trim())
                .filter(|t| !t.is_empty())
                .map_or(String::new(), |t| format!(" — {t}"));
            tail.push(Line::from(vec![
                Span::styled(format!("attempt {attempt}: "), theme.key()),
                Span::raw(sanitize::line(&format!("{level}{comment}"))),
            ]));
        }
        if let Some(comment) = v.comments.get(&c.id.value) {
            tail.push(Line::from(vec![
                Span::styled("comment: ", theme.key()),
                Span::raw(sanitize::line(comment)),
            ]));
        }
        if !v.overall.is_empty() {
            tail.push(Line::from(vec![
                Span::styled("overall: ", theme.key()),
                Span::raw(sanitize::line(v.overall)),
            ]));
        }
        // Wrapped, the levels first (what the assessor chooses between), then the
        // description, then the comments: each as far as the height allows, never cut while
        // rows stay blank below.
        let levels: Vec<Vec<Line<'static>>> = c
            .levels
            .iter()
            .enumerate()
            .map(|(n, l)| {
                let mark = if chosen == Some(n) { "▶" } else { " " };
                let style = if chosen == Some(n) {
                    theme.good()
                } else {
                    Style::new()
                };
                wrap(
                    vec![
                        Span::styled(
                            format!("{mark}{} {} ", n + 1, l.label.value),
                            style.patch(theme.title()),
                        ),
                        Span::styled(
                            format!("({}) ", rubric::fmt_num(l.points.value)),
                            theme.dim(),
                        ),
                    ],
                    &l.descriptor.value,
                    Style::new(),
                    width,
                )
            })
            .collect();
        let description = wrap(Vec::new(), &c.description.value, theme.dim(), width);
        let tail: Vec<Vec<Line<'static>>> = tail
            .into_iter()
            .map(|l| {
                let (head, body): (Vec<Span<'static>>, String) = {
                    let mut spans = l.spans;
                    let body = spans
                        .pop()
                        .map(|s| s.content.to_string())
                        .unwrap_or_default();
                    (spans, body)
                };
                wrap(head, &body, Style::new(), width)
            })
            .collect();
        let mut avail = height.saturating_sub(lines.len());
        // Each level gets a row; the rest go to the levels in turn until each is whole.
        let mut give: Vec<usize> = levels.iter().map(|l| usize::from(!l.is_empty())).collect();
        let mut left = avail.saturating_sub(give.iter().sum());
        while left > 0 {
            let mut gave = false;
            for (g, l) in give.iter_mut().zip(&levels) {
                if left > 0 && *g < l.len() {
                    *g += 1;
                    left -= 1;
                    gave = true;
                }
            }
            if !gave {
                break;
            }
        }
        let level_rows: usize = give.iter().sum();
        avail = avail.saturating_sub(level_rows);
        let desc_rows = description.len().min(avail);
        avail -= desc_rows;
        lines.extend(cut(description, desc_rows, width));
        for (l, g) in levels.into_iter().zip(give) {
            lines.extend(cut(l, g, width));
        }
        for t in tail {
            let n = t.len().min(avail);
            avail -= n;
            lines.extend(cut(t, n, width));
        }
    }
    let lines: Vec<Line<'static>> = lines.into_iter().take(height).collect();
    f.render_widget(Paragraph::new(lines), inner);
}

/// `head` then `body` word-wrapped to `width` columns; continuation rows indented by three.
fn wrap(head: Vec<Span<'static>>, body: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(8);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut spans = head;
    let mut used: usize = spans.iter().map(|s| s.content.width()).sum();
    let mut text = String::new();
    for word in body.split_whitespace() {
        let w = word.width();
        let sep = usize::from(!text.is_empty());
        // A word that does not fit goes to the next row (unless the row holds nothing yet).
        if used + sep + w > width && (used > 3 || !text.is_empty()) {
            spans.push(Span::styled(std::mem::take(&mut text), style));
            out.push(Line::from(std::mem::take(&mut spans)));
            spans.push(Span::raw("   "));
            used = 3;
        }
        if !text.is_empty() {
            text.push(' ');
            used += 1;
        }
        text.push_str(word);
        used += w;
    }
    spans.push(Span::styled(text, style));
    out.push(Line::from(spans));
    out
}

/// The first `rows` of `lines`, the last of them ending in `…` when some are left out.
fn cut(mut lines: Vec<Line<'static>>, rows: usize, width: usize) -> Vec<Line<'static>> {
    let more = lines.len() > rows;
    lines.truncate(rows);
    if more && let Some(last) = lines.pop() {
        // The mark that more follows: after the text, or in place of its last column.
        let line = if last.width() + 2 <= width {
            let mut spans = last.spans;
            spans.push(Span::raw(" …"));
            Line::from(spans)
        } else {
            let mut l = fit_line(last, width.saturating_sub(1));
            if !l.spans.last().is_some_and(|s| s.content.ends_with('…')) {
                l.spans.push(Span::raw("…"));
            }
            l
        };
        lines.push(line);
    }
    lines.into_iter().map(|l| fit_line(l, width)).collect()
}

//! Feedback letters for learners: the rubric, the level reached on each criterion with the
//! assessor's comments, and, for "not yet", what to improve for the next attempt. Written as
//! Markdown and as HTML (every untrusted text escaped).

use crate::rubric::{self, Choices, Decision, Rubric, fmt_num};
use crate::store::SavedAssessment;

/// One criterion of a letter.
struct Line<'a> {
    title: &'a str,
    level: Option<(&'a str, &'a str)>,
    comment: &'a str,
    /// The level required, when this criterion fell short of it: (label, descriptor).
    short_of: Option<(&'a str, &'a str)>,
}

pub struct Letter<'a> {
    pub rubric: &'a Rubric,
    pub learner: &'a str,
    pub attempt: i64,
    pub assessment: &'a SavedAssessment,
}

impl Letter<'_> {
    fn lines(&self) -> (Vec<Line<'_>>, rubric::Outcome) {
        let choices: Choices = self
            .assessment
            .scores
            .iter()
            .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
            .collect();
        let outcome = rubric::score(self.rubric, &choices);
        let lines = self
            .rubric
            .criteria
            .iter()
            .map(|c| {
                let score = self
                    .assessment
                    .scores
                    .iter()
                    .find(|s| s.criterion == c.id.value);
                let level = score
                    .and_then(|s| s.level.as_deref())
                    .and_then(|l| c.level(l))
                    .map(|(_, l)| (l.label.value.as_str(), l.descriptor.value.as_str()));
                let short_of = outcome
                    .shortfalls
                    .iter()
                    .find(|s| s.criterion == c.id.value)
                    .and_then(|s| c.level(&s.required))
                    .map(|(_, l)| (l.label.value.as_str(), l.descriptor.value.as_str()));
                Line {
                    title: &c.title.value,
                    level,
                    comment: score.map_or("", |s| s.comment.as_str()),
                    short_of,
                }
            })
            .collect();
        (lines, outcome)
    }

    fn verdict(outcome: &rubric::Outcome) -> &'static str {
        match outcome.decision {
            Some(Decision::Meets) => "meets the standard",
            Some(Decision::NotYet) => "does not meet the standard yet",
            None => "is not fully assessed",
        }
    }

    pub fn markdown(&self) -> String {
        let (lines, o) = self.lines();
        let (m, block) = (md_inline, md_block);
        let mut s = format!(
            "# {}\n\nFeedback for **{}**, attempt {}.\n\nYour work {}: a weighted total of {} of {} (the pass mark is {}).\n\n",
            m(&self.rubric.title.value),
            m(self.learner),
            self.attempt,
            Self::verdict(&o),
            fmt_num(o.total),
            fmt_num(o.max_total),
            fmt_num(o.min_total)
        );
        for l in &lines {
            s.push_str(&format!("## {}\n\n", m(l.title)));
            if let Some((label, desc)) = l.level {
                s.push_str(&format!("**{}**: {}\n\n", m(label), m(desc.trim())));
            }
            if !l.comment.trim().is_empty() {
                s.push_str(&format!("{}\n\n", block(l.comment.trim(), "> ")));
            }
        }
        if !self.assessment.overall_feedback.trim().is_empty() {
            s.push_str(&format!(
                "## Overall\n\n{}\n\n",
                block(self.assessment.overall_feedback.trim(), "")
            ));
        }
        let short: Vec<&Line<'_>> = lines.iter().filter(|l| l.short_of.is_some()).collect();
        if o.decision == Some(Decision::NotYet) {
            s.push_str("## For your next attempt\n\n");
            for l in &short {
                if let Some((label, desc)) = l.short_of {
                    s.push_str(&format!(
                        "- **{}**: reach “{}”: {}\n",
                        m(l.title),
                        m(label),
                        m(desc.trim())
                    ));
                }
            }
            if o.total + 1e-9 < o.min_total {
                s.push_str(&format!(
                    "- Raise the weighted total from {} to at least {}.\n",
                    fmt_num(o.total),
                    fmt_num(o.min_total)
                ));
            }
            s.push('\n');
        }
        s
    }

    pub fn html(&self) -> String {
        let (lines, o) = self.lines();
        let e = escape;
        let mut s = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:sans-serif;max-width:42em;margin:2em auto;line-height:1.5}}blockquote{{border-left:3px solid #999;margin:0;padding-left:1em;color:#333}}</style></head><body>\n<h1>{}</h1>\n<p>Feedback for <strong>{}</strong>, attempt {}.</p>\n<p>Your work {}: a weighted total of {} of {} (the pass mark is {}).</p>\n",
            e(&self.rubric.title.value),
            e(&self.rubric.title.value),
            e(self.learner),
            self.attempt,
            Self::verdict(&o),
            fmt_num(o.total),
            fmt_num(o.max_total),
            fmt_num(o.min_total)
        );
        for l in &lines {
            s.push_str(&format!("<h2>{}</h2>\n", e(l.title)));
            if let Some((label, desc)) = l.level {
                s.push_str(&format!(
                    "<p><strong>{}</strong>: {}</p>\n",
                    e(label),
                    e(desc.trim())
                ));
            }
            if !l.comment.trim().is_empty() {
                s.push_str(&format!(
                    "<blockquote>{}</blockquote>\n",
                    e(l.comment.trim()).replace('\n', "<br>")
                ));
            }
        }
        if !self.assessment.overall_feedback.trim().is_empty() {
            s.push_str(&format!(
                "<h2>Overall</h2>\n<p>{}</p>\n",
                e(self.assessment.overall_feedback.trim())
            ));
        }
        if o.decision == Some(Decision::NotYet) {
            s.push_str("<h2>For your next attempt</h2>\n<ul>\n");
            for l in lines.iter().filter(|l| l.short_of.is_some()) {
                if let Some((label, desc)) = l.short_of {
                    s.push_str(&format!(
                        "<li><strong>{}</strong>: reach “{}”: {}</li>\n",
                        e(l.title),
                        e(label),
                        e(desc.trim())
                    ));
                }
            }
            if o.total + 1e-9 < o.min_total {
                s.push_str(&format!(
                    "<li>Raise the weighted total from {} to at least {}.</li>\n",
                    fmt_num(o.total),
                    fmt_num(o.min_total)
                ));
            }
            s.push_str("</ul>\n");
        }
        s.push_str("</body></html>\n");
        s
    }
}

/// Text safe inside HTML elements and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Text safe inside one Markdown line: HTML is escaped (no tag, no entity of its own), every
/// Markdown punctuation character is backslash-escaped (no emphasis, link, image, heading or
/// list can start), and line breaks become spaces.
pub fn md_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '.'
            | '!' | '|' | '~' | ':' | '\'' | '=' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Several lines of untrusted text as a Markdown block, each line escaped and prefixed with
/// `prefix` (`> ` for a quote); blank lines stay paragraph breaks inside it.
pub fn md_block(s: &str, prefix: &str) -> String {
    s.lines()
        .map(|l| format!("{prefix}{}", md_inline(l)).trim_end().to_string())
        .map(|l| {
            if l.is_empty() {
                prefix.trim_end().to_string()
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_html_links_and_headings() {
        let hostile = "Ada\n# Fake heading <script>alert(1)</script> <img src=x onerror=y> [click](javascript:alert(1))";
        let m = md_inline(hostile);
        assert!(!m.contains('\n') && !m.contains('<') && !m.contains("]("));
        assert!(m.contains("&lt;script&gt;") && m.contains("\\[click\\]\\(javascript\\:"));
        let b = md_block("line one\n## two\n\n<b>x</b>", "> ");
        assert_eq!(b, "> line one\n> \\#\\# two\n>\n> &lt;b&gt;x&lt;/b&gt;");
    }
}

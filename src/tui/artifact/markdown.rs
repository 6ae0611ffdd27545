//! Markdown shown as text with light styling: headings, quotes, code fences, list markers.

use ratatui::text::{Line, Span};

use super::ArtifactContent;
use crate::sanitize;
use crate::tui::theme::Theme;

pub fn load(text: &str, theme: Theme) -> ArtifactContent {
    let plain = sanitize::lines(text);
    let mut in_fence = false;
    let lines = plain
        .iter()
        .map(|l| {
            let trimmed = l.trim_start();
            if trimmed.starts_with("```") {
                in_fence = !in_fence;
                return Line::styled(l.clone(), theme.dim());
            }
            if in_fence {
                return Line::styled(l.clone(), theme.code(crate::tui::theme::CodeClass::String));
            }
            if trimmed.starts_with('#') {
                Line::styled(l.clone(), theme.heading())
            } else if trimmed.starts_with('>') {
                Line::styled(l.clone(), theme.dim())
            } else if let Some(rest) = list_item(l) {
                let marker_len = l.len() - rest.len();
                Line::from(vec![
                    Span::styled(l[..marker_len].to_string(), theme.marker()),
                    Span::raw(rest.to_string()),
                ])
            } else {
                Line::raw(l.clone())
            }
        })
        .collect();
    ArtifactContent {
        lines,
        plain,
        wrap: true,
        ..Default::default()
    }
}

/// The text after a list marker (`- `, `* `, `1. `), if the line is a list item.
fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let indent = line.len() - t.len();
    for m in ["- ", "* ", "+ "] {
        if t.starts_with(m) {
            return Some(&line[indent + m.len()..]);
        }
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && t[digits..].starts_with(". ") {
        return Some(&line[indent + digits + 2..]);
    }
    None
}

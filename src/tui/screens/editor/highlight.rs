//! YAML colours for the editor's lines.

use ratatui::text::Span;

use crate::tui::theme::{CodeClass, Theme};

/// YAML colouring: keys, list dashes, comments, numbers and quoted text.
pub fn highlight(line: &str, theme: Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    spans.push(Span::raw(indent.to_string()));
    if trimmed.starts_with('#') {
        spans.push(Span::styled(
            trimmed.to_string(),
            theme.code(CodeClass::Comment),
        ));
        return spans;
    }
    let mut rest = trimmed;
    if let Some(r) = rest.strip_prefix("- ") {
        spans.push(Span::styled("- ", theme.marker()));
        rest = r;
    } else if rest == "-" {
        spans.push(Span::styled("-", theme.marker()));
        return spans;
    }
    // `key:` at the start.
    if let Some(colon) = rest.find(':') {
        let k = &rest[..colon];
        if !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            && rest[colon + 1..].chars().next().is_none_or(|c| c == ' ')
        {
            spans.push(Span::styled(k.to_string(), theme.code(CodeClass::Function)));
            spans.push(Span::raw(":"));
            rest = &rest[colon + 1..];
        }
    }
    let (value, comment) = match rest.find(" #") {
        Some(i) if !rest[..i].contains('"') && !rest[..i].contains('\'') => {
            (&rest[..i], Some(&rest[i..]))
        }
        _ => (rest, None),
    };
    let v = value.trim();
    let class = if v.parse::<f64>().is_ok() {
        CodeClass::Number
    } else if v.starts_with('"') || v.starts_with('\'') {
        CodeClass::String
    } else if matches!(v, "|" | ">" | "|-" | ">-") {
        CodeClass::Keyword
    } else {
        CodeClass::Plain
    };
    spans.push(Span::styled(value.to_string(), theme.code(class)));
    if let Some(c) = comment {
        spans.push(Span::styled(c.to_string(), theme.code(CodeClass::Comment)));
    }
    spans
}

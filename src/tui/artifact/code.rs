//! Source code with syntax highlighting: syntect parses, and scopes map to the 16-colour theme
//! (or to bold/dim under NO_COLOR), so it reads well on any terminal.

use std::sync::OnceLock;

use ratatui::text::{Line, Span};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

use super::ArtifactContent;
use crate::sanitize::{self, Sanitizer};
use crate::tui::theme::{CodeClass, Theme};

/// Lines highlighted; past this the rest is plain (highlighting is the slow part).
const MAX_HIGHLIGHTED: usize = 20_000;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn syntax_for<'a>(set: &'a SyntaxSet, name: &str, first_line: &str) -> &'a SyntaxReference {
    let ext = name.rsplit('.').next().unwrap_or("");
    set.find_syntax_by_extension(ext)
        .or_else(|| set.find_syntax_by_first_line(first_line))
        .unwrap_or_else(|| set.find_syntax_plain_text())
}

fn class_of(stack: &ScopeStack) -> CodeClass {
    for scope in stack.as_slice().iter().rev() {
        let s = scope.build_string();
        let class = if s.starts_with("comment") {
            CodeClass::Comment
        } else if s.starts_with("string") {
            CodeClass::String
        } else if s.starts_with("constant.numeric") || s.starts_with("constant.language") {
            CodeClass::Number
        } else if s.starts_with("keyword") || s.starts_with("storage.modifier") {
            CodeClass::Keyword
        } else if s.starts_with("entity.name.function") || s.starts_with("support.function") {
            CodeClass::Function
        } else if s.starts_with("storage.type")
            || s.starts_with("entity.name.type")
            || s.starts_with("support.type")
            || s.starts_with("entity.name.class")
        {
            CodeClass::Type
        } else if s.starts_with("markup.inserted") {
            CodeClass::String
        } else if s.starts_with("markup.deleted") {
            CodeClass::Keyword
        } else {
            continue;
        };
        return class;
    }
    CodeClass::Plain
}

pub fn load(text: &str, name: &str, theme: Theme) -> ArtifactContent {
    let set = syntaxes();
    let first = text.lines().next().unwrap_or("");
    let syntax = syntax_for(set, name, first);
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut lines = Vec::new();
    let mut plain = Vec::new();
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let mut san = Sanitizer::default();
        let body = raw.trim_end_matches(['\n', '\r']);
        if n >= MAX_HIGHLIGHTED {
            let l = sanitize::line(body);
            lines.push(Line::raw(l.clone()));
            plain.push(l);
            continue;
        }
        let ops = state.parse_line(raw, set).unwrap_or_default();
        let mut spans = Vec::new();
        let mut text_line = String::new();
        let mut pos = 0;
        let mut push =
            |from: usize, to: usize, stack: &ScopeStack, spans: &mut Vec<Span<'static>>| {
                let to = to.min(body.len());
                if from >= to {
                    return;
                }
                let mut out = String::new();
                san.push(&body[from..to], &mut out, false);
                text_line.push_str(&out);
                spans.push(Span::styled(out, theme.code(class_of(stack))));
            };
        for (at, op) in ops {
            push(pos, at, &stack, &mut spans);
            pos = at.max(pos);
            let _ = stack.apply(&op);
        }
        push(pos, body.len(), &stack, &mut spans);
        lines.push(Line::from(spans));
        plain.push(text_line);
    }
    ArtifactContent {
        lines,
        plain,
        wrap: false,
        note: Some(format!("{} · {} lines", syntax.name, text.lines().count())),
        ..Default::default()
    }
}

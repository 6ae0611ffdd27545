//! The footer: key hints generated from the keymap, or the line being typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{self, Mode};
use crate::tui::theme::Theme;

pub fn draw(f: &mut Frame<'_>, area: Rect, mode: Mode, theme: Theme, typing: Option<String>) {
    if let Some(t) = typing {
        f.render_widget(
            Paragraph::new(Line::styled(format!(" {t}"), theme.title())),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    let mut width = 1;
    for (keys, word) in keymap::footer(mode) {
        let len = keys.chars().count() + word.chars().count() + 3;
        if width + len > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {word}  ")));
        width += len;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

//! The footer: key hints generated from the keymap, or the line being typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::tui::keymap::{self, Mode};
use crate::tui::theme::Theme;

/// The footer of `mode`; `read_only` leaves out the keys that score (a submission one may
/// read but not score).
pub fn draw(
    f: &mut Frame<'_>,
    area: Rect,
    mode: Mode,
    read_only: bool,
    theme: Theme,
    typing: Option<String>,
) {
    if let Some(t) = typing {
        f.render_widget(
            Paragraph::new(Line::styled(format!(" {t}"), theme.title())),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    let mut width = 1;
    for (keys, word, _) in keymap::footer_actions(mode)
        .into_iter()
        .filter(|(_, _, a)| !(read_only && keymap::scores(*a)))
    {
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

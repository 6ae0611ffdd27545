//! What is shown when the terminal is below the minimum size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::tui::context::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::theme::Theme;

pub fn draw(f: &mut Frame<'_>, area: Rect, theme: Theme) {
    let lines = vec![
        Line::styled("Terminal too small", theme.bad()),
        Line::raw(format!(
            "It is {}×{}; Merit needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::raw("Make the window larger, or press q to quit."),
    ];
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

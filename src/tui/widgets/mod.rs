//! Reusable pieces of the workbench.

pub mod footer;
pub mod line_input;
pub mod popup;
pub mod progress;
pub mod rubric_pane;
pub mod too_small;

use ratatui::layout::{Constraint, Layout, Rect};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Splits off the one-line footer at the bottom.
pub fn split_footer(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area)
}

/// Cuts `s` to at most `width` columns, ending with `…` when cut.
pub fn fit(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Pads `s` with spaces to `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let w = s.width();
    if w >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - w))
    }
}

/// A rectangle of `w`×`h` centred in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Cuts a styled line to `width` columns (keeping styles), ending with `…` when cut.
pub fn fit_line(line: ratatui::text::Line<'static>, width: usize) -> ratatui::text::Line<'static> {
    use ratatui::text::{Line, Span};
    if line.width() <= width {
        return line;
    }
    let mut out = Vec::new();
    let mut left = width.saturating_sub(1);
    for span in line.spans {
        if left == 0 {
            break;
        }
        let text = fit(&span.content, left + 1);
        let text = text.strip_suffix('…').map(str::to_string).unwrap_or(text);
        left = left.saturating_sub(UnicodeWidthStr::width(text.as_str()));
        out.push(Span::styled(text, span.style));
    }
    out.push(Span::raw("…"));
    Line::from(out).style(line.style)
}

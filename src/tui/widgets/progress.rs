//! The progress of an approval that signs in the background: done/total, rate, time left.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::credential::proof::Suite;
use crate::tui::theme::Theme;
use crate::tui::widgets::fit_line;

#[derive(Clone, Debug, PartialEq)]
pub struct ApprovalProgress {
    pub cohort_id: String,
    pub suite: Suite,
    pub done: usize,
    pub total: usize,
    /// Since the approval started, as measured by the signing thread.
    pub elapsed_ms: u64,
    /// Cancelling was asked for; the batch in hand is finishing.
    pub cancelling: bool,
}

impl ApprovalProgress {
    pub fn new(cohort_id: &str, suite: Suite, total: usize) -> ApprovalProgress {
        ApprovalProgress {
            cohort_id: cohort_id.to_string(),
            suite,
            done: 0,
            total,
            elapsed_ms: 0,
            cancelling: false,
        }
    }

    /// Credentials per second so far.
    pub fn rate(&self) -> Option<f64> {
        (self.done > 0 && self.elapsed_ms > 0)
            .then(|| self.done as f64 * 1000.0 / self.elapsed_ms as f64)
    }

    /// Seconds left at the rate so far.
    pub fn eta_secs(&self) -> Option<u64> {
        let rate = self.rate()?;
        Some(((self.total.saturating_sub(self.done)) as f64 / rate).ceil() as u64)
    }

    /// One line: the figures without the bar (for the footer on other screens).
    pub fn summary(&self) -> String {
        let rate = self
            .rate()
            .map_or_else(|| "starting".to_string(), |r| format!("{r:.0}/s"));
        let eta = self
            .eta_secs()
            .map_or_else(String::new, |s| format!(" · {} left", duration(s)));
        let state = if self.cancelling {
            " · cancelling after this batch"
        } else {
            ""
        };
        format!(
            "{}/{} credentials · {rate}{eta}{state}",
            self.done, self.total
        )
    }

    /// Lines the panel takes.
    pub const HEIGHT: u16 = 4;

    /// A framed panel filling `r` (of [`Self::HEIGHT`] lines).
    pub fn draw(&self, f: &mut Frame<'_>, r: Rect, theme: Theme) {
        f.render_widget(Clear, r);
        let inner = usize::from(r.width.saturating_sub(2));
        let bar_w = inner;
        let filled = (bar_w * self.done.min(self.total))
            .checked_div(self.total)
            .unwrap_or(bar_w);
        let hint = if self.cancelling {
            "stopping: what is signed is kept"
        } else {
            "x cancels (in the cohort view)"
        };
        let lines = vec![
            Line::from(vec![
                Span::styled("█".repeat(filled), theme.good()),
                Span::styled("░".repeat(bar_w - filled), theme.dim()),
            ]),
            fit_line(
                Line::from(vec![
                    Span::raw(self.summary()),
                    Span::styled(format!(" · {hint}"), theme.dim()),
                ]),
                inner,
            ),
        ];
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focus_border())
            .title(Span::styled(
                format!(
                    " Signing {} with {} ",
                    crate::sanitize::line(&self.cohort_id),
                    self.suite.name()
                ),
                theme.title(),
            ));
        f.render_widget(Paragraph::new(lines).block(block), r);
    }
}

/// "42 s", "3 min 5 s", "1 h 2 min".
fn duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

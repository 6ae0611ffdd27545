//! Drawing the editor: the YAML with its gutter and cursor, problems, the preview, the
//! structure panel.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::rubric::{self, Choices};
use crate::sanitize;
use crate::tui::context::Ctx;

use super::highlight::highlight;
use crate::tui::theme::Theme;
use crate::tui::widgets::rubric_pane::{self, RubricView};
use crate::tui::widgets::{fit, fit_line};

use super::{EditorScreen, Panel, RowKind, SIDE_BY_SIDE};

impl EditorScreen {
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let [head, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let state = if self.read_only {
            Span::styled(" read only", theme.dim())
        } else if self.dirty() {
            Span::styled(" modified", theme.warn())
        } else {
            Span::styled(" saved", theme.dim())
        };
        let problems = match (self.problems.len(), self.current()) {
            (0, true) => Span::styled(" · valid", theme.good()),
            (0, false) => Span::styled(" · checking…", theme.dim()),
            (n, _) => Span::styled(format!(" · {n} problem(s)"), theme.bad()),
        };
        let others = if self.others.is_empty() {
            Span::raw("")
        } else {
            Span::styled(
                format!(
                    " · also editing: {}",
                    sanitize::line(&self.others.join(", "))
                ),
                theme.warn(),
            )
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" Merit ", theme.selected()),
                Span::styled(
                    format!(" Rubric {} v{}", self.rubric_id, self.version),
                    theme.title(),
                ),
                problems,
                Span::raw(" ·"),
                state,
                others,
            ])),
            head,
        );
        let (yaml, panel) = if body.width >= SIDE_BY_SIDE {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(body);
            (a, b)
        } else {
            let rows = self.panel_rows(body.height);
            let [a, b] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(body);
            (a, b)
        };
        self.draw_yaml(f, yaml, theme);
        match self.panel {
            Panel::Problems => self.draw_problems(f, panel, theme),
            Panel::Preview => self.draw_preview(f, panel, theme),
            Panel::Structure => self.draw_structure(f, panel, theme),
        }
    }

    fn draw_yaml(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let title = match &self.file {
            Some(p) => format!(
                " {} ",
                fit(
                    &sanitize::line(p),
                    usize::from(area.width.saturating_sub(4))
                )
            ),
            None => " YAML (kept in the workspace) ".to_string(),
        };
        let focus = self.panel != Panel::Structure;
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if focus {
                theme.focus_border()
            } else {
                theme.border()
            })
            .title(Span::styled(title, theme.title()));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let gutter = self.gutter_width();
        let text_w = usize::from(inner.width).saturating_sub(gutter);
        let ratatui_textarea::DataCursor(crow, ccol) = self.area.cursor();
        let mut marked: BTreeMap<usize, ()> = BTreeMap::new();
        for p in &self.problems {
            marked.insert(p.span.line as usize, ());
        }
        let mut lines = Vec::new();
        for (i, raw) in self
            .area
            .lines()
            .iter()
            .enumerate()
            .skip(self.top)
            .take(usize::from(inner.height))
        {
            let n = i + 1;
            let mark = if marked.contains_key(&n) { "●" } else { " " };
            let mut spans = vec![
                Span::styled(mark, theme.bad()),
                Span::styled(format!("{n:>w$} ", w = gutter - 2), theme.dim()),
            ];
            let shown = sanitize::line(raw);
            let visible: String = skip_cols(&shown, self.left);
            let visible = fit_plain(&visible, text_w);
            if i == crow && focus {
                let col = UnicodeWidthStr::width(
                    sanitize::line(&raw.chars().take(ccol).collect::<String>()).as_str(),
                );
                spans.extend(with_cursor(&visible, col.saturating_sub(self.left), theme));
            } else {
                spans.extend(highlight(&visible, theme));
            }
            lines.push(Line::from(spans));
        }
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_problems(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                format!(
                    " Problems ({}) · F8 next · F5 preview · F6 structure ",
                    self.problems.len()
                ),
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let mut lines = Vec::new();
        if self.problems.is_empty() {
            lines.push(Line::styled(
                if self.current() {
                    "No problems: the rubric can be saved (Ctrl-S)."
                } else {
                    "checking…"
                },
                theme.good(),
            ));
        }
        for p in &self.problems {
            lines.push(Line::from(vec![
                Span::styled(format!("{}:{} ", p.span.line, p.span.col), theme.bad()),
                Span::raw(sanitize::line(&p.message)),
            ]));
            if let Some(h) = &p.hint {
                lines.push(Line::styled(
                    format!("    {}", sanitize::line(h)),
                    theme.dim(),
                ));
            }
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }

    fn draw_preview(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                " Preview: the assessor's rubric pane · F5 problems ",
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(r) = &self.parsed else {
            f.render_widget(
                Paragraph::new(Line::styled("No valid version yet.", theme.dim())),
                inner,
            );
            return;
        };
        // A worked example: every criterion at its required level (or its lowest).
        let example: Choices = r
            .criteria
            .iter()
            .map(|c| {
                let l = c.required_index().unwrap_or(0);
                (
                    c.id.value.clone(),
                    c.levels[l.min(c.levels.len().saturating_sub(1))]
                        .id
                        .value
                        .clone(),
                )
            })
            .collect();
        let o = rubric::score(r, &example);
        let verdict = match o.decision {
            Some(rubric::Decision::Meets) => "meets",
            _ => "not yet",
        };
        let note = Line::styled(
            fit(
                &format!(
                    "Worked example: every criterion at its required (or lowest) level scores {} of {}; the pass mark is {} → {verdict}.",
                    rubric::fmt_num(o.total),
                    rubric::fmt_num(o.max_total),
                    rubric::fmt_num(o.min_total)
                ),
                usize::from(inner.width) * 2,
            ),
            theme.warn(),
        );
        let [top, rest] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(inner);
        f.render_widget(Paragraph::new(note).wrap(Wrap { trim: true }), top);
        let comments = BTreeMap::new();
        rubric_pane::draw(
            f,
            rest,
            &RubricView {
                rubric: r,
                choices: &example,
                comments: &comments,
                overall: "",
                selected: 0,
                focused: false,
                previous: None,
            },
            theme,
        );
    }

    fn draw_structure(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.focus_border())
            .title(Span::styled(
                " Structure · Enter edit · a add · d delete · K/J move · n rename ",
                theme.title(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let rows = self.rows();
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "Fix the problems first: structured edits need a valid rubric.",
                    theme.dim(),
                )),
                inner,
            );
            return;
        }
        let height = usize::from(inner.height);
        let sel = self.structure_selected.min(rows.len() - 1);
        let top = sel
            .saturating_sub(height.saturating_sub(1) / 2)
            .min(rows.len().saturating_sub(height));
        let width = usize::from(inner.width);
        let lines: Vec<Line<'static>> = rows
            .iter()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(i, r)| {
                let indent = "  ".repeat(r.depth);
                let mut spans = vec![Span::raw(indent)];
                let label_style = match r.kind {
                    RowKind::Criterion | RowKind::Level => theme.title(),
                    _ => theme.dim(),
                };
                spans.push(Span::styled(r.label.clone(), label_style));
                if let Some(v) = &r.value {
                    spans.push(Span::raw(": "));
                    spans.push(Span::raw(v.replace('\n', " ")));
                }
                let line = fit_line(Line::from(spans), width);
                if i == sel {
                    line.patch_style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// Drops the first `cols` columns of a display line.
fn skip_cols(s: &str, cols: usize) -> String {
    let mut w = 0;
    s.chars()
        .skip_while(|c| {
            let skip = w < cols;
            w += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            skip
        })
        .collect()
}

fn fit_plain(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// The line with the cursor shown as a reversed cell at display column `col`.
fn with_cursor(line: &str, col: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut before = String::new();
    let mut at = None;
    let mut after = String::new();
    let mut w = 0;
    for c in line.chars() {
        if w < col {
            before.push(c);
        } else if at.is_none() {
            at = Some(c);
        } else {
            after.push(c);
        }
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    let mut spans = highlight(&before, theme);
    if w < col {
        spans.push(Span::raw(" ".repeat(col - w)));
    }
    spans.push(Span::styled(
        at.map_or(" ".to_string(), String::from),
        theme.selected(),
    ));
    spans.push(Span::styled(after, Style::new()));
    spans
}

//! How far assessors agree (leads): per criterion the figures and an agreement matrix
//! (the first assessor's level down, the second's across, counts shaded), and per assessor
//! their severity and a bar chart of the levels they gave. Everything readable without
//! colour: counts are written in the cells, bars are drawn with blocks.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Cell, Paragraph, Row, Table};

use crate::reliability::report::{Report, fmt};
use crate::sanitize;
use crate::tui::context::Ctx;
use crate::tui::effect::{DbRequest, Effect};
use crate::tui::keymap::Action;
use crate::tui::screens::Outcome;
use crate::tui::theme::Theme;
use crate::tui::widgets::{fit, pad};

#[derive(Default)]
pub struct ReliabilityScreen {
    pub report: Option<Report>,
    pub error: Option<String>,
    /// The criterion in focus.
    pub selected: usize,
}

impl ReliabilityScreen {
    pub fn open() -> (ReliabilityScreen, Vec<Effect>) {
        (
            ReliabilityScreen::default(),
            vec![Effect::Db(DbRequest::Reliability)],
        )
    }

    /// The report arrived (its text is sanitized here, once).
    pub fn loaded(&mut self, report: Result<Report, String>) {
        match report {
            Ok(mut r) => {
                for c in &mut r.criteria {
                    c.id = sanitize::line(&c.id);
                    c.rubric = sanitize::line(&c.rubric);
                    c.title = sanitize::line(&c.title);
                    for l in &mut c.levels {
                        *l = sanitize::line(l);
                    }
                }
                for a in &mut r.assessors {
                    a.name = sanitize::line(&a.name);
                }
                self.selected = self.selected.min(r.criteria.len().saturating_sub(1));
                self.report = Some(r);
                self.error = None;
            }
            Err(e) => self.error = Some(e),
        }
    }

    pub fn action(&mut self, action: Action, _ctx: &Ctx) -> Outcome {
        let n = self.report.as_ref().map_or(0, |r| r.criteria.len());
        match action {
            Action::Back => return Outcome::Close(Vec::new()),
            Action::Down => self.selected = (self.selected + 1).min(n.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = n.saturating_sub(1),
            Action::Refresh => return Outcome::Effects(vec![Effect::Db(DbRequest::Reliability)]),
            _ => {}
        }
        Outcome::Effects(Vec::new())
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        let theme = ctx.theme;
        let Some(r) = &self.report else {
            let text = match &self.error {
                Some(e) => Line::styled(format!(" {}", sanitize::line(e)), theme.bad()),
                None => Line::styled(" loading…", theme.dim()),
            };
            f.render_widget(Paragraph::new(vec![title_line(theme, None), text]), area);
            return;
        };
        if r.criteria.is_empty() {
            let mut lines = vec![
                title_line(theme, Some(r)),
                Line::styled(
                    " No double-marked work yet. Send some to second marking (cohort view, 2).",
                    theme.dim(),
                ),
            ];
            lines.extend(calibration_lines(r, theme));
            f.render_widget(Paragraph::new(lines), area);
            return;
        }
        let list_h = (r.criteria.len() as u16 + 2).min(area.height / 3).max(4);
        let calibration = calibration_lines(r, theme);
        // At most a third of what is left under the list, when the screen has room.
        let cal_h = (calibration.len() as u16).min(area.height.saturating_sub(list_h + 2) / 3);
        let [head, cal, list, detail] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(cal_h),
            Constraint::Length(list_h),
            Constraint::Min(4),
        ])
        .areas(area);
        let d = &r.decision;
        let decision = match d.note {
            Some(note) => format!(
                " decision: {} — {note} ({} needed)",
                pairs(d.n),
                crate::reliability::report::MIN_PAIRS
            ),
            None => format!(
                " decision: {} · agreement {} · kappa {}",
                pairs(d.n),
                fmt(d.agreement),
                fmt(d.kappa)
            ),
        };
        f.render_widget(
            Paragraph::new(vec![
                title_line(theme, Some(r)),
                Line::styled(decision, theme.dim()),
            ]),
            head,
        );
        f.render_widget(Paragraph::new(calibration), cal);
        self.draw_list(f, list, r, theme);
        let wide = detail.width >= 100;
        let (matrix, people) = if wide {
            let [a, b] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(detail);
            (a, b)
        } else {
            let rows = r.criteria[self.selected].levels.len() as u16 + 4;
            let [a, b] =
                Layout::vertical([Constraint::Length(rows), Constraint::Min(3)]).areas(detail);
            (a, b)
        };
        self.draw_matrix(f, matrix, r, theme);
        self.draw_assessors(f, people, r, theme);
    }

    fn draw_list(&self, f: &mut Frame<'_>, area: Rect, r: &Report, theme: Theme) {
        let header = Row::new(["criterion", "pairs", "exact", "adjacent", "kappa", "alpha"])
            .style(theme.title());
        let height = usize::from(area.height.saturating_sub(2));
        let offset = (self.selected + 1).saturating_sub(height);
        let rows = r
            .criteria
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(i, c)| {
                let short = |v: Option<f64>| v.map_or("—".to_string(), |x| format!("{x:.2}"));
                let style = if i == self.selected {
                    theme.selected()
                } else {
                    Style::new()
                };
                Row::new(vec![
                    Cell::from(format!(
                        "{}{}",
                        if i == self.selected { "▶" } else { " " },
                        c.id
                    )),
                    Cell::from(c.n.to_string()),
                    Cell::from(short(c.exact)),
                    Cell::from(short(c.adjacent)),
                    Cell::from(short(c.kappa)),
                    Cell::from(short(c.alpha)),
                ])
                .style(style)
            });
        let widths = [
            Constraint::Min(16),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(5),
        ];
        f.render_widget(Table::new(rows, widths).header(header), area);
    }

    fn draw_matrix(&self, f: &mut Frame<'_>, area: Rect, r: &Report, theme: Theme) {
        let c = &r.criteria[self.selected];
        let ci =
            |v: Option<[f64; 2]>| v.map_or(String::new(), |[a, b]| format!(" [{a:.2}–{b:.2}]"));
        let title = match c.note {
            Some(note) => format!(" {} · {} — {note} ", fit(&c.title, 30), pairs(c.n)),
            None => format!(
                " {} · kappa {}{} · alpha {}{} ",
                fit(&c.title, 30),
                fmt(c.kappa),
                ci(c.kappa_ci),
                fmt(c.alpha),
                ci(c.alpha_ci)
            ),
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(title, theme.title()))
            .title_bottom(Line::styled(" 1st assessor ↓ · 2nd → ", theme.dim()));
        let max = c.matrix.iter().flatten().copied().max().unwrap_or(0).max(1);
        let label_w = c
            .levels
            .iter()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 14);
        let mut header = vec![Cell::from("")];
        header.extend((1..=c.levels.len()).map(|j| Cell::from(format!("{j:>4}"))));
        let rows =
            c.matrix.iter().enumerate().map(|(i, row)| {
                let mut cells = vec![Cell::from(format!(
                    "{} {}",
                    i + 1,
                    pad(&fit(&c.levels[i], label_w), label_w)
                ))];
                cells.extend(row.iter().enumerate().map(|(j, n)| {
                    Cell::from(format!("{n:>4}")).style(shade(*n, max, i == j, theme))
                }));
                Row::new(cells)
            });
        let mut widths = vec![Constraint::Length(label_w as u16 + 2)];
        widths.extend(std::iter::repeat_n(Constraint::Length(4), c.levels.len()));
        f.render_widget(
            Table::new(rows, widths)
                .header(Row::new(header).style(theme.dim()))
                .block(block),
            area,
        );
    }

    fn draw_assessors(&self, f: &mut Frame<'_>, area: Rect, r: &Report, theme: Theme) {
        let c = &r.criteria[self.selected];
        let key = format!("{}/{}", c.rubric, c.id);
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(theme.border())
            .title(Span::styled(
                " Assessors: levels given, severity ",
                theme.title(),
            ))
            .title_bottom(Line::styled(
                " severity: mean levels from the co-assessor; below 0 is harder ",
                theme.dim(),
            ));
        let inner = block.inner(area);
        f.render_widget(block, area);
        let [names, bars] = Layout::vertical([
            Constraint::Length(r.assessors.len().min(4) as u16),
            Constraint::Min(0),
        ])
        .areas(inner);
        let lines: Vec<Line<'static>> = r
            .assessors
            .iter()
            .take(usize::from(names.height))
            .map(|a| {
                let sev = a
                    .severity
                    .criteria
                    .get(&key)
                    .map_or(a.note.unwrap_or("—").to_string(), |s| format!("{s:+.2}"));
                Line::from(vec![
                    Span::raw(pad(&fit(&a.name, 16), 16)),
                    Span::styled(format!(" {:>4} marked", a.n), theme.dim()),
                    Span::raw(format!("  severity {sev}")),
                ])
            })
            .collect();
        f.render_widget(Paragraph::new(lines), names);
        if bars.height < 3 {
            return;
        }
        let groups: Vec<BarGroup<'static>> = r
            .assessors
            .iter()
            .filter_map(|a| a.levels_given.get(&key).map(|g| (a, g)))
            .map(|(a, given)| {
                let bars: Vec<Bar<'static>> = given
                    .iter()
                    .enumerate()
                    .map(|(i, n)| {
                        Bar::default()
                            .value(*n as u64)
                            .label(Line::from(format!("{}", i + 1)))
                            .style(theme.key())
                    })
                    .collect();
                BarGroup::default()
                    .label(Line::from(fit(&a.name, 12)))
                    .bars(&bars)
            })
            .collect();
        let mut chart = BarChart::default().bar_width(3).bar_gap(0).group_gap(2);
        for g in groups {
            chart = chart.data(g);
        }
        f.render_widget(chart, bars);
    }
}

/// Each assessor's calibration, one line each under a heading (none without calibration).
fn calibration_lines(r: &Report, theme: Theme) -> Vec<Line<'static>> {
    if r.calibration.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::styled(" Calibration", theme.title())];
    for c in &r.calibration {
        let style = if c.result == "failed" {
            theme.bad()
        } else {
            ratatui::style::Style::new()
        };
        out.push(Line::from(vec![
            Span::raw(format!(
                " {}",
                pad(&fit(&sanitize::line(&c.assessor), 16), 16)
            )),
            Span::raw(pad(&fit(&sanitize::line(&c.rubric_id), 20), 21)),
            Span::styled(c.describe(), style),
        ]));
    }
    out
}

/// "1 pair", "30 pairs".
fn pairs(n: usize) -> String {
    if n == 1 {
        "1 pair".into()
    } else {
        format!("{n} pairs")
    }
}

fn title_line(theme: Theme, r: Option<&Report>) -> Line<'static> {
    let tail = r.map_or(String::new(), |r| {
        format!(
            " · {} · 95% intervals: {} resamples, seed {}",
            pairs(r.decision.n),
            r.resamples,
            r.seed
        )
    });
    Line::from(vec![
        Span::styled(" Merit ", theme.selected()),
        Span::styled(" Reliability", theme.title()),
        Span::raw(tail),
    ])
}

/// A cell's shade by its count: empty cells dim, the fullest bold and reversed, agreement
/// (the diagonal) underlined, so the picture reads without colour too.
fn shade(n: usize, max: usize, diagonal: bool, theme: Theme) -> Style {
    let mut s = if n == 0 {
        theme.dim()
    } else if n * 3 >= max * 2 {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    } else if n * 3 >= max {
        Style::new().add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    };
    if diagonal {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    s
}

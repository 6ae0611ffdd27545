//! Popups over the current screen: help, messages (errors are dismissable, never a crash),
//! confirmation, the text editor, and the feedback-bank picker.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use crate::sanitize;

pub use crate::tui::effect::Approval;
use crate::tui::widgets::line_input::{InputEvent, LineInput};

/// The most characters a prompt takes.
const FIELD_MAX: usize = 1000;
use crate::tui::keymap::{self, Action, Mode};
use crate::tui::theme::Theme;
use crate::tui::widgets::{centered, fit, pad};

/// What an editor popup edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditTarget {
    Comment(String),
    Overall,
}

pub struct Editor {
    pub target: EditTarget,
    pub title: String,
    pub area: TextArea<'static>,
}

impl Editor {
    pub fn new(target: EditTarget, title: String, text: &str) -> Self {
        let lines: Vec<String> = if text.is_empty() {
            vec![String::new()]
        } else {
            text.lines().map(str::to_string).collect()
        };
        let mut area = TextArea::new(lines);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        Editor {
            target,
            title,
            area,
        }
    }

    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn paste(&mut self, text: &str) {
        // Pasted text is the assessor's own, but strip anything that could drive the terminal.
        let clean: Vec<String> = text.split('\n').map(sanitize::line).collect();
        self.area.insert_str(clean.join("\n"));
    }
}

/// What a confirmation decides.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfirmAction {
    /// Submit the assessment under review.
    Submit,
    /// Move the rubric's unscored submissions to the version just saved.
    MoveUnscored { rubric_id: String, hash: String },
    /// Leave the rubric editor, dropping unsaved changes.
    LeaveEditor,
    /// Restore (yes) or discard (no) the recovery copy of an unsaved edit.
    Recovery(String),
    /// Open $EDITOR again on text that is still invalid.
    ExternalAgain,
    /// Delete the rubric item at this path.
    Delete(Vec<crate::rubric::edit::Seg>),
    /// The preview was read: ask for the passphrase and approve.
    Approve(Box<Approval>),
    /// Stop the approval that is running.
    CancelApproval,
    /// Send this submission to second marking.
    SecondMarking(i64),
    /// Quit (asked by `q` on the queue).
    Quit,
    /// Quit although an approval is running (it stops after the batch in hand).
    QuitDuringApproval,
    /// Release the claim on this submission.
    Release(i64),
    /// Open the next submission of this rubric waiting to be assessed (after this one).
    OpenNext { rubric_id: String, after: i64 },
}

/// A one-line prompt (a rubric field, a reason, a passphrase). A problem with what was
/// typed shows inside it, and it stays open.
pub struct Field {
    pub title: String,
    pub input: LineInput,
    pub action: FieldAction,
    pub error: Option<String>,
}

/// What a field input changes.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldAction {
    /// Set the value at a path (a number when `number`).
    Set {
        path: Vec<crate::rubric::edit::Seg>,
        number: bool,
    },
    /// Rename the id of the criterion or level at this path.
    Rename(Vec<crate::rubric::edit::Seg>),
    /// Compare two versions of this rubric ("1 3").
    Compare(String),
    /// The issuer's passphrase, to carry out this approval.
    Approve(Box<Approval>),
    /// Why this credential is revoked.
    Revoke { credential_id: String },
    /// What changed in the rubric being saved.
    SaveNote,
    /// How to draw a sample of this cohort for second marking.
    Sample { cohort: String },
    /// To whom a blind learner's name is revealed, and why ("NAME reason").
    Reveal { submission_id: i64 },
    /// Why a lead decides a disagreement this way.
    Resolve {
        submission_id: i64,
        decision: crate::rubric::Decision,
    },
}

impl Field {
    pub fn new(title: String, value: &str, action: FieldAction) -> Field {
        Field {
            title,
            input: LineInput::with_text(value, FIELD_MAX),
            action,
            error: None,
        }
    }

    /// A field whose text is never shown (a passphrase).
    pub fn secret(title: String, action: FieldAction) -> Field {
        Field {
            input: LineInput::masked(FIELD_MAX),
            ..Field::new(title, "", action)
        }
    }

    pub fn text(&self) -> String {
        self.input.text()
    }
}

/// A scrollable page of styled lines (diffs, version lists), wrapped to the box's width as
/// it is drawn: a long line continues under its text, past its marker (`+`, `-`, `•`).
pub struct Pager {
    pub title: String,
    pub lines: Vec<PagerLine>,
    /// The first row shown, in wrapped rows.
    pub scroll: usize,
    /// Rows the last drawing had, to stop scrolling past the end.
    pub rows: std::cell::Cell<usize>,
}

/// One line of a pager: its marker, its (sanitized) text and their style.
pub struct PagerLine {
    pub marker: Span<'static>,
    pub text: String,
    pub style: ratatui::style::Style,
}

impl Pager {
    /// The lines as rows `width` columns wide.
    pub fn rows(&self, width: usize) -> Vec<Line<'static>> {
        use unicode_width::UnicodeWidthStr;
        let mut out = Vec::new();
        for l in &self.lines {
            let indent = l.marker.content.width();
            for (i, row) in wrap_keeping_indent(&l.text, width.saturating_sub(indent).max(8))
                .into_iter()
                .enumerate()
            {
                let marker = if i == 0 {
                    l.marker.clone()
                } else {
                    Span::raw(" ".repeat(indent))
                };
                out.push(Line::from(vec![marker, Span::styled(row, l.style)]));
            }
        }
        out
    }
}

/// Cuts `text` into rows at most `width` wide: at the last space that is not part of the
/// leading indentation, else mid-word (code has long words).
fn wrap_keeping_indent(text: &str, width: usize) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let lead = text.len() - text.trim_start_matches(' ').len();
    let mut rows = Vec::new();
    let mut rest = text;
    let mut first = true;
    loop {
        let mut w = 0;
        let mut cut = rest.len();
        for (i, c) in rest.char_indices() {
            w += c.width().unwrap_or(0);
            if w > width {
                cut = i;
                break;
            }
        }
        if cut == rest.len() {
            rows.push(rest.to_string());
            return rows;
        }
        let floor = if first { lead } else { 0 };
        let at = match rest[..cut].rfind(' ') {
            Some(j) if j > floor => j + 1,
            _ => cut.max(rest.chars().next().map_or(1, char::len_utf8)),
        };
        rows.push(rest[..at].to_string());
        rest = &rest[at..];
        first = false;
    }
}

pub struct Picker {
    pub title: String,
    pub items: Vec<String>,
    pub selected: usize,
}

pub enum Popup {
    Help(Mode),
    Message {
        title: String,
        text: String,
        error: bool,
    },
    /// A yes-or-no question; `yes` and `no` say what each answer does (the keys come from
    /// the keymap).
    Confirm {
        title: String,
        text: String,
        yes: String,
        no: String,
        action: ConfirmAction,
    },
    Editor(Box<Editor>),
    Picker(Picker),
    Field(Box<Field>),
    Pager(Pager),
    /// The `:` command line, at the bottom of the screen.
    Command(Box<CommandLine>),
    /// Done: Enter goes on to `next` (the next piece of work), Esc back.
    Next {
        title: String,
        text: String,
        next: ConfirmAction,
    },
}

/// What is typed after `:`, and what the last Tab or Enter had to say.
pub struct CommandLine {
    pub input: LineInput,
    /// Completions offered, or why the command was refused.
    pub note: Option<String>,
}

pub enum PopupOutcome {
    /// A command line was entered.
    Command(String),
    Stay,
    Close,
    /// The editor's text changed.
    Edited,
    Confirmed(ConfirmAction),
    Declined(ConfirmAction),
    Picked(String),
    /// A field input was entered.
    Entered(FieldAction, String),
}

impl Popup {
    pub fn error(title: &str, text: String) -> Popup {
        Popup::Message {
            title: title.to_string(),
            text,
            error: true,
        }
    }

    pub fn info(title: &str, text: String) -> Popup {
        Popup::Message {
            title: title.to_string(),
            text,
            error: false,
        }
    }

    pub fn key(&mut self, k: KeyEvent) -> PopupOutcome {
        let ctrl_c = k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Popup::Help(_) => match k.code {
                KeyCode::Esc
                | KeyCode::Enter
                | KeyCode::F(1)
                | KeyCode::Char('q')
                | KeyCode::Char('?') => PopupOutcome::Close,
                _ if ctrl_c => PopupOutcome::Close,
                _ => PopupOutcome::Stay,
            },
            // A message closes only with the keys it names, so that the rest of something
            // being typed when it appeared does not close it and run as commands.
            Popup::Message { .. } => match k.code {
                KeyCode::Esc | KeyCode::Enter => PopupOutcome::Close,
                _ if ctrl_c => PopupOutcome::Close,
                _ => PopupOutcome::Stay,
            },
            Popup::Command(c) => match c.input.key(k) {
                InputEvent::Submit => PopupOutcome::Command(c.input.text()),
                InputEvent::Cancel => PopupOutcome::Close,
                InputEvent::Ignored if ctrl_c => PopupOutcome::Close,
                InputEvent::Changed => {
                    c.note = None;
                    PopupOutcome::Stay
                }
                _ => PopupOutcome::Stay,
            },
            Popup::Next { next, .. } => match k.code {
                KeyCode::Enter => PopupOutcome::Confirmed(next.clone()),
                KeyCode::Esc => PopupOutcome::Close,
                _ if ctrl_c => PopupOutcome::Close,
                _ => PopupOutcome::Stay,
            },
            Popup::Confirm { action, .. } => match (keymap::action(Mode::Question, &k), k.code) {
                (Some(Action::Yes), _) => PopupOutcome::Confirmed(action.clone()),
                (Some(Action::No), _) => PopupOutcome::Declined(action.clone()),
                (_, KeyCode::Esc | KeyCode::Char('q')) => match action {
                    // Esc must not silently discard a recovery copy: it asks again next time.
                    ConfirmAction::Recovery(_) => PopupOutcome::Close,
                    other => PopupOutcome::Declined(other.clone()),
                },
                _ => PopupOutcome::Stay,
            },
            Popup::Field(field) => match field.input.key(k) {
                InputEvent::Cancel => PopupOutcome::Close,
                InputEvent::Submit => PopupOutcome::Entered(field.action.clone(), field.text()),
                InputEvent::Ignored if ctrl_c => PopupOutcome::Close,
                _ => PopupOutcome::Stay,
            },
            Popup::Pager(p) => match k.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => PopupOutcome::Close,
                KeyCode::Down | KeyCode::Char('j') => {
                    p.scroll = (p.scroll + 1).min(p.rows.get().saturating_sub(1));
                    PopupOutcome::Stay
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    p.scroll = p.scroll.saturating_sub(1);
                    PopupOutcome::Stay
                }
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    p.scroll = (p.scroll + 10).min(p.rows.get().saturating_sub(1));
                    PopupOutcome::Stay
                }
                KeyCode::PageUp => {
                    p.scroll = p.scroll.saturating_sub(10);
                    PopupOutcome::Stay
                }
                KeyCode::Char('g') | KeyCode::Home => {
                    p.scroll = 0;
                    PopupOutcome::Stay
                }
                _ => PopupOutcome::Stay,
            },
            Popup::Editor(ed) => {
                let save =
                    k.code == KeyCode::Char('s') && k.modifiers.contains(KeyModifiers::CONTROL);
                if k.code == KeyCode::Esc || save || ctrl_c {
                    return PopupOutcome::Close;
                }
                if ed.area.input(k) {
                    PopupOutcome::Edited
                } else {
                    PopupOutcome::Stay
                }
            }
            Popup::Picker(p) => match k.code {
                KeyCode::Esc | KeyCode::Char('q') => PopupOutcome::Close,
                KeyCode::Down | KeyCode::Char('j') => {
                    p.selected = (p.selected + 1).min(p.items.len().saturating_sub(1));
                    PopupOutcome::Stay
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    p.selected = p.selected.saturating_sub(1);
                    PopupOutcome::Stay
                }
                KeyCode::Enter => match p.items.get(p.selected) {
                    Some(t) => PopupOutcome::Picked(t.clone()),
                    None => PopupOutcome::Close,
                },
                KeyCode::Char(c @ '1'..='9') => {
                    let i = usize::from(c as u8 - b'1');
                    match p.items.get(i) {
                        Some(t) => PopupOutcome::Picked(t.clone()),
                        None => PopupOutcome::Stay,
                    }
                }
                _ => PopupOutcome::Stay,
            },
        }
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, theme: Theme) {
        match self {
            Popup::Help(mode) => help(f, area, *mode, theme),
            Popup::Command(c) => {
                // The bottom line(s), over the footer: `:` and the text, a note above it.
                let rows = if c.note.is_some() { 2 } else { 1 };
                let r = Rect {
                    x: area.x,
                    y: area.y + area.height.saturating_sub(rows),
                    width: area.width,
                    height: rows.min(area.height),
                };
                f.render_widget(Clear, r);
                let mut lines = Vec::new();
                if let Some(n) = &c.note {
                    lines.push(Line::styled(
                        fit(&sanitize::line(n), usize::from(area.width)),
                        theme.dim(),
                    ));
                }
                let mut spans = vec![Span::styled(":", theme.key())];
                spans.extend(c.input.spans(
                    ratatui::style::Style::default(),
                    theme.selected(),
                    usize::from(area.width.saturating_sub(1)),
                ));
                lines.push(Line::from(spans));
                f.render_widget(Paragraph::new(lines), r);
            }
            Popup::Next { title, text, .. } => {
                let mut lines: Vec<Line<'static>> = text
                    .split('\n')
                    .map(|l| Line::raw(sanitize::line(l)))
                    .collect();
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "Enter: the next submission of this rubric · Esc: the queue",
                    theme.dim(),
                ));
                boxed(f, area, title, theme.title(), lines, 64);
            }
            Popup::Message { title, text, error } => {
                let style = if *error { theme.bad() } else { theme.title() };
                let mut lines: Vec<Line<'static>> = text
                    .split('\n')
                    .map(|l| Line::raw(sanitize::line(l)))
                    .collect();
                lines.push(Line::raw(""));
                lines.push(Line::styled("Enter or Esc to close", theme.dim()));
                boxed(f, area, title, style, lines, 64);
            }
            Popup::Field(field) => {
                let w = area.width.saturating_sub(6).min(90);
                let mut lines = vec![field.input.line(
                    ratatui::style::Style::default(),
                    theme.selected(),
                    usize::from(w.saturating_sub(2)),
                )];
                if let Some(e) = &field.error {
                    lines.push(Line::styled(sanitize::line(e), theme.bad()));
                }
                let r = centered(area, w, 2 + lines.len() as u16);
                f.render_widget(Clear, r);
                let block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.focus_border())
                    .title(Span::styled(
                        format!(" {} ", sanitize::line(&field.title)),
                        theme.title(),
                    ))
                    .title_bottom(Line::styled(" Enter apply · Esc cancel ", theme.dim()));
                let inner = block.inner(r);
                f.render_widget(block, r);
                f.render_widget(Paragraph::new(lines), inner);
            }
            Popup::Pager(p) => {
                let w = area.width.saturating_sub(2);
                let h = area.height.saturating_sub(2);
                let r = centered(area, w, h);
                f.render_widget(Clear, r);
                let block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(theme.focus_border())
                    .title(Span::styled(
                        format!(" {} ", sanitize::line(&p.title)),
                        theme.title(),
                    ))
                    .title_bottom(Line::styled(
                        " j/k PgUp/PgDn scroll · Esc close ",
                        theme.dim(),
                    ));
                let rows = p.rows(usize::from(w.saturating_sub(2)));
                p.rows.set(rows.len());
                let lines: Vec<Line<'static>> = rows
                    .into_iter()
                    .skip(p.scroll)
                    .take(usize::from(h))
                    .collect();
                f.render_widget(Paragraph::new(lines).block(block), r);
            }
            Popup::Confirm {
                title,
                text,
                yes,
                no,
                ..
            } => {
                let mut lines: Vec<Line<'static>> = text
                    .split('\n')
                    .map(|l| Line::raw(sanitize::line(l)))
                    .collect();
                lines.push(Line::raw(""));
                let label = |a: Action| {
                    keymap::bindings(Mode::Question)
                        .iter()
                        .find(|b| b.action == a)
                        .map_or("?", |b| b.label)
                };
                lines.push(Line::from(vec![
                    Span::styled(label(Action::Yes), theme.key()),
                    Span::raw(format!(" {yes}   ")),
                    Span::styled(label(Action::No), theme.key()),
                    Span::raw(format!(" {no}")),
                ]));
                boxed(f, area, title, theme.title(), lines, 64);
            }
            Popup::Editor(ed) => {
                let w = area.width.saturating_sub(6).min(90);
                let h = area.height.saturating_sub(4).min(14);
                let r = centered(area, w, h);
                framed_textarea(
                    f,
                    r,
                    &ed.title,
                    " Esc done (saved as you type) ",
                    &ed.area,
                    theme,
                );
            }
            Popup::Picker(p) => {
                let inner_w = usize::from(area.width.saturating_sub(10).min(90));
                // Each comment whole, wrapped under its number (it is what the learner reads).
                let lines: Vec<Line<'static>> = p
                    .items
                    .iter()
                    .enumerate()
                    .flat_map(|(i, t)| {
                        let style = if i == p.selected {
                            theme.selected()
                        } else {
                            ratatui::style::Style::new()
                        };
                        wrap_words(&format!("{} {t}", i + 1), inner_w.saturating_sub(1), "  ")
                            .into_iter()
                            .map(move |row| Line::styled(pad(&format!(" {row}"), inner_w), style))
                    })
                    .collect();
                boxed(f, area, &p.title, theme.title(), lines, 94);
            }
        }
    }
}

/// A text area in a focused frame with a title and a hint at the bottom.
fn framed_textarea(
    f: &mut Frame<'_>,
    r: Rect,
    title: &str,
    hint: &'static str,
    area: &TextArea<'static>,
    theme: Theme,
) {
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border())
        .title(Span::styled(
            format!(" {} ", sanitize::line(title)),
            theme.title(),
        ))
        .title_bottom(Line::styled(hint, theme.dim()));
    let inner = block.inner(r);
    f.render_widget(block, r);
    f.render_widget(area, inner);
}

/// `text` in rows of at most `width` columns, broken between words (a word longer than a row
/// is cut); rows after the first start with `indent`.
fn wrap_words(text: &str, width: usize, indent: &str) -> Vec<String> {
    use unicode_width::UnicodeWidthStr;
    let width = width.max(indent.width() + 4);
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for word in text.split(' ') {
        let sep = usize::from(!row.is_empty() && !row.ends_with(' '));
        if !row.trim().is_empty() && row.width() + sep + word.width() > width {
            rows.push(std::mem::take(&mut row));
            row.push_str(indent);
        } else if sep == 1 {
            row.push(' ');
        }
        row.push_str(word);
    }
    rows.push(row);
    rows.into_iter().map(|r| fit(&r, width)).collect()
}

fn boxed(
    f: &mut Frame<'_>,
    area: Rect,
    title: &str,
    style: ratatui::style::Style,
    lines: Vec<Line<'static>>,
    max_w: u16,
) {
    let w = area.width.saturating_sub(4).min(max_w);
    let text_w = usize::from(w.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(text_w).max(1))
        .sum();
    let h = (rows as u16 + 2).min(area.height.saturating_sub(2));
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(style)
        .title(Span::styled(format!(" {} ", sanitize::line(title)), style));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        r,
    );
}

/// Every key of the mode, generated from the keymap.
fn help(f: &mut Frame<'_>, area: Rect, mode: Mode, theme: Theme) {
    let title = match mode {
        Mode::Queue => "Keys: queue",
        Mode::Evidence => "Keys: review, evidence pane",
        Mode::Rubric => "Keys: review, rubric pane",
        Mode::Rubrics => "Keys: rubrics",
        Mode::Editor => "Keys: rubric editor (other keys type)",
        Mode::Structure => "Keys: structured edits",
        Mode::Cohorts => "Keys: cohorts",
        Mode::Cohort => "Keys: cohort (selecting and approving)",
        Mode::Question => "Keys: questions",
        Mode::Reliability => "Keys: reliability",
    };
    let all = keymap::bindings(mode);
    // The list keys every list screen shares take one line when the full list would not fit
    // (the cohort view at 80×24).
    let room = usize::from(area.height.saturating_sub(4));
    let moves = all.iter().filter(|b| keymap::is_move(b.action)).count();
    let fold = all.len() + 1 > room && moves > 1;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut folded = false;
    for b in all {
        if fold && keymap::is_move(b.action) {
            if !std::mem::replace(&mut folded, true) {
                lines.push(Line::from(vec![
                    Span::styled(" j/k g/G PgUp/PgDn ", theme.key()),
                    Span::raw("move, top/bottom, page"),
                ]));
            }
            continue;
        }
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<8}", b.label), theme.key()),
            Span::raw(b.help),
        ]));
    }
    lines.push(Line::styled(" Ctrl-C   quit from anywhere", theme.dim()));
    boxed(f, area, title, theme.title(), lines, 64);
}

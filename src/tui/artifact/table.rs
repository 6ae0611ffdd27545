//! CSV as an aligned table: header in bold, columns padded to their widest cell (capped).

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::ArtifactContent;
use crate::sanitize;
use crate::tui::theme::Theme;

/// Widest a column is drawn; longer cells are cut with `…`.
const MAX_COL: usize = 32;
/// Rows laid out; the rest is counted.
const MAX_ROWS: usize = 20_000;
/// Columns laid out; the rest of each row is counted, not kept (a 4 MiB row of commas once
/// became four million cells).
const MAX_COLUMNS: usize = 64;
/// Cells laid out over the whole table.
const MAX_CELLS: usize = 200_000;

pub fn load(text: &str, theme: Theme) -> ArtifactContent {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut more = 0usize;
    let mut error = None;
    let (mut cells, mut wide) = (0usize, 0usize);
    let mut record = csv::ByteRecord::new();
    loop {
        let rec = match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => Ok(&record),
            Err(e) => Err(e),
        };
        match rec {
            Ok(r) if rows.len() < MAX_ROWS && cells < MAX_CELLS => {
                if r.len() > MAX_COLUMNS {
                    wide = wide.max(r.len());
                }
                let row: Vec<String> = r
                    .iter()
                    .take(MAX_COLUMNS)
                    .map(|c| cut(&sanitize::line(&String::from_utf8_lossy(c))))
                    .collect();
                cells += row.len().max(1);
                rows.push(row);
            }
            Ok(_) => more += 1,
            Err(e) => {
                error = Some(format!("not valid CSV after row {}: {e}", rows.len()));
                break;
            }
        }
    }
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.width());
        }
    }
    let mut lines = Vec::with_capacity(rows.len() + 1);
    let mut plain = Vec::with_capacity(rows.len() + 1);
    for (n, r) in rows.iter().enumerate() {
        let mut spans = Vec::with_capacity(cols * 2);
        let mut text = String::new();
        for (i, w) in widths.iter().enumerate() {
            let cell = r.get(i).map_or("", String::as_str);
            let padded = format!("{cell}{}", " ".repeat(w.saturating_sub(cell.width())));
            if i > 0 {
                spans.push(Span::styled(" │ ", theme.dim()));
                text.push_str(" │ ");
            }
            text.push_str(&padded);
            spans.push(if n == 0 {
                Span::styled(padded, theme.title())
            } else {
                Span::raw(padded)
            });
        }
        lines.push(Line::from(spans));
        plain.push(text);
        if n == 0 {
            let rule: String = widths
                .iter()
                .map(|w| "─".repeat(*w))
                .collect::<Vec<_>>()
                .join("─┼─");
            lines.push(Line::styled(rule.clone(), theme.dim()));
            plain.push(rule);
        }
    }
    let mut content = ArtifactContent {
        lines,
        plain,
        wrap: false,
        ..Default::default()
    };
    let rows_note = format!(
        "{} rows × {cols} columns",
        rows.len().saturating_sub(1) + more
    );
    let rows_note = if wide > 0 {
        format!("{rows_note}; rows of up to {wide} columns are cut after {MAX_COLUMNS}")
    } else {
        rows_note
    };
    content.note = Some(match (more, error) {
        (_, Some(e)) => format!("{rows_note}; {e}"),
        (0, None) => rows_note,
        (m, None) => format!("{rows_note}; the last {m} rows are not shown"),
    });
    content
}

fn cut(s: &str) -> String {
    if s.width() <= MAX_COL {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + 1 >= MAX_COL {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

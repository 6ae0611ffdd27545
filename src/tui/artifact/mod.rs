//! Artifacts prepared for display, off the UI thread: read (at most [`MAX_READ`] bytes, so a
//! 100 MB file never needs 100 MB), sanitized once, styled, and sent back as a message.

mod code;
pub mod diff;
mod image;
mod markdown;
mod pdf;
mod table;

use std::fs::File;
use std::io::Read;
use std::path::Path;

use ratatui::text::Line;

use crate::sanitize;
use crate::store::ArtifactRecord;
use crate::tui::theme::Theme;

pub use image::ImagePreview;

/// Most bytes of an artifact read for display.
pub const MAX_READ: u64 = 4 * 1024 * 1024;
/// Longest line shown of text, Markdown and code; the rest of such a line is cut (a 4 MiB
/// one-line file once took 660 MB to highlight).
pub const MAX_LINE: usize = 4096;

/// What the viewer shows for one artifact.
#[derive(Clone, Debug, Default)]
pub struct ArtifactContent {
    /// Styled display lines (already sanitized).
    pub lines: Vec<Line<'static>>,
    /// The same lines as plain text, for search.
    pub plain: Vec<String>,
    /// A note shown above the content (truncation, why there is no preview…).
    pub note: Option<String>,
    /// Whether long lines wrap by default (prose yes, tables and code no).
    pub wrap: bool,
    pub image: Option<ImagePreview>,
}

impl ArtifactContent {
    fn from_plain(plain: Vec<String>, wrap: bool) -> Self {
        ArtifactContent {
            lines: plain.iter().map(|l| Line::raw(l.clone())).collect(),
            plain,
            wrap,
            ..Default::default()
        }
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Loads an artifact for display. Never panics; problems become a note.
pub fn load(record: &ArtifactRecord, path: Option<&Path>, theme: Theme) -> ArtifactContent {
    if let Some(url) = &record.url {
        return ArtifactContent::from_plain(vec![sanitize::line(url)], true)
            .note("a link; Merit does not fetch it (work stays offline)");
    }
    let Some(path) = path else {
        return ArtifactContent::default().note("no stored file for this artifact");
    };
    let result = match record.kind.as_str() {
        "image" => image::load(path, theme),
        "pdf" => pdf::load(path),
        "csv" => read_lines(path)
            .map(|(text, total, cut)| truncated(table::load(&text, theme), total, cut)),
        "code" => read_lines(path).map(|(text, total, cut)| {
            truncated(code::load(&text, &record.name, theme), total, cut)
        }),
        "markdown" => read_lines(path)
            .map(|(text, total, cut)| truncated(markdown::load(&text, theme), total, cut)),
        "text" => read_lines(path).map(|(text, total, cut)| {
            truncated(
                ArtifactContent::from_plain(sanitize::lines(&text), true),
                total,
                cut,
            )
        }),
        _ => Ok(ArtifactContent::default()
            .note("no preview for this kind of file; its details are above")),
    };
    result.unwrap_or_else(|e| ArtifactContent::default().note(format!("cannot show it: {e}")))
}

/// Notes what was not shown: the end of a file past [`MAX_READ`], and `cut` lines longer
/// than [`MAX_LINE`].
fn truncated(mut c: ArtifactContent, total: u64, cut: usize) -> ArtifactContent {
    let mut notes = Vec::new();
    if total > MAX_READ {
        notes.push(format!(
            "showing the first {} of {}",
            human_size(MAX_READ),
            human_size(total)
        ));
    }
    if cut > 0 {
        notes.push(format!(
            "{cut} line(s) longer than {MAX_LINE} bytes are cut there (marked …)"
        ));
    }
    if !notes.is_empty() {
        let note = notes.join("; ");
        c.note = Some(match c.note {
            Some(n) => format!("{note}; {n}"),
            None => note,
        });
    }
    c
}

/// [`read_prefix`], each line cut at [`MAX_LINE`] bytes; also returns how many were cut.
fn read_lines(path: &Path) -> std::io::Result<(String, u64, usize)> {
    let (text, total) = read_prefix(path)?;
    let (text, cut) = cut_long_lines(&text);
    Ok((text, total, cut))
}

/// `text` with every line longer than [`MAX_LINE`] bytes cut there and marked `…`.
pub fn cut_long_lines(text: &str) -> (String, usize) {
    let mut cut = 0;
    let mut out = String::with_capacity(text.len().min(MAX_READ as usize));
    for line in text.split_inclusive('\n') {
        let body = line.strip_suffix('\n').unwrap_or(line);
        if body.len() > MAX_LINE {
            let mut end = MAX_LINE;
            while !body.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(&body[..end]);
            out.push('…');
            if line.ends_with('\n') {
                out.push('\n');
            }
            cut += 1;
        } else {
            out.push_str(line);
        }
    }
    (out, cut)
}

/// Reads at most [`MAX_READ`] bytes as text (invalid UTF-8 replaced); returns the file size.
fn read_prefix(path: &Path) -> std::io::Result<(String, u64)> {
    let f = File::open(path)?;
    let total = f.metadata()?.len();
    let mut buf = Vec::with_capacity(total.min(MAX_READ) as usize);
    f.take(MAX_READ).read_to_end(&mut buf)?;
    if buf.contains(&0) {
        return Err(std::io::Error::other(
            "it contains NUL bytes, so it is not text",
        ));
    }
    Ok((String::from_utf8_lossy(&buf).into_owned(), total))
}

pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

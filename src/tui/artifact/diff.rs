//! A text artifact against its version in an earlier attempt: the changed lines with a
//! little context, both files read within the same bounds as any artifact.

use std::path::Path;

use ratatui::text::Line;

use super::{ArtifactContent, read_lines};
use crate::sanitize;
use crate::tui::theme::Theme;

/// The line diff from `old` (attempt `attempt`) to `new`.
pub fn load(old: &Path, new: &Path, attempt: i64, theme: Theme) -> ArtifactContent {
    let read = |p: &Path| read_lines(p).map(|(text, _, _)| text);
    let (a, b) = match (read(old), read(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            return ArtifactContent::default().note(format!("cannot compare: {e}"));
        }
    };
    let diff = crate::rubric::diff::lines(&a, &b, 3);
    let added = diff.iter().filter(|l| l.tag == '+').count();
    let removed = diff.iter().filter(|l| l.tag == '-').count();
    let mut lines = Vec::with_capacity(diff.len());
    let mut plain = Vec::with_capacity(diff.len());
    for l in diff {
        let text = sanitize::line(&l.text);
        let (shown, style) = match l.tag {
            '+' => (format!("+{text}"), theme.good()),
            '-' => (format!("-{text}"), theme.bad()),
            '@' => (text, theme.dim()),
            _ => (format!(" {text}"), ratatui::style::Style::new()),
        };
        lines.push(Line::styled(shown.clone(), style));
        plain.push(shown);
    }
    let note = if added + removed == 0 {
        format!("the same text as in attempt {attempt} (only the bytes differ)")
    } else {
        format!("changes since attempt {attempt}: {added} line(s) added, {removed} removed")
    };
    ArtifactContent {
        lines,
        plain,
        note: Some(note),
        wrap: false,
        image: None,
    }
}

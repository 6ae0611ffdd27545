//! PDF shown as its extracted text (lopdf), page by page.

use std::path::Path;

use super::{ArtifactContent, human_size};
use crate::sanitize;

/// PDFs larger than this are not parsed (their details are still shown).
const MAX_PDF: u64 = 64 * 1024 * 1024;
/// Limit on the decompressed content of one page.
const MAX_PAGE: usize = 16 * 1024 * 1024;

pub fn load(path: &Path) -> std::io::Result<ArtifactContent> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_PDF {
        return Ok(ArtifactContent::default().note(format!(
            "a {} PDF is too large to extract text from here",
            human_size(size)
        )));
    }
    let doc = match lopdf::Document::load(path) {
        Ok(d) => d,
        Err(e) => {
            return Ok(ArtifactContent::default().note(format!("cannot read this PDF: {e}")));
        }
    };
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut plain = Vec::new();
    let mut failed = 0;
    for p in &pages {
        plain.push(format!("── page {p} of {} ──", pages.len()));
        match doc.extract_text_with_limit(&[*p], MAX_PAGE) {
            Ok(text) => plain.extend(sanitize::lines(text.trim_end())),
            Err(_) => {
                failed += 1;
                plain.push("(no extractable text on this page)".into());
            }
        }
    }
    let mut c = ArtifactContent::from_plain(plain, true);
    c.note = Some(if failed > 0 {
        format!("text extracted from the PDF ({failed} page(s) without text)")
    } else {
        "text extracted from the PDF; layout and images are not shown".into()
    });
    Ok(c)
}

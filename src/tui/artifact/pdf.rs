//! PDF shown as its extracted text (lopdf), page by page, within one budget for the whole
//! document: pages may share one content stream, so a per-page limit alone lets a 21 KiB file
//! of 40 pages cost gigabytes.

use std::path::Path;

use super::{ArtifactContent, human_size};
use crate::sanitize;

/// PDFs larger than this are not parsed (their details are still shown).
const MAX_PDF: u64 = 32 * 1024 * 1024;
/// Decompressed page content, over all pages together.
const MAX_CONTENT: usize = 8 * 1024 * 1024;
/// Decompressed content of one page; text extraction holds some 25 times this in memory.
const MAX_PAGE: usize = 1024 * 1024;
/// Extracted text kept, over all pages together.
const MAX_TEXT: usize = 2 * 1024 * 1024;

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
    let pages: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    let (mut content_left, mut text_left) = (MAX_CONTENT, MAX_TEXT);
    let mut plain = Vec::new();
    let mut failed = 0;
    let mut cut_at = None;
    for (p, id) in &pages {
        let over = |e: &lopdf::Error| {
            matches!(
                e,
                lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })
            )
        };
        if content_left == 0 {
            cut_at = Some(*p);
            break;
        }
        // The page's content, within what is left of the budget, then its text.
        let limit = content_left.min(MAX_PAGE);
        plain.push(format!("── page {p} of {} ──", pages.len()));
        let content = match doc.get_page_content_with_limit(*id, limit) {
            Ok(c) => c,
            Err(e) if over(&e) => {
                content_left -= limit;
                failed += 1;
                plain.push(format!(
                    "(this page's content is larger than {}; its text is not extracted)",
                    human_size(limit as u64)
                ));
                continue;
            }
            Err(_) => Vec::new(),
        };
        content_left = content_left.saturating_sub(content.len());
        let text = if content.is_empty() {
            Err(())
        } else {
            doc.extract_text_with_limit(&[*p], content.len())
                .map_err(|_| ())
        };
        match text {
            Ok(t) => {
                let mut end = t.len().min(text_left);
                while !t.is_char_boundary(end) {
                    end -= 1;
                }
                text_left -= end;
                plain.extend(sanitize::lines(t[..end].trim_end()));
                if end < t.len() {
                    cut_at = Some(*p);
                    break;
                }
            }
            Err(()) => {
                failed += 1;
                plain.push("(no extractable text on this page)".into());
            }
        }
    }
    let mut c = ArtifactContent::from_plain(plain, true);
    let mut notes = vec![if failed > 0 {
        format!("text extracted from the PDF ({failed} page(s) without text)")
    } else {
        "text extracted from the PDF; layout and images are not shown".into()
    }];
    if let Some(p) = cut_at {
        notes.push(format!(
            "cut at page {p} of {}: Merit extracts at most {} of text and reads {} of page \
             content per document",
            pages.len(),
            human_size(MAX_TEXT as u64),
            human_size(MAX_CONTENT as u64)
        ));
    }
    c.note = Some(notes.join("; "));
    Ok(c)
}

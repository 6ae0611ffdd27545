//! Preparing artifacts for display: bounded reads, PDF text, tables, binaries, links.

mod common;

use common::walk;

use merit::store::ArtifactRecord;
use merit::tui::artifact::{self, MAX_READ};
use merit::tui::theme::Theme;

fn record(name: &str, kind: &str) -> ArtifactRecord {
    ArtifactRecord {
        name: name.into(),
        kind: kind.into(),
        requirement: None,
        sha256: Some("0".repeat(64)),
        size: None,
        url: None,
    }
}

#[test]
fn a_100_megabyte_artifact_is_read_only_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.txt");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).unwrap();
        let line = "a line of a very long transcript\n".repeat(1000);
        for _ in 0..(100 * 1024 * 1024 / line.len()) {
            f.write_all(line.as_bytes()).unwrap();
        }
    }
    let c = artifact::load(&record("huge.txt", "text"), Some(&path), Theme::plain());
    let note = c.note.unwrap();
    assert!(
        note.starts_with("showing the first 4.0 MiB of 100.0 MiB"),
        "{note}"
    );
    let shown: usize = c.plain.iter().map(|l| l.len() + 1).sum();
    assert!(shown as u64 <= MAX_READ + 1);
}

#[test]
fn pdf_shows_its_text() {
    // The demo's PDFs are real PDFs; build one through the demo and read it back.
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let o = common::run(
        &ws,
        &["demo", "--no-tui", "--learners", "12", "--seed", "5"],
    );
    assert!(o.status.success());
    let pdf = walk(&ws.join("sources"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "pdf"));
    let pdf = pdf.expect("the demo makes PDFs");
    let c = artifact::load(&record("x.pdf", "pdf"), Some(&pdf), Theme::plain());
    let text = c.plain.join("\n");
    assert!(text.contains("page 1 of 1"), "{text}");
    assert!(
        text.contains("Lesson plan") || text.contains("Security review"),
        "{text}"
    );
}

#[test]
fn a_broken_pdf_is_explained_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.pdf");
    std::fs::write(&path, b"%PDF-1.4\nthis is not really a pdf").unwrap();
    let c = artifact::load(&record("broken.pdf", "pdf"), Some(&path), Theme::plain());
    assert!(c.note.unwrap().contains("cannot read this PDF"));
}

#[test]
fn binary_content_in_a_text_artifact_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"MZ\x90\x00\x03\x00\x00\x00").unwrap();
    let c = artifact::load(&record("notes.txt", "text"), Some(&path), Theme::plain());
    assert!(c.lines.is_empty());
    assert!(c.note.unwrap().contains("NUL bytes"));
}

#[test]
fn csv_is_aligned_and_sanitized() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    std::fs::write(&path, "name,score\nAda,10\n\"Eve\x1b[2J\",7\n").unwrap();
    let c = artifact::load(&record("d.csv", "csv"), Some(&path), Theme::plain());
    assert_eq!(c.plain[0], "name │ score");
    assert_eq!(c.plain[3], "Eve␛ │ 7    ");
    assert_eq!(c.note.as_deref(), Some("2 rows × 2 columns"));
}

#[test]
fn links_are_shown_not_fetched() {
    let mut r = record("https://example.org/x", "url");
    r.url = Some("https://example.org/x".into());
    r.sha256 = None;
    let c = artifact::load(&r, None, Theme::plain());
    assert_eq!(c.plain, vec!["https://example.org/x".to_string()]);
    assert!(c.note.unwrap().contains("does not fetch"));
}

#[test]
fn a_missing_stored_file_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let c = artifact::load(
        &record("gone.md", "markdown"),
        Some(&dir.path().join("gone")),
        Theme::plain(),
    );
    assert!(c.note.unwrap().starts_with("cannot show it"));
}

//! Artifacts built to exhaust the viewer: a small PDF whose 40 pages share one huge content
//! stream, a 4 MiB CSV of commas, a 4 MiB one-line code file. Each is shown cut, saying what
//! was cut, and the process that prepares it stays under 100 MB.
//!
//! The preparation runs in a child (this test binary run again for one test), which reports
//! its own peak memory (VmHWM): the figure is that of the viewer's work alone.

use std::path::{Path, PathBuf};
use std::process::Command;

use merit::store::ArtifactRecord;
use merit::tui::artifact;
use merit::tui::theme::Theme;

const CHILD: &str = "MERIT_ARTIFACT_BOMB";
const LIMIT_KIB: u64 = 100 * 1000;

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

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// In the child: prepare `path` and print the note and the peak. In the parent: run the child
/// and return (note, peak KiB).
fn prepare(test: &str, path: &Path, name: &str, kind: &str) -> Option<(String, u64)> {
    if std::env::var(CHILD).as_deref() == Ok(test) {
        let started = std::time::Instant::now();
        let c = artifact::load(&record(name, kind), Some(path), Theme::plain());
        println!("\nnote: {}", c.note.unwrap_or_default());
        println!("lines: {}", c.plain.len());
        println!("peak: {}", peak_kib());
        println!("seconds: {:.2}", started.elapsed().as_secs_f64());
        return None;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .env("MERIT_ARTIFACT_FILE", path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k))
            .unwrap_or_else(|| panic!("no {k} in {text}"))
            .to_string()
    };
    let peak: u64 = field("peak: ").parse().unwrap();
    eprintln!("{test}: peak {peak} KiB in {} s", field("seconds: "));
    Some((field("note: "), peak))
}

/// The bomb's path: made by the parent, found by the child.
fn bomb(make: impl FnOnce(&Path)) -> (Option<tempfile::TempDir>, PathBuf) {
    if let Ok(p) = std::env::var("MERIT_ARTIFACT_FILE") {
        return (None, PathBuf::from(p));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb");
    make(&path);
    (Some(dir), path)
}

fn pdf_bomb(path: &Path) {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Courier",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut content = b"BT /F1 12 Tf 72 712 Td\n".to_vec();
    while content.len() < 15 * 1024 * 1024 {
        content.extend_from_slice(b"(Lorem ipsum dolor sit amet) Tj\n");
    }
    content.extend_from_slice(b"ET\n");
    let mut stream = Stream::new(dictionary! {}, content);
    stream.compress().unwrap();
    let contents = doc.add_object(stream);
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = (0..40)
        .map(|_| {
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
                "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            })
            .into()
        })
        .collect();
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 40 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.save(path).unwrap();
}

#[test]
fn a_pdf_whose_pages_share_one_huge_stream_is_cut() {
    let (_dir, path) = bomb(pdf_bomb);
    let Some((note, peak)) = prepare(
        "a_pdf_whose_pages_share_one_huge_stream_is_cut",
        &path,
        "bomb.pdf",
        "pdf",
    ) else {
        return;
    };
    assert!(std::fs::metadata(&path).unwrap().len() < 200 * 1024);
    assert!(
        note.contains("without text") && note.contains("cut at page 9 of 40"),
        "{note}"
    );
    assert!(peak < LIMIT_KIB, "{peak} KiB");
}

#[test]
fn a_csv_of_four_million_commas_is_cut_at_64_columns() {
    let (_dir, path) = bomb(|p| std::fs::write(p, ",".repeat(4 << 20)).unwrap());
    let Some((note, peak)) = prepare(
        "a_csv_of_four_million_commas_is_cut_at_64_columns",
        &path,
        "bomb.csv",
        "csv",
    ) else {
        return;
    };
    assert!(
        note.contains("1 line(s) longer than 4096 bytes are cut"),
        "{note}"
    );
    assert!(
        note.contains("rows of up to 4097 columns are cut after 64"),
        "{note}"
    );
    assert!(peak < LIMIT_KIB, "{peak} KiB");
}

#[test]
fn a_four_mib_line_of_code_is_cut() {
    let (_dir, path) = bomb(|p| std::fs::write(p, "x=1;".repeat(1 << 20)).unwrap());
    let Some((note, peak)) = prepare("a_four_mib_line_of_code_is_cut", &path, "bomb.js", "code")
    else {
        return;
    };
    assert!(
        note.contains("1 line(s) longer than 4096 bytes are cut there"),
        "{note}"
    );
    assert!(peak < LIMIT_KIB, "{peak} KiB");
}

//! Hostile inputs that once exhausted memory, refused with a clear error and measured: the
//! peak memory of the `merit` process (VmHWM, which it reports on request; its ru_maxrss
//! is printed beside it) stays under 100 MB.
//! Figures for a release build are in README's performance section.

mod common;

use std::io::Write;
use std::path::Path;

const LIMIT_KIB: i64 = 100 * 1000;

fn merit() -> std::process::Command {
    common::merit()
}

fn assert_bounded(m: &common::Measured, what: &str) {
    eprintln!(
        "{what}: peak {} KiB (ru_maxrss {} KiB)",
        m.max_rss_kib, m.ru_maxrss_kib
    );
    assert!(
        m.max_rss_kib < LIMIT_KIB,
        "{what} took {} KiB: {}",
        m.max_rss_kib,
        m.stderr
    );
}

/// A PNG chunk: length, type, data, CRC over type and data.
fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend((data.len() as u32).to_be_bytes());
    out.extend(kind);
    out.extend(data);
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    out.extend(crc.sum().to_be_bytes());
}

/// A 1×1 PNG whose compressed iTXt `openbadgecredential` inflates to 1 GiB of spaces.
fn png_bomb(path: &Path) {
    let mut text = b"openbadgecredential\0\x01\x00\0\0".to_vec();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![b' '; 1 << 20];
    for _ in 0..1024 {
        z.write_all(&block).unwrap();
    }
    text.extend(z.finish().unwrap());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
    chunk(&mut png, b"iTXt", &text);
    let mut idat = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    idat.write_all(&[0, 0]).unwrap();
    chunk(&mut png, b"IDAT", &idat.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(path, png).unwrap();
}

#[test]
fn a_baked_png_that_inflates_to_a_gigabyte_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bomb.png");
    png_bomb(&f);
    assert!(std::fs::metadata(&f).unwrap().len() < 8 << 20);
    let m = common::run_measured(merit().arg("verify").arg(&f));
    assert_eq!(m.code, Some(1), "{}", m.stdout);
    assert!(
        m.stdout.contains("does not inflate within 16777216 bytes"),
        "{}",
        m.stdout
    );
    assert!(m.stdout.contains("--max-bytes"), "{}", m.stdout);
    assert_bounded(&m, "PNG bomb");
}

#[test]
fn a_200_mb_json_is_not_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("huge.json");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(200 << 20).unwrap();
    let m = common::run_measured(merit().arg("verify").arg(&f));
    assert_eq!(m.code, Some(1));
    assert!(
        m.stdout.contains("is larger than 16777216 bytes"),
        "{}",
        m.stdout
    );
    assert_bounded(&m, "200 MB JSON");
    // The limit is settable.
    let m = common::run_measured(
        merit()
            .args(["verify", "--max-bytes", "1000"])
            .arg(common::repo().join("tests/fixtures/ob3/vectors/full-rdfc.json")),
    );
    assert!(m.stdout.contains("larger than 1000 bytes"), "{}", m.stdout);
}

fn manifest_import(ws: &Path, manifest: &Path) -> common::Measured {
    common::run_measured(
        merit()
            .arg("--workspace")
            .arg(ws)
            .args(["import", "--cohort", "big", "--rubric", "data-cleaning"])
            .arg(manifest),
    )
}

#[test]
fn a_100_mb_manifest_is_refused_before_it_is_read() {
    let ws = common::workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    let m = src.path().join("manifest.csv");
    let mut f = std::fs::File::create(&m).unwrap();
    f.write_all(b"learner_id,name,artifact\nada,").unwrap();
    f.set_len(100 << 20).unwrap();
    let out = manifest_import(ws.path(), &m);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("at most 33554432 are read"),
        "{}",
        out.stderr
    );
    assert_bounded(&out, "100 MB manifest");
}

#[test]
fn a_20_mb_name_is_refused_naming_its_line() {
    let ws = common::workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.csv"), "a\n1\n").unwrap();
    let m = src.path().join("manifest.csv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&m).unwrap());
    f.write_all(b"learner_id,name,artifact\nbo,Bo,a.csv\nada,")
        .unwrap();
    let block = vec![b'x'; 1 << 20];
    for _ in 0..20 {
        f.write_all(&block).unwrap();
    }
    f.write_all(b",a.csv\n").unwrap();
    drop(f);
    let out = manifest_import(ws.path(), &m);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("manifest.csv:3: line 3 is longer than 65536 bytes; nothing was imported")
            || out.stderr.contains("line 3 is longer than 65536 bytes"),
        "{}",
        out.stderr
    );
    assert_bounded(&out, "20 MB name");
}

#[test]
fn fields_over_their_limit_skip_their_learner_naming_the_row() {
    let ws = common::workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("a.csv"), "a\n1\n").unwrap();
    let long_name = "n".repeat(1100);
    let long_email = format!("{}@example.org", "e".repeat(300));
    let long_url = format!("https://example.org/{}", "u".repeat(2100));
    let m = src.path().join("manifest.csv");
    std::fs::write(
        &m,
        format!(
            "learner_id,name,email,artifact\nbo,Bo,,a.csv\nada,{long_name},,a.csv\n\
cy,Cy,{long_email},a.csv\ndee,Dee,,{long_url}\n"
        ),
    )
    .unwrap();
    let out = manifest_import(ws.path(), &m);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    for (line, what) in [
        (3, "the learner's name is 1100 bytes long; at most 1024"),
        (4, "the email address is 312 bytes long; at most 254"),
        (5, "the artifact is 2120 bytes long; at most 2048"),
    ] {
        assert!(
            out.stderr.contains(&format!("manifest.csv:{line}: {what}")),
            "{what}: {}",
            out.stderr
        );
    }
    let list = common::run(ws.path(), &["cohort", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v[0]["learners"], 1, "only bo is imported: {v}");
    let id = "i".repeat(129);
    std::fs::write(&m, format!("learner_id,artifact\n{id},a.csv\n")).unwrap();
    let out = manifest_import(ws.path(), &m);
    assert!(
        out.stderr
            .contains("manifest.csv:2: the learner id is 129 bytes long; at most 128"),
        "{}",
        out.stderr
    );
    // A cohort name past 200 characters is refused before anything is imported.
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "c2",
            "--cohort-name",
            &"c".repeat(201),
            "--rubric",
            "data-cleaning",
            m.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o)
            .contains("--cohort-name: the cohort name is 201 characters long; at most 200"),
        "{}",
        common::stderr(&o)
    );
}

//! Hostile rubric input ends in a clear, located error — never a panic, a stack overflow or
//! unbounded memory. (These run on the test harness's default 2 MiB thread stack, so any
//! recursion over nesting depth would overflow here.)

mod common;

use merit::rubric::{self, Problem};

fn first_problem(bytes: &[u8]) -> Problem {
    match rubric::parse(bytes) {
        Ok(_) => panic!("hostile input was accepted"),
        Err(ps) => ps.into_iter().next().expect("at least one problem"),
    }
}

#[test]
fn empty_file() {
    let p = first_problem(b"");
    assert!(p.message.contains("file is empty"), "{p}");
    assert_eq!((p.span.line, p.span.col), (1, 1));
    let p = first_problem(b"   \n# only a comment\n");
    assert!(p.message.contains("file is empty"), "{p}");
}

#[test]
fn binary_file() {
    let p = first_problem(b"id: x\n\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert!(p.message.contains("not UTF-8"), "{p}");
    assert_eq!(p.span.line, 2);
    let p = first_problem(b"id: x\ntitle: \0\0\0");
    assert!(p.message.contains("NUL byte"), "{p}");
}

#[test]
fn list_or_scalar_instead_of_mapping() {
    assert!(
        first_problem(b"- a\n- b\n")
            .message
            .contains("should be a mapping")
    );
    assert!(
        first_problem(b"just words\n")
            .message
            .contains("should be a mapping")
    );
}

#[test]
fn billion_laughs_alias_bomb() {
    let mut doc = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        doc.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    let p = first_problem(doc.as_bytes());
    assert!(p.message.contains("expands to more than"), "{p}");
    assert!(
        p.span.line > 1,
        "the place where the limit was hit is given: {p}"
    );
}

#[test]
fn deep_flow_nesting() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let doc = format!("{}{}", open.repeat(100_000), close.repeat(100_000));
        let p = first_problem(doc.as_bytes());
        assert!(p.message.contains("nesting is deeper than"), "{p}");
    }
}

#[test]
fn deep_block_nesting() {
    let mut doc = String::new();
    for i in 0..100_000usize {
        doc.push_str(&" ".repeat(i.min(200)));
        doc.push_str("- \n");
    }
    let mut mapping = String::new();
    for i in 0..5_000usize {
        mapping.push_str(&" ".repeat(i));
        mapping.push_str("k:\n");
    }
    for d in [doc, mapping] {
        // Either limit may trip first; what matters is a clean, located error.
        assert!(rubric::parse(d.as_bytes()).is_err());
    }
}

#[test]
fn fifty_megabyte_file_is_refused_by_size() {
    let big = vec![b'a'; 50 * 1024 * 1024];
    let p = first_problem(&big);
    assert!(p.message.contains("limited to"), "{p}");
}

#[test]
fn fifty_megabyte_file_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let out = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = common::stdout(&out);
    assert!(
        text.contains("huge.yaml:1:1: file is 52428800 bytes"),
        "{text}"
    );
}

#[test]
fn escape_sequences_in_a_rubric_are_not_echoed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.yaml");
    std::fs::write(&path, "id: x\n\"\x1b]0;pwned\x07\x1b[2J\": 1\n").unwrap();
    let out = common::merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stdout.contains(&0x1b), "raw ESC reached the terminal");
    assert!(common::stdout(&out).contains("unknown field `␛␛`"));
}

#[test]
fn garbage_never_panics() {
    // A spread of malformed inputs: each must come back as problems, not a panic.
    let inputs: &[&[u8]] = &[
        b":",
        b"- - -",
        b"{",
        b"}",
        b"[",
        b"]",
        b"&a *a",
        b"*unknown",
        b"!!binary x",
        b"%YAML 1.2\n---\n",
        b"? [a]\n: b",
        b"id: [1, 2]\ntitle: {a: b}\ncriteria: 7",
        b"\xef\xbb\xbfid: bom",
        b"criteria:\n  - levels:\n      - points: .nan",
        b"pass: {min_total: 1e999}",
        b"\t\tid: tab",
    ];
    for i in inputs {
        let _ = rubric::parse(i);
    }
}

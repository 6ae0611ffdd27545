//! Untrusted text in CLI output: a cohort's display name with OSC 0 (title), OSC 52
//! (clipboard), an 8-bit CSI and a bidi override never reaches the terminal raw, in text or in
//! `--json` (where such characters are `\uXXXX` escapes and the JSON means the same).

mod common;

use serde_json::Value;

const HOSTILE: &str = "Evil\u{1b}]0;owned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{202e}gnp.exe";

fn raw_bytes_free(s: &str) -> bool {
    !s.chars().any(|c| {
        c == '\u{1b}' || c == '\u{7}' || ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{202e}'
    })
}

#[test]
fn cohort_names_are_sanitized_in_text_and_escaped_in_json() {
    let ws = common::workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("ada")).unwrap();
    std::fs::write(src.path().join("ada/notes.md"), "hi\n").unwrap();
    let o = common::run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "c1",
            "--cohort-name",
            HOSTILE,
            "--rubric",
            "data-cleaning",
            src.path().to_str().unwrap(),
        ],
    );
    assert!(
        o.status.success() || o.status.code() == Some(1),
        "{}",
        common::stderr(&o)
    );
    assert!(raw_bytes_free(&common::stdout(&o)) && raw_bytes_free(&common::stderr(&o)));

    let text = common::stdout(&common::run(ws.path(), &["cohort", "list"]));
    assert!(text.contains("c1"), "{text}");
    assert!(raw_bytes_free(&text), "{text:?}");
    assert!(text.contains("⟨U+202E⟩"), "{text:?}");

    let json = common::stdout(&common::run(ws.path(), &["cohort", "list", "--json"]));
    assert!(raw_bytes_free(&json), "{json:?}");
    assert!(
        json.contains("\\u009b") && json.contains("\\u202e"),
        "{json}"
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v[0]["name"], HOSTILE, "the JSON still means the same name");
}

#[test]
fn user_names_with_invisible_characters_are_refused() {
    let ws = common::workspace_with_rubrics();
    let o = common::run(
        ws.path(),
        &["user", "add", "ad\u{202e}min", "--role", "lead"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("bidi"),
        "{}",
        common::stderr(&o)
    );
    let list = common::stdout(&common::run(ws.path(), &["user", "list", "--json"]));
    assert!(raw_bytes_free(&list), "{list:?}");
}

//! The real binary in a pseudo-terminal: score by keystrokes, survive kill -9, keep escape
//! sequences away from the terminal, and restore the terminal after a panic or SIGHUP.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::{Pty, open_first_new, signal, ws_arg};
use merit::store::Store;

fn demo_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let o = common::run(
        &dir.path().join("ws"),
        &["demo", "--no-tui", "--learners", "6", "--seed", "3"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    dir
}

fn workbench(ws: &Path, user: &str, env: &[(&str, &str)]) -> Pty {
    let w = ws_arg(ws);
    Pty::spawn(&["--workspace", &w, "--as", user], env, 80, 24)
}

/// Polls the database until `pred` holds (the draft is written by a background thread).
fn wait_db<T>(ws: &Path, what: &str, f: impl Fn(&Store) -> Option<T>) -> T {
    let deadline = Instant::now() + common::pty::PATIENCE;
    loop {
        let store = Store::create(ws).unwrap();
        if let Some(v) = f(&store) {
            return v;
        }
        drop(store);
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::yield_now();
    }
}

fn drafts(store: &Store, user: &str) -> Vec<(i64, merit::store::SavedAssessment)> {
    let conn = store.raw_connection().sqlite().expect("a SQLite workspace");
    let mut stmt = conn
        .prepare("SELECT submission_id FROM assessments WHERE assessor = ?1 ORDER BY submission_id")
        .unwrap();
    let ids: Vec<i64> = stmt
        .query_map([user], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids.into_iter()
        .filter_map(|id| store.load_assessment(id, user).unwrap().map(|a| (id, a)))
        .collect()
}

#[test]
fn score_a_submission_entirely_by_keystrokes() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    // Someone new: the demo's own assessors already have assessments.
    let o = common::run(&ws, &["user", "add", "tess", "--role", "assessor"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut p = workbench(&ws, "tess", &[]);
    open_first_new(&mut p);
    // The top level of every criterion: `l` steps up and stops at the top.
    for _ in 0..6 {
        p.send("llll");
        p.send("j");
    }
    p.wait_text("MEETS");
    p.send("\x13"); // Ctrl-S
    p.wait_text("Submit the decision?");
    p.send("y");
    p.wait_text("Submitted");
    // Esc: back to the queue (Enter would open the next submission of the rubric).
    p.send("\x1b");
    p.wait_for("the box to close", |s| {
        !s.contains("Enter: the next submission")
    });
    p.send("q");
    p.wait_text("Quit Merit?");
    p.send("y");
    let status = p.wait_exit();
    assert!(status.success(), "exit {status:?}");

    let store = Store::create(&ws).unwrap();
    let mine = drafts(&store, "tess");
    let submitted: Vec<_> = mine
        .iter()
        .filter(|(_, a)| a.state == "submitted")
        .collect();
    assert_eq!(submitted.len(), 1, "{mine:?}");
    let (id, a) = submitted[0];
    assert_eq!(a.decision.as_deref(), Some("meets"));
    assert!(a.scores.iter().all(|s| s.level.is_some()));
    let status: String = store
        .raw_connection()
        .sqlite()
        .expect("a SQLite workspace")
        .query_row("SELECT status FROM submissions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(status, "scored");
    assert!(store.verify_audit().unwrap().ok());
}

#[test]
fn a_killed_session_leaves_its_draft_intact() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "bea", &[]);
    open_first_new(&mut p);
    p.send("ll"); // level 2 of the first criterion
    p.send("j");
    p.send("l"); // level 1 of the second
    p.send("c");
    p.wait_text("Comment:");
    p.send("Half-way through: check the exit tickets");
    let before = wait_db(&ws, "the draft with the whole comment", |s| {
        drafts(s, "bea").into_iter().find(|(_, a)| {
            a.scores
                .iter()
                .any(|c| c.comment == "Half-way through: check the exit tickets")
        })
    });
    signal(p.pid(), "KILL");
    let _ = p.wait_exit();

    let mut p = workbench(&ws, "bea", &[]);
    p.wait_text("in progress by you");
    open_first_new(&mut p);
    let screen = p.wait_text("✎");
    let after = {
        let store = Store::create(&ws).unwrap();
        store.load_assessment(before.0, "bea").unwrap().unwrap()
    };
    assert_eq!(
        after.scores, before.1.scores,
        "draft unchanged by the restart"
    );
    assert_eq!(after.state, "draft");
    let levels: Vec<_> = after.scores.iter().filter(|s| s.level.is_some()).collect();
    assert_eq!(levels.len(), 2);
    assert!(
        screen.contains("×2 ✎") || screen.contains("✎ 1"),
        "{screen}"
    );
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
}

const HOSTILE: &str = "Plan\n\
    \x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07clipboard\n\
    \x1b]0;pwned-title\x07title\n\
    \x1b]8;;https://evil.example/\x1b\\link text\x1b]8;;\x1b\\\n\
    \x1b[?1049l\x1b[?25lleave-alt\n\
    \x1bPq#0;2;0;0;0#0~~@@vv@@~~$\x1b\\sixel\n\
    \x1b_Gf=100;AAAA\x1b\\kitty\n\
    eight-bit \u{9b}31m csi\n\
    admin\u{202e}txt.exe\n";

#[test]
fn escape_sequences_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let rubric = common::repo().join("rubrics/data-cleaning.yaml");
    let o = common::run(&ws, &["rubric", "import", rubric.to_str().unwrap()]);
    assert!(o.status.success());
    let src = dir.path().join("src/eve");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("learner.yaml"),
        "name: \"Eve \\e]0;pwned-name\\a\\e[31mRed\\e[0m \\u202Egnp.exe\"\n",
    )
    .unwrap();
    std::fs::write(src.join("change-log.md"), HOSTILE).unwrap();
    std::fs::write(src.join("script.py"), format!("# {HOSTILE}")).unwrap();
    let o = common::run(
        &ws,
        &[
            "import",
            "--cohort",
            "c1",
            "--rubric",
            "data-cleaning",
            dir.path().join("src").to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let o = common::run(&ws, &["user", "add", "amir", "--role", "assessor"]);
    assert!(o.status.success(), "{}", common::stderr(&o));

    let mut p = workbench(&ws, "amir", &[]);
    let queue = p.wait_text("Eve");
    assert!(queue.contains("Eve ␛␛Red␛ ⟨U+202E⟩gnp"), "{queue}");
    p.send("\r");
    p.wait_text("Rubric:");
    p.send("\t"); // evidence pane: change-log.md
    let screen = p.wait_text("txt.exe");
    for marker in [
        "␛clipboard",
        "␛title",
        "␛link text␛",
        "␛␛leave-alt",
        "␛sixel",
        "␛kitty",
        "admin⟨U+202E⟩txt.exe",
    ] {
        assert!(screen.contains(marker), "missing {marker} in:\n{screen}");
    }
    p.send("]"); // script.py: highlighted code goes through the same filter
    p.wait_text("Python");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();

    let raw = &p.raw;
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    for (what, needle) in [
        ("OSC 52 clipboard", &b"\x1b]52"[..]),
        ("OSC 0 title", b"\x1b]0;"),
        ("OSC 8 hyperlink", b"\x1b]8;"),
        ("OSC payload", b"pwned"),
        ("DCS", b"\x1bP"),
        ("APC", b"\x1b_"),
        ("8-bit CSI", "\u{9b}".as_bytes()),
        ("RLO", "\u{202e}".as_bytes()),
        ("hidden cursor from the artifact", b"\x1b[?25lleave"),
    ] {
        assert!(!find(needle), "{what} reached the terminal");
    }
    // Leaving the alternate screen happens once: when merit exits, not when an artifact says so.
    let leaves = raw.windows(8).filter(|w| w == b"\x1b[?1049l").count();
    assert_eq!(leaves, 1);
}

fn assert_terminal_restored(p: &Pty) {
    let screen = p.parser.screen();
    assert!(!screen.alternate_screen(), "still on the alternate screen");
    assert!(!screen.hide_cursor(), "cursor still hidden");
    let stty = p.stty();
    assert!(
        stty.contains(" icanon") && stty.contains(" echo"),
        "still in raw mode: {stty}"
    );
}

#[test]
fn a_panic_restores_the_terminal() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "amir", &[("MERIT_TEST_PANIC_KEY", "!")]);
    p.wait_text("Queue");
    p.send("!");
    let status = p.wait_exit();
    assert!(!status.success());
    assert_terminal_restored(&p);
    let out = String::from_utf8_lossy(&p.raw);
    let message = out
        .find("test panic requested")
        .expect("the panic message is shown");
    let restored = out.find("\x1b[?1049l").expect("left the alternate screen");
    assert!(
        restored < message,
        "the message is printed after the terminal is restored"
    );
}

#[test]
fn sighup_restores_the_terminal_and_keeps_the_draft() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "amir", &[]);
    open_first_new(&mut p);
    p.send("l");
    let levels = |a: &merit::store::SavedAssessment| -> Vec<Option<String>> {
        a.scores.iter().map(|c| c.level.clone()).collect()
    };
    let (id, before) = wait_db(&ws, "a draft", |s| {
        drafts(s, "amir")
            .into_iter()
            .find(|(_, a)| a.state == "draft" && a.scores.iter().any(|c| c.level.is_some()))
    });
    signal(p.pid(), "HUP");
    let status = p.wait_exit();
    assert!(status.success(), "{status:?}");
    assert_terminal_restored(&p);
    // After the hang-up the draft is still there, still amir's, with the level chosen.
    let store = Store::create(&ws).unwrap();
    let after = store
        .load_assessment(id, "amir")
        .unwrap()
        .expect("the draft survives the hang-up");
    assert_eq!(after.state, "draft");
    assert_eq!(levels(&after), levels(&before));
    assert!(levels(&after).iter().any(Option::is_some));
    let _ = Duration::ZERO;
}

#[test]
fn sigterm_restores_the_terminal() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "amir", &[]);
    p.wait_text("Queue");
    signal(p.pid(), "TERM");
    p.wait_exit();
    assert_terminal_restored(&p);
}

#[test]
fn no_color_uses_modifiers_only_and_keeps_reverse_video() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "amir", &[("NO_COLOR", "1")]);
    p.wait_text("Queue");
    p.send("j");
    p.wait_text("▶");
    p.send("q");
    p.send("y");
    p.wait_exit();
    let raw = &p.raw;
    let find = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(
        !find(b"38;5;") && !find(b"48;5;"),
        "a colour was sent despite NO_COLOR"
    );
    // crossterm alone would print a bare ESC[m here, which resets reverse video.
    assert!(!find(b"\x1b[m"), "bare SGR reset sent");
    assert!(find(b"\x1b[7m"), "the selection uses reverse video");
}

#[test]
fn colours_are_the_16_ansi_ones_by_default() {
    let dir = demo_workspace();
    let ws = dir.path().join("ws");
    let mut p = workbench(&ws, "amir", &[]);
    p.wait_text("Queue");
    p.send("q");
    p.send("y");
    p.wait_exit();
    let text = String::from_utf8_lossy(&p.raw);
    // crossterm writes colours as 38;5;N / 48;5;N; every N must be one of the 16 base colours.
    let mut colours = 0;
    for part in text.split("8;5;").skip(1) {
        let n: String = part.chars().take_while(char::is_ascii_digit).collect();
        let n: u32 = n.parse().unwrap_or(999);
        assert!(n < 16, "colour {n} is outside the 16 ANSI colours");
        colours += 1;
    }
    // And colours there are: the test must not pass on a screen without any.
    assert!(colours > 0, "no colour was sent at all");
}

/// In a real terminal, Ctrl-W (0x17) deletes the filter's last word and Ctrl-H (0x08)
/// deletes a character, as PuTTY and `stty erase ^H` send it; neither types a letter.
#[test]
fn ctrl_w_and_ctrl_h_edit_the_queue_filter() {
    let dir = demo_workspace();
    let mut p = workbench(&dir.path().join("ws"), &common::me(), &[]);
    p.wait_text("Queue");
    p.send("/");
    p.send("data cleaning");
    p.wait_text("filter: data cleaning▏");
    p.send("\x17");
    p.wait_text("filter: data ▏");
    p.send("\x08");
    p.wait_text("filter: data▏");
}

//! The rubric editor in a pseudo-terminal: a refused save at the right line, a good save that
//! makes a new version and rewrites the file, a killed session's recovery copy, and $EDITOR.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::pty::{PATIENCE, Pty, signal, ws_arg};
use merit::store::Store;

/// A demo workspace whose data-cleaning rubric comes from a file (version 2).
fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let o = common::run(&ws, &["demo", "--no-tui", "--learners", "9", "--seed", "4"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let file = dir.path().join("data-cleaning.yaml");
    let src = std::fs::read_to_string(common::repo().join("rubrics/data-cleaning.yaml")).unwrap();
    std::fs::write(
        &file,
        src.replacen(
            "title: Cleaning a Real-World Dataset",
            "title: Cleaning Real-World Data",
            1,
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let o = common::run(
        &ws,
        &["--as", "lena", "rubric", "import", file.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    (dir, ws, file)
}

fn open_editor(ws: &Path, env: &[(&str, &str)]) -> Pty {
    let w = ws_arg(ws);
    let mut p = Pty::spawn(&["--workspace", &w, "--as", "lena"], env, 100, 30);
    p.wait_text("Queue");
    p.send("e");
    // The list arrives from the database thread after the screen opens.
    p.wait_text("Versions of data-cleaning");
    p.send("\r");
    p.wait_text("Rubric data-cleaning v2");
    p
}

fn versions(ws: &Path) -> Vec<merit::store::RubricVersion> {
    Store::create(ws)
        .unwrap()
        .rubric_versions("data-cleaning")
        .unwrap()
}

#[test]
fn a_refused_save_then_a_good_one() {
    let (_dir, ws, file) = workspace();
    let v1 = versions(&ws)[0].hash.clone();
    let mut p = open_editor(&ws, &[]);
    // Line 3 is `title: …`; break its key.
    p.send("\x1b[B\x1b[B");
    p.send("x");
    p.wait_text("unknown field `xtitle`");
    p.send("\x13"); // Ctrl-S
    let screen = p.wait_text("Not saved");
    assert!(
        screen.contains("only a valid rubric can be saved"),
        "{screen}"
    );
    p.send("\x1b"); // close the message
    let screen = p.wait_for("the problem list", |s| {
        s.contains("3:1 unknown field `xtitle`") && !s.contains("Not saved")
    });
    assert!(
        screen.contains("●  3 xtitle:"),
        "the gutter marks line 3:\n{screen}"
    );
    assert_eq!(versions(&ws).len(), 2, "nothing was saved");

    // Fix it, make a real change, save.
    p.send("\x7f"); // Backspace
    p.send("\x1b[F"); // End
    p.send(" (2027)");
    p.wait_text("valid");
    p.send("\x13");
    p.wait_text("What changed?");
    p.send("title names the year\r");
    p.wait_text("Saved as version 3");
    p.send("n"); // keep unscored submissions where they are
    p.send("\x1b");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();

    let vs = versions(&ws);
    assert_eq!(vs.len(), 3);
    // The note given when saving is kept with the version and shown by the history.
    let history = common::stdout(&common::run(&ws, &["rubric", "history", "data-cleaning"]));
    let line = history
        .lines()
        .find(|l| l.starts_with("version 3"))
        .unwrap();
    assert!(line.contains("“title names the year”"), "{history}");
    let store = Store::create(&ws).unwrap();
    assert_eq!(
        store
            .current_rubric("data-cleaning")
            .unwrap()
            .unwrap()
            .version,
        3
    );
    // Scored work keeps the version it was scored on.
    let scored: Vec<String> = store
        .raw_connection().sqlite().expect("a SQLite workspace")
        .prepare("SELECT rubric_hash FROM submissions WHERE cohort_id = 'data-2026-q2' AND status IN ('scored', 'not_yet')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!scored.is_empty());
    assert!(
        scored.iter().all(|h| *h == v1),
        "scored submissions moved: {scored:?}"
    );
    // The file on disk is the new version, complete (comments and all) and valid.
    let on_disk = std::fs::read_to_string(&file).unwrap();
    assert!(on_disk.starts_with("# Cleaning a Real-World Dataset — judged on"));
    assert!(on_disk.contains("title: Cleaning Real-World Data (2027)\n"));
    assert!(on_disk.contains("  min_total: 11\n"));
    let r = merit::rubric::parse(on_disk.as_bytes()).expect("the file is valid");
    assert_eq!(merit::rubric::version_hash(&r), vs[2].hash);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "permissions kept");
    }
}

#[test]
fn a_killed_editor_leaves_a_recovery_copy_that_is_offered_next_time() {
    let (_dir, ws, _file) = workspace();
    let mut p = open_editor(&ws, &[]);
    p.send("# unsaved note from lena\r");
    // The recovery copy is written by a background thread; wait for it.
    let copy = merit::authoring::recovery_path(&ws, "data-cleaning", "lena");
    let deadline = Instant::now() + PATIENCE;
    while !std::fs::read_to_string(&copy).is_ok_and(|t| t.starts_with("# unsaved note from lena\n"))
    {
        assert!(
            Instant::now() < deadline,
            "no recovery copy at {}",
            copy.display()
        );
        std::thread::yield_now();
    }
    signal(p.pid(), "KILL");
    p.wait_exit();

    let mut p = open_editor(&ws, &[]);
    p.wait_text("Unsaved changes found");
    p.send("y");
    let screen = p.wait_text("# unsaved note from lena");
    assert!(screen.contains("modified"), "{screen}");
    // Leaving without saving asks, and then drops the copy.
    p.send("\x1b");
    p.wait_text("Leave without saving?");
    p.send("y");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
    assert!(!copy.exists(), "discarded on purpose");
    assert_eq!(versions(&ws).len(), 2);
}

#[test]
fn editing_in_external_editor_and_back() {
    let (dir, ws, _file) = workspace();
    // A stand-in for the lead's editor: it edits the file and exits.
    let script = dir.path().join("fake-editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsed -i 's/min_total: 11/min_total: 12/' \"$1\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let editor = script.display().to_string();
    let mut p = open_editor(&ws, &[("EDITOR", &editor), ("VISUAL", "")]);
    p.send("\x1bOS"); // F4
    let screen = p.wait_for("the edited text", |s| {
        s.contains("modified") && s.contains("valid")
    });
    assert!(
        screen.contains("Rubric data-cleaning v2"),
        "the workbench is back:\n{screen}"
    );
    p.send("\x13");
    p.wait_text("What changed?");
    p.send("\r");
    p.wait_text("Saved as version 3");
    p.send("n");
    p.send("\x1b");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
    let store = Store::create(&ws).unwrap();
    let cur = store.current_rubric("data-cleaning").unwrap().unwrap();
    assert_eq!(
        store.load_rubric(&cur.hash).unwrap().pass.min_total.value,
        12.0
    );
}

/// A stand-in editor that leaves a mark when it runs (and changes nothing).
fn marking_editor(dir: &Path, name: &str) -> (String, PathBuf) {
    let mark = dir.join(format!("{name}.ran"));
    let script = dir.join(format!("{name}.sh"));
    std::fs::write(&script, format!("#!/bin/sh\ntouch '{}'\n", mark.display())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script.display().to_string(), mark)
}

#[test]
fn over_ssh_f4_runs_only_the_editor_the_policy_names() {
    let (dir, ws, _file) = workspace();
    let (own, own_mark) = marking_editor(dir.path(), "own");
    let ssh = ("SSH_CONNECTION", "203.0.113.9 52000 192.0.2.1 22");
    // No policy: F4 says why it is off, and the lead's own $EDITOR never runs.
    let mut p = open_editor(&ws, &[("EDITOR", &own), ("VISUAL", ""), ssh]);
    p.send("\x1bOS"); // F4
    p.wait_text("F4 is off over SSH");
    let screen = p.screen();
    assert!(screen.contains("merit policy set editor"), "{screen}");
    p.send("\x1b");
    p.wait_for("the notice closed", |s| !s.contains("F4 is off over SSH"));
    p.send("\x1b");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
    assert!(!own_mark.exists(), "the lead's $EDITOR ran over SSH");

    // With the policy, F4 runs that editor, still not $EDITOR.
    let (allowed, allowed_mark) = marking_editor(dir.path(), "allowed");
    // The demo's creator (the test's account) is its admin.
    let o = common::run(&ws, &["policy", "set", "editor", &allowed]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut p = open_editor(&ws, &[("EDITOR", &own), ("VISUAL", ""), ssh]);
    p.send("\x1bOS");
    p.wait_for("the editor ran", |_| allowed_mark.exists());
    p.wait_text("Rubric data-cleaning v2");
    p.send("\x1b");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
    assert!(!own_mark.exists(), "the lead's $EDITOR ran over SSH");

    // Not over SSH (the helper clears SSH_CONNECTION itself), the lead's own editor runs.
    let mut p = open_editor(&ws, &[("EDITOR", &own), ("VISUAL", "")]);
    p.send("\x1bOS");
    p.wait_for("the lead's editor ran", |_| own_mark.exists());
    p.wait_text("Rubric data-cleaning v2");
    p.send("\x1b");
    p.wait_text("Rubrics");
    p.send("q");
    p.send("q");
    p.send("y");
    p.wait_exit();
}

#[test]
fn policies_are_for_admins_and_audited() {
    let (_dir, ws, _file) = workspace();
    for who in ["amir", "lena"] {
        let o = common::run(&ws, &["--as", who, "policy", "set", "editor", "rvim"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(
            common::stderr(&o).contains("the admin role"),
            "{}",
            common::stderr(&o)
        );
    }
    let o = common::run(&ws, &["policy", "set", "editr", "rvim"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(common::stderr(&o).contains("no policy `editr`"));
    let o = common::run(&ws, &["policy", "set", "editor", "rvim"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let me = common::me();
    let list = common::stdout(&common::run(&ws, &["policy", "list"]));
    assert!(
        list.contains(&format!("editor\trvim\t(set by {me}")),
        "{list}"
    );
    let store = Store::create(&ws).unwrap();
    let tail = store.audit_tail(5).unwrap();
    assert!(
        tail.iter()
            .any(|e| e.action == "policy.set" && e.subject == "editor" && e.actor == me),
        "{tail:?}"
    );
}

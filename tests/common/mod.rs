//! Helpers shared by the integration tests: run the real `merit` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn merit() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_merit"));
    c.env_remove("MERIT_HOME").env("USER", "tester");
    c
}

/// Runs merit with `args` in workspace `ws`.
pub fn run(ws: &Path, args: &[&str]) -> Output {
    merit()
        .arg("--workspace")
        .arg(ws)
        .args(args)
        .output()
        .expect("merit binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("readable folder") {
            let p = e.expect("folder entry").path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A workspace with the bundled rubrics imported.
pub fn workspace_with_rubrics() -> tempfile::TempDir {
    let ws = tempfile::tempdir().expect("temp dir");
    let rubrics = repo().join("rubrics");
    let mut args = vec!["rubric".to_string(), "import".to_string()];
    for f in [
        "teaching-practice.yaml",
        "data-cleaning.yaml",
        "secure-code-review.yaml",
    ] {
        args.push(rubrics.join(f).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = run(ws.path(), &args);
    assert!(o.status.success(), "rubric import failed: {}", stderr(&o));
    ws
}
pub mod pty;
pub mod tui;

/// A demo workspace at `ws`: 60 learners, seed 5, created by the issuer `ines` (the demo
/// key's passphrase is `merit-demo`).
pub fn demo(ws: &Path) {
    let o = merit()
        .arg("--workspace")
        .arg(ws)
        .args(["demo", "--no-tui", "--learners", "60", "--seed", "5"])
        .env("USER", "ines")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

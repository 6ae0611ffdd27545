//! The workbench's modules depend one way only: leaves (context, effect, message, theme,
//! keymap, artifact, graphics, term, calibration, learner) ← widgets ← screens ← app ← event, jobs, approval ← mod.rs.
//! Only the loop (`event.rs`) and `mod.rs` may use `tui::app`; nothing below the screens may
//! use a screen; no leaf may use what sits above it.

use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The `tui` modules a file names (`crate::tui::NAME`), in code, not in comments.
fn uses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::tui::") {
            rest = &rest[i + "crate::tui::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
        // `{app, …}` groups: `crate::tui::{app::App, …}`.
        if code.contains("crate::tui::{") {
            out.push("{group}".into());
        }
    }
    out
}

fn layer(rel: &str) -> u8 {
    let top = rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs");
    match top {
        "context" | "effect" | "message" | "theme" | "keymap" | "artifact" | "graphics"
        | "term" | "calibration" | "learner" => 0,
        "widgets" => 1,
        "screens" => 2,
        "app" => 3,
        "event" | "jobs" | "approval" => 4,
        "mod" => 5,
        other => panic!("src/tui/{rel}: which layer is `{other}`? add it to this test"),
    }
}

#[test]
fn the_workbench_depends_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut broken = Vec::new();
    for f in files(&root) {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&f).unwrap();
        let own = layer(&rel);
        for used in uses(&text) {
            if used == "{group}" {
                broken.push(format!(
                    "src/tui/{rel}: name each `crate::tui::` module on its own line"
                ));
                continue;
            }
            if used == "app" && !matches!(rel.as_str(), "event.rs" | "mod.rs") {
                broken.push(format!("src/tui/{rel} uses tui::app"));
                continue;
            }
            let theirs = layer(&format!("{used}.rs"));
            if theirs > own {
                broken.push(format!(
                    "src/tui/{rel} (layer {own}) uses tui::{used} (layer {theirs})"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The test above sees an import that breaks the rule.
#[test]
fn the_rule_catches_a_screen_using_the_app() {
    assert_eq!(
        uses("use crate::tui::app::App; // crate::tui::jobs"),
        ["app"]
    );
    assert_eq!(layer("screens/queue.rs"), 2);
    assert!(layer("app.rs") > layer("screens/queue.rs"));
}

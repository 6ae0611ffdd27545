//! `merit rubric check` on every fixture: each validation rule has a fixture whose
//! `# expect: LINE:COL: text` header lines say which problems must be reported, where.

mod common;

use std::fs;

use common::{merit, repo, stdout};

/// Problems as printed: (`LINE:COL`, message and hint text).
fn problems(out: &str, file: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    for line in out.lines() {
        if let Some(rest) = line.strip_prefix(&format!("{file}:")) {
            let mut parts = rest.splitn(3, ':');
            let (l, c, msg) = (parts.next(), parts.next(), parts.next());
            if let (Some(l), Some(c), Some(msg)) = (l, c, msg) {
                found.push((format!("{l}:{c}"), msg.trim().to_string()));
            }
        } else if let Some(h) = line.strip_prefix("    hint: ")
            && let Some(last) = found.last_mut()
        {
            last.1.push_str(" | ");
            last.1.push_str(h);
        }
    }
    found
}

#[test]
fn every_fixture_reports_its_problems_at_the_right_place() {
    let dir = repo().join("tests/fixtures/rubrics");
    let mut checked = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let expects: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .map(|e| {
                let mut p = e.splitn(3, ':');
                let (l, c, m) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
                (format!("{l}:{c}"), m.trim().to_string())
            })
            .collect();
        assert!(
            !expects.is_empty(),
            "{} has no expectations",
            path.display()
        );
        let shown = path.display().to_string();
        let out = merit()
            .args(["rubric", "check"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{shown} should fail");
        let found = problems(&stdout(&out), &shown);
        for (place, text) in &expects {
            assert!(
                found
                    .iter()
                    .any(|(p, m)| p == place && m.contains(text.as_str())),
                "{shown}: expected `{place}: {text}`, got:\n{}",
                stdout(&out)
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixtures found");
}

#[test]
fn several_problems_in_one_file_are_all_reported() {
    let path = repo().join("tests/fixtures/rubrics/many-problems.yaml");
    let out = merit()
        .args(["rubric", "check"])
        .arg(&path)
        .output()
        .unwrap();
    let found = problems(&stdout(&out), &path.display().to_string());
    assert!(found.len() >= 4, "{found:?}");
}

#[test]
fn bundled_rubrics_are_valid() {
    let r = repo().join("rubrics");
    let out = merit()
        .args(["rubric", "check"])
        .arg(r.join("teaching-practice.yaml"))
        .arg(r.join("data-cleaning.yaml"))
        .arg(r.join("secure-code-review.yaml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(stdout(&out).matches(": ok").count(), 3);
}

#[test]
fn one_bad_file_among_good_ones_fails_the_check() {
    let r = repo();
    let out = merit()
        .args(["rubric", "check"])
        .arg(r.join("rubrics/data-cleaning.yaml"))
        .arg(r.join("tests/fixtures/rubrics/zero-weight.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("data-cleaning.yaml: ok"));
}

#[test]
fn missing_file_is_reported_not_panicked() {
    let out = merit()
        .args(["rubric", "check", "/nonexistent/rubric.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("/nonexistent/rubric.yaml:1:1: cannot read"));
}

#[test]
fn the_example_in_the_format_docs_is_valid() {
    let doc = fs::read_to_string(repo().join("rubrics/README.md")).unwrap();
    let start = doc.find("```yaml\n").expect("an example block") + "```yaml\n".len();
    let end = start + doc[start..].find("```").unwrap();
    if let Err(ps) = merit::rubric::parse(&doc.as_bytes()[start..end]) {
        panic!("rubrics/README.md example is invalid: {}", ps[0]);
    }
}

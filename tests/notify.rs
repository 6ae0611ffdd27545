//! `merit notify` against a real SMTP server (aiosmtpd, started here on 127.0.0.1): one
//! message per decided learner with the right attachment and links; none again on a second
//! run; a run killed part way and run again delivers each message once; a refused recipient
//! is reported while the rest are delivered; `--dry-run --out` writes .eml files.
//!
//! Needs a python with aiosmtpd ($MERIT_TEST_PYTHON, else python3; .ci/run installs it).
//! Elsewhere the SMTP tests say why they did nothing, unless CI is set, when they fail.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const PASS: &str = "merit-demo";
const FROM: &str = "Badges <badges@example.org>";

struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The python to run the server with: $MERIT_TEST_PYTHON (CI sets it), else python3.
fn python() -> String {
    std::env::var("MERIT_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

fn server() -> Option<Server> {
    let has = Command::new(python())
        .args(["-c", "import aiosmtpd"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs python3-aiosmtpd for the SMTP tests"
        );
        eprintln!("skipped: no python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(python())
        .arg(common::repo().join("tests/fixtures/smtp_server.py"))
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().strip_prefix("READY ").unwrap().parse().unwrap();
    Some(Server { child, port, dir })
}

fn messages(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned())
        .collect()
}

fn notify(ws: &Path, port: u16, cohort: &str, extra_env: &[(&str, &str)]) -> std::process::Output {
    let mut c = common::merit();
    c.arg("--workspace")
        .arg(ws)
        .args(["--as", "ines", "notify", "--cohort", cohort])
        .env("MERIT_PASSPHRASE", PASS)
        .env("MERIT_SMTP_URL", format!("smtp+plain://127.0.0.1:{port}"))
        .env("MERIT_SMTP_FROM", FROM);
    for (k, v) in extra_env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn header<'a>(msg: &'a str, name: &str) -> Option<&'a str> {
    msg.lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

/// A demo workspace whose data cohort is approved and published; one learner's address is
/// one the server refuses.
fn workspace() -> (tempfile::TempDir, PathBuf, usize) {
    let (dir, ws) = common::demo_workspace(24, 6);
    let as_ines = |args: &[&str]| {
        common::merit()
            .arg("--workspace")
            .arg(&ws)
            .args(["--as", "ines"])
            .args(args)
            .env("MERIT_PASSPHRASE", PASS)
            .output()
            .unwrap()
    };
    assert!(
        as_ines(&["approve", "--cohort", "data-2026-q2", "--all-meeting"])
            .status
            .success()
    );
    let site = dir.path().join("site");
    assert!(
        as_ines(&["publish", "--out", site.to_str().unwrap()])
            .status
            .success()
    );
    let c = common::db(&ws);
    let decided: i64 = c
        .query_row(
            "SELECT COUNT(DISTINCT learner_id) FROM submissions WHERE cohort_id = 'data-2026-q2'
             AND status IN ('approved', 'not_yet')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    c.execute(
        "UPDATE learners SET email = 'refuse-me@example.org' WHERE id =
            (SELECT learner_id FROM submissions WHERE cohort_id = 'data-2026-q2'
             AND status IN ('approved', 'not_yet') ORDER BY id LIMIT 1)",
        [],
    )
    .unwrap();
    (dir, ws, decided as usize)
}

#[test]
fn each_decided_learner_gets_one_message_and_a_refusal_is_reported() {
    let Some(srv) = server() else { return };
    let (_dir, ws, decided) = workspace();
    assert!(decided >= 3, "{decided}");
    let o = notify(&ws, srv.port, "data-2026-q2", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let err = common::stderr(&o);
    assert!(
        err.contains("refuse-me@example.org") && err.contains("550"),
        "{err}"
    );
    let got = messages(srv.dir.path());
    assert_eq!(got.len(), decided - 1, "{}", common::stdout(&o));
    let (mut meets, mut not_yet) = (0, 0);
    for m in &got {
        assert_eq!(header(m, "From"), Some(FROM));
        let subject = header(m, "Subject").unwrap_or_default();
        if subject.starts_with("Your badge") {
            meets += 1;
            assert!(
                m.contains("filename=\"badge.png\"") && m.contains("image/png"),
                "{m}"
            );
            assert!(
                m.contains("https://merit.example.org/c/"),
                "the page link: {m}"
            );
        } else {
            not_yet += 1;
            assert!(subject.starts_with("Feedback on your work"), "{subject}");
            assert!(
                m.contains("multipart/alternative") && m.contains("text/html"),
                "{m}"
            );
        }
    }
    assert!(meets > 0 && not_yet > 0, "{meets} {not_yet}");
    // Again: nothing is sent twice.
    let o = notify(&ws, srv.port, "data-2026-q2", &[]);
    assert!(
        common::stdout(&o).contains(&format!("sent 0 message(s); {} already sent", decided - 1)),
        "{}",
        common::stdout(&o)
    );
    assert_eq!(messages(srv.dir.path()).len(), decided - 1);
}

#[test]
fn a_run_killed_part_way_and_run_again_delivers_each_message_once() {
    let Some(srv) = server() else { return };
    let (_dir, ws, decided) = workspace();
    let mut child = common::merit()
        .arg("--workspace")
        .arg(&ws)
        .args(["--as", "ines", "notify", "--cohort", "data-2026-q2"])
        .env(
            "MERIT_SMTP_URL",
            format!("smtp+plain://127.0.0.1:{}", srv.port),
        )
        .env("MERIT_SMTP_FROM", FROM)
        .env("MERIT_TEST_HOLD_AFTER", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 && !line.contains("held") {
        line.clear();
    }
    assert!(line.contains("held"));
    child.kill().unwrap();
    let _ = child.wait();
    // Held after two learners (the refused one counts): part of the cohort was delivered.
    let delivered = messages(srv.dir.path()).len();
    assert!(
        delivered >= 1 && delivered < decided - 1,
        "{delivered} of {}",
        decided - 1
    );
    let _ = notify(&ws, srv.port, "data-2026-q2", &[]);
    let got = messages(srv.dir.path());
    assert_eq!(got.len(), decided - 1);
    let mut ids: Vec<&str> = got.iter().filter_map(|m| header(m, "Message-ID")).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "a message was delivered twice");
}

#[test]
fn dry_run_writes_eml_files_and_sends_nothing() {
    let (dir, ws, decided) = workspace();
    let out = dir.path().join("eml");
    let o = common::merit()
        .arg("--workspace")
        .arg(&ws)
        .args([
            "--as",
            "ines",
            "notify",
            "--cohort",
            "data-2026-q2",
            "--dry-run",
            "--out",
        ])
        .arg(&out)
        .env("MERIT_SMTP_FROM", FROM)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stderr(&o));
    let files = messages(&out);
    assert_eq!(files.len(), decided);
    for m in &files {
        for h in [
            "From",
            "To",
            "Subject",
            "Message-ID",
            "MIME-Version",
            "Date",
        ] {
            assert!(header(m, h).is_some(), "no {h} in {m}");
        }
        assert!(m.contains("\r\n\r\n"), "headers end before the body");
    }
    // Nothing was recorded: a real run would still send them all.
    let store = merit::store::Store::create(&ws).unwrap();
    let sent: i64 = common::db(&ws)
        .query_row("SELECT COUNT(*) FROM notifications", [], |r| r.get(0))
        .unwrap();
    assert_eq!(sent, 0);
    drop(store);
}

/// `--pathway`: each learner holding a program credential gets their program badge once,
/// the baked badge attached and the page linked; running again sends nothing.
#[test]
fn program_badges_go_to_their_learners_once() {
    let Some(srv) = server() else { return };
    let (dir, ws) = common::demo_workspace(30, 2);
    let as_ines = |args: &[&str]| {
        let o = common::merit_as(&ws, "ines", args);
        assert!(o.status.success(), "{}", common::stderr(&o));
    };
    for c in ["data-2026-q2", "appsec-2026-1", "teach-2026-spring"] {
        as_ines(&["approve", "--cohort", c, "--all-meeting"]);
    }
    as_ines(&["approve", "--pathway", "data-practitioner", "--all-earned"]);
    let site = dir.path().join("site");
    as_ines(&["publish", "--out", site.to_str().unwrap()]);
    let send = || {
        common::merit()
            .arg("--workspace")
            .arg(&ws)
            .args(["--as", "ines", "notify", "--pathway", "data-practitioner"])
            .env(
                "MERIT_SMTP_URL",
                format!("smtp+plain://127.0.0.1:{}", srv.port),
            )
            .env("MERIT_SMTP_FROM", FROM)
            .output()
            .unwrap()
    };
    let o = send();
    assert!(o.status.success(), "{}", common::stderr(&o));
    assert!(
        common::stdout(&o).contains("sent 2 message(s); 0 already sent"),
        "{}",
        common::stdout(&o)
    );
    let got = messages(srv.dir.path());
    assert_eq!(got.len(), 2);
    for m in &got {
        assert_eq!(
            header(m, "Subject"),
            Some("Your program badge: Data Practitioner")
        );
        assert!(m.contains("filename=\"badge.png\""), "{m}");
        assert!(m.contains("https://merit.example.org/c/"), "{m}");
    }
    assert!(got.iter().any(|m| m.contains("Noor Achterberg")));
    let o = send();
    assert!(
        common::stdout(&o).contains("sent 0 message(s); 2 already sent"),
        "{}",
        common::stdout(&o)
    );
    assert_eq!(messages(srv.dir.path()).len(), 2);
}

//! Helpers shared by the integration tests: run the real `merit` binary.
#![allow(dead_code)]

mod backend;
#[allow(unused_imports)]
pub use backend::Backend;

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

/// A bundled rubric by file name (`data-cleaning.yaml`): parsed, and its source.
pub fn bundled(file: &str) -> (merit::rubric::Rubric, &'static str) {
    let (_, src) = merit::rubric::BUNDLED
        .iter()
        .find(|(f, _)| *f == file)
        .unwrap_or_else(|| panic!("no bundled rubric {file}"));
    (
        merit::rubric::parse(src.as_bytes()).expect("bundled rubrics parse"),
        src,
    )
}

/// A workspace with the bundled rubrics imported.
pub fn workspace_with_rubrics() -> tempfile::TempDir {
    workspace_with_rubrics_on(&Backend::sweep())
}

/// [`workspace_with_rubrics`] on the database `b`.
pub fn workspace_with_rubrics_on(b: &Backend) -> tempfile::TempDir {
    let ws = b.tempdir();
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
    // The people the tests act as (the test's own account created it: admin and lead).
    for (name, role) in [
        ("lena", "lead"),
        ("amir", "assessor"),
        ("bea", "assessor"),
        ("ines", "issuer"),
    ] {
        let o = run(ws.path(), &["user", "add", name, "--role", role]);
        assert!(o.status.success(), "user add failed: {}", stderr(&o));
    }
    ws
}
pub mod pty;
pub mod tui;

/// A demo workspace at `ws`: 60 learners, seed 5, made by the test's account (its admin; the
/// demo key's passphrase is `merit-demo`).
pub fn demo(ws: &Path) {
    Backend::sweep().configure(ws);
    let o = merit()
        .arg("--workspace")
        .arg(ws)
        .args(["demo", "--no-tui", "--learners", "60", "--seed", "5"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// What a child process did, with its peak memory.
pub struct Measured {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The peak resident memory of merit itself (VmHWM, which merit reports when
    /// MERIT_REPORT_PEAK_MEMORY is set), in KiB.
    pub max_rss_kib: i64,
    /// The child's ru_maxrss from wait4, in KiB: an upper bound, since Linux charges a child,
    /// at exec, with the memory of the test process it was spawned from.
    pub ru_maxrss_kib: i64,
}

/// Runs `cmd` (a merit command) to its end and measures its peak memory.
// The child is reaped by wait4 below, not by Child::wait.
#[allow(clippy::zombie_processes)]
pub fn run_measured(cmd: &mut Command) -> Measured {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd
        .env("MERIT_REPORT_PEAK_MEMORY", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let mut stderr = String::new();
    let _ = err.read_to_string(&mut stderr);
    let stdout = reader.join().unwrap_or_default();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, whose pid we hold, and writes into locals.
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("merit: peak memory "))
        .and_then(|v| v.trim_end_matches(" kB").parse().ok())
        .expect("merit reports its peak memory");
    Measured {
        code,
        stdout,
        stderr,
        max_rss_kib: peak,
        ru_maxrss_kib: usage.ru_maxrss,
    }
}

/// The account the tests run as: the creator (admin and lead) of every workspace they make.
pub fn me() -> String {
    merit::identity::process_account().expect("the test's account has a name")
}

/// Gives `name` the `roles` in `store`'s workspace, as its creator (an admin).
pub fn grant(store: &mut merit::store::Store, name: &str, roles: &[&str]) {
    let me = me();
    for role in roles {
        store
            .add_user(name, role, &me)
            .expect("the creator is an admin");
    }
}

/// `who` submits an assessment of submission `id`: every criterion at its top level (meets)
/// or its bottom one (not yet).
pub fn assess(
    store: &mut merit::store::Store,
    id: i64,
    who: &str,
    meets: bool,
) -> anyhow::Result<merit::rubric::Decision> {
    let rubric = store.load_rubric(&store.submission_rubric(id)?)?;
    let scores = rubric
        .criteria
        .iter()
        .map(|c| merit::store::CriterionScore {
            criterion: c.id.value.clone(),
            level: Some(if meets {
                c.levels
                    .last()
                    .map(|l| l.id.value.clone())
                    .unwrap_or_default()
            } else {
                c.levels[0].id.value.clone()
            }),
            comment: String::new(),
        })
        .collect();
    store.submit_assessment(&merit::store::AssessmentInput {
        submission_id: id,
        assessor: who.into(),
        scores,
        overall_feedback: "second look".into(),
        time_spent_secs: 60,
    })
}

/// A demo workspace (`merit demo --no-tui`, its issuer's passphrase `merit-demo`) of
/// `learners` learners from `seed`, made by the test's account (its admin).
pub fn demo_workspace(learners: u32, seed: u32) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let ws = dir.path().join("ws");
    Backend::sweep().configure(&ws);
    let o = run(
        &ws,
        &[
            "demo",
            "--no-tui",
            "--learners",
            &learners.to_string(),
            "--seed",
            &seed.to_string(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, ws)
}

/// Runs merit in `ws` as `who` (`--as`), with the demo issuer's passphrase at hand.
pub fn merit_as(ws: &Path, who: &str, args: &[&str]) -> Output {
    merit()
        .arg("--workspace")
        .arg(ws)
        .args(["--as", who])
        .args(args)
        .env("MERIT_PASSPHRASE", "merit-demo")
        .output()
        .expect("merit runs")
}

/// The workspace's database through Merit's own query layer, whichever database it is in
/// (for tests that read or tamper with the tables directly).
pub struct Db(merit::store::Store);

impl std::ops::Deref for Db {
    type Target = merit::store::db::Connection;
    fn deref(&self) -> &Self::Target {
        self.0.raw_connection()
    }
}

pub fn db(ws: impl AsRef<Path>) -> Db {
    Db(merit::store::Store::open(ws.as_ref()).expect("the workspace opens"))
}

/// Every award's credential verified (proof, issuer, dates, schemas), on every core: the
/// ones that fail, each as `submission: checks`.
pub fn unverified(all: &[merit::store::Award]) -> Vec<String> {
    use merit::credential::verify;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let handles: Vec<_> = all
            .chunks(all.len().div_ceil(workers).max(1))
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .filter_map(|a| {
                            let doc: serde_json::Value =
                                serde_json::from_str(&a.credential_json).unwrap();
                            let r = verify::verify(&doc, &verify::Options::default());
                            (!r.ok).then(|| format!("{}: {:?}", a.submission_id, r.checks))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

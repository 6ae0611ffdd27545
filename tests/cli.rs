//! The command-line contract: exit codes, global flags, help, the demo.

mod common;

use common::{merit, run, stderr, stdout};
use merit::store::Store;

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let o = merit().args(["import"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let o = merit().args(["no-such-command"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    for sub in ["demo", "rubric", "import", "cohort", "user", "audit"] {
        let o = merit().args([sub, "--help"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{sub} --help");
        assert!(stdout(&o).contains("Usage: merit"), "{sub}");
    }
}

#[test]
fn global_flags_work_before_and_after_the_subcommand() {
    let ws = tempfile::tempdir().unwrap();
    let w = ws.path().to_str().unwrap();
    // The test's account creates the workspace (admin and lead) and makes lena an admin.
    let o = merit()
        .args(["--workspace", w, "user", "add", "lena", "--role", "admin"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = merit()
        .args([
            "--workspace",
            w,
            "--as",
            "lena",
            "user",
            "add",
            "amir",
            "--role",
            "assessor",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = merit()
        .args([
            "user",
            "add",
            "bea",
            "--role",
            "lead",
            "--workspace",
            w,
            "--as",
            "lena",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let o = merit()
        .args(["user", "list", "--workspace", w])
        .output()
        .unwrap();
    let me = common::me();
    assert_eq!(
        stdout(&o),
        format!("amir\tassessor\nbea\tlead\nlena\tadmin\n{me}\tadmin,lead\n")
    );
    // The actor recorded in the audit log is --as.
    let store = Store::create(ws.path()).unwrap();
    let tail = store.audit_tail(10).unwrap();
    let by_lena: Vec<&str> = tail
        .iter()
        .filter(|e| e.actor == "lena")
        .map(|e| e.subject.as_str())
        .collect();
    assert_eq!(by_lena, ["bea", "amir"], "{tail:?}");
}

#[test]
fn merit_home_is_the_default_workspace() {
    let ws = tempfile::tempdir().unwrap();
    let o = merit()
        .env("MERIT_HOME", ws.path())
        .args(["user", "add", "x", "--role", "issuer"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(ws.path().join("merit.db").is_file());
    assert!(ws.path().join("artifacts").is_dir());
}

#[test]
fn unknown_role_is_a_usage_error() {
    let ws = tempfile::tempdir().unwrap();
    let o = run(ws.path(), &["user", "add", "x", "--role", "superuser"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("possible values: admin, lead, assessor, issuer"));
}

#[test]
fn demo_creates_a_realistic_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("demo");
    let o = run(&ws, &["demo", "--no-tui", "--learners", "40"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // 40 dealt to one cohort each, and the pathway's two who took all three rubrics.
    assert!(out.contains("42 learners"), "{out}");
    assert!(
        out.contains("pathway data-practitioner: 2 learners"),
        "{out}"
    );
    let store = Store::create(&ws).unwrap();
    let cohorts = store.cohorts().unwrap();
    assert_eq!(cohorts.len(), 3);
    assert_eq!(cohorts.iter().map(|c| c.learners).sum::<i64>(), 40 + 3 * 2);
    let scored: i64 = cohorts.iter().map(|c| c.meets + c.not_yet).sum();
    assert!(scored > 0, "some submissions are scored");
    assert!(
        cohorts.iter().map(|c| c.new).sum::<i64>() > 0,
        "some wait in the queue"
    );
    let mut kinds = std::collections::BTreeSet::new();
    let mut second_attempts = 0;
    for c in &cohorts {
        for (id, _, attempt, _) in store.cohort_submissions(&c.id).unwrap() {
            if attempt > 1 {
                second_attempts += 1;
            }
            for a in store.submission_artifacts(id).unwrap() {
                kinds.insert(a.kind);
            }
        }
    }
    assert!(
        second_attempts > 0,
        "some learners resubmitted after not yet"
    );
    for k in ["markdown", "code", "csv", "text", "image", "pdf"] {
        assert!(kinds.contains(k), "no {k} artifact in {kinds:?}");
    }
    // The lead has sent work to second marking: one waits for its second assessor, one's
    // assessors disagree.
    let marked = store.second_markings(Some("teach-2026-spring")).unwrap();
    let states: Vec<&str> = marked.iter().map(|m| m.state()).collect();
    assert_eq!(
        states,
        [
            "waiting for a second assessor",
            "assessors disagree: a lead decides"
        ]
    );
    assert!(out.contains("2 in second marking"), "{out}");
    assert!(store.verify_audit().unwrap().ok());
    // Running it again keeps the existing demo.
    let o = run(&ws, &["demo", "--no-tui"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("already exists"));
}

/// Everything the demo generated, minus timestamps: learners, artifacts, levels.
fn fingerprint(ws: &std::path::Path) -> Vec<String> {
    let store = Store::create(ws).unwrap();
    let mut out = Vec::new();
    for c in store.cohorts().unwrap() {
        for (id, learner, attempt, status) in store.cohort_submissions(&c.id).unwrap() {
            out.push(format!("{} {learner} {attempt} {status}", c.id));
            for a in store.submission_artifacts(id).unwrap() {
                out.push(format!("  {} {:?}", a.name, a.sha256));
            }
            for assessor in ["amir", "bea"] {
                if let Some((state, scores)) = store.assessment_scores(id, assessor).unwrap() {
                    out.push(format!("  {assessor} {state} {scores:?}"));
                }
            }
        }
    }
    out
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    for (ws, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let o = run(
            ws,
            &["demo", "--no-tui", "--learners", "12", "--seed", seed],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (fa, fb, fc) = (fingerprint(&a), fingerprint(&b), fingerprint(&c));
    assert!(fa.len() > 12);
    assert_eq!(fa, fb);
    assert_ne!(fa, fc);
}

#[test]
fn workbench_refuses_to_start_without_a_terminal() {
    let ws = tempfile::tempdir().unwrap();
    assert!(run(ws.path(), &["workspace", "init"]).status.success());
    let o = merit().arg("--workspace").arg(ws.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the workbench needs a terminal"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty(), "nothing drawn");
}

/// A workspace configured for another database is never opened as its SQLite file (writes
/// would go to one host's file while the operator believes all hosts share one database).
#[test]
fn a_database_that_cannot_be_opened_is_refused_never_replaced_by_the_sqlite_file() {
    let ws = tempfile::tempdir().unwrap();
    assert!(run(ws.path(), &["workspace", "init"]).status.success());
    let before = std::fs::read(ws.path().join("merit.db")).unwrap();
    // Nothing listens on port 1: the connection is refused at once.
    let o = merit()
        .args(["--workspace", ws.path().to_str().unwrap(), "cohort", "list"])
        .env(
            "MERIT_DATABASE_URL",
            "postgres://merit:pw@127.0.0.1:1/merit",
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains(
            "cannot open the database postgres://merit:****@127.0.0.1:1/merit (from $MERIT_DATABASE_URL)"
        ),
        "{e}"
    );
    assert!(!e.contains(":pw@"), "{e}");
    assert_eq!(std::fs::read(ws.path().join("merit.db")).unwrap(), before);
    // A database Merit does not know is refused before anything is opened.
    std::fs::write(
        ws.path().join("merit.toml"),
        "[database]\nurl = \"mysql://db.example.org/merit\"\n",
    )
    .unwrap();
    let o = run(ws.path(), &["cohort", "list"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("database.url is mysql://db.example.org/merit (from merit.toml)"),
        "{e}"
    );
    assert_eq!(std::fs::read(ws.path().join("merit.db")).unwrap(), before);
    // `merit config` still shows it, and the default opens.
    let o = run(ws.path(), &["config"]);
    assert!(stdout(&o).contains("mysql://db.example.org/merit"));
    std::fs::write(
        ws.path().join("merit.toml"),
        "[database]\nurl = \"sqlite:merit.db\"\n",
    )
    .unwrap();
    assert!(run(ws.path(), &["cohort", "list"]).status.success());
}

/// A host missing the setting that names a shared database finds merit.toml but no
/// merit.db: it refuses, instead of starting an empty workspace of its own.
#[test]
fn a_folder_with_merit_toml_but_no_database_is_not_given_an_empty_one() {
    let ws = tempfile::tempdir().unwrap();
    std::fs::write(
        ws.path().join("merit.toml"),
        "[site]\nurl = \"https://badges.example.org\"\n",
    )
    .unwrap();
    let o = run(ws.path(), &["cohort", "list"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("has a merit.toml but no merit.db"), "{e}");
    assert!(e.contains("MERIT_DATABASE_URL"), "{e}");
    assert!(!ws.path().join("merit.db").exists());
    // Starting one on purpose works.
    assert!(run(ws.path(), &["workspace", "init"]).status.success());
    assert!(run(ws.path(), &["cohort", "list"]).status.success());
}

#[test]
fn config_shows_each_setting_and_its_source_never_a_password() {
    let ws = tempfile::tempdir().unwrap();
    assert!(run(ws.path(), &["workspace", "init"]).status.success());
    std::fs::write(
        ws.path().join("merit.toml"),
        "[site]\nurl = \"https://badges.example.org\"\n[smtp]\nurl = \"smtp://merit:s3cret@mail.example.org:587\"\n",
    )
    .unwrap();
    let o = merit()
        .args(["--workspace", ws.path().to_str().unwrap(), "config"])
        .env("MERIT_SMTP_FROM", "badges@example.org")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!out.contains("s3cret"), "{out}");
    for (name, value, source) in [
        ("database.url", "sqlite:merit.db", "(default)"),
        ("site.url", "https://badges.example.org", "(merit.toml)"),
        (
            "smtp.url",
            "smtp://merit:****@mail.example.org:587",
            "(merit.toml)",
        ),
        ("smtp.from", "badges@example.org", "($MERIT_SMTP_FROM)"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_default();
        assert!(line.contains(value) && line.ends_with(source), "{line}");
    }
    // A mistake in the file says where.
    std::fs::write(ws.path().join("merit.toml"), "[site]\ncolour = 1\n").unwrap();
    let o = run(ws.path(), &["config"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("merit.toml:2:1: unknown field `colour`"),
        "{}",
        stderr(&o)
    );
}

/// Opening a workspace never creates one: every command that works on a workspace refuses a
/// folder that is not one, says how to make one, and leaves nothing behind.
#[test]
fn commands_refuse_a_folder_that_is_not_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("nothing-here");
    let f = dir.path().join("x.json");
    let f = f.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &[],
        &["rubric", "history", "data-cleaning"],
        &["import", "--cohort", "c", "--rubric", "r", f],
        &["cohort", "list"],
        &["cohort", "set", "c", "--no-page-names"],
        &["user", "list"],
        &["user", "remove", "bea"],
        &["second-mark", "list"],
        &["audit", "verify"],
        &["audit", "head"],
        &[
            "issuer",
            "init",
            "--name",
            "X",
            "--url",
            "https://x.example",
        ],
        &["approve", "--cohort", "c", "--all-meeting"],
        &["export", "--cohort", "c", "--out", f],
        &["revoke", "urn:uuid:1", "--reason", "x"],
        &["status-list", "--out", f],
        &["policy", "list"],
        &["config"],
        &["publish", "--out", f],
        &["notify", "--cohort", "c"],
        &["reliability"],
        &["calibration", "status"],
        &["pathway", "list"],
        &["transcript", "--learner", "x", "--out", f],
    ];
    // Every command is either above or one that needs no workspace.
    let help = stdout(&merit().arg("--help").output().unwrap());
    let listed: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(listed.len() > 15, "{help}");
    for name in listed {
        let covered = commands.iter().any(|c| c.first() == Some(&name))
            || ["demo", "workspace", "verify", "help"].contains(&name);
        assert!(
            covered,
            "`merit {name}` is not checked on a folder that is not a workspace"
        );
    }
    for args in commands {
        let o = run(&ws, args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("is not a Merit workspace (create one with `merit workspace init"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(!ws.exists(), "{args:?} created the folder");
    }
    // The commands that make one.
    let o = run(&ws, &["workspace", "init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(ws.join("merit.db").is_file());
    let o = run(&ws, &["workspace", "init"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a Merit workspace already"));
    let other = dir.path().join("set-up");
    assert!(
        run(&other, &["user", "add", "bea", "--role", "assessor"])
            .status
            .success()
    );
    assert!(other.join("merit.db").is_file());
}

/// An unknown cohort is refused the same way by every command that takes one.
#[test]
fn an_unknown_cohort_says_no_cohort_everywhere() {
    let (dir, ws) = common::demo_workspace(6, 3);
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    for args in [
        &["approve", "--cohort", "nope", "--all-meeting"][..],
        &["export", "--cohort", "nope", "--out", out],
        &["notify", "--cohort", "nope", "--dry-run", "--out", out],
    ] {
        let o = common::merit_as(&ws, "ines", args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("no cohort `nope` in this workspace"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

/// Every argument and option of every command says what it is in `--help`.
#[test]
fn every_argument_in_help_has_a_description() {
    fn walk(path: &mut Vec<String>, missing: &mut Vec<String>) {
        let o = merit().args(path.iter()).arg("-h").output().unwrap();
        let text = stdout(&o);
        let mut section = "";
        let mut subcommands = Vec::new();
        for line in text.lines() {
            if let Some(s) = ["Commands:", "Arguments:", "Options:"]
                .iter()
                .find(|s| line.starts_with(**s))
            {
                section = s;
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                section = "";
                continue;
            }
            let item = line.trim();
            match section {
                "Commands:" => {
                    let name = item.split_whitespace().next().unwrap_or("");
                    if name != "help" {
                        subcommands.push(name.to_string());
                    }
                }
                // "  -x, --flag <V>  What it is": two spaces part the name from the text.
                "Arguments:" | "Options:"
                    if item.starts_with(['-', '<']) && !item.contains("  ") =>
                {
                    missing.push(format!("merit {} {item}", path.join(" ")));
                }
                _ => {}
            }
        }
        for s in subcommands {
            path.push(s);
            walk(path, missing);
            path.pop();
        }
    }
    let mut missing = Vec::new();
    walk(&mut Vec::new(), &mut missing);
    assert!(
        missing.is_empty(),
        "no description:\n{}",
        missing.join("\n")
    );
}

/// `artifacts.dir` (or MERIT_ARTIFACTS_DIR, which wins) puts the artifact store elsewhere,
/// say on a file system several hosts mount: everything is written there, nothing inside.
#[test]
fn the_artifact_store_goes_where_the_settings_say() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let shared = dir.path().join("shared-artifacts");
    let o = merit()
        .args(["--workspace", ws.to_str().unwrap()])
        .args(["demo", "--no-tui", "--learners", "6", "--seed", "1"])
        .env("MERIT_ARTIFACTS_DIR", &shared)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let count = |d: &std::path::Path| {
        common::walk(d)
            .into_iter()
            .filter(|p| p.is_file() && !p.to_string_lossy().contains("/.tmp/"))
            .count()
    };
    assert!(count(&shared) > 6, "artifacts in {}", shared.display());
    assert_eq!(count(&ws.join("artifacts")), 0);
    let o = merit()
        .args(["--workspace", ws.to_str().unwrap(), "config"])
        .env("MERIT_ARTIFACTS_DIR", &shared)
        .output()
        .unwrap();
    let line = stdout(&o)
        .lines()
        .find(|l| l.starts_with("artifacts.dir"))
        .unwrap_or_default()
        .to_string();
    assert!(line.ends_with("($MERIT_ARTIFACTS_DIR)"), "{line}");
    // The same from merit.toml, relative to the workspace; the files are found there.
    std::fs::write(
        ws.join("merit.toml"),
        "[artifacts]\ndir = \"../shared-artifacts\"\n",
    )
    .unwrap();
    let store = merit::store::Store::open(&ws).unwrap();
    let sha: String = rusqlite::Connection::open(ws.join("merit.db"))
        .unwrap()
        .query_row(
            "SELECT sha256 FROM artifacts WHERE sha256 IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(store.artifacts().path_of(&sha).is_file());
}

//! `merit import` from folders and CSV manifests: idempotence, attempts, and refusing bad
//! or escaping paths with their place named.

mod common;

use std::fs;
use std::path::Path;

use common::{run, stderr, stdout, workspace_with_rubrics};
use merit::store::Store;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A folder source with three learners for the data-cleaning rubric.
fn folder_source() -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    for (key, name) in [
        ("ada", "Ada Lovelace"),
        ("bo", "Bo Chen"),
        ("cy", "Cy Twombly"),
    ] {
        let d = src.path().join(key);
        write(
            &d.join("learner.yaml"),
            &format!("name: {name}\nemail: {key}@example.org\n"),
        );
        write(&d.join("cleaned-data.csv"), &format!("a,b\n1,{key}\n"));
        write(&d.join("script.py"), "print('clean')\n");
        write(
            &d.join("notes/change-log.md"),
            &format!("# log for {key}\n"),
        );
    }
    src
}

fn import(ws: &Path, src: &Path, cohort: &str) -> std::process::Output {
    run(
        ws,
        &[
            "import",
            "--cohort",
            cohort,
            "--rubric",
            "data-cleaning",
            src.to_str().unwrap(),
        ],
    )
}

fn submissions(ws: &Path, cohort: &str) -> Vec<(i64, String, i64, String)> {
    Store::create(ws)
        .unwrap()
        .cohort_submissions(cohort)
        .unwrap()
}

#[test]
fn folder_import_then_reimport_changes_nothing() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    let o = import(ws.path(), src.path(), "c1");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("3 new submissions, 0 new attempts, 0 unchanged; 9 artifacts"));

    let store = Store::create(ws.path()).unwrap();
    let subs = store.cohort_submissions("c1").unwrap();
    assert_eq!(subs.len(), 3);
    let arts = store.submission_artifacts(subs[0].0).unwrap();
    let names: Vec<&str> = arts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["cleaned-data.csv", "notes/change-log.md", "script.py"]
    );
    let kinds: Vec<&str> = arts.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["csv", "markdown", "code"]);
    // Requirements: by file stem, or the only requirement accepting the kind.
    let reqs: Vec<Option<&str>> = arts.iter().map(|a| a.requirement.as_deref()).collect();
    assert_eq!(
        reqs,
        [Some("cleaned-data"), Some("change-log"), Some("script")]
    );
    let sha = arts[0].sha256.as_deref().unwrap();
    assert!(store.artifacts().contains(sha));
    drop(store);

    let o = import(ws.path(), src.path(), "c1");
    assert!(o.status.success());
    assert!(stdout(&o).contains("0 new submissions, 0 new attempts, 3 unchanged"));
    assert_eq!(submissions(ws.path(), "c1").len(), 3);
}

#[test]
fn a_changed_file_becomes_a_new_attempt() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    assert!(import(ws.path(), src.path(), "c1").status.success());
    write(&src.path().join("bo/script.py"), "print('clean, better')\n");
    let o = import(ws.path(), src.path(), "c1");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 new submissions, 1 new attempts, 2 unchanged"));
    let subs = submissions(ws.path(), "c1");
    let bo: Vec<_> = subs.iter().filter(|s| s.1 == "bo").collect();
    assert_eq!(bo.len(), 2);
    assert_eq!((bo[0].2, bo[0].3.as_str()), (1, "superseded"));
    assert_eq!((bo[1].2, bo[1].3.as_str()), (2, "new"));
}

#[cfg(unix)]
#[test]
fn symlink_leading_outside_the_source_is_refused() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    write(&secret, "private");
    std::os::unix::fs::symlink(&secret, src.path().join("bo/stolen.txt")).unwrap();
    // A link that stays inside the source is fine.
    std::os::unix::fs::symlink(
        src.path().join("ada/script.py"),
        src.path().join("cy/shared.py"),
    )
    .unwrap();
    let o = import(ws.path(), src.path(), "c1");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bo/stolen.txt"), "{err}");
    assert!(err.contains("leads outside the source"), "{err}");
    assert!(stdout(&o).contains("2 new submissions"));
    let subs = submissions(ws.path(), "c1");
    assert!(subs.iter().all(|s| s.1 != "bo"), "bo was skipped whole");
}

#[test]
fn empty_learner_folder_and_stray_files_are_reported() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    fs::create_dir(src.path().join("dee")).unwrap();
    write(&src.path().join("README.txt"), "not a learner");
    let o = import(ws.path(), src.path(), "c1");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("dee: learner folder has no files to import"),
        "{err}"
    );
    assert!(
        err.contains("README.txt: not inside a learner folder"),
        "{err}"
    );
    assert!(stdout(&o).contains("3 new submissions"));
}

#[test]
fn bad_learner_yaml_is_located() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    write(
        &src.path().join("cy/learner.yaml"),
        "name: Cy\nphone: 123\n",
    );
    let o = import(ws.path(), src.path(), "c1");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("cy/learner.yaml:2:1: unknown field `phone`"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn special_files_are_refused() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    let fifo = src.path().join("ada/pipe");
    mkfifo(&fifo);
    let o = import(ws.path(), src.path(), "c1");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ada/pipe: not a regular file"));
}

fn manifest_source(rows: &str) -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("files/ada.csv"), "a\n1\n");
    write(&src.path().join("files/ada.py"), "x = 1\n");
    write(&src.path().join("files/bo.csv"), "a\n2\n");
    write(&src.path().join("files/cy.csv"), "a\n3\n");
    write(
        &src.path().join("manifest.csv"),
        &format!("learner_id,name,email,artifact,requirement\n{rows}"),
    );
    src
}

fn import_manifest(ws: &Path, src: &Path) -> std::process::Output {
    let m = src.join("manifest.csv");
    run(
        ws,
        &[
            "import",
            "--cohort",
            "m1",
            "--rubric",
            "data-cleaning",
            m.to_str().unwrap(),
        ],
    )
}

#[test]
fn manifest_import_with_a_bad_row_skips_only_that_learner() {
    let ws = workspace_with_rubrics();
    let src = manifest_source(
        "ada,Ada L,ada@example.org,files/ada.csv,cleaned-data\n\
         ada,,,files/ada.py,script\n\
         ada,,,https://example.org/ada/log,change-log\n\
         bo,Bo,,files/missing.csv,\n\
         bo,Bo,,files/bo.csv,\n\
         cy,Cy,,files/cy.csv,not-a-requirement\n",
    );
    let o = import_manifest(ws.path(), src.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("manifest.csv:5: `files/missing.csv` does not exist"),
        "{err}"
    );
    assert!(
        err.contains("manifest.csv:7: requirement `not-a-requirement` is not in rubric"),
        "{err}"
    );
    assert!(err.contains("submission of learner `bo` skipped"), "{err}");
    assert!(stdout(&o).contains("1 new submissions"), "{}", stdout(&o));
    let store = Store::create(ws.path()).unwrap();
    let subs = store.cohort_submissions("m1").unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].1, "ada");
    let arts = store.submission_artifacts(subs[0].0).unwrap();
    assert_eq!(arts.len(), 3);
    let url = arts.iter().find(|a| a.kind == "url").unwrap();
    assert_eq!(url.url.as_deref(), Some("https://example.org/ada/log"));
    assert_eq!(url.sha256, None);
}

#[test]
fn manifest_paths_may_not_escape() {
    let ws = workspace_with_rubrics();
    let src = manifest_source(
        "ada,,,../../etc/passwd,\n\
         bo,,,/etc/passwd,\n\
         cy,,,files/cy.csv,\n",
    );
    let o = import_manifest(ws.path(), src.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("manifest.csv:2: `../../etc/passwd` contains `..`"),
        "{err}"
    );
    assert!(
        err.contains("manifest.csv:3: `/etc/passwd` is an absolute path"),
        "{err}"
    );
    assert!(stdout(&o).contains("1 new submissions"));
}

#[cfg(unix)]
#[test]
fn manifest_path_through_a_symlink_that_escapes_is_refused() {
    let ws = workspace_with_rubrics();
    let src = manifest_source("ada,,,files/link.csv,\n");
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("x.csv"), "secret\n");
    std::os::unix::fs::symlink(
        outside.path().join("x.csv"),
        src.path().join("files/link.csv"),
    )
    .unwrap();
    let o = import_manifest(ws.path(), src.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("leads outside the source"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn malformed_manifest_imports_nothing() {
    let ws = workspace_with_rubrics();
    let src = manifest_source("ada,,,files/ada.csv,\nbo,too,many,fields,here,and,more\n");
    let o = import_manifest(ws.path(), src.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("manifest.csv:3: row has 7 fields, the header has 5; nothing was imported"),
        "{err}"
    );
    assert!(submissions(ws.path(), "m1").is_empty());
}

#[test]
fn manifest_with_unknown_column_is_refused() {
    let ws = workspace_with_rubrics();
    let src = tempfile::tempdir().unwrap();
    write(&src.path().join("manifest.csv"), "learner,file\nada,x\n");
    let o = import_manifest(ws.path(), src.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("manifest.csv:1: unknown column `learner`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_rubric_and_mismatched_cohort_are_explained() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    let o = run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "c1",
            "--rubric",
            "nope",
            src.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no rubric `nope` in this workspace"));
    assert!(stderr(&o).contains("merit rubric import"));
    assert!(import(ws.path(), src.path(), "c1").status.success());
    let o = run(
        ws.path(),
        &[
            "import",
            "--cohort",
            "c1",
            "--rubric",
            "secure-code-review",
            src.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cohort `c1` is assessed against rubric `data-cleaning`"));
}

#[test]
fn cohort_list_shows_counts() {
    let ws = workspace_with_rubrics();
    let src = folder_source();
    assert!(import(ws.path(), src.path(), "c1").status.success());
    let o = run(ws.path(), &["cohort", "list"]);
    let line = stdout(&o);
    assert!(
        line.starts_with("c1\tc1\trubric data-cleaning\t3 learners\t3 submissions\t3 new"),
        "{line}"
    );
    let o = run(ws.path(), &["cohort", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["submissions"], 3);
}

/// Makes a FIFO at `path` (through libc: the test never depends on a `mkfifo` program).
fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in the path");
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o600) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::symlink_metadata(path)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

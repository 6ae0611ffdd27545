//! Time of check to time of use in folder import, made deterministic by the import's test seam
//! (a hook between a file's check and its open): a file swapped for a link to an outside file,
//! or for a FIFO, after it was checked is refused, and its learner skipped; the others are
//! imported, and nothing outside the source is stored.

mod common;

use std::path::Path;

use merit::intake::{ImportOptions, import};
use merit::store::Store;

fn source() -> tempfile::TempDir {
    let src = tempfile::tempdir().unwrap();
    for key in ["ada", "bo"] {
        let d = src.path().join(key);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("cleaned-data.csv"), format!("a\n{key}\n")).unwrap();
        std::fs::write(d.join("script.py"), "print('clean')\n").unwrap();
        std::fs::write(d.join("change-log.md"), "- fixed\n").unwrap();
    }
    src
}

/// The report, the store, and the folders (kept alive for the caller).
type Outcome = (
    merit::intake::ImportReport,
    Store,
    tempfile::TempDir,
    tempfile::TempDir,
);

fn run_with_swap(swap: &(dyn Fn(&Path) + Sync)) -> Outcome {
    let ws = common::workspace_with_rubrics();
    let src = source();
    let mut store = Store::create(ws.path()).unwrap();
    common::grant(&mut store, "tester", &["lead"]);
    let report = import(
        &mut store,
        src.path(),
        &ImportOptions {
            cohort: "race",
            cohort_name: None,
            rubric_id: "data-cleaning",
            actor: "tester",
            blind: false,
            route: Default::default(),
            progress: false,
            before_open: Some(swap),
        },
    )
    .unwrap();
    (report, store, ws, src)
}

fn is_adas_script(p: &Path) -> bool {
    p.ends_with("ada/script.py")
}

#[test]
fn a_file_swapped_for_a_link_outside_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET CONTENT\n").unwrap();
    let secret_for_hook = secret.clone();
    let swap = move |p: &Path| {
        if is_adas_script(p) {
            std::fs::remove_file(p).unwrap();
            std::os::unix::fs::symlink(&secret_for_hook, p).unwrap();
        }
    };
    let (report, store, _ws, _src) = run_with_swap(&swap);
    assert_eq!(report.new, 1, "bo is imported: {:?}", report.problems);
    let p = report
        .problems
        .iter()
        .find(|p| p.place.ends_with("ada/script.py"))
        .unwrap_or_else(|| panic!("{:?}", report.problems));
    assert!(
        p.message
            .contains("became a symbolic link after it was checked"),
        "{}",
        p.message
    );
    // The outside file's content is nowhere in the artifact store.
    let hash = merit::hash::sha256_hex(b"TOP SECRET CONTENT\n");
    assert!(
        store.artifacts().open(&hash).is_err(),
        "the secret was stored"
    );
}

#[test]
fn a_file_swapped_for_a_fifo_is_refused_without_hanging() {
    let swap = |p: &Path| {
        if is_adas_script(p) {
            use std::os::unix::ffi::OsStrExt;
            std::fs::remove_file(p).unwrap();
            let c = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }
    };
    let (report, ..) = run_with_swap(&swap);
    assert_eq!(report.new, 1);
    let p = report
        .problems
        .iter()
        .find(|p| p.place.ends_with("ada/script.py"))
        .unwrap_or_else(|| panic!("{:?}", report.problems));
    assert!(
        p.message.contains("no longer a regular file"),
        "{}",
        p.message
    );
}

#[test]
fn a_file_replaced_by_another_file_is_refused() {
    let swap = |p: &Path| {
        if is_adas_script(p) {
            // A new file (new inode) under the same name.
            let tmp = p.with_extension("new");
            std::fs::write(&tmp, "print('other')\n").unwrap();
            std::fs::rename(&tmp, p).unwrap();
        }
    };
    let (report, ..) = run_with_swap(&swap);
    assert_eq!(report.new, 1);
    assert!(
        report.problems.iter().any(|p| p
            .message
            .contains("replaced by another file after it was checked")),
        "{:?}",
        report.problems
    );
}

#[test]
fn without_a_swap_everyone_is_imported() {
    let (report, ..) = run_with_swap(&|_: &Path| {});
    assert_eq!(report.new, 2, "{:?}", report.problems);
    assert!(report.problems.is_empty());
}

//! `--as` across operating-system accounts: refused for an account that is neither root nor
//! the workspace folder's owner, honoured for the owner (the service account of the shared
//! `authorized_keys` set-up). Runs as root, making a throwaway account with `useradd`;
//! elsewhere it says why it did nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Account {
    name: String,
    uid: u32,
    gid: u32,
}

impl Drop for Account {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.name).output();
    }
}

fn make_account() -> Option<Account> {
    let name = format!("merit-t{}", std::process::id());
    let o = Command::new("useradd")
        .args(["-M", "-N", "-s", "/usr/sbin/nologin", &name])
        .output()
        .ok()?;
    if !o.status.success() {
        eprintln!(
            "skipped: useradd failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        return None;
    }
    let id = |flag: &str| -> u32 {
        let o = Command::new("id").args([flag, &name]).output().unwrap();
        String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
    };
    Some(Account {
        uid: id("-u"),
        gid: id("-g"),
        name,
    })
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The binary, copied where another account can run it (the build folder may not be).
fn public_binary(dir: &Path) -> PathBuf {
    let bin = dir.join("merit");
    std::fs::copy(env!("CARGO_BIN_EXE_merit"), &bin).unwrap();
    chmod(&bin, 0o755);
    bin
}

fn run_as(bin: &Path, who: Option<&Account>, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(bin);
    c.args(args).env_remove("MERIT_HOME").env("USER", "lena");
    if let Some(a) = who {
        c.uid(a.uid).gid(a.gid);
    }
    c.output().unwrap()
}

#[test]
fn as_is_refused_for_other_accounts_and_honoured_for_the_owner() {
    if common::me() != "root" {
        eprintln!("skipped: this test makes an account with useradd, which needs root");
        return;
    }
    let Some(other) = make_account() else { return };
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let bin = public_binary(dir.path());
    let ws = dir.path().join("ws");
    let w = ws.to_str().unwrap();
    let o = run_as(
        &bin,
        None,
        &["--workspace", w, "user", "add", "lena", "--role", "lead"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Everyone may open the files (as a shared group would), so only identity decides.
    chmod(&ws, 0o777);
    for e in std::fs::read_dir(&ws).unwrap() {
        let p = e.unwrap().path();
        chmod(&p, if p.is_dir() { 0o777 } else { 0o666 });
    }

    // Another account: --as is refused; without it, it acts as itself (no user here).
    let o = run_as(
        &bin,
        Some(&other),
        &["--workspace", w, "--as", "lena", "cohort", "list"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--as is honoured only for the workspace's service account (root)"),
        "{err}"
    );
    assert!(err.contains(&format!("you are {}", other.name)), "{err}");
    let o = run_as(&bin, Some(&other), &["--workspace", w, "cohort", "list"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("{} is not a user", other.name)),
        "{err}"
    );

    // The owner (root here) is honoured.
    let o = run_as(
        &bin,
        None,
        &["--workspace", w, "--as", "lena", "cohort", "list"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // The owner as a service account: hand the folder to the other account; now it may.
    std::os::unix::fs::chown(&ws, Some(other.uid), Some(other.gid)).unwrap();
    let o = run_as(
        &bin,
        Some(&other),
        &["--workspace", w, "--as", "lena", "cohort", "list"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

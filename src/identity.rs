//! Who is acting. The acting user is the account of the process's real uid (`$USER` is not
//! consulted: anyone can set it). `--as NAME` names someone else, and is honoured only for the
//! workspace's service account (the owner of the workspace folder: the shared-account
//! `authorized_keys` set-up, `command="merit --as alice"`) or for root.

use std::path::Path;

use anyhow::{Result, bail};

/// The account name of `uid`, from the password database.
pub fn account_name(uid: u32) -> Result<String> {
    let mut buf = vec![0u8; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value for getpwuid_r to fill in.
    let mut pw: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to a live local of the size given; getpwuid_r writes only
    // into `pw` and `buf`.
    let rc =
        unsafe { libc::getpwuid_r(uid, &mut pw, buf.as_mut_ptr().cast(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pw.pw_name.is_null() {
        bail!(
            "uid {uid} has no account in the password database, so Merit cannot tell who you \
             are (run it as a named account)"
        );
    }
    // SAFETY: getpwuid_r succeeded, so pw_name points to a NUL-terminated name inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pw.pw_name) };
    Ok(name.to_string_lossy().into_owned())
}

/// The real uid of this process.
pub fn uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// The account this process runs as.
pub fn process_account() -> Result<String> {
    account_name(uid())
}

/// The uid owning the workspace folder, if it exists.
pub fn owner_uid(root: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(root).ok().map(|m| m.uid())
}

/// Who acts: `as_user` when this process may act for others (it runs as root or as the
/// owner of the workspace folder, or the folder does not exist yet and it is about to create
/// it), else the process's own account; `--as` from anyone else is refused.
pub fn acting(as_user: Option<&str>, root: Option<&Path>) -> Result<String> {
    let me = uid();
    let Some(name) = as_user else {
        return process_account();
    };
    if name.trim().is_empty() {
        bail!("--as needs a name");
    }
    let owner = root.and_then(owner_uid);
    if me == 0 || owner.is_none_or(|o| o == me) {
        return Ok(name.to_string());
    }
    let account = process_account().unwrap_or_else(|_| format!("uid {me}"));
    let service = owner
        .and_then(|o| account_name(o).ok())
        .unwrap_or_else(|| "its owner".into());
    bail!(
        "--as is honoured only for the workspace's service account ({}) or root; you are {} \
         (drop --as to act as yourself)",
        crate::sanitize::line(&service),
        crate::sanitize::line(&account)
    )
}

//! Where the workspace's SQLite file may live: on a local disk. SQLite's locking and its
//! write-ahead log's shared memory do not hold on network file systems (NFS, SMB, CephFS…), so
//! two hosts, or even two processes, could corrupt `merit.db` or each read half of the other's
//! transaction. Merit refuses to open it there rather than fail later without a word;
//! `MERIT_SQLITE_ON_NETWORK_FS=1` overrides it for a single process on one host at a time.

use std::path::Path;

use anyhow::{Result, bail};

/// The name of a network file system type (`statfs` `f_type`), if it is one.
pub fn network_kind(f_type: i64) -> Option<&'static str> {
    Some(match f_type {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x00C3_6400 => "CephFS",
        0x0BD0_0BD0 => "Lustre",
        0x4750_4653 => "GPFS",
        0x5346_414F => "AFS",
        _ => return None,
    })
}

/// The network file system `dir` is on, if any (None when it cannot be told).
#[cfg(target_os = "linux")]
pub fn network_fs_of(dir: &Path) -> Option<&'static str> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is a NUL-terminated string and `st` a properly sized, writable struct.
    if unsafe { libc::statfs(path.as_ptr(), &mut st) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)]
    network_kind(st.f_type as i64)
}

#[cfg(not(target_os = "linux"))]
pub fn network_fs_of(_dir: &Path) -> Option<&'static str> {
    None
}

/// Refuses a workspace folder on a network file system, saying why and what to do.
pub fn require_local(root: &Path) -> Result<()> {
    let allowed = std::env::var("MERIT_SQLITE_ON_NETWORK_FS").is_ok_and(|v| v == "1");
    let dir = if root.exists() {
        root
    } else {
        root.parent().unwrap_or(root)
    };
    match network_fs_of(dir) {
        Some(kind) if !allowed => bail!(
            "{} is on {kind}, a network file system, where SQLite's locks do not hold: \
             merit.db could be corrupted. Keep the workspace on a local disk (several hosts \
             need a shared database server, which this build does not support yet), or set \
             MERIT_SQLITE_ON_NETWORK_FS=1 if only one process on one host ever opens it",
            dir.display()
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_file_systems_are_known_by_their_magic() {
        assert_eq!(network_kind(0x6969), Some("NFS"));
        assert_eq!(network_kind(0xFF53_4D42), Some("CIFS"));
        assert_eq!(network_kind(0x00C3_6400), Some("CephFS"));
        // ext4, tmpfs, xfs, btrfs, overlayfs are local.
        for local in [0xEF53, 0x0102_1994, 0x5846_5342, 0x9123_683E, 0x794C_7630] {
            assert_eq!(network_kind(local), None, "{local:#x}");
        }
    }

    #[test]
    fn a_local_folder_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(network_fs_of(dir.path()), None);
        require_local(dir.path()).unwrap();
        require_local(&dir.path().join("not-yet")).unwrap();
    }
}

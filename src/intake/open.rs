//! Opening a source file exactly as it was checked. The plan looks at each file (a regular
//! file, inside the source) and records its device and inode; the copy opens it again
//! without following a link and without blocking (`O_NOFOLLOW | O_NONBLOCK`), checks the open
//! descriptor (`fstat`: a regular file, the same device and inode), and reads from that
//! descriptor only. A file swapped for a link to something outside the source, or for a FIFO,
//! between the check and the copy is refused instead of read.
//!
//! Hard links: a hard link is the file itself, wherever its other names are. Whoever put one
//! in the source could read and write that file (Linux's `protected_hardlinks`, on by default,
//! demands it), so importing it discloses nothing they could not have copied; Merit imports
//! hard links like any other file.

use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Which file a path named when it was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// A file to copy: its path (inside the source, links already resolved) and what it was.
#[derive(Clone, Debug)]
pub struct CheckedFile {
    pub path: std::path::PathBuf,
    pub id: FileId,
}

/// Checks that `path` (not a link) is a regular file, and remembers which.
pub fn check(path: &Path) -> io::Result<CheckedFile> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(path)?;
    if !meta.file_type().is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok(CheckedFile {
        path: path.to_path_buf(),
        id: FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        },
    })
}

/// Opens the file `f` names, refusing anything that is no longer the file that was checked.
pub fn open(f: &CheckedFile) -> io::Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(&f.path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                io::Error::other("it became a symbolic link after it was checked")
            } else {
                e
            }
        })?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(io::Error::other(
            "it is no longer a regular file (changed after it was checked)",
        ));
    }
    if (meta.dev(), meta.ino()) != (f.id.dev, f.id.ino) {
        return Err(io::Error::other(
            "it was replaced by another file after it was checked",
        ));
    }
    Ok(file)
}

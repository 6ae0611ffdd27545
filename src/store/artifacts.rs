//! Content-addressed artifact files: `artifacts/ab/cdef…` named by SHA-256.
//! Written through a temporary file and a rename, so a file under its final name is always
//! complete; streamed, so a 1 GB artifact needs no more memory than a small one.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::hash::copy_hashing;

#[derive(Clone, Debug)]
pub struct ArtifactStore {
    dir: PathBuf,
}

/// A stored artifact: its hash and size in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
}

impl ArtifactStore {
    pub fn new(dir: PathBuf) -> Self {
        ArtifactStore { dir }
    }

    /// Where the artifact with this hash lives (whether or not it exists).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let (a, b) = sha256.split_at(2.min(sha256.len()));
        self.dir.join(a).join(b)
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_file()
    }

    /// Stores the file at `path`.
    pub fn put_file(&self, path: &Path) -> io::Result<Stored> {
        let mut f = File::open(path)?;
        self.put_reader(&mut f)
    }

    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<Stored> {
        self.put_reader(&mut &bytes[..])
    }

    /// Streams `reader` into the store.
    pub fn put_reader(&self, reader: &mut impl Read) -> io::Result<Stored> {
        let tmp_dir = self.dir.join(".tmp");
        fs::create_dir_all(&tmp_dir)?;
        let mut tmp = shared_temp_file(&tmp_dir)?;
        let (sha256, size) = copy_hashing(reader, tmp.as_file_mut())?;
        let dest = self.path_of(&sha256);
        if dest.is_file() {
            // Same content already stored; the temporary file is removed on drop.
            return Ok(Stored { sha256, size });
        }
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent)?;
        }
        tmp.persist(&dest).map_err(|e| e.error)?;
        Ok(Stored { sha256, size })
    }

    /// Opens a stored artifact for reading.
    pub fn open(&self, sha256: &str) -> io::Result<File> {
        File::open(self.path_of(sha256))
    }
}

/// Temporary files are private (0600) by default; artifacts are read by every assessor, so
/// ask for 0666 and let the umask decide (0660 with the umask 0007 of a shared workspace).
#[cfg(unix)]
fn shared_temp_file(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
}

#[cfg(not(unix))]
fn shared_temp_file(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::NamedTempFile::new_in(dir)
}

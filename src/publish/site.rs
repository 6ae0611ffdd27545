//! Writing the site folder: a file is written only when its content changed, so publishing
//! again rewrites nothing, and a web server's caches and an `rsync` stay quiet.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};

/// What a publish did to the folder.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub struct Site {
    root: PathBuf,
    pub counts: Counts,
}

impl Site {
    pub fn new(root: &Path) -> Result<Site> {
        std::fs::create_dir_all(root)
            .with_context(|| format!("cannot create {}", root.display()))?;
        Ok(Site {
            root: root.to_path_buf(),
            counts: Counts::default(),
        })
    }

    /// The file at `rel` (a relative path of plain names, `/`-separated).
    pub fn path(&self, rel: &str) -> Result<PathBuf> {
        let p = Path::new(rel);
        if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
            bail!("`{rel}` is not a path inside the site");
        }
        Ok(self.root.join(p))
    }

    /// Writes `bytes` at `rel` unless it already holds them, and counts it.
    pub fn write(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        if self.put(rel, bytes)? {
            self.counts.written += 1;
        } else {
            self.counts.unchanged += 1;
        }
        Ok(())
    }

    /// Writes `bytes` at `rel` unless it already holds them; says whether it wrote. Takes
    /// `&self`, so that pages are written from several threads (each its own files).
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<bool> {
        let path = self.path(rel)?;
        let old = std::fs::read(&path).ok();
        if old.as_deref() == Some(bytes) {
            return Ok(false);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        if old.is_some() {
            // Replace by writing then renaming, so that a reader never sees half a file.
            let tmp = path.with_extension("merit-tmp");
            std::fs::write(&tmp, bytes)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path)?;
        } else {
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(true)
    }

    /// Removes the folder `rel` if it exists.
    pub fn remove_dir(&mut self, rel: &str) -> Result<()> {
        let path = self.path(rel)?;
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
            self.counts.removed += 1;
        }
        Ok(())
    }

    /// The names of the folders under `rel`.
    pub fn dirs(&self, rel: &str) -> Result<Vec<String>> {
        let path = self.path(rel)?;
        let Ok(entries) = std::fs::read_dir(&path) else {
            return Ok(Vec::new());
        };
        Ok(entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .collect())
    }

    pub fn read(&self, rel: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(rel).ok()?).ok()
    }
}

//! Keeping intake inside its source: no `..`, no absolute paths, no links that lead out.

use std::path::{Component, Path, PathBuf};

/// Resolves `rel` (as written in a manifest) under `root` (canonical), refusing anything that
/// would leave it. Returns the canonical path of an existing file.
pub fn resolve_inside(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let p = Path::new(rel);
    if p.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') {
        return Err(format!(
            "`{rel}` is an absolute path; write it relative to the manifest's folder"
        ));
    }
    if p.components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Err(format!(
            "`{rel}` contains `..`; paths must stay inside the manifest's folder"
        ));
    }
    let joined = root.join(p);
    let canonical = joined.canonicalize().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("`{rel}` does not exist"),
        _ => format!("`{rel}` cannot be read: {e}"),
    })?;
    check_inside(root, &canonical, rel)?;
    Ok(canonical)
}

/// Refuses `canonical` unless it is under `root` (both canonical).
pub fn check_inside(root: &Path, canonical: &Path, shown: &str) -> Result<(), String> {
    if canonical.starts_with(root) {
        Ok(())
    } else {
        Err(format!(
            "`{shown}` leads outside the source (to {}) through a symbolic link; refused",
            canonical.display()
        ))
    }
}

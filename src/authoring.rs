//! Saving rubrics edited in the workbench: only valid text, never over someone else's newer
//! version, written back to the rubric's file atomically, with recovery copies of unsaved work.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::Result;

use crate::rubric::{self, Problem, Span};
use crate::store::{RubricImport, RubricVersion, Store};

#[derive(Debug)]
pub enum SaveOutcome {
    /// A new version (or, when the text means the same as an older version, that version) is
    /// current. `file` says what happened to the rubric's file, if it has one.
    Saved {
        version: RubricVersion,
        file: Option<Result<PathBuf, String>>,
        /// Submissions not yet scored that still point at an older version.
        unscored: usize,
    },
    /// Nothing to save: the text means the same as the current version.
    Unchanged(RubricVersion),
    /// The text has problems; nothing was saved.
    Invalid(Vec<Problem>),
    /// Someone saved a newer version since this edit began; nothing was saved.
    Conflict {
        current: RubricVersion,
        current_source: String,
    },
}

/// Saves `text` as the next version of `rubric_id`, if it is valid and the current version is
/// still `base_hash` (the one the edit started from).
pub fn save(
    store: &mut Store,
    rubric_id: &str,
    text: &str,
    base_hash: &str,
    actor: &str,
    note: &str,
) -> Result<SaveOutcome> {
    let mut r = match rubric::parse(text.as_bytes()) {
        Ok(r) => r,
        Err(problems) => return Ok(SaveOutcome::Invalid(problems)),
    };
    // The picture is read again from beside the rubric's file when there is one, else the
    // current version's is kept.
    let current = store.current_rubric(rubric_id)?;
    let previous = match &current {
        Some(c) => store.rubric_image(&c.hash)?,
        None => None,
    };
    let folder = current
        .as_ref()
        .and_then(|c| c.source_path.as_deref())
        .and_then(|p| Path::new(p).parent().map(Path::to_path_buf))
        .filter(|f| f.is_dir());
    if let Err(p) =
        rubric::image::attach(&mut r, folder.as_deref(), previous.as_ref()).or_else(|e| {
            match previous.is_some() {
                true => rubric::image::attach(&mut r, None, previous.as_ref()),
                false => Err(e),
            }
        })
    {
        return Ok(SaveOutcome::Invalid(vec![p]));
    }
    if r.id.value != rubric_id {
        return Ok(SaveOutcome::Invalid(vec![
            Problem::new(
                r.id.span,
                format!("the id cannot change here (this is rubric `{rubric_id}`)"),
            )
            .with_hint("to start a new rubric from this one, save the YAML to a file and `merit rubric import` it"),
        ]));
    }
    if let Some(cur) = &current {
        if cur.hash == rubric::version_hash(&r) {
            return Ok(SaveOutcome::Unchanged(cur.clone()));
        }
        if cur.hash != base_hash {
            let current_source = store.rubric_source(&cur.hash)?.unwrap_or_default();
            return Ok(SaveOutcome::Conflict {
                current: cur.clone(),
                current_source,
            });
        }
    }
    let file = current.as_ref().and_then(|c| c.source_path.clone());
    let version = match store.import_rubric_noted(&r, text, file.as_deref(), actor, note)? {
        RubricImport::New(v) | RubricImport::Unchanged(v) | RubricImport::Reverted(v) => v,
    };
    let file = file.map(|p| {
        let path = PathBuf::from(&p);
        write_back(&path, text)
            .map(|()| path)
            .map_err(|e| format!("{p}: {e}"))
    });
    let unscored = store.count_unscored(rubric_id, &version.hash)?;
    Ok(SaveOutcome::Saved {
        version,
        file,
        unscored,
    })
}

/// Replaces the file at `path` with `text` atomically (a temporary file in the same folder,
/// then a rename), keeping the file's permissions.
pub fn write_back(path: &Path, text: &str) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let perms = fs::metadata(path).map(|m| m.permissions()).ok();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if let Some(p) = perms {
        fs::set_permissions(tmp.path(), p)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where the unsaved edit of `rubric_id` by `user` is kept.
pub fn recovery_path(root: &Path, rubric_id: &str, user: &str) -> PathBuf {
    let safe: String = user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    root.join("recovery")
        .join(format!("{rubric_id}.{safe}.yaml"))
}

pub fn write_recovery(root: &Path, rubric_id: &str, user: &str, text: &str) -> io::Result<()> {
    let path = recovery_path(root, rubric_id, user);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    write_back(&path, text)
}

/// The recovery copy and when it was written, if there is one.
pub fn read_recovery(root: &Path, rubric_id: &str, user: &str) -> Option<(String, SystemTime)> {
    let path = recovery_path(root, rubric_id, user);
    let text = fs::read_to_string(&path).ok()?;
    let when = fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    Some((text, when))
}

pub fn remove_recovery(root: &Path, rubric_id: &str, user: &str) {
    let _ = fs::remove_file(recovery_path(root, rubric_id, user));
}

/// A problem with no particular place (for messages about the whole file).
pub fn problem(message: impl Into<String>) -> Problem {
    Problem::new(Span::new(1, 1), message)
}

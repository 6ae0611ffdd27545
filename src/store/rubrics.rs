//! Rubric versions: immutable, identified by the SHA-256 of their canonical content.

use super::db::{OptionalExtension, Row, params};
use anyhow::{Context, Result, anyhow};
use serde::Serialize;

use super::{Store, audit, now};
use crate::rubric::{self, Rubric};

#[derive(Clone, Debug, Serialize)]
pub struct RubricVersion {
    pub hash: String,
    pub rubric_id: String,
    pub version: i64,
    pub title: String,
    pub source_path: Option<String>,
    pub created_at: i64,
    pub created_by: String,
}

/// What importing a rubric did.
#[derive(Clone, Debug)]
pub enum RubricImport {
    /// A new version was stored and is now current.
    New(RubricVersion),
    /// The content is the current version already.
    Unchanged(RubricVersion),
    /// The content matches an older version, which is current again.
    Reverted(RubricVersion),
}

const COLUMNS: &str = "hash, rubric_id, version, title, source_path, created_at, created_by";

fn from_row(r: &Row<'_>) -> super::db::Result<RubricVersion> {
    Ok(RubricVersion {
        hash: r.get(0)?,
        rubric_id: r.get(1)?,
        version: r.get(2)?,
        title: r.get(3)?,
        source_path: r.get(4)?,
        created_at: r.get(5)?,
        created_by: r.get(6)?,
    })
}

/// Makes `hash` the current version of rubric `id`.
fn set_current(tx: &super::db::Transaction<'_>, id: &str, hash: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO rubrics (id, current_hash) VALUES (?1, ?2)
         ON CONFLICT (id) DO UPDATE SET current_hash = excluded.current_hash",
        params![id, hash],
    )?;
    Ok(())
}

impl Store {
    /// Stores `rubric` (already validated; `source` is its YAML) as a new version when its
    /// content differs from the current one.
    pub fn import_rubric(
        &mut self,
        rubric: &Rubric,
        source: &str,
        source_path: Option<&str>,
        actor: &str,
    ) -> Result<RubricImport> {
        self.import_rubric_noted(rubric, source, source_path, actor, "")
    }

    /// [`Store::import_rubric`] with a note of what changed, kept with a new version.
    pub fn import_rubric_noted(
        &mut self,
        rubric: &Rubric,
        source: &str,
        source_path: Option<&str>,
        actor: &str,
        note: &str,
    ) -> Result<RubricImport> {
        self.authorize(actor, crate::access::Action::ImportRubric)?;
        let hash = rubric::version_hash(rubric);
        let id = rubric.id.value.as_str();
        let tx = self.write()?;
        let current: Option<String> = tx
            .query_row(
                "SELECT current_hash FROM rubrics WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        let existing = tx
            .query_row(
                &format!("SELECT {COLUMNS} FROM rubric_versions WHERE hash = ?1"),
                [&hash],
                from_row,
            )
            .optional()?;
        let result = match existing {
            Some(v) if current.as_deref() == Some(hash.as_str()) => RubricImport::Unchanged(v),
            Some(v) => {
                set_current(&tx, id, &hash)?;
                audit::append(
                    &tx,
                    actor,
                    "rubric.revert",
                    id,
                    &format!("version {} ({hash}) is current again", v.version),
                )?;
                RubricImport::Reverted(v)
            }
            None => {
                let version: i64 = tx.query_row(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM rubric_versions WHERE rubric_id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                let v = RubricVersion {
                    hash: hash.clone(),
                    rubric_id: id.to_string(),
                    version,
                    title: rubric.title.value.clone(),
                    source_path: source_path.map(str::to_string),
                    created_at: now(),
                    created_by: actor.to_string(),
                };
                tx.execute(
                    &format!(
                        "INSERT INTO rubric_versions ({COLUMNS}, source, canonical)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                    ),
                    params![
                        v.hash,
                        v.rubric_id,
                        v.version,
                        v.title,
                        v.source_path,
                        v.created_at,
                        v.created_by,
                        source,
                        rubric::canonical_json(rubric)
                    ],
                )?;
                let note = crate::sanitize::line(note.trim());
                if !note.is_empty() {
                    tx.execute(
                        "INSERT INTO rubric_notes (version_hash, note) VALUES (?1, ?2)",
                        params![v.hash, note.chars().take(500).collect::<String>()],
                    )?;
                }
                if let Some(img) = &rubric.achievement.image_file {
                    tx.execute(
                        "INSERT INTO rubric_images (version_hash, media_type, sha256, bytes)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![v.hash, img.media_type, img.sha256, img.bytes.as_slice()],
                    )?;
                }
                set_current(&tx, id, &hash)?;
                audit::append(
                    &tx,
                    actor,
                    "rubric.import",
                    id,
                    &format!("version {version} ({hash})"),
                )?;
                RubricImport::New(v)
            }
        };
        tx.commit()?;
        Ok(result)
    }

    /// The version new submissions of this rubric are made against.
    pub fn current_rubric(&self, rubric_id: &str) -> Result<Option<RubricVersion>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM rubric_versions
                     WHERE hash = (SELECT current_hash FROM rubrics WHERE id = ?1)"
                ),
                [rubric_id],
                from_row,
            )
            .optional()?)
    }

    /// Every version of a rubric, oldest first.
    pub fn rubric_versions(&self, rubric_id: &str) -> Result<Vec<RubricVersion>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM rubric_versions WHERE rubric_id = ?1 ORDER BY version"
        ))?;
        let rows = stmt.query_map([rubric_id], from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The version whose hash starts with `prefix` (at least 6 hex digits), if exactly one does.
    pub fn rubric_version_by_prefix(&self, prefix: &str) -> Result<Option<RubricVersion>> {
        if prefix.len() < 6 || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM rubric_versions WHERE hash LIKE ?1 || '%' LIMIT 2"
        ))?;
        let rows: Vec<RubricVersion> = stmt
            .query_map([prefix.to_ascii_lowercase()], from_row)?
            .collect::<Result<_, _>>()?;
        Ok(if rows.len() == 1 {
            rows.into_iter().next()
        } else {
            None
        })
    }

    /// Ids of every rubric in the workspace.
    pub fn rubric_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT id FROM rubrics ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The YAML source of a version.
    pub fn rubric_source(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT source FROM rubric_versions WHERE hash = ?1",
                [hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Loads and parses a stored version.
    pub fn load_rubric(&self, hash: &str) -> Result<Rubric> {
        let source = self
            .rubric_source(hash)?
            .ok_or_else(|| anyhow!("no rubric version {hash} in this workspace"))?;
        let mut r = rubric::parse(source.as_bytes())
            .map_err(|ps| anyhow!("stored rubric {hash} no longer parses: {}", ps[0]))
            .context("the workspace may have been edited by hand")?;
        r.achievement.image_file = self.rubric_image(hash)?;
        Ok(r)
    }

    /// The note saved with rubric version `hash`, if any.
    pub fn rubric_note(&self, hash: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT note FROM rubric_notes WHERE version_hash = ?1",
                [hash],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The picture stored with rubric version `hash`, if its `image` named a file.
    pub fn rubric_image(&self, hash: &str) -> Result<Option<rubric::ImageFile>> {
        Ok(self
            .conn
            .query_row(
                "SELECT media_type, sha256, bytes FROM rubric_images WHERE version_hash = ?1",
                [hash],
                |r| {
                    Ok(rubric::ImageFile {
                        media_type: r.get(0)?,
                        sha256: r.get(1)?,
                        bytes: std::sync::Arc::new(r.get(2)?),
                    })
                },
            )
            .optional()?)
    }

    /// The picture of version `version` of rubric `rubric_id`, if it has its own.
    pub fn rubric_image_of(
        &self,
        rubric_id: &str,
        version: i64,
    ) -> Result<Option<rubric::ImageFile>> {
        let hash: Option<String> = self
            .conn
            .query_row(
                "SELECT hash FROM rubric_versions WHERE rubric_id = ?1 AND version = ?2",
                params![rubric_id, version],
                |r| r.get(0),
            )
            .optional()?;
        match hash {
            Some(h) => self.rubric_image(&h),
            None => Ok(None),
        }
    }
}

/// A version with how much work points at it.
#[derive(Clone, Debug, Serialize)]
pub struct VersionUse {
    pub version: RubricVersion,
    pub submissions: i64,
    pub assessments: i64,
}

/// A rubric, its versions (oldest first) and which one is current.
#[derive(Clone, Debug, Serialize)]
pub struct RubricOverview {
    pub id: String,
    pub current: String,
    pub versions: Vec<VersionUse>,
}

/// How long an editor counts as present without a sign of life.
pub const EDIT_PRESENCE_SECS: i64 = 10 * 60;

impl Store {
    /// Every rubric with its versions and the submissions and submitted assessments of each.
    pub fn rubric_overview(&self) -> Result<Vec<RubricOverview>> {
        let mut out = Vec::new();
        for id in self.rubric_ids()? {
            let current = self
                .current_rubric(&id)?
                .map(|v| v.hash)
                .unwrap_or_default();
            let mut versions = Vec::new();
            for v in self.rubric_versions(&id)? {
                let (submissions, assessments): (i64, i64) = self.conn.query_row(
                    "SELECT COUNT(*),
                        (SELECT COUNT(*) FROM assessments a JOIN submissions s2 ON s2.id = a.submission_id
                         WHERE s2.rubric_hash = ?1 AND a.state = 'submitted')
                     FROM submissions WHERE rubric_hash = ?1",
                    [&v.hash],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                versions.push(VersionUse {
                    version: v,
                    submissions,
                    assessments,
                });
            }
            out.push(RubricOverview {
                id,
                current,
                versions,
            });
        }
        Ok(out)
    }

    /// Moves the submissions of `rubric_id` that nobody has assessed yet to version `hash`.
    /// Scored work keeps the version it was scored on. Returns how many moved.
    pub fn move_unscored(&mut self, rubric_id: &str, hash: &str, actor: &str) -> Result<usize> {
        self.authorize(actor, crate::access::Action::EditRubric)?;
        let tx = self.write()?;
        let moved = tx.execute(
            "UPDATE submissions SET rubric_hash = ?2
             WHERE status = 'new' AND rubric_hash != ?2
               AND rubric_hash IN (SELECT hash FROM rubric_versions WHERE rubric_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM assessments a
                               WHERE a.submission_id = submissions.id AND a.state = 'submitted')",
            params![rubric_id, hash],
        )?;
        if moved > 0 {
            audit::append(
                &tx,
                actor,
                "rubric.move-unscored",
                rubric_id,
                &format!("{moved} submissions to {hash}"),
            )?;
        }
        tx.commit()?;
        Ok(moved)
    }

    /// Records that `editor` is editing `rubric_id` from `base_hash`; returns the other
    /// editors seen recently.
    pub fn touch_rubric_edit(
        &mut self,
        rubric_id: &str,
        editor: &str,
        base_hash: &str,
    ) -> Result<Vec<String>> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO rubric_edits (rubric_id, editor, base_hash, seen_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (rubric_id, editor) DO UPDATE SET base_hash = excluded.base_hash, seen_at = excluded.seen_at",
            params![rubric_id, editor, base_hash, now()],
        )?;
        let mut stmt = tx.prepare(
            "SELECT editor FROM rubric_edits WHERE rubric_id = ?1 AND editor != ?2 AND seen_at >= ?3 ORDER BY editor",
        )?;
        let others: Vec<String> = stmt
            .query_map(
                params![rubric_id, editor, now() - EDIT_PRESENCE_SECS],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        tx.commit()?;
        Ok(others)
    }

    /// Submissions of `rubric_id` not yet scored that point at a version other than `hash`.
    pub fn count_unscored(&self, rubric_id: &str, hash: &str) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM submissions
             WHERE status = 'new' AND rubric_hash != ?2
               AND rubric_hash IN (SELECT hash FROM rubric_versions WHERE rubric_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM assessments a
                               WHERE a.submission_id = submissions.id AND a.state = 'submitted')",
            params![rubric_id, hash],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    pub fn end_rubric_edit(&mut self, rubric_id: &str, editor: &str) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "DELETE FROM rubric_edits WHERE rubric_id = ?1 AND editor = ?2",
            params![rubric_id, editor],
        )?;
        tx.commit()?;
        Ok(())
    }
}

//! Rubric versions: immutable, identified by the SHA-256 of their canonical content.

use anyhow::{Context, Result, anyhow};
use rusqlite::{OptionalExtension, Row, params};
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

fn from_row(r: &Row<'_>) -> rusqlite::Result<RubricVersion> {
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
                tx.execute(
                    "INSERT INTO rubrics (id, current_hash) VALUES (?1, ?2)
                     ON CONFLICT (id) DO UPDATE SET current_hash = excluded.current_hash",
                    params![id, hash],
                )?;
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
                tx.execute(
                    "INSERT INTO rubrics (id, current_hash) VALUES (?1, ?2)
                     ON CONFLICT (id) DO UPDATE SET current_hash = excluded.current_hash",
                    params![id, hash],
                )?;
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
        rubric::parse(source.as_bytes())
            .map_err(|ps| anyhow!("stored rubric {hash} no longer parses: {}", ps[0]))
            .context("the workspace may have been edited by hand")
    }
}

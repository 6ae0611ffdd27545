//! Learners, cohorts, submissions and their artifacts.

use super::db::{OptionalExtension, Transaction, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::{Store, audit, now};
use crate::hash::sha256_hex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnerInput {
    /// Stable identifier: the folder name or the manifest's `learner_id`.
    pub key: String,
    pub name: String,
    pub email: Option<String>,
}

/// An artifact as recorded for a submission. Files are already in the artifact store.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArtifactRecord {
    /// Path relative to the learner's folder (with `/`), or the URL.
    pub name: String,
    pub kind: String,
    pub requirement: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub url: Option<String>,
}

impl ArtifactRecord {
    /// Whether it is text that a line diff can compare (prose, code, tables).
    pub fn is_text(&self) -> bool {
        matches!(self.kind.as_str(), "text" | "markdown" | "code" | "csv")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmissionInput {
    pub learner: LearnerInput,
    pub artifacts: Vec<ArtifactRecord>,
    pub route: crate::vocabulary::Route,
}

/// What recording one submission did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordOutcome {
    /// The learner's first submission in this cohort.
    New(i64),
    /// The content changed since the last attempt: a new attempt with this number.
    NewAttempt(i64, i64),
    /// Same content as the latest attempt: nothing written.
    Unchanged,
}

/// Identifies a submission's content: the sorted names and hashes (or URLs) of its artifacts.
pub fn content_hash(artifacts: &[ArtifactRecord]) -> String {
    let mut parts: Vec<(&str, &str)> = artifacts
        .iter()
        .map(|a| {
            let what = a.sha256.as_deref().or(a.url.as_deref()).unwrap_or("");
            (a.name.as_str(), what)
        })
        .collect();
    parts.sort_unstable();
    sha256_hex(serde_json::json!(parts).to_string().as_bytes())
}

/// An artifact record from the columns `name, kind, requirement, sha256, size, url`, starting at
/// column `first`.
pub(super) fn artifact_from(
    r: &super::db::Row<'_>,
    first: usize,
) -> super::db::Result<ArtifactRecord> {
    Ok(ArtifactRecord {
        name: r.get(first)?,
        kind: r.get(first + 1)?,
        requirement: r.get(first + 2)?,
        sha256: r.get(first + 3)?,
        size: r.get::<_, Option<i64>>(first + 4)?.map(|v| v as u64),
        url: r.get(first + 5)?,
    })
}

impl Store {
    /// Creates the cohort when it does not exist. A cohort is assessed against one rubric.
    pub fn ensure_cohort(
        &mut self,
        id: &str,
        name: Option<&str>,
        rubric_id: &str,
        actor: &str,
    ) -> Result<()> {
        self.authorize(actor, crate::access::Action::ImportSubmissions)?;
        let tx = self.write()?;
        let existing: Option<String> = tx
            .query_row("SELECT rubric_id FROM cohorts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        match existing {
            Some(r) if r == rubric_id => {}
            Some(r) => bail!(
                "cohort `{id}` is assessed against rubric `{r}`, not `{rubric_id}`; use --rubric {r} or another cohort id"
            ),
            None => {
                tx.execute(
                    "INSERT INTO cohorts (id, name, rubric_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, name.unwrap_or(id), rubric_id, now()],
                )?;
                audit::append(
                    &tx,
                    actor,
                    "cohort.create",
                    id,
                    &format!("rubric {rubric_id}"),
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records a batch of submissions in one transaction, with its audit entry (an import
    /// killed part way leaves every committed batch with its entry).
    pub fn record_submissions(
        &mut self,
        cohort_id: &str,
        rubric_hash: &str,
        batch: &[SubmissionInput],
        actor: &str,
    ) -> Result<Vec<RecordOutcome>> {
        self.authorize(actor, crate::access::Action::ImportSubmissions)?;
        let tx = self.write()?;
        let mut out = Vec::with_capacity(batch.len());
        let blind: bool = tx.query_row(
            "SELECT blind FROM cohorts WHERE id = ?1",
            [cohort_id],
            |r| r.get(0),
        )?;
        // Learners whose filter text changes: renamed ones, and new work in a blind cohort.
        let mut rewrite = Vec::new();
        for s in batch {
            let (outcome, learner_id, renamed) = record_one(&tx, cohort_id, rubric_hash, s)?;
            if renamed || (blind && !matches!(outcome, RecordOutcome::Unchanged)) {
                rewrite.push(learner_id);
            }
            out.push(outcome);
        }
        super::blind::after_batch(&tx, cohort_id, blind, &rewrite)?;
        let new = out
            .iter()
            .filter(|o| !matches!(o, RecordOutcome::Unchanged))
            .count();
        if new > 0 {
            let learners: Vec<&str> = batch.iter().map(|s| s.learner.key.as_str()).collect();
            audit::append(
                &tx,
                actor,
                "import.batch",
                cohort_id,
                &format!(
                    "{new} submission(s) recorded of {}: {}",
                    batch.len(),
                    learners.join(", ")
                ),
            )?;
        }
        tx.commit()?;
        Ok(out)
    }

    /// (submission id, learner key, attempt, status) of every submission in a cohort.
    pub fn cohort_submissions(&self, cohort_id: &str) -> Result<Vec<(i64, String, i64, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, l.key, s.attempt, s.status FROM submissions s
             JOIN learners l ON l.id = s.learner_id
             WHERE s.cohort_id = ?1 ORDER BY l.key, s.attempt",
        )?;
        let rows = stmt.query_map([cohort_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn submission_artifacts(&self, submission_id: i64) -> Result<Vec<ArtifactRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, kind, requirement, sha256, size, url FROM artifacts
             WHERE submission_id = ?1 ORDER BY name",
        )?;
        let rows = stmt.query_map([submission_id], |r| artifact_from(r, 0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets when a submission arrived (the demo spreads its submissions over past weeks).
    pub fn set_submitted_at(&mut self, submission_id: i64, at: i64) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "UPDATE submissions SET created_at = ?1 WHERE id = ?2",
            params![at, submission_id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The rubric version a submission was made against.
    pub fn submission_rubric(&self, submission_id: i64) -> Result<String> {
        Ok(self.conn.query_row(
            "SELECT rubric_hash FROM submissions WHERE id = ?1",
            [submission_id],
            |r| r.get(0),
        )?)
    }
}

fn record_one(
    tx: &Transaction<'_>,
    cohort_id: &str,
    rubric_hash: &str,
    s: &SubmissionInput,
) -> Result<(RecordOutcome, i64, bool)> {
    let previous_name: Option<String> = tx
        .query_row(
            "SELECT name FROM learners WHERE key = ?1",
            [&s.learner.key],
            |r| r.get(0),
        )
        .optional()?;
    let learner_id: i64 = tx.query_row(
        "INSERT INTO learners (key, name, email) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET name = excluded.name,
             email = COALESCE(excluded.email, learners.email)
         RETURNING id",
        params![s.learner.key, s.learner.name, s.learner.email],
        |r| r.get(0),
    )?;
    let renamed = previous_name.is_some_and(|n| n != s.learner.name);
    let hash = content_hash(&s.artifacts);
    let latest: Option<(i64, i64, String, String)> = tx
        .query_row(
            "SELECT id, attempt, content_hash, status FROM submissions
             WHERE cohort_id = ?1 AND learner_id = ?2 ORDER BY attempt DESC LIMIT 1",
            params![cohort_id, learner_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let attempt = match &latest {
        Some((_, _, h, _)) if *h == hash => {
            return Ok((RecordOutcome::Unchanged, learner_id, renamed));
        }
        Some((id, attempt, _, status)) => {
            if status == "new" {
                // Never assessed: the new attempt replaces it in the queue.
                tx.execute(
                    "UPDATE submissions SET status = 'superseded' WHERE id = ?1",
                    [id],
                )?;
            }
            attempt + 1
        }
        None => 1,
    };
    let rubric_id: String = tx.query_row(
        "SELECT rubric_id FROM cohorts WHERE id = ?1",
        [cohort_id],
        |r| r.get(0),
    )?;
    let search =
        super::blind::search_text(&s.learner.name, &s.learner.key, cohort_id, &rubric_id, None);
    let submission_id: i64 = tx.query_row(
        "INSERT INTO submissions (cohort_id, learner_id, attempt, rubric_hash, content_hash, created_at, search, route)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        params![cohort_id, learner_id, attempt, rubric_hash, hash, now(), search, s.route.as_str()],
        |r| r.get(0),
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO artifacts (submission_id, name, kind, requirement, sha256, size, url)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for a in &s.artifacts {
        stmt.execute(params![
            submission_id,
            a.name,
            a.kind,
            a.requirement,
            a.sha256,
            a.size.map(|v| v as i64),
            a.url
        ])?;
    }
    let outcome = if attempt == 1 {
        RecordOutcome::New(submission_id)
    } else {
        RecordOutcome::NewAttempt(submission_id, attempt)
    };
    Ok((outcome, learner_id, renamed))
}

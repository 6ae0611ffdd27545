//! Awards: signed credentials, stored with the approval that produced them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use super::db::{OptionalExtension, ToValue, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::{ArtifactRecord, Store, audit, now};

/// What a credential is built from.
#[derive(Clone, Debug)]
pub struct AwardSource {
    pub submission_id: i64,
    pub status: String,
    pub learner_name: String,
    pub learner_email: Option<String>,
    pub cohort_id: String,
    pub rubric_hash: String,
    pub artifacts: Vec<ArtifactRecord>,
}

/// Everything a credential is built from, and whether it may be issued.
#[derive(Clone, Debug)]
pub struct IssueSource {
    pub submission_id: i64,
    pub status: String,
    pub learner_name: String,
    pub learner_email: Option<String>,
    pub rubric_hash: String,
    /// It has a credential already.
    pub awarded: bool,
    /// It has a submitted assessment (whose levels are `levels`).
    pub assessed: bool,
    pub levels: BTreeMap<String, String>,
    pub artifacts: Vec<ArtifactRecord>,
    pub route: crate::vocabulary::Route,
}

#[derive(Clone, Debug, Serialize)]
pub struct Award {
    pub submission_id: i64,
    pub credential_id: String,
    pub credential_json: String,
    pub status_index: i64,
    pub issued_at: i64,
    pub issued_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
}

fn award_from(r: &super::db::Row<'_>) -> super::db::Result<Award> {
    Ok(Award {
        submission_id: r.get(0)?,
        credential_id: r.get(1)?,
        credential_json: r.get(2)?,
        status_index: r.get(3)?,
        issued_at: r.get(4)?,
        issued_by: r.get(5)?,
        revoked_at: r.get(6)?,
        revoked_reason: r.get(7)?,
    })
}

const AWARD_COLUMNS: &str = "submission_id, credential_id, credential_json, status_index, issued_at, issued_by, revoked_at, revoked_reason";

/// The first status index never handed out: one counter for credentials and program
/// credentials alike (and past any index either table holds).
const NEXT_STATUS_INDEX: &str =
    "SELECT MAX(v) FROM (SELECT value AS v FROM counters WHERE name = 'status_index'
                         UNION ALL SELECT MAX(status_index) + 1 FROM awards
                         UNION ALL SELECT MAX(status_index) + 1 FROM program_awards
                         UNION ALL SELECT 0) AS t";

/// Reserves `n` status list indexes and returns the first. Indexes are never handed out twice,
/// even to batches signed at the same time by different processes; a batch that dies leaves
/// its indexes unused, which costs nothing.
fn reserve(tx: &super::db::Transaction<'_>, n: i64) -> Result<i64> {
    let first: i64 = tx.query_row(NEXT_STATUS_INDEX, [], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO counters (name, value) VALUES ('status_index', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [first + n],
    )?;
    Ok(first)
}

/// A credential signed for a submission, waiting to be stored.
pub struct SignedAward {
    pub submission_id: i64,
    pub credential_id: String,
    /// The credential as JSON, possibly with shared parts replaced by references to `parts`
    /// (see [`share_parts`]).
    pub credential_json: String,
    pub status_index: i64,
    /// Its `validUntil`, if it has one (RFC 3339).
    pub valid_until: Option<String>,
    /// Shared parts the JSON refers to: (hash, JSON).
    pub parts: Vec<(Arc<str>, Arc<str>)>,
}

/// The key of an object that stands for a shared part of a credential. No credential can
/// contain it: JSON-LD reserves keys that start with `@`, and this is not a JSON-LD keyword.
const PART_REF: &str = "@merit:part";

/// A shared part of credentials (the issuer profile, a rubric's achievement): its canonical
/// hash and its JSON, computed once and reused for every credential that contains it.
#[derive(Clone, Debug)]
pub struct SharedPart {
    pub hash: Arc<str>,
    pub json: Arc<str>,
}

impl SharedPart {
    pub fn new(value: &serde_json::Value) -> SharedPart {
        let json = value.to_string();
        SharedPart {
            hash: crate::hash::sha256_hex(json.as_bytes()).into(),
            json: json.into(),
        }
    }

    /// The object that stands for this part in a stored credential.
    fn reference(&self) -> serde_json::Value {
        serde_json::json!({ PART_REF: &*self.hash })
    }
}

/// Replaces the values at `paths` (each a chain of object keys) by references to their shared
/// part, when the value there is that part. Credentials are stored this way: a rubric's
/// achievement and the issuer's profile are half of every credential, and writing them once
/// halves what an approval writes.
pub fn share_parts(
    credential: &mut serde_json::Value,
    parts: &[(&[&str], &SharedPart, &serde_json::Value)],
) -> Vec<(Arc<str>, Arc<str>)> {
    let mut used = Vec::new();
    for (path, part, value) in parts {
        let Some((last, parents)) = path.split_last() else {
            continue;
        };
        let mut at = Some(&mut *credential);
        for key in parents {
            at = at.and_then(|v| v.get_mut(*key));
        }
        if let Some(obj) = at.and_then(|v| v.as_object_mut())
            && obj.get(*last) == Some(*value)
        {
            obj.insert((*last).to_string(), part.reference());
            used.push((Arc::clone(&part.hash), Arc::clone(&part.json)));
        }
    }
    used
}

impl Store {
    /// Reserves `n` status list indexes for a signing batch; returns the first.
    pub fn reserve_status_indexes(&mut self, n: i64) -> Result<i64> {
        let tx = self.write()?;
        let first = reserve(&tx, n)?;
        tx.commit()?;
        Ok(first)
    }

    /// Stores a batch of signed credentials in one transaction. A submission that got an award
    /// in the meantime (another approval running at the same time) keeps that one: the new
    /// credential is dropped, never stored. Returns which were stored.
    ///
    /// The batch is written in a handful of statements whatever its size (which submissions
    /// may still take a credential, whose are the approver's own, then multi-row inserts):
    /// under the write lock nothing changes between the checks and the writes.
    pub fn insert_awards(&mut self, batch: &[SignedAward], actor: &str) -> Result<Vec<bool>> {
        self.authorize(actor, crate::access::Action::Approve)?;
        let self_approval = super::policies::self_approval_allowed(self)?;
        let tx = self.write()?;
        let t = now();
        let ids: Vec<i64> = batch.iter().map(|a| a.submission_id).collect();
        let list = serde_json::to_string(&ids)?;
        let mut open: HashSet<i64> = HashSet::with_capacity(batch.len());
        tx.for_each(
            "SELECT s.id FROM submissions s
             WHERE s.id IN (SELECT value FROM json_each(?1)) AND s.status = 'scored'
               AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.submission_id = s.id)",
            [&list],
            |r| {
                open.insert(r.get(0)?);
                Ok(())
            },
        )?;
        // Separation of duties, whatever the caller planned: an issuer's own assessment
        // is never approved by them unless the workspace allows it.
        let mut own: HashSet<i64> = HashSet::new();
        tx.for_each(
            "SELECT DISTINCT submission_id FROM assessments
             WHERE submission_id IN (SELECT value FROM json_each(?1))
               AND assessor = ?2 AND state = 'submitted'",
            params![list, actor],
            |r| {
                own.insert(r.get(0)?);
                Ok(())
            },
        )?;
        if !self_approval && let Some(a) = batch.iter().find(|a| own.contains(&a.submission_id)) {
            bail!(
                "{} assessed submission {}, so cannot approve it (separation of duties); \
                 an admin may allow it with `merit policy set self-approval allowed`",
                crate::sanitize::line(actor),
                a.submission_id
            );
        }
        // The first of a submission's credentials in the batch is the one stored.
        let stored: Vec<bool> = batch
            .iter()
            .map(|a| open.remove(&a.submission_id))
            .collect();
        let kept: Vec<&SignedAward> = batch
            .iter()
            .zip(&stored)
            .filter_map(|(a, s)| s.then_some(a))
            .collect();
        // A batch's credentials share a handful of parts: each is written once.
        let mut parts: Vec<&dyn ToValue> = Vec::new();
        let mut parts_written: HashSet<&str> = HashSet::new();
        for a in &kept {
            for (hash, json) in &a.parts {
                if parts_written.insert(&**hash) {
                    parts.extend([hash as &dyn ToValue, json]);
                }
            }
        }
        tx.insert_rows(
            "INSERT INTO credential_parts (hash, json)",
            "ON CONFLICT (hash) DO NOTHING",
            2,
            &parts,
        )?;
        let mut rows: Vec<&dyn ToValue> = Vec::with_capacity(kept.len() * 7);
        for a in &kept {
            rows.extend([
                &a.submission_id as &dyn ToValue,
                &a.credential_id,
                &a.credential_json,
                &a.status_index,
                &t,
                &actor,
                &a.valid_until,
            ]);
        }
        tx.insert_rows(
            "INSERT INTO awards (submission_id, credential_id, credential_json, status_index, issued_at, issued_by, valid_until)",
            "",
            7,
            &rows,
        )?;
        let kept_ids: Vec<i64> = kept.iter().map(|a| a.submission_id).collect();
        tx.execute(
            "UPDATE submissions SET status = 'approved' WHERE id IN (SELECT value FROM json_each(?1))",
            [serde_json::to_string(&kept_ids)?],
        )?;
        let credential_ids: Vec<&str> = kept.iter().map(|a| a.credential_id.as_str()).collect();
        super::pages::create_many(&tx, &credential_ids)?;
        let entries: Vec<(String, String, String)> = kept
            .iter()
            .map(|a| {
                let detail = if own.contains(&a.submission_id) {
                    format!(
                        "{} (self-approved: the approver assessed it)",
                        a.credential_id
                    )
                } else {
                    a.credential_id.clone()
                };
                // What `audit verify` reads back from the row, from the values just written.
                let record = super::records::award_of(
                    a.submission_id,
                    &a.credential_id,
                    &a.credential_json,
                    a.status_index,
                    actor,
                );
                (format!("submission {}", a.submission_id), detail, record)
            })
            .collect();
        audit::append_records(&tx, actor, super::records::AWARD, &entries)?;
        tx.commit()?;
        Ok(stored)
    }

    /// What the credentials for `ids` are built from, read in three queries whatever the
    /// number of ids (issuing reads a batch at a time). Ids that do not exist are left out.
    pub fn issue_sources(&self, ids: &[i64]) -> Result<Vec<IssueSource>> {
        let list = serde_json::to_string(ids)?;
        let mut out: Vec<IssueSource> = Vec::with_capacity(ids.len());
        let mut index: HashMap<i64, usize> = HashMap::with_capacity(ids.len());
        let mut heads = self.conn.prepare_cached(
            "SELECT s.id, s.status, l.name, l.email, s.rubric_hash,
                    EXISTS (SELECT 1 FROM awards w WHERE w.submission_id = s.id), s.route
             FROM submissions s JOIN learners l ON l.id = s.learner_id
             WHERE s.id IN (SELECT value FROM json_each(?1))",
        )?;
        let mut rows = heads.query([&list])?;
        while let Some(r) = rows.next()? {
            index.insert(r.get(0)?, out.len());
            out.push(IssueSource {
                submission_id: r.get(0)?,
                status: r.get(1)?,
                learner_name: r.get(2)?,
                learner_email: r.get(3)?,
                rubric_hash: r.get(4)?,
                awarded: r.get(5)?,
                route: crate::vocabulary::Route::parse(&r.get::<_, String>(6)?).unwrap_or_default(),
                assessed: false,
                levels: BTreeMap::new(),
                artifacts: Vec::new(),
            });
        }
        let mut arts = self.conn.prepare_cached(
            "SELECT submission_id, name, kind, requirement, sha256, size, url FROM artifacts
             WHERE submission_id IN (SELECT value FROM json_each(?1))
             ORDER BY submission_id, name",
        )?;
        let mut rows = arts.query([&list])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i]
                    .artifacts
                    .push(super::submissions::artifact_from(&r, 1)?);
            }
        }
        // The levels of each submission's most recently submitted assessment that meets (after
        // a second marking the lead decided, the one the lead agreed with).
        let mut scores = self.conn.prepare_cached(
            "SELECT a.submission_id, sc.criterion_id, sc.level_id
             FROM assessments a LEFT JOIN assessment_scores sc ON sc.assessment_id = a.id
             WHERE a.submission_id IN (SELECT value FROM json_each(?1))
               AND a.id = (SELECT b.id FROM assessments b
                           WHERE b.submission_id = a.submission_id AND b.state = 'submitted'
                           ORDER BY b.decision IS NOT DISTINCT FROM 'meets' DESC, b.updated_at DESC, b.id DESC
                           LIMIT 1)",
        )?;
        let mut rows = scores.query([&list])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                out[i].assessed = true;
                if let (Some(c), Some(l)) = (r.get::<_, Option<String>>(1)?, r.get(2)?) {
                    out[i].levels.insert(c, l);
                }
            }
        }
        Ok(out)
    }

    pub fn award_source(&self, submission_id: i64) -> Result<AwardSource> {
        let (status, learner_name, learner_email, cohort_id, rubric_hash) = self
            .conn
            .prepare_cached(
                "SELECT s.status, l.name, l.email, s.cohort_id, s.rubric_hash
                 FROM submissions s JOIN learners l ON l.id = s.learner_id WHERE s.id = ?1",
            )?
            .query_row([submission_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?;
        Ok(AwardSource {
            submission_id,
            status,
            learner_name,
            learner_email,
            cohort_id,
            rubric_hash,
            artifacts: self.submission_artifacts(submission_id)?,
        })
    }

    /// Puts shared parts back into a stored credential (rows without references are returned
    /// as they are).
    fn unshare(&self, mut award: Award) -> Result<Award> {
        if !award.credential_json.contains(PART_REF) {
            return Ok(award);
        }
        let mut doc: serde_json::Value = serde_json::from_str(&award.credential_json)?;
        self.splice(&mut doc)?;
        award.credential_json = doc.to_string();
        Ok(award)
    }

    /// A stored credential as a JSON value with its shared parts in place (parsed once: each
    /// part is parsed once per `parts` cache, however many credentials share it). For reading
    /// many credentials, as a pathway approval does.
    pub fn credential_value(
        &self,
        credential_id: &str,
        parts: &mut HashMap<String, serde_json::Value>,
    ) -> Result<Option<serde_json::Value>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT credential_json FROM awards WHERE credential_id = ?1")?
            .query_row([credential_id], |r| r.get(0))
            .optional()?;
        let Some(json) = json else {
            return Ok(None);
        };
        let mut doc: serde_json::Value = serde_json::from_str(&json)?;
        if json.contains(PART_REF) {
            self.splice_cached(&mut doc, parts)?;
        }
        Ok(Some(doc))
    }

    fn splice_cached(
        &self,
        v: &mut serde_json::Value,
        parts: &mut HashMap<String, serde_json::Value>,
    ) -> Result<()> {
        match v {
            serde_json::Value::Object(obj) => {
                if obj.len() == 1
                    && let Some(serde_json::Value::String(hash)) = obj.get(PART_REF)
                {
                    let hash = hash.clone();
                    if !parts.contains_key(&hash) {
                        let mut one = serde_json::json!({ PART_REF: &hash });
                        self.splice(&mut one)?;
                        parts.insert(hash.clone(), one);
                    }
                    if let Some(part) = parts.get(&hash) {
                        *v = part.clone();
                    }
                    return Ok(());
                }
                for child in obj.values_mut() {
                    self.splice_cached(child, parts)?;
                }
            }
            serde_json::Value::Array(items) => {
                for child in items {
                    self.splice_cached(child, parts)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn splice(&self, v: &mut serde_json::Value) -> Result<()> {
        match v {
            serde_json::Value::Object(obj) => {
                if obj.len() == 1
                    && let Some(serde_json::Value::String(hash)) = obj.get(PART_REF)
                {
                    let json: Option<String> = self
                        .conn
                        .prepare_cached("SELECT json FROM credential_parts WHERE hash = ?1")?
                        .query_row([hash.as_str()], |r| r.get(0))
                        .optional()?;
                    let Some(json) = json else {
                        bail!(
                            "a stored credential refers to a part ({hash}) that is missing from the workspace"
                        );
                    };
                    *v = serde_json::from_str(&json)?;
                    return Ok(());
                }
                for child in obj.values_mut() {
                    self.splice(child)?;
                }
            }
            serde_json::Value::Array(items) => {
                for child in items {
                    self.splice(child)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub fn award(&self, submission_id: i64) -> Result<Option<Award>> {
        self.conn
            .prepare_cached(&format!(
                "SELECT {AWARD_COLUMNS} FROM awards WHERE submission_id = ?1"
            ))?
            .query_row([submission_id], award_from)
            .optional()?
            .map(|a| self.unshare(a))
            .transpose()
    }

    pub fn award_by_credential(&self, credential_id: &str) -> Result<Option<Award>> {
        self.conn
            .query_row(
                &format!("SELECT {AWARD_COLUMNS} FROM awards WHERE credential_id = ?1"),
                [credential_id],
                award_from,
            )
            .optional()?
            .map(|a| self.unshare(a))
            .transpose()
    }

    /// Awards of a cohort, by learner.
    pub fn cohort_awards(&self, cohort_id: &str) -> Result<Vec<Award>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM awards a JOIN submissions s ON s.id = a.submission_id
             WHERE s.cohort_id = ?1 ORDER BY a.submission_id",
            AWARD_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let rows = stmt.query_map([cohort_id], award_from)?;
        let rows: Vec<Award> = rows.collect::<Result<_, _>>()?;
        rows.into_iter().map(|a| self.unshare(a)).collect()
    }

    /// Submissions of a cohort that meet the rubric (scored "meets") and have no award yet.
    pub fn awaiting_award(&self, cohort_id: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id FROM submissions s
             WHERE s.cohort_id = ?1 AND s.status = 'scored'
               AND NOT EXISTS (SELECT 1 FROM awards a WHERE a.submission_id = s.id)
             ORDER BY s.id",
        )?;
        let rows = stmt.query_map([cohort_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes a credential. Returns false when it was revoked already.
    pub fn revoke(&mut self, credential_id: &str, reason: &str, actor: &str) -> Result<bool> {
        self.authorize(actor, crate::access::Action::Revoke)?;
        if reason.trim().is_empty() {
            bail!("say why the credential is revoked: the reason goes into the audit log");
        }
        let tx = self.write()?;
        let t = now();
        let changed = tx.execute(
            "UPDATE awards SET revoked_at = ?1, revoked_reason = ?2 WHERE credential_id = ?3 AND revoked_at IS NULL",
            params![t, reason, credential_id],
        )? + tx.execute(
            "UPDATE program_awards SET revoked_at = ?1, revoked_reason = ?2
             WHERE credential_id = ?3 AND revoked_at IS NULL",
            params![t, reason, credential_id],
        )?;
        if changed == 0 {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM awards WHERE credential_id = ?1)
                     OR EXISTS (SELECT 1 FROM program_awards WHERE credential_id = ?1)",
                [credential_id],
                |r| r.get(0),
            )?;
            if !known {
                bail!("no credential `{credential_id}` was issued from this workspace");
            }
            return Ok(false);
        }
        let record = super::records::revocation(&tx, credential_id)?.unwrap_or_default();
        audit::append_record(
            &tx,
            actor,
            super::records::REVOCATION,
            credential_id,
            reason,
            &record,
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The first status index not yet reserved (how far the status lists are used).
    pub fn next_status_index(&self) -> Result<i64> {
        Ok(self.conn.query_row(NEXT_STATUS_INDEX, [], |r| r.get(0))?)
    }

    /// Status list indexes of revoked credentials.
    pub fn revoked_indexes(&self) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT status_index FROM awards WHERE revoked_at IS NOT NULL
             UNION ALL SELECT status_index FROM program_awards WHERE revoked_at IS NOT NULL
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

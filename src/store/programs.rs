//! Program credentials (a pathway earned) in the workspace: the badges a learner holds now,
//! storing signed program credentials exactly once, and the program credentials whose
//! components were revoked or expired since.

use std::collections::BTreeMap;

use super::db::{OptionalExtension, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::{Store, audit, now};

/// A badge a learner holds now (not revoked, not expired).
#[derive(Clone, Debug, PartialEq)]
pub struct HeldBadge {
    pub rubric_id: String,
    pub issued_at: i64,
    pub credential_id: String,
    pub submission_id: i64,
}

/// A learner and the badges they hold now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Holder {
    pub learner_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub badges: Vec<HeldBadge>,
}

/// A program credential as stored.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgramAward {
    pub pathway_id: String,
    /// The pathway's title, as the version it was issued for says.
    pub pathway_title: String,
    pub pathway_hash: String,
    pub learner: String,
    pub learner_name: String,
    pub learner_email: Option<String>,
    pub credential_id: String,
    pub credential_json: String,
    pub status_index: i64,
    pub valid_until: Option<String>,
    pub issued_at: i64,
    pub issued_by: String,
    pub revoked_at: Option<i64>,
    pub revoked_reason: Option<String>,
    /// Not revoked, not expired, not superseded by a newer one: it counts now.
    pub current: bool,
    /// The component credentials it rests on.
    pub components: Vec<String>,
    /// Components revoked or past their `validUntil` since (the issuer decides whether to
    /// revoke the program credential).
    pub lapsed: Vec<String>,
}

/// A signed program credential waiting to be stored.
pub struct SignedProgram {
    pub pathway_id: String,
    pub pathway_hash: String,
    pub learner_id: i64,
    pub learner: String,
    pub credential_id: String,
    pub credential_json: String,
    pub status_index: i64,
    pub valid_until: Option<String>,
    /// (credential id, submission id) of each component.
    pub components: Vec<(String, i64)>,
}

/// Where a stored program credential came from.
pub enum Stored {
    Issued,
    /// The learner has an unrevoked one already (an earlier run, or another approval now).
    AlreadyHeld,
    /// A component was revoked or expired between planning and storing.
    ComponentLapsed(String),
}

/// SQL: true when the award `w` (an `awards` row) counts now.
const CURRENT: &str = "w.revoked_at IS NULL
    AND COALESCE(w.valid_until, '9999')
        > strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

const PROGRAM_COLUMNS: &str = "p.pathway_id, p.pathway_hash, l.key, l.name, p.credential_id,
    p.credential_json, p.status_index, p.valid_until, p.issued_at, p.issued_by, p.revoked_at,
    p.revoked_reason, v.title,
    p.revoked_at IS NULL AND p.superseded_by IS NULL
        AND COALESCE(p.valid_until, '9999') > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
    l.email";

/// The tables [`PROGRAM_COLUMNS`] come from.
const PROGRAM_FROM: &str = "program_awards p JOIN learners l ON l.id = p.learner_id
    JOIN pathway_versions v ON v.hash = p.pathway_hash";

impl Store {
    /// The badges each learner holds now, by learner key: every learner's, or only
    /// `learner`'s.
    pub fn holders(&self, learner: Option<&str>) -> Result<BTreeMap<String, Holder>> {
        // One learner's badges come by the learner's key and submissions (two statements:
        // `?1 IS NULL OR l.key = ?1` would read every award for one learner).
        let one = "l.key = ?1";
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT l.key, l.id, l.name, l.email, c.rubric_id, w.issued_at, w.credential_id,
                    w.submission_id
             FROM awards w JOIN submissions s ON s.id = w.submission_id
             JOIN learners l ON l.id = s.learner_id JOIN cohorts c ON c.id = s.cohort_id
             WHERE {CURRENT} AND {}
             ORDER BY l.key, w.issued_at, w.id",
            if learner.is_some() { one } else { "?1 IS NULL" }
        ))?;
        let mut out: BTreeMap<String, Holder> = BTreeMap::new();
        let mut rows = stmt.query([learner])?;
        while let Some(r) = rows.next()? {
            let h = out.entry(r.get(0)?).or_default();
            h.learner_id = r.get(1)?;
            h.name = r.get(2)?;
            h.email = r.get(3)?;
            h.badges.push(HeldBadge {
                rubric_id: r.get(4)?,
                issued_at: r.get(5)?,
                credential_id: r.get(6)?,
                submission_id: r.get(7)?,
            });
        }
        Ok(out)
    }

    /// Whether a learner with this key is in the workspace.
    pub fn learner_exists(&self, key: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM learners WHERE key = ?1)",
            [key],
            |r| r.get(0),
        )?)
    }

    /// Whether `who` submitted an assessment of any of these submissions (either marking).
    pub fn assessed_any(&self, submission_ids: &[i64], who: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM assessments WHERE assessor = ?2 AND state = 'submitted'
                 AND submission_id IN (SELECT value FROM json_each(?1)))",
            params![serde_json::to_string(submission_ids)?, who],
            |r| r.get(0),
        )?)
    }

    /// Stores signed program credentials in one transaction (issuers). Each learner gets at
    /// most one unrevoked program credential per pathway, whoever else is approving at the
    /// same time; one whose components no longer all count is dropped, never stored.
    pub fn insert_program_awards(
        &mut self,
        batch: &[SignedProgram],
        actor: &str,
    ) -> Result<Vec<Stored>> {
        self.authorize(actor, crate::access::Action::Approve)?;
        let self_approval = super::policies::self_approval_allowed(self)?;
        let tx = self.write()?;
        let t = now();
        let mut out = Vec::with_capacity(batch.len());
        for a in batch {
            // Separation of duties over every component, whatever the caller planned.
            for (cid, sid) in &a.components {
                let own: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM assessments WHERE submission_id = ?1
                             AND assessor = ?2 AND state = 'submitted')",
                    )?
                    .query_row(params![sid, actor], |r| r.get(0))?;
                if own && !self_approval {
                    bail!(
                        "{} assessed a component of {}'s program credential ({cid}), so cannot \
                         approve it (separation of duties); an admin may allow it with \
                         `merit policy set self-approval allowed`",
                        crate::sanitize::line(actor),
                        crate::sanitize::line(&a.learner)
                    );
                }
            }
            // Every component is the learner's own credential.
            for (cid, _) in &a.components {
                let theirs: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS (SELECT 1 FROM awards w JOIN submissions s ON s.id = w.submission_id
                             WHERE w.credential_id = ?1 AND s.learner_id = ?2)",
                    )?
                    .query_row(params![cid, a.learner_id], |r| r.get(0))?;
                if !theirs {
                    bail!(
                        "{cid} is not a credential of {}: a program credential rests only on the \
                         learner's own",
                        crate::sanitize::line(&a.learner)
                    );
                }
            }
            let mut lapsed = None;
            for (cid, _) in &a.components {
                let current: bool = tx
                    .prepare_cached(&format!(
                        "SELECT EXISTS (SELECT 1 FROM awards w WHERE w.credential_id = ?1 AND {CURRENT})"
                    ))?
                    .query_row([cid], |r| r.get(0))?;
                if !current {
                    lapsed = Some(cid.clone());
                    break;
                }
            }
            if let Some(cid) = lapsed {
                out.push(Stored::ComponentLapsed(cid));
                continue;
            }
            // One that expired (its learner renewed the components since) gives way.
            let expired: Option<String> = tx
                .prepare_cached(
                    "SELECT credential_id FROM program_awards
                     WHERE pathway_id = ?1 AND learner_id = ?2 AND revoked_at IS NULL
                       AND superseded_by IS NULL
                       AND COALESCE(valid_until, '9999') <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
                )?
                .query_row(params![a.pathway_id, a.learner_id], |r| r.get(0))
                .optional()?;
            if let Some(old) = &expired {
                tx.prepare_cached(
                    "UPDATE program_awards SET superseded_by = ?1 WHERE credential_id = ?2",
                )?
                .execute(params![a.credential_id, old])?;
            }
            let inserted = tx
                .prepare_cached(
                    "INSERT INTO program_awards (pathway_id, pathway_hash, learner_id, credential_id,
                         credential_json, status_index, valid_until, issued_at, issued_by)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                     WHERE NOT EXISTS (SELECT 1 FROM program_awards
                         WHERE pathway_id = ?1 AND learner_id = ?3 AND revoked_at IS NULL
                           AND superseded_by IS NULL)",
                )?
                .execute(params![
                    a.pathway_id,
                    a.pathway_hash,
                    a.learner_id,
                    a.credential_id,
                    a.credential_json,
                    a.status_index,
                    a.valid_until,
                    t,
                    actor
                ])?
                == 1;
            if !inserted {
                out.push(Stored::AlreadyHeld);
                continue;
            }
            for (cid, _) in &a.components {
                tx.prepare_cached(
                    "INSERT INTO program_components (program_credential_id, component_credential_id)
                     VALUES (?1, ?2)",
                )?
                .execute(params![a.credential_id, cid])?;
            }
            super::pages::create(&tx, &a.credential_id)?;
            let record = super::records::program_award(&tx, &a.credential_id)?.unwrap_or_default();
            audit::append_record(
                &tx,
                actor,
                super::records::PROGRAM_AWARD,
                &a.credential_id,
                &format!(
                    "pathway {} for {} ({} components){}",
                    a.pathway_id,
                    a.learner,
                    a.components.len(),
                    expired.map_or(String::new(), |old| format!("; supersedes {old}, expired"))
                ),
                &record,
            )?;
            out.push(Stored::Issued);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Program credentials: of one pathway, of one learner, or all; each with its
    /// components and those that lapsed since.
    pub fn program_awards(
        &self,
        pathway: Option<&str>,
        learner: Option<&str>,
    ) -> Result<Vec<ProgramAward>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {PROGRAM_COLUMNS} FROM {PROGRAM_FROM}
             WHERE (?1 IS NULL OR p.pathway_id = ?1) AND (?2 IS NULL OR l.key = ?2)
             ORDER BY p.id"
        ))?;
        let rows = stmt.query_map(params![pathway, learner], program_from)?;
        let mut out: Vec<ProgramAward> = rows.collect::<Result<_, _>>()?;
        for p in &mut out {
            self.fill_components(p)?;
        }
        Ok(out)
    }

    /// One program credential by its id.
    pub fn program_award(&self, credential_id: &str) -> Result<Option<ProgramAward>> {
        let found = self
            .conn
            .prepare_cached(&format!(
                "SELECT {PROGRAM_COLUMNS} FROM {PROGRAM_FROM} WHERE p.credential_id = ?1"
            ))?
            .query_row([credential_id], program_from)
            .optional()?;
        let Some(mut p) = found else {
            return Ok(None);
        };
        self.fill_components(&mut p)?;
        Ok(Some(p))
    }

    fn fill_components(&self, p: &mut ProgramAward) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.component_credential_id, {CURRENT}
             FROM program_components c JOIN awards w ON w.credential_id = c.component_credential_id
             WHERE c.program_credential_id = ?1 ORDER BY w.id"
        ))?;
        let rows = stmt.query_map([&p.credential_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?;
        for row in rows {
            let (cid, current) = row?;
            if !current {
                p.lapsed.push(cid.clone());
            }
            p.components.push(cid);
        }
        Ok(())
    }
}

fn program_from(r: &super::db::Row<'_>) -> super::db::Result<ProgramAward> {
    Ok(ProgramAward {
        pathway_id: r.get(0)?,
        pathway_title: r.get(12)?,
        pathway_hash: r.get(1)?,
        learner: r.get(2)?,
        learner_name: r.get(3)?,
        credential_id: r.get(4)?,
        credential_json: r.get(5)?,
        status_index: r.get(6)?,
        valid_until: r.get(7)?,
        issued_at: r.get(8)?,
        issued_by: r.get(9)?,
        revoked_at: r.get(10)?,
        revoked_reason: r.get(11)?,
        current: r.get(13)?,
        learner_email: r.get(14)?,
        components: Vec::new(),
        lapsed: Vec::new(),
    })
}

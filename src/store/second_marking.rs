//! Second marking: a lead sends assessed work to a second, independent assessor. When the two
//! decisions agree, that is the decision; when they differ, the submission waits for a lead,
//! who decides and says why. Work waiting for either is never signed.

use super::db::{Connection, OptionalExtension, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::{Store, audit, now, status_label};
use crate::rubric::Decision;

/// One submission sent to second marking, as a lead sees it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SecondMarking {
    pub submission_id: i64,
    pub learner_name: String,
    pub cohort_id: String,
    pub attempt: i64,
    pub status: String,
    pub requested_by: String,
    /// Each submitted assessment: assessor, decision, weighted total; first assessed first.
    pub assessments: Vec<(String, String, Option<f64>)>,
    /// The lead's decision when the assessors disagreed: who, decision, why.
    pub resolution: Option<(String, String, String)>,
}

impl SecondMarking {
    /// Where it stands, in words.
    pub fn state(&self) -> &'static str {
        if self.resolution.is_some() {
            "decided by a lead"
        } else if self.assessments.len() < 2 {
            "waiting for a second assessor"
        } else if self.disagree() {
            "assessors disagree: a lead decides"
        } else {
            "assessors agree"
        }
    }

    pub fn disagree(&self) -> bool {
        self.assessments
            .iter()
            .any(|a| Some(&a.1) != self.assessments.first().map(|f| &f.1))
    }
}

/// The submitted assessments of a submission: (assessor, decision, weighted total), oldest
/// first.
pub(super) fn submitted(conn: &Connection, id: i64) -> Result<Vec<(String, String, Option<f64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT assessor, decision, weighted_total FROM assessments
         WHERE submission_id = ?1 AND state = 'submitted' ORDER BY submitted_at, id",
    )?;
    let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Why `assessor` cannot give submission `id` its second marking, if they cannot; it reads
/// after "the submission is".
pub(super) fn refuse_second(tx: &Connection, id: i64, assessor: &str) -> Result<Option<String>> {
    let done = submitted(tx, id)?;
    Ok(if done.iter().any(|(a, _, _)| a == assessor) {
        Some("waiting for another assessor: you assessed it first".to_string())
    } else if done.len() >= 2 {
        Some("waiting for a lead: its two assessors disagree".to_string())
    } else {
        None
    })
}

impl Store {
    /// Sends an assessed submission (scored or not yet, without a credential) to second
    /// marking by another assessor.
    pub fn request_second_marking(&mut self, id: i64, lead: &str) -> Result<()> {
        self.authorize(lead, crate::access::Action::RequestSecondMarking)?;
        let tx = self.write()?;
        let head: Option<(String, bool, bool)> = tx
            .query_row(
                "SELECT s.status,
                        EXISTS (SELECT 1 FROM awards w WHERE w.submission_id = s.id),
                        EXISTS (SELECT 1 FROM second_markings m WHERE m.submission_id = s.id)
                 FROM submissions s WHERE s.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((status, awarded, before)) = head else {
            bail!(
                "there is no submission {id} (`merit second-mark list --candidates --cohort C` shows the ones that can be sent)"
            );
        };
        if awarded {
            bail!("submission {id} has a credential already; revoke it first if it was wrong");
        }
        if before {
            bail!("submission {id} has been sent to second marking before");
        }
        if !matches!(status.as_str(), "scored" | "not_yet") {
            bail!(
                "submission {id} is {}; only assessed work (scored or not yet) can be second-marked",
                status_label(&status)
            );
        }
        let first = submitted(&tx, id)?;
        tx.execute(
            "UPDATE submissions SET status = 'second_marking', claimed_by = NULL, claimed_at = NULL
             WHERE id = ?1",
            [id],
        )?;
        tx.execute(
            "INSERT INTO second_markings (submission_id, requested_by, requested_at)
             VALUES (?1, ?2, ?3)",
            params![id, lead, now()],
        )?;
        let by: Vec<&str> = first.iter().map(|(a, _, _)| a.as_str()).collect();
        audit::append(
            &tx,
            lead,
            "second_marking.request",
            &format!("submission {id}"),
            &format!("first assessed by {}", by.join(", ")),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Decides a second-marked submission whose assessors disagree. `note` says why; it goes
    /// into the audit log.
    pub fn resolve_second_marking(
        &mut self,
        id: i64,
        lead: &str,
        decision: Decision,
        note: &str,
    ) -> Result<()> {
        self.authorize(lead, crate::access::Action::ResolveDisagreement)?;
        if note.trim().is_empty() {
            bail!("a lead's decision needs its reason, for the audit log: say why");
        }
        let self_approval = super::policies::self_approval_allowed(self)?;
        let tx = self.write()?;
        let status: Option<String> = tx
            .query_row("SELECT status FROM submissions WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(status) = status else {
            bail!("there is no submission {id} (`merit second-mark list` shows ids)");
        };
        let done = submitted(&tx, id)?;
        if status != "second_marking" {
            bail!(
                "submission {id} is {}, not waiting for a lead's decision",
                status_label(&status)
            );
        }
        if done.len() < 2 {
            bail!("submission {id} is still waiting for its second assessor");
        }
        // Separation of duties: a lead never decides between their own assessment and
        // another's (unless the workspace allows self-approval).
        if !self_approval && done.iter().any(|(who, _, _)| who == lead) {
            bail!(
                "{} assessed submission {id}, so another lead decides it (separation of duties)",
                crate::sanitize::line(lead)
            );
        }
        let new_status = match decision {
            Decision::Meets => "scored",
            Decision::NotYet => "not_yet",
        };
        tx.execute(
            "UPDATE submissions SET status = ?1 WHERE id = ?2",
            params![new_status, id],
        )?;
        tx.execute(
            "UPDATE second_markings SET resolved_by = ?1, resolved_at = ?2, decision = ?3, note = ?4
             WHERE submission_id = ?5",
            params![lead, now(), decision.as_str(), note, id],
        )?;
        let views: Vec<String> = done.iter().map(|(a, d, _)| format!("{a}: {d}")).collect();
        let record = super::records::resolution(&tx, id)?.unwrap_or_default();
        audit::append_record(
            &tx,
            lead,
            super::records::RESOLUTION,
            &format!("submission {id}"),
            &format!("{} ({}): {note}", decision.label(), views.join(", ")),
            &record,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A cohort's submissions that can be sent to second marking: assessed (scored or not
    /// yet), without a credential, never second-marked before.
    pub fn second_marking_candidates(&self, cohort: &str) -> Result<Vec<i64>> {
        Ok(self
            .sampling_candidates(cohort)?
            .into_iter()
            .map(|c| c.id)
            .collect())
    }

    /// Every submission ever sent to second marking (of one cohort, if given), oldest first.
    pub fn second_markings(&self, cohort: Option<&str>) -> Result<Vec<SecondMarking>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, l.name, s.cohort_id, s.attempt, s.status, m.requested_by,
                    m.resolved_by, m.decision, m.note
             FROM second_markings m
             JOIN submissions s ON s.id = m.submission_id
             JOIN learners l ON l.id = s.learner_id
             WHERE ?1 IS NULL OR s.cohort_id = ?1
             ORDER BY m.requested_at, s.id",
        )?;
        let rows = stmt.query_map([cohort], |r| {
            let resolved_by: Option<String> = r.get(6)?;
            let decision: Option<String> = r.get(7)?;
            let note: Option<String> = r.get(8)?;
            Ok(SecondMarking {
                submission_id: r.get(0)?,
                learner_name: r.get(1)?,
                cohort_id: r.get(2)?,
                attempt: r.get(3)?,
                status: r.get(4)?,
                requested_by: r.get(5)?,
                assessments: Vec::new(),
                resolution: resolved_by
                    .map(|by| (by, decision.unwrap_or_default(), note.unwrap_or_default())),
            })
        })?;
        let mut out: Vec<SecondMarking> = rows.collect::<Result<_, _>>()?;
        for m in &mut out {
            m.assessments = submitted(&self.conn, m.submission_id)?;
        }
        Ok(out)
    }
}

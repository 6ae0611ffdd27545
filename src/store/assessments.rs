//! Assessments: an assessor's level and comment per criterion, feedback and decision.

use super::db::params;
use anyhow::{Result, bail};

use super::{Store, audit, now};
use crate::rubric::{self, Choices, Decision};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionScore {
    pub criterion: String,
    pub level: Option<String>,
    pub comment: String,
}

#[derive(Clone, Debug)]
pub struct AssessmentInput {
    pub submission_id: i64,
    pub assessor: String,
    pub scores: Vec<CriterionScore>,
    pub overall_feedback: String,
    pub time_spent_secs: i64,
}

impl Store {
    /// Saves (or replaces) the assessor's draft for a submission.
    pub fn save_draft(&mut self, a: &AssessmentInput) -> Result<i64> {
        self.authorize(&a.assessor, crate::access::Action::Score)?;
        self.require_calibrated(&a.assessor, a.submission_id)?;
        let tx = self.write()?;
        let id = upsert(&tx, a, "draft", None, None)?;
        // Working on it keeps the claim alive.
        tx.execute(
            "UPDATE submissions SET claimed_at = ?1 WHERE id = ?2 AND claimed_by = ?3",
            params![now(), a.submission_id, a.assessor],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Submits an assessment: scores it against the submission's own rubric version, refuses
    /// unscored criteria, and moves the submission to "scored" or "not yet". A second marking
    /// that agrees with the first does the same; one that disagrees leaves the submission in
    /// second marking, for a lead to decide.
    pub fn submit_assessment(&mut self, a: &AssessmentInput) -> Result<Decision> {
        self.authorize(&a.assessor, crate::access::Action::Submit)?;
        self.require_calibrated(&a.assessor, a.submission_id)?;
        let rubric_hash = self.submission_rubric(a.submission_id)?;
        let rubric = self.load_rubric(&rubric_hash)?;
        let choices: Choices = a
            .scores
            .iter()
            .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
            .collect();
        let outcome = rubric::score(&rubric, &choices);
        let Some(decision) = outcome.decision else {
            bail!(
                "cannot submit: criteria not scored yet: {}",
                outcome.unscored.join(", ")
            );
        };
        let tx = self.write()?;
        // Only a submission waiting for assessment can be decided, and not from under the
        // feet of someone who holds a live claim on it.
        let (status, holder): (String, Option<String>) = tx.query_row(
            "SELECT status, claimed_by FROM submissions WHERE id = ?1",
            [a.submission_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let second = status == "second_marking";
        if second
            && let Some(why) =
                super::second_marking::refuse_second(&tx, a.submission_id, &a.assessor)?
        {
            bail!("submission {} is {why}", a.submission_id);
        }
        if status != "new" && !second {
            bail!(
                "submission {} is decided already ({}); it cannot be decided again",
                a.submission_id,
                super::status_label(&status)
            );
        }
        if let Some(h) = holder.filter(|h| *h != a.assessor) {
            bail!("submission {} is being assessed by {h}", a.submission_id);
        }
        let first = if second {
            super::second_marking::submitted(&tx, a.submission_id)?
                .into_iter()
                .next()
        } else {
            None
        };
        upsert(&tx, a, "submitted", Some(decision), Some(outcome.total))?;
        let mut status = match decision {
            Decision::Meets => "scored",
            Decision::NotYet => "not_yet",
        };
        let mut detail = format!(
            "{} ({} of {})",
            decision.label(),
            rubric::fmt_num(outcome.total),
            rubric::fmt_num(outcome.max_total)
        );
        if let Some((by, theirs, _)) = &first {
            if theirs.as_str() == decision.as_str() {
                detail.push_str(&format!("; second marking, agrees with {by}"));
            } else {
                status = "second_marking";
                detail.push_str(&format!(
                    "; second marking, disagrees with {by}: a lead decides"
                ));
            }
        }
        tx.execute(
            "UPDATE submissions SET status = ?1, claimed_by = NULL, claimed_at = NULL WHERE id = ?2",
            params![status, a.submission_id],
        )?;
        let record =
            super::records::assessment(&tx, a.submission_id, &a.assessor)?.unwrap_or_default();
        audit::append_record(
            &tx,
            &a.assessor,
            super::records::ASSESSMENT,
            &format!("submission {}", a.submission_id),
            &detail,
            &record,
        )?;
        tx.commit()?;
        Ok(decision)
    }

    /// The assessor's saved scores for a submission (draft or submitted), if any.
    pub fn assessment_scores(
        &self,
        submission_id: i64,
        assessor: &str,
    ) -> Result<Option<(String, Vec<CriterionScore>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.state, s.criterion_id, s.level_id, s.comment FROM assessments a
             LEFT JOIN assessment_scores s ON s.assessment_id = a.id
             WHERE a.submission_id = ?1 AND a.assessor = ?2 ORDER BY s.criterion_id",
        )?;
        let mut rows = stmt.query(params![submission_id, assessor])?;
        let mut state = None;
        let mut scores = Vec::new();
        while let Some(r) = rows.next()? {
            state = Some(r.get::<_, String>(0)?);
            if let Some(criterion) = r.get::<_, Option<String>>(1)? {
                scores.push(CriterionScore {
                    criterion,
                    level: r.get(2)?,
                    comment: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                });
            }
        }
        Ok(state.map(|s| (s, scores)))
    }
}

fn upsert(
    tx: &super::db::Transaction<'_>,
    a: &AssessmentInput,
    state: &str,
    decision: Option<Decision>,
    total: Option<f64>,
) -> Result<i64> {
    let t = now();
    let submitted_at = (state == "submitted").then_some(t);
    let id: i64 = tx.query_row(
        "INSERT INTO assessments (submission_id, assessor, state, decision, overall_feedback,
             weighted_total, time_spent_secs, updated_at, submitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (submission_id, assessor) DO UPDATE SET state = excluded.state,
             decision = excluded.decision, overall_feedback = excluded.overall_feedback,
             weighted_total = excluded.weighted_total, time_spent_secs = excluded.time_spent_secs,
             updated_at = excluded.updated_at, submitted_at = excluded.submitted_at
         RETURNING id",
        params![
            a.submission_id,
            a.assessor,
            state,
            decision.map(Decision::as_str),
            a.overall_feedback,
            total,
            a.time_spent_secs,
            t,
            submitted_at
        ],
        |r| r.get(0),
    )?;
    tx.execute(
        "DELETE FROM assessment_scores WHERE assessment_id = ?1",
        [id],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO assessment_scores (assessment_id, criterion_id, level_id, comment)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for s in &a.scores {
        stmt.execute(params![id, s.criterion, s.level, s.comment])?;
    }
    Ok(id)
}

//! Opening a submission for review: claims, and everything the review screen shows.

use std::path::PathBuf;

use super::db::{OptionalExtension, params};
use anyhow::{Result, anyhow};

use super::{ArtifactRecord, CriterionScore, Store, audit, now};
use crate::rubric::Rubric;

/// An assessment as saved: a draft or a submitted one.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedAssessment {
    pub assessor: String,
    pub state: String,
    pub decision: Option<String>,
    pub scores: Vec<CriterionScore>,
    pub overall_feedback: String,
    pub time_spent_secs: i64,
    /// When it was submitted (seconds since the epoch); None for a draft.
    pub submitted_at: Option<i64>,
}

/// The attempt before the one under review: its decision as it stands and its evidence,
/// so the assessor sees what the learner changed.
#[derive(Clone, Debug)]
pub struct PreviousAttempt {
    pub submission_id: i64,
    pub attempt: i64,
    /// The submitted assessment that stands for its decision, if it was assessed.
    pub assessment: Option<SavedAssessment>,
    pub artifacts: Vec<(ArtifactRecord, Option<PathBuf>)>,
}

/// How an artifact compares with the previous attempt's of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    New,
    Changed,
    Unchanged,
}

impl Change {
    pub fn word(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }
}

impl PreviousAttempt {
    /// How `a` compares with this attempt's artifact of the same name (by content hash).
    pub fn change(&self, a: &ArtifactRecord) -> Change {
        match self.artifacts.iter().find(|(p, _)| p.name == a.name) {
            None => Change::New,
            Some((p, _)) if p.sha256 == a.sha256 && p.url == a.url => Change::Unchanged,
            Some(_) => Change::Changed,
        }
    }

    /// The previous version of `a`, if it changed.
    pub fn before(&self, a: &ArtifactRecord) -> Option<&(ArtifactRecord, Option<PathBuf>)> {
        self.artifacts
            .iter()
            .find(|(p, _)| p.name == a.name && p.sha256 != a.sha256)
    }
}

/// Everything the review screen needs about one submission.
#[derive(Clone, Debug)]
pub struct ReviewData {
    pub submission_id: i64,
    pub learner_name: String,
    pub learner_key: String,
    pub cohort_id: String,
    pub cohort_name: String,
    pub attempt: i64,
    pub status: String,
    pub route: crate::vocabulary::Route,
    pub rubric_version: i64,
    pub rubric: Rubric,
    /// Each artifact with the path of its stored file (None for URLs).
    pub artifacts: Vec<(ArtifactRecord, Option<PathBuf>)>,
    /// The assessor's own draft, or the submitted assessment when read-only.
    pub assessment: Option<SavedAssessment>,
    /// Why the submission cannot be scored now, if it cannot.
    pub read_only: Option<String>,
    /// What the user spent today (local day) on their other assessments, in seconds.
    pub time_today_secs: i64,
    /// Attempt n−1 when this is attempt n > 1.
    pub previous: Option<PreviousAttempt>,
    /// In a blind cohort: the learner's candidate number, and whether this user sees the
    /// number instead of the name (then `learner_name` and `learner_key` are the number).
    pub blind: Option<Blind>,
    /// An exemplar scored for calibration, not live work: never claimed, never a draft.
    pub calibration: Option<super::calibration::CalibrationTask>,
}

/// A submission of a blind cohort, as the review screen shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Blind {
    pub number: String,
    pub masked: bool,
}

impl Store {
    /// Claims a `new` submission for `user` unless someone else holds a live claim, or one
    /// waiting for its second marking when `user` has not assessed it yet. Returns the holder
    /// when it is taken.
    pub fn claim(&mut self, id: i64, user: &str, idle_secs: i64) -> Result<Option<String>> {
        self.authorize(user, crate::access::Action::Claim)?;
        self.require_calibrated(user, id)?;
        let tx = self.write()?;
        let t = now();
        let changed = tx.execute(
            "UPDATE submissions SET claimed_by = ?1, claimed_at = ?2
             WHERE id = ?3
               AND (status = 'new'
                    OR (status = 'second_marking'
                        AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.submission_id = ?3
                                          AND a.state = 'submitted' AND a.assessor = ?1)
                        AND (SELECT COUNT(*) FROM assessments a WHERE a.submission_id = ?3
                               AND a.state = 'submitted') < 2))
               AND (claimed_by IS NULL OR claimed_by = ?1 OR claimed_at < ?4)",
            params![user, t, id, t - idle_secs],
        )?;
        let holder = if changed == 1 {
            None
        } else {
            tx.query_row(
                "SELECT claimed_by FROM submissions WHERE id = ?1",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
        };
        tx.commit()?;
        Ok(holder)
    }

    /// Releases a claim: the holder's own, or with `force` anyone's (which needs the
    /// ReleaseClaim permission, and is audited).
    pub fn release(&mut self, id: i64, user: &str, force: bool) -> Result<bool> {
        let holder: Option<String> = self
            .conn
            .query_row(
                "SELECT claimed_by FROM submissions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let Some(holder) = holder else {
            return Ok(false);
        };
        let others = holder != user;
        if others {
            if !force {
                return Ok(false);
            }
            self.authorize(user, crate::access::Action::ReleaseClaim)?;
        }
        let tx = self.write()?;
        // Only the claim that was read is released (not one taken since).
        let released = tx.execute(
            "UPDATE submissions SET claimed_by = NULL, claimed_at = NULL
             WHERE id = ?1 AND claimed_by = ?2",
            params![id, holder],
        )? == 1;
        if released && others {
            audit::append(
                &tx,
                user,
                "claim.release",
                &format!("submission {id}"),
                &format!("held by {holder}"),
            )?;
        }
        tx.commit()?;
        Ok(released)
    }

    /// Attempt n−1 of the learner in the same cohort, when submission `id` is attempt n > 1.
    pub fn previous_attempt(&self, id: i64) -> Result<Option<PreviousAttempt>> {
        let prev: Option<(i64, i64)> = self
            .conn
            .query_row(
                "SELECT p.id, p.attempt FROM submissions s
                 JOIN submissions p ON p.cohort_id = s.cohort_id AND p.learner_id = s.learner_id
                      AND p.attempt = s.attempt - 1
                 WHERE s.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((pid, attempt)) = prev else {
            return Ok(None);
        };
        let artifacts = self
            .submission_artifacts(pid)?
            .into_iter()
            .map(|a| {
                let path = a.sha256.as_deref().map(|h| self.artifacts().path_of(h));
                (a, path)
            })
            .collect();
        Ok(Some(PreviousAttempt {
            submission_id: pid,
            attempt,
            assessment: self.latest_submitted(pid)?,
            artifacts,
        }))
    }

    /// The assessor's saved assessment (draft or submitted) for a submission.
    pub fn load_assessment(&self, id: i64, assessor: &str) -> Result<Option<SavedAssessment>> {
        self.assessment_where(id, "a.assessor = ?2", assessor)
    }

    /// The submitted assessment that stands for a submission's decision: the latest whose
    /// decision is the submission's (after a second marking, the one the lead agreed with),
    /// else the latest submitted, by anyone.
    pub fn latest_submitted(&self, id: i64) -> Result<Option<SavedAssessment>> {
        self.assessment_where(id, "a.state = 'submitted' AND ?2 = ?2", "")
    }

    fn assessment_where(&self, id: i64, cond: &str, arg: &str) -> Result<Option<SavedAssessment>> {
        let head = self
            .conn
            .prepare_cached(&format!(
                "SELECT a.id, a.assessor, a.state, a.decision, a.overall_feedback, a.time_spent_secs,
                        a.submitted_at
                 FROM assessments a JOIN submissions s ON s.id = a.submission_id
                 WHERE a.submission_id = ?1 AND {cond}
                 ORDER BY {}, a.updated_at DESC, a.id DESC LIMIT 1",
                super::DECIDING_FIRST
            ))?
            .query_row(params![id, arg], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    SavedAssessment {
                        assessor: r.get(1)?,
                        state: r.get(2)?,
                        decision: r.get(3)?,
                        scores: Vec::new(),
                        overall_feedback: r.get(4)?,
                        time_spent_secs: r.get(5)?,
                        submitted_at: r.get(6)?,
                    },
                ))
            })
            .optional()?;
        let Some((aid, mut saved)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT criterion_id, level_id, comment FROM assessment_scores
             WHERE assessment_id = ?1 ORDER BY criterion_id",
        )?;
        let rows = stmt.query_map([aid], |r| {
            Ok(CriterionScore {
                criterion: r.get(0)?,
                level: r.get(1)?,
                comment: r.get(2)?,
            })
        })?;
        saved.scores = rows.collect::<Result<_, _>>()?;
        Ok(Some(saved))
    }

    /// Every submitted assessment of a submission, in the order they were submitted.
    pub fn submitted_assessments(&self, id: i64) -> Result<Vec<SavedAssessment>> {
        let mut out = Vec::new();
        for (assessor, _, _) in super::second_marking::submitted(&self.conn, id)? {
            out.extend(self.load_assessment(id, &assessor)?);
        }
        Ok(out)
    }

    /// A submission's status, if it exists.
    /// The submitted assessments of submission `id` as `viewer` may read them: while it waits
    /// for its second marking only leads see them, so that the second assessor's judgement
    /// stays independent of the first.
    pub fn visible_assessments(&self, viewer: &str, id: i64) -> Result<Vec<SavedAssessment>> {
        if self.is_exemplar(id)? && !self.may(viewer, crate::access::Action::ManageCalibration)? {
            anyhow::bail!(
                "submission {id} is an exemplar for calibration: its marking is the reference, \
                 shown to leads only"
            );
        }
        if self.submission_status(id)?.as_deref() == Some("second_marking")
            && !self.may(viewer, crate::access::Action::ResolveDisagreement)?
        {
            anyhow::bail!(
                "submission {id} waits for an independent second marking: its assessments are \
                 shown to leads until it is decided"
            );
        }
        self.submitted_assessments(id)
    }

    pub fn submission_status(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT status FROM submissions WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// Opens a submission for `user`: claims it when it can be scored, and loads the rubric
    /// version it was made against, its artifacts and the saved assessment.
    pub fn open_review(&mut self, id: i64, user: &str, idle_secs: i64) -> Result<ReviewData> {
        let head = self
            .conn
            .query_row(
                "SELECT l.name, l.key, s.cohort_id, c.name, s.attempt, s.status, s.rubric_hash, v.version,
                        s.route
                 FROM submissions s JOIN learners l ON l.id = s.learner_id
                 JOIN cohorts c ON c.id = s.cohort_id
                 JOIN rubric_versions v ON v.hash = s.rubric_hash
                 WHERE s.id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, i64>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| anyhow!("submission {id} no longer exists"))?;
        let (
            learner_name,
            learner_key,
            cohort_id,
            cohort_name,
            attempt,
            status,
            hash,
            version,
            route,
        ) = head;
        let route = crate::vocabulary::Route::parse(&route).unwrap_or_default();
        let rubric = self.load_rubric(&hash)?;
        let refused = if status == "second_marking" {
            super::second_marking::refuse_second(&self.conn, id, user)?
        } else {
            None
        };
        let read_only = if let Some(why) = refused {
            Some(why)
        } else if (status == "new" || status == "second_marking")
            && !self.may(user, crate::access::Action::Claim)?
        {
            Some(format!(
                "read only: {} is not an assessor of this workspace (an admin grants it with \
                 `merit user add {} --role assessor`)",
                crate::sanitize::line(user),
                crate::sanitize::line(user)
            ))
        } else if (status == "new" || status == "second_marking")
            && let Some(why) = self.calibration_block(user, id)?
        {
            Some(why)
        } else if status == "new" || status == "second_marking" {
            self.claim(id, user, idle_secs)?
                .map(|holder| format!("in progress by {holder}"))
        } else {
            Some(status_label(&status).to_string())
        };
        // An exemplar's marking is the calibration's reference: leads only.
        let hide =
            self.is_exemplar(id)? && !self.may(user, crate::access::Action::ManageCalibration)?;
        let assessment = if read_only.is_none() {
            self.load_assessment(id, user)?
        } else if hide {
            None
        } else {
            self.latest_submitted(id)?
        };
        let read_only = match read_only {
            Some(why) if hide => Some(format!(
                "{why}; an exemplar for calibration, whose marking only leads see"
            )),
            other => other,
        };
        let artifacts: Vec<(ArtifactRecord, Option<PathBuf>)> = self
            .submission_artifacts(id)?
            .into_iter()
            .map(|a| {
                let path = a.sha256.as_deref().map(|h| self.artifacts().path_of(h));
                (a, path)
            })
            .collect();
        let mut previous = self.previous_attempt(id)?;
        let mut artifacts: Vec<(ArtifactRecord, Option<PathBuf>)> = artifacts;
        let mut learner_name = learner_name;
        let mut learner_key = learner_key;
        let blind = match self.mask_for(user, id)? {
            Some(mask) => {
                learner_name = mask.number.clone();
                learner_key = mask.number.clone();
                let names = artifacts.iter_mut().map(|(a, _)| a).chain(
                    previous
                        .iter_mut()
                        .flat_map(|p| p.artifacts.iter_mut().map(|(a, _)| a)),
                );
                for a in names {
                    a.name = mask.apply(&a.name);
                }
                Some(Blind {
                    number: mask.number,
                    masked: true,
                })
            }
            None => self.candidate_number(id)?.map(|number| Blind {
                number,
                masked: false,
            }),
        };
        let since = super::time_spent::start_of_local_day(now());
        let time_today_secs: i64 = self.conn.query_row(
            "SELECT COALESCE(SUM(time_spent_secs), 0) FROM assessments
             WHERE assessor = ?1 AND updated_at >= ?2 AND submission_id != ?3",
            params![user, since, id],
            |r| r.get(0),
        )?;
        Ok(ReviewData {
            submission_id: id,
            learner_name,
            learner_key,
            cohort_id,
            cohort_name,
            attempt,
            status,
            route,
            rubric_version: version,
            rubric,
            artifacts,
            assessment,
            read_only,
            time_today_secs,
            previous,
            blind,
            calibration: None,
        })
    }
}

/// How a status reads to a person (the one vocabulary: [`crate::vocabulary`]).
pub fn status_label(status: &str) -> &str {
    crate::vocabulary::word(status)
}

//! One learner across cohorts and attempts: every attempt with its decision, levels and
//! feedback, every credential, and pathway progress. Blind marking holds here too: a masked
//! viewer sees a blind learner by number and only that cohort's work, and never a blind
//! cohort's work under a learner's name.

use std::collections::HashMap;

use super::db::{OptionalExtension, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::Store;
use crate::rubric::Rubric;

/// Which learner: the one of a submission, or by id.
#[derive(Clone, Debug, PartialEq)]
pub enum LearnerRef {
    Submission(i64),
    Key(String),
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct AttemptRecord {
    pub submission_id: i64,
    pub cohort: String,
    pub rubric: String,
    pub rubric_title: String,
    pub version: i64,
    pub attempt: i64,
    pub status: String,
    pub route: String,
    pub created_at: i64,
    /// (criterion title, level label, comment) of the assessment that stands, if any.
    pub levels: Vec<(String, String, String)>,
    pub decided_by: Option<String>,
    pub feedback: String,
    /// The levels are withheld: the work waits for an independent second marking.
    pub withheld: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CredentialRecord {
    /// The submission it was issued for; 0 for a program credential.
    pub submission_id: i64,
    pub credential_id: String,
    pub rubric_title: String,
    pub issued_at: i64,
    /// issued, revoked or expired.
    pub state: String,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PathwayProgress {
    pub pathway: String,
    pub title: String,
    pub held: usize,
    pub of: usize,
    /// Titles of the rubrics whose badges would complete it (empty when earned).
    pub missing: Vec<String>,
    /// The learner's program credential of it, as a phrase ("program credential issued",
    /// "…revoked", "…flagged: …"); shown to those who see every cohort only.
    pub program: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LearnerRecord {
    /// The learner's name, or their candidate number when the viewer sees them blind.
    pub shown_as: String,
    /// Their id, or the number again.
    pub key: String,
    pub blind: bool,
    pub attempts: Vec<AttemptRecord>,
    pub credentials: Vec<CredentialRecord>,
    pub pathways: Vec<PathwayProgress>,
}

impl Store {
    pub fn learner_record(&mut self, viewer: &str, who: &LearnerRef) -> Result<LearnerRecord> {
        self.authorize(viewer, crate::access::Action::Read)?;
        let masked = self.masked_viewer(viewer)?.is_some();
        // A second marker must not see the first marking: only leads see levels of work
        // that waits for its second assessment.
        let lead = self.may(viewer, crate::access::Action::ResolveDisagreement)?;
        let found: Option<(i64, String, String)> = match who {
            LearnerRef::Submission(id) => self
                .conn
                .query_row(
                    "SELECT l.id, l.key, l.name FROM submissions s
                     JOIN learners l ON l.id = s.learner_id WHERE s.id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?,
            LearnerRef::Key(k) => self
                .conn
                .query_row(
                    "SELECT id, key, name FROM learners WHERE key = ?1",
                    [k],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?,
        };
        let Some((learner_id, key, name)) = found else {
            bail!("no such learner in this workspace");
        };
        // Seen blind: only the cohort the view was opened from, under its number.
        let mask = match who {
            LearnerRef::Submission(id) => self.mask_for(viewer, *id)?,
            LearnerRef::Key(_) => None,
        };
        let blind_cohort: Option<String> = match (&mask, who) {
            (Some(_), LearnerRef::Submission(id)) => Some(self.conn.query_row(
                "SELECT cohort_id FROM submissions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )?),
            _ => None,
        };
        struct Row {
            id: i64,
            cohort: String,
            rubric: String,
            hash: String,
            version: i64,
            attempt: i64,
            status: String,
            route: String,
            created_at: i64,
        }
        let rows: Vec<Row> = {
            let mut stmt = self.conn.prepare(
                "SELECT s.id, s.cohort_id, c.rubric_id, s.rubric_hash, v.version, s.attempt,
                        s.status, s.route, s.created_at
                 FROM submissions s JOIN cohorts c ON c.id = s.cohort_id
                 JOIN rubric_versions v ON v.hash = s.rubric_hash
                 WHERE s.learner_id = ?1
                   AND (?2 IS NULL OR s.cohort_id = ?2)
                   -- Someone masked never sees a blind cohort's work under the name.
                   AND (?2 IS NOT NULL OR ?3 = 0 OR c.blind = 0 OR EXISTS (
                        SELECT 1 FROM reveals r WHERE r.cohort_id = s.cohort_id
                        AND r.learner_id = s.learner_id AND r.assessor = ?4))
                 ORDER BY s.created_at, s.id",
            )?;
            let rows = stmt.query_map(params![learner_id, blind_cohort, masked, viewer], |r| {
                Ok(Row {
                    id: r.get(0)?,
                    cohort: r.get(1)?,
                    rubric: r.get(2)?,
                    hash: r.get(3)?,
                    version: r.get(4)?,
                    attempt: r.get(5)?,
                    status: r.get(6)?,
                    route: r.get(7)?,
                    created_at: r.get(8)?,
                })
            })?;
            rows.collect::<Result<_, _>>()?
        };
        if rows.is_empty() && mask.is_none() && masked {
            bail!("no such learner in this workspace");
        }
        let mut rubrics: HashMap<String, Rubric> = HashMap::new();
        let mut attempts = Vec::new();
        for Row {
            id,
            cohort,
            rubric,
            hash,
            version,
            attempt,
            status,
            route,
            created_at,
        } in rows
        {
            if !rubrics.contains_key(&hash) {
                rubrics.insert(hash.clone(), self.load_rubric(&hash)?);
            }
            let r = &rubrics[&hash];
            let withheld = !lead && (status == "second_marking" || self.is_exemplar(id)?);
            let standing = if withheld {
                None
            } else {
                self.latest_submitted(id)?
            };
            let apply = |t: &str| mask.as_ref().map_or(t.to_string(), |m| m.apply(t));
            let levels = standing.as_ref().map_or(Vec::new(), |a| {
                r.criteria
                    .iter()
                    .filter_map(|c| {
                        let s = a.scores.iter().find(|s| s.criterion == c.id.value)?;
                        let label = s
                            .level
                            .as_deref()
                            .and_then(|l| c.level(l))
                            .map_or("–".to_string(), |(_, l)| l.label.value.clone());
                        Some((c.title.value.clone(), label, apply(&s.comment)))
                    })
                    .collect()
            });
            let feedback = standing
                .as_ref()
                .map_or(String::new(), |a| a.overall_feedback.clone());
            attempts.push(AttemptRecord {
                submission_id: id,
                cohort,
                rubric,
                rubric_title: r.title.value.clone(),
                version,
                attempt,
                status,
                route,
                created_at,
                levels,
                decided_by: standing.map(|a| a.assessor),
                feedback: apply(&feedback),
                withheld,
            });
        }
        let ids: Vec<i64> = attempts.iter().map(|a| a.submission_id).collect();
        let credentials = {
            let mut stmt = self.conn.prepare(
                "SELECT w.submission_id, w.credential_id, w.issued_at,
                        CASE WHEN w.revoked_at IS NOT NULL THEN 'revoked'
                             WHEN COALESCE(w.valid_until, '9999')
                                  <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now') THEN 'expired'
                             ELSE 'issued' END
                 FROM awards w WHERE w.submission_id IN (SELECT value FROM json_each(?1))
                 ORDER BY w.issued_at",
            )?;
            let rows = stmt.query_map([serde_json::to_string(&ids)?], |r| {
                Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (sid, credential_id, issued_at, state) = row?;
                let title = attempts
                    .iter()
                    .find(|a| a.submission_id == sid)
                    .map_or(String::new(), |a| a.rubric_title.clone());
                out.push(CredentialRecord {
                    submission_id: sid,
                    credential_id,
                    rubric_title: title,
                    issued_at,
                    state,
                });
            }
            // Program credentials span cohorts: shown to those who see every cohort only.
            if mask.is_none() && !masked {
                let now = crate::credential::issue::rfc3339(std::time::SystemTime::now());
                for p in self.program_awards(None, Some(&key))? {
                    let expired = p.valid_until.as_deref().is_some_and(|u| u <= now.as_str());
                    out.push(CredentialRecord {
                        submission_id: 0,
                        credential_id: p.credential_id,
                        rubric_title: format!("{} (program)", p.pathway_title),
                        issued_at: p.issued_at,
                        state: if p.revoked_at.is_some() {
                            "revoked"
                        } else if expired {
                            "expired"
                        } else {
                            "issued"
                        }
                        .into(),
                    });
                }
            }
            out
        };
        let pathways = if mask.is_some() {
            Vec::new()
        } else if masked {
            // Only the badges of the work shown count, or progress would hint at badges
            // earned in a blind cohort.
            let mut held = crate::pathway::eval::Held::default();
            for c in credentials.iter().filter(|c| c.state == "issued") {
                if let Some(a) = attempts.iter().find(|a| a.submission_id == c.submission_id) {
                    held.add(&a.rubric, c.issued_at);
                }
            }
            self.progress_of(held)?
        } else {
            let held = self
                .held_badges(Some(&key))?
                .remove(&key)
                .map(|(_, h)| h)
                .unwrap_or_default();
            let mut progress = self.progress_of(held)?;
            // The latest program credential of each pathway.
            for award in self.program_awards(None, Some(&key))? {
                if let Some(p) = progress.iter_mut().find(|p| p.pathway == award.pathway_id) {
                    p.program = Some(match (&award.revoked_at, award.lapsed.len()) {
                        (Some(_), _) => "program credential revoked".to_string(),
                        (None, 0) => "program credential issued".to_string(),
                        (None, n) => format!(
                            "program credential issued, flagged: {n} component(s) revoked or \
                             expired since"
                        ),
                    });
                }
            }
            progress
        };
        Ok(match mask {
            Some(m) => LearnerRecord {
                shown_as: m.number.clone(),
                key: m.number,
                blind: true,
                attempts,
                credentials,
                pathways,
            },
            None => LearnerRecord {
                shown_as: name,
                key,
                blind: false,
                attempts,
                credentials,
                pathways,
            },
        })
    }

    /// Progress on every current pathway from the badges `held`.
    fn progress_of(&self, held: crate::pathway::eval::Held) -> Result<Vec<PathwayProgress>> {
        let titles: HashMap<String, String> = {
            let mut stmt = self.conn.prepare(
                "SELECT r.id, v.title FROM rubrics r JOIN rubric_versions v ON v.hash = r.current_hash",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut out = Vec::new();
        for v in self
            .pathway_versions(None)?
            .into_iter()
            .filter(|v| v.current)
        {
            let (_, p) = self.load_pathway(&v.pathway_id)?;
            let ids = p.requires.rubric_ids();
            let missing = crate::pathway::eval::missing(&p.requires, &held);
            out.push(PathwayProgress {
                pathway: v.pathway_id.clone(),
                title: v.title.clone(),
                held: ids.iter().filter(|r| held.0.contains_key(**r)).count(),
                of: ids.len(),
                missing: missing
                    .iter()
                    .map(|r| titles.get(r).cloned().unwrap_or_else(|| r.clone()))
                    .collect(),
                program: None,
            });
        }
        Ok(out)
    }
}

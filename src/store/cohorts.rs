//! Cohorts: listings with counts, and one row per submission for the issuer's cohort view.

use std::collections::HashMap;

use anyhow::Result;
use serde::Serialize;

use super::Store;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CohortSummary {
    pub id: String,
    pub name: String,
    pub rubric_id: String,
    pub learners: i64,
    /// Attempts, not counting superseded ones (replaced before they were assessed).
    pub submissions: i64,
    pub new: i64,
    pub in_progress: i64,
    /// Decided "meets", not approved yet.
    pub meets: i64,
    pub not_yet: i64,
    pub second_marking: i64,
    pub approved: i64,
    /// Credentials issued (including revoked ones).
    pub issued: i64,
    pub revoked: i64,
    /// Assessors see candidate numbers instead of names.
    pub blind: bool,
}

impl CohortSummary {
    /// Submissions with a decision (meets, approved or not yet).
    pub fn decided(&self) -> i64 {
        self.meets + self.approved + self.not_yet
    }
}

/// Why a submission needs a second look before it is approved.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Flags {
    /// Two submitted assessments reach different decisions, and no lead has decided yet.
    pub assessors_disagree: bool,
    /// A required evidence item of the rubric has no artifact.
    pub evidence_missing: bool,
    /// Claimed, not decided, and the claim has been idle past the limit.
    pub claim_stuck: bool,
    /// Assessed against a rubric version that is no longer the current one.
    pub rubric_outdated: bool,
    /// With `rubric_outdated`: the badge that version signs differs from the current one's
    /// (name, criteria, levels, alignments, picture). A credential always carries the version
    /// the work was assessed against; when only the YAML's comments or layout changed, the
    /// badge is the same.
    pub badge_differs: bool,
    /// Its credential was revoked or has expired, and an unrevoked program credential rests
    /// on it: the issuer decides whether to revoke that too.
    pub program_lapsed: bool,
}

impl Flags {
    pub fn any(&self) -> bool {
        self.assessors_disagree
            || self.evidence_missing
            || self.claim_stuck
            || self.rubric_outdated
            || self.program_lapsed
    }

    /// Short words for the cohort view, in a fixed order.
    pub fn words(&self) -> Vec<&'static str> {
        let mut w = Vec::new();
        if self.assessors_disagree {
            w.push("disagree");
        }
        if self.evidence_missing {
            w.push("evidence missing");
        }
        if self.claim_stuck {
            w.push("claim stuck");
        }
        match (self.rubric_outdated, self.badge_differs) {
            (true, true) => w.push("old rubric: own badge"),
            (true, false) => w.push("old rubric: same badge"),
            _ => {}
        }
        if self.program_lapsed {
            w.push("in a program");
        }
        w
    }
}

/// One submission of a cohort, as the issuer sees it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CohortRow {
    pub submission_id: i64,
    pub learner_name: String,
    pub learner_key: String,
    pub attempt: i64,
    pub status: String,
    /// Who submitted assessments, in the order they did (else who holds the claim), comma
    /// separated.
    pub assessors: String,
    pub total: Option<f64>,
    pub rubric_version: i64,
    pub flags: Flags,
    pub credential_id: Option<String>,
    pub revoked: bool,
}

impl CohortRow {
    /// Meets the rubric, has no credential yet, and nothing needs a second look.
    pub fn can_issue(&self) -> Result<(), &'static str> {
        if self.credential_id.is_some() {
            return Err("already issued");
        }
        match self.status.as_str() {
            "scored" => {}
            "not_yet" => return Err("not yet"),
            "second_marking" if self.flags.assessors_disagree => {
                return Err("assessors disagree: a lead decides");
            }
            "second_marking" => return Err("awaiting second marking"),
            "new" | "in_progress" => return Err("not assessed yet"),
            "approved" => return Err("already approved"),
            _ => return Err("superseded"),
        }
        if self.flags.assessors_disagree {
            return Err("assessors disagree");
        }
        if self.flags.evidence_missing {
            return Err("required evidence missing");
        }
        Ok(())
    }
}

impl Store {
    /// Whether two rubric versions sign different badges: their achievements differ apart
    /// from the version in the ids.
    fn badges_differ(&self, a: &str, b: &str) -> Result<bool> {
        let (ra, rb) = (self.load_rubric(a)?, self.load_rubric(b)?);
        let issuer = crate::credential::build::Issuer {
            did: String::new(),
            verification_method: String::new(),
            name: String::new(),
            url: "https://merit.invalid/".into(),
            email: None,
            embed_images: false,
        };
        let ach = |r: &crate::rubric::Rubric| crate::credential::build::achievement(&issuer, r);
        let picture =
            |r: &crate::rubric::Rubric| r.achievement.image_file.as_ref().map(|f| f.sha256.clone());
        Ok(ach(&ra) != ach(&rb) || picture(&ra) != picture(&rb))
    }

    pub fn cohorts(&self) -> Result<Vec<CohortSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.name, c.rubric_id,
                COUNT(DISTINCT s.learner_id),
                COALESCE(SUM(CASE WHEN s.status <> 'superseded' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'new' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'in_progress' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'scored' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'not_yet' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'second_marking' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN s.status = 'approved' THEN 1 ELSE 0 END), 0),
                COUNT(a.id),
                COUNT(a.revoked_at), c.blind
             FROM cohorts c LEFT JOIN submissions s ON s.cohort_id = c.id
             LEFT JOIN awards a ON a.submission_id = s.id
             GROUP BY c.id ORDER BY c.id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CohortSummary {
                id: r.get(0)?,
                name: r.get(1)?,
                rubric_id: r.get(2)?,
                learners: r.get(3)?,
                submissions: r.get(4)?,
                new: r.get(5)?,
                in_progress: r.get(6)?,
                meets: r.get(7)?,
                not_yet: r.get(8)?,
                second_marking: r.get(9)?,
                approved: r.get(10)?,
                issued: r.get(11)?,
                revoked: r.get(12)?,
                blind: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every submission of a cohort (not superseded ones), by learner and attempt, with the
    /// flags an issuer must see before approving. Claims idle longer than `claim_idle_secs`
    /// as of `now` count as stuck. `masked` is who looks when they see a blind cohort's
    /// learners by number ([`Store::masked_viewer`]).
    pub fn cohort_rows(
        &self,
        cohort_id: &str,
        claim_idle_secs: i64,
        now: i64,
        masked: Option<&str>,
    ) -> Result<Vec<CohortRow>> {
        let mut out = Vec::new();
        self.cohort_rows_as(cohort_id, claim_idle_secs, now, masked, |r| {
            out.push(r);
            Ok(())
        })?;
        Ok(out)
    }

    /// [`Store::cohort_rows`] one row at a time, so that a cohort of any size is never all in
    /// memory at once.
    pub fn for_each_cohort_row(
        &self,
        cohort_id: &str,
        claim_idle_secs: i64,
        now: i64,
        f: impl FnMut(CohortRow) -> Result<()>,
    ) -> Result<()> {
        self.cohort_rows_as(cohort_id, claim_idle_secs, now, None, f)
    }

    fn cohort_rows_as(
        &self,
        cohort_id: &str,
        claim_idle_secs: i64,
        now: i64,
        masked: Option<&str>,
        mut f: impl FnMut(CohortRow) -> Result<()>,
    ) -> Result<()> {
        let name = super::blind::shown_learner_sql("?2", "l.name");
        let key = super::blind::shown_learner_sql("?2", "l.key");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.id, {name}, {key}, s.attempt, s.status, s.rubric_hash, s.claimed_by, s.claimed_at,
                (SELECT group_concat(a.assessor, ', ' ORDER BY a.submitted_at, a.id) FROM assessments a
                   WHERE a.submission_id = s.id AND a.state = 'submitted'),
                CASE WHEN EXISTS (SELECT 1 FROM second_markings m
                                WHERE m.submission_id = s.id AND m.resolved_at IS NOT NULL)
                  THEN 0 ELSE (SELECT COUNT(DISTINCT a.decision) FROM assessments a
                   WHERE a.submission_id = s.id AND a.state = 'submitted') END,
                (SELECT a.weighted_total FROM assessments a
                   WHERE a.submission_id = s.id AND a.state = 'submitted'
                   ORDER BY {}, a.submitted_at DESC, a.id DESC LIMIT 1),
                (SELECT group_concat(q.requirement, ',') FROM
                   (SELECT DISTINCT f.requirement FROM artifacts f
                    WHERE f.submission_id = s.id AND f.requirement IS NOT NULL) AS q),
                v.version, r.current_hash, w.credential_id, w.revoked_at IS NOT NULL,
                w.credential_id IS NOT NULL
                  AND (w.revoked_at IS NOT NULL
                       OR COALESCE(w.valid_until, '9999')
                          <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
                  AND EXISTS (SELECT 1 FROM program_components pc
                              JOIN program_awards p ON p.credential_id = pc.program_credential_id
                              WHERE pc.component_credential_id = w.credential_id
                                AND p.revoked_at IS NULL AND p.superseded_by IS NULL
                                AND COALESCE(p.valid_until, '9999')
                                    > strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             FROM submissions s
             JOIN learners l ON l.id = s.learner_id
             JOIN cohorts c ON c.id = s.cohort_id
             JOIN rubric_versions v ON v.hash = s.rubric_hash
             LEFT JOIN rubrics r ON r.id = v.rubric_id
             LEFT JOIN awards w ON w.submission_id = s.id
             WHERE s.cohort_id = ?1 AND s.status != 'superseded'
             ORDER BY 2, 3, s.attempt",
            super::DECIDING_FIRST
        ))?;
        // Required evidence per rubric version, read once per version.
        let mut required: HashMap<String, Vec<String>> = HashMap::new();
        // Whether a version signs a different badge from the current one, once per pair.
        let mut differs: HashMap<(String, String), bool> = HashMap::new();
        let mut rows = stmt.query(super::db::params![cohort_id, masked])?;
        while let Some(r) = rows.next()? {
            let status: String = r.get(4)?;
            let hash: String = r.get(5)?;
            let claimed_by: Option<String> = r.get(6)?;
            let claimed_at: Option<i64> = r.get(7)?;
            let assessors: Option<String> = r.get(8)?;
            let decisions: i64 = r.get(9)?;
            let answered: Option<String> = r.get(11)?;
            let current: Option<String> = r.get(13)?;
            if !required.contains_key(&hash) {
                let ids = self
                    .load_rubric(&hash)?
                    .evidence
                    .iter()
                    .filter(|e| !e.optional)
                    .map(|e| e.id.value.clone())
                    .collect();
                required.insert(hash.clone(), ids);
            }
            let answered: Vec<&str> = answered.as_deref().unwrap_or("").split(',').collect();
            let evidence_missing = required
                .get(&hash)
                .is_some_and(|ids| ids.iter().any(|id| !answered.contains(&id.as_str())));
            let undecided = matches!(status.as_str(), "new" | "in_progress");
            let flags = Flags {
                assessors_disagree: decisions > 1,
                evidence_missing,
                claim_stuck: undecided
                    && claimed_by.is_some()
                    && claimed_at.is_some_and(|t| t < now - claim_idle_secs),
                rubric_outdated: current.as_deref().is_some_and(|c| c != hash),
                badge_differs: match current.as_deref() {
                    Some(c) if c != hash => {
                        let key = (hash.clone(), c.to_string());
                        match differs.get(&key) {
                            Some(d) => *d,
                            None => {
                                let d = self.badges_differ(&hash, c)?;
                                differs.insert(key, d);
                                d
                            }
                        }
                    }
                    _ => false,
                },
                program_lapsed: r.get(16)?,
            };
            f(CohortRow {
                submission_id: r.get(0)?,
                learner_name: r.get(1)?,
                learner_key: r.get(2)?,
                attempt: r.get(3)?,
                status,
                assessors: assessors.or(claimed_by).unwrap_or_default(),
                total: r.get(10)?,
                rubric_version: r.get(12)?,
                flags,
                credential_id: r.get(14)?,
                revoked: r.get(15)?,
            })?;
        }
        Ok(())
    }
}

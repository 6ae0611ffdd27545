//! Calibration before live work: exemplars a lead chose, assessors' scorings of them (kept
//! apart from learners' assessments: never a result, never signed), each round's outcome,
//! and the gate on claims. The pure parts (key, policy, comparison) are `crate::calibration`.

use std::collections::{BTreeMap, HashSet};

use super::db::{OptionalExtension, params};
use anyhow::{Result, anyhow, bail};
use serde::Serialize;

use super::{ReviewData, Store, audit, now};
use crate::access::Action;
use crate::calibration::{self, Comparison, CriterionComparison, Outcome};
use crate::rubric::{self, Choices, Rubric};

/// A lead's choice of exemplar: a scored submission, the reference level per criterion
/// (those not given are taken from the assessment that stands for its decision) and a note
/// per criterion on why.
#[derive(Clone, Debug, Default)]
pub struct ExemplarInput {
    pub submission_id: i64,
    pub levels: Vec<(String, String)>,
    pub notes: Vec<(String, String)>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Exemplar {
    pub id: i64,
    pub submission_id: i64,
    pub rubric_id: String,
    pub version: i64,
    pub decision: String,
    pub added_by: String,
    pub added_at: i64,
}

/// Where an assessor stands on the calibration a rubric version asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Standing {
    /// Leads score live work without calibrating.
    Exempt,
    /// The version has no exemplars: nothing to calibrate on.
    NoExemplars,
    Passed,
    /// A lead let them through after a round that did not pass.
    Allowed,
    /// The round did not pass; a lead is to decide.
    Failed(String),
    /// Exemplars to score: the next one, and how many of the round are done.
    Due {
        next: i64,
        done: usize,
        total: usize,
    },
}

impl Standing {
    /// Whether live work on the version is open to them.
    pub fn open(&self) -> bool {
        matches!(
            self,
            Standing::Exempt | Standing::NoExemplars | Standing::Passed | Standing::Allowed
        )
    }
}

/// An exemplar as the review screen scores it.
#[derive(Clone, Debug, PartialEq)]
pub struct CalibrationTask {
    pub exemplar_id: i64,
    /// 1-based place in the round, of `total`.
    pub index: usize,
    pub total: usize,
}

/// What scoring one exemplar gave: the comparison, the round's outcome when it was the last,
/// and the next exemplar otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub rubric_id: String,
    pub comparison: Comparison,
    pub outcome: Option<Outcome>,
    pub next: Option<i64>,
}

/// One assessor's calibration on one rubric, for leads.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CalibrationRow {
    pub assessor: String,
    pub rubric_id: String,
    /// passed, failed, allowed, or in progress.
    pub result: String,
    pub round: i64,
    pub exemplars: i64,
    pub levels: i64,
    pub exact: i64,
    pub decisions_same: i64,
    pub at: i64,
}

impl CalibrationRow {
    /// "passed, 8 of 8 levels exact, 2 of 2 decisions the same", "in progress (1 scored)".
    pub fn describe(&self) -> String {
        match self.result.as_str() {
            "in progress" => format!("in progress ({} scored)", self.exemplars),
            "allowed" => "let through by a lead".to_string(),
            r => format!(
                "{}, {} of {} levels exact, {} of {} decisions the same",
                if r == "failed" { "not passed" } else { r },
                self.exact,
                self.levels,
                self.decisions_same,
                self.exemplars
            ),
        }
    }
}

impl Store {
    fn calibration_key_of(&self, rubric_hash: &str) -> Result<(String, Rubric)> {
        let r = self.load_rubric(rubric_hash)?;
        Ok((calibration::key(&r), r))
    }

    /// Makes a scored submission an exemplar of its rubric version (leads).
    pub fn add_exemplar(&mut self, input: &ExemplarInput, actor: &str) -> Result<i64> {
        self.authorize(actor, Action::ManageCalibration)?;
        let id = input.submission_id;
        let Some(status) = self.submission_status(id)? else {
            bail!("no submission {id}");
        };
        let standing = self.latest_submitted(id)?;
        let Some(standing) = standing.filter(|_| status != "new" && status != "in_progress") else {
            bail!(
                "submission {id} is not scored yet: an exemplar is work with a decision \
                 (score it first, then make it an exemplar)"
            );
        };
        let hash = self.submission_rubric(id)?;
        let (key, rubric) = self.calibration_key_of(&hash)?;
        let mut levels: BTreeMap<String, String> = standing
            .scores
            .iter()
            .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
            .collect();
        let mut notes: BTreeMap<String, String> = BTreeMap::new();
        for (c, l) in &input.levels {
            let Some(crit) = rubric.criterion(c) else {
                bail!("{}", unknown_criterion(&rubric, c));
            };
            if crit.level(l).is_none() {
                bail!(
                    "criterion `{c}` has no level `{}`; its levels are {}",
                    crate::sanitize::line(l),
                    crit.levels
                        .iter()
                        .map(|l| l.id.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            levels.insert(c.clone(), l.clone());
        }
        for (c, n) in &input.notes {
            if rubric.criterion(c).is_none() {
                bail!("{}", unknown_criterion(&rubric, c));
            }
            if !n.trim().is_empty() {
                notes.insert(c.clone(), n.trim().to_string());
            }
        }
        let missing: Vec<&str> = rubric
            .criteria
            .iter()
            .map(|c| c.id.value.as_str())
            .filter(|c| !notes.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            bail!(
                "every criterion needs a note on why its reference level is right; missing: {} \
                 (add `--note CRITERION=TEXT` for each)",
                missing.join(", ")
            );
        }
        let choices: Choices = levels.clone().into_iter().collect();
        let Some(decision) = rubric::score(&rubric, &choices).decision else {
            bail!("the reference leaves criteria unscored; give `--level CRITERION=LEVEL`");
        };
        let version = self.version_of(&hash)?;
        let tx = self.write()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM exemplars WHERE submission_id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if exists {
            bail!("submission {id} is an exemplar already");
        }
        let eid: i64 = tx.query_row(
            "INSERT INTO exemplars (calibration_key, rubric_hash, submission_id, decision,
                                    added_by, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![key, hash, id, decision.as_str(), actor, now()],
            |r| r.get(0),
        )?;
        for c in &rubric.criteria {
            let c = &c.id.value;
            tx.execute(
                "INSERT INTO exemplar_levels (exemplar_id, criterion_id, level_id, note)
                 VALUES (?1, ?2, ?3, ?4)",
                params![eid, c, levels.get(c), notes.get(c)],
            )?;
        }
        audit::append(
            &tx,
            actor,
            "exemplar.add",
            &format!("exemplar {eid}"),
            &format!(
                "submission {id} of {} v{}: {}",
                rubric.id.value,
                version,
                decision.as_str()
            ),
        )?;
        tx.commit()?;
        Ok(eid)
    }

    fn version_of(&self, hash: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT version FROM rubric_versions WHERE hash = ?1",
            [hash],
            |r| r.get(0),
        )?)
    }

    /// Takes an exemplar out of calibration (leads); rounds already scored keep it.
    pub fn withdraw_exemplar(&mut self, id: i64, actor: &str) -> Result<()> {
        self.authorize(actor, Action::ManageCalibration)?;
        let tx = self.write()?;
        let n = tx.execute(
            "UPDATE exemplars SET withdrawn_at = ?1 WHERE id = ?2 AND withdrawn_at IS NULL",
            params![now(), id],
        )?;
        if n == 0 {
            bail!("no exemplar {id} in use (`merit calibration exemplars` lists them)");
        }
        audit::append(
            &tx,
            actor,
            "exemplar.withdraw",
            &format!("exemplar {id}"),
            "",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether submission `id` is an exemplar in use (its marking is the reference).
    pub fn is_exemplar(&self, id: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM exemplars WHERE submission_id = ?1
                                AND withdrawn_at IS NULL)",
            )?
            .query_row([id], |r| r.get(0))?)
    }

    /// The exemplars in use, of one rubric or all.
    pub fn exemplars(&self, rubric_id: Option<&str>) -> Result<Vec<Exemplar>> {
        let mut stmt = self.conn.prepare(
            "SELECT e.id, e.submission_id, v.rubric_id, v.version, e.decision, e.added_by, e.added_at
             FROM exemplars e JOIN rubric_versions v ON v.hash = e.rubric_hash
             WHERE e.withdrawn_at IS NULL AND (?1 IS NULL OR v.rubric_id = ?1)
             ORDER BY v.rubric_id, e.id",
        )?;
        let rows = stmt.query_map([rubric_id], |r| {
            Ok(Exemplar {
                id: r.get(0)?,
                submission_id: r.get(1)?,
                rubric_id: r.get(2)?,
                version: r.get(3)?,
                decision: r.get(4)?,
                added_by: r.get(5)?,
                added_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn exemplar_ids(&self, key: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM exemplars WHERE calibration_key = ?1 AND withdrawn_at IS NULL
             ORDER BY id",
        )?;
        let rows = stmt.query_map([key], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The round `user` is in on `key`: one more than the rounds a lead reopened.
    fn round(&self, user: &str, key: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT 1 + COUNT(*) FROM calibrations
             WHERE assessor = ?1 AND calibration_key = ?2 AND result = 'retry'",
            params![user, key],
            |r| r.get(0),
        )?)
    }

    fn standing_on_key(&self, user: &str, key: &str) -> Result<Standing> {
        if self.roles_of(user)?.iter().any(|r| r == "lead") {
            return Ok(Standing::Exempt);
        }
        let ids = self.exemplar_ids(key)?;
        if ids.is_empty() {
            return Ok(Standing::NoExemplars);
        }
        let last: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT result, reason FROM calibrations
                 WHERE assessor = ?1 AND calibration_key = ?2 AND result != 'retry'
                   AND round = (SELECT 1 + COUNT(*) FROM calibrations
                                WHERE assessor = ?1 AND calibration_key = ?2 AND result = 'retry')
                 ORDER BY id DESC LIMIT 1",
                params![user, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let ever: Option<String> = self
            .conn
            .query_row(
                "SELECT result FROM calibrations WHERE assessor = ?1 AND calibration_key = ?2
                   AND result IN ('passed', 'allowed') ORDER BY id DESC LIMIT 1",
                params![user, key],
                |r| r.get(0),
            )
            .optional()?;
        match (ever.as_deref(), last) {
            (Some("passed"), _) => return Ok(Standing::Passed),
            (Some(_), _) => return Ok(Standing::Allowed),
            (None, Some((r, why))) if r == "failed" => return Ok(Standing::Failed(why)),
            _ => {}
        }
        let round = self.round(user, key)?;
        let done: HashSet<i64> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT exemplar_id FROM calibration_scorings
                 WHERE assessor = ?1 AND calibration_key = ?2 AND round = ?3",
            )?;
            let rows = stmt.query_map(params![user, key, round], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let next = ids.iter().copied().find(|i| !done.contains(i));
        Ok(match next {
            Some(next) => Standing::Due {
                next,
                done: ids.iter().filter(|i| done.contains(i)).count(),
                total: ids.len(),
            },
            // Every exemplar in use is scored but the round has no outcome: the exemplar
            // left unscored was withdrawn. The round is judged on what was scored.
            None => {
                let hash: String = self.conn.query_row(
                    "SELECT rubric_hash FROM exemplars WHERE id = ?1",
                    [ids[0]],
                    |r| r.get(0),
                )?;
                let rubric = self.load_rubric(&hash)?;
                let policy = super::policies::calibration_pass(self)?;
                let o = Outcome::of(
                    &round_comparisons(&self.conn, &rubric, user, key, round)?,
                    &policy,
                );
                if o.passed {
                    Standing::Passed
                } else {
                    Standing::Failed(o.summary())
                }
            }
        })
    }

    /// Where `user` stands on the calibration rubric version `rubric_hash` asks for.
    pub fn calibration_standing(&self, user: &str, rubric_hash: &str) -> Result<Standing> {
        let (key, _) = self.calibration_key_of(rubric_hash)?;
        self.standing_on_key(user, &key)
    }

    /// Why `user` may not score submission `id` live yet, if calibration stands in the way.
    pub fn calibration_block(&self, user: &str, id: i64) -> Result<Option<String>> {
        // Most workspaces have no exemplars: no rubric to read on every draft saved.
        let any: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM exemplars WHERE withdrawn_at IS NULL)")?
            .query_row([], |r| r.get(0))?;
        if !any {
            return Ok(None);
        }
        let hash = self.submission_rubric(id)?;
        let (key, rubric) = self.calibration_key_of(&hash)?;
        let who = crate::sanitize::line(user);
        let what = crate::sanitize::line(&rubric.id.value);
        Ok(match self.standing_on_key(user, &key)? {
            s if s.open() => None,
            Standing::Due { done, total, .. } => Some(format!(
                "{who} has not calibrated on {what} yet: score its exemplars first ({done} of \
                 {total} done; the workbench shows them when you open its work)"
            )),
            Standing::Failed(_) => Some(format!(
                "{who}'s calibration on {what} did not pass; a lead can let {who} through \
                 (`merit calibration allow {who} --rubric {what} --reason TEXT`) or open a new \
                 round (`merit calibration retry {who} --rubric {what}`)"
            )),
            _ => None,
        })
    }

    /// Refuses when calibration stands between `user` and live work on submission `id`.
    pub(super) fn require_calibrated(&self, user: &str, id: i64) -> Result<()> {
        match self.calibration_block(user, id)? {
            Some(why) => bail!("{why}"),
            None => Ok(()),
        }
    }

    /// The exemplar `user` scores next before live work on submission `id`, if one is due.
    pub fn exemplar_due(&self, user: &str, id: i64) -> Result<Option<i64>> {
        let hash = self.submission_rubric(id)?;
        Ok(match self.calibration_standing(user, &hash)? {
            Standing::Due { next, .. } => Some(next),
            _ => None,
        })
    }

    /// An exemplar to score, as the review screen shows it: blind (no name, no id, no
    /// other assessment), never claimed, never saved as a draft.
    pub fn open_exemplar(&self, exemplar_id: i64, user: &str) -> Result<ReviewData> {
        let (sid, key): (i64, String) = self
            .conn
            .query_row(
                "SELECT submission_id, calibration_key FROM exemplars
                 WHERE id = ?1 AND withdrawn_at IS NULL",
                [exemplar_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| anyhow!("no exemplar {exemplar_id} in use"))?;
        let Standing::Due { done, total, .. } = self.standing_on_key(user, &key)? else {
            bail!(
                "{} has no calibration due on this rubric",
                crate::sanitize::line(user)
            );
        };
        let (cohort_id, cohort_name, hash, version): (String, String, String, i64) =
            self.conn.query_row(
                "SELECT s.cohort_id, c.name, s.rubric_hash, v.version
                 FROM submissions s JOIN cohorts c ON c.id = s.cohort_id
                 JOIN rubric_versions v ON v.hash = s.rubric_hash WHERE s.id = ?1",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
        let label = format!("Exemplar {} of {total}", done + 1);
        let mask = self.learner_mask(sid, &label)?;
        let artifacts = self
            .submission_artifacts(sid)?
            .into_iter()
            .map(|mut a| {
                let path = a.sha256.as_deref().map(|h| self.artifacts().path_of(h));
                a.name = mask.apply(&a.name);
                (a, path)
            })
            .collect();
        Ok(ReviewData {
            submission_id: sid,
            learner_name: label.clone(),
            learner_key: label,
            cohort_id,
            cohort_name,
            attempt: 1,
            status: "calibration".into(),
            route: Default::default(),
            rubric_version: version,
            rubric: self.load_rubric(&hash)?,
            artifacts,
            assessment: None,
            read_only: None,
            time_today_secs: 0,
            previous: None,
            blind: None,
            calibration: Some(CalibrationTask {
                exemplar_id,
                index: done + 1,
                total,
            }),
        })
    }

    /// `user`'s scoring of exemplar `exemplar_id`: stored apart, compared with the
    /// reference, and, when it was the round's last, the round's outcome (audited).
    pub fn score_exemplar(
        &mut self,
        user: &str,
        exemplar_id: i64,
        choices: &Choices,
    ) -> Result<Scored> {
        self.authorize(user, Action::Score)?;
        let (key, hash): (String, String) = self
            .conn
            .query_row(
                "SELECT calibration_key, rubric_hash FROM exemplars
                 WHERE id = ?1 AND withdrawn_at IS NULL",
                [exemplar_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| anyhow!("no exemplar {exemplar_id} in use"))?;
        let rubric = self.load_rubric(&hash)?;
        let Standing::Due { .. } = self.standing_on_key(user, &key)? else {
            bail!(
                "{} has no calibration due on {}",
                crate::sanitize::line(user),
                rubric.id.value
            );
        };
        let outcome = rubric::score(&rubric, choices);
        let Some(decision) = outcome.decision else {
            bail!(
                "cannot submit: criteria not scored yet: {}",
                outcome.unscored.join(", ")
            );
        };
        let round = self.round(user, &key)?;
        let policy = super::policies::calibration_pass(self)?;
        let tx = self.write()?;
        let sid: i64 = tx
            .query_row(
                "INSERT INTO calibration_scorings (assessor, calibration_key, round, exemplar_id,
                                                   decision, scored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT DO NOTHING RETURNING id",
                params![user, key, round, exemplar_id, decision.as_str(), now()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| anyhow!("exemplar {exemplar_id} is scored already in this round"))?;
        for c in &rubric.criteria {
            tx.execute(
                "INSERT INTO calibration_levels (scoring_id, criterion_id, level_id)
                 VALUES (?1, ?2, ?3)",
                params![sid, c.id.value, choices.get(&c.id.value)],
            )?;
        }
        audit::append(
            &tx,
            user,
            "calibration.score",
            &format!("exemplar {exemplar_id}"),
            &format!("round {round}: {}", decision.as_str()),
        )?;
        let comparisons = round_comparisons(&tx, &rubric, user, &key, round)?;
        let ids: Vec<i64> = {
            let mut stmt = tx.prepare(
                "SELECT id FROM exemplars WHERE calibration_key = ?1 AND withdrawn_at IS NULL
                 ORDER BY id",
            )?;
            let rows = stmt.query_map([&key], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let scored: HashSet<i64> = comparisons.iter().map(|c| c.exemplar).collect();
        let next = ids.iter().copied().find(|i| !scored.contains(i));
        let comparison = comparisons
            .iter()
            .find(|c| c.exemplar == exemplar_id)
            .cloned()
            .ok_or_else(|| anyhow!("the scoring just stored is not found"))?;
        let outcome = if next.is_none() {
            let o = Outcome::of(&comparisons, &policy);
            let result = if o.passed { "passed" } else { "failed" };
            tx.execute(
                "INSERT INTO calibrations (assessor, calibration_key, rubric_id, round, result,
                     exemplars, levels, exact, decisions_same, reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    user,
                    key,
                    rubric.id.value,
                    round,
                    result,
                    o.exemplars as i64,
                    o.levels as i64,
                    o.exact as i64,
                    o.decisions_same as i64,
                    policy.describe(),
                    now()
                ],
            )?;
            audit::append(
                &tx,
                user,
                &format!("calibration.{result}"),
                &rubric.id.value,
                &format!(
                    "round {round}: {} (policy: {})",
                    o.summary(),
                    policy.describe()
                ),
            )?;
            Some(o)
        } else {
            None
        };
        tx.commit()?;
        Ok(Scored {
            rubric_id: rubric.id.value.clone(),
            comparison,
            outcome,
            next,
        })
    }

    /// The calibration key of a rubric's current version, for commands that name a rubric.
    fn current_key(&self, rubric_id: &str) -> Result<String> {
        let Some(v) = self.current_rubric(rubric_id)? else {
            bail!(
                "no rubric `{}` in this workspace (`merit rubric list` shows them)",
                crate::sanitize::line(rubric_id)
            );
        };
        Ok(self.calibration_key_of(&v.hash)?.0)
    }

    /// A lead lets `assessor` through to live work on `rubric_id`'s current version after a
    /// round that did not pass (or before one), saying why.
    pub fn allow_calibration(
        &mut self,
        assessor: &str,
        rubric_id: &str,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        self.decide_calibration(assessor, rubric_id, "allowed", reason, actor)
    }

    /// A lead opens a new round for `assessor` after one that did not pass.
    pub fn retry_calibration(
        &mut self,
        assessor: &str,
        rubric_id: &str,
        actor: &str,
    ) -> Result<()> {
        self.decide_calibration(assessor, rubric_id, "retry", "", actor)
    }

    fn decide_calibration(
        &mut self,
        assessor: &str,
        rubric_id: &str,
        result: &str,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        self.authorize(actor, Action::ManageCalibration)?;
        if result == "allowed" && reason.trim().is_empty() {
            bail!("say why the assessor is let through (kept in the audit log)");
        }
        if self.roles_of(assessor)?.is_empty() {
            bail!(
                "{} is not a user of this workspace (`merit user list` shows them)",
                crate::sanitize::line(assessor)
            );
        }
        let key = self.current_key(rubric_id)?;
        let standing = self.standing_on_key(assessor, &key)?;
        if result == "retry" && !matches!(standing, Standing::Failed(_)) {
            bail!(
                "{}'s calibration on {} is not a round that did not pass; nothing to retry",
                crate::sanitize::line(assessor),
                crate::sanitize::line(rubric_id)
            );
        }
        if standing.open() {
            bail!(
                "{} may already score {} live work",
                crate::sanitize::line(assessor),
                crate::sanitize::line(rubric_id)
            );
        }
        let round = self.round(assessor, &key)?;
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO calibrations (assessor, calibration_key, rubric_id, round, result,
                 exemplars, levels, exact, decisions_same, decided_by, reason, at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, ?6, ?7, ?8)",
            params![
                assessor,
                key,
                rubric_id,
                round,
                result,
                actor,
                reason.trim(),
                now()
            ],
        )?;
        audit::append(
            &tx,
            actor,
            &format!("calibration.{result}"),
            rubric_id,
            &format!("{assessor}, round {round}: {}", reason.trim()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every assessor's latest calibration outcome per rubric (leads), and rounds under way.
    pub fn calibration_rows(&mut self, actor: &str) -> Result<Vec<CalibrationRow>> {
        self.authorize(actor, Action::ReadReliability)?;
        let mut stmt = self.conn.prepare(
            "SELECT assessor, rubric_id, result, round, exemplars, levels, exact, decisions_same, at
             FROM calibrations c WHERE result != 'retry'
               AND id = (SELECT MAX(id) FROM calibrations d WHERE d.assessor = c.assessor
                         AND d.calibration_key = c.calibration_key)
             UNION ALL
             SELECT s.assessor, MIN(v.rubric_id), 'in progress', s.round, COUNT(*), 0, 0, 0,
                    MAX(s.scored_at)
             FROM calibration_scorings s JOIN exemplars e ON e.id = s.exemplar_id
             JOIN rubric_versions v ON v.hash = e.rubric_hash
             WHERE NOT EXISTS (SELECT 1 FROM calibrations c WHERE c.assessor = s.assessor
                   AND c.calibration_key = s.calibration_key AND c.round = s.round
                   AND c.result != 'retry')
             GROUP BY s.assessor, s.calibration_key, s.round
             ORDER BY 1, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CalibrationRow {
                assessor: r.get(0)?,
                rubric_id: r.get(1)?,
                result: r.get(2)?,
                round: r.get(3)?,
                exemplars: r.get(4)?,
                levels: r.get(5)?,
                exact: r.get(6)?,
                decisions_same: r.get(7)?,
                at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn unknown_criterion(rubric: &Rubric, c: &str) -> String {
    format!(
        "rubric `{}` has no criterion `{}`; its criteria are {}",
        rubric.id.value,
        crate::sanitize::line(c),
        rubric
            .criteria
            .iter()
            .map(|c| c.id.value.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Every scoring of `user`'s round on `key`, each compared with its exemplar's reference.
/// `rubric` is any version with that key (they share criteria, levels and their words).
fn round_comparisons(
    conn: &super::db::Connection,
    rubric: &Rubric,
    user: &str,
    key: &str,
    round: i64,
) -> Result<Vec<Comparison>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.exemplar_id, s.decision, e.decision
         FROM calibration_scorings s JOIN exemplars e ON e.id = s.exemplar_id
         WHERE s.assessor = ?1 AND s.calibration_key = ?2 AND s.round = ?3 ORDER BY s.exemplar_id",
    )?;
    let heads: Vec<(i64, i64, String, String)> = stmt
        .query_map(params![user, key, round], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut levels = conn.prepare_cached(
        "SELECT x.criterion_id, l.level_id, x.level_id, x.note
         FROM exemplar_levels x LEFT JOIN calibration_levels l
           ON l.scoring_id = ?1 AND l.criterion_id = x.criterion_id
         WHERE x.exemplar_id = ?2",
    )?;
    let mut out = Vec::new();
    for (sid, eid, decision, reference_decision) in heads {
        let rows: Vec<(String, Option<String>, String, String)> = levels
            .query_map(params![sid, eid], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<_, _>>()?;
        let label = |c: &str, l: &str| {
            rubric
                .criterion(c)
                .and_then(|c| c.level(l))
                .map_or(l.to_string(), |(_, l)| l.label.value.clone())
        };
        // In the rubric's order of criteria.
        let criteria: Vec<CriterionComparison> = rubric
            .criteria
            .iter()
            .filter_map(|c| {
                let (_, yours, reference, note) = rows.iter().find(|r| r.0 == c.id.value)?;
                Some(CriterionComparison {
                    criterion: c.id.value.clone(),
                    title: c.title.value.clone(),
                    yours: yours
                        .as_deref()
                        .map_or(String::new(), |l| label(&c.id.value, l)),
                    reference: label(&c.id.value, reference),
                    exact: yours.as_deref() == Some(reference.as_str()),
                    note: note.clone(),
                })
            })
            .collect();
        out.push(Comparison {
            exemplar: eid,
            decision,
            reference_decision,
            criteria,
        });
    }
    Ok(out)
}

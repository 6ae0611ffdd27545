//! A cohort of scored work in one transaction, for load tests and benchmarks (a real cohort
//! comes in through `merit import` and the workbench; this skips both to reach 100,000 rows in
//! seconds).

use super::db::params;
use anyhow::{Result, bail};

use super::{Store, audit, now};
use crate::rubric::{self, Choices};

impl Store {
    /// Creates cohort `cohort_id` on the current version of `rubric_id` with `n` learners,
    /// each with one submission carrying an artifact per evidence requirement and a submitted
    /// assessment at the top level of every criterion (so it meets the rubric). Returns the
    /// submission ids.
    pub fn bulk_scored_cohort(
        &mut self,
        cohort_id: &str,
        rubric_id: &str,
        n: usize,
        assessor: &str,
    ) -> Result<Vec<i64>> {
        let Some(hash) = self.current_rubric(rubric_id)?.map(|v| v.hash) else {
            bail!("no rubric `{rubric_id}` in this workspace");
        };
        let rubric = self.load_rubric(&hash)?;
        let choices: Choices = rubric
            .criteria
            .iter()
            .filter_map(|c| Some((c.id.value.clone(), c.levels.last()?.id.value.clone())))
            .collect();
        let outcome = rubric::score(&rubric, &choices);
        if outcome.decision != Some(rubric::Decision::Meets) {
            bail!("the top levels of `{rubric_id}` do not meet it");
        }
        let t = now();
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO cohorts (id, name, rubric_id, created_at) VALUES (?1, ?1, ?2, ?3)",
            params![cohort_id, rubric_id, t],
        )?;
        let mut ids = Vec::with_capacity(n);
        {
            let mut learner = tx.prepare(
                "INSERT INTO learners (key, name, email) VALUES (?1, ?2, ?3) RETURNING id",
            )?;
            let mut submission = tx.prepare(
                "INSERT INTO submissions (cohort_id, learner_id, attempt, rubric_hash, content_hash, status, created_at, search)
                 VALUES (?1, ?2, 1, ?3, ?4, 'scored', ?5, ?6) RETURNING id",
            )?;
            let mut artifact = tx.prepare(
                "INSERT INTO artifacts (submission_id, name, kind, requirement, sha256, size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            let mut assessment = tx.prepare(
                "INSERT INTO assessments (submission_id, assessor, state, decision, weighted_total, updated_at, submitted_at)
                 VALUES (?1, ?2, 'submitted', 'meets', ?3, ?4, ?4) RETURNING id",
            )?;
            let mut score = tx.prepare(
                "INSERT INTO assessment_scores (assessment_id, criterion_id, level_id, comment)
                 VALUES (?1, ?2, ?3, '')",
            )?;
            for i in 0..n {
                let key = format!("{cohort_id}-learner-{i:06}");
                let name = format!("Learner {i:06}");
                let email = format!("learner{i}@{cohort_id}.example.org");
                let lid: i64 = learner.query_row(params![key, name, email], |r| r.get(0))?;
                let content = crate::hash::sha256_hex(key.as_bytes());
                let search = format!("{name} {key} {cohort_id} {rubric_id}").to_lowercase();
                let sid: i64 = submission
                    .query_row(params![cohort_id, lid, hash, content, t, search], |r| {
                        r.get(0)
                    })?;
                for e in &rubric.evidence {
                    let kind = e.kinds.first().map_or("text", |k| k.value.as_str());
                    let file = format!("{}.{kind}", e.id.value);
                    let sha = crate::hash::sha256_hex(format!("{key}/{file}").as_bytes());
                    artifact.execute(params![sid, file, kind, e.id.value, sha, 1024])?;
                }
                let aid: i64 =
                    assessment.query_row(params![sid, assessor, outcome.total, t], |r| r.get(0))?;
                for (criterion, level) in &choices {
                    score.execute(params![aid, criterion, level])?;
                }
                ids.push(sid);
            }
        }
        audit::append(
            &tx,
            assessor,
            "cohort.bulk",
            cohort_id,
            &format!("{n} scored submissions (load test)"),
        )?;
        // Each assessment has its entry, as `audit verify` holds the tables to the log.
        for sid in &ids {
            let record = super::records::assessment(&tx, *sid, assessor)?.unwrap_or_default();
            audit::append_record(
                &tx,
                assessor,
                super::records::ASSESSMENT,
                &format!("submission {sid}"),
                "scored (load test)",
                &record,
            )?;
        }
        tx.commit()?;
        self.refresh_statistics()?;
        Ok(ids)
    }
}

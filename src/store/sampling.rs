//! What moderation sampling draws from: each second-marking candidate of a cohort with who
//! assessed it, its decision, its weighted total and the rubric's pass mark; and the draw
//! itself, the same for the command line and the workbench.

use anyhow::Result;

use super::Store;
use crate::moderation::{Candidate, Plan};

/// A sample drawn from a cohort, not yet sent.
pub struct Drawn {
    /// The seed it was drawn with (given, or chosen at random), to draw it again.
    pub seed: u64,
    /// How many candidates there were.
    pub candidates: usize,
    /// Each drawn submission with why, ascending.
    pub drawn: Vec<(i64, Vec<String>)>,
}

/// id, rubric hash, first assessor, their weighted total, status.
type Row = (i64, String, Option<String>, Option<f64>, String);

impl Store {
    /// Draws `plan` from the cohort's candidates with `seed` (a random one when None).
    pub fn draw_sample(&self, cohort: &str, plan: &Plan, seed: Option<u64>) -> Result<Drawn> {
        let pool = self.sampling_candidates(cohort)?;
        let seed = seed.unwrap_or_else(|| fastrand::u64(..));
        Ok(Drawn {
            seed,
            candidates: pool.len(),
            drawn: crate::moderation::sample(&pool, plan, seed),
        })
    }

    /// A cohort's submissions that can be sent to second marking (assessed, scored or not
    /// yet, without a credential, never second-marked before), each with what stratified
    /// sampling needs.
    pub fn sampling_candidates(&self, cohort: &str) -> Result<Vec<Candidate>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.rubric_hash,
                    (SELECT a.assessor FROM assessments a WHERE a.submission_id = s.id
                       AND a.state = 'submitted' ORDER BY a.submitted_at, a.id LIMIT 1),
                    (SELECT a.weighted_total FROM assessments a WHERE a.submission_id = s.id
                       AND a.state = 'submitted' ORDER BY a.submitted_at, a.id LIMIT 1),
                    s.status
             FROM submissions s
             WHERE s.cohort_id = ?1 AND s.status IN ('scored', 'not_yet')
               AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.submission_id = s.id)
               AND NOT EXISTS (SELECT 1 FROM second_markings m WHERE m.submission_id = s.id)
             ORDER BY s.id",
        )?;
        let rows: Vec<Row> = stmt
            .query_map([cohort], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let mut pass: std::collections::HashMap<String, f64> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for (id, hash, assessor, total, status) in rows {
            let pass_mark = match pass.get(&hash) {
                Some(p) => *p,
                None => {
                    let p = self.load_rubric(&hash)?.pass.min_total.value;
                    pass.insert(hash, p);
                    p
                }
            };
            out.push(Candidate {
                id,
                assessor: assessor.unwrap_or_default(),
                not_yet: status == "not_yet",
                total,
                pass_mark,
            });
        }
        Ok(out)
    }
}

//! What moderation sampling draws from: each second-marking candidate of a cohort with who
//! assessed it, its decision, its weighted total and the rubric's pass mark.

use anyhow::Result;

use super::Store;
use crate::moderation::Candidate;

/// id, rubric hash, first assessor, their weighted total, status.
type Row = (i64, String, Option<String>, Option<f64>, String);

impl Store {
    /// The cohort's second-marking candidates (see [`Store::second_marking_candidates`]),
    /// each with what stratified sampling needs.
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

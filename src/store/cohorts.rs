//! Cohort listings with counts.

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
    pub scored: i64,
    pub not_yet: i64,
    pub second_marking: i64,
    pub approved: i64,
}

impl Store {
    pub fn cohorts(&self) -> Result<Vec<CohortSummary>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.name, c.rubric_id,
                COUNT(DISTINCT s.learner_id),
                COALESCE(SUM(s.status != 'superseded'), 0),
                COALESCE(SUM(s.status = 'new'), 0),
                COALESCE(SUM(s.status = 'in_progress'), 0),
                COALESCE(SUM(s.status = 'scored'), 0),
                COALESCE(SUM(s.status = 'not_yet'), 0),
                COALESCE(SUM(s.status = 'second_marking'), 0),
                COALESCE(SUM(s.status = 'approved'), 0)
             FROM cohorts c LEFT JOIN submissions s ON s.cohort_id = c.id
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
                scored: r.get(7)?,
                not_yet: r.get(8)?,
                second_marking: r.get(9)?,
                approved: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! Double-marked work, for measuring how far assessors agree: each submission with two
//! independent submitted assessments, the first two by when they were submitted.

use super::db::ToValue;
use anyhow::Result;

use super::Store;

/// One assessor's marking of a double-marked submission.
#[derive(Clone, Debug, PartialEq)]
pub struct Marking {
    pub assessor: String,
    /// `meets` or `not_yet`.
    pub decision: String,
    /// Criterion id and level id, as stored.
    pub levels: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MarkedPair {
    pub submission_id: i64,
    pub rubric_hash: String,
    pub first: Marking,
    pub second: Marking,
}

/// Which double-marked work to take.
#[derive(Clone, Debug, Default)]
pub struct PairFilter {
    pub cohort: Option<String>,
    pub rubric: Option<String>,
    /// Both assessments submitted at or after this time.
    pub since: Option<i64>,
}

impl Store {
    /// The double-marked submissions `filter` selects, oldest first. Leads only: it names
    /// every assessor's judgements.
    pub fn double_marked(&mut self, actor: &str, filter: &PairFilter) -> Result<Vec<MarkedPair>> {
        self.authorize(actor, crate::access::Action::ReadReliability)?;
        let mut sql = String::from(
            "SELECT s.id, s.rubric_hash FROM submissions s
             WHERE (SELECT COUNT(*) FROM assessments a WHERE a.submission_id = s.id
                    AND a.state = 'submitted' AND a.submitted_at >= ?1) >= 2",
        );
        let mut args: Vec<Box<dyn ToValue>> = vec![Box::new(filter.since.unwrap_or(0))];
        if let Some(c) = &filter.cohort {
            args.push(Box::new(c.clone()));
            sql.push_str(&format!(" AND s.cohort_id = ?{}", args.len()));
        }
        if let Some(r) = &filter.rubric {
            args.push(Box::new(r.clone()));
            sql.push_str(&format!(
                " AND s.cohort_id IN (SELECT id FROM cohorts WHERE rubric_id = ?{})",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY s.id");
        let refs: Vec<&dyn ToValue> = args.iter().map(|b| b.as_ref()).collect();
        let mut stmt = self.conn.prepare(&sql)?;
        let heads: Vec<(i64, String)> = stmt
            .query_map(refs.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut markings = self.conn.prepare_cached(
            "SELECT a.id, a.assessor, a.decision FROM assessments a
             WHERE a.submission_id = ?1 AND a.state = 'submitted' AND a.submitted_at >= ?2
             ORDER BY a.submitted_at, a.id LIMIT 2",
        )?;
        let mut levels = self.conn.prepare_cached(
            "SELECT criterion_id, level_id FROM assessment_scores
             WHERE assessment_id = ?1 AND level_id IS NOT NULL ORDER BY criterion_id",
        )?;
        let mut out = Vec::with_capacity(heads.len());
        for (id, hash) in heads {
            let two: Vec<(i64, String, Option<String>)> = markings
                .query_map(super::db::params![id, filter.since.unwrap_or(0)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?
                .collect::<Result<_, _>>()?;
            let mut m = Vec::with_capacity(2);
            for (aid, assessor, decision) in two {
                let lv: Vec<(String, String)> = levels
                    .query_map([aid], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<Result<_, _>>()?;
                m.push(Marking {
                    assessor,
                    decision: decision.unwrap_or_default(),
                    levels: lv,
                });
            }
            let [first, second] = <[Marking; 2]>::try_from(m).map_err(|_| {
                anyhow::anyhow!("submission {id}: expected two submitted assessments")
            })?;
            out.push(MarkedPair {
                submission_id: id,
                rubric_hash: hash,
                first,
                second,
            });
        }
        Ok(out)
    }
}

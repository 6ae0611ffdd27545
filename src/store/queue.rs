//! The assessor's queue: pages of submissions by keyset, never the whole table.

use anyhow::Result;
use rusqlite::OptionalExtension;
use rusqlite::{ToSql, params};

use super::{Store, now};

/// Sort orders of the queue. Each has an index that matches its ORDER BY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueueSort {
    /// Oldest first: the longest waiting at the top.
    #[default]
    Age,
    Cohort,
    Status,
}

impl QueueSort {
    pub fn next(self) -> Self {
        match self {
            QueueSort::Age => QueueSort::Cohort,
            QueueSort::Cohort => QueueSort::Status,
            QueueSort::Status => QueueSort::Age,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueSort::Age => "age",
            QueueSort::Cohort => "cohort",
            QueueSort::Status => "status",
        }
    }

    /// The key columns, as SQL over `s` (submissions).
    fn key_sql(self) -> &'static str {
        match self {
            QueueSort::Age => "(s.created_at, s.id)",
            QueueSort::Cohort => "(s.cohort_id, s.created_at, s.id)",
            QueueSort::Status => "(s.status, s.created_at, s.id)",
        }
    }

    fn order_sql(self, desc: bool) -> &'static str {
        match (self, desc) {
            (QueueSort::Age, false) => "s.created_at, s.id",
            (QueueSort::Age, true) => "s.created_at DESC, s.id DESC",
            (QueueSort::Cohort, false) => "s.cohort_id, s.created_at, s.id",
            (QueueSort::Cohort, true) => "s.cohort_id DESC, s.created_at DESC, s.id DESC",
            (QueueSort::Status, false) => "s.status, s.created_at, s.id",
            (QueueSort::Status, true) => "s.status DESC, s.created_at DESC, s.id DESC",
        }
    }
}

/// One row of the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRow {
    pub id: i64,
    pub learner: String,
    pub cohort: String,
    pub rubric: String,
    pub attempt: i64,
    /// The submission's status; `disputed` for a second marking whose assessors disagree.
    pub status: String,
    /// Who holds a live claim on it, if anyone.
    pub claimed_by: Option<String>,
    pub created_at: i64,
}

/// Where a page starts.
#[derive(Clone, Debug, PartialEq)]
pub enum PageFrom {
    /// The first rows in sort order.
    Start,
    /// The last rows in sort order.
    End,
    /// Rows after this one.
    After(QueueRow),
    /// Rows before this one (returned in sort order).
    Before(QueueRow),
}

#[derive(Clone, Debug, PartialEq)]
pub struct QueueQuery {
    pub filter: String,
    pub sort: QueueSort,
    pub from: PageFrom,
    pub limit: usize,
    /// Claims older than this many seconds have expired.
    pub claim_idle_secs: i64,
}

fn like_pattern(filter: &str) -> String {
    let mut p = String::from("%");
    for c in filter.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// The oldest new submission of rubric `rubric_id` (by its cohort) that `user` could
    /// take now: not `after`, and not under someone else's live claim.
    pub fn next_waiting(
        &self,
        rubric_id: &str,
        user: &str,
        claim_idle_secs: i64,
        after: i64,
    ) -> Result<Option<i64>> {
        let cutoff = now() - claim_idle_secs;
        Ok(self
            .conn
            .query_row(
                "SELECT s.id FROM submissions s JOIN cohorts c ON c.id = s.cohort_id
                 WHERE c.rubric_id = ?1 AND s.status = 'new' AND s.id != ?2
                   AND (s.claimed_by IS NULL OR s.claimed_by = ?3 OR s.claimed_at < ?4)
                 ORDER BY s.created_at, s.id LIMIT 1",
                params![rubric_id, after, user, cutoff],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// One page of the queue (superseded attempts are left out).
    pub fn queue_page(&self, q: &QueueQuery) -> Result<Vec<QueueRow>> {
        // The inner query pages over one covering index (see schema migration 2); only the
        // rows of the page are joined for display.
        let mut inner =
            String::from("SELECT s.id FROM submissions s WHERE s.status != 'superseded'");
        let cutoff = now() - q.claim_idle_secs;
        let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(cutoff)];
        if !q.filter.trim().is_empty() {
            inner.push_str(" AND s.search LIKE ?2 ESCAPE '\\'");
            args.push(Box::new(like_pattern(&q.filter.to_lowercase())));
        }
        let (anchor, cmp, desc) = match &q.from {
            PageFrom::Start => (None, "", false),
            PageFrom::End => (None, "", true),
            PageFrom::After(r) => (Some(r), ">", false),
            PageFrom::Before(r) => (Some(r), "<", true),
        };
        if let Some(r) = anchor {
            let n = args.len();
            let placeholders = match q.sort {
                QueueSort::Age => format!("(?{}, ?{})", n + 1, n + 2),
                _ => format!("(?{}, ?{}, ?{})", n + 1, n + 2, n + 3),
            };
            inner.push_str(&format!(" AND {} {cmp} {placeholders}", q.sort.key_sql()));
            match q.sort {
                QueueSort::Age => {}
                QueueSort::Cohort => args.push(Box::new(r.cohort.clone())),
                QueueSort::Status => args.push(Box::new(r.status.clone())),
            }
            args.push(Box::new(r.created_at));
            args.push(Box::new(r.id));
        }
        inner.push_str(&format!(
            " ORDER BY {} LIMIT {}",
            q.sort.order_sql(desc),
            q.limit.min(10_000)
        ));
        let sql = format!(
            "SELECT s.id, l.name, s.cohort_id, c.rubric_id, s.attempt,
                    -- A second marking with both assessments in waits for a lead.
                    CASE WHEN s.status = 'second_marking'
                          AND (SELECT COUNT(*) FROM assessments a
                               WHERE a.submission_id = s.id AND a.state = 'submitted') >= 2
                         THEN 'disputed' ELSE s.status END,
                    CASE WHEN s.claimed_at >= ?1 THEN s.claimed_by END, s.created_at
             FROM ({inner}) AS page
             JOIN submissions s ON s.id = page.id
             JOIN learners l ON l.id = s.learner_id
             JOIN cohorts c ON c.id = s.cohort_id
             ORDER BY {}",
            q.sort.order_sql(desc)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let refs: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let rows = stmt.query_map(refs.as_slice(), |r| {
            Ok(QueueRow {
                id: r.get(0)?,
                learner: r.get(1)?,
                cohort: r.get(2)?,
                rubric: r.get(3)?,
                attempt: r.get(4)?,
                status: r.get(5)?,
                claimed_by: r.get(6)?,
                created_at: r.get(7)?,
            })
        })?;
        let mut out: Vec<QueueRow> = rows.collect::<Result<_, _>>()?;
        if desc {
            out.reverse();
        }
        Ok(out)
    }

    /// Submissions per status for the queue header; live claims count as "in progress".
    /// Submissions per status, of those `filter` matches (all when it is empty), live claims
    /// on new work counted as in progress.
    pub fn queue_counts(&self, claim_idle_secs: i64, filter: &str) -> Result<Vec<(String, i64)>> {
        // Unfiltered, both counts read only indexes: status from `submissions_by_status`, live
        // claims from the partial index of claimed submissions.
        let pattern = like_pattern(&filter.to_lowercase());
        let filtered = !filter.trim().is_empty();
        let cond = if filtered {
            " AND search LIKE ?1 ESCAPE '\\'"
        } else {
            " AND ?1 IS NOT NULL"
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT status, COUNT(*) FROM submissions WHERE status != 'superseded'{cond} GROUP BY status"
        ))?;
        let rows = stmt.query_map([&pattern], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut counts: Vec<(String, i64)> = rows.collect::<Result<_, _>>()?;
        let claimed: i64 = self.conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM submissions
                 WHERE claimed_by IS NOT NULL AND claimed_at >= ?2 AND status = 'new'{cond}"
            ),
            params![pattern, now() - claim_idle_secs],
            |r| r.get(0),
        )?;
        if claimed > 0 {
            if let Some((_, n)) = counts.iter_mut().find(|(s, _)| s == "new") {
                *n -= claimed;
            }
            counts.push(("in_progress".into(), claimed));
        }
        Ok(counts)
    }
}

//! The assessor's queue: pages of submissions by keyset, never the whole table.

use super::db::OptionalExtension;
use super::db::{ToValue, params};
use anyhow::Result;

use super::{Store, now};

/// Sort orders of the queue. Each has an index that matches its ORDER BY (migrations 2
/// and 15), read forwards or backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum QueueSort {
    /// Oldest first: the longest waiting at the top.
    #[default]
    Age,
    Learner,
    Cohort,
    Status,
    Assessor,
}

impl QueueSort {
    pub const ALL: [QueueSort; 5] = [
        QueueSort::Age,
        QueueSort::Learner,
        QueueSort::Cohort,
        QueueSort::Status,
        QueueSort::Assessor,
    ];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            QueueSort::Age => "age",
            QueueSort::Learner => "learner",
            QueueSort::Cohort => "cohort",
            QueueSort::Status => "status",
            QueueSort::Assessor => "assessor",
        }
    }

    /// The column sorted on before age, as SQL over `s` (submissions).
    fn column(self) -> Option<&'static str> {
        match self {
            QueueSort::Age => None,
            QueueSort::Learner => Some("s.sort_learner"),
            QueueSort::Cohort => Some("s.cohort_id"),
            QueueSort::Status => Some("s.status"),
            QueueSort::Assessor => Some("s.sort_assessor"),
        }
    }

    /// The key columns, as SQL over `s`, for a keyset comparison.
    fn key_sql(self) -> String {
        match self.column() {
            None => "(s.created_at, s.id)".into(),
            Some(c) => format!("({c}, s.created_at, s.id)"),
        }
    }

    fn order_sql(self, desc: bool) -> String {
        let dir = if desc { " DESC" } else { "" };
        let tail = format!("s.created_at{dir}, s.id{dir}");
        match self.column() {
            None => tail,
            Some(c) => format!("{c}{dir}, {tail}"),
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
    /// The row's value of the sort column (empty when sorted by age), for keyset paging.
    pub key: String,
    /// When its latest assessment was submitted, if one was.
    pub submitted_at: Option<i64>,
    pub route: crate::vocabulary::Route,
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
    /// Newest, last or highest first.
    pub reverse: bool,
    pub from: PageFrom,
    pub limit: usize,
    /// Claims older than this many seconds have expired.
    pub claim_idle_secs: i64,
    /// Who is looking: an assessor is not offered a second marking of their own work, nor
    /// a disputed one (a lead decides it); `None` shows every row.
    pub viewer: Option<String>,
    /// Who sees blind cohorts' learners by candidate number ([`Store::masked_viewer`]): their
    /// rows show the number, and the filter's text does not match names. The workbench's
    /// database thread sets it from the session's user, whatever the screen sent.
    pub blind_for: Option<String>,
}

/// A queue filter as typed: `status:WORD`, `assessor:NAME`, `cohort:ID` and `rubric:ID`
/// tokens (each at most once; the last wins), and the rest as text matched against the
/// learner's name and id, the cohort and the rubric.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueFilter {
    pub text: String,
    pub status: Option<crate::vocabulary::Status>,
    pub assessor: Option<String>,
    pub cohort: Option<String>,
    pub rubric: Option<String>,
    /// Tokens not understood (`colour:red`, `status:maybe`), for the screen to point out.
    pub unknown: Vec<String>,
}

impl QueueFilter {
    pub fn parse(typed: &str) -> QueueFilter {
        let mut f = QueueFilter::default();
        let mut text: Vec<&str> = Vec::new();
        for word in typed.split_whitespace() {
            match word.split_once(':') {
                Some((k, v)) if !v.is_empty() => match k.to_lowercase().as_str() {
                    "status" => match crate::vocabulary::Status::parse(v) {
                        Some(s) => f.status = Some(s),
                        None => f.unknown.push(word.to_string()),
                    },
                    "assessor" => f.assessor = Some(v.to_string()),
                    "cohort" => f.cohort = Some(v.to_string()),
                    "rubric" => f.rubric = Some(v.to_string()),
                    _ => f.unknown.push(word.to_string()),
                },
                _ => text.push(word),
            }
        }
        f.text = text.join(" ");
        f
    }

    /// SQL conditions on `submissions s` (each starting ` AND`), with their parameters
    /// numbered from `?{next}`; `?1` is the claim cutoff. `masked`: the text matches only what
    /// a blind row shows (its number, cohort and rubric), never the name kept after `\x01`.
    fn sql(&self, next: usize, masked: bool) -> (String, Vec<Box<dyn ToValue>>) {
        use crate::vocabulary::Status;
        let mut sql = String::new();
        let mut args: Vec<Box<dyn ToValue>> = Vec::new();
        let param = |v: Box<dyn ToValue>, args: &mut Vec<Box<dyn ToValue>>| {
            args.push(v);
            format!("?{}", next + args.len() - 1)
        };
        if !self.text.is_empty() {
            let p = param(Box::new(like_pattern(&self.text.to_lowercase())), &mut args);
            if masked {
                sql.push_str(&format!(
                    " AND substr(s.search, 1, instr(s.search || char(1), char(1)) - 1) \
                     LIKE {p} ESCAPE '\\'"
                ));
            } else {
                sql.push_str(&format!(" AND s.search LIKE {p} ESCAPE '\\'"));
            }
        }
        if let Some(c) = &self.cohort {
            let p = param(Box::new(c.clone()), &mut args);
            sql.push_str(&format!(" AND s.cohort_id = {p}"));
        }
        if let Some(r) = &self.rubric {
            let p = param(Box::new(r.clone()), &mut args);
            sql.push_str(&format!(
                " AND s.cohort_id IN (SELECT id FROM cohorts WHERE rubric_id = {p})"
            ));
        }
        if let Some(a) = &self.assessor {
            let p = param(Box::new(a.clone()), &mut args);
            sql.push_str(&format!(
                " AND (EXISTS (SELECT 1 FROM assessments a WHERE a.submission_id = s.id
                       AND a.assessor = {p})
                       OR (s.claimed_by = {p} AND s.claimed_at >= ?1))"
            ));
        }
        let submitted = "(SELECT COUNT(*) FROM assessments a WHERE a.submission_id = s.id \
                         AND a.state = 'submitted')";
        let awarded = "EXISTS (SELECT 1 FROM awards w WHERE w.submission_id = s.id";
        if let Some(st) = self.status {
            sql.push_str(&match st {
                Status::New => {
                    " AND s.status = 'new' AND (s.claimed_by IS NULL OR s.claimed_at < ?1)".into()
                }
                Status::InProgress => " AND (s.status = 'in_progress' OR (s.status = 'new' \
                     AND s.claimed_by IS NOT NULL AND s.claimed_at >= ?1))"
                    .into(),
                Status::Meets => " AND s.status = 'scored'".into(),
                Status::NotYet => " AND s.status = 'not_yet'".into(),
                Status::SecondMarking => {
                    format!(" AND s.status = 'second_marking' AND {submitted} < 2")
                }
                Status::Disputed => {
                    format!(" AND s.status = 'second_marking' AND {submitted} >= 2")
                }
                Status::Approved => format!(" AND s.status = 'approved' AND NOT {awarded})"),
                Status::Issued => format!(" AND {awarded} AND w.revoked_at IS NULL)"),
                Status::Revoked => format!(" AND {awarded} AND w.revoked_at IS NOT NULL)"),
                Status::Superseded => " AND s.status = 'superseded'".into(),
            });
        }
        (sql, args)
    }
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
        let (inner, mut args, desc, before) = page_ids(q);
        args.push(Box::new(q.blind_for.clone()));
        let learner = super::blind::shown_learner_sql(&format!("?{}", args.len()), "l.name");
        let sql = format!(
            "SELECT s.id, {learner}, s.cohort_id, c.rubric_id, s.attempt,
                    -- A second marking with both assessments in waits for a lead.
                    CASE WHEN s.status = 'second_marking'
                          AND (SELECT COUNT(*) FROM assessments a
                               WHERE a.submission_id = s.id AND a.state = 'submitted') >= 2
                         THEN 'disputed' ELSE s.status END,
                    CASE WHEN s.claimed_at >= ?1 THEN s.claimed_by END, s.created_at,
                    {key},
                    (SELECT MAX(a.submitted_at) FROM assessments a WHERE a.submission_id = s.id),
                    s.route
             FROM ({inner}) AS page
             JOIN submissions s ON s.id = page.id
             JOIN learners l ON l.id = s.learner_id
             JOIN cohorts c ON c.id = s.cohort_id
             ORDER BY {}",
            q.sort.order_sql(desc),
            key = q.sort.column().unwrap_or("''"),
        );
        // Filtered, the best plan depends on the text (see `prepare_planned`).
        let mut stmt = if q.filter.trim().is_empty() {
            self.conn.prepare_cached(&sql)?
        } else {
            self.conn.prepare_planned(&sql)?
        };
        let refs: Vec<&dyn ToValue> = args.iter().map(|b| b.as_ref()).collect();
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
                key: r.get(8)?,
                submitted_at: r.get(9)?,
                route: crate::vocabulary::Route::parse(&r.get::<_, String>(10)?)
                    .unwrap_or_default(),
            })
        })?;
        let mut out: Vec<QueueRow> = rows.collect::<Result<_, _>>()?;
        if before {
            out.reverse();
        }
        Ok(out)
    }

    /// SQLite's plan for the page query's inner part, one step per line, so that a test
    /// can tell that each order reads its index instead of sorting.
    #[doc(hidden)]
    pub fn queue_plan(&self, q: &QueueQuery) -> Result<Vec<String>> {
        let (inner, args, _, _) = page_ids(q);
        let mut stmt = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {inner}"))?;
        let refs: Vec<&dyn ToValue> = args.iter().map(|b| b.as_ref()).collect();
        let rows = stmt.query_map(refs.as_slice(), |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

type Args = Vec<Box<dyn ToValue>>;

/// The ids of one page, as SQL and parameters (`?1` the claim cutoff), whether it reads
/// backwards, and whether its rows come back before the anchor (to be reversed). It pages
/// over one covering index per order (migrations 2 and 15); only the rows of the page are
/// joined for display.
fn page_ids(q: &QueueQuery) -> (String, Args, bool, bool) {
    let mut inner = String::from("SELECT s.id FROM submissions s WHERE s.status != 'superseded'");
    let cutoff = now() - q.claim_idle_secs;
    let mut args: Vec<Box<dyn ToValue>> = vec![Box::new(cutoff)];
    let filter = QueueFilter::parse(&q.filter);
    let (cond, filter_args) = filter.sql(2, q.blind_for.is_some());
    inner.push_str(&cond);
    args.extend(filter_args);
    // Rows the viewer may not take are not offered, unless they asked for their own work.
    if let Some(me) = &q.viewer
        && filter.assessor.as_deref() != Some(me.as_str())
    {
        args.push(Box::new(me.clone()));
        inner.push_str(&format!(
            " AND NOT (s.status = 'second_marking' AND EXISTS (SELECT 1 FROM assessments a
               WHERE a.submission_id = s.id AND a.state = 'submitted'
               AND (a.assessor = ?{} OR (SELECT COUNT(*) FROM assessments b
                    WHERE b.submission_id = s.id AND b.state = 'submitted') >= 2)))",
            args.len()
        ));
    }
    let (anchor, before) = match &q.from {
        PageFrom::Start => (None, false),
        PageFrom::End => (None, true),
        PageFrom::After(r) => (Some(r), false),
        PageFrom::Before(r) => (Some(r), true),
    };
    // Reading backwards: pages before the anchor, or the reversed order, or both.
    let desc = before != q.reverse;
    if let Some(r) = anchor {
        let n = args.len();
        let cmp = if desc { "<" } else { ">" };
        let placeholders = match q.sort.column() {
            None => format!("(?{}, ?{})", n + 1, n + 2),
            Some(_) => format!("(?{}, ?{}, ?{})", n + 1, n + 2, n + 3),
        };
        inner.push_str(&format!(" AND {} {cmp} {placeholders}", q.sort.key_sql()));
        if q.sort.column().is_some() {
            args.push(Box::new(r.key.clone()));
        }
        args.push(Box::new(r.created_at));
        args.push(Box::new(r.id));
    }
    inner.push_str(&format!(
        " ORDER BY {} LIMIT {}",
        q.sort.order_sql(desc),
        q.limit.min(10_000)
    ));
    (inner, args, desc, before)
}

impl Store {
    /// Submissions per status, of those `filter` matches (all when it is empty), live claims
    /// on new work counted as in progress. `blind_for` as in [`QueueQuery`], so that a count
    /// does not tell a masked viewer what the rows hide.
    pub fn queue_counts(
        &self,
        claim_idle_secs: i64,
        filter: &str,
        blind_for: Option<&str>,
    ) -> Result<Vec<(String, i64)>> {
        // Unfiltered, both counts read only indexes: status from `submissions_by_status`, live
        // claims from the partial index of claimed submissions.
        let (cond, filter_args) = QueueFilter::parse(filter).sql(2, blind_for.is_some());
        let mut args: Vec<Box<dyn ToValue>> = vec![Box::new(now() - claim_idle_secs)];
        args.extend(filter_args);
        let refs: Vec<&dyn ToValue> = args.iter().map(|b| b.as_ref()).collect();
        let sql = format!(
            "SELECT s.status, COUNT(*) FROM submissions s
             WHERE s.status != 'superseded' AND ?1 IS NOT NULL{cond} GROUP BY s.status"
        );
        let mut stmt = if filter.trim().is_empty() {
            self.conn.prepare_cached(&sql)?
        } else {
            self.conn.prepare_planned(&sql)?
        };
        let rows = stmt.query_map(refs.as_slice(), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut counts: Vec<(String, i64)> = rows.collect::<Result<_, _>>()?;
        let claimed: i64 = self.conn.query_row(
            &format!(
                "SELECT COUNT(*) FROM submissions s
                 WHERE s.claimed_by IS NOT NULL AND s.claimed_at >= ?1 AND s.status = 'new'{cond}"
            ),
            refs.as_slice(),
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

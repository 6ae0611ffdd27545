//! Time spent assessing: each assessor's minutes since a moment (the start of today), from
//! the time each assessment records as it is worked on.

use super::db::params;
use anyhow::Result;
use serde::Serialize;

use super::Store;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeSpent {
    pub assessor: String,
    /// Assessments worked on since then (drafts and submitted).
    pub assessments: i64,
    /// Of those, submitted since then.
    pub submitted: i64,
    pub secs: i64,
}

impl Store {
    /// Time spent per assessor on assessments worked on since `since`, most first. A lead
    /// sees everyone; anyone else sees their own line only.
    ///
    /// An assessment records its total time, so one begun yesterday and finished today
    /// counts whole today.
    pub fn time_spent(&self, viewer: &str, since: i64) -> Result<Vec<TimeSpent>> {
        let everyone = self.has_role(viewer, "lead")?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT assessor, COUNT(*), SUM(CASE WHEN submitted_at >= ?1 THEN 1 ELSE 0 END), SUM(time_spent_secs)
             FROM assessments
             WHERE updated_at >= ?1 AND (?2 <> 0 OR assessor = ?3)
             GROUP BY assessor ORDER BY SUM(time_spent_secs) DESC, assessor",
        )?;
        let rows = stmt.query_map(params![since, everyone, viewer], |r| {
            Ok(TimeSpent {
                assessor: r.get(0)?,
                assessments: r.get(1)?,
                submitted: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                secs: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The start of the local day that contains `now` (epoch seconds), by the server's time
/// zone (`TZ`), as an assessor on it reads "today".
pub fn start_of_local_day(now: i64) -> i64 {
    let t: libc::time_t = now as libc::time_t;
    // SAFETY: localtime_r writes only into the `tm` we pass; both pointers are valid.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok {
        return now - now.rem_euclid(86_400);
    }
    let into_day = i64::from(tm.tm_hour) * 3600 + i64::from(tm.tm_min) * 60 + i64::from(tm.tm_sec);
    now - into_day
}

/// Minutes as people say them: `45 min`, `2 h 05 min`.
pub fn minutes(secs: i64) -> String {
    let m = secs.max(0) / 60;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

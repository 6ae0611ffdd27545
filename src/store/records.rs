//! The rows the audit log speaks for, each reduced to one SHA-256 (a JSON array of its fields,
//! so no two rows encode alike): written into the entry that records the change, and computed
//! again by `merit audit verify` to hold the tables to the log.

use super::db::{Connection, OptionalExtension, params};
use anyhow::Result;

use crate::hash::sha256_hex;

/// Which kind of row an entry's record hash is of: the entry's action, and how its key reads.
pub const ASSESSMENT: &str = "assessment.submit";
pub const RESOLUTION: &str = "second_marking.resolve";
pub const AWARD: &str = "award.issue";
pub const REVOCATION: &str = "award.revoke";
pub const PROGRAM_AWARD: &str = "program.issue";

fn hash(v: serde_json::Value) -> String {
    sha256_hex(v.to_string().as_bytes())
}

/// A submitted assessment: who, decision, total, feedback, and every criterion's level and
/// comment.
pub fn assessment(conn: &Connection, submission_id: i64, assessor: &str) -> Result<Option<String>> {
    let head: Option<(i64, Option<String>, String, Option<f64>)> = conn
        .prepare_cached(
            "SELECT id, decision, overall_feedback, weighted_total FROM assessments
             WHERE submission_id = ?1 AND assessor = ?2 AND state = 'submitted'",
        )?
        .query_row(params![submission_id, assessor], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((id, decision, feedback, total)) = head else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT criterion_id, level_id, comment FROM assessment_scores
         WHERE assessment_id = ?1 ORDER BY criterion_id",
    )?;
    let scores: Vec<(String, Option<String>, String)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Some(hash(serde_json::json!([
        "assessment",
        submission_id,
        assessor,
        decision,
        total.map(|t| format!("{t:.6}")),
        feedback,
        scores
    ]))))
}

/// A lead's decision of a disagreement.
pub fn resolution(conn: &Connection, submission_id: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT resolved_by, decision, note FROM second_markings
             WHERE submission_id = ?1 AND resolved_at IS NOT NULL",
        )?
        .query_row([submission_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(by, d, note)| {
        hash(serde_json::json!([
            "resolution",
            submission_id,
            by,
            d,
            note
        ]))
    }))
}

/// The record of an award from its fields (what [`award`] reads back from the table).
pub fn award_of(
    submission_id: i64,
    credential_id: &str,
    credential_json: &str,
    status_index: i64,
    issued_by: &str,
) -> String {
    hash(serde_json::json!([
        "award",
        submission_id,
        credential_id,
        sha256_hex(credential_json.as_bytes()),
        status_index,
        issued_by
    ]))
}

/// An award: the credential as stored, its id and status entry.
pub fn award(conn: &Connection, submission_id: i64) -> Result<Option<String>> {
    let row: Option<(String, String, i64, String)> = conn
        .prepare_cached(
            "SELECT credential_id, credential_json, status_index, issued_by FROM awards
             WHERE submission_id = ?1",
        )?
        .query_row([submission_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    Ok(row.map(|(id, json, index, by)| award_of(submission_id, &id, &json, index, &by)))
}

/// A program credential: the credential as stored, its pathway version, learner, status
/// entry and components.
pub fn program_award(conn: &Connection, credential_id: &str) -> Result<Option<String>> {
    let row: Option<(String, String, i64, String, i64, String)> = conn
        .prepare_cached(
            "SELECT pathway_hash, credential_json, status_index, issued_by, learner_id, pathway_id
             FROM program_awards WHERE credential_id = ?1",
        )?
        .query_row([credential_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((hash_of, json, index, by, learner, pathway)) = row else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT component_credential_id FROM program_components
         WHERE program_credential_id = ?1 ORDER BY component_credential_id",
    )?;
    let components: Vec<String> = stmt
        .query_map([credential_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(hash(serde_json::json!([
        "program",
        credential_id,
        pathway,
        hash_of,
        learner,
        sha256_hex(json.as_bytes()),
        index,
        by,
        components
    ]))))
}

/// A revocation (of a credential or a program credential): when and why.
pub fn revocation(conn: &Connection, credential_id: &str) -> Result<Option<String>> {
    let row: Option<(i64, Option<String>)> = conn
        .prepare_cached(
            "SELECT revoked_at, revoked_reason FROM awards
             WHERE credential_id = ?1 AND revoked_at IS NOT NULL
             UNION ALL
             SELECT revoked_at, revoked_reason FROM program_awards
             WHERE credential_id = ?1 AND revoked_at IS NOT NULL",
        )?
        .query_row([credential_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(at, why)| hash(serde_json::json!(["revocation", credential_id, at, why]))))
}

/// One row the log must account for.
pub struct Row {
    /// The entry's action.
    pub action: &'static str,
    /// How the entry names it (its subject, and for an assessment its actor).
    pub key: String,
    pub record: String,
    /// When the row was written (rows older than the first versioned entry predate records).
    pub at: i64,
    /// For messages: what it is.
    pub what: String,
}

/// The key of an entry, as [`Row::key`] reads.
pub fn entry_key(action: &str, actor: &str, subject: &str) -> String {
    if action == ASSESSMENT {
        format!("{subject} by {actor}")
    } else {
        subject.to_string()
    }
}

/// Every row the log speaks for, with its record hash, one at a time.
pub fn for_each(conn: &Connection, mut f: impl FnMut(Row) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT submission_id, assessor, submitted_at FROM assessments
         WHERE state = 'submitted' ORDER BY id",
    )?;
    let rows: Vec<(i64, String, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (sid, who, at) in rows {
        if let Some(record) = assessment(conn, sid, &who)? {
            f(Row {
                action: ASSESSMENT,
                key: entry_key(ASSESSMENT, &who, &format!("submission {sid}")),
                record,
                at: at.unwrap_or(0),
                what: format!("the assessment of submission {sid} by {who}"),
            })?;
        }
    }
    let mut stmt = conn.prepare(
        "SELECT submission_id, resolved_at FROM second_markings WHERE resolved_at IS NOT NULL",
    )?;
    let rows: Vec<(i64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (sid, at) in rows {
        if let Some(record) = resolution(conn, sid)? {
            f(Row {
                action: RESOLUTION,
                key: format!("submission {sid}"),
                record,
                at,
                what: format!("the lead's decision on submission {sid}"),
            })?;
        }
    }
    let mut stmt = conn.prepare(
        "SELECT submission_id, credential_id, issued_at, revoked_at FROM awards ORDER BY id",
    )?;
    let rows: Vec<(i64, String, i64, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    for (sid, cid, at, revoked) in rows {
        if let Some(record) = award(conn, sid)? {
            f(Row {
                action: AWARD,
                key: format!("submission {sid}"),
                record,
                at,
                what: format!("the award of submission {sid} ({cid})"),
            })?;
        }
        revocation_row(conn, &cid, revoked, &mut f)?;
    }
    let mut stmt = conn
        .prepare("SELECT credential_id, issued_at, revoked_at FROM program_awards ORDER BY id")?;
    let rows: Vec<(String, i64, Option<i64>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (cid, at, revoked) in rows {
        if let Some(record) = program_award(conn, &cid)? {
            f(Row {
                action: PROGRAM_AWARD,
                key: cid.clone(),
                record,
                at,
                what: format!("the program credential {cid}"),
            })?;
        }
        revocation_row(conn, &cid, revoked, &mut f)?;
    }
    Ok(())
}

/// The revocation of credential `cid` (either kind), if it was revoked at `revoked`.
fn revocation_row(
    conn: &Connection,
    cid: &str,
    revoked: Option<i64>,
    f: &mut impl FnMut(Row) -> Result<()>,
) -> Result<()> {
    if let Some(at) = revoked
        && let Some(record) = revocation(conn, cid)?
    {
        f(Row {
            action: REVOCATION,
            key: cid.to_string(),
            record,
            at,
            what: format!("the revocation of {cid}"),
        })?;
    }
    Ok(())
}

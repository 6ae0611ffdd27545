//! The append-only audit log. Each entry carries the hash of the one before it, so an entry
//! edited or deleted after the fact breaks the chain and `merit audit verify` finds it.

use anyhow::Result;
use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{Store, format_time, now};
use crate::hash::sha256_hex;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

fn entry_hash(
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    prev: &str,
) -> String {
    // A JSON array is an unambiguous encoding of the fields (no separator tricks).
    let encoded = serde_json::json!([seq, at, actor, action, subject, detail, prev]).to_string();
    sha256_hex(encoded.as_bytes())
}

/// Appends an entry inside the caller's transaction, so the entry and the change it records
/// commit together or not at all.
pub fn append(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> Result<()> {
    let last: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let hash = entry_hash(seq, at, actor, action, subject, detail, &prev);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![seq, at, actor, action, subject, detail, prev, hash])?;
    Ok(())
}

/// What `audit verify` found.
#[derive(Debug, Default, Serialize)]
pub struct AuditReport {
    pub entries: u64,
    /// One line per break in the chain, naming the entry.
    pub problems: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

impl Store {
    pub fn audit(&mut self, actor: &str, action: &str, subject: &str, detail: &str) -> Result<()> {
        let tx = self.write()?;
        append(&tx, actor, action, subject, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// The most recent `limit` entries, newest first.
    pub fn audit_tail(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash
             FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(AuditEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                subject: r.get(4)?,
                detail: r.get(5)?,
                prev_hash: r.get(6)?,
                hash: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Walks the whole chain (streaming, constant memory) and reports every break.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash
             FROM audit_log ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut report = AuditReport::default();
        let mut expected_seq = 1i64;
        let mut prev = GENESIS.to_string();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let at: i64 = r.get(1)?;
            let actor: String = r.get(2)?;
            let action: String = r.get(3)?;
            let subject: String = r.get(4)?;
            let detail: String = r.get(5)?;
            let prev_hash: String = r.get(6)?;
            let hash: String = r.get(7)?;
            report.entries += 1;
            let what = format!(
                "entry {seq} ({}, {actor}, {action} {subject})",
                format_time(at)
            );
            if seq != expected_seq {
                report.problems.push(format!(
                    "entries {expected_seq}..{} are missing: deleted from the log",
                    seq - 1
                ));
            }
            if prev_hash != prev {
                report.problems.push(format!(
                    "{what} does not follow the entry before it: an entry was deleted or replaced"
                ));
            }
            if entry_hash(seq, at, &actor, &action, &subject, &detail, &prev_hash) != hash {
                report
                    .problems
                    .push(format!("{what} was changed after it was written"));
            }
            prev = hash;
            expected_seq = seq + 1;
        }
        Ok(report)
    }
}

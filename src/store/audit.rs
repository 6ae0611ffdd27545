//! The append-only audit log, and what makes it accountable to outsiders.
//!
//! - **The chain**: each entry carries the hash of the one before it, so an entry edited or
//!   deleted breaks the chain. Version 1 entries hash `[seq, at, actor, action, subject,
//!   detail, prev_hash]`; version 2 entries (schema 9 on) hash `[2, seq, at, actor, action,
//!   subject, detail, record, prev_hash]`, where `record` is the SHA-256 of the row the entry
//!   speaks for (see `records`), or "". Each is the SHA-256 of that JSON array's compact text.
//! - **Seals**: whoever can write the database could recompute every hash after an edit. So
//!   the issuer key signs the chain's head (an `audit.seal` entry, whose detail holds the
//!   head's seq and hash, the DID, and the signature over
//!   `merit audit seal v1\nseq {seq}\nhash {hash}\n`). A rewrite behind a seal no longer
//!   matches it, and cannot be sealed again without the key.
//! - **Tables against the log**: every assessment, decision, award and revocation must match
//!   the record hash of its entry, and have one; so an edit in SQL, or deleting the newest
//!   entries, is found.
//! - **Published heads**: `merit audit head` prints the last sealed head for publishing;
//!   `merit audit verify --since-head SEQ:HASH` proves the log still extends it.

use std::collections::HashMap;

use super::db::{OptionalExtension, Transaction, params};
use anyhow::{Result, anyhow, bail};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Serialize;

use super::{Store, format_time, now, records};
use crate::hash::sha256_hex;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The action of a seal entry.
pub const SEAL: &str = "audit.seal";

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

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    version: i64,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    record: &str,
    prev: &str,
) -> String {
    // A JSON array is an unambiguous encoding of the fields (no separator tricks).
    let encoded = if version >= 2 {
        serde_json::json!([
            version, seq, at, actor, action, subject, detail, record, prev
        ])
    } else {
        serde_json::json!([seq, at, actor, action, subject, detail, prev])
    }
    .to_string();
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
    append_record(tx, actor, action, subject, detail, "")
}

/// [`append`], with the record hash of the row the entry speaks for.
pub fn append_record(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
    record: &str,
) -> Result<()> {
    let (seq, prev) = last(tx)?.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    let at = now();
    let hash = entry_hash(2, seq, at, actor, action, subject, detail, record, &prev);
    tx.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash, version, record)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 2, ?9)",
    )?
    .execute(params![seq, at, actor, action, subject, detail, prev, hash, record])?;
    Ok(())
}

/// Appends one entry per `(subject, detail, record)`, all by `actor` for `action`, chained
/// in order, in as few statements as the rows allow (approving stores a batch at a time).
pub fn append_records(
    tx: &Transaction<'_>,
    actor: &str,
    action: &str,
    entries: &[(String, String, String)],
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let (mut seq, mut prev) = last(tx)?.map_or((0, GENESIS.to_string()), |(s, h)| (s, h));
    let at = now();
    let mut rows: Vec<(i64, String, String)> = Vec::with_capacity(entries.len());
    for (subject, detail, record) in entries {
        seq += 1;
        let hash = entry_hash(2, seq, at, actor, action, subject, detail, record, &prev);
        rows.push((seq, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    let version = 2i64;
    let mut values: Vec<&dyn super::db::ToValue> = Vec::with_capacity(entries.len() * 10);
    for ((seq, prev_hash, hash), (subject, detail, record)) in rows.iter().zip(entries) {
        values.extend([
            seq as &dyn super::db::ToValue,
            &at,
            &actor,
            &action,
            subject,
            detail,
            prev_hash,
            hash,
            &version,
            record,
        ]);
    }
    tx.insert_rows(
        "INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash, version, record)",
        "",
        10,
        &values,
    )?;
    Ok(())
}

fn last(conn: &super::db::Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A signed head of the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Seal {
    pub seq: i64,
    pub hash: String,
    pub did: String,
    /// Base58btc multibase Ed25519 signature over [`seal_message`].
    pub signature: String,
}

impl Seal {
    /// `SEQ:HASH`, the form `--since-head` takes.
    pub fn head(&self) -> String {
        format!("{}:{}", self.seq, self.hash)
    }
}

/// The bytes a seal signs.
pub fn seal_message(seq: i64, hash: &str) -> String {
    format!("merit audit seal v1\nseq {seq}\nhash {hash}\n")
}

/// What `audit verify` found.
#[derive(Debug, Default, Serialize)]
pub struct AuditReport {
    pub entries: u64,
    pub seals: u64,
    /// Rows of the tables checked against their entries.
    pub records: u64,
    /// One line per problem, naming the entry or the row.
    pub problems: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// How `verify_audit` checks seals.
#[derive(Default)]
pub struct VerifyOptions {
    /// The public key of the workspace's issuer DID (its key file), for did:web issuers.
    pub issuer: Option<(String, VerifyingKey)>,
    /// A head published earlier (`SEQ:HASH`), which the log must still extend.
    pub since_head: Option<String>,
}

impl Store {
    pub fn audit(&mut self, actor: &str, action: &str, subject: &str, detail: &str) -> Result<()> {
        let tx = self.write()?;
        append(&tx, actor, action, subject, detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Signs the chain's current head with the issuer key and appends the seal (issuers).
    pub fn seal(&mut self, actor: &str, key: &SigningKey, did: &str) -> Result<Seal> {
        self.authorize(actor, crate::access::Action::AuditSeal)?;
        let tx = self.write()?;
        let (seq, hash) = last(&tx)?.ok_or_else(|| anyhow!("the audit log is empty"))?;
        let signature = key.sign(seal_message(seq, &hash).as_bytes());
        let seal = Seal {
            seq,
            hash,
            did: did.to_string(),
            signature: format!("z{}", bs58::encode(signature.to_bytes()).into_string()),
        };
        append(
            &tx,
            actor,
            SEAL,
            &format!("head {seq}"),
            &serde_json::to_string(&seal)?,
        )?;
        tx.commit()?;
        Ok(seal)
    }

    /// The latest seal, if any.
    pub fn last_seal(&self) -> Result<Option<Seal>> {
        let detail: Option<String> = self
            .conn
            .query_row(
                "SELECT detail FROM audit_log WHERE action = ?1 ORDER BY seq DESC LIMIT 1",
                [SEAL],
                |r| r.get(0),
            )
            .optional()?;
        detail
            .map(|d| serde_json::from_str(&d).map_err(|e| anyhow!("a seal is unreadable: {e}")))
            .transpose()
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

    /// Walks the whole chain and reports every break; see [`Store::verify_audit_with`].
    pub fn verify_audit(&self) -> Result<AuditReport> {
        self.verify_audit_with(&VerifyOptions::default())
    }

    /// The chain, every seal (signed by the DID the first seal pins, over a head still in
    /// the chain), a published head (`since_head`), and the tables against the log.
    pub fn verify_audit_with(&self, opts: &VerifyOptions) -> Result<AuditReport> {
        let mut report = AuditReport::default();
        let mut expected_seq = 1i64;
        let mut prev = GENESIS.to_string();
        // The hash the chain has at each seq (as recomputed), for the seals.
        let mut chain: HashMap<i64, String> = HashMap::new();
        let mut seals: Vec<(i64, String)> = Vec::new();
        // (action, key) -> (seq, record), from versioned entries.
        let mut recorded: HashMap<(String, String), (i64, String)> = HashMap::new();
        let mut first_versioned: Option<i64> = None;
        // Streamed: the log is read once, whatever its length, never held whole.
        self.conn.for_each(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash, version, record
             FROM audit_log ORDER BY seq",
            [],
            |r| {
                let seq: i64 = r.get(0)?;
                let at: i64 = r.get(1)?;
                let actor: String = r.get(2)?;
                let action: String = r.get(3)?;
                let subject: String = r.get(4)?;
                let detail: String = r.get(5)?;
                let prev_hash: String = r.get(6)?;
                let hash: String = r.get(7)?;
                let version: i64 = r.get(8)?;
                let record: String = r.get(9)?;
                report.entries += 1;
                let what = format!(
                    "entry {seq} ({}, {}, {} {})",
                    format_time(at),
                    crate::sanitize::line(&actor),
                    crate::sanitize::line(&action),
                    crate::sanitize::line(&subject)
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
                let computed = entry_hash(
                    version, seq, at, &actor, &action, &subject, &detail, &record, &prev_hash,
                );
                if computed != hash {
                    report
                        .problems
                        .push(format!("{what} was changed after it was written"));
                }
                if version >= 2 {
                    first_versioned.get_or_insert(at);
                    if !record.is_empty() {
                        recorded.insert(
                            (
                                action.clone(),
                                records::entry_key(&action, &actor, &subject),
                            ),
                            (seq, record),
                        );
                    }
                }
                if action == SEAL {
                    seals.push((seq, detail));
                }
                chain.insert(seq, hash.clone());
                prev = hash;
                expected_seq = seq + 1;
                Ok(())
            },
        )?;
        self.check_seals(&seals, &chain, opts, &mut report);
        if let Some(head) = &opts.since_head {
            check_head(head, &chain, &mut report);
        }
        // The tables against the log.
        let epoch = first_versioned.unwrap_or(i64::MAX);
        records::for_each(&self.conn, |row| {
            if row.at < epoch {
                return Ok(()); // written before entries recorded their rows
            }
            report.records += 1;
            match recorded.remove(&(row.action.to_string(), row.key.clone())) {
                Some((_, r)) if r == row.record => {}
                Some((seq, _)) => report.problems.push(format!(
                    "{} does not match its audit entry {seq}: it was changed in the database",
                    crate::sanitize::line(&row.what)
                )),
                None => report.problems.push(format!(
                    "{} has no audit entry: its entry was deleted, or it was written around Merit",
                    crate::sanitize::line(&row.what)
                )),
            }
            Ok(())
        })?;
        let mut orphans: Vec<(i64, String)> = recorded
            .into_iter()
            .map(|((action, key), (seq, _))| (seq, format!("{action} {key}")))
            .collect();
        orphans.sort();
        for (seq, what) in orphans {
            report.problems.push(format!(
                "entry {seq} records {}, which is no longer in the tables",
                crate::sanitize::line(&what)
            ));
        }
        Ok(report)
    }

    fn check_seals(
        &self,
        seals: &[(i64, String)],
        chain: &HashMap<i64, String>,
        opts: &VerifyOptions,
        report: &mut AuditReport,
    ) {
        let mut pinned: Option<String> = None;
        for (at_seq, detail) in seals {
            report.seals += 1;
            let seal: Seal = match serde_json::from_str(detail) {
                Ok(s) => s,
                Err(e) => {
                    report
                        .problems
                        .push(format!("the seal at entry {at_seq} is unreadable: {e}"));
                    continue;
                }
            };
            let did = pinned.get_or_insert_with(|| seal.did.clone()).clone();
            if seal.did != did {
                report.problems.push(format!(
                    "the seal at entry {at_seq} is by {}, but the first seal pinned {did}: the \
                     issuer key changed",
                    crate::sanitize::line(&seal.did)
                ));
                continue;
            }
            let key = match seal_key(&seal.did, opts) {
                Ok(k) => k,
                Err(e) => {
                    report
                        .problems
                        .push(format!("the seal at entry {at_seq} cannot be checked: {e}"));
                    continue;
                }
            };
            let signed = seal
                .signature
                .strip_prefix('z')
                .and_then(|s| bs58::decode(s).into_vec().ok())
                .and_then(|b| Signature::from_slice(&b).ok())
                .is_some_and(|sig| {
                    key.verify(seal_message(seal.seq, &seal.hash).as_bytes(), &sig)
                        .is_ok()
                });
            if !signed {
                report
                    .problems
                    .push(format!("the seal at entry {at_seq} is not signed by {did}"));
                continue;
            }
            if chain.get(&seal.seq) != Some(&seal.hash) {
                report.problems.push(format!(
                    "the sealed head {} (sealed at entry {at_seq}) is no longer in the chain: \
                     the log was rewritten behind that seal",
                    seal.head()
                ));
            }
        }
        if let (Some(did), Some((issuer, _))) = (&pinned, &opts.issuer)
            && did != issuer
        {
            report.problems.push(format!(
                "the seals are by {did}, but the workspace's issuer is now {issuer}: the issuer \
                 key changed"
            ));
        }
    }
}

/// The key a seal's DID names: did:key resolved here, else the workspace issuer's own.
fn seal_key(did: &str, opts: &VerifyOptions) -> Result<VerifyingKey> {
    if did.starts_with("did:key:") {
        return crate::credential::keys::resolve_did_key(did);
    }
    match &opts.issuer {
        Some((d, k)) if d == did => Ok(*k),
        _ => bail!("{did} is not a did:key and not the workspace's issuer"),
    }
}

fn check_head(head: &str, chain: &HashMap<i64, String>, report: &mut AuditReport) {
    let parsed = head
        .split_once(':')
        .and_then(|(s, h)| Some((s.parse::<i64>().ok()?, h)));
    let Some((seq, hash)) = parsed else {
        report.problems.push(format!(
            "--since-head `{}` is not SEQ:HASH",
            crate::sanitize::line(head)
        ));
        return;
    };
    match chain.get(&seq) {
        Some(h) if h == hash => {}
        Some(_) => report.problems.push(format!(
            "the published head {seq}:{hash} is no longer in the chain: entry {seq} was rewritten"
        )),
        None => report.problems.push(format!(
            "the published head {seq}:{hash} is no longer in the chain: the log ends before \
             entry {seq}"
        )),
    }
}

//! Issuing: credentials for approved submissions, built and signed on every core, stored with
//! their awards in one transaction per batch — never twice for the same submission.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow};
use ed25519_dalek::SigningKey;

use super::build::{self, AwardInput, Issuer};
use super::proof::{self, Suite};
use crate::store::Store;

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// What a batch approval did.
#[derive(Debug, Default, serde::Serialize)]
pub struct BatchReport {
    pub issued: Vec<String>,
    pub already_issued: usize,
    pub failed: Vec<String>,
    /// Stopped on request before every submission was handled (nothing half-issued).
    pub cancelled: bool,
}

/// Submissions signed per batch: read together, signed on all cores, stored in one transaction.
pub const BATCH: usize = 256;

/// The batch size: [`BATCH`], or `MERIT_APPROVE_BATCH` (tests use small batches to stop a run
/// part way).
pub fn batch_size() -> usize {
    std::env::var("MERIT_APPROVE_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(BATCH)
}

/// Everything needed to build one credential, read before signing.
struct Prepared {
    submission_id: i64,
    rubric: std::sync::Arc<crate::rubric::Rubric>,
    learner_name: String,
    learner_email: Option<String>,
    levels: std::collections::BTreeMap<String, String>,
    artifacts: Vec<crate::store::ArtifactRecord>,
}

/// Issues credentials for `ids`, signing on every core; memory stays flat (one batch at a time).
/// A submission that already has a credential (from an earlier run, or from another approval
/// running now) is never given a second. `progress(done, total)` is called after each batch.
#[allow(clippy::too_many_arguments)]
pub fn issue_batch(
    store: &mut Store,
    key: &SigningKey,
    issuer: &Issuer,
    ids: &[i64],
    suite: Suite,
    actor: &str,
    now: SystemTime,
    cancel: &AtomicBool,
    mut progress: impl FnMut(usize, usize),
) -> Result<BatchReport> {
    let mut report = BatchReport::default();
    let mut rubrics: std::collections::HashMap<String, std::sync::Arc<crate::rubric::Rubric>> =
        std::collections::HashMap::new();
    let issued_at = rfc3339(now);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let batch_len = batch_size();
    for (done, chunk) in ids.chunks(batch_len).enumerate() {
        if cancel.load(Ordering::Relaxed) {
            report.cancelled = true;
            break;
        }
        let mut prepared = Vec::with_capacity(chunk.len());
        for &id in chunk {
            if store.award(id)?.is_some() {
                report.already_issued += 1;
                continue;
            }
            let src = store.award_source(id)?;
            if src.status != "scored" {
                report.failed.push(format!(
                    "submission {id} is {}, not scored as meeting the rubric",
                    src.status
                ));
                continue;
            }
            let Some(assessment) = store.latest_submitted(id)? else {
                report
                    .failed
                    .push(format!("submission {id} has no submitted assessment"));
                continue;
            };
            let rubric = match rubrics.get(&src.rubric_hash) {
                Some(r) => r.clone(),
                None => {
                    let r = std::sync::Arc::new(store.load_rubric(&src.rubric_hash)?);
                    rubrics.insert(src.rubric_hash.clone(), r.clone());
                    r
                }
            };
            prepared.push(Prepared {
                submission_id: id,
                rubric,
                learner_name: src.learner_name,
                learner_email: src.learner_email,
                levels: assessment
                    .scores
                    .iter()
                    .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
                    .collect(),
                artifacts: src.artifacts,
            });
        }
        if !prepared.is_empty() {
            let first = store.reserve_status_indexes(prepared.len() as i64)?;
            let signed: Vec<Result<crate::store::SignedAward>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers.min(prepared.len()))
                    .map(|w| {
                        let prepared = &prepared;
                        let issued_at = &issued_at;
                        scope.spawn(move || {
                            prepared
                                .iter()
                                .enumerate()
                                .skip(w)
                                .step_by(workers)
                                .take_while(|_| !cancel.load(Ordering::Relaxed))
                                .map(|(i, p)| {
                                    (
                                        i,
                                        sign_one(
                                            p,
                                            key,
                                            issuer,
                                            suite,
                                            issued_at,
                                            now,
                                            first + i as i64,
                                        ),
                                    )
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                let mut all: Vec<(usize, Result<crate::store::SignedAward>)> = Vec::new();
                for h in handles {
                    match h.join() {
                        Ok(part) => all.extend(part),
                        Err(_) => all.push((usize::MAX, Err(anyhow!("a signing thread failed")))),
                    }
                }
                all.sort_by_key(|(i, _)| *i);
                all.into_iter().map(|(_, r)| r).collect()
            });
            // Cancelled while signing: the part-signed batch is dropped, never stored (its
            // reserved status indexes stay unused, which costs nothing).
            if cancel.load(Ordering::Relaxed) {
                report.cancelled = true;
                break;
            }
            let mut batch = Vec::with_capacity(signed.len());
            for s in signed {
                match s {
                    Ok(a) => batch.push(a),
                    Err(e) => report.failed.push(format!("{e:#}")),
                }
            }
            for (a, stored) in batch.iter().zip(store.insert_awards(&batch, actor)?) {
                if stored {
                    report.issued.push(a.credential_id.clone());
                } else {
                    report.already_issued += 1;
                }
            }
        }
        progress((done * batch_len + chunk.len()).min(ids.len()), ids.len());
    }
    Ok(report)
}

fn sign_one(
    p: &Prepared,
    key: &SigningKey,
    issuer: &Issuer,
    suite: Suite,
    issued_at: &str,
    now: SystemTime,
    index: i64,
) -> Result<crate::store::SignedAward> {
    let valid_until = p
        .rubric
        .achievement
        .valid_for_days
        .as_ref()
        .map(|d| rfc3339(now + Duration::from_secs(u64::from(d.value) * 86_400)));
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let credential_id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let doc = build::build(&AwardInput {
        credential_id: &credential_id,
        issuer,
        rubric: &p.rubric,
        learner_name: &p.learner_name,
        learner_email: p.learner_email.as_deref(),
        salt: &salt,
        levels: &p.levels,
        artifacts: &p.artifacts,
        issued_at,
        valid_until: valid_until.as_deref(),
        status_index: index as u64,
    });
    let signed = proof::sign(&doc, key, &issuer.verification_method, issued_at, suite)
        .map_err(|e| anyhow!("submission {}: {e:#}", p.submission_id))?;
    Ok(crate::store::SignedAward {
        submission_id: p.submission_id,
        credential_id,
        credential_json: serde_json::to_string_pretty(&signed)?,
        status_index: index,
    })
}

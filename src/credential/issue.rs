//! Issuing: credentials for approved submissions, built and signed on every core, stored with
//! their awards in one transaction per batch — never twice for the same submission.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow};
use ed25519_dalek::SigningKey;

use super::build::{self, AwardInput, Issuer};
use super::proof::{self, Suite};
use crate::rubric::Rubric;
use crate::store::{SharedPart, SignedAward, Store, share_parts};

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

/// Batches signed ahead of the one being stored: the database work of one thread never leaves
/// the signing threads idle.
const AHEAD: usize = 2;

/// Submissions signed per batch: read together, signed on all cores, stored in one transaction.
pub const BATCH: usize = 256;

/// Submissions per batch on PostgreSQL, where each statement and commit is a round trip:
/// at 100,000 with eddsa-jcs-2022, 1,024 took 26.7 s where 256 took 32.6 s.
pub const BATCH_POSTGRES: usize = 1024;

/// The batch size: [`BATCH`], or `MERIT_APPROVE_BATCH` (tests use small batches to stop a run
/// part way).
pub fn batch_size() -> usize {
    std::env::var("MERIT_APPROVE_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(BATCH)
}

/// [`batch_size`] for the workspace's database: [`BATCH_POSTGRES`] on PostgreSQL unless
/// `MERIT_APPROVE_BATCH` says otherwise.
pub fn batch_size_for(store: &Store) -> usize {
    match (std::env::var_os("MERIT_APPROVE_BATCH"), store.backend()) {
        (None, crate::store::db::Backend::Postgres) => BATCH_POSTGRES,
        _ => batch_size(),
    }
}

/// A rubric version and its achievement (as built, and as a shared part), loaded once.
type RubricParts = (Arc<Rubric>, Arc<(serde_json::Value, SharedPart)>);

/// Everything needed to build one credential, read before signing.
struct Prepared {
    submission_id: i64,
    rubric: Arc<Rubric>,
    /// The rubric's achievement, built once per approval and rubric version, and the same
    /// as a part stored once for every credential that has it.
    achievement: Arc<(serde_json::Value, SharedPart)>,
    learner_name: String,
    learner_email: Option<String>,
    levels: std::collections::BTreeMap<String, String>,
    artifacts: Vec<crate::store::ArtifactRecord>,
    route: crate::vocabulary::Route,
}

/// What signing a batch needs besides the batch itself.
struct Signer<'a> {
    key: &'a SigningKey,
    issuer: &'a Issuer,
    suite: Suite,
    issued_at: &'a str,
    now: SystemTime,
    workers: usize,
    cancel: &'a AtomicBool,
    /// The issuer's profile, as embedded in every credential, and as a shared part.
    profile: (serde_json::Value, SharedPart),
}

impl Signer<'_> {
    /// Signs every `stripes`-th credential of a batch from `stripe` on; stops early (partly
    /// signed) when cancelled. Returns each with its place in the batch.
    fn sign_stripe(&self, job: &Job) -> Vec<(usize, Result<SignedAward>)> {
        job.prepared
            .iter()
            .enumerate()
            .skip(job.stripe)
            .step_by(job.stripes)
            .take_while(|_| !self.cancel.load(Ordering::Relaxed))
            .map(|(i, p)| (i, self.sign_one(p, job.first + i as i64)))
            .collect()
    }
}

/// Issues credentials for `ids`, signing on every core; memory stays flat (three batches at
/// a time). While batches are signed, the next is read and the oldest stored, so the
/// database work overlaps the signing. Each batch is stored with its awards in one
/// transaction. A submission that already has a credential (from an earlier run, or from
/// another approval running now) is never given a second. `progress(done, total)` is called
/// after each batch is stored.
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
    let mut rubrics = HashMap::new();
    let issued_at = rfc3339(now);
    let signer = Signer {
        key,
        issuer,
        suite,
        issued_at: &issued_at,
        now,
        workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cancel,
        profile: {
            let p = issuer.profile();
            let part = SharedPart::new(&p);
            (p, part)
        },
    };
    let signer = &signer;
    let batch_len = batch_size_for(store);
    std::thread::scope(|scope| -> Result<()> {
        // One signing thread per core for the whole approval (no thread per batch: threads
        // that come and go leave their allocator memory behind), each taking its stripe of
        // every batch in turn.
        let pool: Vec<Sender<Job>> = (0..signer.workers)
            .map(|_| {
                let (tx, rx) = channel::<Job>();
                scope.spawn(move || {
                    for job in rx {
                        let _ = job.reply.send(signer.sign_stripe(&job));
                    }
                });
                tx
            })
            .collect();
        // Batches being signed, oldest first: (submissions covered, where their stripes come
        // back).
        let mut in_flight: VecDeque<(usize, Receiver<Stripe>)> = VecDeque::new();
        let mut handled = 0;
        let mut store_oldest = |in_flight: &mut VecDeque<(usize, Receiver<Stripe>)>,
                                store: &mut Store,
                                report: &mut BatchReport|
         -> Result<()> {
            if let Some((len, replies)) = in_flight.pop_front() {
                store_signed(store, collect(&replies, pool.len()), actor, cancel, report)?;
                handled += len;
                progress(handled.min(ids.len()), ids.len());
            }
            Ok(())
        };
        for chunk in ids.chunks(batch_len) {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            let prepared = Arc::new(prepare(store, chunk, &mut rubrics, issuer, &mut report)?);
            let first = if prepared.is_empty() {
                0
            } else {
                store.reserve_status_indexes(prepared.len() as i64)?
            };
            let (reply, replies) = channel();
            for (stripe, worker) in pool.iter().enumerate() {
                worker
                    .send(Job {
                        prepared: Arc::clone(&prepared),
                        first,
                        stripe,
                        stripes: pool.len(),
                        reply: reply.clone(),
                    })
                    .map_err(|_| anyhow!("a signing thread stopped"))?;
            }
            in_flight.push_back((chunk.len(), replies));
            // Two batches signed ahead of the one being stored keep every core busy.
            if in_flight.len() > AHEAD {
                store_oldest(&mut in_flight, store, &mut report)?;
            }
        }
        while !in_flight.is_empty() {
            store_oldest(&mut in_flight, store, &mut report)?;
        }
        report.cancelled = handled < ids.len();
        Ok(())
    })?;
    Ok(report)
}

/// A batch's signed credentials in order, from the stripes its workers send back.
fn collect(replies: &Receiver<Stripe>, stripes: usize) -> Vec<Result<SignedAward>> {
    let mut all: Vec<(usize, Result<SignedAward>)> = Vec::new();
    for _ in 0..stripes {
        match replies.recv() {
            Ok(part) => all.extend(part),
            Err(_) => all.push((usize::MAX, Err(anyhow!("a signing thread failed")))),
        }
    }
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// A share of a batch for one signing thread.
struct Job {
    prepared: Arc<Vec<Prepared>>,
    first: i64,
    stripe: usize,
    stripes: usize,
    reply: Sender<Stripe>,
}

/// Signed credentials with their places in the batch.
type Stripe = Vec<(usize, Result<SignedAward>)>;

/// Reads what a batch of credentials is built from; notes what cannot be issued.
fn prepare(
    store: &Store,
    chunk: &[i64],
    rubrics: &mut HashMap<String, RubricParts>,
    issuer: &Issuer,
    report: &mut BatchReport,
) -> Result<Vec<Prepared>> {
    let mut prepared = Vec::with_capacity(chunk.len());
    let mut sources = store.issue_sources(chunk)?;
    // In the order asked for.
    let place: HashMap<i64, usize> = chunk.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    sources.sort_by_key(|s| place.get(&s.submission_id).copied());
    let found: std::collections::HashSet<i64> = sources.iter().map(|s| s.submission_id).collect();
    for id in chunk {
        if !found.contains(id) {
            report.failed.push(format!("there is no submission {id}"));
        }
    }
    for src in sources {
        let id = src.submission_id;
        if src.awarded {
            report.already_issued += 1;
            continue;
        }
        if src.status != "scored" {
            report.failed.push(format!(
                "submission {id} is {}, not scored as meeting the rubric",
                src.status
            ));
            continue;
        }
        if !src.assessed {
            report
                .failed
                .push(format!("submission {id} has no submitted assessment"));
            continue;
        }
        let (rubric, achievement) = match rubrics.get(&src.rubric_hash) {
            Some((r, a)) => (Arc::clone(r), Arc::clone(a)),
            None => {
                let r = Arc::new(store.load_rubric(&src.rubric_hash)?);
                let version = store
                    .rubric_version_by_prefix(&src.rubric_hash)?
                    .map(|v| v.version);
                let a = build::achievement_of_version(issuer, &r, version);
                let part = SharedPart::new(&a);
                let a = Arc::new((a, part));
                rubrics.insert(src.rubric_hash.clone(), (Arc::clone(&r), Arc::clone(&a)));
                (r, a)
            }
        };
        prepared.push(Prepared {
            submission_id: id,
            rubric,
            achievement,
            learner_name: src.learner_name,
            learner_email: src.learner_email,
            levels: src.levels,
            artifacts: src.artifacts,
            route: src.route,
        });
    }
    Ok(prepared)
}

/// Stores a signed batch in one transaction — unless cancelling cut its signing short, when it
/// is dropped whole (its reserved status indexes stay unused, which costs nothing).
fn store_signed(
    store: &mut Store,
    signed: Vec<Result<SignedAward>>,
    actor: &str,
    cancel: &AtomicBool,
    report: &mut BatchReport,
) -> Result<()> {
    if cancel.load(Ordering::Relaxed) {
        return Ok(());
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
    Ok(())
}

impl Signer<'_> {
    fn sign_one(&self, p: &Prepared, index: i64) -> Result<SignedAward> {
        let (issuer, issued_at, now) = (self.issuer, self.issued_at, self.now);
        let valid_until = p
            .rubric
            .achievement
            .valid_for_days
            .as_ref()
            .map(|d| rfc3339(now + Duration::from_secs(u64::from(d.value) * 86_400)));
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
        let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
        // UUIDv7 (RFC 9562): unique and random like v4, but ordered by time, so that a large
        // approval appends to the credential-id index instead of writing all over it.
        let credential_id = format!("urn:uuid:{}", uuid::Uuid::now_v7());
        let doc = build::build(&AwardInput {
            credential_id: &credential_id,
            issuer,
            rubric: &p.rubric,
            learner_name: &p.learner_name,
            learner_email: p.learner_email.as_deref(),
            salt: &salt,
            levels: &p.levels,
            artifacts: &p.artifacts,
            route: p.route,
            issued_at,
            valid_until: valid_until.as_deref(),
            status_index: index as u64,
            achievement: Some(&p.achievement.0),
        });
        let signed = proof::sign_owned(
            doc,
            self.key,
            &issuer.verification_method,
            issued_at,
            self.suite,
        )
        .map_err(|e| anyhow!("submission {}: {e:#}", p.submission_id))?;
        let mut signed = signed;
        let (achievement, achievement_part) = &*p.achievement;
        let parts = share_parts(
            &mut signed,
            &[
                (
                    &["credentialSubject", "achievement"],
                    achievement_part,
                    achievement,
                ),
                (&["issuer"], &self.profile.1, &self.profile.0),
            ],
        );
        Ok(SignedAward {
            submission_id: p.submission_id,
            credential_id,
            credential_json: serde_json::to_string(&signed)?,
            status_index: index,
            valid_until,
            parts,
        })
    }
}

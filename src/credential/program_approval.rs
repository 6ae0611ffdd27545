//! Approving a pathway: which learners get a program credential (the preview), and signing
//! them with an audit trail, a batch per transaction, never twice for one learner.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use anyhow::{Result, anyhow};
use ed25519_dalek::SigningKey;
use serde::Serialize;
use serde_json::Value;

use super::approval::{Approver, OWN_WORK};
use super::build::Issuer;
use super::issue::{BatchReport, batch_size, rfc3339};
use super::program::{self, Component, ProgramInput};
use super::proof::{self, Suite};
use crate::pathway::{self, Pathway};
use crate::store::Store;
use crate::store::pathways::PathwayVersion;
use crate::store::programs::{HeldBadge, Holder, SignedProgram, Stored};

/// Learners named per line of the preview (the JSON names every one).
const LISTED: usize = 8;

/// A learner who gets a program credential, and the badges it rests on.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Candidate {
    pub learner: String,
    #[serde(skip)]
    pub holder: Holder,
    /// The component credentials: for each rubric the pathway counts, the badge that earns it.
    pub components: Vec<String>,
    #[serde(skip)]
    badges: Vec<HeldBadge>,
}

/// What approving a pathway will do, worked out before anything is signed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ProgramPlan {
    pub pathway: String,
    pub version: i64,
    pub to_issue: Vec<Candidate>,
    /// Learners holding an unrevoked program credential of this pathway already.
    pub already_issued: Vec<String>,
    /// Selected learners who have not earned it, with what is missing.
    pub not_earned: Vec<(String, Vec<String>)>,
    /// Selected learners left out, with the reason.
    pub excluded: Vec<(String, String)>,
    #[serde(skip)]
    pathway_version: PathwayVersion,
    #[serde(skip)]
    parsed: Pathway,
}

impl ProgramPlan {
    /// The plan for pathway `spec` (`ID` or `ID@N`): every learner who has earned it
    /// (`learners` is `None`), or only those named.
    pub fn new(
        store: &Store,
        spec: &str,
        approver: &Approver,
        learners: Option<&[String]>,
    ) -> Result<ProgramPlan> {
        let (version, p) = store.load_pathway(spec)?;
        let holding: HashSet<String> = store
            .program_awards(Some(&version.pathway_id), None)?
            .into_iter()
            .filter(|a| a.current)
            .map(|a| a.learner)
            .collect();
        let mut holders = match learners {
            Some([one]) => store.holders(Some(one))?,
            _ => store.holders(None)?,
        };
        let mut plan = ProgramPlan {
            pathway: version.pathway_id.clone(),
            version: version.version,
            to_issue: Vec::new(),
            already_issued: Vec::new(),
            not_earned: Vec::new(),
            excluded: Vec::new(),
            pathway_version: version,
            parsed: p.clone(),
        };
        let components = p.requires.rubric_ids();
        let selected: Vec<String> = match learners {
            Some(keys) => keys.to_vec(),
            None => holders
                .iter()
                .filter(|(_, h)| {
                    h.badges
                        .iter()
                        .any(|b| components.contains(&b.rubric_id.as_str()))
                })
                .map(|(k, _)| k.clone())
                .collect(),
        };
        for key in selected {
            if holding.contains(&key) {
                plan.already_issued.push(key);
                continue;
            }
            let Some(holder) = holders.remove(&key) else {
                if store.learner_exists(&key)? {
                    let none = pathway::eval::Held::default();
                    plan.not_earned
                        .push((key, pathway::eval::missing(&p.requires, &none)));
                } else {
                    plan.excluded.push((key, "no such learner".into()));
                }
                continue;
            };
            let mut held = pathway::eval::Held::default();
            for b in &holder.badges {
                held.add(&b.rubric_id, b.issued_at);
            }
            let Some(witness) = pathway::eval::witness(&p.requires, &held) else {
                plan.not_earned
                    .push((key, pathway::eval::missing(&p.requires, &held)));
                continue;
            };
            let badges: Vec<HeldBadge> = witness
                .iter()
                .filter_map(|(r, t)| {
                    holder
                        .badges
                        .iter()
                        .rfind(|b| b.rubric_id == *r && b.issued_at == *t)
                        .cloned()
                })
                .collect();
            let subs: Vec<i64> = badges.iter().map(|b| b.submission_id).collect();
            if !approver.self_approval && store.assessed_any(&subs, &approver.name)? {
                plan.excluded.push((key, OWN_WORK.to_string()));
                continue;
            }
            plan.to_issue.push(Candidate {
                learner: key,
                holder,
                components: badges.iter().map(|b| b.credential_id.clone()).collect(),
                badges,
            });
        }
        Ok(plan)
    }

    /// The preview, one sentence per line.
    pub fn describe(&self, suite: Suite, issuer_did: &str) -> Vec<String> {
        let mut lines = vec![format!(
            "{} program credential(s) of {} (version {}) to issue, signed with {} as {issuer_did}",
            self.to_issue.len(),
            self.pathway,
            self.version,
            suite.name()
        )];
        let some = |lines: &mut Vec<String>, items: Vec<String>| {
            let n = items.len();
            lines.extend(items.into_iter().take(LISTED).map(|l| format!("  {l}")));
            if n > LISTED {
                lines.push(format!(
                    "  … and {} more (--json lists every one)",
                    n - LISTED
                ));
            }
        };
        some(
            &mut lines,
            self.to_issue
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} component credential(s)",
                        c.learner,
                        c.components.len()
                    )
                })
                .collect(),
        );
        lines.push(format!(
            "{} already hold one; {} have not earned it",
            self.already_issued.len(),
            self.not_earned.len()
        ));
        some(
            &mut lines,
            self.not_earned
                .iter()
                .map(|(k, missing)| format!("{k}: missing {}", missing.join(", ")))
                .collect(),
        );
        lines.push(format!("{} excluded", self.excluded.len()));
        some(
            &mut lines,
            self.excluded
                .iter()
                .map(|(k, why)| format!("{k}: {why}"))
                .collect(),
        );
        lines
    }
}

/// Carries out `plan`: records it in the audit log, signs the program credentials a batch at
/// a time on every core, stores each batch in one transaction (a learner who got one in the
/// meantime keeps theirs), and records how it ended. `progress(done, total)` after each batch.
#[allow(clippy::too_many_arguments)]
pub fn approve_program(
    store: &mut Store,
    key: &SigningKey,
    issuer: &Issuer,
    plan: &ProgramPlan,
    suite: Suite,
    actor: &str,
    cancel: &AtomicBool,
    mut progress: impl FnMut(usize, usize),
) -> Result<BatchReport> {
    store.audit(
        actor,
        "pathway.approve",
        &plan.pathway,
        &format!(
            "version {}: {} to issue with {} as {}; {} already hold one; {} not earned; {} excluded",
            plan.version,
            plan.to_issue.len(),
            suite.name(),
            issuer.did,
            plan.already_issued.len(),
            plan.not_earned.len(),
            plan.excluded.len()
        ),
    )?;
    let titles: BTreeMap<String, String> = plan
        .parsed
        .requires
        .rubric_ids()
        .into_iter()
        .map(|r| {
            let name = store
                .current_rubric(r)
                .ok()
                .flatten()
                .and_then(|v| store.load_rubric(&v.hash).ok())
                .map_or_else(|| r.to_string(), |rb| rb.achievement.name.value);
            (r.to_string(), name)
        })
        .collect();
    let achievement = program::achievement(issuer, &plan.parsed, plan.version, &|r| {
        titles.get(r).cloned().unwrap_or_else(|| r.to_string())
    });
    let now = SystemTime::now();
    let issued_at = rfc3339(now);
    let mut report = BatchReport::default();
    let total = plan.to_issue.len();
    let mut done = 0;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut parts = std::collections::HashMap::new();
    for chunk in plan.to_issue.chunks(batch_size()) {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        // The components as stored, read before signing (each shared part parsed once).
        let mut components: Vec<Vec<Value>> = Vec::with_capacity(chunk.len());
        for c in chunk {
            let mut docs = Vec::with_capacity(c.components.len());
            for cid in &c.components {
                docs.push(
                    store
                        .credential_value(cid, &mut parts)?
                        .ok_or_else(|| anyhow!("the component credential {cid} is gone"))?,
                );
            }
            components.push(docs);
        }
        let first = store.reserve_status_indexes(chunk.len() as i64)?;
        let job = SignJob {
            key,
            issuer,
            suite,
            pathway: &plan.parsed,
            version: &plan.pathway_version,
            achievement: &achievement,
            issued_at: &issued_at,
            now,
        };
        let per = chunk.len().div_ceil(workers).max(1);
        let signed: Vec<Result<SignedProgram>> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .chunks(per)
                .zip(components.chunks(per))
                .enumerate()
                .map(|(n, (cands, docs))| {
                    let job = &job;
                    scope.spawn(move || {
                        cands
                            .iter()
                            .zip(docs)
                            .enumerate()
                            .map(|(i, (c, d))| job.sign(c, d, first + (n * per + i) as i64))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| {
                    h.join()
                        .unwrap_or_else(|_| vec![Err(anyhow!("a signing thread failed"))])
                })
                .collect()
        });
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let mut batch = Vec::with_capacity(signed.len());
        for s in signed {
            match s {
                Ok(a) => batch.push(a),
                Err(e) => report.failed.push(format!("{e:#}")),
            }
        }
        for (a, stored) in batch
            .iter()
            .zip(store.insert_program_awards(&batch, actor)?)
        {
            match stored {
                Stored::Issued => report.issued.push(a.credential_id.clone()),
                Stored::AlreadyHeld => report.already_issued += 1,
                Stored::ComponentLapsed(cid) => report.failed.push(format!(
                    "{}: the component credential {cid} was revoked or expired meanwhile",
                    a.learner
                )),
            }
        }
        done += chunk.len();
        progress(done, total);
    }
    report.cancelled = done < total;
    store.audit(
        actor,
        if report.cancelled {
            "pathway.approve.cancelled"
        } else {
            "pathway.approve.done"
        },
        &plan.pathway,
        &format!(
            "{} issued; {} already had one; {} failed",
            report.issued.len(),
            report.already_issued,
            report.failed.len()
        ),
    )?;
    Ok(report)
}

/// What signing one program credential needs besides the learner.
struct SignJob<'a> {
    key: &'a SigningKey,
    issuer: &'a Issuer,
    suite: Suite,
    pathway: &'a Pathway,
    version: &'a PathwayVersion,
    achievement: &'a Value,
    issued_at: &'a str,
    now: SystemTime,
}

impl SignJob<'_> {
    fn sign(&self, c: &Candidate, docs: &[Value], index: i64) -> Result<SignedProgram> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
        let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
        let credential_id = format!("urn:uuid:{}", uuid::Uuid::now_v7());
        let comps: Vec<Component<'_>> = docs.iter().map(|d| Component { credential: d }).collect();
        let doc = program::build(&ProgramInput {
            credential_id: &credential_id,
            issuer: self.issuer,
            pathway: self.pathway,
            achievement: self.achievement,
            learner_name: &c.holder.name,
            learner_email: c.holder.email.as_deref(),
            salt: &salt,
            components: &comps,
            issued_at: self.issued_at,
            now: self.now,
            status_index: index as u64,
        })?;
        let valid_until = doc["validUntil"].as_str().map(str::to_string);
        let signed = proof::sign_owned(
            doc,
            self.key,
            &self.issuer.verification_method,
            self.issued_at,
            self.suite,
        )
        .map_err(|e| anyhow!("{}: {e:#}", c.learner))?;
        Ok(SignedProgram {
            pathway_id: self.version.pathway_id.clone(),
            pathway_hash: self.version.hash.clone(),
            learner_id: c.holder.learner_id,
            learner: c.learner.clone(),
            credential_id,
            credential_json: serde_json::to_string(&signed)?,
            status_index: index,
            valid_until,
            components: c
                .badges
                .iter()
                .map(|b| (b.credential_id.clone(), b.submission_id))
                .collect(),
        })
    }
}

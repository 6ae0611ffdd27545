//! Approving a cohort: what an approval will do (the preview), and doing it with an audit
//! trail. The workbench and `merit approve` share both, so they cannot disagree.

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::SystemTime;

use anyhow::Result;
use ed25519_dalek::SigningKey;
use serde::Serialize;

use super::build::Issuer;
use super::issue::{BatchReport, issue_batch};
use super::proof::Suite;
use crate::store::{CohortRow, Store};

/// Who approves, for separation of duties: an issuer never approves work they assessed
/// (either marking) unless the workspace's `self-approval` policy allows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Approver {
    pub name: String,
    /// The `self-approval` policy is `allowed`.
    pub self_approval: bool,
}

impl Approver {
    /// The approver `name`, with the workspace's policy.
    pub fn new(store: &Store, name: &str) -> Result<Approver> {
        Ok(Approver {
            name: name.to_string(),
            self_approval: crate::store::policies::self_approval_allowed(store)?,
        })
    }
}

/// Why an approver's own work is left out.
pub const OWN_WORK: &str = "assessed by the approver (separation of duties)";

/// What approving a selection will do, worked out before anything is signed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Plan {
    pub cohort_id: String,
    /// Submissions that get a credential.
    pub to_issue: Vec<i64>,
    /// Selected "not yet" results, whose feedback goes back to the learner.
    pub not_yet: Vec<i64>,
    /// Selected submissions left out, with the reason.
    pub excluded: Vec<(i64, String)>,
    #[serde(skip)]
    approver: Approver,
}

impl Plan {
    /// Sorts the `selected` rows of a cohort into to issue, not yet and excluded, for
    /// `approver`.
    pub fn new<'a>(
        cohort_id: &str,
        approver: &Approver,
        selected: impl IntoIterator<Item = &'a CohortRow>,
    ) -> Plan {
        let mut plan = Plan {
            cohort_id: cohort_id.to_string(),
            approver: approver.clone(),
            ..Plan::default()
        };
        for row in selected {
            plan.add(row);
        }
        plan
    }

    /// The plan for the rows of a cohort that `select` picks, read from the store a row at a
    /// time (memory stays flat however large the cohort).
    pub fn for_cohort(
        store: &Store,
        cohort_id: &str,
        approver: &Approver,
        claim_idle_secs: i64,
        now: i64,
        mut select: impl FnMut(&CohortRow) -> bool,
    ) -> Result<Plan> {
        let mut plan = Plan::new(cohort_id, approver, []);
        store.for_each_cohort_row(cohort_id, claim_idle_secs, now, |row| {
            if select(&row) {
                plan.add(&row);
            }
            Ok(())
        })?;
        Ok(plan)
    }

    /// Sorts one selected row into to issue, not yet or excluded.
    pub fn add(&mut self, row: &CohortRow) {
        let own = row
            .assessors
            .split(", ")
            .any(|a| !a.is_empty() && a == self.approver.name);
        match row.can_issue() {
            Ok(()) if own && !self.approver.self_approval => self
                .excluded
                .push((row.submission_id, OWN_WORK.to_string())),
            Ok(()) => self.to_issue.push(row.submission_id),
            Err("not yet") => self.not_yet.push(row.submission_id),
            Err(why) => self.excluded.push((row.submission_id, why.to_string())),
        }
    }

    /// How many were excluded for each reason, most common first.
    pub fn excluded_by_reason(&self) -> Vec<(String, usize)> {
        let mut by: BTreeMap<&str, usize> = BTreeMap::new();
        for (_, why) in &self.excluded {
            *by.entry(why.as_str()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = by.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// The preview, one sentence per line.
    pub fn describe(&self, suite: Suite, issuer_did: &str) -> Vec<String> {
        let mut lines = vec![
            format!(
                "{} credential(s) to issue, signed with {} as {issuer_did}",
                self.to_issue.len(),
                suite.name()
            ),
            format!(
                "{} \"not yet\" result(s): no credential; their feedback goes back to the learner",
                self.not_yet.len()
            ),
        ];
        let excluded = self.excluded_by_reason();
        if excluded.is_empty() {
            lines.push("0 excluded".to_string());
        } else {
            let why: Vec<String> = excluded.iter().map(|(w, n)| format!("{n} {w}")).collect();
            lines.push(format!(
                "{} excluded: {}",
                self.excluded.len(),
                why.join(", ")
            ));
        }
        lines
    }
}

/// Carries out `plan`: records the approval (who, what, how) in the audit log, issues the
/// credentials (see [`issue_batch`]: each batch is stored with its awards in one transaction,
/// never twice), and records how it ended.
#[allow(clippy::too_many_arguments)]
pub fn approve(
    store: &mut Store,
    key: &SigningKey,
    issuer: &Issuer,
    plan: &Plan,
    suite: Suite,
    actor: &str,
    cancel: &AtomicBool,
    progress: impl FnMut(usize, usize),
) -> Result<BatchReport> {
    store.audit(
        actor,
        "cohort.approve",
        &plan.cohort_id,
        &format!(
            "{} to issue with {} as {}; {} not yet returned; {} excluded",
            plan.to_issue.len(),
            suite.name(),
            issuer.did,
            plan.not_yet.len(),
            plan.excluded.len()
        ),
    )?;
    let report = issue_batch(
        store,
        key,
        issuer,
        &plan.to_issue,
        suite,
        actor,
        SystemTime::now(),
        cancel,
        progress,
    )?;
    store.audit(
        actor,
        if report.cancelled {
            "cohort.approve.cancelled"
        } else {
            "cohort.approve.done"
        },
        &plan.cohort_id,
        &format!(
            "{} issued; {} already had one; {} failed",
            report.issued.len(),
            report.already_issued,
            report.failed.len()
        ),
    )?;
    Ok(report)
}

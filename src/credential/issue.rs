//! Issuing: the credential for one approved submission, built, signed and stored with its
//! award in one transaction — never twice for the same submission.

use std::time::{Duration, SystemTime};

use anyhow::{Result, anyhow};
use ed25519_dalek::SigningKey;

use super::build::{self, AwardInput, Issuer};
use super::proof::{self, Suite};
use crate::store::{Award, Store};

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

/// Issues the credential for `submission_id` (scored as meeting the rubric). `None` when it
/// already has one.
pub fn issue_one(
    store: &mut Store,
    key: &SigningKey,
    issuer: &Issuer,
    submission_id: i64,
    suite: Suite,
    actor: &str,
    now: SystemTime,
) -> Result<Option<Award>> {
    let src = store.award_source(submission_id)?;
    let rubric = store.load_rubric(&src.rubric_hash)?;
    let assessment = store
        .latest_submitted(submission_id)?
        .ok_or_else(|| anyhow!("submission {submission_id} has no submitted assessment"))?;
    let levels = assessment
        .scores
        .iter()
        .filter_map(|s| Some((s.criterion.clone(), s.level.clone()?)))
        .collect();
    let issued_at = rfc3339(now);
    let valid_until = rubric
        .achievement
        .valid_for_days
        .as_ref()
        .map(|d| rfc3339(now + Duration::from_secs(u64::from(d.value) * 86_400)));
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| anyhow!("no random source: {e}"))?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let credential_id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    store.insert_award(submission_id, actor, |index| {
        let doc = build::build(&AwardInput {
            credential_id: &credential_id,
            issuer,
            rubric: &rubric,
            learner_name: &src.learner_name,
            learner_email: src.learner_email.as_deref(),
            salt: &salt,
            levels: &levels,
            artifacts: &src.artifacts,
            issued_at: &issued_at,
            valid_until: valid_until.as_deref(),
            status_index: index as u64,
        });
        let signed = proof::sign(&doc, key, &issuer.verification_method, &issued_at, suite)?;
        Ok((
            credential_id.clone(),
            serde_json::to_string_pretty(&signed)?,
        ))
    })
}

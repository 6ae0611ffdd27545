//! What a learner's record (`merit transcript`, CLR 2.0) is made of: the learner's current
//! credentials, component and program alike, and how many were left out.

use anyhow::{Result, bail};

use super::Store;
use crate::access::Action;

/// A learner's credentials for their record.
#[derive(Clone, Debug, Default)]
pub struct TranscriptSource {
    pub name: String,
    pub email: Option<String>,
    /// Current credentials (not revoked, not expired), as stored, oldest first.
    pub credentials: Vec<String>,
    /// Current program credentials, each with the ids of its component credentials.
    pub programs: Vec<(String, Vec<String>)>,
    /// Credentials and program credentials left out: revoked or expired.
    pub left_out: usize,
}

impl Store {
    /// The credentials of learner `key` for their record (issuers).
    pub fn transcript_source(&mut self, key: &str, actor: &str) -> Result<TranscriptSource> {
        self.authorize(actor, Action::IssueTranscript)?;
        let found: Option<(String, Option<String>)> = {
            use super::db::OptionalExtension;
            self.conn
                .query_row(
                    "SELECT name, email FROM learners WHERE key = ?1",
                    [key],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
        };
        let Some((name, email)) = found else {
            bail!(
                "no learner `{}` in this workspace",
                crate::sanitize::line(key)
            );
        };
        let mut out = TranscriptSource {
            name,
            email,
            ..TranscriptSource::default()
        };
        let current: Vec<String> = self
            .holders(Some(key))?
            .remove(key)
            .map(|h| h.badges.into_iter().map(|b| b.credential_id).collect())
            .unwrap_or_default();
        let all: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM awards w JOIN submissions s ON s.id = w.submission_id
             JOIN learners l ON l.id = s.learner_id WHERE l.key = ?1",
            [key],
            |r| r.get(0),
        )?;
        out.left_out += (all as usize).saturating_sub(current.len());
        for id in current {
            if let Some(a) = self.award_by_credential(&id)? {
                out.credentials.push(a.credential_json);
            }
        }
        let now = crate::credential::issue::rfc3339(std::time::SystemTime::now());
        for p in self.program_awards(None, Some(key))? {
            let expired = p.valid_until.as_deref().is_some_and(|u| u <= now.as_str());
            if p.revoked_at.is_some() || expired {
                out.left_out += 1;
            } else {
                out.programs.push((p.credential_json, p.components));
            }
        }
        Ok(out)
    }

    /// Records in the audit log that a learner's record was signed (issuers).
    pub fn record_transcript(
        &mut self,
        key: &str,
        credential_id: &str,
        embedded: usize,
        partial: bool,
        actor: &str,
    ) -> Result<()> {
        self.authorize(actor, Action::IssueTranscript)?;
        self.audit(
            actor,
            "transcript.issue",
            key,
            &format!(
                "{credential_id}: {embedded} credential(s){}",
                if partial {
                    ", partial (revoked or expired ones left out)"
                } else {
                    ""
                }
            ),
        )
    }
}

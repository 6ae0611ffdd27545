//! Messages sent to learners: recorded when the server accepted them.

use super::db::params;
use anyhow::Result;

use super::{Store, audit, now};

impl Store {
    /// Whether the `kind` message for a submission was accepted by the server already.
    pub fn notified(&self, submission_id: i64, kind: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM notifications WHERE submission_id = ?1 AND kind = ?2)",
            params![submission_id, kind],
            |r| r.get(0),
        )?)
    }

    /// Whether the program badge `credential_id` was e-mailed to its learner.
    pub fn program_notified(&self, credential_id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM program_notifications WHERE credential_id = ?1)",
            [credential_id],
            |r| r.get(0),
        )?)
    }

    /// Records that the server accepted a program badge's message (issuers; audited in the
    /// same transaction).
    pub fn record_program_notification(
        &mut self,
        credential_id: &str,
        message_id: &str,
        recipient: &str,
        actor: &str,
    ) -> Result<()> {
        self.authorize(actor, crate::access::Action::Notify)?;
        let tx = self.write()?;
        let fresh = tx.execute(
            "INSERT INTO program_notifications
                 (credential_id, message_id, recipient, sent_at, sent_by)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (credential_id) DO NOTHING",
            params![credential_id, message_id, recipient, now(), actor],
        )? == 1;
        if fresh {
            audit::append(
                &tx,
                actor,
                "notify.sent",
                credential_id,
                &format!("program {message_id}"),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records that the server accepted a message (issuers; audited in the same transaction).
    pub fn record_notification(
        &mut self,
        submission_id: i64,
        kind: &str,
        message_id: &str,
        recipient: &str,
        actor: &str,
    ) -> Result<()> {
        self.authorize(actor, crate::access::Action::Notify)?;
        let tx = self.write()?;
        let fresh = tx.execute(
            "INSERT INTO notifications
                 (submission_id, kind, message_id, recipient, sent_at, sent_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![submission_id, kind, message_id, recipient, now(), actor],
        )? == 1;
        if fresh {
            audit::append(
                &tx,
                actor,
                "notify.sent",
                &format!("submission {submission_id}"),
                &format!("{kind} {message_id}"),
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

//! Each credential's public page: a random token (its URL, `/c/<token>/`), and whether the
//! issuer withdrew it.

use super::db::{Transaction, params};
use anyhow::{Result, anyhow, bail};

use super::{Store, audit, now};

/// A fresh page token: 128 random bits, as 32 hex digits.
pub fn new_token() -> Result<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow!("no random source: {e}"))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Gives the credential its page token (inside the caller's transaction).
pub(crate) fn create(tx: &Transaction<'_>, credential_id: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO pages (credential_id, token) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?
    .execute(params![credential_id, new_token()?])?;
    Ok(())
}

/// Gives each credential its page token, in a few statements (inside the caller's
/// transaction).
pub(crate) fn create_many(tx: &Transaction<'_>, credential_ids: &[&str]) -> Result<()> {
    let tokens: Vec<String> = credential_ids
        .iter()
        .map(|_| new_token())
        .collect::<Result<_>>()?;
    let mut values: Vec<&dyn super::db::ToValue> = Vec::with_capacity(tokens.len() * 2);
    for (id, token) in credential_ids.iter().zip(&tokens) {
        values.extend([id as &dyn super::db::ToValue, token]);
    }
    tx.insert_rows(
        "INSERT INTO pages (credential_id, token)",
        "ON CONFLICT DO NOTHING",
        2,
        &values,
    )?;
    Ok(())
}

/// A credential's page.
#[derive(Clone, Debug)]
pub struct Page {
    pub credential_id: String,
    /// The submission of a credential; `None` for a program credential.
    pub submission_id: Option<i64>,
    pub token: String,
    pub withdrawn: bool,
}

impl Store {
    /// Whether the pages of `cohort_id`'s credentials show the learner's name.
    pub fn page_names(&self, cohort_id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT page_names FROM cohorts WHERE id = ?1",
            [cohort_id],
            |r| r.get(0),
        )?)
    }

    /// Shows or hides learners' names on a cohort's credential pages (leads; audited).
    pub fn set_page_names(&mut self, cohort_id: &str, show: bool, actor: &str) -> Result<()> {
        self.authorize(actor, crate::access::Action::ConfigureCohort)?;
        let tx = self.write()?;
        let n = tx.execute(
            "UPDATE cohorts SET page_names = ?1 WHERE id = ?2",
            params![show, cohort_id],
        )?;
        if n == 0 {
            bail!(
                "no cohort `{}` (`merit cohort list` shows them)",
                crate::sanitize::line(cohort_id)
            );
        }
        audit::append(
            &tx,
            actor,
            "cohort.set",
            cohort_id,
            if show {
                "page names shown"
            } else {
                "page names hidden"
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A credential's page token, if it has one and its page is not withdrawn.
    pub fn page_token(&self, credential_id: &str) -> Result<Option<String>> {
        use super::db::OptionalExtension;
        Ok(self
            .conn
            .query_row(
                "SELECT token FROM pages WHERE credential_id = ?1 AND withdrawn_at IS NULL",
                [credential_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every issued credential's page, each credential given a token if it has none yet
    /// (credentials issued before pages existed).
    pub fn pages(&mut self, actor: &str) -> Result<Vec<Page>> {
        self.authorize(actor, crate::access::Action::Publish)?;
        let tx = self.write()?;
        let missing: Vec<String> = {
            let mut stmt = tx.prepare(
                "SELECT credential_id FROM awards w
                 WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.credential_id = w.credential_id)
                 UNION ALL SELECT credential_id FROM program_awards w
                 WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.credential_id = w.credential_id)",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in &missing {
            create(&tx, id)?;
        }
        tx.commit()?;
        let mut stmt = self.conn.prepare(
            "SELECT w.credential_id, w.submission_id, p.token, p.withdrawn_at IS NOT NULL
             FROM awards w JOIN pages p ON p.credential_id = w.credential_id
             UNION ALL
             SELECT w.credential_id, NULL, p.token, p.withdrawn_at IS NOT NULL
             FROM program_awards w JOIN pages p ON p.credential_id = w.credential_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Page {
                credential_id: r.get(0)?,
                submission_id: r.get(1)?,
                token: r.get(2)?,
                withdrawn: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes a credential's page down at the next publish (the credential stays valid).
    pub fn withdraw_page(&mut self, credential_id: &str, actor: &str) -> Result<bool> {
        self.authorize(actor, crate::access::Action::Publish)?;
        let tx = self.write()?;
        let known: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM awards WHERE credential_id = ?1)
                 OR EXISTS (SELECT 1 FROM program_awards WHERE credential_id = ?1)",
            [credential_id],
            |r| r.get(0),
        )?;
        if !known {
            bail!(
                "no credential `{}` was issued from this workspace",
                crate::sanitize::line(credential_id)
            );
        }
        create(&tx, credential_id)?;
        let changed = tx.execute(
            "UPDATE pages SET withdrawn_at = ?1, withdrawn_by = ?2
             WHERE credential_id = ?3 AND withdrawn_at IS NULL",
            params![now(), actor, credential_id],
        )? == 1;
        if changed {
            audit::append(&tx, actor, "page.withdraw", credential_id, "")?;
        }
        tx.commit()?;
        Ok(changed)
    }
}

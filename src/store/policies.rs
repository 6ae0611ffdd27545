//! Policies: the controls a workspace's administrators set, stored in the database (never in
//! a file that someone the control constrains could edit), each change audited.

use super::db::{OptionalExtension, params};
use anyhow::{Result, bail};
use serde::Serialize;

use super::{Store, audit, now};

/// A policy Merit knows: its name, and what it controls.
pub struct PolicyDef {
    pub name: &'static str,
    pub help: &'static str,
}

pub const EDITOR: &str = "editor";
pub const SELF_APPROVAL: &str = "self-approval";
pub const CALIBRATION_PASS: &str = "calibration-pass";

/// Every policy, so that a typing mistake is refused rather than stored.
pub const POLICIES: &[PolicyDef] = &[
    PolicyDef {
        name: EDITOR,
        help: "the editor F4 runs over SSH (say `rvim` or `nano --restricted`); unset, F4 is \
               off over SSH, since an ordinary editor can start a shell",
    },
    PolicyDef {
        name: SELF_APPROVAL,
        help: "`allowed` lets an issuer approve work they assessed (one-person programs; each \
               such credential's audit entry says so); unset or `refused`, they cannot",
    },
    PolicyDef {
        name: CALIBRATION_PASS,
        help: "when an assessor's calibration on exemplars passes, as `exact P% decisions P%` \
               (or `all`); unset, `exact 80% decisions all`",
    },
];

/// The workspace's calibration pass policy.
pub fn calibration_pass(store: &Store) -> Result<crate::calibration::Policy> {
    match store.policy(CALIBRATION_PASS)? {
        None => Ok(crate::calibration::Policy::default()),
        Some(v) => crate::calibration::Policy::parse(&v)
            .map_err(|e| anyhow::anyhow!("the calibration-pass policy `{v}` does not read: {e}")),
    }
}

/// Whether the workspace lets an issuer approve their own assessments.
pub fn self_approval_allowed(store: &Store) -> Result<bool> {
    Ok(store.policy(SELF_APPROVAL)?.as_deref() == Some("allowed"))
}

#[derive(Clone, Debug, Serialize)]
pub struct Policy {
    pub name: String,
    pub value: Option<String>,
    pub set_by: Option<String>,
    pub set_at: Option<i64>,
    pub help: String,
}

impl Store {
    /// A policy's value, if set.
    pub fn policy(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM policies WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets (or, with `None`, unsets) a policy, with its audit entry in the same transaction.
    pub fn set_policy(&mut self, name: &str, value: Option<&str>, actor: &str) -> Result<()> {
        if !POLICIES.iter().any(|p| p.name == name) {
            bail!(
                "no policy `{}`; policies are {}",
                crate::sanitize::line(name),
                POLICIES
                    .iter()
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if let Some(v) = value
            && (v.trim().is_empty() || crate::sanitize::line(v) != v)
        {
            bail!("a policy's value is one line of plain text");
        }
        if name == SELF_APPROVAL && !matches!(value, None | Some("allowed") | Some("refused")) {
            bail!("self-approval is `allowed` or `refused`");
        }
        if name == CALIBRATION_PASS
            && let Some(v) = value
            && let Err(e) = crate::calibration::Policy::parse(v)
        {
            bail!("calibration-pass: {e}");
        }
        self.authorize(actor, crate::access::Action::SetPolicy)?;
        let tx = self.write()?;
        match value {
            Some(v) => {
                tx.execute(
                    "INSERT INTO policies (name, value, set_by, set_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                         set_by = excluded.set_by, set_at = excluded.set_at",
                    params![name, v, actor, now()],
                )?;
                audit::append(&tx, actor, "policy.set", name, v)?;
            }
            None => {
                tx.execute("DELETE FROM policies WHERE name = ?1", [name])?;
                audit::append(&tx, actor, "policy.unset", name, "")?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every policy Merit knows, with its value where set.
    pub fn policies(&self) -> Result<Vec<Policy>> {
        let mut out = Vec::new();
        for def in POLICIES {
            let row: Option<(String, String, i64)> = self
                .conn
                .query_row(
                    "SELECT value, set_by, set_at FROM policies WHERE name = ?1",
                    [def.name],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            out.push(Policy {
                name: def.name.to_string(),
                value: row.as_ref().map(|r| r.0.clone()),
                set_by: row.as_ref().map(|r| r.1.clone()),
                set_at: row.map(|r| r.2),
                help: def.help.to_string(),
            });
        }
        Ok(out)
    }
}

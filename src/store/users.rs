//! People known to the workspace, their roles, and the permission check every change passes.

use super::db::params;
use anyhow::{Result, bail};
use serde::Serialize;

use super::{Store, audit, now};
use crate::access::{Action, Refused};

pub use crate::access::ROLES;

/// One refusal per actor and action is logged in this many seconds; more are counted out.
const REFUSAL_COALESCE_SECS: i64 = 3600;

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub name: String,
    pub roles: Vec<String>,
}

impl Store {
    /// The roles `name` holds, sorted.
    pub fn roles_of(&self, name: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT role FROM users WHERE name = ?1 ORDER BY role")?;
        let rows = stmt.query_map([name], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The workspace's admins.
    pub fn admins(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name FROM users WHERE role = 'admin' ORDER BY name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether `actor` may take `action`.
    pub fn may(&self, actor: &str, action: Action) -> Result<bool> {
        Ok(action.allowed(&self.roles_of(actor)?))
    }

    /// The permission check: Ok when `actor` may take `action`; otherwise a [`Refused`] error
    /// that names the role and who can grant it, and one `access.refused` audit entry (at most
    /// one per actor and action an hour, so refusals cannot flood the log). Nothing else is
    /// changed.
    pub fn authorize(&mut self, actor: &str, action: Action) -> Result<()> {
        if self.may(actor, action)? {
            return Ok(());
        }
        let tx = self.write()?;
        let recent: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE action = 'access.refused'
                 AND actor = ?1 AND subject = ?2 AND at > ?3)",
            params![actor, action.name(), now() - REFUSAL_COALESCE_SECS],
            |r| r.get(0),
        )?;
        if !recent {
            audit::append(
                &tx,
                actor,
                "access.refused",
                &action.name(),
                action.describe(),
            )?;
        }
        tx.commit()?;
        Err(Refused {
            actor: actor.to_string(),
            action,
            admins: self.admins()?,
        }
        .into())
    }

    /// Gives `name` the `role` (admins only). Returns false when they had it already.
    pub fn add_user(&mut self, name: &str, role: &str, actor: &str) -> Result<bool> {
        if !ROLES.contains(&role) {
            bail!("unknown role `{role}`; roles are {}", ROLES.join(", "));
        }
        self.authorize(actor, Action::ManageUsers)?;
        let tx = self.write()?;
        let added = tx.execute(
            "INSERT INTO users (name, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![name, role, now(), actor],
        )? == 1;
        if added {
            audit::append(&tx, actor, "user.add", name, &format!("role {role}"))?;
        }
        tx.commit()?;
        Ok(added)
    }

    /// Takes `role` (or every role) from `name` (admins only). What they did stays, in the
    /// tables and the log. The last admin is never removed. Returns the roles removed.
    pub fn remove_user(
        &mut self,
        name: &str,
        role: Option<&str>,
        actor: &str,
    ) -> Result<Vec<String>> {
        if let Some(r) = role
            && !ROLES.contains(&r)
        {
            bail!("unknown role `{r}`; roles are {}", ROLES.join(", "));
        }
        self.authorize(actor, Action::ManageUsers)?;
        let tx = self.write()?;
        let held: Vec<String> = {
            let mut stmt = tx.prepare("SELECT role FROM users WHERE name = ?1 ORDER BY role")?;
            let rows = stmt.query_map([name], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let removing: Vec<String> = held
            .into_iter()
            .filter(|r| role.is_none_or(|want| want == r))
            .collect();
        if removing.iter().any(|r| r == "admin") {
            let admins: i64 =
                tx.query_row("SELECT COUNT(*) FROM users WHERE role = 'admin'", [], |r| {
                    r.get(0)
                })?;
            if admins <= 1 {
                bail!(
                    "{} is the last admin: make someone else admin first \
                     (`merit user add NAME --role admin`)",
                    crate::sanitize::line(name)
                );
            }
        }
        for r in &removing {
            tx.execute(
                "DELETE FROM users WHERE name = ?1 AND role = ?2",
                params![name, r],
            )?;
            audit::append(&tx, actor, "user.remove", name, &format!("role {r}"))?;
        }
        tx.commit()?;
        Ok(removing)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare(
            "SELECT name, group_concat(role, ',') FROM
             (SELECT name, role FROM users ORDER BY name, role) AS u GROUP BY name ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            let roles: String = r.get(1)?;
            Ok(User {
                name: r.get(0)?,
                roles: roles.split(',').map(str::to_string).collect(),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn has_role(&self, name: &str, role: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1 AND role = ?2)",
            params![name, role],
            |r| r.get(0),
        )?)
    }
}

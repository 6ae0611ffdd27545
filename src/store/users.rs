//! People known to the workspace and their roles.

use anyhow::{Result, bail};
use rusqlite::params;
use serde::Serialize;

use super::{Store, audit, now};

pub const ROLES: &[&str] = &["lead", "assessor", "issuer"];

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub name: String,
    pub roles: Vec<String>,
}

impl Store {
    /// Gives `name` the `role`. Returns false when they had it already.
    pub fn add_user(&mut self, name: &str, role: &str, actor: &str) -> Result<bool> {
        if !ROLES.contains(&role) {
            bail!("unknown role `{role}`; roles are {}", ROLES.join(", "));
        }
        let tx = self.write()?;
        let added = tx.execute(
            "INSERT OR IGNORE INTO users (name, role, added_at, added_by) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, now(), actor],
        )? == 1;
        if added {
            audit::append(&tx, actor, "user.add", name, &format!("role {role}"))?;
        }
        tx.commit()?;
        Ok(added)
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare(
            "SELECT name, group_concat(role, ',') FROM
             (SELECT name, role FROM users ORDER BY name, role) GROUP BY name ORDER BY name",
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

//! `merit workspace migrate --to postgres://…`: copies a SQLite workspace's database into an
//! empty PostgreSQL database, from one snapshot, and proves the copy: every table's rows
//! compared by content hash, and the audit log verified on the copy. The SQLite file is only
//! read.

use std::collections::BTreeSet;

use anyhow::{Context, Result, anyhow, bail};
use sha2::{Digest, Sha256};

use super::db::{Connection, Row, Value};
use super::{AuditReport, Store, pg, schema_pg};
use crate::access::Action;

/// How many values go in one INSERT (PostgreSQL allows 65,535 parameters).
const VALUES_PER_INSERT: usize = 20_000;

/// What was copied.
#[derive(Debug)]
pub struct CopyReport {
    /// Each table and its rows, in the order they were copied.
    pub tables: Vec<(String, u64)>,
    /// Whether another process wrote to the SQLite file while the copy read it (the copy
    /// holds the snapshot from its start; what came after is not in it).
    pub written_during_copy: bool,
    /// `merit audit verify` on the copy.
    pub audit: AuditReport,
}

impl Store {
    /// Copies this (SQLite) workspace into the empty PostgreSQL database at `url`; `shown` is
    /// the URL as messages may show it (no password). `progress` hears each table as it goes.
    pub fn copy_to_postgres(
        &mut self,
        url: &str,
        shown: &str,
        actor: &str,
        mut progress: impl FnMut(&str, u64),
    ) -> Result<CopyReport> {
        self.authorize(actor, Action::MoveDatabase)?;
        let Some(sqlite) = self.conn.sqlite() else {
            bail!(
                "this workspace is in PostgreSQL already: copy it with the database's own tools (pg_dump)"
            );
        };
        let ca_file = crate::config::ca_file(&self.root)?;
        let target = pg::connect(url, ca_file.as_deref())
            .with_context(|| format!("cannot open the database {shown}"))?;
        let before = data_version(sqlite)?;
        // One read transaction: every read below sees the file as it was at the first one.
        sqlite.execute_batch("BEGIN")?;
        let result = copy(&self.conn, &target, shown, &mut progress);
        let _ = sqlite.execute_batch("COMMIT");
        let tables = result?;
        let written_during_copy = data_version(sqlite)? != before;
        let copy = Store {
            conn: target,
            root: self.root.clone(),
            artifacts: self.artifacts.clone(),
        };
        let audit = copy.verify_audit()?;
        Ok(CopyReport {
            tables,
            written_during_copy,
            audit,
        })
    }
}

/// SQLite's count of commits by other connections to the file.
fn data_version(c: &rusqlite::Connection) -> Result<i64> {
    Ok(c.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

/// Creates the tables in the (empty) target and copies every row, in one PostgreSQL
/// transaction: on any refusal the target is left as it was. Then compares the two.
fn copy(
    source: &Connection,
    target: &Connection,
    shown: &str,
    progress: &mut impl FnMut(&str, u64),
) -> Result<Vec<(String, u64)>> {
    let tx = target.write()?;
    if let Some(v) = schema_pg::version(&tx)? {
        bail!(
            "the database {shown} already holds a Merit workspace (schema {v}): \
             `merit workspace migrate` copies only into an empty database or schema"
        );
    }
    schema_pg::create(&tx)?;
    let order = target_tables(&tx)?;
    let mut from: BTreeSet<String> = BTreeSet::new();
    source.for_each(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        [],
        |r| {
            from.insert(r.get(0)?);
            Ok(())
        },
    )?;
    let to: BTreeSet<String> = order.iter().cloned().collect();
    if from != to {
        bail!(
            "the two schemas differ (only in SQLite: {:?}; only in PostgreSQL: {:?}); \
             run this Merit on the workspace first so that it is at schema {}",
            from.difference(&to).collect::<Vec<_>>(),
            to.difference(&from).collect::<Vec<_>>(),
            super::schema::latest()
        );
    }
    let mut copied = Vec::new();
    for table in &order {
        let columns = columns(source, target, table)?;
        // Each row as it was: no trigger may recompute a value on the way in.
        tx.execute_batch(&format!("ALTER TABLE {table} DISABLE TRIGGER USER"))?;
        let n = copy_table(source, &tx, table, &columns)?;
        tx.execute_batch(&format!("ALTER TABLE {table} ENABLE TRIGGER USER"))?;
        progress(table, n);
        copied.push((table.clone(), n));
    }
    restart_identities(&tx)?;
    schema_pg::ensure_append_only(&tx)?;
    tx.commit()?;
    super::pg::analyze(target)?;
    for table in &order {
        let columns = columns(source, target, table)?;
        let list = columns.join(", ");
        let sql = format!("SELECT {list} FROM {table}");
        let n = columns.len();
        let (a, b) = (row_hashes(source, &sql, n)?, row_hashes(target, &sql, n)?);
        if a != b {
            let missing = a.iter().filter(|h| b.binary_search(h).is_err()).count();
            bail!(
                "the copy of table {table} differs: {missing} of its {} row(s) did not arrive \
                 as they are; the database {shown} now holds a partial copy: drop its tables \
                 (or the schema) before trying again",
                a.len()
            );
        }
    }
    Ok(copied)
}

/// Merit's tables in the target, in the order they were created (each after those it
/// refers to).
fn target_tables(c: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    c.for_each(
        "SELECT relname::text FROM pg_class
         WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace
           AND relname <> 'merit_schema'
         ORDER BY oid",
        [],
        |r| {
            out.push(r.get(0)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The table's columns, the same names on both sides (quoted for SQL).
fn columns(source: &Connection, target: &Connection, table: &str) -> Result<Vec<String>> {
    let mut a = Vec::new();
    source.for_each(&format!("PRAGMA table_info({table})"), [], |r| {
        a.push(r.get::<_, String>(1)?);
        Ok(())
    })?;
    let mut b = Vec::new();
    target.for_each(
        "SELECT column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
        [table],
        |r| {
            b.push(r.get::<_, String>(0)?);
            Ok(())
        },
    )?;
    let (sa, sb): (BTreeSet<&String>, BTreeSet<&String>) = (a.iter().collect(), b.iter().collect());
    if sa != sb {
        bail!("table {table} has columns {a:?} in SQLite but {b:?} in PostgreSQL");
    }
    Ok(a.iter().map(|c| format!("\"{c}\"")).collect())
}

/// Copies one table's rows in multi-row INSERTs. Text PostgreSQL cannot hold (a NUL byte)
/// is refused, naming the row: changing it would break the audit log's hashes.
fn copy_table(
    source: &Connection,
    tx: &Connection,
    table: &str,
    columns: &[String],
) -> Result<u64> {
    let list = columns.join(", ");
    let per_insert = (VALUES_PER_INSERT / columns.len().max(1)).max(1);
    let mut batch: Vec<Value> = Vec::with_capacity(per_insert * columns.len());
    let mut rows = 0u64;
    let flush = |batch: &mut Vec<Value>| -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let n = batch.len() / columns.len();
        let mut sql = format!("INSERT INTO {table} ({list}) VALUES ");
        let mut p = 1;
        for i in 0..n {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..columns.len() {
                if j > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!("?{p}"));
                p += 1;
            }
            sql.push(')');
        }
        tx.execute(&sql, batch.as_slice())
            .with_context(|| format!("copying table {table}"))?;
        batch.clear();
        Ok(())
    };
    // Rows are read in full before any is written: the target is another connection.
    let mut pending: Vec<Vec<Value>> = Vec::new();
    source
        .for_each(&format!("SELECT rowid, {list} FROM {table}"), [], |r| {
            let rowid: Value = r.get(0)?;
            let mut row = Vec::with_capacity(columns.len());
            for (j, c) in columns.iter().enumerate() {
                let v: Value = r.get(j + 1)?;
                if let Value::Text(t) = &v
                    && t.contains('\0')
                {
                    return Err(super::db::Error::Column {
                        index: j,
                        message: format!(
                            "table {table}, row {}, column {c} holds a NUL byte, which PostgreSQL \
                         cannot store in text; nothing was copied. Merit will not alter it \
                         (the audit log's hashes cover it): correct that row with the \
                         program's lead, through Merit, then migrate again",
                            shown_rowid(&rowid)
                        ),
                    });
                }
                row.push(v);
            }
            pending.push(row);
            Ok(())
        })
        .map_err(|e| match e {
            super::db::Error::Column { message, .. } => anyhow!(message),
            e => anyhow!(e),
        })?;
    for row in pending {
        batch.extend(row);
        rows += 1;
        if batch.len() >= per_insert * columns.len() {
            flush(&mut batch)?;
        }
    }
    flush(&mut batch)?;
    Ok(rows)
}

fn shown_rowid(v: &Value) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// Sets each identity column's sequence past the highest copied key, so that new rows do
/// not collide with copied ones.
fn restart_identities(tx: &Connection) -> Result<()> {
    let mut identities: Vec<(String, String)> = Vec::new();
    tx.for_each(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        [],
        |r| {
            identities.push((r.get(0)?, r.get(1)?));
            Ok(())
        },
    )?;
    for (table, column) in identities {
        tx.query_row(
            &format!(
                "SELECT setval(pg_get_serial_sequence(?1, ?2),
                               COALESCE((SELECT MAX(\"{column}\") FROM {table}), 0) + 1, false)"
            ),
            [table.as_str(), column.as_str()],
            |_| Ok(()),
        )?;
    }
    Ok(())
}

/// The sorted SHA-256 of each row's values (typed, length-prefixed): the table's content
/// whatever order either database returns it in.
fn row_hashes(c: &Connection, sql: &str, columns: usize) -> Result<Vec<[u8; 32]>> {
    let mut out = Vec::new();
    c.for_each(sql, [], |r: &Row<'_>| {
        let mut h = Sha256::new();
        for i in 0..columns {
            match r.get::<_, Value>(i)? {
                Value::Null => h.update(b"n"),
                Value::Integer(n) => {
                    h.update(b"i");
                    h.update(n.to_le_bytes());
                }
                Value::Real(f) => {
                    h.update(b"r");
                    h.update(f.to_bits().to_le_bytes());
                }
                Value::Text(t) => {
                    h.update(b"t");
                    h.update((t.len() as u64).to_le_bytes());
                    h.update(t.as_bytes());
                }
                Value::Blob(b) => {
                    h.update(b"b");
                    h.update((b.len() as u64).to_le_bytes());
                    h.update(&b);
                }
            }
        }
        out.push(h.finalize().into());
        Ok(())
    })?;
    out.sort_unstable();
    Ok(out)
}

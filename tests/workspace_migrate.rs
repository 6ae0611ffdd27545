//! `merit workspace migrate --to postgres://…`: a demo workspace moves into PostgreSQL with
//! every row as it was, its audit log verifying there, its SQLite file untouched; a second
//! run into the now non-empty database refuses, and text PostgreSQL cannot hold is refused
//! with its row named.

mod common;

use std::path::Path;

use common::Backend;
use merit::store::Store;
use merit::store::db::{Connection, Value};

fn postgres(test: &str) -> Option<String> {
    match Backend::postgres(test)? {
        Backend::Postgres(url) => Some(url),
        Backend::Sqlite => None,
    }
}

fn migrate(ws: &Path, url: &str) -> std::process::Output {
    common::run(ws, &["workspace", "migrate", "--to", url])
}

/// Every row of `table`, each value typed, sorted: the table's content.
fn content(c: &Connection, table: &str, columns: &[String]) -> Vec<String> {
    let sql = format!("SELECT {} FROM {table}", columns.join(", "));
    let mut rows = Vec::new();
    c.for_each(&sql, [], |r| {
        let values: Vec<Value> = (0..columns.len())
            .map(|i| r.get(i))
            .collect::<Result<_, _>>()?;
        rows.push(format!("{values:?}"));
        Ok(())
    })
    .unwrap();
    rows.sort();
    rows
}

#[test]
fn a_demo_workspace_moves_row_for_row_and_its_sqlite_file_is_untouched() {
    let Some(url) = postgres("a_demo_workspace_moves_row_for_row") else {
        return;
    };
    let (_dir, ws) = common::demo_workspace(30, 4);
    let o = common::merit_as(
        &ws,
        "ines",
        &["approve", "--cohort", "data-2026-q2", "--all-meeting"],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    let before = std::fs::read(ws.join("merit.db")).unwrap();

    let o = migrate(&ws, &url);
    let out = common::stdout(&o);
    assert!(o.status.success(), "{}{out}", common::stderr(&o));
    assert!(
        common::stderr(&o).contains("Stop the workbench"),
        "the operator is told to stop writers first"
    );
    assert!(
        out.contains("every row arrived with the same content"),
        "{out}"
    );
    assert!(out.contains("audit log verified on the copy"), "{out}");
    assert!(
        out.contains("nothing was written to the SQLite workspace during the copy"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(ws.join("merit.db")).unwrap(),
        before,
        "merit.db is byte for byte as it was"
    );

    // Every table, compared here independently of the command's own check.
    let sqlite = Store::open(&ws).unwrap();
    let pg_ws = tempfile::tempdir().unwrap();
    Backend::Postgres(url.clone()).configure(pg_ws.path());
    let pg = Store::create(pg_ws.path()).unwrap();
    let mut tables: Vec<String> = Vec::new();
    sqlite
        .raw_connection()
        .for_each(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'",
            [],
            |r| {
                tables.push(r.get(0)?);
                Ok(())
            },
        )
        .unwrap();
    assert!(tables.len() > 25, "{tables:?}");
    let mut rows = 0;
    for t in &tables {
        let mut columns: Vec<String> = Vec::new();
        sqlite
            .raw_connection()
            .for_each(&format!("PRAGMA table_info({t})"), [], |r| {
                columns.push(r.get(1)?);
                Ok(())
            })
            .unwrap();
        let a = content(sqlite.raw_connection(), t, &columns);
        let b = content(pg.raw_connection(), t, &columns);
        assert_eq!(a, b, "table {t}");
        rows += a.len();
    }
    assert!(rows > 300, "{rows} rows compared");
    drop((sqlite, pg));

    // The workspace runs on the copy.
    let o = common::merit()
        .args(["--workspace", ws.to_str().unwrap(), "audit", "verify"])
        .env("MERIT_DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::stdout(&o));

    // A second run finds the database in use and refuses; still nothing changed here.
    let o = migrate(&ws, &url);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        common::stderr(&o).contains("already holds a Merit workspace"),
        "{}",
        common::stderr(&o)
    );
    assert_eq!(std::fs::read(ws.join("merit.db")).unwrap(), before);
}

#[test]
fn a_nul_byte_postgresql_cannot_store_is_refused_with_its_row_named() {
    let Some(url) = postgres("a_nul_byte_postgresql_cannot_store_is_refused") else {
        return;
    };
    let (_dir, ws) = common::demo_workspace(6, 1);
    let id: i64 = {
        let c = rusqlite::Connection::open(ws.join("merit.db")).unwrap();
        c.execute(
            "UPDATE learners SET name = ?1 WHERE id = 3",
            ["Eve\u{0}Mallory"],
        )
        .unwrap();
        c.query_row("SELECT id FROM learners WHERE name LIKE 'Eve%'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let o = migrate(&ws, &url);
    assert_eq!(o.status.code(), Some(1));
    let e = common::stderr(&o);
    assert!(
        e.contains(&format!(
            "table learners, row {id}, column \"name\" holds a NUL byte"
        )),
        "{e}"
    );
    // Nothing is left half-made in the database.
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let made: Option<String> = c
        .query_one("SELECT to_regclass('merit_schema')::text", &[])
        .unwrap()
        .get(0);
    assert_eq!(made, None);
}

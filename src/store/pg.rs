//! Connecting to a PostgreSQL database named by `database.url`.

use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};

use super::db::{Connection, PgConnection};

/// Connects, waiting at most ten seconds for the server, and names the connection `merit`
/// (so that `pg_stat_activity` shows which sessions are Merit's).
pub fn connect(url: &str) -> Result<Connection> {
    let mut config = postgres::Config::from_str(url).context("the URL is not a PostgreSQL URL")?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("merit");
    }
    let client = config.connect(postgres::NoTls)?;
    let conn = Connection::Postgres(Box::new(PgConnection::new(client)));
    // Timestamps are UTC. No JIT: Merit's statements are short, and compiling one whose
    // estimate runs high (a table not yet analyzed after a bulk import) took 240 ms where
    // running it takes under one.
    conn.execute_batch("SET TIME ZONE 'UTC'; SET jit = off")?;
    Ok(conn)
}

/// The database server's clock, in whole seconds since the Unix epoch.
pub fn clock(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint",
        [],
        |r| r.get(0),
    )?)
}

/// Refreshes the planner's statistics after many rows arrived at once (an import, a bulk
/// load, a migration), so that the next statements are planned for the tables as they are
/// rather than as they were before; autovacuum would do it too, but up to a minute later.
pub fn analyze(conn: &Connection) -> Result<()> {
    if conn.backend() == super::db::Backend::Postgres {
        conn.execute_batch(
            "ANALYZE learners, submissions, artifacts, assessments, assessment_scores, audit_log",
        )?;
    }
    Ok(())
}

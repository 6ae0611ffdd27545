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
    // Text is compared and sorted by code point, as in SQLite; timestamps are UTC.
    conn.execute_batch("SET TIME ZONE 'UTC'")?;
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

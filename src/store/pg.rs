//! Connecting to a PostgreSQL database named by `database.url`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};

use super::db::{Connection, OptionalExtension, PgConnection};

use super::pg_tls as tls;

/// Connects, waiting at most ten seconds for the server, and names the connection `merit`
/// (so that `pg_stat_activity` shows which sessions are Merit's).
///
/// The URL's `sslmode` says how the link is secured: `disable`, plain TCP; `prefer` (the
/// default), TLS when the server offers it; `require`, TLS or no connection. Whenever TLS is
/// used the server must prove its name with a certificate from a trusted CA: the one in
/// `ca_file` (`database.ca_file`) when given, else the Mozilla roots. A password never goes
/// to a server that could not prove who it is, so a certificate Merit cannot check ends the
/// connection instead of being accepted unchecked. A socket folder (`host=/run/postgresql`)
/// never uses TLS.
pub fn connect(url: &str, ca_file: Option<&Path>) -> Result<Connection> {
    let url = libpq_sslmodes(url)?;
    let mut config = postgres::Config::from_str(&url).context(
        "the URL is not a PostgreSQL URL (postgres://user@host:port/database?sslmode=require)",
    )?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    if config.get_application_name().is_none() {
        config.application_name("merit");
    }
    let client = if config.get_ssl_mode() == postgres::config::SslMode::Disable {
        config.connect(postgres::NoTls)?
    } else {
        let tls = tls::connector(ca_file)?;
        config.connect(tls).map_err(|e| tls::explain(e, ca_file))?
    };
    let conn = Connection::Postgres(Box::new(PgConnection::new(client)));
    // Timestamps are UTC. No JIT: Merit's statements are short, and compiling one whose
    // estimate runs high (a table not yet analyzed after a bulk import) took 240 ms where
    // running it takes under one.
    conn.execute_batch("SET TIME ZONE 'UTC'; SET jit = off")?;
    Ok(conn)
}

/// The URL with libpq's `sslmode=verify-ca` and `verify-full` read as `require`, which checks
/// the certificate and its name always (so a URL written for `psql` works unchanged);
/// `sslrootcert` is refused with where the CA file goes instead.
fn libpq_sslmodes(url: &str) -> Result<String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_string());
    };
    let mut params = Vec::new();
    for p in query.split('&') {
        match p.split_once('=') {
            Some(("sslmode", "verify-ca" | "verify-full")) => params.push("sslmode=require"),
            Some(("sslrootcert", _)) => anyhow::bail!(
                "the URL names sslrootcert: Merit takes the CA file from database.ca_file \
                 (MERIT_DATABASE_CA_FILE) instead; move it there"
            ),
            _ => params.push(p),
        }
    }
    Ok(format!("{base}?{}", params.join("&")))
}

/// Whether this connection's link is encrypted (`pg_stat_ssl`).
pub fn encrypted(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            [],
            |r| r.get::<_, bool>(0),
        )
        .optional()?
        .unwrap_or(false))
}

/// The database server's clock, in whole seconds since the Unix epoch.
pub fn clock(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint",
        [],
        |r| r.get(0),
    )?)
}

/// After many rows arrived at once (an import, a bulk load, a migration): the planner's
/// statistics refreshed, so that the next statements are planned for the tables as they are,
/// and the new rows marked all-visible, so that the queue's covering indexes are read without
/// a visit to each row (an index-only scan). Autovacuum does both too, but up to a minute
/// later: a filter keystroke right after importing 100,000 took 5.2 ms instead of 3.4 ms.
/// VACUUM skips the pages already all-visible, so after a small import it is quick.
pub fn analyze(conn: &Connection) -> Result<()> {
    if conn.backend() == super::db::Backend::Postgres {
        conn.execute_batch(
            "VACUUM (ANALYZE) learners, submissions, artifacts, assessments, \
             assessment_scores, audit_log",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::libpq_sslmodes;

    #[test]
    fn libpq_verify_modes_read_as_require_and_sslrootcert_is_sent_to_ca_file() {
        let u = "postgres://m@db/merit?sslmode=verify-full&application_name=x";
        assert_eq!(
            libpq_sslmodes(u).unwrap(),
            "postgres://m@db/merit?sslmode=require&application_name=x"
        );
        assert_eq!(
            libpq_sslmodes("postgres://m@db/merit?sslmode=verify-ca").unwrap(),
            "postgres://m@db/merit?sslmode=require"
        );
        assert_eq!(
            libpq_sslmodes("postgres://m@db/merit").unwrap(),
            "postgres://m@db/merit"
        );
        let e = libpq_sslmodes("postgres://m@db/merit?sslrootcert=/ca.pem").unwrap_err();
        assert!(e.to_string().contains("database.ca_file"), "{e}");
    }
}

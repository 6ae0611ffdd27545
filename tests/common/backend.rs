//! The two databases a workspace can live in, for tests that run on both.
//!
//! The PostgreSQL half runs when `MERIT_TEST_DATABASE_URL` names a database (each test gets
//! a schema of its own there); without it the half says it was skipped, and with
//! `MERIT_REQUIRE_POSTGRES=1` a skip fails the test.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite,
    /// A PostgreSQL URL whose `search_path` is a schema made for this test alone.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL for the test `name`, or `None` (said on stderr) when there is none to use.
    pub fn postgres(name: &str) -> Option<Backend> {
        let Ok(url) = std::env::var("MERIT_TEST_DATABASE_URL") else {
            assert!(
                std::env::var("MERIT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{name}: MERIT_REQUIRE_POSTGRES=1 but MERIT_TEST_DATABASE_URL is not set"
            );
            eprintln!("skipped {name} on PostgreSQL: set MERIT_TEST_DATABASE_URL to run it");
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let schema = format!(
            "t_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut client = postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("MERIT_TEST_DATABASE_URL: {e}"));
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .expect("a schema for the test");
        let sep = if url.contains('?') { '&' } else { '?' };
        Some(Backend::Postgres(format!(
            "{url}{sep}options=-csearch_path%3D{schema}"
        )))
    }

    /// For the TLS tests: a schema of its own as in [`Backend::postgres`], reached through
    /// `MERIT_TEST_DATABASE_TLS_URL` (`sslmode=require`, a server whose certificate the CA
    /// file `MERIT_TEST_DATABASE_TLS_CA` signed): the URL and the CA file.
    pub fn postgres_tls(name: &str) -> Option<(String, std::path::PathBuf)> {
        let (Ok(tls_url), Ok(ca)) = (
            std::env::var("MERIT_TEST_DATABASE_TLS_URL"),
            std::env::var("MERIT_TEST_DATABASE_TLS_CA"),
        ) else {
            assert!(
                std::env::var("MERIT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "{name}: MERIT_REQUIRE_POSTGRES=1 but MERIT_TEST_DATABASE_TLS_URL and \
                 MERIT_TEST_DATABASE_TLS_CA are not set (.ci/postgres start sets them)"
            );
            eprintln!(
                "skipped {name} on PostgreSQL over TLS: set MERIT_TEST_DATABASE_TLS_URL and \
                 MERIT_TEST_DATABASE_TLS_CA to run it"
            );
            return None;
        };
        let Some(Backend::Postgres(plain)) = Backend::postgres(name) else {
            return None;
        };
        let options = plain
            .split(['?', '&'])
            .find(|p| p.starts_with("options="))
            .expect("the schema's options");
        let sep = if tls_url.contains('?') { '&' } else { '?' };
        Some((format!("{tls_url}{sep}{options}"), ca.into()))
    }

    /// SQLite, unless `MERIT_TEST_SWEEP_POSTGRES=1`: then PostgreSQL for every workspace the
    /// shared helpers make (a local sweep for SQL that only one database accepts; tests
    /// that open `merit.db` themselves fail in it, as expected).
    pub fn sweep() -> Backend {
        if std::env::var("MERIT_TEST_SWEEP_POSTGRES").as_deref() == Ok("1")
            && let Some(b) = Backend::postgres("sweep")
        {
            return b;
        }
        Backend::Sqlite
    }

    /// Points the workspace folder `ws` (made if needed) at this database: for PostgreSQL,
    /// its `merit.toml` names the test's schema.
    pub fn configure(&self, ws: &Path) {
        if let Backend::Postgres(url) = self {
            std::fs::create_dir_all(ws).expect("workspace folder");
            std::fs::write(
                ws.join("merit.toml"),
                format!("[database]\nurl = \"{url}\"\n"),
            )
            .expect("merit.toml");
        }
    }

    /// A new temporary workspace folder on this database (nothing created in it yet but
    /// its configuration).
    pub fn tempdir(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        self.configure(dir.path());
        dir
    }
}

/// Runs each named test, a `fn(Backend)`, once on SQLite and once on PostgreSQL:
/// `on_both_backends!(a_claim_lapses, …)` makes `a_claim_lapses::sqlite` and
/// `a_claim_lapses::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite)
                }
                #[test]
                fn postgres() {
                    if let Some(b) = $crate::common::Backend::postgres(stringify!($name)) {
                        super::$name(b)
                    }
                }
            }
        )*
    };
}

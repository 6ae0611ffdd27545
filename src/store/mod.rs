//! The workspace: one folder with `merit.db` (SQLite) and `artifacts/` (content-addressed files).
//! Nothing outside this module speaks SQL.

pub mod artifacts;
mod assessments;
pub mod audit;
mod awards;
mod blind;
mod bulk;
pub mod calibration;
mod cohorts;
pub mod db;
pub mod filesystem;
pub mod learner;
mod notifications;
pub mod pages;
pub mod pathways;
mod pg;
mod pg_tls;
pub mod policies;
pub mod programs;
mod queue;
pub mod records;
pub mod reliability;
mod review;
mod rubrics;
mod sampling;
mod schema;
mod schema_pg;
mod second_marking;
mod submissions;
pub mod time_spent;
mod to_postgres;
pub mod transcripts;
mod users;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result, bail};
use db::{Backend, Connection, Transaction};
use rusqlite::OpenFlags;

pub use artifacts::ArtifactStore;
pub use assessments::{AssessmentInput, CriterionScore};
pub use audit::{AuditEntry, AuditReport};
pub use awards::{Award, AwardSource, IssueSource, SharedPart, SignedAward, share_parts};
pub use blind::Mask;
pub use cohorts::{CohortRow, CohortSummary, Flags};
pub use queue::{PageFrom, QueueFilter, QueueQuery, QueueRow, QueueSort};
pub use review::{Blind, Change, PreviousAttempt, ReviewData, SavedAssessment, status_label};
pub use rubrics::{EDIT_PRESENCE_SECS, RubricImport, RubricOverview, RubricVersion, VersionUse};
pub use schema::latest as schema_version;
pub use second_marking::SecondMarking;
pub use submissions::{ArtifactRecord, LearnerInput, RecordOutcome, SubmissionInput};
pub use to_postgres::CopyReport;
pub use users::{ROLES, User};

/// SQL ordering (assessments `a` of submission `s`) that puts first the assessment a decision
/// stands on: one whose decision is the submission's (after a second marking, the one the lead
/// agreed with).
pub(crate) const DECIDING_FIRST: &str = "a.decision IS NOT DISTINCT FROM (CASE s.status WHEN 'not_yet' THEN 'not_yet' ELSE 'meets' END) DESC";

/// How long a writer waits for another process's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open workspace.
pub struct Store {
    conn: Connection,
    root: PathBuf,
    artifacts: ArtifactStore,
}

/// How far the shared database's clock is ahead of this host's, in seconds (0 for SQLite,
/// whose clock is this host's). Set when a PostgreSQL workspace is opened, so that claims,
/// leases and timestamps written by several hosts are all on the database's one clock.
static CLOCK_OFFSET: AtomicI64 = AtomicI64::new(0);

/// Seconds since the Unix epoch, by the workspace database's clock.
pub fn now() -> i64 {
    host_now() + CLOCK_OFFSET.load(Ordering::Relaxed)
}

fn host_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Formats epoch seconds as RFC 3339 UTC.
pub fn format_time(secs: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

/// WAL lets readers and one writer work at once; many assessors share one file. The switch
/// is made once per database file, by whichever process gets there first. Changing the
/// journal mode needs an exclusive lock and SQLite does not call the busy handler for it, so
/// a process that loses the race retries here (bounded by [`BUSY_TIMEOUT`]).
fn enable_wal(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = Duration::from_millis(2);
    loop {
        let result = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") {
                    Ok(())
                } else {
                    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
                }
            });
        match result {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            other => return other,
        }
    }
}

/// Opens (creating) the workspace's SQLite file, in WAL mode.
fn open_sqlite(db: &Path) -> Result<Connection> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {}", db.display()))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Issuing reads and writes a handful of statements per credential: keep them compiled.
    conn.set_prepared_statement_cache_capacity(64);
    enable_wal(&conn).with_context(|| format!("cannot switch {} to WAL mode", db.display()))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    Ok(Connection::Sqlite(conn))
}

impl Store {
    /// Opens (creating if needed) the workspace at `root` and brings its schema up to date.
    /// Opens the workspace at `root`; a folder that is not one is refused, never created.
    pub fn open(root: &Path) -> Result<Store> {
        if !workspace::exists(root) {
            return Err(workspace::not_a_workspace(root));
        }
        // A folder whose database is elsewhere must never get a new, empty file of its own
        // because one host lacks the setting that names the database.
        if crate::config::database(root)? == crate::config::Database::Sqlite
            && !root.join(workspace::DB_FILE).is_file()
        {
            bail!(
                "{} has a merit.toml but no {}, and names no other database (see `merit \
                 config`): if its database is in PostgreSQL, set MERIT_DATABASE_URL or \
                 [database] url on this host; to start a new workspace here, run `merit \
                 workspace init`",
                crate::sanitize::line(&root.display().to_string()),
                workspace::DB_FILE
            );
        }
        Store::create(root)
    }

    /// Opens the workspace at `root`, creating it (the folder, `artifacts/`, `merit.db`) when
    /// there is none: for `merit demo`, `merit workspace init` and the set-up commands.
    pub fn create(root: &Path) -> Result<Store> {
        let database = crate::config::database(root)?;
        if database == crate::config::Database::Sqlite {
            filesystem::require_local(root)?;
        }
        workspace::create(root)?;
        if matches!(database, crate::config::Database::Postgres { .. }) {
            workspace::mark(root)?;
        }
        let artifacts_dir = crate::config::artifacts_dir(root)?;
        std::fs::create_dir_all(&artifacts_dir).with_context(|| {
            format!(
                "cannot create the artifact folder {}",
                artifacts_dir.display()
            )
        })?;
        let creator = crate::identity::process_account().ok();
        let owner =
            crate::identity::owner_uid(root).and_then(|u| crate::identity::account_name(u).ok());
        let founders = schema::Founders {
            creator: creator.as_deref(),
            owner: owner.as_deref(),
        };
        let conn = match &database {
            crate::config::Database::Sqlite => {
                let db = root.join(workspace::DB_FILE);
                let conn = open_sqlite(&db)?;
                schema::migrate(&conn, &founders)
                    .with_context(|| format!("in {}", db.display()))?;
                conn
            }
            crate::config::Database::Postgres {
                url,
                source,
                ca_file,
            } => {
                let shown = crate::sanitize::line(&crate::config::redact(url));
                let conn = pg::connect(url, ca_file.as_deref())
                    .with_context(|| format!("cannot open the database {shown} (from {source})"))?;
                schema_pg::migrate(&conn, &founders)
                    .with_context(|| format!("in the database {shown}"))?;
                let before = host_now();
                let db_now = pg::clock(&conn)?;
                CLOCK_OFFSET.store(db_now - (before + host_now()) / 2, Ordering::Relaxed);
                conn
            }
        };
        Ok(Store {
            conn,
            root: root.to_path_buf(),
            artifacts: ArtifactStore::new(artifacts_dir),
        })
    }

    /// Whether the workspace at `root` has its database already: `merit.db`, or Merit's
    /// tables in the PostgreSQL database its `merit.toml` (or the environment) names.
    pub fn initialised(root: &Path) -> Result<bool> {
        match crate::config::database(root)? {
            crate::config::Database::Sqlite => Ok(root.join(workspace::DB_FILE).is_file()),
            crate::config::Database::Postgres {
                url,
                source,
                ca_file,
            } => {
                let shown = crate::sanitize::line(&crate::config::redact(&url));
                let conn = pg::connect(&url, ca_file.as_deref())
                    .with_context(|| format!("cannot open the database {shown} (from {source})"))?;
                Ok(schema_pg::version(&conn)?.is_some())
            }
        }
    }

    /// After many rows arrived at once: the planner's statistics brought up to date
    /// (PostgreSQL; SQLite plans without them).
    pub fn refresh_statistics(&self) -> Result<()> {
        pg::analyze(&self.conn)
    }

    /// Whether the link to the database is encrypted: `None` for SQLite (no link), else
    /// whether PostgreSQL says this session uses TLS.
    pub fn encrypted_link(&self) -> Result<Option<bool>> {
        match self.conn.backend() {
            Backend::Sqlite => Ok(None),
            Backend::Postgres => pg::encrypted(&self.conn).map(Some),
        }
    }

    /// Which database the workspace is in.
    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn artifacts(&self) -> &ArtifactStore {
        &self.artifacts
    }

    /// A write transaction that takes the write lock at once, so that it waits for other
    /// writers (busy timeout) instead of failing with "database is locked" on upgrade.
    fn write(&mut self) -> Result<Transaction<'_>> {
        Ok(self.conn.write()?)
    }

    pub fn schema_version(&self) -> Result<u32> {
        match self.conn.backend() {
            Backend::Sqlite => Ok(self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?),
            Backend::Postgres => Ok(schema_pg::version(&self.conn)?.unwrap_or(0)),
        }
    }

    /// Direct access for tests that need to play the part of an attacker or a crash.
    #[doc(hidden)]
    pub fn raw_connection(&self) -> &Connection {
        &self.conn
    }
}

//! One interface to the two databases Merit runs on: SQLite (the embedded default) and
//! PostgreSQL (several hosts sharing one database). It has rusqlite's shape (`execute`,
//! `query_row`, `prepare_cached`, `query_map`, `optional`), so each store module writes each
//! query once; [`dialect`] rewrites it for PostgreSQL. A thin layer rather than a query
//! builder: Merit's queries are plain SQL both databases understand, and the differences fit
//! in one table of renames.

pub mod dialect;
mod pg_value;
mod value;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use postgres::types::{ToSql, Type};

pub(crate) use value::params;
pub use value::{FromValue, Params, ToValue, Value, ValueRef};

use pg_value::PgValue;

/// Which database a connection speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An error from either database, or a column read as the wrong type.
#[derive(Debug)]
pub enum Error {
    /// `query_row` found no row (see [`OptionalExtension`]).
    NoRows,
    Sqlite(rusqlite::Error),
    Postgres(postgres::Error),
    Column {
        index: usize,
        message: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoRows => f.write_str("the query returned no row"),
            Error::Sqlite(e) => e.fmt(f),
            // postgres::Error's own Display says only "db error"; say what the server said.
            Error::Postgres(e) => match e.as_db_error() {
                Some(db) => {
                    write!(f, "{}", db.message())?;
                    if let Some(d) = db.detail() {
                        write!(f, " ({d})")?;
                    }
                    Ok(())
                }
                None => e.fmt(f),
            },
            Error::Column { index, message } => write!(f, "column {index}: {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sqlite(e) => Some(e),
            Error::Postgres(e) => Some(e),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NoRows,
            e => Error::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

impl Error {
    /// The SQLSTATE of a PostgreSQL error, or SQLite's extended result code as text.
    pub fn code(&self) -> Option<String> {
        match self {
            Error::Postgres(e) => e.code().map(|c| c.code().to_string()),
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                Some(e.extended_code.to_string())
            }
            _ => None,
        }
    }
}

/// `query_row(…).optional()`: no row is `None`, as with rusqlite.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A connection to PostgreSQL, with its prepared statements.
/// A statement's text and the types of its parameters (`None`: left to the server).
type StatementKey = (String, Vec<Option<Type>>);

pub struct PgConnection {
    client: RefCell<postgres::Client>,
    /// Prepared statements by their text and parameter types.
    prepared: RefCell<HashMap<StatementKey, postgres::Statement>>,
    /// Whether a transaction is open (a failed statement would abort it).
    in_transaction: std::cell::Cell<bool>,
    /// Statements planned per execution whose NULL parameters the server could not type:
    /// they are sent as text from the start, so a filter keystroke costs one round trip,
    /// not a failed one and a second.
    nulls_as_text: RefCell<std::collections::HashSet<(String, Vec<bool>)>>,
}

/// An open database.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(Box<PgConnection>),
}

/// The unspecified parameter type: the server infers it.
fn unspecified() -> Type {
    Type::new(
        "unspecified".into(),
        0,
        postgres::types::Kind::Simple,
        "pg_catalog".into(),
    )
}

impl PgConnection {
    pub fn new(client: postgres::Client) -> Self {
        PgConnection {
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
            in_transaction: std::cell::Cell::new(false),
            nulls_as_text: RefCell::default(),
        }
    }

    fn statement(&self, sql: &str, values: &[ValueRef<'_>]) -> Result<postgres::Statement> {
        self.statement_as(sql, values, Plan::Cached)
    }

    fn statement_as(
        &self,
        sql: &str,
        values: &[ValueRef<'_>],
        plan: Plan,
    ) -> Result<postgres::Statement> {
        let types: Vec<Option<Type>> = values.iter().map(pg_value::param_type).collect();
        let key = (sql.to_string(), types);
        if plan == Plan::Cached
            && let Some(s) = self.prepared.borrow().get(&key)
        {
            return Ok(s.clone());
        }
        let translated = dialect::postgres(sql);
        let given: Vec<Type> = key
            .1
            .iter()
            .map(|t| t.clone().unwrap_or_else(unspecified))
            .collect();
        let mut client = self.client.borrow_mut();
        // A NULL's type is left to the server, which may find nothing in the query to tell it
        // (`?1 IS NULL`): then it is text. Inside a transaction the failed attempt is undone
        // by a savepoint, since any error aborts a PostgreSQL transaction.
        let guard = self.in_transaction.get() && key.1.iter().any(Option::is_none);
        if guard {
            client.batch_execute("SAVEPOINT merit_prepare")?;
        }
        let stmt = match client.prepare_typed(&translated, &given) {
            Ok(s) => s,
            Err(e)
                if e.code() == Some(&postgres::error::SqlState::AMBIGUOUS_PARAMETER)
                    || e.code() == Some(&postgres::error::SqlState::INDETERMINATE_DATATYPE) =>
            {
                if guard {
                    client.batch_execute("ROLLBACK TO SAVEPOINT merit_prepare")?;
                }
                let as_text: Vec<Type> = key
                    .1
                    .iter()
                    .map(|t| t.clone().unwrap_or(Type::TEXT))
                    .collect();
                client.prepare_typed(&translated, &as_text)?
            }
            Err(e) => return Err(e.into()),
        };
        if guard {
            client.batch_execute("RELEASE SAVEPOINT merit_prepare")?;
        }
        drop(client);
        if plan == Plan::Cached {
            let mut prepared = self.prepared.borrow_mut();
            if prepared.len() > 512 {
                prepared.clear();
            }
            prepared.insert(key, stmt.clone());
        }
        Ok(stmt)
    }

    fn query(&self, sql: &str, values: &[ValueRef<'_>]) -> Result<Vec<postgres::Row>> {
        self.query_as(sql, values, Plan::Cached)
    }

    fn query_as(
        &self,
        sql: &str,
        values: &[ValueRef<'_>],
        plan: Plan,
    ) -> Result<Vec<postgres::Row>> {
        // Planned for its values, outside a transaction: one round trip with the unnamed
        // statement (parse, bind and execute together) instead of prepare, execute, close.
        if plan == Plan::PerValues && !self.in_transaction.get() {
            let translated = dialect::postgres(sql);
            let typed = |null: &Type| -> Vec<(&(dyn ToSql + Sync), Type)> {
                values
                    .iter()
                    .map(|v| {
                        let t = pg_value::param_type(v).unwrap_or_else(|| null.clone());
                        (v as &(dyn ToSql + Sync), t)
                    })
                    .collect()
            };
            // Which parameters are NULL is part of the key: text may suit one and not another.
            let key = (
                sql.to_string(),
                values
                    .iter()
                    .map(|v| pg_value::param_type(v).is_none())
                    .collect(),
            );
            let mut client = self.client.borrow_mut();
            if self.nulls_as_text.borrow().contains(&key) {
                return Ok(client.query_typed(&translated, &typed(&Type::TEXT))?);
            }
            return match client.query_typed(&translated, &typed(&unspecified())) {
                Ok(rows) => Ok(rows),
                Err(e)
                    if e.code() == Some(&postgres::error::SqlState::AMBIGUOUS_PARAMETER)
                        || e.code() == Some(&postgres::error::SqlState::INDETERMINATE_DATATYPE) =>
                {
                    let rows = client.query_typed(&translated, &typed(&Type::TEXT))?;
                    let mut known = self.nulls_as_text.borrow_mut();
                    if known.len() > 512 {
                        known.clear();
                    }
                    known.insert(key);
                    Ok(rows)
                }
                Err(e) => Err(e.into()),
            };
        }
        let stmt = self.statement_as(sql, values, plan)?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        Ok(self.client.borrow_mut().query(&stmt, &refs)?)
    }

    fn execute(&self, sql: &str, values: &[ValueRef<'_>]) -> Result<usize> {
        let stmt = self.statement(sql, values)?;
        let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        Ok(self.client.borrow_mut().execute(&stmt, &refs)? as usize)
    }

    fn for_each(
        &self,
        sql: &str,
        values: &[ValueRef<'_>],
        mut f: impl FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        use postgres::fallible_iterator::FallibleIterator;
        let stmt = self.statement(sql, values)?;
        let mut client = self.client.borrow_mut();
        let mut rows = client.query_raw(&stmt, values.iter())?;
        while let Some(r) = rows.next()? {
            f(&r)?;
        }
        Ok(())
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }
}

/// Whether a PostgreSQL statement keeps one plan ([`Connection::prepare_cached`]) or is planned
/// for each execution's values ([`Connection::prepare_planned`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    Cached,
    PerValues,
}

/// A key all Merit hosts agree on: the transaction lock that serializes writers, as SQLite's
/// `BEGIN IMMEDIATE` does on one host.
const WRITE_LOCK: i64 = 0x6d65_7269_745f_7772; // "merit_wr"

impl Connection {
    pub fn backend(&self) -> Backend {
        match self {
            Connection::Sqlite(_) => Backend::Sqlite,
            Connection::Postgres(_) => Backend::Postgres,
        }
    }

    /// The SQLite connection, for what only SQLite has (PRAGMAs, the query planner).
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match self {
            Connection::Sqlite(c) => Some(c),
            Connection::Postgres(_) => None,
        }
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let values = params.values();
        match self {
            Connection::Sqlite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(values.iter()))?),
            Connection::Postgres(c) => c.execute(sql, &values),
        }
    }

    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Connection::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Connection::Postgres(c) => c.batch(sql),
        }
    }

    pub fn query_row<T, P: Params, F>(&self, sql: &str, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let values = params.values();
        match self {
            Connection::Sqlite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                match rows.next()? {
                    Some(r) => f(&Row(RowInner::Sqlite(r))),
                    None => Err(Error::NoRows),
                }
            }
            Connection::Postgres(c) => {
                let rows = c.query(sql, &values)?;
                match rows.first() {
                    Some(r) => f(&Row(RowInner::Postgres(r))),
                    None => Err(Error::NoRows),
                }
            }
        }
    }

    /// Runs `f` on each row as it arrives, never holding the whole result (PostgreSQL
    /// streams it from the server): for scans of whole tables. `f` must not use this
    /// connection while the rows arrive.
    pub fn for_each<P: Params, F>(&self, sql: &str, params: P, mut f: F) -> Result<()>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        let values = params.values();
        match self {
            Connection::Sqlite(c) => {
                let mut stmt = c.prepare(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(values.iter()))?;
                while let Some(r) = rows.next()? {
                    f(&Row(RowInner::Sqlite(r)))?;
                }
                Ok(())
            }
            Connection::Postgres(c) => c.for_each(sql, &values, |r| f(&Row(RowInner::Postgres(r)))),
        }
    }

    /// Inserts rows of `width` values each (`values` row after row) with multi-row
    /// INSERTs, a few hundred rows a statement: `head` is `INSERT INTO t (a, b)`, `tail`
    /// what follows the rows (`ON CONFLICT … DO NOTHING`, or nothing). A batch is a few
    /// statements instead of one a row: on PostgreSQL each is a round trip. Returns the rows
    /// inserted.
    pub fn insert_rows(
        &self,
        head: &str,
        tail: &str,
        width: usize,
        values: &[&dyn ToValue],
    ) -> Result<usize> {
        const MAX_ROWS: usize = 500;
        const MAX_VALUES: usize = 30_000;
        if width == 0 || values.is_empty() {
            return Ok(0);
        }
        let per = MAX_ROWS.min(MAX_VALUES / width).max(1) * width;
        let mut done = 0;
        for chunk in values.chunks(per) {
            let rows = chunk.len() / width;
            let mut sql = String::with_capacity(head.len() + tail.len() + rows * width * 6);
            sql.push_str(head);
            sql.push_str(" VALUES ");
            for r in 0..rows {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    sql.push('?');
                    sql.push_str(&(r * width + c + 1).to_string());
                }
                sql.push(')');
            }
            if !tail.is_empty() {
                sql.push(' ');
                sql.push_str(tail);
            }
            done += self.prepare_cached(&sql)?.execute(chunk)?;
        }
        Ok(done)
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement(StmtInner::SqliteCached(c.prepare_cached(sql)?))),
            Connection::Postgres(c) => Ok(Statement(StmtInner::Postgres(
                c,
                sql.to_string(),
                Plan::Cached,
            ))),
        }
    }

    /// A statement whose best plan depends on its values (the queue's substring filter: a
    /// rare name is found through the trigram index, a common letter by reading the order's
    /// own index). SQLite keeps it compiled; PostgreSQL prepares it afresh for each
    /// execution, so that it is planned for the values given (a kept statement would settle
    /// on one generic plan after five runs), for one more round trip.
    pub fn prepare_planned(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement(StmtInner::SqliteCached(c.prepare_cached(sql)?))),
            Connection::Postgres(c) => Ok(Statement(StmtInner::Postgres(
                c,
                sql.to_string(),
                Plan::PerValues,
            ))),
        }
    }

    /// A statement compiled for one use (a query built at run time); PostgreSQL keeps it
    /// among its prepared statements all the same.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        match self {
            Connection::Sqlite(c) => Ok(Statement(StmtInner::Sqlite(c.prepare(sql)?))),
            Connection::Postgres(c) => Ok(Statement(StmtInner::Postgres(
                c,
                sql.to_string(),
                Plan::Cached,
            ))),
        }
    }

    /// A write transaction: it waits for every other writer, on this host or another, and
    /// holds them off until it ends. SQLite takes its write lock (`BEGIN IMMEDIATE`);
    /// PostgreSQL takes one transaction-scoped advisory lock that every Merit writer takes, so
    /// writes happen one at a time as on SQLite, and what a transaction read stays true until
    /// it commits (the audit chain's last hash, the status-list counter, an award's absence).
    pub fn write(&self) -> Result<Transaction<'_>> {
        match self {
            Connection::Sqlite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Connection::Postgres(c) => {
                c.batch("BEGIN")?;
                c.in_transaction.set(true);
                if let Err(e) = c.execute(
                    "SELECT pg_advisory_xact_lock(?1)",
                    &[ValueRef::Integer(WRITE_LOCK)],
                ) {
                    let _ = c.batch("ROLLBACK");
                    c.in_transaction.set(false);
                    return Err(e);
                }
            }
        }
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }
}

/// A write transaction, rolled back unless committed.
pub struct Transaction<'a> {
    conn: &'a Connection,
    done: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        let result = self.conn.execute_batch("COMMIT");
        self.ended();
        result
    }

    fn ended(&self) {
        if let Connection::Postgres(c) = self.conn {
            c.in_transaction.set(false);
        }
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.ended();
        }
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

enum StmtInner<'a> {
    Sqlite(rusqlite::Statement<'a>),
    SqliteCached(rusqlite::CachedStatement<'a>),
    Postgres(&'a PgConnection, String, Plan),
}

/// A statement to run once or many times.
pub struct Statement<'a>(StmtInner<'a>);

impl<'a> Statement<'a> {
    fn sqlite(&mut self) -> Option<&mut rusqlite::Statement<'a>> {
        match &mut self.0 {
            StmtInner::Sqlite(s) => Some(s),
            StmtInner::SqliteCached(s) => Some(s),
            StmtInner::Postgres(..) => None,
        }
    }

    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values();
        if let Some(s) = self.sqlite() {
            return Ok(s.execute(rusqlite::params_from_iter(values.iter()))?);
        }
        match &self.0 {
            StmtInner::Postgres(c, sql, _) => c.execute(sql, &values),
            _ => unreachable!("a SQLite statement is handled above"),
        }
    }

    pub fn query<P: Params>(&mut self, params: P) -> Result<Rows<'_>> {
        let values = params.values();
        match &mut self.0 {
            StmtInner::Sqlite(s) => Ok(Rows(RowsInner::Sqlite(
                s.query(rusqlite::params_from_iter(values.iter()))?,
            ))),
            StmtInner::SqliteCached(s) => Ok(Rows(RowsInner::Sqlite(
                s.query(rusqlite::params_from_iter(values.iter()))?,
            ))),
            StmtInner::Postgres(c, sql, plan) => Ok(Rows(RowsInner::Postgres(
                c.query_as(sql, &values, *plan)?,
                0,
            ))),
        }
    }

    pub fn query_row<T, P: Params, F>(&mut self, params: P, f: F) -> Result<T>
    where
        F: FnOnce(&Row<'_>) -> Result<T>,
    {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(Error::NoRows),
        }
    }

    pub fn query_map<T, P: Params, F>(&mut self, params: P, f: F) -> Result<MappedRows<'_, F>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        Ok(MappedRows {
            rows: self.query(params)?,
            f,
        })
    }
}

impl rusqlite::ToSql for ValueRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as R};
        Ok(ToSqlOutput::Borrowed(match *self {
            ValueRef::Null => R::Null,
            ValueRef::Integer(i) => R::Integer(i),
            ValueRef::Real(f) => R::Real(f),
            ValueRef::Text(s) => R::Text(s.as_bytes()),
            ValueRef::Blob(b) => R::Blob(b),
        }))
    }
}

enum RowsInner<'a> {
    Sqlite(rusqlite::Rows<'a>),
    Postgres(Vec<postgres::Row>, usize),
}

/// The rows of a query, one at a time.
pub struct Rows<'a>(RowsInner<'a>);

impl Rows<'_> {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Row<'_>>> {
        match &mut self.0 {
            RowsInner::Sqlite(rows) => Ok(rows.next()?.map(|r| Row(RowInner::Sqlite(r)))),
            RowsInner::Postgres(rows, i) => {
                let row = rows.get(*i);
                *i += 1;
                Ok(row.map(|r| Row(RowInner::Postgres(r))))
            }
        }
    }
}

/// The rows of a query, each mapped by a function.
pub struct MappedRows<'a, F> {
    rows: Rows<'a>,
    f: F,
}

impl<T, F> Iterator for MappedRows<'_, F>
where
    F: FnMut(&Row<'_>) -> Result<T>,
{
    type Item = Result<T>;
    fn next(&mut self) -> Option<Result<T>> {
        match self.rows.next() {
            Ok(Some(r)) => Some((self.f)(&r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// A column's place in a row, from 0.
pub trait ColumnIndex {
    fn index(self) -> usize;
}

impl ColumnIndex for usize {
    fn index(self) -> usize {
        self
    }
}

enum RowInner<'a> {
    Sqlite(&'a rusqlite::Row<'a>),
    Postgres(&'a postgres::Row),
}

/// One row of a result.
pub struct Row<'a>(RowInner<'a>);

impl Row<'_> {
    /// Column `index` (from 0) as `T`: a value of another type is an error, as in rusqlite.
    pub fn get<I: ColumnIndex, T: FromValue>(&self, index: I) -> Result<T> {
        let index = index.index();
        let column = |message: String| Error::Column { index, message };
        match &self.0 {
            RowInner::Sqlite(r) => {
                let v = r.get_ref(index)?;
                let v = match v {
                    rusqlite::types::ValueRef::Null => ValueRef::Null,
                    rusqlite::types::ValueRef::Integer(i) => ValueRef::Integer(i),
                    rusqlite::types::ValueRef::Real(f) => ValueRef::Real(f),
                    rusqlite::types::ValueRef::Text(t) => {
                        ValueRef::Text(std::str::from_utf8(t).map_err(|e| column(e.to_string()))?)
                    }
                    rusqlite::types::ValueRef::Blob(b) => ValueRef::Blob(b),
                };
                T::from_value(v).map_err(column)
            }
            RowInner::Postgres(r) => {
                let PgValue(v) = r.try_get::<_, PgValue>(index)?;
                T::from_value(v.as_ref()).map_err(column)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The PostgreSQL database the tests may use, as the integration tests find it.
    fn postgres() -> Option<Connection> {
        let Ok(url) = std::env::var("MERIT_TEST_DATABASE_URL") else {
            assert!(
                std::env::var("MERIT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "MERIT_REQUIRE_POSTGRES=1 but MERIT_TEST_DATABASE_URL is not set"
            );
            eprintln!("skipped on PostgreSQL: set MERIT_TEST_DATABASE_URL to run it");
            return None;
        };
        Some(crate::store::pg::connect(&url, None).expect("MERIT_TEST_DATABASE_URL"))
    }

    #[test]
    fn a_planned_statement_learns_once_that_its_null_is_text() {
        let Some(conn) = postgres() else { return };
        let Connection::Postgres(pg) = &conn else {
            unreachable!()
        };
        // Nothing tells the server what type ?1 has when it is NULL.
        let sql = "SELECT CASE WHEN ?1 IS NOT NULL THEN 'named' ELSE 'none' END, ?2 + 1";
        let run = |name: Option<&str>| -> String {
            let mut stmt = conn.prepare_planned(sql).expect("planned");
            let (shown, n): (String, i64) = stmt
                .query_row(params![name, 41i64], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("runs");
            assert_eq!(n, 42);
            shown
        };
        assert!(pg.nulls_as_text.borrow().is_empty());
        assert_eq!(run(None), "none");
        // Learned: the next run sends the NULL as text at once.
        assert_eq!(pg.nulls_as_text.borrow().len(), 1);
        assert_eq!(run(None), "none");
        assert_eq!(pg.nulls_as_text.borrow().len(), 1);
        // With a value the parameter has a type of its own, and nothing more is learned.
        assert_eq!(run(Some("x")), "named");
        assert_eq!(pg.nulls_as_text.borrow().len(), 1);
    }
}

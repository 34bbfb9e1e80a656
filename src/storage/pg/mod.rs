//! The PostgreSQL/PostGIS store: the same data set, history of knowledge and tokens as the SQLite
//! store, in tables GIS tools open directly (`migrations/pg/`). One writer at a time: every write
//! locks the revision row first, so writes from several servers are serialised by the database.
//!
//! All calls block; the HTTP layer runs them off the async executor. A lost connection is made
//! again on the next call; while the database cannot be reached, calls fail with
//! [`StorageError::Unavailable`].

pub mod audit;
mod edits;
mod import;
mod load;
pub mod tls;
pub mod tokens;
pub mod watch;

use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::{Client, GenericClient, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::location::PgUrl;
use super::{Delta, Result, StorageError, Stored};
use crate::domain::time::Instant;
use tls::Tls;

/// Schema migrations: (version, name, SQL), applied in order at open, each version recorded in
/// `schema_migrations`.
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "01-schema",
    include_str!("../../../migrations/pg/01-schema.sql"),
)];

/// The channel every commit notifies with its new revision.
pub const CHANNEL: &str = "frontline_revision";

/// How long connecting may take before the database counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A key for the advisory lock that makes servers starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x0046_524f_4e54;

/// A PostgreSQL store: a connection, made again when it is lost.
pub struct PgStore {
    url: PgUrl,
    client: Option<Client>,
}

impl PgStore {
    /// Connects to the database at `url` and applies pending migrations (in one transaction).
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when the database cannot be reached; a migration error when
    /// its schema cannot be brought up to date (PostGIS missing, a newer schema).
    pub fn open(url: &PgUrl) -> Result<Self> {
        let mut client = connect(url)?;
        migrate(&mut client)?;
        let mut store = Self {
            url: url.clone(),
            client: Some(client),
        };
        let connection = store.encryption()?;
        tracing::info!(db = %url, %connection, "opened the database");
        Ok(store)
    }

    /// The connection, made again when the last one was lost.
    pub(crate) fn client(&mut self) -> Result<&mut Client> {
        let alive = self
            .client
            .as_mut()
            .is_some_and(|c| !c.is_closed() && c.is_valid(CONNECT_TIMEOUT).is_ok());
        if !alive {
            self.client = None;
            let client = connect(&self.url)?;
            tracing::info!(db = %self.url, "connected to the database again");
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected just now"))
    }

    /// The schema version recorded in the database.
    ///
    /// # Errors
    /// On a database error.
    pub fn schema_version(&mut self) -> Result<i64> {
        let v: i32 = self
            .client()?
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .get(0);
        Ok(i64::from(v))
    }

    /// How the connection is protected, as the database sees it: `TLSv1.3, certificate chain
    /// and host name checked`, or `not encrypted`.
    ///
    /// # Errors
    /// On a database error.
    pub fn encryption(&mut self) -> Result<String> {
        let verified = match &self.url.tls {
            Tls::On { verified, .. } => verified.as_str(),
            Tls::Off => "",
        };
        let row = self.client()?.query_one(
            "SELECT COALESCE(ssl, false), version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )?;
        Ok(match row.get::<_, Option<String>>(1) {
            Some(version) if row.get::<_, bool>(0) => format!("{version}, certificate {verified}"),
            _ => "not encrypted".to_owned(),
        })
    }

    /// The latest write's revision (0 for a database never imported into).
    ///
    /// # Errors
    /// On a database error.
    pub fn revision(&mut self) -> Result<i64> {
        revision_of(self.client()?)
    }

    /// Whether no data set has been imported yet.
    ///
    /// # Errors
    /// On a database error.
    pub fn is_empty(&mut self) -> Result<bool> {
        Ok(self
            .client()?
            .query_one(
                "SELECT NOT EXISTS (SELECT 1 FROM districts WHERE NOT retired)",
                &[],
            )?
            .get(0))
    }

    /// A read-only, repeatable-read transaction: every read in it sees one snapshot.
    pub(crate) fn read_transaction(&mut self) -> Result<postgres::Transaction<'_>> {
        Ok(self
            .client()?
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?)
    }

    /// Loads the whole stored data set in one repeatable-read transaction: one data set,
    /// labelled with its revision, whatever commits meanwhile.
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn load(&mut self) -> Result<Stored> {
        let mut tx = self.read_transaction()?;
        let stored = load::all(&mut tx)?;
        tx.commit()?;
        Ok(stored)
    }

    /// What changed since an index of `revision` whose newest edit was `last_edit` (see
    /// [`Store::delta_since`](crate::storage::Store::delta_since)).
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn delta_since(&mut self, revision: i64, last_edit: i64) -> Result<Option<Delta>> {
        let mut tx = self.read_transaction()?;
        let delta = load::delta(&mut tx, revision, last_edit)?;
        tx.commit()?;
        Ok(delta)
    }
}

impl Drop for PgStore {
    /// Closing a connection runs the client's own runtime, which cannot run on an async
    /// executor's thread: there the connection is closed on a thread of its own.
    fn drop(&mut self) {
        if let Some(client) = self.client.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            std::thread::spawn(move || drop(client));
        }
    }
}

/// Connects, with a time limit unless the URL sets one.
fn connect(url: &PgUrl) -> Result<Client> {
    let mut config = url.config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    let connected = match &url.tls {
        Tls::Off => config.connect(NoTls),
        Tls::On { config: tls, .. } => config.connect(MakeRustlsConnect::new((**tls).clone())),
    };
    connected.map_err(|e| {
        StorageError::Unavailable(format!("cannot connect to {url}: {}", cause_chain(&e)))
    })
}

/// Brings the schema up to date: pending migrations in one transaction, one server at a time.
fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )?;
    let current: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    let latest = MIGRATIONS.last().map_or(0, |m| m.0);
    if current > latest {
        return Err(StorageError::PgMigration(format!(
            "the database is at schema version {current}, newer than this frontline knows \
             ({latest}): upgrade frontline"
        )));
    }
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql).map_err(|e| {
            StorageError::PgMigration(format!("migration {name} failed: {}", cause_chain(&e)))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&version, &name],
        )?;
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn revision_of(c: &mut impl GenericClient) -> Result<i64> {
    Ok(c.query_one("SELECT revision FROM store_revision", &[])?
        .get(0))
}

/// Bumps the revision and tells every listening server, in the caller's transaction; returns
/// the new revision.
pub(crate) fn bump_revision(tx: &mut impl GenericClient) -> Result<i64> {
    let revision: i64 = tx
        .query_one(
            "UPDATE store_revision SET revision = revision + 1 RETURNING revision",
            &[],
        )?
        .get(0);
    tx.execute(
        "SELECT pg_notify($1, $2)",
        &[&CHANNEL, &revision.to_string()],
    )?;
    Ok(revision)
}

/// Takes the write lock (the revision row) and returns the revision it guards.
pub(crate) fn lock_revision(tx: &mut impl GenericClient) -> Result<i64> {
    Ok(tx
        .query_one("SELECT revision FROM store_revision FOR UPDATE", &[])?
        .get(0))
}

/// An instant as `timestamptz`.
pub(crate) fn ts(i: Instant) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(i.0).ok_or_else(|| {
        StorageError::CorruptRow(format!("instant {} ms is beyond timestamptz's range", i.0))
    })
}

/// A `timestamptz` as an instant.
pub(crate) fn instant(t: DateTime<Utc>) -> Instant {
    Instant(t.timestamp_millis())
}

/// An error and its causes, as one line.
pub(crate) fn cause_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Whether `e` means the database cannot be reached now (rather than refused the statement).
fn is_unavailable(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(code) = e.code() {
        let c = code.code();
        // Connection exceptions, and the server shutting down or starting up.
        return c.starts_with("08") || matches!(c, "57P01" | "57P02" | "57P03");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    e.to_string().contains("timeout")
}

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        if is_unavailable(&e) {
            Self::Unavailable(cause_chain(&e))
        } else {
            Self::Postgres(cause_chain(&e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_and_named_after_their_files() {
        for (i, &(version, name, sql)) in MIGRATIONS.iter().enumerate() {
            assert_eq!(usize::try_from(version).unwrap(), i + 1, "{name}");
            assert!(name.starts_with(&format!("{version:02}-")), "{name}");
            assert!(!sql.trim().is_empty(), "{name} is empty");
            let upper = sql.to_uppercase();
            // Each runs inside the migration transaction: none may end it.
            for word in ["BEGIN;", "COMMIT;", "ROLLBACK;"] {
                assert!(!upper.contains(word), "{name} contains {word}");
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/pg");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS.iter().map(|m| format!("{}.sql", m.1)).collect();
        assert_eq!(
            files, listed,
            "every file in migrations/pg is listed, in order"
        );
    }

    #[test]
    fn instants_survive_timestamptz() {
        for ms in [0, 1_483_228_800_123, -86_400_000] {
            assert_eq!(instant(ts(Instant(ms)).unwrap()), Instant(ms));
        }
        assert!(ts(Instant(i64::MAX)).is_err());
    }

    #[test]
    fn an_unreachable_database_is_unavailable_and_says_where() {
        let crate::storage::DbLocation::Postgres(url) =
            "postgres://u:secret@127.0.0.1:1/x".parse().unwrap()
        else {
            unreachable!()
        };
        let Err(err) = PgStore::open(&url) else {
            panic!("nothing listens on port 1")
        };
        let text = err.to_string();
        assert!(matches!(err, StorageError::Unavailable(_)), "{text}");
        assert!(
            text.contains("127.0.0.1:1/x") && !text.contains("secret"),
            "{text}"
        );
    }
}

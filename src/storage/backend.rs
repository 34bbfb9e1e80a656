//! One store, whichever engine holds it: the SQLite file or a PostgreSQL database. Callers (the
//! server, the command line, the HTTP layer) use these types only and never learn which.

use std::sync::Mutex;
use std::time::Duration;

use super::audit::EditRecord;
use super::location::DbLocation;
use super::pg::PgStore;
use super::pg::watch::PgWatch;
use super::{
    Added, Author, Committed, Delta, EditKind, ImportSummary, NewRecord, Result, Role, Store,
    Stored, TokenError, TokenInfo, WriteError,
};
use crate::domain::model::{ControlState, Dataset};
use crate::domain::time::Instant;

/// A store on either engine.
#[expect(
    clippy::large_enum_variant,
    reason = "one per process or command, never copied in bulk"
)]
pub enum AnyStore {
    Sqlite(Store),
    Postgres(PgStore),
}

/// Calls the same method on whichever store this is.
macro_rules! either {
    ($self:expr, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call,
            AnyStore::Postgres($s) => off_runtime(|| $call),
        }
    };
}

/// Runs `f`, on a thread of its own when called from an async executor's thread: the
/// PostgreSQL client drives its connection with a runtime of its own, which cannot run inside
/// another.
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|scope| {
        scope
            .spawn(f)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

impl AnyStore {
    /// Opens (creating a SQLite file if needed) the store at `db` and applies pending
    /// migrations.
    ///
    /// # Errors
    /// When the store cannot be reached, opened or migrated.
    pub fn open(db: &DbLocation) -> Result<Self> {
        Ok(match db {
            DbLocation::Sqlite(path) => Self::Sqlite(Store::open(path)?),
            DbLocation::Postgres(url) => Self::Postgres(off_runtime(|| PgStore::open(url))?),
        })
    }

    /// Opens the store for a server's writes: for SQLite, each commit synced in full.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_writer(db: &DbLocation) -> Result<Self> {
        let store = Self::open(db)?;
        if let Self::Sqlite(s) = &store {
            s.connection().pragma_update(None, "synchronous", "FULL")?;
        }
        Ok(store)
    }

    /// The schema version recorded in the store.
    ///
    /// # Errors
    /// On a database error.
    pub fn schema_version(&mut self) -> Result<i64> {
        either!(self, s => s.schema_version())
    }

    /// The latest write's revision (0 for a store never imported into).
    ///
    /// # Errors
    /// On a database error.
    pub fn revision(&mut self) -> Result<i64> {
        either!(self, s => s.revision())
    }

    /// Whether no data set has been imported yet.
    ///
    /// # Errors
    /// On a database error.
    pub fn is_empty(&mut self) -> Result<bool> {
        either!(self, s => s.is_empty())
    }

    /// The whole stored data set, as of one moment, labelled with its revision.
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn load(&mut self) -> Result<Stored> {
        either!(self, s => s.load())
    }

    /// What changed since an index of `revision` whose newest edit was `last_edit`, when only
    /// control states did (see [`Store::delta_since`]).
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn delta_since(&mut self, revision: i64, last_edit: i64) -> Result<Option<Delta>> {
        either!(self, s => s.delta_since(revision, last_edit))
    }

    /// Imports a valid data set in one transaction (see [`Store::import`]).
    ///
    /// # Errors
    /// On a database error; nothing is written.
    pub fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary> {
        either!(self, s => s.import(data, now))
    }

    /// Supersedes `close` and records `insert` as one edit, if the store is still at
    /// `expected_revision` (see [`Store::change_states`]).
    ///
    /// # Errors
    /// [`WriteError::Stale`] when another writer got there first; nothing changes on any error.
    pub fn change_states(
        &mut self,
        author: Author<'_>,
        kind: EditKind,
        expected_revision: i64,
        close: &[i64],
        insert: &[ControlState],
        now: Instant,
    ) -> Result<Committed, WriteError> {
        either!(self, s => s.change_states(author, kind, expected_revision, close, insert, now))
    }

    /// Adds a source, a faction or a district as one edit; returns the edit and the new revision.
    ///
    /// # Errors
    /// [`WriteError::Duplicate`] when one with the same id exists already.
    pub fn add_record(
        &mut self,
        author: Author<'_>,
        record: NewRecord<'_>,
        now: Instant,
    ) -> Result<Added, WriteError> {
        either!(self, s => s.add_record(author, record, now))
    }

    /// Creates a token; returns it (stored only as its hash).
    ///
    /// # Errors
    /// When the name is taken or malformed, or on a database error.
    pub fn create_token(
        &mut self,
        name: &str,
        role: Role,
        now: Instant,
    ) -> Result<String, TokenError> {
        either!(self, s => s.create_token(name, role, now))
    }

    /// Every token, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub fn tokens(&mut self) -> Result<Vec<TokenInfo>> {
        either!(self, s => s.tokens())
    }

    /// Revokes a token from `now` on.
    ///
    /// # Errors
    /// When no such token exists or it is revoked already.
    pub fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError> {
        either!(self, s => s.revoke_token(name, now))
    }
}

/// Reads that run beside a server's writer, without waiting for it: token checks and the
/// audit. SQLite opens a read-only connection per read; PostgreSQL keeps one connection.
#[expect(clippy::large_enum_variant, reason = "one per server")]
pub enum Reader {
    Sqlite(std::path::PathBuf),
    Postgres(Mutex<PgStore>),
}

impl Reader {
    /// A reader of the store at `db`.
    ///
    /// # Errors
    /// When a PostgreSQL store cannot be reached.
    pub fn open(db: &DbLocation) -> Result<Self> {
        Ok(match db {
            DbLocation::Sqlite(path) => Self::Sqlite(path.clone()),
            DbLocation::Postgres(url) => {
                Self::Postgres(Mutex::new(off_runtime(|| PgStore::open(url))?))
            }
        })
    }

    /// Who a presented token belongs to, or `None` when it is unknown or revoked.
    ///
    /// # Errors
    /// On a database error, or when the database cannot be reached.
    pub fn authenticate(&self, token: &str) -> Result<Option<(String, Role)>> {
        match self {
            Self::Sqlite(path) => super::tokens::authenticate(path, token),
            Self::Postgres(store) => off_runtime(|| lock(store).authenticate(token)),
        }
    }

    /// The edits after `since`, newest first (see [`super::audit::edits`]).
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn edits(
        &self,
        since: Option<Instant>,
        limit: usize,
        per_edit: usize,
    ) -> Result<Vec<EditRecord>> {
        match self {
            Self::Sqlite(path) => super::audit::edits(path, since, limit, per_edit),
            Self::Postgres(store) => off_runtime(|| lock(store).edits(since, limit, per_edit)),
        }
    }
}

fn lock(store: &Mutex<PgStore>) -> std::sync::MutexGuard<'_, PgStore> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a server watches for other processes' writes: the SQLite file polled every interval, or
/// a PostgreSQL notification channel with a poll as fallback.
#[expect(clippy::large_enum_variant, reason = "one per server")]
pub enum Watch {
    Sqlite {
        path: std::path::PathBuf,
        every: Duration,
    },
    Postgres(PgWatch),
}

/// The longest a PostgreSQL server goes without reading the revision, notification or not.
const PG_POLL: Duration = Duration::from_secs(1);

impl Watch {
    /// A watcher of `db`, looking at least every `every` (PostgreSQL: at most 1 s, and at once
    /// on a notification).
    #[must_use]
    pub fn new(db: &DbLocation, every: Duration) -> Self {
        match db {
            DbLocation::Sqlite(path) => Self::Sqlite {
                path: path.clone(),
                every,
            },
            DbLocation::Postgres(url) => Self::Postgres(PgWatch::new(url, every.min(PG_POLL))),
        }
    }

    /// Blocks until the store may have changed.
    ///
    /// # Errors
    /// When a PostgreSQL connection is lost or cannot be made again (it is retried with backoff
    /// on the next call).
    pub fn wait(&mut self) -> Result<()> {
        match self {
            Self::Sqlite { every, .. } => {
                std::thread::sleep(*every);
                Ok(())
            }
            Self::Postgres(w) => w.wait(),
        }
    }

    /// The store's revision now.
    ///
    /// # Errors
    /// When it cannot be read.
    pub fn revision(&mut self) -> Result<i64> {
        match self {
            Self::Sqlite { path, .. } => super::read_revision(path),
            Self::Postgres(w) => w.revision(),
        }
    }

    /// Whether the watcher reconnected since the last call: the caller then says it caught up.
    pub fn take_reconnected(&mut self) -> bool {
        match self {
            Self::Sqlite { .. } => false,
            Self::Postgres(w) => w.take_reconnected(),
        }
    }
}

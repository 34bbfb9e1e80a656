//! One store, whichever engine holds it: the SQLite file or a PostgreSQL database, both behind
//! the [`Storage`] trait. Callers (the server, the command line, the HTTP layer) use these types
//! only and never learn which.

use std::sync::Mutex;
use std::time::Duration;

use super::audit::EditRecord;
use super::location::DbLocation;
use super::pg::PgStore;
use super::pg::watch::PgWatch;
use super::{
    Added, Author, Change, Committed, Delta, ImportSummary, NewRecord, Result, Role, Store, Stored,
    TokenError, TokenInfo, WriteError, edits,
};
use crate::domain::model::Dataset;
use crate::domain::time::Instant;

/// What a store does, whichever engine holds it: the SQLite [`Store`] and [`PgStore`] implement
/// it, and callers hold an [`AnyStore`] (which dereferences to it) and never learn which.
pub trait Storage: Send {
    /// The schema version recorded in the store.
    ///
    /// # Errors
    /// On a database error.
    fn schema_version(&mut self) -> Result<i64>;

    /// The latest write's revision (0 for a store never imported into).
    ///
    /// # Errors
    /// On a database error.
    fn revision(&mut self) -> Result<i64>;

    /// Whether no data set has been imported yet.
    ///
    /// # Errors
    /// On a database error.
    fn is_empty(&mut self) -> Result<bool>;

    /// The whole stored data set, as of one moment, labelled with its revision.
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    fn load(&mut self) -> Result<Stored>;

    /// What changed since an index of `revision` whose newest edit was `last_edit`, when only
    /// control states did (see [`Store::delta_since`]).
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    fn delta_since(&mut self, revision: i64, last_edit: i64) -> Result<Option<Delta>>;

    /// Imports a valid data set in one transaction (see [`Store::import`]).
    ///
    /// # Errors
    /// On a database error; nothing is written.
    fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary>;

    /// Supersedes `change.close` and records `change.insert` as one edit, if the store is still
    /// at `change.expected_revision`; two writers at once, on one server or several, are
    /// serialised by the store's write lock.
    ///
    /// # Errors
    /// [`WriteError::Stale`] when another writer got there first (also when a row to close is
    /// no longer believed); nothing changes on any error.
    fn change_states(
        &mut self,
        author: Author<'_>,
        change: &Change<'_>,
        now: Instant,
    ) -> Result<Committed, WriteError>;

    /// Adds a source, a faction or a district as one edit; returns the edit and the new revision.
    ///
    /// # Errors
    /// [`WriteError::Duplicate`] when one with the same id exists already.
    fn add_record(
        &mut self,
        author: Author<'_>,
        record: NewRecord<'_>,
        now: Instant,
    ) -> Result<Added, WriteError>;

    /// Creates a token; returns it (stored only as its hash).
    ///
    /// # Errors
    /// When the name is taken or malformed, or on a database error.
    fn create_token(&mut self, name: &str, role: Role, now: Instant) -> Result<String, TokenError>;

    /// Every token, oldest first.
    ///
    /// # Errors
    /// On a database error.
    fn tokens(&mut self) -> Result<Vec<TokenInfo>>;

    /// Revokes a token from `now` on.
    ///
    /// # Errors
    /// When no such token exists or it is revoked already.
    fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError>;
}

/// A store on either engine.
pub struct AnyStore(Box<dyn Storage>);

impl AnyStore {
    /// Opens (creating a SQLite file if needed) the store at `db` and applies pending
    /// migrations.
    ///
    /// # Errors
    /// When the store cannot be reached, opened or migrated.
    pub fn open(db: &DbLocation) -> Result<Self> {
        Ok(Self(match db {
            DbLocation::Sqlite(path) => Box::new(Store::open(path)?),
            DbLocation::Postgres(url) => Box::new(off_runtime(|| PgStore::open(url))?),
        }))
    }

    /// Opens the store for a server's writes: for SQLite, each commit synced in full.
    ///
    /// # Errors
    /// As [`open`](Self::open).
    pub fn open_writer(db: &DbLocation) -> Result<Self> {
        match db {
            DbLocation::Sqlite(path) => {
                let store = Store::open(path)?;
                store
                    .connection()
                    .pragma_update(None, "synchronous", "FULL")?;
                Ok(Self(Box::new(store)))
            }
            DbLocation::Postgres(_) => Self::open(db),
        }
    }
}

impl std::ops::Deref for AnyStore {
    type Target = dyn Storage;

    fn deref(&self) -> &Self::Target {
        self.0.as_ref()
    }
}

impl std::ops::DerefMut for AnyStore {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0.as_mut()
    }
}

impl Storage for Store {
    fn schema_version(&mut self) -> Result<i64> {
        Store::schema_version(self)
    }

    fn revision(&mut self) -> Result<i64> {
        Store::revision(self)
    }

    fn is_empty(&mut self) -> Result<bool> {
        Store::is_empty(self)
    }

    fn load(&mut self) -> Result<Stored> {
        Store::load(self)
    }

    fn delta_since(&mut self, revision: i64, last_edit: i64) -> Result<Option<Delta>> {
        Store::delta_since(self, revision, last_edit)
    }

    fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary> {
        Store::import(self, data, now)
    }

    fn change_states(
        &mut self,
        author: Author<'_>,
        change: &Change<'_>,
        now: Instant,
    ) -> Result<Committed, WriteError> {
        edits::change_states(self.write_tx()?, author, change, now)
    }

    fn add_record(
        &mut self,
        author: Author<'_>,
        record: NewRecord<'_>,
        now: Instant,
    ) -> Result<Added, WriteError> {
        edits::add_record(self.write_tx()?, author, record, now)
    }

    fn create_token(&mut self, name: &str, role: Role, now: Instant) -> Result<String, TokenError> {
        Store::create_token(self, name, role, now)
    }

    fn tokens(&mut self) -> Result<Vec<TokenInfo>> {
        Store::tokens(self)
    }

    fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError> {
        Store::revoke_token(self, name, now)
    }
}

// Each call off any async executor's thread (see `off_runtime`).
impl Storage for PgStore {
    fn schema_version(&mut self) -> Result<i64> {
        off_runtime(|| PgStore::schema_version(self))
    }

    fn revision(&mut self) -> Result<i64> {
        off_runtime(|| PgStore::revision(self))
    }

    fn is_empty(&mut self) -> Result<bool> {
        off_runtime(|| PgStore::is_empty(self))
    }

    fn load(&mut self) -> Result<Stored> {
        off_runtime(|| PgStore::load(self))
    }

    fn delta_since(&mut self, revision: i64, last_edit: i64) -> Result<Option<Delta>> {
        off_runtime(|| PgStore::delta_since(self, revision, last_edit))
    }

    fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary> {
        off_runtime(|| PgStore::import(self, data, now))
    }

    fn change_states(
        &mut self,
        author: Author<'_>,
        change: &Change<'_>,
        now: Instant,
    ) -> Result<Committed, WriteError> {
        off_runtime(|| edits::change_states(self.write_tx()?, author, change, now))
    }

    fn add_record(
        &mut self,
        author: Author<'_>,
        record: NewRecord<'_>,
        now: Instant,
    ) -> Result<Added, WriteError> {
        off_runtime(|| edits::add_record(self.write_tx()?, author, record, now))
    }

    fn create_token(&mut self, name: &str, role: Role, now: Instant) -> Result<String, TokenError> {
        off_runtime(|| PgStore::create_token(self, name, role, now))
    }

    fn tokens(&mut self) -> Result<Vec<TokenInfo>> {
        off_runtime(|| PgStore::tokens(self))
    }

    fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError> {
        off_runtime(|| PgStore::revoke_token(self, name, now))
    }
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

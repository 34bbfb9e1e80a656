//! The stores: SQLite in one file (the default, [`Store`]) and PostgreSQL/PostGIS
//! ([`pg::PgStore`]), behind one type, [`AnyStore`], chosen by a [`DbLocation`]. Open, migrate,
//! import a data set in one transaction, edit, load it back.
//!
//! All calls block; the HTTP layer runs them off the async executor.

pub mod audit;
mod backend;
mod context;
pub mod edits;
mod events;
mod import;
mod import_plan;
pub mod load;
mod location;
pub mod pg;
pub mod tokens;
mod wkb;

use std::path::Path;

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use crate::domain::events::{Event, Known, Site};
use crate::domain::model::{ControlState, Dataset, Faction, Source};
pub use backend::{AnyStore, Reader, Storage, Watch};
pub use edits::{Added, Author, Change, Committed, EditKind, NewRecord, WriteError};
pub use load::RowInfo;
pub use location::{DbLocation, PgUrl};
pub use tokens::{Role, TokenError, TokenInfo};
pub use wkb::Wkb;

/// Schema migrations, applied in order at open; SQLite's `user_version` records the schema version.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/01-schema.sql")),
    M::up(include_str!("../../migrations/02-sides-and-context.sql")),
    M::up(include_str!("../../migrations/03-knowledge.sql")),
    M::up(include_str!("../../migrations/04-events.sql")),
];

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "the database is busy: another process (an import?) has been writing to it for over {BUSY_WAIT_S} s; \
         try again when it has finished"
    )]
    Busy,
    #[error("schema migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("stored geometry of district '{district}' cannot be read: {reason}")]
    CorruptGeometry { district: String, reason: String },
    #[error("stored row is corrupt: {0}")]
    CorruptRow(String),
    #[error("PostgreSQL error: {0}")]
    Postgres(String),
    #[error("PostgreSQL schema migration failed: {0}")]
    PgMigration(String),
    /// The database cannot be reached now (down, restarting, or the network): worth retrying.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// How long a write waits for another writer to finish, seconds.
pub const BUSY_WAIT_S: u64 = 60;

impl From<rusqlite::Error> for StorageError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                Self::Busy
            }
            _ => Self::Sqlite(e),
        }
    }
}

/// A data set as stored, with what only the store knows.
#[derive(Debug, Clone)]
pub struct Stored {
    /// The data set as now believed.
    pub dataset: Dataset,
    /// Each state's row and when it was recorded (same order as `dataset.states`).
    pub rows: Vec<RowInfo>,
    /// The states no longer believed (superseded or withdrawn), with their rows.
    pub past: Vec<(ControlState, RowInfo)>,
    /// Every version of every event and site (the current ones are also in `dataset`).
    pub events: Vec<Known<Event>>,
    pub sites: Vec<Known<Site>>,
    /// Bumped by every import and edit.
    pub revision: i64,
    /// The newest edit (0: none).
    pub last_edit: i64,
}

/// What changed in the store since an index was loaded, when all of it is control states
/// recorded or withdrawn: the states those edits recorded or stopped believing.
#[derive(Debug, Clone)]
pub struct Delta {
    pub revision: i64,
    pub last_edit: i64,
    pub states: Vec<(ControlState, RowInfo)>,
}

/// Whether the edits made since an index was loaded (`kinds`, by id) are all changes of control
/// states and account for every revision between `from` and `to` (an import that changed
/// nothing bumps the revision with no edit): only then do the changed states tell all.
pub(crate) fn states_only(kinds: &[(i64, String)], from: i64, to: i64) -> bool {
    i64::try_from(kinds.len()).is_ok_and(|n| n == to - from)
        && kinds
            .iter()
            .all(|(_, k)| k == EditKind::Record.as_str() || k == EditKind::Retract.as_str())
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub districts: usize,
    pub states: usize,
    /// States identical to one already believed, which keep their original `recorded_at`.
    pub unchanged_states: usize,
    /// States believed before that the data set no longer has: superseded by the import.
    pub superseded_states: usize,
    /// The edit the import recorded; `None` when it changed no state.
    pub edit: Option<i64>,
    pub revision: i64,
}

pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Self> {
        let mut conn = Connection::open(path)?;
        // Wait for another writer before anything else: even switching to WAL takes a lock.
        conn.busy_timeout(std::time::Duration::from_secs(BUSY_WAIT_S))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(Self { conn })
    }

    /// The schema version recorded in the database.
    ///
    /// # Errors
    /// On a database error.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// The latest import's revision (0 for a database never imported into).
    ///
    /// # Errors
    /// On a database error.
    pub fn revision(&self) -> Result<i64> {
        revision_of(&self.conn)
    }

    /// Whether no data set has been imported yet.
    ///
    /// # Errors
    /// On a database error.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM districts WHERE retired = 0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Loads the whole stored data set: records in import order, states by district and time.
    /// Everything, the revision included, is read in one read transaction: an import that commits
    /// meanwhile is not seen at all, so the result is one data set, labelled with its revision.
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn load(&self) -> Result<Stored> {
        self.load_observed(&mut |_| {})
    }

    /// [`load`](Self::load), calling `between` after each of its steps (`"revision"`,
    /// `"factions"`, `"sources"`, `"districts"`, `"states"`): for tests that commit an import in
    /// the middle of a load.
    ///
    /// # Errors
    /// As [`load`](Self::load).
    #[doc(hidden)]
    pub fn load_observed(&self, between: &mut dyn FnMut(&'static str)) -> Result<Stored> {
        // Deferred: the first read takes the snapshot every later read sees (WAL).
        let tx = self.conn.unchecked_transaction()?;
        let c: &Connection = &tx;
        let revision = revision_of(c)?;
        between("revision");
        let factions = c
            .prepare(
                "SELECT id, name, color, alliance FROM factions WHERE retired = 0 ORDER BY ord",
            )?
            .query_map([], |r| {
                Ok(Faction {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    color: r.get(2)?,
                    alliance: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        between("factions");
        let sources = c
            .prepare(
                "SELECT id, title, publisher, published, url, kind, note FROM sources
                 WHERE retired = 0 ORDER BY ord",
            )?
            .query_map([], |r| {
                Ok((
                    Source {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        publisher: r.get(2)?,
                        published: r.get(3)?,
                        url: r.get(4)?,
                        kind: None,
                        note: r.get(6)?,
                    },
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .map(|row| {
                let (mut source, kind) = row?;
                source.kind = kind
                    .map(|k| k.parse().map_err(StorageError::CorruptRow))
                    .transpose()?;
                Ok(source)
            })
            .collect::<Result<Vec<_>>>()?;
        between("sources");
        let districts = load::districts(c)?;
        between("districts");
        let (states, rows) = load::states(c, load::Belief::Current)?.into_iter().unzip();
        let past = load::states(c, load::Belief::Past)?;
        between("states");
        let (meta, layers) = context::load(c)?;
        let (event_versions, site_versions) = events::load(c)?;
        let last_edit = c.query_row("SELECT COALESCE(MAX(id), 0) FROM edits", [], |r| r.get(0))?;
        tx.finish()?;

        Ok(Stored {
            dataset: Dataset {
                factions,
                sources,
                districts,
                states,
                meta,
                layers,
                events: current(&event_versions),
                sites: current(&site_versions),
            },
            rows,
            past,
            events: event_versions,
            sites: site_versions,
            revision,
            last_edit,
        })
    }

    /// What changed since an index of `revision` whose newest edit was `last_edit`, read in one
    /// read transaction; `None` when more than control states changed (load it all then).
    ///
    /// # Errors
    /// On a database error or a corrupt row.
    pub fn delta_since(&self, revision: i64, last_edit: i64) -> Result<Option<Delta>> {
        let tx = self.conn.unchecked_transaction()?;
        let now = revision_of(&tx)?;
        let kinds = tx
            .prepare("SELECT id, kind FROM edits WHERE id > ?1 ORDER BY id")?
            .query_map([last_edit], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(i64, String)>, _>>()?;
        if !states_only(&kinds, revision, now) {
            return Ok(None);
        }
        let states = load::states(&tx, load::Belief::ChangedSince(last_edit))?;
        tx.finish()?;
        Ok(Some(Delta {
            revision: now,
            last_edit: kinds.last().map_or(last_edit, |k| k.0),
            states,
        }))
    }

    /// The underlying connection, for tests that inject failures.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn revision_of(c: &Connection) -> Result<i64> {
    let value: String = c.query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
        r.get(0)
    })?;
    value
        .parse()
        .map_err(|_| StorageError::CorruptRow(format!("meta revision '{value}'")))
}

/// The revision of the database at `path`, read through a read-only connection that applies no
/// migrations: what the reload watcher polls while another process may be importing.
///
/// # Errors
/// When the file cannot be opened or holds no Frontline schema.
pub fn read_revision(path: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(1))?;
    revision_of(&conn)
}

/// The records of the versions still believed.
pub(crate) fn current<T: Clone>(versions: &[Known<T>]) -> Vec<T> {
    versions
        .iter()
        .filter(|k| k.superseded_at.is_none())
        .map(|k| k.record.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        Migrations::from_slice(MIGRATIONS).validate().unwrap();
    }

    #[test]
    fn a_new_store_is_empty_at_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("x.db")).unwrap();
        assert!(store.is_empty().unwrap());
        assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(store.revision().unwrap(), 0);
        assert_eq!(read_revision(&dir.path().join("x.db")).unwrap(), 0);
        assert!(
            read_revision(&dir.path().join("missing.db")).is_err(),
            "read-only never creates a file"
        );
    }
}

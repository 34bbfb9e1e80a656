//! The SQLite store: open, migrate, import a data set in one transaction, load it back.
//!
//! All calls block; the HTTP layer runs them off the async executor.

mod context;
mod wkb;

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, Transaction, params};
use rusqlite_migration::{M, Migrations};

use crate::domain::model::{ControlState, Dataset, District, Faction, Source};
use crate::domain::time::Instant;
pub use wkb::Wkb;

/// Schema migrations, applied in order at open; SQLite's `user_version` records the schema version.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/01-schema.sql")),
    M::up(include_str!("../../migrations/02-sides-and-context.sql")),
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
    pub dataset: Dataset,
    /// When each state of `dataset.states` entered the database (same order).
    pub recorded_at: Vec<Instant>,
    /// Bumped by every import.
    pub revision: i64,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub districts: usize,
    pub states: usize,
    /// States identical to one already stored, which keep their original `recorded_at`.
    pub unchanged_states: usize,
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
        Ok(self
            .conn
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM districts)", [], |r| {
                r.get(0)
            })?)
    }

    /// Replaces the stored data set with `data` in one transaction: on any error nothing changes.
    /// States identical to stored ones keep their `recorded_at`; new ones are recorded at `now`.
    /// `data` must already be valid (see `dataset::validate`).
    ///
    /// # Errors
    /// On a database error; the transaction is rolled back.
    pub fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary> {
        // An import reported done survives a power cut: its commit is synced in full. Taking the
        // write lock up front makes a second import wait its turn instead of failing midway.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let known = recorded_times(&tx)?;
        for table in [
            "context_layers",
            "dataset_meta",
            "state_sources",
            "state_factions",
            "control_states",
            "districts",
            "sources",
            "factions",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        insert_records(&tx, data)?;
        let mut unchanged = 0;
        {
            let mut state = tx.prepare_cached(
                "INSERT INTO control_states (district, status, valid_from, valid_to, confidence, note, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut faction = tx.prepare_cached(
                "INSERT INTO state_factions (state, pos, faction) VALUES (?1, ?2, ?3)",
            )?;
            let mut source = tx.prepare_cached(
                "INSERT INTO state_sources (state, pos, source) VALUES (?1, ?2, ?3)",
            )?;
            for s in &data.states {
                let recorded = known.get(&state_key(s)).copied();
                unchanged += usize::from(recorded.is_some());
                state.execute(params![
                    s.district,
                    s.status.as_str(),
                    s.valid_from.0,
                    s.valid_to.map(|t| t.0),
                    s.confidence.as_str(),
                    s.note,
                    recorded.unwrap_or(now).0,
                ])?;
                let id = tx.last_insert_rowid();
                for (pos, f) in s.factions.iter().enumerate() {
                    faction.execute(params![id, pos, f])?;
                }
                for (pos, src) in s.sources.iter().enumerate() {
                    source.execute(params![id, pos, src])?;
                }
            }
        }
        tx.execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'", [])?;
        let revision: String =
            tx.query_row("SELECT value FROM meta WHERE key = 'revision'", [], |r| {
                r.get(0)
            })?;
        tx.commit()?;
        Ok(ImportSummary {
            districts: data.districts.len(),
            states: data.states.len(),
            unchanged_states: unchanged,
            revision: revision.parse().unwrap_or_default(),
        })
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
            .prepare("SELECT id, name, color, alliance FROM factions ORDER BY ord")?
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
                "SELECT id, title, publisher, published, url, kind, note FROM sources ORDER BY ord",
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
        let districts = load_districts(c)?;
        between("districts");
        let (states, recorded_at) = load_states(c)?;
        between("states");
        let (meta, layers) = context::load(c)?;
        tx.finish()?;
        Ok(Stored {
            dataset: Dataset {
                factions,
                sources,
                districts,
                states,
                meta,
                layers,
            },
            recorded_at,
            revision,
        })
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

fn insert_records(tx: &Transaction<'_>, data: &Dataset) -> Result<()> {
    let mut faction = tx.prepare_cached(
        "INSERT INTO factions (id, ord, name, color, alliance) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (ord, f) in data.factions.iter().enumerate() {
        faction.execute(params![f.id, ord, f.name, f.color, f.alliance])?;
    }
    let mut source = tx.prepare_cached(
        "INSERT INTO sources (id, ord, title, publisher, published, url, kind, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (ord, s) in data.sources.iter().enumerate() {
        source.execute(params![
            s.id,
            ord,
            s.title,
            s.publisher,
            s.published,
            s.url,
            s.kind.map(crate::domain::model::SourceKind::as_str),
            s.note
        ])?;
    }
    context::insert(tx, data)?;
    let mut district = tx.prepare_cached(
        "INSERT INTO districts (id, ord, name, alt_names, grp, properties, geometry) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (ord, d) in data.districts.iter().enumerate() {
        district.execute(params![
            d.id,
            ord,
            d.name,
            serde_json::to_string(&d.alt_names).expect("strings serialise"),
            d.group,
            serde_json::to_string(&d.properties).expect("JSON values serialise"),
            Wkb::encode(&d.geometry).0,
        ])?;
    }
    Ok(())
}

/// Identity of a state's content, to keep `recorded_at` across re-imports of the same facts.
fn state_key(s: &ControlState) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{}",
        s.district,
        s.status,
        s.factions.join(";"),
        s.valid_from.0,
        s.valid_to.map(|t| t.0),
        s.confidence,
        s.sources.join(";"),
        s.note
    )
}

fn recorded_times(c: &Connection) -> Result<HashMap<String, Instant>> {
    let (states, recorded) = load_states(c)?;
    Ok(states.iter().map(state_key).zip(recorded).collect())
}

fn load_districts(c: &Connection) -> Result<Vec<District>> {
    let mut stmt = c.prepare(
        "SELECT id, name, alt_names, grp, properties, geometry FROM districts ORDER BY ord",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Vec<u8>>(5)?,
        ))
    })?;
    let mut districts = Vec::new();
    for row in rows {
        let (id, name, alt_names, group, properties, geometry) = row?;
        let corrupt = |what: &str| StorageError::CorruptRow(format!("district '{id}': {what}"));
        let alt_names = serde_json::from_str(&alt_names)
            .map_err(|_| corrupt("alt_names is not a JSON array"))?;
        let properties = serde_json::from_str(&properties)
            .map_err(|_| corrupt("properties is not a JSON object"))?;
        let geometry = Wkb(geometry)
            .decode()
            .map_err(|reason| StorageError::CorruptGeometry {
                district: id.clone(),
                reason,
            })?;
        districts.push(District {
            id,
            name,
            alt_names,
            group,
            geometry,
            properties,
        });
    }
    Ok(districts)
}

/// States ordered by district and `valid_from`, with their `recorded_at`.
fn load_states(c: &Connection) -> Result<(Vec<ControlState>, Vec<Instant>)> {
    let links = |table: &str, column: &str| -> Result<HashMap<i64, Vec<String>>> {
        let mut map: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = c.prepare(&format!(
            "SELECT state, {column} FROM {table} ORDER BY state, pos"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            map.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(map)
    };
    let mut factions = links("state_factions", "faction")?;
    let mut sources = links("state_sources", "source")?;
    let mut stmt = c.prepare(
        "SELECT id, district, status, valid_from, valid_to, confidence, note, recorded_at
         FROM control_states ORDER BY district, valid_from",
    )?;
    let mut rows = stmt.query([])?;
    let (mut states, mut recorded) = (Vec::new(), Vec::new());
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let status: String = r.get(2)?;
        let confidence: String = r.get(5)?;
        states.push(ControlState {
            district: r.get(1)?,
            status: status.parse().map_err(StorageError::CorruptRow)?,
            factions: factions.remove(&id).unwrap_or_default(),
            valid_from: Instant(r.get(3)?),
            valid_to: r.get::<_, Option<i64>>(4)?.map(Instant),
            confidence: confidence.parse().map_err(StorageError::CorruptRow)?,
            sources: sources.remove(&id).unwrap_or_default(),
            note: r.get(6)?,
        });
        recorded.push(Instant(r.get(7)?));
    }
    Ok((states, recorded))
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

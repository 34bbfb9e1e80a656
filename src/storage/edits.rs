//! Edits: every accepted write is one row of `edits`, and the states it recorded and superseded
//! point at it. Nothing is updated in place but the end of a state's transaction time.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::load::RowInfo;
use super::{Result, StorageError, Store, Wkb, revision_of};
use crate::domain::model::{ControlState, District, Faction, Source};
use crate::domain::time::Instant;

/// What sort of write an edit was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    Import,
    Record,
    Retract,
    Source,
    Faction,
    District,
}

impl EditKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Import => "import",
            Self::Record => "record",
            Self::Retract => "retract",
            Self::Source => "source",
            Self::Faction => "faction",
            Self::District => "district",
        }
    }
}

/// An edit as recorded: its number and its instant (never earlier than an earlier edit's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditId {
    pub id: i64,
    pub at: Instant,
}

/// Who writes, and why.
#[derive(Debug, Clone, Copy)]
pub struct Author<'a> {
    pub name: &'a str,
    pub comment: &'a str,
}

/// Why a write was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Another writer changed the store since the caller's view of it (revision given).
    #[error("the store changed since revision {expected}: it is now at {found}")]
    Stale { expected: i64, found: i64 },
    /// A record with this id exists already.
    #[error("{0}")]
    Duplicate(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<rusqlite::Error> for WriteError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.into())
    }
}

/// A source, faction or district as added: its edit and the store's revision after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub edit: EditId,
    pub revision: i64,
}

/// A change to control states as committed.
#[derive(Debug, Clone)]
pub struct Committed {
    pub edit: EditId,
    /// The rows of the inserted states, in the order given.
    pub inserted: Vec<RowInfo>,
    pub revision: i64,
}

impl Store {
    /// Supersedes the states `close` (rows still believed) and records `insert`, as one edit in
    /// one `BEGIN IMMEDIATE` transaction, provided the store is still at `expected_revision`.
    ///
    /// # Errors
    /// [`WriteError::Stale`] when another writer got there first (also when a row in `close` is
    /// no longer believed); nothing is changed on any error.
    pub fn change_states(
        &mut self,
        author: Author<'_>,
        kind: EditKind,
        expected_revision: i64,
        close: &[i64],
        insert: &[ControlState],
        now: Instant,
    ) -> Result<Committed, WriteError> {
        let tx = self.begin_write(expected_revision)?;
        let edit = new_edit(&tx, author.name, kind, author.comment, now)?;
        for &id in close {
            if !supersede(&tx, id, edit)? {
                return Err(WriteError::Stale {
                    expected: expected_revision,
                    found: expected_revision,
                });
            }
        }
        let inserted = insert
            .iter()
            .map(|s| {
                Ok(RowInfo {
                    id: insert_state(&tx, s, edit)?,
                    recorded_at: edit.at,
                    superseded_at: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let revision = bump_revision(&tx)?;
        tx.commit()?;
        Ok(Committed {
            edit,
            inserted,
            revision,
        })
    }

    /// Adds a source, a faction or a district (exactly one of them), as one edit.
    ///
    /// # Errors
    /// [`WriteError::Duplicate`] when one with the same id exists already.
    pub fn add_record(
        &mut self,
        author: Author<'_>,
        record: NewRecord<'_>,
        now: Instant,
    ) -> Result<Added, WriteError> {
        let tx = self.begin_write(revision_of(&self.conn)?)?;
        let (table, id, kind) = match record {
            NewRecord::Source(s) => ("sources", s.id.as_str(), EditKind::Source),
            NewRecord::Faction(f) => ("factions", f.id.as_str(), EditKind::Faction),
            NewRecord::District(d) => ("districts", d.id.as_str(), EditKind::District),
        };
        let exists: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
            [id],
            |r| r.get(0),
        )?;
        if exists {
            return Err(WriteError::Duplicate(format!(
                "{table}: '{id}' exists already; ids are unique"
            )));
        }
        let next = format!("(SELECT COALESCE(MAX(ord), -1) + 1 FROM {table})");
        match record {
            NewRecord::Source(s) => tx.execute(
                &format!(
                    "INSERT INTO sources (id, ord, title, publisher, published, url, kind, note)
                     VALUES (?1, {next}, ?2, ?3, ?4, ?5, ?6, ?7)"
                ),
                params![
                    s.id,
                    s.title,
                    s.publisher,
                    s.published,
                    s.url,
                    s.kind.map(crate::domain::model::SourceKind::as_str),
                    s.note
                ],
            )?,
            NewRecord::Faction(f) => tx.execute(
                &format!(
                    "INSERT INTO factions (id, ord, name, color, alliance) VALUES (?1, {next}, ?2, ?3, ?4)"
                ),
                params![f.id, f.name, f.color, f.alliance],
            )?,
            NewRecord::District(d) => tx.execute(
                &format!(
                    "INSERT INTO districts (id, ord, name, alt_names, grp, properties, geometry)
                     VALUES (?1, {next}, ?2, ?3, ?4, ?5, ?6)"
                ),
                params![
                    d.id,
                    d.name,
                    serde_json::to_string(&d.alt_names).expect("strings serialise"),
                    d.group,
                    serde_json::to_string(&d.properties).expect("JSON values serialise"),
                    Wkb::encode(&d.geometry).0,
                ],
            )?,
        };
        let edit = new_edit(&tx, author.name, kind, author.comment, now)?;
        let revision = bump_revision(&tx)?;
        tx.commit()?;
        Ok(Added { edit, revision })
    }

    /// Takes the write lock and checks that nobody wrote since `expected_revision`.
    fn begin_write(&mut self, expected_revision: i64) -> Result<Transaction<'_>, WriteError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(StorageError::from)?;
        let found = revision_of(&tx)?;
        if found != expected_revision {
            return Err(WriteError::Stale {
                expected: expected_revision,
                found,
            });
        }
        Ok(tx)
    }
}

/// A record an editor adds.
#[derive(Debug, Clone, Copy)]
pub enum NewRecord<'a> {
    Source(&'a Source),
    Faction(&'a Faction),
    District(&'a District),
}

/// Starts an edit: its instant is `now`, or the last edit's when the clock has gone back.
pub(super) fn new_edit(
    tx: &Connection,
    author: &str,
    kind: EditKind,
    comment: &str,
    now: Instant,
) -> Result<EditId> {
    // Instants never decrease with the id, so the last edit's is the latest (no scan).
    let last: Option<i64> = tx
        .query_row("SELECT at FROM edits ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    let at = Instant(last.map_or(now.0, |l| l.max(now.0)));
    tx.execute(
        "INSERT INTO edits (at, author, kind, comment) VALUES (?1, ?2, ?3, ?4)",
        params![at.0, author, kind.as_str(), comment],
    )?;
    Ok(EditId {
        id: tx.last_insert_rowid(),
        at,
    })
}

/// Ends the belief in state `id`; false when it was not believed.
pub(super) fn supersede(tx: &Connection, id: i64, edit: EditId) -> Result<bool> {
    let n = tx.execute(
        "UPDATE control_states SET superseded_by = ?2, superseded_at = ?3
         WHERE id = ?1 AND superseded_by IS NULL",
        params![id, edit.id, edit.at.0],
    )?;
    Ok(n == 1)
}

/// Records `s` as believed from `edit`; returns its row id.
pub(super) fn insert_state(tx: &Connection, s: &ControlState, edit: EditId) -> Result<i64> {
    let mut state = tx.prepare_cached(
        "INSERT INTO control_states (district, status, valid_from, valid_to, confidence, note, recorded_at, edit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    state.execute(params![
        s.district,
        s.status.as_str(),
        s.valid_from.0,
        s.valid_to.map(|t| t.0),
        s.confidence.as_str(),
        s.note,
        edit.at.0,
        edit.id,
    ])?;
    let id = tx.last_insert_rowid();
    let mut faction =
        tx.prepare_cached("INSERT INTO state_factions (state, pos, faction) VALUES (?1, ?2, ?3)")?;
    for (pos, f) in s.factions.iter().enumerate() {
        faction.execute(params![id, pos, f])?;
    }
    let mut source =
        tx.prepare_cached("INSERT INTO state_sources (state, pos, source) VALUES (?1, ?2, ?3)")?;
    for (pos, src) in s.sources.iter().enumerate() {
        source.execute(params![id, pos, src])?;
    }
    Ok(id)
}

/// Bumps the store's revision (what running servers watch) and returns the new one.
pub(super) fn bump_revision(tx: &Connection) -> Result<i64> {
    tx.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'",
        [],
    )?;
    revision_of(tx)
}

//! Edits: every accepted write is one row of `edits`, and the states it recorded and superseded
//! point at it. Nothing is updated in place but the end of a state's transaction time.

use super::load::RowInfo;
use super::{Result, StorageError};
use crate::domain::model::{ControlState, District, Faction, Source};
use crate::domain::time::Instant;

mod sqlite;

pub(in crate::storage) use sqlite::{bump_revision, insert_state, new_edit, supersede};

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
/// A record an editor adds.
#[derive(Debug, Clone, Copy)]
pub enum NewRecord<'a> {
    Source(&'a Source),
    Faction(&'a Faction),
    District(&'a District),
}

impl<'a> NewRecord<'a> {
    /// Its table, its id and the kind of edit that adds it.
    #[must_use]
    pub fn describe(self) -> (&'static str, &'a str, EditKind) {
        match self {
            Self::Source(s) => ("sources", s.id.as_str(), EditKind::Source),
            Self::Faction(f) => ("factions", f.id.as_str(), EditKind::Faction),
            Self::District(d) => ("districts", d.id.as_str(), EditKind::District),
        }
    }
}
/// One write transaction of a store, holding the store's write lock: the steps an edit is made
/// of, each in the store's own SQL. The edits themselves ([`change_states`], [`add_record`]) are
/// the same on every store.
pub(crate) trait EditTx: Sized {
    /// The store's revision.
    fn revision(&mut self) -> Result<i64>;
    /// Starts an edit: its instant is `now`, or the last edit's when the clock has gone back.
    fn new_edit(&mut self, author: Author<'_>, kind: EditKind, now: Instant) -> Result<EditId>;
    /// Ends the belief in state `id`; false when it was not believed.
    fn supersede(&mut self, id: i64, edit: EditId) -> Result<bool>;
    /// Records `s` as believed from `edit`; returns its row id.
    fn insert_state(&mut self, s: &ControlState, edit: EditId) -> Result<i64>;
    /// Whether `table` (`sources`, `factions` or `districts`) has a row with id `id`.
    fn exists(&mut self, table: &str, id: &str) -> Result<bool>;
    /// Inserts `record` after the others of its table.
    fn insert_record(&mut self, record: NewRecord<'_>) -> Result<()>;
    /// Bumps the store's revision (what running servers watch) and returns the new one.
    fn bump_revision(&mut self) -> Result<i64>;
    fn commit(self) -> Result<()>;
}

/// A change to control states, as an editor asked for it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub kind: EditKind,
    /// The revision the editor saw: the change is refused if the store has moved on.
    pub expected_revision: i64,
    /// Rows to supersede, each still believed.
    pub close: &'a [i64],
    pub insert: &'a [ControlState],
}

/// Makes `change` one edit in `tx` and commits it; on any error nothing is changed.
///
/// # Errors
/// [`WriteError::Stale`] when the store is no longer at the expected revision, or a row to
/// close is no longer believed.
pub(crate) fn change_states(
    mut tx: impl EditTx,
    author: Author<'_>,
    change: &Change<'_>,
    now: Instant,
) -> Result<Committed, WriteError> {
    let expected = change.expected_revision;
    let found = tx.revision()?;
    if found != expected {
        return Err(WriteError::Stale { expected, found });
    }
    let edit = tx.new_edit(author, change.kind, now)?;
    for &id in change.close {
        if !tx.supersede(id, edit)? {
            return Err(WriteError::Stale { expected, found });
        }
    }
    let inserted = change
        .insert
        .iter()
        .map(|s| {
            Ok(RowInfo {
                id: tx.insert_state(s, edit)?,
                recorded_at: edit.at,
                superseded_at: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let revision = tx.bump_revision()?;
    tx.commit()?;
    Ok(Committed {
        edit,
        inserted,
        revision,
    })
}

/// Adds `record` as one edit in `tx` and commits it.
///
/// # Errors
/// [`WriteError::Duplicate`] when one with the same id exists already.
pub(crate) fn add_record(
    mut tx: impl EditTx,
    author: Author<'_>,
    record: NewRecord<'_>,
    now: Instant,
) -> Result<Added, WriteError> {
    tx.revision()?;
    let (table, id, kind) = record.describe();
    if tx.exists(table, id)? {
        return Err(WriteError::Duplicate(format!(
            "{table}: '{id}' exists already; ids are unique"
        )));
    }
    tx.insert_record(record)?;
    let edit = tx.new_edit(author, kind, now)?;
    let revision = tx.bump_revision()?;
    tx.commit()?;
    Ok(Added { edit, revision })
}

//! Edits on SQLite: each write takes the database's write lock with `BEGIN IMMEDIATE`.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Author, EditId, EditKind, EditTx, NewRecord};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;
use crate::storage::{Result, Store, Wkb, revision_of};

impl Store {
    /// Takes the write lock: other writers wait for this one to end.
    pub(in crate::storage) fn write_tx(&mut self) -> Result<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
    }
}
impl EditTx for Transaction<'_> {
    fn revision(&mut self) -> Result<i64> {
        revision_of(self)
    }

    fn new_edit(&mut self, author: Author<'_>, kind: EditKind, now: Instant) -> Result<EditId> {
        new_edit(self, author.name, kind, author.comment, now)
    }

    fn supersede(&mut self, id: i64, edit: EditId) -> Result<bool> {
        supersede(self, id, edit)
    }

    fn insert_state(&mut self, s: &ControlState, edit: EditId) -> Result<i64> {
        insert_state(self, s, edit)
    }

    fn exists(&mut self, table: &str, id: &str) -> Result<bool> {
        Ok(self.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
            [id],
            |r| r.get(0),
        )?)
    }

    fn insert_record(&mut self, record: NewRecord<'_>) -> Result<()> {
        insert_record(self, record)
    }

    fn bump_revision(&mut self) -> Result<i64> {
        bump_revision(self)
    }

    fn commit(self) -> Result<()> {
        Ok(Transaction::commit(self)?)
    }
}

/// Inserts a source, faction or district after the others of its table.
fn insert_record(tx: &Connection, record: NewRecord<'_>) -> Result<()> {
    let (table, _, _) = record.describe();
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
    Ok(())
}
/// Starts an edit: its instant is `now`, or the last edit's when the clock has gone back.
pub(in crate::storage) fn new_edit(
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
pub(in crate::storage) fn supersede(tx: &Connection, id: i64, edit: EditId) -> Result<bool> {
    let n = tx.execute(
        "UPDATE control_states SET superseded_by = ?2, superseded_at = ?3
         WHERE id = ?1 AND superseded_by IS NULL",
        params![id, edit.id, edit.at.0],
    )?;
    Ok(n == 1)
}

/// Records `s` as believed from `edit`; returns its row id.
pub(in crate::storage) fn insert_state(
    tx: &Connection,
    s: &ControlState,
    edit: EditId,
) -> Result<i64> {
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
pub(in crate::storage) fn bump_revision(tx: &Connection) -> Result<i64> {
    tx.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'",
        [],
    )?;
    revision_of(tx)
}

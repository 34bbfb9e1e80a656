//! Edits on PostgreSQL: each write locks the revision row, checks it, and commits as one edit
//! with a notification to every listening server.

use postgres::GenericClient;

use super::{PgStore, bump_revision, instant, lock_revision, ts};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;
use crate::storage::edits::{Added, Author, Committed, EditId, EditKind, NewRecord, WriteError};
use crate::storage::load::RowInfo;
use crate::storage::{Result, Wkb};

impl PgStore {
    /// Supersedes the states `close` and records `insert`, as one edit in one transaction,
    /// provided the store is still at `expected_revision` (checked under the write lock, so two
    /// servers writing at once are serialised and the later one sees the earlier's revision).
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
        let mut tx = self.client()?.transaction().map_err(into)?;
        check(&mut tx, expected_revision)?;
        let edit = new_edit(&mut tx, author.name, kind, author.comment, now)?;
        for &id in close {
            if !supersede(&mut tx, id, edit)? {
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
                    id: insert_state(&mut tx, s, edit)?,
                    recorded_at: edit.at,
                    superseded_at: None,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let revision = bump_revision(&mut tx)?;
        tx.commit().map_err(into)?;
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
        let mut tx = self.client()?.transaction().map_err(into)?;
        lock_revision(&mut tx)?;
        let (table, id, kind) = match record {
            NewRecord::Source(s) => ("sources", s.id.as_str(), EditKind::Source),
            NewRecord::Faction(f) => ("factions", f.id.as_str(), EditKind::Faction),
            NewRecord::District(d) => ("districts", d.id.as_str(), EditKind::District),
        };
        let exists: bool = tx
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)"),
                &[&id],
            )
            .map_err(into)?
            .get(0);
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
                     VALUES ($1, {next}, $2, $3, $4, $5, $6, $7)"
                ),
                &[
                    &s.id,
                    &s.title,
                    &s.publisher,
                    &s.published,
                    &s.url,
                    &s.kind.map(crate::domain::model::SourceKind::as_str),
                    &s.note,
                ],
            ),
            NewRecord::Faction(f) => tx.execute(
                &format!(
                    "INSERT INTO factions (id, ord, name, color, alliance)
                     VALUES ($1, {next}, $2, $3, $4)"
                ),
                &[&f.id, &f.name, &f.color, &f.alliance],
            ),
            NewRecord::District(d) => tx.execute(
                &format!(
                    "INSERT INTO districts (id, ord, name, alt_names, grp, properties, geometry,
                         geometry_type)
                     VALUES ($1, {next}, $2, $3::text::json, $4, $5::text::json,
                         ST_Multi(ST_GeomFromWKB($6, 4326)), $7)"
                ),
                &[
                    &d.id,
                    &d.name,
                    &serde_json::to_string(&d.alt_names).expect("strings serialise"),
                    &d.group,
                    &serde_json::to_string(&d.properties).expect("JSON values serialise"),
                    &Wkb::encode(&d.geometry).0,
                    &geometry_type(&d.geometry),
                ],
            ),
        }
        .map_err(into)?;
        let edit = new_edit(&mut tx, author.name, kind, author.comment, now)?;
        let revision = bump_revision(&mut tx)?;
        tx.commit().map_err(into)?;
        Ok(Added { edit, revision })
    }
}

fn into(e: postgres::Error) -> WriteError {
    WriteError::Storage(e.into())
}

/// Takes the write lock and checks that nobody wrote since `expected_revision`.
fn check(tx: &mut impl GenericClient, expected_revision: i64) -> Result<(), WriteError> {
    let found = lock_revision(tx)?;
    if found != expected_revision {
        return Err(WriteError::Stale {
            expected: expected_revision,
            found,
        });
    }
    Ok(())
}

/// The GeoJSON type a district was given as (the column is always a MultiPolygon).
pub(super) fn geometry_type(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Polygon(_) => "Polygon",
        _ => "MultiPolygon",
    }
}

/// Starts an edit: its instant is `now`, or the last edit's when the clock has gone back.
pub(super) fn new_edit(
    tx: &mut impl GenericClient,
    author: &str,
    kind: EditKind,
    comment: &str,
    now: Instant,
) -> Result<EditId> {
    let last = tx.query_opt("SELECT at FROM edits ORDER BY id DESC LIMIT 1", &[])?;
    let at = Instant(last.map_or(now.0, |r| instant(r.get(0)).0.max(now.0)));
    let id: i64 = tx
        .query_one(
            "INSERT INTO edits (at, author, kind, comment) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&ts(at)?, &author, &kind.as_str(), &comment],
        )?
        .get(0);
    Ok(EditId { id, at })
}

/// Ends the belief in state `id`; false when it was not believed.
fn supersede(tx: &mut impl GenericClient, id: i64, edit: EditId) -> Result<bool> {
    let n = tx.execute(
        "UPDATE control_states SET superseded_by = $2, superseded_at = $3
         WHERE id = $1 AND superseded_by IS NULL",
        &[&id, &edit.id, &ts(edit.at)?],
    )?;
    Ok(n == 1)
}

/// Records `s` as believed from `edit`; returns its row id.
fn insert_state(tx: &mut impl GenericClient, s: &ControlState, edit: EditId) -> Result<i64> {
    Ok(tx
        .query_one(
            "INSERT INTO control_states (district, status, factions, valid_from, valid_to,
                 confidence, sources, note, recorded_at, edit)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            &[
                &s.district,
                &s.status.as_str(),
                &s.factions,
                &ts(s.valid_from)?,
                &s.valid_to.map(ts).transpose()?,
                &s.confidence.as_str(),
                &s.sources,
                &s.note,
                &ts(edit.at)?,
                &edit.id,
            ],
        )?
        .get(0))
}

//! Edits on PostgreSQL: each write locks the revision row, checks it, and commits as one edit
//! with a notification to every listening server.

use postgres::{GenericClient, Transaction};

use super::{PgStore, bump_revision, instant, lock_revision, ts};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;
use crate::storage::edits::{Author, EditId, EditKind, EditTx, NewRecord};
use crate::storage::{Result, Wkb};

impl PgStore {
    /// A write transaction; the write lock is taken by its first step ([`EditTx::revision`]).
    pub(in crate::storage) fn write_tx(&mut self) -> Result<Transaction<'_>> {
        Ok(self.client()?.transaction()?)
    }
}

/// The write lock is the revision row's, taken by [`EditTx::revision`].
impl EditTx for Transaction<'_> {
    fn revision(&mut self) -> Result<i64> {
        lock_revision(self)
    }

    fn new_edit(&mut self, author: Author<'_>, kind: EditKind, now: Instant) -> Result<EditId> {
        new_edit(self, author.name, kind, author.comment, now)
    }

    fn supersede(&mut self, id: i64, edit: EditId) -> Result<bool> {
        let n = self.execute(
            "UPDATE control_states SET superseded_by = $2, superseded_at = $3
             WHERE id = $1 AND superseded_by IS NULL",
            &[&id, &edit.id, &ts(edit.at)?],
        )?;
        Ok(n == 1)
    }

    fn insert_state(&mut self, s: &ControlState, edit: EditId) -> Result<i64> {
        Ok(self
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

    fn exists(&mut self, table: &str, id: &str) -> Result<bool> {
        Ok(self
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)"),
                &[&id],
            )?
            .get(0))
    }

    fn insert_record(&mut self, record: NewRecord<'_>) -> Result<()> {
        let tx = self;
        let (table, _, _) = record.describe();
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
        }?;
        Ok(())
    }

    fn bump_revision(&mut self) -> Result<i64> {
        bump_revision(self)
    }

    fn commit(self) -> Result<()> {
        Ok(Transaction::commit(self)?)
    }
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

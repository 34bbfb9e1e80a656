//! Storing events and sites: one row per version, the record as JSON, superseded by the edit
//! that changed it (`migrations/04-events.sql`).

use std::collections::HashMap;

use rusqlite::{Connection, Transaction, params};

use super::edits::EditId;
use super::{Result, StorageError};
use crate::domain::events::{Event, Known, Site, Versions};
use crate::domain::model::Dataset;
use crate::domain::time::Instant;

/// What an import changes among events and sites: rows to supersede and records to insert.
#[derive(Debug, Default)]
pub(super) struct Changes {
    pub(super) events_dropped: Vec<i64>,
    pub(super) events_new: Vec<(String, String)>,
    pub(super) sites_dropped: Vec<i64>,
    pub(super) sites_new: Vec<(String, String)>,
}

impl Changes {
    pub(super) fn is_empty(&self) -> bool {
        self.events_dropped.is_empty()
            && self.events_new.is_empty()
            && self.sites_dropped.is_empty()
            && self.sites_new.is_empty()
    }

    /// "3 event(s) recorded, 1 superseded; 2 site(s) recorded, 0 superseded".
    pub(super) fn describe(&self) -> String {
        format!(
            "{} event(s) recorded, {} superseded; {} site(s) recorded, {} superseded",
            self.events_new.len(),
            self.events_dropped.len(),
            self.sites_new.len(),
            self.sites_dropped.len()
        )
    }
}

/// Compares `data`'s events and sites with the versions believed: the same record, as JSON, is
/// the same fact and keeps its row.
pub(super) fn changes(tx: &Transaction<'_>, data: &Dataset) -> Result<Changes> {
    let current = |table: &str| -> Result<HashMap<String, (i64, String)>> {
        let mut stmt = tx.prepare(&format!(
            "SELECT id, row, document FROM {table} WHERE superseded_by IS NULL"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let mut out = Changes::default();
    let (dropped, new) = compare(
        current("events")?,
        data.events.iter().map(|e| (e.id.clone(), document(e))),
    );
    out.events_dropped = dropped;
    out.events_new = new;
    let (dropped, new) = compare(
        current("sites")?,
        data.sites.iter().map(|s| (s.id.clone(), document(s))),
    );
    out.sites_dropped = dropped;
    out.sites_new = new;
    Ok(out)
}

pub(super) fn document<T: serde::Serialize>(record: &T) -> String {
    serde_json::to_string(record).expect("records serialise")
}

pub(super) fn compare(
    mut stored: HashMap<String, (i64, String)>,
    given: impl Iterator<Item = (String, String)>,
) -> (Vec<i64>, Vec<(String, String)>) {
    let mut dropped = Vec::new();
    let mut new = Vec::new();
    for (id, doc) in given {
        match stored.remove(&id) {
            Some((_, old)) if old == doc => {}
            Some((row, _)) => {
                dropped.push(row);
                new.push((id, doc));
            }
            None => new.push((id, doc)),
        }
    }
    // What the data set no longer has is no longer believed.
    dropped.extend(stored.into_values().map(|(row, _)| row));
    dropped.sort_unstable();
    (dropped, new)
}

/// Supersedes and inserts what `changes` lists, as part of `edit`.
pub(super) fn apply(tx: &Transaction<'_>, changes: &Changes, edit: EditId) -> Result<()> {
    for (table, rows) in [
        ("events", &changes.events_dropped),
        ("sites", &changes.sites_dropped),
    ] {
        let mut stmt = tx.prepare_cached(&format!(
            "UPDATE {table} SET superseded_by = ?2, superseded_at = ?3
             WHERE row = ?1 AND superseded_by IS NULL"
        ))?;
        for row in rows {
            stmt.execute(params![row, edit.id, edit.at.0])?;
        }
    }
    let mut event = tx.prepare_cached(
        "INSERT INTO events (id, kind, grade, date_start, date_end, lon, lat, document, edit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (id, doc) in &changes.events_new {
        let e: Event = serde_json::from_str(doc).expect("written just now");
        event.execute(params![
            id,
            e.kind.as_str(),
            e.grade.as_str(),
            e.date_start.to_string(),
            e.date_end.to_string(),
            e.lon,
            e.lat,
            doc,
            edit.id
        ])?;
    }
    let mut site = tx.prepare_cached(
        "INSERT INTO sites (id, kind, name, lon, lat, document, edit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (id, doc) in &changes.sites_new {
        let s: Site = serde_json::from_str(doc).expect("written just now");
        site.execute(params![
            id,
            s.kind.as_str(),
            s.name,
            s.lon,
            s.lat,
            doc,
            edit.id
        ])?;
    }
    Ok(())
}

/// Every version of every event and site, with when each was believed.
pub(super) fn load(c: &Connection) -> Result<Versions> {
    Ok((versions(c, "events")?, versions(c, "sites")?))
}

fn versions<T: serde::de::DeserializeOwned>(c: &Connection, table: &str) -> Result<Vec<Known<T>>> {
    let mut stmt = c.prepare(&format!(
        "SELECT t.id, t.document, e.at, t.superseded_at FROM {table} t JOIN edits e ON e.id = t.edit
         ORDER BY t.row"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<i64>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, doc, at, superseded_at) = row?;
        let record = serde_json::from_str(&doc)
            .map_err(|e| StorageError::CorruptRow(format!("{table} '{id}': {e}")))?;
        out.push(Known {
            record,
            recorded_at: Instant(at),
            superseded_at: superseded_at.map(Instant),
        });
    }
    Ok(out)
}

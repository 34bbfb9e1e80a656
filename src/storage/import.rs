//! Importing a data set as one edit: records are replaced, and states are compared with those
//! believed so far, so a re-import supersedes only what it changes and keeps the history of
//! knowledge.

use std::collections::HashSet;

use rusqlite::{Transaction, params};

use super::edits::{EditKind, bump_revision, insert_state, new_edit, supersede};
use super::import_plan::Plan;
use super::load::{self, Belief};
use super::{ImportSummary, Result, Store, Wkb, context, events};
use crate::domain::model::Dataset;
use crate::domain::time::Instant;

impl Store {
    /// Imports `data` in one transaction: on any error nothing changes. Factions, sources,
    /// districts, what the data set says of itself and its context layers are replaced (records
    /// older states cite are kept, a dropped district as retired). States identical to ones
    /// believed so far are left as they are, with their `recorded_at`; the others are superseded,
    /// and new ones recorded at `now`, as one edit by `import`. An import that changes no state
    /// records no edit. `data` must already be valid (see `dataset::validate`).
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
        let plan = Plan::new(load::states(&tx, Belief::Current)?, &data.states);
        let others = events::changes(&tx, data)?;
        let edit = plan
            .comment(&others)
            .map(|comment| new_edit(&tx, "import", EditKind::Import, &comment, now))
            .transpose()?;
        if let Some(edit) = edit {
            events::apply(&tx, &others, edit)?;
        }
        // Records are replaced once what events and sites cite is known.
        replace_records(&tx, data)?;
        if let Some(edit) = edit {
            for &id in &plan.dropped {
                supersede(&tx, id, edit)?;
            }
            for s in &plan.new {
                insert_state(&tx, s, edit)?;
            }
        }
        let revision = bump_revision(&tx)?;
        tx.commit()?;
        Ok(ImportSummary {
            districts: data.districts.len(),
            states: data.states.len(),
            unchanged_states: data.states.len() - plan.new.len(),
            superseded_states: plan.dropped.len(),
            edit: edit.map(|e| e.id),
            revision,
        })
    }
}

/// Replaces factions, sources and districts by upsert, so rows older states cite survive; those
/// the data set no longer has are deleted when nothing cites them, and kept as retired otherwise. What the data set says of itself and its layers are replaced.
fn replace_records(tx: &Transaction<'_>, data: &Dataset) -> Result<()> {
    let mut faction = tx.prepare_cached(
        "INSERT INTO factions (id, ord, name, color, alliance) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET ord = ?2, name = ?3, color = ?4, alliance = ?5, retired = 0",
    )?;
    for (ord, f) in data.factions.iter().enumerate() {
        faction.execute(params![f.id, ord, f.name, f.color, f.alliance])?;
    }
    let mut source = tx.prepare_cached(
        "INSERT INTO sources (id, ord, title, publisher, published, url, kind, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET ord = ?2, title = ?3, publisher = ?4, published = ?5,
             url = ?6, kind = ?7, note = ?8, retired = 0",
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
    let mut district = tx.prepare_cached(
        "INSERT INTO districts (id, ord, name, alt_names, grp, properties, geometry, retired)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)
         ON CONFLICT (id) DO UPDATE SET ord = ?2, name = ?3, alt_names = ?4, grp = ?5,
             properties = ?6, geometry = ?7, retired = 0",
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
    let keep = |ids: Vec<&str>| -> HashSet<String> { ids.into_iter().map(str::to_owned).collect() };
    let factions = keep(data.factions.iter().map(|f| f.id.as_str()).collect());
    let sources = keep(data.sources.iter().map(|s| s.id.as_str()).collect());
    let districts = keep(data.districts.iter().map(|d| d.id.as_str()).collect());
    drop_unlisted(
        tx,
        "factions",
        "SELECT faction FROM state_factions UNION SELECT faction FROM cited_factions",
        &factions,
    )?;
    drop_unlisted(
        tx,
        "sources",
        "SELECT source FROM state_sources UNION SELECT source FROM cited_sources",
        &sources,
    )?;
    drop_unlisted(
        tx,
        "districts",
        "SELECT district FROM control_states",
        &districts,
    )?;
    tx.execute("DELETE FROM context_layers", [])?;
    tx.execute("DELETE FROM dataset_meta", [])?;
    context::insert(tx, data)
}

/// Deletes the rows of `table` not in `listed` that no row of `cited` names; those it names are
/// kept as retired (no longer listed or loaded).
fn drop_unlisted(
    tx: &Transaction<'_>,
    table: &str,
    cited: &str,
    listed: &HashSet<String>,
) -> Result<()> {
    let cited: HashSet<String> = tx
        .prepare(cited)?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let stored: Vec<String> = tx
        .prepare(&format!("SELECT id FROM {table}"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in stored.iter().filter(|id| !listed.contains(*id)) {
        let sql = if cited.contains(id) {
            format!("UPDATE {table} SET retired = 1 WHERE id = ?1")
        } else {
            format!("DELETE FROM {table} WHERE id = ?1")
        };
        tx.execute(&sql, [id])?;
    }
    Ok(())
}

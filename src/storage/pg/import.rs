//! Importing a data set into PostgreSQL as one edit, with the SQLite store's rules (see
//! `storage::import`): states identical to those believed keep their rows, the others are
//! superseded. Districts and new states go in by binary `COPY`.

use std::collections::{HashMap, HashSet};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::Type;
use postgres::{GenericClient, Transaction};

use super::edits::{geometry_type, new_edit};
use super::{PgStore, bump_revision, load, lock_revision, ts};
use crate::domain::events::{Event, Site};
use crate::domain::meta::Meta;
use crate::domain::model::Dataset;
use crate::domain::time::Instant;
use crate::storage::edits::{EditId, EditKind};
use crate::storage::events::{Changes, compare, document};
use crate::storage::import_plan::Plan;
use crate::storage::load::Belief;
use crate::storage::{ImportSummary, Result, Wkb};

impl PgStore {
    /// Imports `data` in one transaction: on any error nothing changes. `data` must already be
    /// valid (see `dataset::validate`).
    ///
    /// # Errors
    /// On a database error; the transaction is rolled back.
    pub fn import(&mut self, data: &Dataset, now: Instant) -> Result<ImportSummary> {
        let mut tx = self.client()?.transaction()?;
        lock_revision(&mut tx)?;
        let plan = Plan::new(load::states(&mut tx, Belief::Current)?, &data.states);
        let others = changes(&mut tx, data)?;
        let edit = match plan.comment(&others) {
            Some(comment) => Some(new_edit(
                &mut tx,
                "import",
                EditKind::Import,
                &comment,
                now,
            )?),
            None => None,
        };
        if let Some(edit) = edit {
            apply(&mut tx, &others, edit)?;
        }
        replace_records(&mut tx, data)?;
        if let Some(edit) = edit {
            tx.execute(
                "UPDATE control_states SET superseded_by = $2, superseded_at = $3
                 WHERE id = ANY($1) AND superseded_by IS NULL",
                &[&plan.dropped, &edit.id, &ts(edit.at)?],
            )?;
            copy_states(&mut tx, &plan.new, edit)?;
        }
        let revision = bump_revision(&mut tx)?;
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

/// New states by binary `COPY`, recorded by `edit`.
fn copy_states(
    tx: &mut Transaction<'_>,
    states: &[&crate::domain::model::ControlState],
    edit: EditId,
) -> Result<()> {
    let sink = tx.copy_in(
        "COPY control_states (district, status, factions, valid_from, valid_to, confidence,
             sources, note, recorded_at, edit) FROM STDIN BINARY",
    )?;
    let types = [
        Type::TEXT,
        Type::TEXT,
        Type::TEXT_ARRAY,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TEXT,
        Type::TEXT_ARRAY,
        Type::TEXT,
        Type::TIMESTAMPTZ,
        Type::INT8,
    ];
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    let recorded = ts(edit.at)?;
    for s in states {
        writer.write(&[
            &s.district,
            &s.status.as_str(),
            &s.factions,
            &ts(s.valid_from)?,
            &s.valid_to.map(ts).transpose()?,
            &s.confidence.as_str(),
            &s.sources,
            &s.note,
            &recorded,
            &edit.id,
        ])?;
    }
    writer.finish()?;
    Ok(())
}

/// Replaces factions, sources and districts by upsert, so rows older states cite survive; those
/// the data set no longer has are deleted when nothing cites them and kept as retired otherwise.
fn replace_records(tx: &mut Transaction<'_>, data: &Dataset) -> Result<()> {
    let faction = tx.prepare(
        "INSERT INTO factions (id, ord, name, color, alliance) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET ord = $2, name = $3, color = $4, alliance = $5,
             retired = false",
    )?;
    for (ord, f) in (0_i32..).zip(&data.factions) {
        tx.execute(&faction, &[&f.id, &ord, &f.name, &f.color, &f.alliance])?;
    }
    let source = tx.prepare(
        "INSERT INTO sources (id, ord, title, publisher, published, url, kind, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET ord = $2, title = $3, publisher = $4, published = $5,
             url = $6, kind = $7, note = $8, retired = false",
    )?;
    for (ord, s) in (0_i32..).zip(&data.sources) {
        let kind = s.kind.map(crate::domain::model::SourceKind::as_str);
        tx.execute(
            &source,
            &[
                &s.id,
                &ord,
                &s.title,
                &s.publisher,
                &s.published,
                &s.url,
                &kind,
                &s.note,
            ],
        )?;
    }
    copy_districts(tx, data)?;
    let ids = |ids: Vec<&str>| -> HashSet<String> { ids.into_iter().map(str::to_owned).collect() };
    let factions = ids(data.factions.iter().map(|f| f.id.as_str()).collect());
    let sources = ids(data.sources.iter().map(|s| s.id.as_str()).collect());
    let districts = ids(data.districts.iter().map(|d| d.id.as_str()).collect());
    drop_unlisted(
        tx,
        "factions",
        "SELECT unnest(factions) FROM control_states UNION SELECT faction FROM cited_factions",
        &factions,
    )?;
    drop_unlisted(
        tx,
        "sources",
        "SELECT unnest(sources) FROM control_states UNION SELECT source FROM cited_sources",
        &sources,
    )?;
    drop_unlisted(
        tx,
        "districts",
        "SELECT DISTINCT district FROM control_states",
        &districts,
    )?;
    tx.batch_execute("DELETE FROM context_layers; DELETE FROM dataset_meta")?;
    if data.meta != Meta::default() {
        tx.execute(
            "INSERT INTO dataset_meta (id, document) VALUES (1, $1::text::json)",
            &[&serde_json::to_string(&data.meta).expect("meta serialises")],
        )?;
    }
    for (ord, l) in (0_i32..).zip(&data.layers) {
        tx.execute(
            "INSERT INTO context_layers (id, ord, kind, name, attribution, features)
             VALUES ($1, $2, $3, $4, $5, $6::text::json)",
            &[
                &l.id,
                &ord,
                &l.kind.as_str(),
                &l.name,
                &l.attribution,
                &serde_json::to_string(&l.features).expect("features serialise"),
            ],
        )?;
    }
    Ok(())
}

/// Districts by binary `COPY` into a staging table, then one upsert from it.
fn copy_districts(tx: &mut Transaction<'_>, data: &Dataset) -> Result<()> {
    tx.batch_execute(
        "CREATE TEMP TABLE district_stage (id text, ord integer, name text, alt_names text,
             grp text, properties text, wkb bytea, geometry_type text) ON COMMIT DROP",
    )?;
    let sink = tx.copy_in("COPY district_stage FROM STDIN BINARY")?;
    let t = Type::TEXT;
    let types = [
        t.clone(),
        Type::INT4,
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        Type::BYTEA,
        t,
    ];
    let mut writer = BinaryCopyInWriter::new(sink, &types);
    for (ord, d) in (0_i32..).zip(&data.districts) {
        writer.write(&[
            &d.id,
            &ord,
            &d.name,
            &serde_json::to_string(&d.alt_names).expect("strings serialise"),
            &d.group,
            &serde_json::to_string(&d.properties).expect("JSON values serialise"),
            &Wkb::encode(&d.geometry).0,
            &geometry_type(&d.geometry),
        ])?;
    }
    writer.finish()?;
    tx.batch_execute(
        "INSERT INTO districts (id, ord, name, alt_names, grp, properties, geometry, geometry_type,
             retired)
         SELECT id, ord, name, alt_names::json, grp, properties::json,
             ST_Multi(ST_GeomFromWKB(wkb, 4326)), geometry_type, false FROM district_stage
         ON CONFLICT (id) DO UPDATE SET ord = EXCLUDED.ord, name = EXCLUDED.name,
             alt_names = EXCLUDED.alt_names, grp = EXCLUDED.grp,
             properties = EXCLUDED.properties, geometry = EXCLUDED.geometry,
             geometry_type = EXCLUDED.geometry_type, retired = false;
         DROP TABLE district_stage",
    )?;
    Ok(())
}

/// Deletes the rows of `table` not in `listed` that no row of `cited` names; those it names are
/// kept as retired.
fn drop_unlisted(
    tx: &mut Transaction<'_>,
    table: &str,
    cited: &str,
    listed: &HashSet<String>,
) -> Result<()> {
    let cited: HashSet<String> = tx
        .query(cited, &[])?
        .iter()
        .filter_map(|r| r.get::<_, Option<String>>(0))
        .collect();
    let (retire, delete): (Vec<String>, Vec<String>) = tx
        .query(&format!("SELECT id FROM {table}"), &[])?
        .iter()
        .map(|r| r.get::<_, String>(0))
        .filter(|id| !listed.contains(id))
        .partition(|id| cited.contains(id));
    tx.execute(
        &format!("UPDATE {table} SET retired = true WHERE id = ANY($1)"),
        &[&retire],
    )?;
    tx.execute(
        &format!("DELETE FROM {table} WHERE id = ANY($1)"),
        &[&delete],
    )?;
    Ok(())
}

/// Compares `data`'s events and sites with the versions believed (as JSON, byte for byte).
fn changes(tx: &mut impl GenericClient, data: &Dataset) -> Result<Changes> {
    let mut current = |table: &str| -> Result<HashMap<String, (i64, String)>> {
        Ok(tx
            .query(
                &format!("SELECT id, row, document::text FROM {table} WHERE superseded_by IS NULL"),
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect())
    };
    let events = current("events")?;
    let sites = current("sites")?;
    let (events_dropped, events_new) = compare(
        events,
        data.events.iter().map(|e| (e.id.clone(), document(e))),
    );
    let (sites_dropped, sites_new) = compare(
        sites,
        data.sites.iter().map(|s| (s.id.clone(), document(s))),
    );
    Ok(Changes {
        events_dropped,
        events_new,
        sites_dropped,
        sites_new,
    })
}

/// Supersedes and inserts what `changes` lists, as part of `edit`.
fn apply(tx: &mut Transaction<'_>, changes: &Changes, edit: EditId) -> Result<()> {
    let at = ts(edit.at)?;
    for (table, rows) in [
        ("events", &changes.events_dropped),
        ("sites", &changes.sites_dropped),
    ] {
        tx.execute(
            &format!(
                "UPDATE {table} SET superseded_by = $2, superseded_at = $3
                 WHERE row = ANY($1) AND superseded_by IS NULL"
            ),
            &[rows, &edit.id, &at],
        )?;
    }
    let event = tx.prepare(
        "INSERT INTO events (id, kind, grade, date_start, date_end, geometry, document, edit)
         VALUES ($1, $2, $3, $4::text::date, $5::text::date,
             ST_SetSRID(ST_MakePoint($6, $7), 4326), $8::text::json, $9)",
    )?;
    for (id, doc) in &changes.events_new {
        let e: Event = serde_json::from_str(doc).expect("written just now");
        tx.execute(
            &event,
            &[
                id,
                &e.kind.as_str(),
                &e.grade.as_str(),
                &e.date_start.to_string(),
                &e.date_end.to_string(),
                &e.lon,
                &e.lat,
                doc,
                &edit.id,
            ],
        )?;
    }
    let site = tx.prepare(
        "INSERT INTO sites (id, kind, name, geometry, document, edit)
         VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6::text::json, $7)",
    )?;
    for (id, doc) in &changes.sites_new {
        let s: Site = serde_json::from_str(doc).expect("written just now");
        tx.execute(
            &site,
            &[id, &s.kind.as_str(), &s.name, &s.lon, &s.lat, doc, &edit.id],
        )?;
    }
    Ok(())
}

//! Reading the data set back from PostgreSQL: records in data set order, states by district and
//! time, every version of every event and site.

use chrono::{DateTime, Utc};
use postgres::GenericClient;

use super::{instant, revision_of};
use crate::domain::events::Known;
use crate::domain::meta::{ContextLayer, LayerKind, Meta};
use crate::domain::model::{ControlState, Dataset, District, Faction, Source};
use crate::storage::load::{Belief, RowInfo};
use crate::storage::{Delta, Result, StorageError, Stored, Wkb, current, states_only};

/// Everything, read in the caller's (repeatable-read) transaction.
pub(super) fn all(c: &mut impl GenericClient) -> Result<Stored> {
    let revision = revision_of(c)?;
    let factions = c
        .query(
            "SELECT id, name, color, alliance FROM factions WHERE NOT retired ORDER BY ord",
            &[],
        )?
        .iter()
        .map(|r| Faction {
            id: r.get(0),
            name: r.get(1),
            color: r.get(2),
            alliance: r.get(3),
        })
        .collect();
    let sources = c
        .query(
            "SELECT id, title, publisher, published, url, kind, note FROM sources
             WHERE NOT retired ORDER BY ord",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(Source {
                id: r.get(0),
                title: r.get(1),
                publisher: r.get(2),
                published: r.get(3),
                url: r.get(4),
                kind: r
                    .get::<_, Option<String>>(5)
                    .map(|k| k.parse().map_err(StorageError::CorruptRow))
                    .transpose()?,
                note: r.get(6),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let districts = districts(c)?;
    let (believed, rows): (Vec<ControlState>, Vec<RowInfo>) =
        states(c, Belief::Current)?.into_iter().unzip();
    let past = states(c, Belief::Past)?;
    let (meta, layers) = context(c)?;
    let events = versions(c, "events")?;
    let sites = versions(c, "sites")?;
    let last_edit = c
        .query_one("SELECT COALESCE(MAX(id), 0) FROM edits", &[])?
        .get(0);
    Ok(Stored {
        dataset: Dataset {
            factions,
            sources,
            districts,
            states: believed,
            meta,
            layers,
            events: current(&events),
            sites: current(&sites),
        },
        rows,
        past,
        events,
        sites,
        revision,
        last_edit,
    })
}

/// What changed since an index of `revision` whose newest edit was `last_edit`, read in the
/// caller's (repeatable-read) transaction; `None` when more than control states changed.
pub(super) fn delta(
    c: &mut impl GenericClient,
    revision: i64,
    last_edit: i64,
) -> Result<Option<Delta>> {
    let now = revision_of(c)?;
    let kinds: Vec<(i64, String)> = c
        .query(
            "SELECT id, kind FROM edits WHERE id > $1 ORDER BY id",
            &[&last_edit],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    if !states_only(&kinds, revision, now) {
        return Ok(None);
    }
    Ok(Some(Delta {
        revision: now,
        last_edit: kinds.last().map_or(last_edit, |k| k.0),
        states: states(c, Belief::ChangedSince(last_edit))?,
    }))
}

fn districts(c: &mut impl GenericClient) -> Result<Vec<District>> {
    let rows = c.query(
        "SELECT id, name, alt_names::text, grp, properties::text,
                ST_AsBinary(CASE WHEN geometry_type = 'Polygon' AND ST_NumGeometries(geometry) = 1
                                 THEN ST_GeometryN(geometry, 1) ELSE geometry END, 'NDR')
         FROM districts WHERE NOT retired ORDER BY ord",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let id: String = r.get(0);
            let corrupt = |what: &str| StorageError::CorruptRow(format!("district '{id}': {what}"));
            let alt_names = serde_json::from_str(r.get(2))
                .map_err(|_| corrupt("alt_names is not a JSON array"))?;
            let properties = serde_json::from_str(r.get(4))
                .map_err(|_| corrupt("properties is not a JSON object"))?;
            let geometry =
                Wkb(r.get(5))
                    .decode()
                    .map_err(|reason| StorageError::CorruptGeometry {
                        district: id.clone(),
                        reason,
                    })?;
            Ok(District {
                name: r.get(1),
                alt_names,
                group: r.get(3),
                geometry,
                properties,
                id,
            })
        })
        .collect()
}

/// The columns of a state row, in the order [`state_of`] reads them.
pub(super) const STATE_COLUMNS: &str = "s.id, s.district, s.status, s.factions, s.valid_from, \
     s.valid_to, s.confidence, s.sources, s.note, s.recorded_at, s.superseded_at";

/// A state and its row from the columns of [`STATE_COLUMNS`].
pub(super) fn state_of(r: &postgres::Row) -> Result<(ControlState, RowInfo)> {
    let status: &str = r.get(2);
    let confidence: &str = r.get(6);
    Ok((
        ControlState {
            district: r.get(1),
            status: status.parse().map_err(StorageError::CorruptRow)?,
            factions: r.get(3),
            valid_from: instant(r.get(4)),
            valid_to: r.get::<_, Option<DateTime<Utc>>>(5).map(instant),
            confidence: confidence.parse().map_err(StorageError::CorruptRow)?,
            sources: r.get(7),
            note: r.get(8),
        },
        RowInfo {
            id: r.get(0),
            recorded_at: instant(r.get(9)),
            superseded_at: r.get::<_, Option<DateTime<Utc>>>(10).map(instant),
        },
    ))
}

/// States of districts still in the data set, ordered by district, `valid_from` and row.
pub(super) fn states(
    c: &mut impl GenericClient,
    which: Belief,
) -> Result<Vec<(ControlState, RowInfo)>> {
    let filter = which.filter().replace("?1", "$1");
    let since = which.since();
    let params: &[&(dyn postgres::types::ToSql + Sync)] = if filter.contains("$1") {
        &[&since]
    } else {
        &[]
    };
    // Ordered as SQLite orders text (bytes), so both stores load the same order.
    c.query(
        &format!(
            "SELECT {STATE_COLUMNS} FROM control_states s JOIN districts d ON d.id = s.district
             WHERE {filter} AND NOT d.retired
             ORDER BY s.district COLLATE \"C\", s.valid_from, s.id"
        ),
        params,
    )?
    .iter()
    .map(state_of)
    .collect()
}

fn context(c: &mut impl GenericClient) -> Result<(Meta, Vec<ContextLayer>)> {
    let meta = match c.query_opt("SELECT document::text FROM dataset_meta WHERE id = 1", &[])? {
        Some(r) => serde_json::from_str(r.get(0))
            .map_err(|e| StorageError::CorruptRow(format!("dataset_meta: {e}")))?,
        None => Meta::default(),
    };
    let layers = c
        .query(
            "SELECT id, kind, name, attribution, features::text FROM context_layers ORDER BY ord",
            &[],
        )?
        .iter()
        .map(|r| {
            let id: String = r.get(0);
            let kind: String = r.get(1);
            let corrupt =
                |what: String| StorageError::CorruptRow(format!("context layer '{id}': {what}"));
            let kind: LayerKind = serde_json::from_value(serde_json::Value::String(kind.clone()))
                .map_err(|_| corrupt(format!("kind '{kind}'")))?;
            let features = serde_json::from_str(r.get(4)).map_err(|e| corrupt(e.to_string()))?;
            Ok(ContextLayer {
                kind,
                name: r.get(2),
                attribution: r.get(3),
                features,
                id,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((meta, layers))
}

fn versions<T: serde::de::DeserializeOwned>(
    c: &mut impl GenericClient,
    table: &str,
) -> Result<Vec<Known<T>>> {
    c.query(
        &format!(
            "SELECT t.id, t.document::text, e.at, t.superseded_at FROM {table} t
             JOIN edits e ON e.id = t.edit ORDER BY t.row"
        ),
        &[],
    )?
    .iter()
    .map(|r| {
        let id: &str = r.get(0);
        let record = serde_json::from_str(r.get(1))
            .map_err(|e| StorageError::CorruptRow(format!("{table} '{id}': {e}")))?;
        Ok(Known {
            record,
            recorded_at: instant(r.get(2)),
            superseded_at: r.get::<_, Option<DateTime<Utc>>>(3).map(instant),
        })
    })
    .collect()
}

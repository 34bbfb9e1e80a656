//! Reading districts and control states back, with what the store knows of each state's
//! knowledge history.

use std::collections::HashMap;

use rusqlite::Connection;

use super::{Result, StorageError, Wkb};
use crate::domain::model::{ControlState, District};
use crate::domain::time::Instant;

/// What the store knows of a state beyond its content: its row, and the span of transaction time
/// `[recorded_at, superseded_at)` during which it was believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowInfo {
    pub id: i64,
    pub recorded_at: Instant,
    /// `None`: still believed.
    pub superseded_at: Option<Instant>,
}

/// Which states to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Belief {
    /// Those still believed.
    Current,
    /// Those superseded or withdrawn.
    Past,
    /// Those an edit after this one recorded or stopped believing.
    ChangedSince(i64),
}

impl Belief {
    /// The condition on `control_states s` (with the edit as `?1` / `$1`).
    pub(crate) fn filter(self) -> &'static str {
        match self {
            Self::Current => "s.superseded_by IS NULL",
            Self::Past => "s.superseded_by IS NOT NULL",
            Self::ChangedSince(_) => "(s.edit > ?1 OR s.superseded_by > ?1)",
        }
    }

    /// The edit of [`ChangedSince`](Self::ChangedSince), else none (a bound the filter ignores).
    pub(crate) fn since(self) -> i64 {
        match self {
            Self::ChangedSince(edit) => edit,
            Self::Current | Self::Past => 0,
        }
    }
}

/// The districts still in the data set (not retired by a re-import), in data set order.
pub fn districts(c: &Connection) -> Result<Vec<District>> {
    let mut stmt = c.prepare(
        "SELECT id, name, alt_names, grp, properties, geometry FROM districts
         WHERE retired = 0 ORDER BY ord",
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

/// States of districts still in the data set, ordered by district, `valid_from` and row.
pub fn states(c: &Connection, which: Belief) -> Result<Vec<(ControlState, RowInfo)>> {
    let filter = which.filter();
    let since = which.since();
    let links = |table: &str, column: &str| -> Result<HashMap<i64, Vec<String>>> {
        let mut map: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = c.prepare(&format!(
            "SELECT l.state, l.{column} FROM {table} l JOIN control_states s ON s.id = l.state
             WHERE {filter} ORDER BY l.state, l.pos"
        ))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(bound(filter, since)))?;
        while let Some(r) = rows.next()? {
            map.entry(r.get(0)?).or_default().push(r.get(1)?);
        }
        Ok(map)
    };
    let mut factions = links("state_factions", "faction")?;
    let mut sources = links("state_sources", "source")?;
    let mut stmt = c.prepare(&format!(
        "SELECT s.id, s.district, s.status, s.valid_from, s.valid_to, s.confidence, s.note,
                s.recorded_at, s.superseded_at
         FROM control_states s
         WHERE {filter} AND s.district IN (SELECT id FROM districts WHERE retired = 0)
         ORDER BY s.district, s.valid_from, s.id"
    ))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(bound(filter, since)))?;
    let mut states = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let status: String = r.get(2)?;
        let confidence: String = r.get(5)?;
        let state = ControlState {
            district: r.get(1)?,
            status: status.parse().map_err(StorageError::CorruptRow)?,
            factions: factions.remove(&id).unwrap_or_default(),
            valid_from: Instant(r.get(3)?),
            valid_to: r.get::<_, Option<i64>>(4)?.map(Instant),
            confidence: confidence.parse().map_err(StorageError::CorruptRow)?,
            sources: sources.remove(&id).unwrap_or_default(),
            note: r.get(6)?,
        };
        let info = RowInfo {
            id,
            recorded_at: Instant(r.get(7)?),
            superseded_at: r.get::<_, Option<i64>>(8)?.map(Instant),
        };
        states.push((state, info));
    }
    Ok(states)
}

/// The parameters a filter takes: the edit when it names one.
fn bound(filter: &str, since: i64) -> Option<i64> {
    filter.contains("?1").then_some(since)
}

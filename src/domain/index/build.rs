//! Building the index from a data set or a stored one, and setting its parts.

use std::collections::HashMap;
use std::sync::Arc;

use super::{DistrictEntry, Index, LayerEntry, StateEntry};
use crate::domain::events::{Catalogue, Known, Versions};
use crate::domain::model::{ControlState, Dataset, Faction, Source};
use crate::domain::state_table::StateTable;
use crate::domain::time::Instant;
use crate::storage::RowInfo;

impl Index {
    /// Builds the index from a valid data set; `recorded_at` gives when each state was recorded
    /// (the state's start where missing).
    ///
    /// # Runtime
    /// O(n log n) in districts and states, plus one GeoJSON serialisation per district.
    #[must_use]
    pub fn build(dataset: Dataset, recorded_at: &[Instant], revision: i64) -> Self {
        let rows: Vec<RowInfo> = (0..dataset.states.len())
            .map(|i| RowInfo {
                id: 0,
                recorded_at: recorded_at
                    .get(i)
                    .copied()
                    .unwrap_or(dataset.states[i].valid_from),
                superseded_at: None,
            })
            .collect();
        let known = |date: Instant| (date, None);
        let events = dataset
            .events
            .iter()
            .map(|e| versioned(e.clone(), known(e.date_start.0)))
            .collect();
        let sites = dataset
            .sites
            .iter()
            .map(|s| versioned(s.clone(), known(Instant(i64::MIN))))
            .collect();
        Self::build_with_past(dataset, &rows, Vec::new(), (events, sites), revision)
    }

    /// Builds the index of a stored data set, with its history of knowledge.
    #[must_use]
    pub fn from_stored(stored: crate::storage::Stored) -> Self {
        let mut index = Self::build_with_past(
            stored.dataset,
            &stored.rows,
            stored.past,
            (stored.events, stored.sites),
            stored.revision,
        );
        index.last_edit = stored.last_edit;
        index
    }

    fn build_with_past(
        dataset: Dataset,
        rows: &[RowInfo],
        past: Vec<(ControlState, RowInfo)>,
        (events, sites): Versions,
        revision: i64,
    ) -> Self {
        let Dataset {
            factions,
            sources,
            districts,
            states,
            meta,
            layers,
            events: _,
            sites: _,
        } = dataset;
        let layers = layers
            .into_iter()
            .map(|layer| {
                let geojson = serde_json::value::to_raw_value(&serde_json::json!({
                    "type": "FeatureCollection",
                    "name": layer.name,
                    "attribution": layer.attribution,
                    "features": layer.features,
                }))
                .expect("features serialise");
                LayerEntry { layer, geojson }
            })
            .collect();
        let district_by_id: HashMap<String, u32> = districts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i as u32))
            .collect();
        let districts: Vec<DistrictEntry> = districts.into_iter().map(DistrictEntry::new).collect();
        let tree = super::envelope_tree(&districts);
        let outline_version = outline_version(&districts);
        let catalogue = Catalogue::build(events, sites, &districts, &tree);
        let mut index = Self {
            factions: Vec::new(),
            sources: Vec::new(),
            districts: Arc::new(districts),
            states: StateTable::default(),
            past: StateTable::default(),
            district_by_id: Arc::new(district_by_id),
            faction_by_id: HashMap::new(),
            source_by_id: HashMap::new(),
            tree: Arc::new(tree),
            timeline: Arc::default(),
            timeline_seed: Arc::default(),
            instants: Arc::default(),
            borders: Arc::default(),
            border_tree: Arc::default(),
            fronts: Arc::default(),
            generalised: Arc::default(),
            blocks: Arc::default(),
            on_front: Arc::default(),
            side_of: Vec::new(),
            meta,
            layers: Arc::new(layers),
            revision,
            last_edit: 0,
            outline_version,
            knowledge: None,
            events: Arc::new(catalogue),
        };
        index.set_lists(factions, sources);
        let current: Vec<StateEntry> = states
            .iter()
            .zip(rows)
            .filter_map(|(s, row)| index.entry(s, row))
            .collect();
        let past: Vec<StateEntry> = past
            .iter()
            .filter_map(|(s, row)| index.entry(s, row))
            .collect();
        index.set_past(past);
        index.set_states(current);
        index
    }

    /// Sets the factions and sources, and what is derived from them.
    pub(crate) fn set_lists(&mut self, factions: Vec<Faction>, sources: Vec<Source>) {
        let mut side_names: Vec<&str> = Vec::new();
        self.side_of = factions
            .iter()
            .map(|f| {
                let side = f.side();
                let at = side_names
                    .iter()
                    .position(|s| *s == side)
                    .unwrap_or_else(|| {
                        side_names.push(side);
                        side_names.len() - 1
                    });
                at as u16
            })
            .collect();
        self.faction_by_id = factions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i as u16))
            .collect();
        self.source_by_id = sources
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i as u32))
            .collect();
        self.factions = factions;
        self.sources = sources;
    }

    /// A state with its ids resolved; `None` for a state of a district or faction not in the
    /// index (a past state citing what a re-import retired). Unknown sources are left out.
    pub(crate) fn entry(&self, s: &ControlState, row: &RowInfo) -> Option<StateEntry> {
        Some(StateEntry {
            district: *self.district_by_id.get(&s.district)?,
            status: s.status,
            factions: s
                .factions
                .iter()
                .map(|f| self.faction_by_id.get(f).copied())
                .collect::<Option<_>>()?,
            interval: s.interval(),
            confidence: s.confidence,
            sources: s
                .sources
                .iter()
                .filter_map(|x| self.source_by_id.get(x.as_str()).copied())
                .collect(),
            note: s.note.as_str().into(),
            id: row.id,
            recorded_at: row.recorded_at,
            superseded_at: row.superseded_at,
        })
    }

    /// Sets the states believed and their offsets; the timeline and the front history are
    /// computed again on first use.
    pub(crate) fn set_states(&mut self, mut states: Vec<StateEntry>) {
        states.sort_by_key(|s| (s.district, s.interval.from));
        self.states = StateTable::from_sorted(states, self.districts.len());
        self.instants = Arc::default();
        self.reset_derived();
    }

    /// Forgets what is derived from the states: computed again on first use.
    pub(crate) fn reset_derived(&mut self) {
        self.timeline = Arc::default();
        self.timeline_seed = Arc::default();
        self.fronts = Arc::default();
        self.on_front = Arc::default();
    }

    /// Sets the states no longer believed.
    pub(crate) fn set_past(&mut self, mut past: Vec<StateEntry>) {
        past.sort_by_key(|s| (s.district, s.interval.from, s.recorded_at, s.id));
        self.past = StateTable::from_sorted(past, self.districts.len());
        self.instants = Arc::default();
    }
}

/// A record believed from `recorded_at` until `superseded_at`.
fn versioned<T>(record: T, (recorded_at, superseded_at): (Instant, Option<Instant>)) -> Known<T> {
    Known {
        record,
        recorded_at,
        superseded_at,
    }
}

/// A digest of what the outline tiles show, as a non-negative number for tile URLs.
fn outline_version(districts: &[DistrictEntry]) -> i64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for d in districts {
        let group = d.district.group.as_deref().unwrap_or("");
        for part in [
            d.district.id.as_str(),
            &d.district.name,
            group,
            d.geometry_json.get(),
        ] {
            // Lengths first, so no two different lists of parts read the same.
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    (h.digest() >> 1) as i64
}

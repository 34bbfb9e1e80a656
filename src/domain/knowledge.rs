//! The history of knowledge in the index: deriving the index after an edit (sharing all that the
//! edit did not touch), and the index as the map was known at an earlier instant.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

use super::index::{Index, StateEntry};
use super::model::{ControlState, Faction, Source};
use super::time::Instant;
use crate::storage::RowInfo;

impl Index {
    /// The index after an edit of district `d`: `current` are its states believed now (any
    /// order), `superseded` the ones the edit stopped believing. Geometry, borders, outlines and
    /// every other district's states are shared with `self`.
    ///
    /// # Runtime
    /// O(n) for n districts (their slices are shared) plus O(s) to relabel positions, for s
    /// states; the timeline and front history are computed again on first use.
    #[must_use]
    pub fn with_district(
        &self,
        d: u32,
        current: Vec<StateEntry>,
        superseded: Vec<StateEntry>,
        revision: i64,
    ) -> Self {
        let mut next = self.clone();
        next.revision = revision;
        // What the edit recorded (states new to the district) and when it stopped believing.
        if let Some(known) = self.instants.get() {
            let before: std::collections::HashSet<i64> = self
                .states
                .district(d as usize)
                .iter()
                .map(|s| s.id)
                .collect();
            let recorded = current.iter().filter(|s| !before.contains(&s.id));
            let more = recorded
                .map(|s| s.recorded_at)
                .chain(superseded.iter().filter_map(|s| s.superseded_at));
            next.instants = Arc::new(OnceLock::from(known.with(more)));
        } else {
            next.instants = Arc::default();
        }
        let mut current = current;
        current.sort_by_key(|s| s.interval.from);
        let seed = self.next_timeline_seed(d);
        next.states = self.states.with_district(d as usize, current);
        if !superseded.is_empty() {
            let mut past = self.past.district(d as usize).to_vec();
            past.extend(superseded);
            past.sort_by_key(|s| (s.interval.from, s.recorded_at, s.id));
            next.past = self.past.with_district(d as usize, past);
        }
        next.reset_derived();
        next.timeline_seed = Arc::new(std::sync::Mutex::new(seed));
        next
    }

    /// The index after edits of control states made through another server: `delta` holds every
    /// state they recorded or stopped believing. Each district they touched is derived as after
    /// an edit of this server's own. `None` when a state names a district or faction this index
    /// does not know: load the store whole then.
    #[must_use]
    pub fn with_delta(&self, delta: &crate::storage::Delta) -> Option<Self> {
        let mut by_district: BTreeMap<u32, Vec<&(ControlState, RowInfo)>> = BTreeMap::new();
        for change in &delta.states {
            let d = self.district_index(&change.0.district)?;
            by_district.entry(d).or_default().push(change);
        }
        let mut next = self.clone();
        for (d, changes) in by_district {
            let touched: HashSet<i64> = changes.iter().map(|(_, row)| row.id).collect();
            let mut current: Vec<StateEntry> = next
                .history(d)
                .iter()
                .filter(|s| !touched.contains(&s.id))
                .cloned()
                .collect();
            let mut superseded = Vec::new();
            for (state, row) in changes {
                let entry = next.entry(state, row)?;
                if row.superseded_at.is_some() {
                    superseded.push(entry);
                } else {
                    current.push(entry);
                }
            }
            next = next.with_district(d, current, superseded, delta.revision);
        }
        next.revision = delta.revision;
        next.last_edit = delta.last_edit;
        Some(next)
    }

    /// The index with new factions and sources lists (the old ones extended: indices of those
    /// already there must not change) as of the store's `revision`, whose newest edit is
    /// `last_edit`; states are shared.
    #[must_use]
    pub fn with_lists(
        &self,
        factions: Vec<Faction>,
        sources: Vec<Source>,
        revision: i64,
        last_edit: i64,
    ) -> Self {
        let mut next = self.clone();
        next.set_lists(factions, sources);
        next.revision = revision;
        next.last_edit = last_edit;
        next
    }

    /// Every instant between two changes of knowledge shows the same map: the last change at
    /// or before `t` (`Instant(i64::MIN)` before the first), or `None` when that is the latest
    /// change and the map as known at `t` is the map as now believed.
    #[must_use]
    pub fn knowledge_basis(&self, t: Instant) -> Option<Instant> {
        let instants = self.instants();
        let basis = instants.at_or_before(t);
        if basis.is_some() && basis == instants.latest() {
            None
        } else {
            Some(basis.unwrap_or(Instant(i64::MIN)))
        }
    }

    /// The map as it was known at `t`: the states recorded by then and not yet superseded, with
    /// those superseded by then as its past. Geometry and derived outlines are shared.
    ///
    /// # Runtime
    /// O(n) for n districts; only districts changed since `t` are built again.
    #[must_use]
    pub fn known_at(&self, t: Instant) -> Self {
        let believed =
            |s: &&StateEntry| s.recorded_at <= t && s.superseded_at.is_none_or(|u| t < u);
        // A district nothing has happened to since `t` keeps its slices as they are.
        let untouched = |d: usize| {
            self.states.changed(d).is_none_or(|u| u <= t)
                && self.past.changed(d).is_none_or(|u| u <= t)
        };
        let states = self.states.map_districts(|d| {
            if untouched(d) {
                return None;
            }
            // A state believed at `t` keeps its `superseded_at`: the history shows it was
            // corrected later.
            let mut then: Vec<StateEntry> = self
                .states
                .district(d)
                .iter()
                .chain(self.past.district(d))
                .filter(believed)
                .cloned()
                .collect();
            then.sort_by_key(|s| s.interval.from);
            Some(then)
        });
        let past = self.past.map_districts(|d| {
            let gone = self.past.district(d);
            self.past.changed(d).is_some_and(|u| u > t).then(|| {
                gone.iter()
                    .filter(|s| s.superseded_at.is_some_and(|u| u <= t))
                    .cloned()
                    .collect()
            })
        });
        let mut view = self.clone();
        view.knowledge = Some(t);
        view.instants = Arc::default();
        view.states = states;
        view.past = past;
        view.reset_derived();
        view
    }

    /// A state as the data set writes it, ids in place of indices.
    #[must_use]
    pub fn control_state(&self, s: &StateEntry) -> ControlState {
        ControlState {
            district: self.districts[s.district as usize].district.id.clone(),
            status: s.status,
            factions: s
                .factions
                .iter()
                .map(|&f| self.factions[f as usize].id.clone())
                .collect(),
            valid_from: s.interval.from,
            valid_to: s.interval.to,
            confidence: s.confidence,
            sources: s
                .sources
                .iter()
                .map(|&x| self.sources[x as usize].id.clone())
                .collect(),
            note: s.note.to_string(),
        }
    }
}

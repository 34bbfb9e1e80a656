//! The in-memory spatio-temporal index: which district contains a point, and which state holds
//! at an instant. Built once from a stored data set and never mutated: an edit derives a new one
//! (sharing everything the edit did not touch, see `knowledge`) and swaps it in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use geo::{Coord, Intersects, Rect};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use serde_json::value::RawValue;

use super::borders::{self, Border};
use super::changes::{self, Timeline};
use super::fronts::{self, FrontPiece};
use super::geometry::{self, Bbox};
use super::instants::Instants;
use super::meta::{ContextLayer, Meta};
use super::model::{Confidence, District, Faction, Source, Status};
use super::state_table::StateTable;
use super::time::{Instant, Interval};

pub use super::front_at::{FrontSegment, GainLoss};

mod build;

/// A district with what queries need precomputed.
#[derive(Debug)]
pub struct DistrictEntry {
    pub district: District,
    /// Geodesic area, km².
    pub area_km2: f64,
    pub envelope: Rect<f64>,
    /// A point inside the district where its name goes (`None` for an empty outline).
    pub label: Option<Coord<f64>>,
    /// The geometry as GeoJSON, serialised once.
    pub geometry_json: Box<RawValue>,
}

/// Who holds a district, reduced to what decides a hand-over.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Held(u16),
    /// The contesting factions, sorted by index.
    Contested(Box<[u16]>),
}

/// A control state with ids resolved to indices.
#[derive(Debug, Clone)]
pub struct StateEntry {
    pub district: u32,
    pub status: Status,
    /// Faction indices in the data's order.
    pub factions: Arc<[u16]>,
    pub interval: Interval,
    pub confidence: Confidence,
    /// Source indices.
    pub sources: Arc<[u32]>,
    pub note: Arc<str>,
    /// The store's row; 0 for an index built from files.
    pub id: i64,
    /// Transaction time: when the database came to believe this state …
    pub recorded_at: Instant,
    /// … and when it stopped (`None`: still believed).
    pub superseded_at: Option<Instant>,
}

impl StateEntry {
    #[must_use]
    pub fn side(&self) -> Side {
        match self.status {
            Status::Held => Side::Held(self.factions[0]),
            Status::Contested => {
                let mut f = self.factions.to_vec();
                f.sort_unstable();
                Side::Contested(f.into())
            }
        }
    }
}

pub(crate) type Entry = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// An R-tree of the districts' envelopes, each tagged with its district's position.
pub(crate) fn envelope_tree(districts: &[DistrictEntry]) -> RTree<Entry> {
    RTree::bulk_load(
        districts
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (min, max) = (d.envelope.min(), d.envelope.max());
                GeomWithData::new(
                    Rectangle::from_corners([min.x, min.y], [max.x, max.y]),
                    i as u32,
                )
            })
            .collect(),
    )
}

/// A context layer with its features serialised once, as served.
#[derive(Debug, Clone)]
pub struct LayerEntry {
    pub layer: ContextLayer,
    /// The layer as a GeoJSON FeatureCollection.
    pub geojson: Box<RawValue>,
}

/// Cloning is cheap: everything large is shared.
#[derive(Debug, Clone)]
pub struct Index {
    pub factions: Vec<Faction>,
    pub sources: Vec<Source>,
    pub districts: Arc<Vec<DistrictEntry>>,
    /// The states believed, grouped by district (in district order), each group sorted by
    /// `valid_from`.
    pub states: StateTable,
    /// The states no longer believed (superseded or withdrawn), grouped and sorted like
    /// `states`.
    pub past: StateTable,
    pub(crate) district_by_id: Arc<HashMap<String, u32>>,
    pub(crate) faction_by_id: HashMap<String, u16>,
    pub(crate) source_by_id: HashMap<String, u32>,
    pub(crate) tree: Arc<RTree<Entry>>,
    /// What changes when, derived from `states` on first use.
    timeline: Arc<OnceLock<Timeline>>,
    /// An earlier index's timeline to derive this one's from, when only some districts'
    /// states changed since; taken (and so let go) once this one's is built.
    pub(crate) timeline_seed: Arc<Mutex<Option<Arc<TimelineSeed>>>>,
    /// When knowledge changed, derived from `states` and `past` on first use.
    pub(crate) instants: Arc<OnceLock<Instants>>,
    pub(crate) borders: Arc<OnceLock<Vec<Border>>>,
    /// The borders' envelopes, for finding those in a box.
    pub(crate) border_tree: Arc<OnceLock<RTree<Entry>>>,
    pub(crate) fronts: Arc<OnceLock<Vec<FrontPiece>>>,
    /// Outlines simplified per zoom, for tiles.
    pub(crate) generalised: Arc<super::generalise::Generalised>,
    /// Districts grouped for low zooms, for tiles.
    pub(crate) blocks: Arc<super::blocks::Blocks>,
    /// By border, whether the front ever runs along it (from `fronts`).
    pub(crate) on_front: Arc<OnceLock<super::generalise::OnFront>>,
    /// Per faction, the side it fights on (factions of one alliance share a side).
    pub(crate) side_of: Vec<u16>,
    /// What the data set says of itself.
    pub meta: Meta,
    pub layers: Arc<Vec<LayerEntry>>,
    /// The store revision this index was built from.
    pub revision: i64,
    /// The store's newest edit in this index (0: none, or not from a store).
    pub last_edit: i64,
    /// Names the districts' outlines (ids, names, groups, geometry): what the time-free outline
    /// tiles show. Unchanged by edits of states, so those tiles stay cached across them.
    pub outline_version: i64,
    /// `None` for what is believed now; `Some(t)` for the map as it was known at `t`.
    pub knowledge: Option<Instant>,
    /// Every version of the events and sites; queries say which knowledge they want.
    pub events: Arc<super::events::Catalogue>,
}

/// Districts a timeline seed carries at most before the next timeline is built afresh.
const SEED_DISTRICTS: usize = 4096;

/// An earlier index's built timeline, its state positions, and which districts' states have
/// changed since (see [`changes::update`]).
#[derive(Debug, Clone)]
pub(crate) struct TimelineSeed {
    base: Arc<OnceLock<Timeline>>,
    base_offsets: Arc<Vec<u32>>,
    changed: Vec<bool>,
    count: usize,
}

impl DistrictEntry {
    /// A district with its area, envelope and GeoJSON, measured once. The GeoJSON is always a
    /// MultiPolygon, so clients that take a layer's type from its first feature meet no other.
    #[must_use]
    pub fn new(district: District) -> Self {
        let multi = geo::Geometry::MultiPolygon(geometry::as_multi_polygon(&district.geometry));
        let geometry_json = serde_json::value::to_raw_value(&geojson::Geometry::from(&multi))
            .expect("finite geometries serialise");
        Self {
            area_km2: geometry::area_km2(&district.geometry),
            envelope: geometry::envelope(&district.geometry),
            label: geo::InteriorPoint::interior_point(&multi).map(|p| p.0),
            geometry_json,
            district,
        }
    }
}

impl Index {
    /// Whether a front runs between districts held by these two sides: both held, by factions
    /// of different alliances. Allies have no front between them, and a contested district is
    /// the front zone itself, not one side of a line.
    #[must_use]
    pub fn hostile(&self, a: &Side, b: &Side) -> bool {
        match (a, b) {
            (Side::Held(x), Side::Held(y)) => {
                self.side_of[*x as usize] != self.side_of[*y as usize]
            }
            _ => false,
        }
    }

    /// Whether factions `a` and `b` (indices) fight on the same side.
    #[must_use]
    pub fn allied(&self, a: u16, b: u16) -> bool {
        self.side_of[a as usize] == self.side_of[b as usize]
    }

    #[must_use]
    pub fn district_index(&self, id: &str) -> Option<u32> {
        self.district_by_id.get(id).copied()
    }

    #[must_use]
    pub fn source_index(&self, id: &str) -> Option<u32> {
        self.source_by_id.get(id).copied()
    }

    #[must_use]
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.source_by_id
            .get(id)
            .map(|&i| &self.sources[i as usize])
    }

    #[must_use]
    pub fn faction_index(&self, id: &str) -> Option<u16> {
        self.faction_by_id.get(id).copied()
    }

    /// What changes when (see [`changes`]), computed on first use.
    ///
    /// # Runtime
    /// The first call builds it in O(s log s) for s states, or, after edits of a few districts
    /// of an index whose timeline was built, derives it from that one in O(s).
    pub fn timeline(&self) -> &Timeline {
        self.timeline.get_or_init(|| {
            let area: Vec<f64> = self.districts.iter().map(|d| d.area_km2).collect();
            let factions = self.factions.len();
            let seed = self.seed().take();
            match seed.as_deref() {
                Some(seed) => {
                    let base = seed.base.get().expect("a seed's timeline is built");
                    changes::update(
                        base,
                        &seed.base_offsets,
                        &self.states,
                        &seed.changed,
                        &area,
                        factions,
                    )
                }
                None => changes::build(&self.states, &area, factions),
            }
        })
    }

    fn seed(&self) -> std::sync::MutexGuard<'_, Option<Arc<TimelineSeed>>> {
        self.timeline_seed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The seed of the timeline of the next index, in which district `d`'s states change: this
    /// index's timeline if it is built, else this index's own seed with `d` marked too.
    pub(crate) fn next_timeline_seed(&self, d: u32) -> Option<Arc<TimelineSeed>> {
        let seed = if self.timeline.get().is_some() {
            TimelineSeed {
                base: self.timeline.clone(),
                base_offsets: self.states.shared_offsets(),
                changed: vec![false; self.districts.len()],
                count: 0,
            }
        } else {
            self.seed().as_deref()?.clone()
        };
        let mut seed = seed;
        if !seed.changed[d as usize] {
            seed.changed[d as usize] = true;
            seed.count += 1;
        }
        // Past a point, building afresh costs less than carrying the marks.
        (seed.count <= SEED_DISTRICTS).then(|| Arc::new(seed))
    }

    /// Every instant at which what is believed changed (computed on first use).
    pub fn instants(&self) -> &Instants {
        self.instants
            .get_or_init(|| Instants::of(self.states.iter().chain(self.past.iter())))
    }

    /// District `d`'s states, in time order.
    #[must_use]
    pub fn history(&self, d: u32) -> &[StateEntry] {
        let d = d as usize;
        self.states.district(d)
    }

    /// District `d`'s states no longer believed, by start and then when they were recorded.
    #[must_use]
    pub fn past_of(&self, d: u32) -> &[StateEntry] {
        let d = d as usize;
        self.past.district(d)
    }

    /// Index into `states` of the state holding district `d` at `t`, if any. At a hand-over
    /// instant the newer state holds (intervals are half-open).
    ///
    /// # Runtime
    /// O(log k) for a district with k states.
    #[must_use]
    pub fn state_at(&self, d: u32, t: Instant) -> Option<usize> {
        let start = self.states.offset(d as usize);
        let history = self.history(d);
        let after = history.partition_point(|s| s.interval.from <= t);
        let candidate = after.checked_sub(1)?;
        history[candidate]
            .interval
            .contains(t)
            .then_some(start + candidate)
    }

    /// The district containing (lon, lat); on a shared boundary, the first in data set order.
    ///
    /// # Runtime
    /// O(log n) to find candidates by envelope, then a point-in-polygon test per candidate.
    #[must_use]
    pub fn district_at(&self, lon: f64, lat: f64) -> Option<u32> {
        let p = geo::Point::new(lon, lat);
        self.tree
            .locate_all_at_point(&[lon, lat])
            .map(|e| e.data)
            .filter(|&d| self.districts[d as usize].district.geometry.intersects(&p))
            .min()
    }

    /// Which district contains (lon, lat) and which state holds there at `t`.
    #[must_use]
    pub fn who(&self, lon: f64, lat: f64, t: Instant) -> Option<(u32, Option<usize>)> {
        self.district_at(lon, lat).map(|d| (d, self.state_at(d, t)))
    }

    /// Districts whose area intersects `bbox` (all districts when `None`), in data set order.
    #[must_use]
    pub fn districts_in(&self, bbox: Option<&Bbox>) -> Vec<u32> {
        let Some(Bbox(rect)) = bbox else {
            return (0..self.districts.len() as u32).collect();
        };
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut found: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .filter(|&d| {
                self.districts[d as usize]
                    .district
                    .geometry
                    .intersects(rect)
            })
            .collect();
        found.sort_unstable();
        found
    }

    /// The boundaries between neighbouring districts, shared or across a gap up to the data
    /// set's `front_gap_km`, computed on first use.
    pub fn borders(&self) -> &[Border] {
        self.borders
            .get_or_init(|| borders::boundaries(&self.districts, self.meta.front_gap_km * 1000.0))
    }

    /// Indices into [`Index::borders`] of the borders whose lines meet `rect`, in order.
    #[must_use]
    pub fn borders_in(&self, rect: &Rect<f64>) -> Vec<u32> {
        let tree = self.border_tree.get_or_init(|| {
            let boxes = self.borders().iter().enumerate().filter_map(|(i, b)| {
                let r = geo::BoundingRect::bounding_rect(&b.lines)?;
                let i = u32::try_from(i).expect("fewer than 2^32 borders");
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            });
            RTree::bulk_load(boxes.collect())
        });
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut found: Vec<u32> = tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .filter(|&b| self.borders()[b as usize].lines.intersects(rect))
            .collect();
        found.sort_unstable();
        found
    }

    /// A state's stable identifier: its district and start, e.g. `zanjili@2017-06-10`.
    #[must_use]
    pub fn state_id(&self, s: usize) -> String {
        let state = &self.states[s];
        format!(
            "{}@{}",
            self.districts[state.district as usize].district.id, state.interval.from
        )
    }

    /// The state a [`state_id`](Self::state_id) names, if any.
    #[must_use]
    pub fn state_by_id(&self, id: &str) -> Option<usize> {
        let (district, from) = id.rsplit_once('@')?;
        let from: Instant = from.parse().ok()?;
        let d = self.district_index(district)?;
        let start = self.states.offset(d as usize);
        self.history(d)
            .iter()
            .position(|s| s.interval.from == from)
            .map(|i| start + i)
    }

    /// The front line through time (see [`fronts`]), computed on first use.
    pub fn fronts(&self) -> &[FrontPiece] {
        self.fronts.get_or_init(|| fronts::front_history(self))
    }

    /// Bounding box of every district, or `None` for an empty data set.
    #[must_use]
    pub fn extent(&self) -> Option<Rect<f64>> {
        let e = self.tree.root().envelope();
        (!self.districts.is_empty()).then(|| {
            Rect::new(
                geo::coord! { x: e.lower()[0], y: e.lower()[1] },
                geo::coord! { x: e.upper()[0], y: e.upper()[1] },
            )
        })
    }
}

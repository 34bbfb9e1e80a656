//! The events and sites in memory, every version the store knows, with what queries need: the
//! days each covers, the districts each falls in, and when it was believed.

use geo::{Closest, ClosestPoint, Distance, Haversine, Intersects, Point};
use rstar::{AABB, RTree};

use super::{Day, Event, EventKind, Grade, LocationPrecision, Site};
use crate::domain::geometry::Bbox;
use crate::domain::index::{DistrictEntry, Entry};
use crate::domain::time::{Instant, Interval, Period};

/// A record with when the database came to believe it and when it stopped (`None`: still
/// believed).
#[derive(Debug, Clone, PartialEq)]
pub struct Known<T> {
    pub record: T,
    pub recorded_at: Instant,
    pub superseded_at: Option<Instant>,
}

impl<T> Known<T> {
    /// Whether this version was believed at `known_at` (now when `None`).
    #[must_use]
    pub fn believed_at(&self, known_at: Option<Instant>) -> bool {
        match known_at {
            None => self.superseded_at.is_none(),
            Some(t) => self.recorded_at <= t && self.superseded_at.is_none_or(|s| s > t),
        }
    }
}

/// An event with what queries need precomputed.
#[derive(Debug, Clone)]
pub struct EventEntry {
    pub known: Known<Event>,
    pub interval: Interval,
    /// Ids of the districts its circle of uncertainty overlaps, in district order.
    pub districts: Vec<String>,
}

impl EventEntry {
    #[must_use]
    pub fn event(&self) -> &Event {
        &self.known.record
    }
}

/// A site, every version.
#[derive(Debug, Clone)]
pub struct SiteEntry {
    pub known: Known<Site>,
}

/// What `GET /api/events` asks for; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    pub period: Option<Period>,
    pub bbox: Option<Bbox>,
    pub kinds: Vec<EventKind>,
    pub grades: Vec<Grade>,
    pub district: Option<String>,
    pub known_at: Option<Instant>,
}

/// How many events touch one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub start: Day,
    pub count: usize,
}

/// Every version of every event and site, events sorted by `date_start`, then id.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    events: Vec<EventEntry>,
    sites: Vec<SiteEntry>,
    /// The longest time any event covers, ms: a period's events start at most this long before it.
    longest_ms: i64,
}

impl Catalogue {
    /// Builds the catalogue, linking each event to the districts its circle of uncertainty
    /// overlaps (`tree` holds `districts`' envelopes).
    ///
    /// # Runtime
    /// O(e log d) for e events among d districts, plus the outlines of the candidates each
    /// event's circle meets.
    #[must_use]
    pub fn build(
        events: Vec<Known<Event>>,
        sites: Vec<Known<Site>>,
        districts: &[DistrictEntry],
        tree: &RTree<Entry>,
    ) -> Self {
        let mut events: Vec<EventEntry> = events
            .into_iter()
            .map(|known| EventEntry {
                interval: known.record.interval(),
                districts: districts_near(&known.record, districts, tree),
                known,
            })
            .collect();
        events.sort_by(|a, b| {
            (a.event().date_start, &a.event().id, a.known.recorded_at).cmp(&(
                b.event().date_start,
                &b.event().id,
                b.known.recorded_at,
            ))
        });
        let mut sites: Vec<SiteEntry> =
            sites.into_iter().map(|known| SiteEntry { known }).collect();
        sites.sort_by(|a, b| a.known.record.id.cmp(&b.known.record.id));
        let longest_ms = events
            .iter()
            .map(|e| e.interval.to.map_or(0, |to| to.0 - e.interval.from.0))
            .max()
            .unwrap_or(0);
        Self {
            events,
            sites,
            longest_ms,
        }
    }

    /// Whether there is anything at all, in any version.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.sites.is_empty()
    }

    /// The events matching `q`, sorted by `date_start`, then id.
    ///
    /// # Runtime
    /// O(log n + k) for a period, k the versions starting between the period's start less the
    /// longest event and its end; O(n) in the versions stored without one.
    pub fn events<'a>(&'a self, q: &EventQuery) -> impl Iterator<Item = &'a EventEntry> + use<'a> {
        let q = q.clone();
        let (mut from, mut to) = (0, self.events.len());
        if let Some(p) = &q.period {
            if let Some(start) = p.start {
                let earliest = start.0.saturating_sub(self.longest_ms);
                from = self
                    .events
                    .partition_point(|e| e.interval.from.0 < earliest);
            }
            if let Some(end) = p.end {
                to = self.events.partition_point(|e| e.interval.from <= end);
            }
        }
        self.events[from..to.max(from)].iter().filter(move |e| {
            let ev = e.event();
            e.known.believed_at(q.known_at)
                && q.period.as_ref().is_none_or(|p| p.meets(&e.interval))
                && q.bbox
                    .as_ref()
                    .is_none_or(|b| b.0.intersects(&Point::new(ev.lon, ev.lat)))
                && (q.kinds.is_empty() || q.kinds.contains(&ev.kind))
                && (q.grades.is_empty() || q.grades.contains(&ev.grade))
                && q.district
                    .as_ref()
                    .is_none_or(|d| e.districts.iter().any(|x| x == d))
        })
    }

    /// The event with this id as believed at `known_at`.
    #[must_use]
    pub fn event(&self, id: &str, known_at: Option<Instant>) -> Option<&EventEntry> {
        self.events
            .iter()
            .find(|e| e.event().id == id && e.known.believed_at(known_at))
    }

    /// Every event version, for exports and the store.
    #[must_use]
    pub fn all_events(&self) -> &[EventEntry] {
        &self.events
    }

    /// How many of the events matching `q` touch each week, from the first such week to the last
    /// (weeks with none included, so the strip has no holes).
    #[must_use]
    pub fn weeks(&self, q: &EventQuery) -> Vec<Week> {
        let mut counts: std::collections::BTreeMap<Day, usize> = std::collections::BTreeMap::new();
        for e in self.events(q) {
            let mut week = e.event().date_start.monday();
            while week <= e.event().date_end {
                *counts.entry(week).or_default() += 1;
                week = week.next_week();
            }
        }
        let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
            return Vec::new();
        };
        let mut weeks = Vec::new();
        let mut week = first;
        while week <= last {
            weeks.push(Week {
                start: week,
                count: counts.get(&week).copied().unwrap_or(0),
            });
            week = week.next_week();
        }
        weeks
    }

    /// The sites believed at `known_at`, sorted by id.
    pub fn sites(&self, known_at: Option<Instant>) -> impl Iterator<Item = &Site> + '_ {
        self.sites
            .iter()
            .filter(move |s| s.known.believed_at(known_at))
            .map(|s| &s.known.record)
    }

    /// Every site version, for the store.
    #[must_use]
    pub fn all_sites(&self) -> &[SiteEntry] {
        &self.sites
    }
}

/// Ids of the districts an event falls in. A place known to the town or better falls in the
/// district that contains its point (or, off every district, those within its radius); a place
/// known only to the city, district or region falls in every district its circle overlaps, so a
/// city-wide event is not pinned on the neighbourhood at the city's centre.
fn districts_near(event: &Event, districts: &[DistrictEntry], tree: &RTree<Entry>) -> Vec<String> {
    let radius_km = event.location_precision.radius_km();
    let point = Point::new(event.lon, event.lat);
    let dlat = radius_km / 110.574;
    let dlon = radius_km / (111.320 * event.lat.to_radians().cos().max(0.01));
    let envelope = AABB::from_corners(
        [event.lon - dlon, event.lat - dlat],
        [event.lon + dlon, event.lat + dlat],
    );
    let candidates: Vec<u32> = tree
        .locate_in_envelope_intersecting(&envelope)
        .map(|e| e.data)
        .collect();
    let within = |i: &u32| {
        let geometry = &districts[*i as usize].district.geometry;
        match geometry.closest_point(&point) {
            Closest::Intersection(_) => true,
            Closest::SinglePoint(p) => Haversine.distance(point, p) / 1000.0 <= radius_km,
            Closest::Indeterminate => false,
        }
    };
    let containing: Vec<u32> = candidates
        .iter()
        .copied()
        .filter(|&i| districts[i as usize].district.geometry.intersects(&point))
        .collect();
    let mut near: Vec<u32> =
        if containing.is_empty() || event.location_precision > LocationPrecision::Town {
            candidates.iter().copied().filter(within).collect()
        } else {
            containing
        };
    near.sort_unstable();
    near.into_iter()
        .map(|i| districts[i as usize].district.id.clone())
        .collect()
}

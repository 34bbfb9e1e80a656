//! `GET /api/events`, `/api/events/{id}`, `/api/events/weeks` and `/api/sites`: events and camps
//! as GeoJSON, each with the sources it cites (`docs/events.md`).

use std::collections::BTreeMap;

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::event_params::{EventFilter, EventsParams, SitesParams, WeeksParams};
use super::knowledge::KnownAt;
use super::respond::{self, GEOJSON, JSON};
use crate::domain::events::{EventEntry, EventKind, EventQuery, Figure, Grade, Observation, Site};
use crate::domain::index::Index;
use crate::domain::model::{Source, SourceKind};
use crate::domain::time::Instant;
use crate::error::{AppError, Result};

fn known_at(req: &HttpRequest) -> Option<Instant> {
    req.extensions().get::<KnownAt>().map(|k| k.0)
}

/// A cited source as the events' `sources` member gives it.
#[derive(Serialize)]
pub struct SourceRef<'a> {
    title: &'a str,
    publisher: &'a str,
    published: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<SourceKind>,
}

/// The sources `ids` name, by id, as the index knows them.
pub fn cited<'a>(
    index: &'a Index,
    ids: impl Iterator<Item = &'a str>,
) -> BTreeMap<&'a str, SourceRef<'a>> {
    let mut out = BTreeMap::new();
    for id in ids {
        if let Some(s) = index.source(id) {
            out.entry(s.id.as_str()).or_insert_with(|| source_ref(s));
        }
    }
    out
}

fn source_ref(s: &Source) -> SourceRef<'_> {
    SourceRef {
        title: &s.title,
        publisher: &s.publisher,
        published: &s.published,
        url: &s.url,
        kind: s.kind,
    }
}

#[derive(Serialize)]
pub struct Point {
    r#type: &'static str,
    coordinates: [f64; 2],
}

impl Point {
    fn new(lon: f64, lat: f64) -> Self {
        Self {
            r#type: "Point",
            coordinates: [lon, lat],
        }
    }
}

/// An event as a GeoJSON Feature.
#[derive(Serialize)]
pub struct EventFeature<'a> {
    r#type: &'static str,
    id: &'a str,
    geometry: Point,
    properties: EventProps<'a>,
}

#[derive(Serialize)]
pub struct EventProps<'a> {
    #[serde(flatten)]
    event: EventCore<'a>,
    uncertainty_km: f64,
    districts: &'a [String],
    figures: &'a [Figure],
    largest: Option<u64>,
    recorded_at: Instant,
}

/// The event's own fields, with lists as arrays.
#[derive(Serialize)]
struct EventCore<'a> {
    id: &'a str,
    kind: EventKind,
    title: &'a str,
    summary: &'a str,
    date_start: crate::domain::events::Day,
    date_end: crate::domain::events::Day,
    date_precision: crate::domain::events::DatePrecision,
    location_precision: crate::domain::events::LocationPrecision,
    place: &'a str,
    factions: &'a [String],
    responsible: Option<&'a str>,
    grade: Grade,
    sources: &'a [String],
    note: &'a str,
}

#[must_use]
pub fn event_feature(e: &EventEntry) -> EventFeature<'_> {
    let ev = e.event();
    EventFeature {
        r#type: "Feature",
        id: &ev.id,
        geometry: Point::new(ev.lon, ev.lat),
        properties: EventProps {
            event: EventCore {
                id: &ev.id,
                kind: ev.kind,
                title: &ev.title,
                summary: &ev.summary,
                date_start: ev.date_start,
                date_end: ev.date_end,
                date_precision: ev.date_precision,
                location_precision: ev.location_precision,
                place: &ev.place,
                factions: &ev.factions,
                responsible: ev.responsible.as_deref(),
                grade: ev.grade,
                sources: &ev.sources,
                note: &ev.note,
            },
            uncertainty_km: ev.location_precision.radius_km(),
            districts: &e.districts,
            figures: &ev.figures,
            largest: ev.largest(),
            recorded_at: e.known.recorded_at,
        },
    }
}

/// Every source an event cites, its figures' included.
pub fn event_source_ids(e: &EventEntry) -> impl Iterator<Item = &str> {
    source_ids_of(e, true, true)
}

/// The sources an event cites itself (`own`) and through its figures (`figures`).
fn source_ids_of(e: &EventEntry, own: bool, figures: bool) -> impl Iterator<Item = &str> {
    let ev = e.event();
    let own = ev.sources.iter().filter(move |_| own);
    let figures = ev.figures.iter().filter(move |_| figures);
    own.map(String::as_str)
        .chain(figures.map(|f| f.source.as_str()))
}

#[derive(Serialize)]
struct Collection<'a, F> {
    r#type: &'static str,
    #[serde(rename = "numberReturned")]
    number_returned: usize,
    features: Vec<F>,
    sources: BTreeMap<&'a str, SourceRef<'a>>,
}

pub async fn events(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<EventsParams>,
) -> Result<HttpResponse> {
    let index = state.current();
    let (filter, properties) = q.into_inner().split();
    let query = query_of(&req, &index, filter)?;
    let found: Vec<&EventEntry> = index.events.events(&query).collect();
    let Some(chosen) = properties else {
        let body = Collection {
            r#type: "FeatureCollection",
            number_returned: found.len(),
            sources: cited(&index, found.iter().flat_map(|e| event_source_ids(e))),
            features: found.iter().map(|e| event_feature(e)).collect(),
        };
        return Ok(respond::json(&req, GEOJSON, &body));
    };
    // Only the chosen properties, and only the sources they cite.
    let (own, figures) = (chosen.contains(&"sources"), chosen.contains(&"figures"));
    let ids = found.iter().flat_map(|e| source_ids_of(e, own, figures));
    let body = Collection {
        r#type: "FeatureCollection",
        number_returned: found.len(),
        sources: cited(&index, ids),
        features: found.iter().map(|e| slim(e, &chosen)).collect(),
    };
    Ok(respond::json(&req, GEOJSON, &body))
}

/// `GET /api/events.bin`: the events `/api/events` gives for the same parameters, in the binary
/// layout of [`crate::tiles::event_stream`], for a map that draws a month of dots.
pub async fn event_stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<EventFilter>,
) -> Result<HttpResponse> {
    let index = state.current();
    let query = query_of(&req, &index, q.into_inner())?;
    let found: Vec<&EventEntry> = index.events.events(&query).collect();
    let body = crate::tiles::event_stream::encode(&found);
    Ok(respond::bytes(
        &req,
        crate::tiles::event_stream::MEDIA_TYPE,
        body,
    ))
}

/// The query of an events request; a 404 for a district that does not exist.
fn query_of(req: &HttpRequest, index: &Index, f: EventFilter) -> Result<EventQuery> {
    if let Some(d) = &f.district
        && index.district_index(d).is_none()
    {
        return Err(super::api::unknown_district(d));
    }
    Ok(EventQuery {
        period: f.datetime,
        bbox: f.bbox,
        kinds: f.kind,
        grades: f.grade,
        district: f.district,
        known_at: known_at(req),
    })
}

/// The event as a Feature with only the `chosen` properties (names from
/// [`super::event_params::EVENT_PROPERTIES`]).
fn slim<'a>(e: &'a EventEntry, chosen: &'a [&'static str]) -> SlimFeature<'a> {
    let f = event_feature(e);
    SlimFeature {
        r#type: f.r#type,
        id: f.id,
        geometry: f.geometry,
        properties: Chosen {
            of: f.properties,
            names: chosen,
        },
    }
}

#[derive(Serialize)]
struct SlimFeature<'a> {
    r#type: &'static str,
    id: &'a str,
    geometry: Point,
    properties: Chosen<'a>,
}

/// Some of an event's properties, written as the whole Feature writes them.
///
/// # Runtime
/// Linear in what is chosen: a map's month of dots asks for a few small properties of thousands
/// of events, and writing each whole event first was most of that answer's time.
struct Chosen<'a> {
    of: EventProps<'a>,
    names: &'a [&'static str],
}

impl Serialize for Chosen<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let (p, e) = (&self.of, &self.of.event);
        let mut map = serializer.serialize_map(Some(self.names.len()))?;
        for &name in self.names {
            match name {
                "id" => map.serialize_entry(name, e.id)?,
                "kind" => map.serialize_entry(name, &e.kind)?,
                "title" => map.serialize_entry(name, e.title)?,
                "summary" => map.serialize_entry(name, e.summary)?,
                "date_start" => map.serialize_entry(name, &e.date_start)?,
                "date_end" => map.serialize_entry(name, &e.date_end)?,
                "date_precision" => map.serialize_entry(name, &e.date_precision)?,
                "location_precision" => map.serialize_entry(name, &e.location_precision)?,
                "place" => map.serialize_entry(name, e.place)?,
                "factions" => map.serialize_entry(name, e.factions)?,
                "responsible" => map.serialize_entry(name, &e.responsible)?,
                "grade" => map.serialize_entry(name, &e.grade)?,
                "sources" => map.serialize_entry(name, e.sources)?,
                "note" => map.serialize_entry(name, e.note)?,
                "uncertainty_km" => map.serialize_entry(name, &p.uncertainty_km)?,
                "districts" => map.serialize_entry(name, p.districts)?,
                "figures" => map.serialize_entry(name, p.figures)?,
                "largest" => map.serialize_entry(name, &p.largest)?,
                "recorded_at" => map.serialize_entry(name, &p.recorded_at)?,
                _ => unreachable!("`properties` is checked against EVENT_PROPERTIES: {name}"),
            }
        }
        map.end()
    }
}

pub async fn event(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _q: web::Query<super::params::NoQuery>,
) -> Result<HttpResponse> {
    #[derive(Serialize)]
    struct One<'a> {
        #[serde(flatten)]
        feature: EventFeature<'a>,
        sources: BTreeMap<&'a str, SourceRef<'a>>,
    }
    let index = state.current();
    let e = index
        .events
        .event(&id, known_at(&req))
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no event has id '{id}': GET /api/events lists the events (filter with datetime, bbox, kind, grade, district)"
            ))
        })?;
    let body = One {
        feature: event_feature(e),
        sources: cited(&index, event_source_ids(e)),
    };
    Ok(respond::json(&req, GEOJSON, &body))
}

pub async fn weeks(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<WeeksParams>,
) -> HttpResponse {
    #[derive(Serialize)]
    struct WeekView {
        start: crate::domain::events::Day,
        count: usize,
    }
    #[derive(Serialize)]
    struct Weeks {
        weeks: Vec<WeekView>,
    }
    let index = state.current();
    let q = q.into_inner();
    let query = EventQuery {
        kinds: q.kind,
        grades: q.grade,
        known_at: known_at(&req),
        ..EventQuery::default()
    };
    let weeks = index
        .events
        .weeks(&query)
        .into_iter()
        .map(|w| WeekView {
            start: w.start,
            count: w.count,
        })
        .collect();
    respond::json(&req, JSON, &Weeks { weeks })
}

/// A site as a GeoJSON Feature.
#[derive(Serialize)]
pub struct SiteFeature<'a> {
    r#type: &'static str,
    id: &'a str,
    geometry: Point,
    properties: SiteProps<'a>,
}

#[derive(Serialize)]
pub struct SiteProps<'a> {
    id: &'a str,
    kind: crate::domain::events::SiteKind,
    name: &'a str,
    operator: &'a str,
    location_precision: crate::domain::events::LocationPrecision,
    uncertainty_km: f64,
    opened: Option<crate::domain::events::Day>,
    closed: Option<crate::domain::events::Day>,
    sources: &'a [String],
    note: &'a str,
    observations: &'a [Observation],
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<bool>,
    /// Present with `at`: `null` when there is no population figure for that day.
    #[serde(skip_serializing_if = "Option::is_none")]
    population: Option<Option<&'a Observation>>,
}

#[must_use]
pub fn site_feature(s: &Site, at: Option<Instant>) -> SiteFeature<'_> {
    SiteFeature {
        r#type: "Feature",
        id: &s.id,
        geometry: Point::new(s.lon, s.lat),
        properties: SiteProps {
            id: &s.id,
            kind: s.kind,
            name: &s.name,
            operator: &s.operator,
            location_precision: s.location_precision,
            uncertainty_km: s.location_precision.radius_km(),
            opened: s.opened,
            closed: s.closed,
            sources: &s.sources,
            note: &s.note,
            observations: &s.observations,
            open: at.map(|t| s.open_at(t)),
            population: at.map(|t| s.population_at(t)),
        },
    }
}

/// Every source a site cites, its observations' included.
pub fn site_source_ids(s: &Site) -> impl Iterator<Item = &str> {
    s.sources
        .iter()
        .map(String::as_str)
        .chain(s.observations.iter().map(|o| o.source.as_str()))
}

pub async fn sites(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<SitesParams>,
) -> HttpResponse {
    let index = state.current();
    let found: Vec<&Site> = index.events.sites(known_at(&req)).collect();
    let body = Collection {
        r#type: "FeatureCollection",
        number_returned: found.len(),
        sources: cited(&index, found.iter().flat_map(|s| site_source_ids(s))),
        features: found.iter().map(|s| site_feature(s, q.at)).collect(),
    };
    respond::json(&req, GEOJSON, &body)
}

//! The `events` and `sites` layers of the exports: flat records (lists `;`-joined, every claim of
//! an event in one text field, `valid_from`/`valid_to` half-open as for control), written as CSV
//! with WKT points, as GeoJSON, as GeoPackage point layers (see `gpkg`) and as KML folders.
//!
//! The records hold what the index's view believes (its `knowledge`), in the catalogue's order:
//! events by `date_start` then id, sites by id.

use std::io::{self, Write};

use serde::Serialize;

use crate::domain::events::{EventQuery, Figure, Observation, Site};
use crate::domain::index::Index;
use crate::domain::time::Instant;

/// One event, flat.
#[derive(Debug, Serialize)]
pub struct EventRecord<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub title: &'a str,
    pub summary: &'a str,
    /// `YYYY-MM-DD`, the first day.
    pub date_start: String,
    /// `YYYY-MM-DD`, the last day (inclusive).
    pub date_end: String,
    pub date_precision: &'static str,
    pub valid_from: Instant,
    /// The day after `date_end` begins.
    pub valid_to: Instant,
    pub place: &'a str,
    pub location_precision: &'static str,
    pub uncertainty_km: f64,
    pub factions: String,
    pub responsible: Option<&'a str>,
    pub grade: &'static str,
    pub largest: Option<u64>,
    /// Every claim, `; `-separated: `killed civilians 105 (CENTCOM investigation, centcom-…)`.
    pub figures: String,
    pub districts: String,
    pub sources: String,
    pub note: &'a str,
    #[serde(skip)]
    pub lon: f64,
    #[serde(skip)]
    pub lat: f64,
}

/// One site, flat.
#[derive(Debug, Serialize)]
pub struct SiteRecord<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub name: &'a str,
    pub operator: &'a str,
    pub location_precision: &'static str,
    pub uncertainty_km: f64,
    pub opened: Option<String>,
    pub closed: Option<String>,
    pub valid_from: Option<Instant>,
    pub valid_to: Option<Instant>,
    pub latest_population: Option<u64>,
    pub latest_observed: Option<String>,
    pub peak_population: Option<u64>,
    /// Every count, `; `-separated: `2016-11-14 population 10500 (reach-…)`.
    pub observations: String,
    pub sources: String,
    pub note: &'a str,
    #[serde(skip)]
    pub lon: f64,
    #[serde(skip)]
    pub lat: f64,
}

/// The events the view believes, as records.
pub fn event_records(index: &Index) -> impl Iterator<Item = EventRecord<'_>> {
    let query = EventQuery {
        known_at: index.knowledge,
        ..EventQuery::default()
    };
    let entries: Vec<_> = index.events.events(&query).collect();
    entries.into_iter().map(|e| {
        let ev = e.event();
        EventRecord {
            id: &ev.id,
            kind: ev.kind.as_str(),
            title: &ev.title,
            summary: &ev.summary,
            date_start: ev.date_start.to_string(),
            date_end: ev.date_end.to_string(),
            date_precision: ev.date_precision.as_str(),
            valid_from: e.interval.from,
            valid_to: e.interval.to.unwrap_or(e.interval.from),
            place: &ev.place,
            location_precision: ev.location_precision.as_str(),
            uncertainty_km: ev.location_precision.radius_km(),
            factions: ev.factions.join(";"),
            responsible: ev.responsible.as_deref(),
            grade: ev.grade.as_str(),
            largest: ev.largest(),
            figures: ev
                .figures
                .iter()
                .map(Figure::summary)
                .collect::<Vec<_>>()
                .join("; "),
            districts: e.districts.join(";"),
            sources: ev.sources.join(";"),
            note: &ev.note,
            lon: ev.lon,
            lat: ev.lat,
        }
    })
}

/// The sites the view believes, as records.
pub fn site_records(index: &Index) -> impl Iterator<Item = SiteRecord<'_>> {
    index.events.sites(index.knowledge).map(site_record)
}

fn site_record(site: &Site) -> SiteRecord<'_> {
    let latest = site.populations().last();
    SiteRecord {
        id: &site.id,
        kind: site.kind.as_str(),
        name: &site.name,
        operator: &site.operator,
        location_precision: site.location_precision.as_str(),
        uncertainty_km: site.location_precision.radius_km(),
        opened: site.opened.map(|d| d.to_string()),
        closed: site.closed.map(|d| d.to_string()),
        valid_from: site.opened.map(|d| d.0),
        valid_to: site.interval().to,
        latest_population: latest.and_then(|o| o.max.or(o.min)),
        latest_observed: latest.map(|o| o.date.to_string()),
        peak_population: site.populations().filter_map(|o| o.max.or(o.min)).max(),
        observations: site
            .observations
            .iter()
            .map(Observation::summary)
            .collect::<Vec<_>>()
            .join("; "),
        sources: site.sources.join(";"),
        note: &site.note,
        lon: site.lon,
        lat: site.lat,
    }
}

/// The header of the events CSV, in order (`WKT` is the point).
pub const EVENT_CSV_COLUMNS: [&str; 20] = [
    "WKT",
    "id",
    "kind",
    "title",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "valid_from",
    "valid_to",
    "place",
    "location_precision",
    "uncertainty_km",
    "factions",
    "responsible",
    "grade",
    "largest",
    "figures",
    "districts",
    "sources",
];

/// The header of the sites CSV, in order.
pub const SITE_CSV_COLUMNS: [&str; 16] = [
    "WKT",
    "id",
    "kind",
    "name",
    "operator",
    "location_precision",
    "uncertainty_km",
    "opened",
    "closed",
    "valid_from",
    "valid_to",
    "latest_population",
    "latest_observed",
    "peak_population",
    "observations",
    "sources",
];

fn point_wkt(lon: f64, lat: f64) -> String {
    format!("POINT ({lon} {lat})")
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Writes the events as CSV (CRLF, RFC 4180), a WKT point first; the note is the last column.
///
/// # Errors
/// Any I/O error of `out`.
pub fn write_events_csv(index: &Index, out: &mut impl Write) -> io::Result<()> {
    let mut csv = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let mut header = EVENT_CSV_COLUMNS.to_vec();
    header.push("note");
    csv.write_record(header)?;
    for r in event_records(index) {
        csv.write_record([
            point_wkt(r.lon, r.lat).as_str(),
            r.id,
            r.kind,
            r.title,
            r.summary,
            &r.date_start,
            &r.date_end,
            r.date_precision,
            &r.valid_from.to_rfc3339(),
            &r.valid_to.to_rfc3339(),
            r.place,
            r.location_precision,
            &r.uncertainty_km.to_string(),
            &r.factions,
            r.responsible.unwrap_or_default(),
            r.grade,
            &text(r.largest),
            &r.figures,
            &r.districts,
            &r.sources,
            r.note,
        ])?;
    }
    csv.flush()
}

/// Writes the sites as CSV (CRLF, RFC 4180), a WKT point first; the note is the last column.
///
/// # Errors
/// Any I/O error of `out`.
pub fn write_sites_csv(index: &Index, out: &mut impl Write) -> io::Result<()> {
    let mut csv = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let mut header = SITE_CSV_COLUMNS.to_vec();
    header.push("note");
    csv.write_record(header)?;
    for r in site_records(index) {
        csv.write_record([
            point_wkt(r.lon, r.lat).as_str(),
            r.id,
            r.kind,
            r.name,
            r.operator,
            r.location_precision,
            &r.uncertainty_km.to_string(),
            &text(r.opened),
            &text(r.closed),
            &text(r.valid_from.map(Instant::to_rfc3339)),
            &text(r.valid_to.map(Instant::to_rfc3339)),
            &text(r.latest_population),
            &text(r.latest_observed),
            &text(r.peak_population),
            &r.observations,
            &r.sources,
            r.note,
        ])?;
    }
    csv.flush()
}

#[derive(Serialize)]
struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    properties: &'a P,
    geometry: serde_json::Value,
}

fn write_features<'a, P: Serialize + 'a>(
    out: &mut impl Write,
    records: impl Iterator<Item = (&'a str, f64, f64, P)>,
) -> io::Result<()> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, (id, lon, lat, properties)) in records.enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let feature = Feature {
            kind: "Feature",
            id,
            properties: &properties,
            geometry: serde_json::json!({ "type": "Point", "coordinates": [lon, lat] }),
        };
        serde_json::to_writer(&mut *out, &feature)?;
    }
    out.write_all(b"\n]}\n")
}

/// Writes the events as a GeoJSON FeatureCollection of points, one feature per line.
///
/// # Errors
/// Any I/O error of `out`.
pub fn write_events_geojson(index: &Index, out: &mut impl Write) -> io::Result<()> {
    write_features(out, event_records(index).map(|r| (r.id, r.lon, r.lat, r)))
}

/// Writes the sites as a GeoJSON FeatureCollection of points, one feature per line.
///
/// # Errors
/// Any I/O error of `out`.
pub fn write_sites_geojson(index: &Index, out: &mut impl Write) -> io::Result<()> {
    write_features(out, site_records(index).map(|r| (r.id, r.lon, r.lat, r)))
}

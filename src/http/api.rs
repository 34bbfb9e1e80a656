//! Handlers for the catalogue (factions, sources, districts, history) and for space-time queries
//! (snapshot, who, states, borders, front line).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::value::RawValue;

use super::AppState;
use super::params::{AtQuery, DistrictsQuery, GeometryChoice, HistoryQuery, NoQuery, WhoQuery};
use super::respond::{self, GEOJSON, JSON};
use super::views::{
    DistrictProps, Feature, FeatureCollection, HistoryEntry, SideView, SnapshotProps, StateView,
    district_feature, district_summary, lines_json, round3,
};
use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::domain::time::Instant;
use crate::error::{AppError, Result};

/// The instant a request without `at` asks about.
pub(super) fn now() -> Instant {
    Instant(chrono::Utc::now().timestamp_millis())
}

pub async fn factions(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    respond::json(&req, JSON, &state.view(&req).factions)
}

pub async fn sources(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    respond::json(&req, JSON, &state.view(&req).sources)
}

pub async fn districts(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<DistrictsQuery>,
) -> Result<HttpResponse> {
    if q.geometry == GeometryChoice::None {
        return super::prepared::serve(&req, &state, super::prepared::Read::DistrictList).await;
    }
    let index = state.view(&req);
    let features = index.districts.iter().map(district_feature).collect();
    Ok(respond::json(
        &req,
        GEOJSON,
        &FeatureCollection::new(None, features),
    ))
}

/// Every district without its outline: what the web map needs of each (name, group, area, box
/// and label anchor), as `/api/districts?geometry=none` gives it.
#[must_use]
pub fn district_list(index: &Index) -> Vec<u8> {
    let features = index.districts.iter().map(district_summary).collect();
    serde_json::to_vec(&FeatureCollection::new(None, features)).expect("districts serialise")
}

pub async fn history(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<HistoryQuery>,
) -> Result<HttpResponse> {
    let index = state.view(&req);
    let d = index
        .district_index(&id)
        .ok_or_else(|| unknown_district(&id))?;
    Ok(respond::bytes(
        &req,
        JSON,
        history_body(&index, d, q.superseded()),
    ))
}

/// The body of `GET /api/districts/{id}/history` for district `d`; its ETag is what `If-Match`
/// of an edit of the district must carry.
#[must_use]
pub fn history_body(index: &Index, d: u32, superseded: bool) -> Vec<u8> {
    #[derive(Serialize)]
    struct History<'a> {
        id: &'a str,
        #[serde(flatten)]
        district: DistrictProps<'a>,
        states: Vec<HistoryEntry<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        superseded: Option<Vec<HistoryEntry<'a>>>,
    }
    let entry = &index.districts[d as usize];
    let states = index
        .history(d)
        .iter()
        .map(|s| HistoryEntry::of(index, s))
        .collect();
    let body = History {
        id: &entry.district.id,
        district: DistrictProps::of(entry),
        states,
        superseded: superseded.then(|| {
            index
                .past_of(d)
                .iter()
                .map(|s| HistoryEntry::of(index, s))
                .collect()
        }),
    };
    serde_json::to_vec(&body).expect("views serialise")
}

pub fn unknown_district(id: &str) -> AppError {
    AppError::NotFound(format!(
        "no district has id '{id}': GET /api/districts lists the district ids"
    ))
}

pub async fn snapshot(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<AtQuery>,
) -> HttpResponse {
    let index = state.view(&req);
    let body = super::snapshot_json(&index, q.at.unwrap_or_else(now), q.bbox.as_ref());
    respond::bytes(&req, GEOJSON, body)
}

/// The map at `at`: every district (in `bbox`) with the state holding there.
pub fn snapshot_view<'a>(
    index: &'a Index,
    at: Instant,
    bbox: Option<&Bbox>,
) -> impl Serialize + 'a {
    let features: Vec<_> = index
        .districts_in(bbox)
        .into_iter()
        .map(|d| {
            let entry = &index.districts[d as usize];
            let s = index.state_at(d, at).map(|s| &index.states[s]);
            Feature {
                kind: "Feature",
                id: &entry.district.id,
                properties: SnapshotProps {
                    district: DistrictProps::of(entry),
                    state: StateView::of(index, s),
                },
                geometry: &entry.geometry_json,
            }
        })
        .collect();
    FeatureCollection::new(Some(at), features)
}

pub async fn who(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<WhoQuery>,
) -> Result<HttpResponse> {
    #[derive(Serialize)]
    struct Who<'a> {
        at: Instant,
        lon: f64,
        lat: f64,
        district: &'a str,
        #[serde(flatten)]
        props: DistrictProps<'a>,
        state: StateView<'a>,
    }
    let index = state.view(&req);
    let at = q.at.unwrap_or_else(now);
    let (d, s) = index.who(q.lon, q.lat, at).ok_or_else(|| {
        AppError::NotFound(format!(
            "no district contains lon {} lat {}: the data set covers {}",
            q.lon,
            q.lat,
            index.extent().map_or_else(
                || "nothing yet".to_owned(),
                |r| format!(
                    "lon {:.4}..{:.4}, lat {:.4}..{:.4}",
                    r.min().x,
                    r.max().x,
                    r.min().y,
                    r.max().y
                )
            )
        ))
    })?;
    let entry = &index.districts[d as usize];
    let body = Who {
        at,
        lon: q.lon,
        lat: q.lat,
        district: &entry.district.id,
        props: DistrictProps::of(entry),
        state: StateView::of(&index, s.map(|s| &index.states[s])),
    };
    Ok(respond::json(&req, JSON, &body))
}

/// Every state of every district, compactly: what a client needs to scrub the whole timeline
/// without another request.
pub async fn states(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    #[derive(Serialize)]
    struct Row<'a> {
        district: &'a str,
        #[serde(flatten)]
        state: StateView<'a>,
    }
    let index = state.view(&req);
    let rows: Vec<Row<'_>> = index
        .states
        .iter()
        .map(|s| Row {
            district: &index.districts[s.district as usize].district.id,
            state: StateView::of(&index, Some(s)),
        })
        .collect();
    respond::json(&req, JSON, &serde_json::json!({ "states": rows }))
}

#[derive(Serialize)]
struct BorderProps<'a> {
    district_a: &'a str,
    district_b: &'a str,
    length_km: f64,
    /// How much of the border runs along the centre of a gap between the two (a river), km.
    across_gap_km: f64,
}

#[derive(Serialize)]
struct LineFeature<P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    properties: P,
    geometry: Box<RawValue>,
}

/// Every shared boundary between adjacent districts, with no time: a client that has all states
/// draws the front at any instant from these.
pub async fn borders(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    let index = state.view(&req);
    let features: Vec<_> = index
        .borders()
        .iter()
        .map(|b| {
            let (a, z) = (
                &index.districts[b.a as usize].district.id,
                &index.districts[b.b as usize].district.id,
            );
            LineFeature {
                kind: "Feature",
                id: format!("{a}|{z}"),
                properties: BorderProps {
                    district_a: a,
                    district_b: z,
                    length_km: round3(b.length_km),
                    across_gap_km: round3(b.across_gap_km),
                },
                geometry: lines_json(&b.lines),
            }
        })
        .collect();
    respond::json(&req, GEOJSON, &FeatureCollection::new(None, features))
}

/// The front line at `at`: the borders between districts held by hostile sides, and (as the
/// foreign member `front_zone`) the districts contested then.
pub async fn frontline(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<AtQuery>,
) -> HttpResponse {
    #[derive(Serialize)]
    struct FrontProps<'a> {
        district_a: &'a str,
        district_b: &'a str,
        side_a: &'a str,
        side_b: &'a str,
        factions_a: Vec<&'a str>,
        factions_b: Vec<&'a str>,
        length_km: f64,
        across_gap_km: f64,
    }
    #[derive(Serialize)]
    struct Front<'a, F: Serialize> {
        #[serde(rename = "type")]
        kind: &'static str,
        at: Instant,
        length_km: f64,
        /// Contested districts: the front zone, drawn hatched rather than as a line.
        front_zone: Vec<&'a str>,
        features: Vec<F>,
    }
    let index = state.view(&req);
    let at = q.at.unwrap_or_else(now);
    let segments = index.frontline(at, q.bbox.as_ref());
    let length_km = round3(segments.iter().map(|f| f.border.length_km).sum());
    let features: Vec<_> = segments
        .into_iter()
        .map(|f| {
            let (a, z) = (
                &index.districts[f.border.a as usize].district.id,
                &index.districts[f.border.b as usize].district.id,
            );
            let (side_a, side_b) = (
                SideView::of(&index, Some(f.state_a)),
                SideView::of(&index, Some(f.state_b)),
            );
            LineFeature {
                kind: "Feature",
                id: format!("{a}|{z}"),
                properties: FrontProps {
                    district_a: a,
                    district_b: z,
                    side_a: side_a.label(),
                    side_b: side_b.label(),
                    factions_a: side_a.factions,
                    factions_b: side_b.factions,
                    length_km: round3(f.border.length_km),
                    across_gap_km: round3(f.border.across_gap_km),
                },
                geometry: lines_json(&f.border.lines),
            }
        })
        .collect();
    let front_zone = index
        .front_zone(at, q.bbox.as_ref())
        .into_iter()
        .map(|d| index.districts[d as usize].district.id.as_str())
        .collect();
    let body = Front {
        kind: "FeatureCollection",
        at,
        length_km,
        front_zone,
        features,
    };
    respond::json(&req, GEOJSON, &body)
}

pub async fn no_such_endpoint(req: HttpRequest) -> HttpResponse {
    actix_web::ResponseError::error_response(&AppError::NotFound(format!(
        "no endpoint {} {}: the API has /api/factions, /api/sources, /api/districts, /api/districts/{{id}}/history, \
         /api/snapshot, /api/who, /api/states, /api/borders, /api/frontline, /api/timeline, /api/changes, \
         /api/stats/area, /api/events, /api/events.bin, /api/events/weeks, /api/events/{{id}}, /api/sites, /api/regions, /api/context/{{id}}, /api/meta, /api/export/{{format}}, \
         /api/maps/report.{{svg,png,pdf}}, /api/edits and /api/me; writes: POST /api/districts/{{id}}/states, \
         DELETE /api/states/{{id}}, POST /api/sources, /api/factions and /api/districts",
        req.method(),
        req.path()
    )))
}

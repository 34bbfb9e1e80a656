//! What the data set says of itself: the server's metadata, the regions figures are given for,
//! and the context layers.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::params::{NoQuery, RegionsQuery};
use super::respond::{self, GEOJSON, JSON};
use super::views::round3;
use crate::domain::events::EventQuery;
use crate::domain::index::Index;
use crate::domain::regions::{Region, Selector};
use crate::error::{AppError, Result};

/// What this server holds: counts, time range, revision, and the optional basemap.
pub async fn meta(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    let index = state.view(&req);
    let range = index.timeline().range();
    let extent = index
        .extent()
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
    let m = &index.meta;
    let layers: Vec<_> = index
        .layers
        .iter()
        .map(|l| {
            serde_json::json!({
                "id": l.layer.id, "kind": l.layer.kind, "name": l.layer.name,
                "attribution": l.layer.attribution, "features": l.layer.features.len(),
                "url": format!("/api/context/{}", l.layer.id),
            })
        })
        .collect();
    let regions: Vec<_> = m
        .regions
        .iter()
        .map(|r| serde_json::json!({ "id": r.id, "name": r.name }))
        .collect();
    let body = serde_json::json!({
        "revision": index.revision,
        "title": m.title,
        "description": m.description,
        "place": m.place,
        "period": m.period,
        "default_date": m.default_date,
        "default_view": m.default_view,
        "main_region": m.main_region,
        "regions": regions,
        "groups": index.groups(),
        "front_gap_km": m.front_gap_km,
        "licence": m.licence,
        "credits": m.credits,
        "layers": layers,
        "districts": index.districts.len(),
        "states": index.states.len(),
        "events": index.events.events(&EventQuery { known_at: index.knowledge, ..EventQuery::default() }).count(),
        "sites": index.events.sites(index.knowledge).count(),
        "start": range.map(|r| r.0),
        "end": range.map(|r| r.1),
        "bbox": extent,
        "opening_view": index.opening_view().map(|(r, _)| [r.min().x, r.min().y, r.max().x, r.max().y]),
        "tiles": state.tiles,
    });
    respond::json(&req, JSON, &body)
}

/// The regions figures can be asked for (the data set's named regions, then its district
/// groups, then the whole data set), each with its districts and the km² of each inside it, so a
/// client sums areas and shares itself. With `region`, `group` or `bbox`: that region alone.
pub async fn regions(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<RegionsQuery>,
) -> Result<HttpResponse> {
    let Some(selector) = q.selector()? else {
        return super::prepared::serve(&req, &state, super::prepared::Read::Regions).await;
    };
    let index = state.view(&req);
    let parameter = if matches!(selector, Selector::Group(_)) {
        "group"
    } else {
        "region"
    };
    let region = index
        .region(&selector)
        .map_err(|detail| AppError::invalid(parameter, detail))?;
    Ok(respond::bytes(
        &req,
        JSON,
        regions_body(&index, &[(serde_json::json!({}), region)]),
    ))
}

/// Every region of `index` (the data set's, each group's and the whole map's), as `/api/regions`
/// lists them.
#[must_use]
pub fn region_list(index: &Index) -> Vec<u8> {
    let mut resolved = Vec::new();
    for r in &index.meta.regions {
        if let Ok(region) = index.region(&Selector::Named(r.id.clone())) {
            resolved.push((serde_json::json!({ "region": r.id }), region));
        }
    }
    for g in index.groups() {
        if let Ok(region) = index.region(&Selector::Group(g.to_owned())) {
            resolved.push((serde_json::json!({ "group": g }), region));
        }
    }
    if let Ok(region) = index.region(&Selector::All) {
        resolved.push((serde_json::json!({ "region": "all" }), region));
    }
    regions_body(index, &resolved)
}

/// The body of `/api/regions` for `resolved` regions, each with the selector that names it.
fn regions_body(index: &Index, resolved: &[(serde_json::Value, Region)]) -> Vec<u8> {
    #[derive(Serialize)]
    struct RegionEntry<'a> {
        #[serde(flatten)]
        region: super::changes::RegionView<'a>,
        selector: serde_json::Value,
        main: bool,
        members: Vec<(&'a str, f64)>,
    }
    let main = index.region(&Selector::Default).ok().map(|r| r.id);
    let entries: Vec<RegionEntry<'_>> = resolved
        .iter()
        .map(|(selector, r)| RegionEntry {
            region: super::changes::RegionView::of(r),
            selector: selector.clone(),
            main: main.as_deref() == Some(r.id.as_str()),
            members: r
                .members
                .iter()
                .map(|&(d, km2)| {
                    (
                        index.districts[d as usize].district.id.as_str(),
                        round3(km2),
                    )
                })
                .collect(),
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({ "regions": entries })).expect("regions serialise")
}

/// A context layer as GeoJSON, with its name and attribution as foreign members.
pub async fn context(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    let index = state.view(&req);
    let layer = index
        .layers
        .iter()
        .find(|l| l.layer.id == *id)
        .ok_or_else(|| {
            let ids: Vec<&str> = index.layers.iter().map(|l| l.layer.id.as_str()).collect();
            AppError::NotFound(format!(
                "no context layer has id '{id}': this data set has {}",
                if ids.is_empty() {
                    "none".to_owned()
                } else {
                    ids.join(", ")
                }
            ))
        })?;
    Ok(respond::bytes(
        &req,
        GEOJSON,
        layer.geojson.get().as_bytes().to_vec(),
    ))
}

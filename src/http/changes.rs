//! Handlers for change over time: the timeline's ticks, hand-overs between two instants, and area
//! held per side at each hand-over.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::params::{NoQuery, RangeQuery};
use super::respond::{self, JSON};
use super::views::{SideView, round3};
use crate::domain::changes::AreaRow;
use crate::domain::index::Index;
use crate::domain::regions::{Region, Selector};
use crate::domain::time::Instant;
use crate::error::{AppError, Result};

pub async fn timeline(
    req: HttpRequest,
    state: web::Data<AppState>,
    _q: web::Query<NoQuery>,
) -> HttpResponse {
    #[derive(Serialize)]
    struct Tick {
        at: Instant,
        changes: u32,
        handovers: u32,
    }
    let index = state.view(&req);
    let range = index.timeline().range();
    let ticks: Vec<Tick> = index
        .timeline()
        .ticks
        .iter()
        .map(|t| Tick {
            at: t.at,
            changes: t.changes,
            handovers: t.handovers,
        })
        .collect();
    let body = serde_json::json!({ "start": range.map(|r| r.0), "end": range.map(|r| r.1), "instants": ticks });
    respond::json(&req, JSON, &body)
}

/// The range asked for, defaulting to the data set's whole range; `from` after `to` is an error.
fn range(index: &Index, q: &RangeQuery) -> Result<(Instant, Instant)> {
    let (first, last) = index.timeline().range().unwrap_or((Instant(0), Instant(0)));
    // `from` is exclusive: start just before the first change so it is included by default.
    let from = q.from.unwrap_or(Instant(first.0 - 1));
    let to = q.to.unwrap_or(last);
    if from > to {
        return Err(AppError::invalid(
            "from",
            format!(
                "`from` ({}) is after `to` ({}): the range must run forwards in time",
                from.to_rfc3339(),
                to.to_rfc3339()
            ),
        ));
    }
    Ok((from, to))
}

/// The region a query asks figures for.
fn region_of(index: &Index, q: &RangeQuery) -> Result<Region> {
    let selector = q.selector()?;
    let parameter = match selector {
        Selector::Group(_) => "group",
        _ => "region",
    };
    index
        .region(&selector)
        .map_err(|detail| AppError::invalid(parameter, detail))
}

/// The region as responses describe it.
#[derive(Serialize)]
pub struct RegionView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub area_km2: f64,
    pub districts: usize,
    /// Whether areas are rough: some of the region is drawn with approximate polygons.
    pub approximate: bool,
    /// The share (%) of the region's area drawn with approximate polygons.
    pub approximate_percent: f64,
}

impl<'a> RegionView<'a> {
    pub fn of(r: &'a Region) -> Self {
        Self {
            id: &r.id,
            name: &r.name,
            area_km2: round3(r.area_km2),
            districts: r.members.len(),
            approximate: r.is_approximate(),
            approximate_percent: round1(r.approximate_share * 100.0),
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

pub async fn changes(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse> {
    #[derive(Serialize)]
    struct Handover<'a> {
        district: &'a str,
        name: &'a str,
        at: Instant,
        /// Of the district inside the region.
        area_km2: f64,
        from: SideView<'a>,
        to: SideView<'a>,
    }
    #[derive(Serialize)]
    struct Balance<'a> {
        side: &'a str,
        gained_km2: f64,
        lost_km2: f64,
        net_km2: f64,
        /// Net change as a share of the region's area, percentage points.
        net_percent: f64,
    }
    let index = state.view(&req);
    let (from, to) = range(&index, &q)?;
    let region = region_of(&index, &q)?;
    let inside: std::collections::HashMap<u32, f64> = region.members.iter().copied().collect();
    let handovers: Vec<Handover<'_>> = index
        .timeline()
        .handovers(from, to)
        .filter_map(|e| {
            let km2 = *inside.get(&e.district)?;
            let d = &index.districts[e.district as usize];
            Some(Handover {
                district: &d.district.id,
                name: &d.district.name,
                at: e.at,
                area_km2: round3(km2),
                from: SideView::of(&index, e.from),
                to: SideView::of(&index, e.to),
            })
        })
        .collect();
    let names = index
        .factions
        .iter()
        .map(|f| f.id.as_str())
        .chain(std::iter::once("contested"));
    let balance: Vec<Balance<'_>> = names
        .zip(index.gains_and_losses_in(&region, from, to))
        .map(|(side, g)| Balance {
            side,
            gained_km2: round3(g.gained_km2),
            lost_km2: round3(g.lost_km2),
            net_km2: round3(g.gained_km2 - g.lost_km2),
            net_percent: round1(region.percent(g.gained_km2 - g.lost_km2)),
        })
        .collect();
    let body = serde_json::json!({
        "from": from, "to": to, "region": RegionView::of(&region),
        "changes": handovers, "area": balance,
    });
    Ok(respond::json(&req, JSON, &body))
}

/// Area held per faction, contested and unknown within the region, in km² and as a share (%) of
/// the region, at `from` and at every hand-over in `(from, to]` that touches the region.
pub async fn area(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse> {
    let index = state.view(&req);
    let (from, to) = range(&index, &q)?;
    let region = region_of(&index, &q)?;
    let row = |r: &AreaRow| {
        let mut map = serde_json::Map::new();
        let mut percent = serde_json::Map::new();
        map.insert("at".into(), serde_json::json!(r.at));
        let mut known = r.contested;
        for (f, km2) in index.factions.iter().zip(&r.held) {
            map.insert(f.id.clone(), serde_json::json!(round3(*km2)));
            percent.insert(
                f.id.clone(),
                serde_json::json!(round1(region.percent(*km2))),
            );
            known += km2;
        }
        let unknown = (region.area_km2 - known).max(0.0);
        for (key, km2) in [("contested", r.contested), ("unknown", unknown)] {
            map.insert(key.into(), serde_json::json!(round3(km2)));
            percent.insert(key.into(), serde_json::json!(round1(region.percent(km2))));
        }
        map.insert("percent".into(), serde_json::Value::Object(percent));
        serde_json::Value::Object(map)
    };
    let rows: Vec<serde_json::Value> = index
        .area_rows(&region, from, to, q.from.is_some())
        .iter()
        .map(row)
        .collect();
    let factions: Vec<&str> = index.factions.iter().map(|f| f.id.as_str()).collect();
    let body = serde_json::json!({ "region": RegionView::of(&region), "factions": factions, "rows": rows });
    Ok(respond::json(&req, JSON, &body))
}

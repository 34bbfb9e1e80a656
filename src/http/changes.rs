//! Handlers for change over time: the timeline's ticks, hand-overs between two instants, and area
//! held per side at each hand-over.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use super::AppState;
use super::params::{NoQuery, RangeQuery};
use super::respond::{self, JSON};
use super::views::{SideView, round3};
use crate::domain::index::Index;
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
    let index = state.current();
    let range = index.timeline.range();
    let ticks: Vec<Tick> = index
        .timeline
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
    let (first, last) = index.timeline.range().unwrap_or((Instant(0), Instant(0)));
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
    }
    let index = state.current();
    let (from, to) = range(&index, &q)?;
    let handovers: Vec<Handover<'_>> = index
        .timeline
        .handovers(from, to)
        .map(|e| {
            let d = &index.districts[e.district as usize];
            Handover {
                district: &d.district.id,
                name: &d.district.name,
                at: e.at,
                area_km2: round3(d.area_km2),
                from: SideView::of(&index, e.from),
                to: SideView::of(&index, e.to),
            }
        })
        .collect();
    let names = index
        .factions
        .iter()
        .map(|f| f.id.as_str())
        .chain(std::iter::once("contested"));
    let balance: Vec<Balance<'_>> = names
        .zip(index.gains_and_losses(from, to))
        .map(|(side, g)| Balance {
            side,
            gained_km2: round3(g.gained_km2),
            lost_km2: round3(g.lost_km2),
            net_km2: round3(g.gained_km2 - g.lost_km2),
        })
        .collect();
    let body = serde_json::json!({ "from": from, "to": to, "changes": handovers, "area": balance });
    Ok(respond::json(&req, JSON, &body))
}

pub async fn area(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<RangeQuery>,
) -> Result<HttpResponse> {
    let index = state.current();
    let (from, to) = range(&index, &q)?;
    let row = |at: Instant, held: &[f64], contested: f64| {
        let mut map = serde_json::Map::new();
        map.insert("at".into(), serde_json::json!(at));
        for (f, km2) in index.factions.iter().zip(held) {
            map.insert(f.id.clone(), serde_json::json!(round3(*km2)));
        }
        map.insert("contested".into(), serde_json::json!(round3(contested)));
        serde_json::Value::Object(map)
    };
    let mut rows = Vec::new();
    // The area already held when the range opens, unless a hand-over falls exactly there.
    if q.from.is_some() {
        let zero = vec![0.0; index.factions.len()];
        let opening = index.timeline.area_at(from);
        if opening.is_none_or(|r| r.at != from) {
            rows.push(opening.map_or_else(
                || row(from, &zero, 0.0),
                |r| row(from, &r.held, r.contested),
            ));
        }
    }
    let start = index.timeline.area.partition_point(|r| r.at < from);
    let end = index.timeline.area.partition_point(|r| r.at <= to);
    rows.extend(
        index.timeline.area[start..end.max(start)]
            .iter()
            .map(|r| row(r.at, &r.held, r.contested)),
    );
    let factions: Vec<&str> = index.factions.iter().map(|f| f.id.as_str()).collect();
    let body = serde_json::json!({ "factions": factions, "rows": rows });
    Ok(respond::json(&req, JSON, &body))
}

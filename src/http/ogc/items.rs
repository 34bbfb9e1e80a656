//! `/collections/{id}/items` and `/items/{featureId}`: filtering by bbox, datetime, queryables
//! and CQL2, sorting, property selection, exact counts, and paging links that keep the filters.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use geo::Intersects;
use serde::Serialize;

use super::features::{AnyFeature, Shape, feature_at};
use super::html;
use super::query::ItemsQuery;
use super::values::{self, Value};
use super::{Collection, Crs, Link, Pairs, base_url, check_format, parse_crs};
use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::error::{AppError, Result};
use crate::http::AppState;
use crate::http::respond::{GEOJSON, JSON};

/// Calls `visit` with each matching feature's position in the collection, in collection order:
/// districts and states in data set order, front pieces by border then time.
fn matching(index: &Index, c: Collection, q: &ItemsQuery, mut visit: impl FnMut(usize)) {
    let in_box: Option<Vec<bool>> = q.bbox.as_ref().map(|b| match c {
        Collection::Events => {
            let Bbox(r) = b;
            index
                .events
                .all_events()
                .iter()
                .map(|e| r.intersects(&geo::Point::new(e.event().lon, e.event().lat)))
                .collect()
        }
        Collection::Sites => {
            let Bbox(r) = b;
            index
                .events
                .all_sites()
                .iter()
                .map(|s| r.intersects(&geo::Point::new(s.known.record.lon, s.known.record.lat)))
                .collect()
        }
        Collection::Frontline => {
            let Bbox(r) = b;
            index
                .borders()
                .iter()
                .map(|b| b.lines.intersects(r))
                .collect()
        }
        _ => {
            let mut mask = vec![false; index.districts.len()];
            for d in index.districts_in(Some(b)) {
                mask[d as usize] = true;
            }
            mask
        }
    });
    let place_ok = |i: usize| in_box.as_ref().is_none_or(|m| m[i]);
    let when_ok = |i: &crate::domain::time::Interval| q.periods.iter().all(|p| p.meets(i));
    let values_ok = |p: usize| {
        q.equal.iter().all(|(prop, want)| {
            values::value(index, c, p, *prop).compare(want) == Some(std::cmp::Ordering::Equal)
        }) && q.filter.as_ref().is_none_or(|f| f.matches(index, p))
    };
    match c {
        Collection::Districts => {
            for d in 0..index.districts.len() {
                if place_ok(d) && values_ok(d) {
                    visit(d);
                }
            }
        }
        Collection::Control => {
            for (s, state) in index.states.iter().enumerate() {
                if place_ok(state.district as usize) && when_ok(&state.interval) && values_ok(s) {
                    visit(s);
                }
            }
        }
        Collection::Frontline => {
            for (i, piece) in index.fronts().iter().enumerate() {
                if place_ok(piece.border as usize) && when_ok(&piece.interval) && values_ok(i) {
                    visit(i);
                }
            }
        }
        Collection::Events => {
            for i in values::event_positions(index) {
                let e = &index.events.all_events()[i];
                if place_ok(i) && when_ok(&e.interval) && values_ok(i) {
                    visit(i);
                }
            }
        }
        Collection::Sites => {
            for i in values::site_positions(index) {
                let site = &index.events.all_sites()[i].known.record;
                if place_ok(i) && when_ok(&site.interval()) && values_ok(i) {
                    visit(i);
                }
            }
        }
    }
}

/// The positions on the requested page, and how many matched in all.
fn page_of(index: &Index, c: Collection, q: &ItemsQuery) -> (Vec<usize>, usize) {
    let window = q.offset..q.offset.saturating_add(q.limit);
    if q.sortby.is_empty() {
        let mut matched = 0;
        let mut positions = Vec::with_capacity(q.limit.min(1024));
        matching(index, c, q, |p| {
            if window.contains(&matched) {
                positions.push(p);
            }
            matched += 1;
        });
        return (positions, matched);
    }
    let mut keyed: Vec<(Vec<Value<'_>>, usize)> = Vec::new();
    matching(index, c, q, |p| {
        let keys = q
            .sortby
            .iter()
            .map(|&(prop, _)| values::value(index, c, p, prop))
            .collect();
        keyed.push((keys, p));
    });
    // Stable: ties keep collection order. Nulls sort last either way.
    keyed.sort_by(|(a, _), (b, _)| {
        for (i, &(_, descending)) in q.sortby.iter().enumerate() {
            let ord = match (&a[i], &b[i]) {
                (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
                (Value::Null, _) => std::cmp::Ordering::Greater,
                (_, Value::Null) => std::cmp::Ordering::Less,
                (x, y) => {
                    let o = x.compare(y).unwrap_or(std::cmp::Ordering::Equal);
                    if descending { o.reverse() } else { o }
                }
            };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        std::cmp::Ordering::Equal
    });
    let matched = keyed.len();
    let positions = keyed
        .into_iter()
        .skip(q.offset)
        .take(q.limit)
        .map(|(_, p)| p)
        .collect();
    (positions, matched)
}

/// Features as stored, or reshaped as the request asks.
#[derive(Serialize)]
#[serde(untagged)]
#[expect(
    clippy::large_enum_variant,
    reason = "built and serialised one at a time; boxing the common case would cost an allocation each"
)]
enum Out<'a> {
    Plain(AnyFeature<'a>),
    Shaped(serde_json::Value),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<Out<'a>>,
    number_matched: usize,
    number_returned: usize,
    links: Vec<Link>,
}

pub async fn items(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    pairs: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let c = Collection::parse(&path)?;
    let index = state.view(&req);
    let q = ItemsQuery::parse(c, &index, &pairs)?;
    let (positions, matched) = page_of(&index, c, &q);

    let base = format!("{}/collections/{}", base_url(&req), c.id());
    let page_url = |offset: usize| {
        let mut kept: Pairs = pairs
            .iter()
            .filter(|(n, _)| n != "offset" && n != "limit")
            .cloned()
            .collect();
        kept.push(("limit".into(), q.limit.to_string()));
        if let Some(t) = crate::http::knowledge::known_at(&req) {
            kept.push((crate::http::knowledge::PARAMETER.into(), t.to_rfc3339()));
        }
        if offset > 0 {
            kept.push(("offset".into(), offset.to_string()));
        }
        let query = serde_urlencoded::to_string(&kept).expect("pairs encode");
        format!("{base}/items?{query}")
    };
    let mut links = vec![
        Link::new(page_url(q.offset), "self", GEOJSON).titled("This page"),
        html::alternate(&page_url(q.offset)),
        Link::new(base.clone(), "collection", JSON).titled(c.title()),
    ];
    if q.offset.saturating_add(q.limit) < matched {
        links.push(Link::new(page_url(q.offset + q.limit), "next", GEOJSON).titled("Next page"));
    }
    if q.offset > 0 {
        links.push(
            Link::new(page_url(q.offset.saturating_sub(q.limit)), "prev", GEOJSON)
                .titled("Previous page"),
        );
    }
    let shape = Shape {
        properties: q.properties.as_deref(),
        skip_geometry: q.skip_geometry,
        crs: q.crs,
    };
    let features = positions
        .iter()
        .map(|&p| {
            let f = feature_at(&index, c, p);
            if shape.is_plain() {
                Out::Plain(f)
            } else {
                Out::Shaped(shape.apply(c, &f))
            }
        })
        .collect();
    let page = Page {
        kind: "FeatureCollection",
        number_returned: positions.len(),
        features,
        number_matched: matched,
        links,
    };
    Ok(with_crs(
        html::respond(&req, &pairs, GEOJSON, &page, |v| {
            html::items(v, &base_url(&req), c.id(), &palette(&index))
        }),
        q.crs,
    ))
}

pub async fn item(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    pairs: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let (collection, id) = path.into_inner();
    let c = Collection::parse(&collection)?;
    let mut crs = Crs::Crs84;
    for (name, value) in pairs.iter() {
        match name.as_str() {
            "f" => check_format(value)?,
            "crs" => crs = parse_crs(name, value)?,
            other => {
                return Err(AppError::invalid(
                    other,
                    format!("unknown parameter `{other}`: a single feature accepts f and crs"),
                ));
            }
        }
    }
    let index = state.view(&req);
    let position = match c {
        Collection::Districts => index.district_index(&id).map(|d| d as usize),
        Collection::Control => index.state_by_id(&id),
        Collection::Frontline => crate::domain::fronts::find(&index, &id),
        Collection::Events => {
            values::event_positions(&index).find(|&i| index.events.all_events()[i].event().id == id)
        }
        Collection::Sites => values::site_positions(&index)
            .find(|&i| index.events.all_sites()[i].known.record.id == id),
    }
    .ok_or_else(|| {
        AppError::NotFound(format!(
            "no feature '{id}' in {}: feature ids are listed at /ogc/collections/{}/items",
            c.id(),
            c.id()
        ))
    })?;
    let base = format!("{}/collections/{}", base_url(&req), c.id());
    let links = vec![
        Link::new(format!("{base}/items/{id}"), "self", GEOJSON).titled("This feature"),
        html::alternate(&format!("{base}/items/{id}")),
        Link::new(base.clone(), "collection", JSON).titled(c.title()),
    ];
    let feature = feature_at(&index, c, position).with_links(links);
    let shape = Shape {
        properties: None,
        skip_geometry: false,
        crs,
    };
    let body = if shape.is_plain() {
        Out::Plain(feature)
    } else {
        Out::Shaped(shape.apply(c, &feature))
    };
    Ok(with_crs(
        html::respond(&req, &pairs, GEOJSON, &body, |v| {
            html::item(v, &base_url(&req), c.id(), &palette(&index))
        }),
        crs,
    ))
}

/// The data set's faction colours, for HTML maps.
fn palette(index: &Index) -> html::Palette {
    html::Palette::new(
        index
            .factions
            .iter()
            .map(|f| (f.id.clone(), f.color.clone())),
    )
}

/// Part 2: every feature response says its CRS.
fn with_crs(mut response: HttpResponse, crs: Crs) -> HttpResponse {
    response.headers_mut().insert(
        HeaderName::from_static("content-crs"),
        HeaderValue::from_str(&format!("<{}>", crs.uri())).expect("a valid header"),
    );
    response
}

//! `/collections/{id}/items` and `/items/{featureId}`: filtering by bbox, datetime and queryables,
//! exact counts, and paging links that keep the filters.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use geo::Intersects;
use serde::Serialize;

use super::features::{AnyFeature, Feature, feature_at};
use super::{CRS84, Collection, Link, Pairs, base_url, check_crs, check_format};
use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::domain::time::Period;
use crate::error::{AppError, Result};
use crate::export::side_label;
use crate::http::AppState;
use crate::http::respond::{self, GEOJSON, JSON};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

/// An items request, validated.
#[derive(Debug)]
struct ItemsQuery {
    bbox: Option<Bbox>,
    /// Every `datetime` given: a feature must meet each (GDAL sends one per bound of a filter).
    periods: Vec<Period>,
    limit: usize,
    offset: usize,
    /// Queryable name and the value it must equal.
    filters: Vec<(&'static str, String)>,
}

impl ItemsQuery {
    fn parse(c: Collection, index: &Index, pairs: &Pairs) -> Result<Self> {
        let mut q = Self {
            bbox: None,
            periods: vec![],
            limit: DEFAULT_LIMIT,
            offset: 0,
            filters: vec![],
        };
        for (i, (name, value)) in pairs.iter().enumerate() {
            if name != "datetime" && pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(AppError::invalid(
                    name,
                    format!("parameter `{name}` is given more than once"),
                ));
            }
            match name.as_str() {
                "bbox" => q.bbox = Some(parse_bbox(value)?),
                "datetime" => {
                    q.periods.push(value.parse().map_err(
                        |e: crate::domain::time::ParsePeriodError| {
                            AppError::invalid("datetime", e.to_string())
                        },
                    )?);
                }
                "limit" => {
                    q.limit = parse_count("limit", value)?.clamp(1, MAX_LIMIT as i64) as usize
                }
                "offset" => q.offset = parse_count("offset", value)?.max(0) as usize,
                "f" => check_format(value)?,
                "crs" | "bbox-crs" => check_crs(name, value)?,
                other => {
                    let Some(&queryable) = c.queryables().iter().find(|&&q| q == other) else {
                        return Err(unknown_parameter(c, other));
                    };
                    check_filter_value(index, queryable, value)?;
                    q.filters.push((queryable, value.clone()));
                }
            }
        }
        Ok(q)
    }
}

fn unknown_parameter(c: Collection, name: &str) -> AppError {
    AppError::invalid(
        name,
        format!(
            "unknown parameter `{name}`: {}/items accepts bbox, bbox-crs, datetime, limit, offset, crs, f \
             and the queryables {}",
            c.id(),
            c.queryables().join(", ")
        ),
    )
}

fn parse_bbox(value: &str) -> Result<Bbox> {
    // A 3-D box (six numbers) keeps its horizontal corners: districts are flat.
    let parts: Vec<&str> = value.split(',').collect();
    let flat = if parts.len() == 6 {
        [parts[0], parts[1], parts[3], parts[4]].join(",")
    } else {
        value.to_owned()
    };
    flat.parse::<Bbox>()
        .map_err(|e| AppError::invalid("bbox", e.to_string()))
}

fn parse_count(name: &str, value: &str) -> Result<i64> {
    value.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            name,
            format!(
                "'{value}' is not a valid {name}: expected a whole number (limit is clamped to 1..{MAX_LIMIT})"
            ),
        )
    })
}

/// Filters on keywords and ids must name something that exists: a typo is an error, not an empty
/// answer.
fn check_filter_value(index: &Index, queryable: &str, value: &str) -> Result<()> {
    let factions = || index.factions.iter().map(|f| f.id.as_str());
    let valid: Vec<&str> = match queryable {
        "status" => vec!["held", "contested"],
        "confidence" => crate::domain::model::Confidence::ALL
            .iter()
            .map(|c| c.as_str())
            .collect(),
        "faction" => factions().collect(),
        "side_a" | "side_b" => factions().chain(["contested"]).collect(),
        "district" | "district_a" | "district_b" => {
            return if index.district_index(value).is_some() {
                Ok(())
            } else {
                Err(AppError::invalid(
                    queryable,
                    format!(
                        "no district '{value}': district ids are listed at /ogc/collections/districts/items"
                    ),
                ))
            };
        }
        _ => return Ok(()),
    };
    if valid.contains(&value) {
        Ok(())
    } else {
        Err(AppError::invalid(
            queryable,
            format!(
                "'{value}' is not a valid {queryable}: expected one of {}",
                valid.join(", ")
            ),
        ))
    }
}

/// Calls `page` with each matching feature's position in the collection, counting them all.
/// Districts and states come in data set order, front pieces by border then time.
fn matching(index: &Index, c: Collection, q: &ItemsQuery, mut visit: impl FnMut(usize)) {
    let in_box: Option<Vec<bool>> = q.bbox.as_ref().map(|b| {
        let mut mask = vec![false; index.districts.len()];
        for d in index.districts_in(Some(b)) {
            mask[d as usize] = true;
        }
        mask
    });
    let district_ok = |d: u32| in_box.as_ref().is_none_or(|m| m[d as usize]);
    let when_ok = |i: &crate::domain::time::Interval| q.periods.iter().all(|p| p.meets(i));
    let filter = |name: &str| {
        q.filters
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    };
    match c {
        Collection::Districts => {
            let (name, group) = (filter("name"), filter("group"));
            for (d, entry) in index.districts.iter().enumerate() {
                let ok = district_ok(d as u32)
                    && name.is_none_or(|n| entry.district.name == n)
                    && group.is_none_or(|g| entry.district.group.as_deref() == Some(g));
                if ok {
                    visit(d);
                }
            }
        }
        Collection::Control => {
            let district = filter("district").and_then(|id| index.district_index(id));
            let status = filter("status");
            let faction = filter("faction").and_then(|id| index.faction_index(id));
            let confidence = filter("confidence");
            for (s, state) in index.states.iter().enumerate() {
                let ok = district.is_none_or(|d| state.district == d)
                    && district_ok(state.district)
                    && when_ok(&state.interval)
                    && status.is_none_or(|v| state.status.as_str() == v)
                    && faction.is_none_or(|f| {
                        state.status == crate::domain::model::Status::Held && state.factions[0] == f
                    })
                    && confidence.is_none_or(|v| state.confidence.as_str() == v);
                if ok {
                    visit(s);
                }
            }
        }
        Collection::Frontline => {
            let borders = index.borders();
            let border_in_box: Option<Vec<bool>> = q
                .bbox
                .as_ref()
                .map(|Bbox(r)| borders.iter().map(|b| b.lines.intersects(r)).collect());
            let (da, db) = (filter("district_a"), filter("district_b"));
            let (sa, sb) = (filter("side_a"), filter("side_b"));
            for (i, piece) in index.fronts().iter().enumerate() {
                let border = &borders[piece.border as usize];
                let ok = border_in_box
                    .as_ref()
                    .is_none_or(|m| m[piece.border as usize])
                    && when_ok(&piece.interval)
                    && da.is_none_or(|id| index.districts[border.a as usize].district.id == id)
                    && db.is_none_or(|id| index.districts[border.b as usize].district.id == id)
                    && sa.is_none_or(|v| side_label(index, &piece.side_a) == v)
                    && sb.is_none_or(|v| side_label(index, &piece.side_b) == v);
                if ok {
                    visit(i);
                }
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    features: Vec<AnyFeature<'a>>,
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
    let index = state.current();
    let q = ItemsQuery::parse(c, &index, &pairs)?;
    let mut matched = 0;
    let mut positions = Vec::with_capacity(q.limit.min(1024));
    matching(&index, c, &q, |p| {
        if matched >= q.offset && matched < q.offset + q.limit {
            positions.push(p);
        }
        matched += 1;
    });

    let base = format!("{}/collections/{}", base_url(&req), c.id());
    let page_url = |offset: usize| {
        let mut kept: Pairs = pairs
            .iter()
            .filter(|(n, _)| n != "offset" && n != "limit")
            .cloned()
            .collect();
        kept.push(("limit".into(), q.limit.to_string()));
        if offset > 0 {
            kept.push(("offset".into(), offset.to_string()));
        }
        let query = serde_urlencoded::to_string(&kept).expect("pairs encode");
        format!("{base}/items?{query}")
    };
    let mut links = vec![
        Link::new(page_url(q.offset), "self", GEOJSON).titled("This page"),
        Link::new(base.clone(), "collection", JSON).titled(c.title()),
    ];
    if q.offset + q.limit < matched {
        links.push(Link::new(page_url(q.offset + q.limit), "next", GEOJSON).titled("Next page"));
    }
    if q.offset > 0 {
        links.push(
            Link::new(page_url(q.offset.saturating_sub(q.limit)), "prev", GEOJSON)
                .titled("Previous page"),
        );
    }
    let page = Page {
        kind: "FeatureCollection",
        number_returned: positions.len(),
        features: positions
            .iter()
            .map(|&p| feature_at(&index, c, p))
            .collect(),
        number_matched: matched,
        links,
    };
    Ok(with_crs(respond::json(&req, GEOJSON, &page)))
}

pub async fn item(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    pairs: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let (collection, id) = path.into_inner();
    let c = Collection::parse(&collection)?;
    for (name, value) in pairs.iter() {
        match name.as_str() {
            "f" => check_format(value)?,
            "crs" => check_crs(name, value)?,
            other => {
                return Err(AppError::invalid(
                    other,
                    format!("unknown parameter `{other}`: a single feature accepts f and crs"),
                ));
            }
        }
    }
    let index = state.current();
    let position = match c {
        Collection::Districts => index.district_index(&id).map(|d| d as usize),
        Collection::Control => index.state_by_id(&id),
        Collection::Frontline => crate::domain::fronts::find(&index, &id),
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
        Link::new(base.clone(), "collection", JSON).titled(c.title()),
    ];
    let body = match feature_at(&index, c, position) {
        AnyFeature::District(f) => AnyFeature::District(Feature { links, ..f }),
        AnyFeature::Control(f) => AnyFeature::Control(Feature { links, ..f }),
        AnyFeature::Front(f) => AnyFeature::Front(Feature { links, ..f }),
    };
    Ok(with_crs(respond::json(&req, GEOJSON, &body)))
}

/// Part 2: every feature response says its CRS.
fn with_crs(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        HeaderName::from_static("content-crs"),
        HeaderValue::from_str(&format!("<{CRS84}>")).expect("a valid header"),
    );
    response
}

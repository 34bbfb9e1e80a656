//! The landing page, conformance declaration, collection metadata, queryables, sortables and
//! schemas.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde_json::{Value, json};

use super::html;
use super::{CRS84, Collection, EPSG4326, Link, OPENAPI_JSON, Pairs, SCHEMA_JSON, base_url, only};
use crate::domain::index::Index;
use crate::error::Result;
use crate::export::Format;
use crate::http::AppState;
use crate::http::respond::{GEOJSON, JSON};

pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
    "http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
    "http://www.opengis.net/spec/ogcapi-features-6/1.0/conf/property-selection",
];

pub async fn landing(req: HttpRequest, q: web::Query<Pairs>) -> Result<HttpResponse> {
    only(&q, &[])?;
    let base = base_url(&req);
    let body = json!({
        "title": "Frontline",
        "description": "Who held what, when: districts and their sourced, time-stamped control states, \
                        as OGC API – Features with a time dimension.",
        "links": [
            Link::new(base.clone(), "self", JSON).titled("This document"),
            html::alternate(&base),
            Link::new(format!("{base}/api"), "service-desc", OPENAPI_JSON).titled("The API definition (OpenAPI 3.0)"),
            Link::new(format!("{base}/conformance"), "conformance", JSON).titled("Conformance classes"),
            Link::new(format!("{base}/collections"), "data", JSON).titled("Collections"),
        ],
    });
    Ok(html::respond(&req, &q, JSON, &body, |v| {
        html::landing(v, &base)
    }))
}

pub async fn conformance(req: HttpRequest, q: web::Query<Pairs>) -> Result<HttpResponse> {
    only(&q, &[])?;
    let base = base_url(&req);
    let url = format!("{base}/conformance");
    let body = json!({
        "links": [Link::new(url.clone(), "self", JSON).titled("Conformance classes"), html::alternate(&url)],
        "conformsTo": CONFORMANCE,
    });
    Ok(html::respond(&req, &q, JSON, &body, |v| {
        html::conformance(v, &base)
    }))
}

/// Collection metadata, identical in `/collections` and `/collections/{id}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CollectionView {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    item_type: &'static str,
    extent: Value,
    crs: [&'static str; 2],
    storage_crs: &'static str,
    links: Vec<Link>,
}

fn collection_view(index: &Index, base: &str, c: Collection) -> CollectionView {
    let url = format!("{base}/collections/{}", c.id());
    let mut extent = json!({});
    if let Some(r) = index.extent() {
        extent["spatial"] = json!({
            "bbox": [[r.min().x, r.min().y, r.max().x, r.max().y]],
            "crs": CRS84,
        });
    }
    if let Some((from, to)) = c.temporal_extent(index) {
        extent["temporal"] = json!({
            "interval": [[from, to]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        });
    }
    let mut links = vec![
        Link::new(url.clone(), "self", JSON).titled(c.title()),
        html::alternate(&url),
        Link::new(format!("{url}/items"), "items", GEOJSON).titled("Features (GeoJSON)"),
        Link::new(
            format!("{url}/queryables"),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            SCHEMA_JSON,
        )
        .titled("Properties that can be filtered on"),
        Link::new(
            format!("{url}/sortables"),
            "http://www.opengis.net/def/rel/ogc/1.0/sortables",
            SCHEMA_JSON,
        )
        .titled("Properties that can be sorted by"),
        Link::new(format!("{url}/schema"), "describedby", SCHEMA_JSON).titled("Feature schema"),
        Link::new(
            format!("{url}/schema"),
            "http://www.opengis.net/def/rel/ogc/1.0/schema",
            SCHEMA_JSON,
        )
        .titled("Feature schema"),
    ];
    let layer_downloads: &[(Format, &str)] = match c {
        Collection::Events => &[
            (Format::EventsGeojson, "Every event"),
            (Format::EventsCsv, "Every event"),
        ],
        Collection::Sites => &[
            (Format::SitesGeojson, "Every site"),
            (Format::SitesCsv, "Every site"),
        ],
        _ => &[],
    };
    for (format, what) in layer_downloads {
        let root = base.strip_suffix("/ogc").unwrap_or(base);
        links.push(
            Link::new(
                format!("{root}/api/export/{}", format.as_str()),
                "enclosure",
                format.media_type(),
            )
            .titled(format!("{what} ({})", format.download_name())),
        );
    }
    if c == Collection::Control {
        // The CSV, GeoJSON, FlatGeobuf and GeoParquet exports hold exactly this collection, one feature per
        // state: its bulk downloads, which clients such as ogc-client offer as "download".
        let root = base.strip_suffix("/ogc").unwrap_or(base);
        for format in [Format::Geojson, Format::Fgb, Format::Csv, Format::Parquet] {
            links.push(
                Link::new(
                    format!("{root}/api/export/{}", format.as_str()),
                    "enclosure",
                    format.media_type(),
                )
                .titled(format!("Every control state ({})", format.download_name())),
            );
        }
    }
    CollectionView {
        id: c.id(),
        title: c.title(),
        description: c.description(),
        item_type: "feature",
        extent,
        crs: [CRS84, EPSG4326],
        storage_crs: CRS84,
        links,
    }
}

pub async fn collections(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    only(&q, &[])?;
    let index = state.view(&req);
    let base = base_url(&req);
    let url = format!("{base}/collections");
    let body = json!({
        "links": [Link::new(url.clone(), "self", JSON).titled("Collections"), html::alternate(&url)],
        "collections": Collection::ALL.map(|c| collection_view(&index, &base, c)),
        "crs": [CRS84, EPSG4326],
    });
    Ok(html::respond(&req, &q, JSON, &body, |v| {
        html::collections(v, &base)
    }))
}

pub async fn collection(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let c = Collection::parse(&path)?;
    only(&q, &[])?;
    let index = state.view(&req);
    let base = base_url(&req);
    let view = collection_view(&index, &base, c);
    Ok(html::respond(&req, &q, JSON, &view, |v| {
        html::collection(v, &base, &queryables_document(&req, &index, c))
    }))
}

/// The properties that can be filtered on, as JSON Schema (Part 3).
pub async fn queryables(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let c = Collection::parse(&path)?;
    only(&q, &[])?;
    let body = queryables_document(&req, &state.view(&req), c);
    Ok(html::respond(&req, &q, SCHEMA_JSON, &body, |v| {
        html::schema(v, &base_url(&req), c.id(), "queryables")
    }))
}

fn queryables_document(req: &HttpRequest, index: &Index, c: Collection) -> Value {
    queryables_document_as(req, index, c, "queryables")
}

/// The queryables as the document `what` (`queryables` or `sortables`, which list the same).
fn queryables_document_as(req: &HttpRequest, index: &Index, c: Collection, what: &str) -> Value {
    let mut properties = c.properties(index);
    properties.retain(|name, _| c.queryables().contains(&name.as_str()));
    schema_document(req, c, what, properties, None)
}

/// The properties `sortby` accepts, as JSON Schema (Part 5 sortables): every property, as for
/// the queryables. Clients such as ogc-client offer sorting only by what this lists.
pub async fn sortables(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let c = Collection::parse(&path)?;
    only(&q, &[])?;
    let body = queryables_document_as(&req, &state.view(&req), c, "sortables");
    Ok(html::respond(&req, &q, SCHEMA_JSON, &body, |v| {
        html::schema(v, &base_url(&req), c.id(), "sortables")
    }))
}

/// Every property of the features, as JSON Schema (Part 5), with the time roles.
pub async fn schema(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    let c = Collection::parse(&path)?;
    only(&q, &[])?;
    let properties = c.properties(&state.view(&req));
    let body = schema_document(&req, c, "schema", properties, Some(c.geometry_schema()));
    Ok(html::respond(&req, &q, SCHEMA_JSON, &body, |v| {
        html::schema(v, &base_url(&req), c.id(), "schema")
    }))
}

fn schema_document(
    req: &HttpRequest,
    c: Collection,
    what: &str,
    mut properties: serde_json::Map<String, Value>,
    geometry: Option<Value>,
) -> Value {
    if let Some(g) = geometry {
        properties.insert("geometry".into(), g);
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": format!("{}/collections/{}/{what}", base_url(req), c.id()),
        "type": "object",
        "title": c.title(),
        "properties": properties,
        // Districts carry whatever extra properties their data set gives them.
        "additionalProperties": what == "schema" && c == Collection::Districts,
    })
}

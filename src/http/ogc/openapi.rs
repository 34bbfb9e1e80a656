//! The API definition: one self-contained OpenAPI 3.0 document (every `$ref` points inside it),
//! with a path per collection so clients see each collection's queryables as parameters.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use super::html::{self, HTML};
use super::query::{DEFAULT_LIMIT, MAX_LIMIT, PARAMETERS};
use super::{CRS84, Collection, EPSG4326, OPENAPI_JSON, Pairs, base_url, only};
use crate::domain::index::Index;
use crate::error::Result;
use crate::http::AppState;

pub async fn document(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<Pairs>,
) -> Result<HttpResponse> {
    only(&q, &[])?;
    let base = base_url(&req);
    let body = openapi(&state.view(&req), &base);
    Ok(html::respond(&req, &q, OPENAPI_JSON, &body, |v| {
        html::api(v, &base)
    }))
}

fn param(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

fn response(description: &str, media_type: &str, schema: &str) -> Value {
    json!({
        "description": description,
        "content": { media_type: { "schema": { "$ref": format!("#/components/schemas/{schema}") } } },
    })
}

fn errors(mut responses: Map<String, Value>) -> Value {
    for (code, what) in [
        ("400", "The request has an invalid or unknown parameter."),
        ("404", "No such resource."),
        ("500", "The server failed."),
    ] {
        responses.insert(
            code.into(),
            response(what, "application/problem+json", "problem"),
        );
    }
    Value::Object(responses)
}

/// A GET operation; its 200 response is also offered as an HTML page (`f=html`).
fn operation(id: &str, summary: &str, parameters: Vec<Value>, mut ok: Value) -> Value {
    ok["content"][HTML] = json!({ "schema": { "type": "string" } });
    let mut responses = Map::new();
    responses.insert("200".into(), ok);
    json!({ "get": {
        "operationId": id,
        "summary": summary,
        "parameters": parameters,
        "responses": errors(responses),
    }})
}

/// The whole API definition for the data set in `index`, served from `base`.
#[must_use]
pub fn openapi(index: &Index, base: &str) -> Value {
    let mut paths = Map::new();
    paths.insert(
        "/".into(),
        operation(
            "getLandingPage",
            "Landing page",
            vec![param("f")],
            response(
                "Links to the API definition, conformance and collections.",
                "application/json",
                "landingPage",
            ),
        ),
    );
    paths.insert(
        "/conformance".into(),
        operation(
            "getConformance",
            "Conformance classes",
            vec![param("f")],
            response(
                "The conformance classes implemented.",
                "application/json",
                "confClasses",
            ),
        ),
    );
    paths.insert(
        "/api".into(),
        operation(
            "getApi",
            "This API definition",
            vec![param("f")],
            json!({
                "description": "The OpenAPI 3.0 document.",
                "content": { OPENAPI_JSON: { "schema": { "type": "object" } } },
            }),
        ),
    );
    paths.insert(
        "/collections".into(),
        operation(
            "getCollections",
            "The collections",
            vec![param("f")],
            response(
                "Metadata of every collection.",
                "application/json",
                "collections",
            ),
        ),
    );
    let mut parameters = Map::new();
    for c in Collection::ALL {
        let id = c.id();
        let path = format!("/collections/{id}");
        paths.insert(
            path.clone(),
            operation(
                &format!("describe_{id}"),
                &format!("Metadata of {id}"),
                vec![param("f")],
                response("Collection metadata.", "application/json", "collection"),
            ),
        );
        for (what, summary) in [
            ("queryables", "Properties that can be filtered on"),
            ("sortables", "Properties that can be sorted by"),
            ("schema", "Schema of the features"),
        ] {
            paths.insert(
                format!("{path}/{what}"),
                operation(&format!("{what}_{id}"), summary, vec![param("f")], json!({
                    "description": "A JSON Schema.",
                    "content": { "application/schema+json": { "schema": { "type": "object" } } },
                })),
            );
        }
        let mut items_params: Vec<Value> = PARAMETERS.iter().map(|p| param(p)).collect();
        let properties = c.properties(index);
        for q in c.queryables() {
            let key = format!("{id}.{q}");
            let mut schema = properties[q].clone();
            if let Some(obj) = schema.as_object_mut() {
                obj.remove("title");
                // In a query string the value is always text.
                obj.insert("type".into(), json!("string"));
                if let Some(Value::Array(values)) = obj.get_mut("enum") {
                    values.retain(|v| !v.is_null());
                }
            }
            parameters.insert(
                key.clone(),
                json!({
                    "name": q,
                    "in": "query",
                    "required": false,
                    "description": format!("Only features whose `{q}` equals this value (lists: the whole `;`-joined text)."),
                    "schema": schema,
                    "style": "form",
                    "explode": false,
                }),
            );
            items_params.push(param(&key));
        }
        paths.insert(
            format!("{path}/items"),
            operation(
                &format!("items_{id}"),
                &format!("Features of {id}"),
                items_params,
                response(
                    "A page of features.",
                    "application/geo+json",
                    "featureCollection",
                ),
            ),
        );
        paths.insert(
            format!("{path}/items/{{featureId}}"),
            operation(
                &format!("item_{id}"),
                &format!("One feature of {id}"),
                vec![param("featureId"), param("crs"), param("f")],
                response("The feature.", "application/geo+json", "feature"),
            ),
        );
    }
    parameters.extend(common_parameters());

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Frontline OGC API – Features",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Districts, their time-stamped control states and the front line through time. \
                            Times are UTC; validity intervals are half-open [valid_from, valid_to).",
        },
        "servers": [{ "url": base }],
        "paths": paths,
        "components": { "parameters": parameters, "schemas": schemas() },
    })
}

fn common_parameters() -> Map<String, Value> {
    let p = json!({
        "f": { "name": "f", "in": "query", "required": false, "style": "form", "explode": false,
               "description": "Encoding: JSON (GeoJSON for features), or HTML for a browser. Without it, \
                               an Accept header that prefers text/html to JSON gets HTML.",
               "schema": { "type": "string", "enum": ["json", "geojson", "html"] } },
        "bbox": { "name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                  "description": "Only features that intersect this box: min lon, min lat, max lon, max lat (CRS84).",
                  "schema": { "type": "array", "minItems": 4, "maxItems": 6, "items": { "type": "number" } } },
        "bbox-crs": { "name": "bbox-crs", "in": "query", "required": false, "style": "form", "explode": false,
                      "description": "The CRS of bbox: CRS84 (longitude first, the default) or EPSG:4326 (latitude first).",
                      "schema": { "type": "string", "format": "uri", "enum": [CRS84, EPSG4326], "default": CRS84 } },
        "crs": { "name": "crs", "in": "query", "required": false, "style": "form", "explode": false,
                 "description": "The CRS of the coordinates returned: CRS84 (longitude first, the default) or EPSG:4326 \
                                 (latitude first). Content-Crs says which.",
                 "schema": { "type": "string", "format": "uri", "enum": [CRS84, EPSG4326], "default": CRS84 } },
        "filter": { "name": "filter", "in": "query", "required": false, "style": "form", "explode": false,
                    "description": "A CQL2 text filter over the queryables: comparisons, AND, OR, NOT, LIKE, ILIKE, \
                                    BETWEEN, IN, IS NULL, TIMESTAMP(), DATE(), CASEI(). Date-time properties compare \
                                    as instants, e.g. valid_from <= '2017-01-24T00:00:00Z' AND (valid_to IS NULL OR \
                                    valid_to > '2017-01-24T00:00:00Z').",
                    "schema": { "type": "string", "maxLength": crate::http::ogc::cql::MAX_LENGTH } },
        "filter-lang": { "name": "filter-lang", "in": "query", "required": false, "style": "form", "explode": false,
                         "description": "The language of filter: CQL2 text (cql-text, as older clients name it, is read the same).",
                         "schema": { "type": "string", "enum": ["cql2-text", "cql-text"], "default": "cql2-text" } },
        "filter-crs": { "name": "filter-crs", "in": "query", "required": false, "style": "form", "explode": false,
                        "description": "The CRS of coordinates in filter (filters hold none: use bbox).",
                        "schema": { "type": "string", "format": "uri", "enum": [CRS84, EPSG4326], "default": CRS84 } },
        "sortby": { "name": "sortby", "in": "query", "required": false, "style": "form", "explode": false,
                    "description": "Properties to sort by, comma-separated, each ascending or prefixed with - for \
                                    descending (+ for ascending is optional). Nulls sort last.",
                    "schema": { "type": "array", "items": { "type": "string", "pattern": "^[+-]?[A-Za-z_][A-Za-z0-9_]*$" } } },
        "properties": { "name": "properties", "in": "query", "required": false, "style": "form", "explode": false,
                        "description": "Only these properties in each feature, comma-separated; empty: all.",
                        "schema": { "type": "array", "items": { "type": "string" } } },
        "skipGeometry": { "name": "skipGeometry", "in": "query", "required": false, "style": "form", "explode": false,
                          "description": "true: features without geometry (null).",
                          "schema": { "type": "boolean", "default": false } },
        "datetime": { "name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
                      "description": "An instant or an interval (start/end, either end open with '..' or empty). \
                                      Features whose validity shares an instant with it; an instant at a hand-over \
                                      matches the newer state only. Features without time always match.",
                      "schema": { "type": "string" } },
        "known_at": { "name": "known_at", "in": "query", "required": false, "style": "form", "explode": false,
                      "description": "The answer as the server would have given it at this instant (RFC 3339 or \
                                      YYYY-MM-DD): only what had been recorded by then, and not yet corrected. \
                                      Without it, what is believed now. datetime stays valid time.",
                      "schema": { "type": "string", "format": "date-time" } },
        "limit": { "name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
                   "description": "Features per page (default 100, at most 10,000; values outside the range are clamped). \
                                   Bulk clients should ask for the maximum: GDAL -oo PAGE_SIZE=10000.",
                   "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT } },
        "offset": { "name": "offset", "in": "query", "required": false, "style": "form", "explode": false,
                    "description": "Features to skip; the next and prev links carry it.",
                    "schema": { "type": "integer", "minimum": 0, "default": 0 } },
        "featureId": { "name": "featureId", "in": "path", "required": true,
                       "schema": { "type": "string" } },
    });
    match p {
        Value::Object(map) => map,
        _ => unreachable!("built as an object"),
    }
}

fn schemas() -> Value {
    let link = json!({ "$ref": "#/components/schemas/link" });
    json!({
        "link": { "type": "object", "required": ["href", "rel"], "properties": {
            "href": { "type": "string" }, "rel": { "type": "string" },
            "type": { "type": "string" }, "title": { "type": "string" } } },
        "landingPage": { "type": "object", "required": ["links"], "properties": {
            "title": { "type": "string" }, "description": { "type": "string" },
            "links": { "type": "array", "items": link } } },
        "confClasses": { "type": "object", "required": ["conformsTo"], "properties": {
            "conformsTo": { "type": "array", "items": { "type": "string" } } } },
        "collection": { "type": "object", "required": ["id", "links"], "properties": {
            "id": { "type": "string" }, "title": { "type": "string" }, "description": { "type": "string" },
            "links": { "type": "array", "items": link },
            "extent": { "type": "object" }, "itemType": { "type": "string" },
            "crs": { "type": "array", "items": { "type": "string" } }, "storageCrs": { "type": "string" } } },
        "collections": { "type": "object", "required": ["links", "collections"], "properties": {
            "links": { "type": "array", "items": link },
            "collections": { "type": "array", "items": { "$ref": "#/components/schemas/collection" } } } },
        "geometry": { "type": "object", "required": ["type", "coordinates"], "properties": {
            "type": { "type": "string", "enum": ["MultiPolygon", "MultiLineString"] },
            "coordinates": { "type": "array" } } },
        "feature": { "type": "object", "required": ["type", "geometry", "properties"], "properties": {
            "type": { "type": "string", "enum": ["Feature"] },
            "id": { "type": "string" },
            "geometry": { "$ref": "#/components/schemas/geometry" },
            "properties": { "type": "object", "nullable": true },
            "links": { "type": "array", "items": link } } },
        "featureCollection": { "type": "object", "required": ["type", "features"], "properties": {
            "type": { "type": "string", "enum": ["FeatureCollection"] },
            "features": { "type": "array", "items": { "$ref": "#/components/schemas/feature" } },
            "links": { "type": "array", "items": link },
            "numberMatched": { "type": "integer", "minimum": 0 },
            "numberReturned": { "type": "integer", "minimum": 0 } } },
        "problem": { "type": "object", "required": ["title", "status", "detail"], "properties": {
            "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" },
            "detail": { "type": "string" }, "parameter": { "type": "string" } } },
    })
}

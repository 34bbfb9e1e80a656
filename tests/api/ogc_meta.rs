//! The documents that describe the OGC API at /ogc, through the real route table: the landing
//! page, the API definition, the collections with their extents and queryables.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir, small_dir};
use crate::ogc::ids;

#[actix_web::test]
async fn the_landing_page_links_the_definition_conformance_and_collections_with_types() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for root in ["/ogc", "/ogc/"] {
        let (status, content_type, body) = get_json(&app, root).await;
        assert_eq!((status, content_type.as_str()), (200, "application/json"));
        let links = body["links"].as_array().unwrap();
        for rel in ["self", "service-desc", "conformance", "data"] {
            assert!(links.iter().any(|l| l["rel"] == rel), "{rel} in {body}");
        }
        assert!(links.iter().all(|l| l["type"].is_string()), "{body}");
    }
    let (_, _, conformance) = get_json(&app, "/ogc/conformance").await;
    let classes = conformance["conformsTo"].as_array().unwrap();
    for class in ["core", "geojson", "oas30"] {
        let uri = format!("http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{class}");
        assert!(classes.iter().any(|c| c == &uri), "{class}");
    }
}

#[actix_web::test]
async fn the_api_definition_is_self_contained_and_lists_each_collections_parameters() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, content_type, api) = get_json(&app, "/ogc/api").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(api["openapi"], "3.0.3");
    let mut refs = Vec::new();
    collect_refs(&api, &mut refs);
    assert!(refs.len() > 20);
    for r in refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("outside $ref {r}"));
        assert!(api.pointer(pointer).is_some(), "dangling $ref {r}");
    }
    let control = &api["paths"]["/collections/control/items"]["get"]["parameters"];
    let names: Vec<String> = control
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let r = p["$ref"].as_str().unwrap();
            api.pointer(&r[1..]).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    for n in [
        "bbox", "datetime", "limit", "faction", "status", "district", "f",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} in {names:?}");
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_owned());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[actix_web::test]
async fn collections_carry_the_temporal_extent_and_agree_with_their_own_pages() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, all) = get_json(&app, "/ogc/collections").await;
    let list = all["collections"].as_array().unwrap();
    assert_eq!(
        ids(list),
        ["districts", "control", "frontline", "events", "sites"]
    );
    for c in list {
        let (status, _, one) = get_json(
            &app,
            &format!("/ogc/collections/{}", c["id"].as_str().unwrap()),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(&one, c);
    }
    let control = &list[1];
    assert_eq!(
        control["extent"]["temporal"]["interval"],
        serde_json::json!([["2016-10-01T00:00:00Z", null]])
    );
    assert!(list[0]["extent"].get("temporal").is_none());
    let (_, content_type, schema) = get_json(&app, "/ogc/collections/control/schema").await;
    assert_eq!(content_type, "application/schema+json");
    assert_eq!(
        schema["properties"]["valid_from"]["x-ogc-role"],
        "primary-interval-start"
    );
    assert_eq!(
        schema["properties"]["valid_to"]["x-ogc-role"],
        "primary-interval-end"
    );
    assert_eq!(schema["properties"]["valid_to"]["format"], "date-time");
    let (_, _, queryables) = get_json(&app, "/ogc/collections/control/queryables").await;
    let q: BTreeSet<&str> = queryables["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        q,
        BTreeSet::from([
            "confidence",
            "district",
            "faction",
            "factions",
            "group",
            "name",
            "note",
            "sources",
            "status",
            "valid_from",
            "valid_to"
        ]),
        "every property is queryable"
    );
}

//! OGC API items beyond paging: CQL2 `filter`, equality on any queryable, `sortby`,
//! `properties`, `skipGeometry` and EPSG:4326, as GDAL, QGIS and browser clients send them.

use std::collections::BTreeSet;

use actix_web::test;
use frontline::domain::time::Instant;
use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir};

fn ids(page: &Value) -> Vec<String> {
    page["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_owned()
}

#[actix_web::test]
async fn a_cql2_snapshot_filter_gives_the_map_at_every_hand_over_instant_of_mosul() {
    let (_db, index) = index_of(&mosul_dir());
    let (_db2, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let ticks: Vec<Instant> = index
        .timeline()
        .ticks
        .iter()
        .filter(|t| t.handovers > 0)
        .map(|t| t.at)
        .collect();
    assert!(ticks.len() > 70);
    for t in ticks {
        let at = t.to_rfc3339();
        let filter = format!("valid_from <= '{at}' AND (valid_to IS NULL OR valid_to > '{at}')");
        let uri = format!(
            "/ogc/collections/control/items?limit=10000&filter={}",
            enc(&filter)
        );
        let (status, _, by_filter) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{uri}: {by_filter}");
        let uri = format!(
            "/ogc/collections/control/items?limit=10000&datetime={}",
            enc(&at)
        );
        let (_, _, by_datetime) = get_json(&app, &uri).await;
        let (a, b): (BTreeSet<_>, BTreeSet<_>) = (
            ids(&by_filter).into_iter().collect(),
            ids(&by_datetime).into_iter().collect(),
        );
        assert_eq!(a, b, "at {at}");
        assert_eq!(by_filter["numberMatched"], by_datetime["numberMatched"]);
        // Without the null test, states still holding are unknown, not true: they drop out.
        let without = format!("valid_from <= '{at}' AND valid_to > '{at}'");
        let uri = format!(
            "/ogc/collections/control/items?limit=10000&filter={}",
            enc(&without)
        );
        let (_, _, closed) = get_json(&app, &uri).await;
        assert!(
            closed["features"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| !f["properties"]["valid_to"].is_null())
        );
    }
}

#[actix_web::test]
async fn filters_on_text_lists_and_numbers_select_what_they_say() {
    let (_db, index) = index_of(&mosul_dir());
    let (_db2, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let get = |f: &str| {
        format!(
            "/ogc/collections/control/items?limit=10000&filter={}",
            enc(f)
        )
    };
    let (_, _, contested) = get_json(
        &app,
        &get("status = 'contested' AND factions LIKE '%isil%'"),
    )
    .await;
    let expected = index
        .states
        .iter()
        .filter(|s| s.status == frontline::domain::model::Status::Contested)
        .count();
    assert_eq!(contested["numberMatched"], expected);
    assert!(expected > 10);
    let (_, _, old_city) =
        get_json(&app, &get("district LIKE 'old-city-%' AND faction = 'isf'")).await;
    for f in old_city["features"].as_array().unwrap() {
        assert!(
            f["properties"]["district"]
                .as_str()
                .unwrap()
                .starts_with("old-city-")
        );
        assert_eq!(f["properties"]["faction"], "isf");
    }
    assert!(old_city["numberMatched"].as_u64().unwrap() >= 10);
    let (_, _, some) = get_json(
        &app,
        &get("district IN ('zanjili', 'sihha') AND NOT status = 'contested'"),
    )
    .await;
    assert!(some["features"].as_array().unwrap().iter().all(|f| {
        ["zanjili", "sihha"].contains(&f["properties"]["district"].as_str().unwrap())
            && f["properties"]["status"] == "held"
    }));
    let uri = format!(
        "/ogc/collections/districts/items?limit=1000&filter={}",
        enc("area_km2 > 5 AND group IS NOT NULL")
    );
    let (_, _, big) = get_json(&app, &uri).await;
    let n = index
        .districts
        .iter()
        .filter(|d| d.area_km2 > 5.0 && d.district.group.is_some())
        .count();
    assert_eq!(big["numberMatched"], n);
    // Equality on any queryable, date-times as instants.
    let day = index.states.iter().map(|s| s.interval.from).max().unwrap();
    let (_, _, from) = get_json(
        &app,
        &format!(
            "/ogc/collections/control/items?valid_from={}&limit=1000",
            enc(&day.to_rfc3339())
        ),
    )
    .await;
    let n = index
        .states
        .iter()
        .filter(|s| s.interval.from == day)
        .count();
    assert!(n > 0);
    assert_eq!(from["numberMatched"], n);
}

#[actix_web::test]
async fn bad_filters_are_400s_that_say_where_and_what_is_valid() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    for (query, words) in [
        ("filter=distrct%20%3D%20'x'", "no queryable `distrct`"),
        (
            "filter=valid_from%20%3E%20'soon'",
            "'soon' is not a date-time",
        ),
        ("filter=status%20%3D", "at character 9"),
        ("filter-lang=cql2-json", "use cql2-text"),
        ("sortby=height", "cannot sort by `height`"),
        ("properties=colour", "no property `colour`"),
        ("skipGeometry=maybe", "expected true or false"),
        ("crs=EPSG:3857", "is not offered"),
        (
            "valid_from=tomorrow",
            "'tomorrow' is not a valid valid_from",
        ),
    ] {
        let uri = format!("/ogc/collections/control/items?{query}");
        let resp = test::call_service(&app, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(resp.status(), 400, "{uri}");
        let ct = resp
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(ct, "application/problem+json", "{uri}");
        let body: Value = serde_json::from_slice(&test::read_body(resp).await).unwrap();
        assert!(
            body["detail"].as_str().unwrap().contains(words),
            "{uri}: {body}"
        );
    }
}

#[actix_web::test]
async fn sortby_orders_pages_and_keeps_nulls_last() {
    let (_db, index) = index_of(&mosul_dir());
    let (_db2, served) = index_of(&mosul_dir());
    let app = app(served).await;
    // `+` sent unencoded arrives as a space; both mean ascending.
    let mut seen = Vec::new();
    let mut uri = "/ogc/collections/control/items?sortby=-valid_to,+district&limit=200".to_owned();
    loop {
        let (status, _, page) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(page["features"].as_array().unwrap().iter().map(|f| {
            (
                f["properties"]["valid_to"].as_str().map(str::to_owned),
                f["properties"]["district"].as_str().unwrap().to_owned(),
            )
        }));
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next");
        match next {
            Some(l) => {
                uri = l["href"]
                    .as_str()
                    .unwrap()
                    .replace("http://localhost:8080", "")
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), index.states.len());
    let closed: Vec<_> = seen.iter().take_while(|(to, _)| to.is_some()).collect();
    assert!(
        seen[closed.len()..].iter().all(|(to, _)| to.is_none()),
        "nulls last"
    );
    for w in closed.windows(2) {
        assert!(w[0].0 >= w[1].0, "descending valid_to: {w:?}");
        if w[0].0 == w[1].0 {
            assert!(w[0].1 <= w[1].1, "then ascending district: {w:?}");
        }
    }
}

#[actix_web::test]
async fn clients_choose_properties_geometry_and_axis_order() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    // What browser clients send when nothing is chosen: all properties, geometry, CRS84.
    let (status, _, plain) = get_json(
        &app,
        "/ogc/collections/control/items?limit=5&sortby=&properties=&skipGeometry=false",
    )
    .await;
    assert_eq!(status, 200, "{plain}");
    let first = &plain["features"][0];
    assert_eq!(first["geometry"]["type"], "MultiPolygon");
    assert!(first["properties"]["note"].is_string());

    let (_, _, slim) = get_json(
        &app,
        "/ogc/collections/control/items?limit=5&properties=district,valid_from&skipGeometry=true",
    )
    .await;
    let f = &slim["features"][0];
    assert!(f["geometry"].is_null());
    let keys: BTreeSet<&str> = f["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["district", "valid_from"]));
    assert_eq!(f["id"], first["id"]);

    let resp = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/ogc/collections/control/items?limit=5&crs=EPSG:4326&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326&bbox=36.0,42.0,37.0,44.0")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("content-crs").unwrap(),
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let swapped: Value = serde_json::from_slice(&test::read_body(resp).await).unwrap();
    let a = &first["geometry"]["coordinates"][0][0][0];
    let b = &swapped["features"][0]["geometry"]["coordinates"][0][0][0];
    assert_eq!(swapped["features"][0]["id"], first["id"]);
    assert_eq!((&b[0], &b[1]), (&a[1], &a[0]), "latitude first");
    assert!(b[0].as_f64().unwrap() > 36.0 && b[0].as_f64().unwrap() < 37.0);

    let (_, _, item) = get_json(
        &app,
        &format!(
            "/ogc/collections/control/items/{}?crs=EPSG:4326",
            first["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(&item["geometry"]["coordinates"][0][0][0], b);
}

/// The path and query of an absolute link, to request it from the test app.
fn path_of(href: &str) -> &str {
    let rest = href.split_once("://").map_or(href, |(_, rest)| rest);
    &rest[rest.find('/').unwrap_or(rest.len())..]
}

#[actix_web::test]
async fn every_collection_links_sortables_that_sortby_accepts() {
    // Arrange: ogc-client lists as sortables only what a `sortables` link gives.
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, conformance) = get_json(&app, "/ogc/conformance").await;
    assert!(
        conformance["conformsTo"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables")
    );
    for c in ["districts", "control", "frontline"] {
        // Act
        let (_, _, doc) = get_json(&app, &format!("/ogc/collections/{c}")).await;
        let link = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "http://www.opengis.net/def/rel/ogc/1.0/sortables")
            .unwrap_or_else(|| panic!("{c} links no sortables: {doc}"));
        let (status, content_type, sortables) =
            get_json(&app, path_of(link["href"].as_str().unwrap())).await;

        // Assert: the same properties as the queryables, each accepted by sortby.
        assert_eq!(status, 200, "{c}: {sortables}");
        assert_eq!(content_type, "application/schema+json");
        assert_eq!(link["type"], "application/schema+json");
        assert!(
            sortables["$id"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/ogc/collections/{c}/sortables"))
        );
        let (_, _, queryables) = get_json(&app, &format!("/ogc/collections/{c}/queryables")).await;
        assert_eq!(sortables["properties"], queryables["properties"]);
        for name in sortables["properties"].as_object().unwrap().keys() {
            let uri = format!("/ogc/collections/{c}/items?limit=1&sortby=-{name}");
            let (status, _, page) = get_json(&app, &uri).await;
            assert_eq!(status, 200, "{uri}: {page}");
        }
    }
}

#[actix_web::test]
async fn control_links_its_exports_as_bulk_downloads_of_every_state() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, page) = get_json(&app, "/ogc/collections/control/items?limit=1").await;
    for c in ["districts", "control", "frontline"] {
        let (_, _, doc) = get_json(&app, &format!("/ogc/collections/{c}")).await;
        let enclosures: Vec<(&str, &str)> = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["rel"] == "enclosure")
            .map(|l| {
                (
                    path_of(l["href"].as_str().unwrap()),
                    l["type"].as_str().unwrap(),
                )
            })
            .collect();
        if c != "control" {
            assert!(
                enclosures.is_empty(),
                "{c} has no export of its own: {enclosures:?}"
            );
            continue;
        }
        assert_eq!(
            enclosures,
            [
                ("/api/export/geojson", "application/geo+json"),
                ("/api/export/fgb", "application/vnd.flatgeobuf"),
                ("/api/export/csv", "text/csv; charset=utf-8"),
                ("/api/export/parquet", "application/vnd.apache.parquet"),
            ]
        );
        let (status, content_type, export) = get_json(&app, "/api/export/geojson").await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/geo+json")
        );
        assert_eq!(
            export["features"].as_array().unwrap().len() as u64,
            page["numberMatched"].as_u64().unwrap()
        );
    }
}

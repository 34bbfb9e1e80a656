//! The `events` and `sites` layers of the exports on the Mosul data, read back by GDAL and an XML
//! parser: the GeoPackage point layers, the KML folders, CSV and GeoJSON on their own, over HTTP.

use std::collections::HashMap;
use std::process::Command;

use actix_web::test as web_test;
use frontline::domain::events::EventQuery;
use frontline::export::{self, Format};

use crate::export::{PYTHON, mosul_export, run_ok};
use crate::export_formats::KML_SCRIPT;
use crate::helpers::{app, index_of, mosul_dir};

const JADIDA: &str = "2017-03-17-jadida-strike";

fn events_count(index: &frontline::domain::index::Index) -> usize {
    index.events.events(&EventQuery::default()).count()
}

#[test]
fn the_geopackage_has_point_layers_of_events_and_sites_with_their_time_dimension() {
    let (_tmp, index, path) = mosul_export(Format::Gpkg);
    let gpkg = path.to_str().unwrap();
    for (layer, count) in [("events", events_count(&index)), ("sites", 12)] {
        let info = run_ok("ogrinfo", &["-ro", "-so", gpkg, layer]);
        assert!(info.contains("Geometry: Point\n"), "{info}");
        assert!(
            info.contains(&format!("Feature Count: {count}\n")),
            "{info}"
        );
        assert!(info.contains("valid_from: DateTime"), "{info}");
    }
    // The events of 17 March 2017, by the documented time filter.
    let found = run_ok(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            gpkg,
            "-sql",
            "SELECT id, figures FROM events WHERE valid_from <= '2017-03-17T00:00:00.000Z' \
             AND valid_to > '2017-03-17T00:00:00.000Z'",
        ],
    );
    assert!(found.contains(JADIDA), "{found}");
    assert!(
        found.contains("killed civilians 105 (CENTCOM investigation"),
        "{found}"
    );
    assert!(
        found.contains("killed civilians 125–370 (local reports"),
        "{found}"
    );
    let camps = run_ok(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            gpkg,
            "-sql",
            "SELECT id, peak_population FROM sites WHERE id = 'hasansham-u3'",
        ],
    );
    assert!(
        camps.contains("peak_population (Integer64) = 10500"),
        "{camps}"
    );
}

#[test]
fn the_kml_has_folders_of_events_with_their_days_and_sites_with_their_counts() {
    let (tmp, index, path) = mosul_export(Format::Kml);
    let script = tmp.path().join("kml.py");
    std::fs::write(&script, KML_SCRIPT).unwrap();
    let out = Command::new(PYTHON)
        .args([script.to_str().unwrap(), path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = doc["Events"].as_array().expect("an Events folder");
    assert_eq!(events.len(), events_count(&index));
    let strike = events.iter().find(|e| e["id"] == JADIDA).unwrap();
    assert_eq!(strike["begin"], "2017-03-17T00:00:00Z");
    assert_eq!(strike["end"], "2017-03-18T00:00:00Z");
    assert_eq!(strike["style"], "#event-cjtf-oir");
    assert!(
        doc["styles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "event-cjtf-oir")
    );
    assert_eq!(doc["Sites"].as_array().unwrap().len(), 12);
    // The description names each claim with a link to the report behind it.
    let kml = std::fs::read_to_string(&path).unwrap();
    let airwars = index
        .sources
        .iter()
        .find(|s| s.id == "airwars-ci551")
        .unwrap();
    assert!(kml.contains(&airwars.url), "the Airwars report is linked");
    assert!(
        !kml.contains("maps.google.com"),
        "no icon is fetched from outside"
    );
}

#[test]
fn gdal_reads_the_events_and_sites_csv_as_points_with_every_attribute() {
    let (tmp, index) = index_of(&mosul_dir());
    for (format, layer, count) in [
        (Format::EventsCsv, "events", events_count(&index)),
        (Format::SitesCsv, "sites", 12),
    ] {
        let path = tmp.path().join(format!("{layer}.csv"));
        export::write_file(&index, format, &path).unwrap();
        let info = run_ok(
            "ogrinfo",
            &[
                "-ro",
                "-so",
                "-oo",
                "GEOM_POSSIBLE_NAMES=WKT",
                "-oo",
                "KEEP_GEOM_COLUMNS=NO",
                path.to_str().unwrap(),
                layer,
            ],
        );
        // GDAL's CSV driver does not guess a geometry type, but reads the points.
        assert!(info.contains("Extent: ("), "{info}");
        assert!(
            info.contains(&format!("Feature Count: {count}\n")),
            "{info}"
        );
    }
    let path = tmp.path().join("events.csv");
    let rows = crate::export::ogr_csv(&[
        path.to_str().unwrap(),
        "-sql",
        &format!("SELECT id, largest, districts FROM events WHERE id = '{JADIDA}'"),
    ]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["largest"], "370");
    assert!(rows[0]["districts"].contains("mosul-al-jadida"));
}

#[test]
fn the_events_geojson_is_a_point_per_event_as_the_api_gives_them() {
    let (tmp, index) = index_of(&mosul_dir());
    let path = tmp.path().join("events.geojson");
    export::write_file(&index, Format::EventsGeojson, &path).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), events_count(&index));
    let ids: Vec<&str> = features.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let api: Vec<&str> = index
        .events
        .events(&EventQuery::default())
        .map(|e| e.event().id.as_str())
        .collect();
    assert_eq!(ids, api, "the same events in the same order");
    let strike = features.iter().find(|f| f["id"] == JADIDA).unwrap();
    assert_eq!(strike["geometry"]["type"], "Point");
    assert_eq!(strike["properties"]["valid_to"], "2017-03-18T00:00:00Z");
    let info = run_ok("ogrinfo", &["-ro", "-so", path.to_str().unwrap(), "events"]);
    assert!(info.contains("valid_from: DateTime"), "{info}");
}

#[actix_web::test]
async fn the_layers_download_over_http_and_an_unknown_format_lists_them() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let mut names = HashMap::new();
    for format in ["events-geojson", "events-csv", "sites-geojson", "sites-csv"] {
        let req = web_test::TestRequest::get()
            .uri(&format!("/api/export/{format}"))
            .to_request();
        let resp = web_test::call_service(&app, req).await;
        assert_eq!(resp.status(), 200, "{format}");
        let disposition = resp
            .headers()
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        names.insert(format, disposition);
        let body = web_test::read_body(resp).await;
        assert!(!body.is_empty());
    }
    assert!(
        names["events-csv"].contains("frontline-events.csv"),
        "{names:?}"
    );
    assert!(
        names["sites-geojson"].contains("frontline-sites.geojson"),
        "{names:?}"
    );
    let req = web_test::TestRequest::get()
        .uri("/api/export/shp")
        .to_request();
    let resp = web_test::call_service(&app, req).await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = web_test::read_body_json(resp).await;
    assert!(
        body["detail"].as_str().unwrap().contains("`events-csv`"),
        "{body}"
    );
}

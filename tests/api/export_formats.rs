//! KML, CSV and the GeoJSON timeline read back by GDAL and Python's XML parser; the exports over
//! HTTP and from the command line, including their failures (FlatGeobuf's own checks are in
//! `fgb`).

use std::collections::HashMap;
use std::process::Command;

use actix_web::test as web_test;
use frontline::export::{self, ControlRecord, Format, control_records};
use tempfile::TempDir;

use crate::export::{PYTHON, mosul_export, run_ok};
use crate::helpers::{app, index_of, small_dir};

pub(crate) const KML_SCRIPT: &str = r#"
import json, sys
import xml.etree.ElementTree as ET
ns = {"k": "http://www.opengis.net/kml/2.2"}
doc = ET.parse(sys.argv[1]).getroot().find("k:Document", ns)
out = {"styles": [s.get("id") for s in doc.findall("k:Style", ns)]}
for folder in doc.findall("k:Folder", ns):
    rows = []
    for p in folder.findall("k:Placemark", ns):
        data = {d.get("name"): d.findtext("k:value", "", ns) for d in p.iter("{%s}Data" % ns["k"])}
        span = p.find("k:TimeSpan", ns)
        rows.append({"id": data["id"], "name": p.findtext("k:name", None, ns),
                     "begin": span.findtext("k:begin", None, ns) if span is not None else None,
                     "end": span.findtext("k:end", None, ns) if span is not None else None,
                     "style": p.findtext("k:styleUrl", None, ns), "note": data.get("note"),
                     "polygons": len(list(p.iter("{%s}Polygon" % ns["k"]))),
                     "lines": len(list(p.iter("{%s}LineString" % ns["k"])))})
    out[folder.findtext("k:name", None, ns)] = rows
print(json.dumps(out))
"#;

#[test]
fn the_kml_has_a_placemark_per_state_whose_time_span_is_its_interval() {
    let (tmp, index, path) = mosul_export(Format::Kml);
    let script = tmp.path().join("kml_check.py");
    std::fs::write(&script, KML_SCRIPT).unwrap();
    let out = run_ok(PYTHON, &[script.to_str().unwrap(), path.to_str().unwrap()]);
    let kml: serde_json::Value = serde_json::from_str(&out).unwrap();

    let control = kml["Control"].as_array().unwrap();
    let records: Vec<ControlRecord<'_>> = control_records(&index).collect();
    assert_eq!(control.len(), index.states.len());
    for (placemark, r) in control.iter().zip(&records) {
        assert_eq!(placemark["id"], r.id.as_str());
        assert_eq!(placemark["name"], r.name);
        assert_eq!(placemark["begin"], r.valid_from.to_rfc3339());
        // An open state has no <end>: Google Earth shows it to the end of the slider.
        match r.valid_to {
            Some(to) => assert_eq!(placemark["end"], to.to_rfc3339()),
            None => assert!(placemark["end"].is_null(), "{placemark}"),
        }
        let style = match r.faction {
            Some(f) => format!("#held-{f}"),
            None => format!("#contested-{}", r.factions[0]),
        };
        assert_eq!(placemark["style"], style.as_str());
        assert_eq!(placemark["note"], r.note, "text survives XML escaping");
        assert!(placemark["polygons"].as_u64().unwrap() >= 1);
    }
    let styles = kml["styles"].as_array().unwrap();
    assert!(styles.contains(&"held-isil".into()) && styles.contains(&"contested-isf".into()));

    let fronts = kml["Front line"].as_array().unwrap();
    assert_eq!(fronts.len(), index.fronts().len());
    assert!(fronts.iter().all(|p| p["lines"].as_u64().unwrap() >= 1));

    // GDAL's KML reader sees the same features and reads the spans as date-times.
    let info = run_ok(
        "ogrinfo",
        &["-ro", "-so", path.to_str().unwrap(), "Control"],
    );
    assert!(
        info.contains(&format!("Feature Count: {}\n", index.states.len())),
        "{info}"
    );
    assert!(
        info.contains("begin: DateTime") && info.contains("end: DateTime"),
        "{info}"
    );
}

/// Features of a GDAL conversion to GeoJSON, by id.
fn gdal_geojson(args: &[&str]) -> HashMap<String, serde_json::Value> {
    let mut all = vec!["-f", "GeoJSON", "/vsistdout/"];
    all.extend_from_slice(args);
    let fc: serde_json::Value = serde_json::from_str(&run_ok("ogr2ogr", &all)).unwrap();
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_owned(),
                f.clone(),
            )
        })
        .collect()
}

#[test]
fn gdal_reads_the_csv_wkt_geometries_and_every_attribute_round_trips() {
    let (_tmp, index, path) = mosul_export(Format::Csv);
    let features = gdal_geojson(&[path.to_str().unwrap(), "-oo", "KEEP_GEOM_COLUMNS=NO"]);
    assert_eq!(features.len(), index.states.len());
    for r in control_records(&index) {
        let f = &features[&r.id];
        let p = &f["properties"];
        assert_eq!(p["district"], r.district);
        assert_eq!(p["name"], r.name);
        assert_eq!(p["status"], r.status);
        assert_eq!(p["faction"], r.faction.unwrap_or_default());
        assert_eq!(p["factions"], r.factions.join(";"));
        assert_eq!(p["valid_from"], r.valid_from.to_rfc3339());
        assert_eq!(
            p["valid_to"],
            r.valid_to.map(|t| t.to_rfc3339()).unwrap_or_default()
        );
        assert_eq!(p["confidence"], r.confidence);
        assert_eq!(p["sources"], r.sources.join(";"));
        assert_eq!(
            p["note"], r.note,
            "quoting keeps commas, quotes and newlines"
        );
        // The WKT geometry GDAL parsed is the district's, coordinate for coordinate.
        let gdal: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
        let gdal = geo::Geometry::<f64>::try_from(gdal).unwrap();
        let ours = &index.districts[r.district_index as usize].district.geometry;
        let coords = |g: &geo::Geometry<f64>| geo::CoordsIter::coords_iter(g).collect::<Vec<_>>();
        assert_eq!(coords(&gdal), coords(ours), "{}", r.id);
    }
}

#[test]
fn the_geojson_timeline_is_an_rfc_7946_feature_per_state() {
    let (_tmp, index, path) = mosul_export(Format::Geojson);
    let fc: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let features = fc["features"].as_array().unwrap();
    assert_eq!(features.len(), index.states.len());
    for (f, r) in features.iter().zip(control_records(&index)) {
        assert_eq!(f["type"], "Feature");
        assert_eq!(f["id"], r.id.as_str());
        let p = &f["properties"];
        // Lists as `;`-joined text, as every flat format has them.
        assert_eq!(p["factions"], r.factions.join(";"));
        assert_eq!(p["sources"], r.sources.join(";"));
        assert_eq!(
            f["geometry"]["type"], "MultiPolygon",
            "one geometry type for the layer"
        );
        assert_eq!(p["valid_from"], r.valid_from.to_rfc3339());
        assert_eq!(
            p["valid_to"],
            serde_json::json!(r.valid_to.map(|t| t.to_rfc3339()))
        );
        assert_rfc7946_polygons(&f["geometry"]);
    }
    let info = run_ok("ogrinfo", &["-ro", "-so", "-al", path.to_str().unwrap()]);
    assert!(
        info.contains(&format!("Feature Count: {}\n", index.states.len())),
        "{info}"
    );
}

/// Polygon or MultiPolygon; rings closed with at least four positions; lon/lat in range;
/// exterior rings counter-clockwise, holes clockwise (the right-hand rule).
fn assert_rfc7946_polygons(geometry: &serde_json::Value) {
    let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![&geometry["coordinates"]],
        Some("MultiPolygon") => geometry["coordinates"].as_array().unwrap().iter().collect(),
        other => panic!("not a polygon: {other:?}"),
    };
    for polygon in polygons {
        for (i, ring) in polygon.as_array().unwrap().iter().enumerate() {
            let ring: Vec<(f64, f64)> = ring
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                .collect();
            assert!(ring.len() >= 4 && ring.first() == ring.last(), "{ring:?}");
            assert!(
                ring.iter()
                    .all(|(x, y)| x.abs() <= 180.0 && y.abs() <= 90.0)
            );
            let twice_area: f64 = ring
                .windows(2)
                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                .sum();
            assert_eq!(twice_area > 0.0, i == 0, "ring {i} winds the wrong way");
        }
    }
}

#[actix_web::test]
async fn every_export_format_is_served_with_its_media_type_a_file_name_and_an_etag() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for (format, media_type, file, starts) in [
        (
            "gpkg",
            "application/geopackage+sqlite3",
            "frontline.gpkg",
            &b"SQLite format 3\0"[..],
        ),
        (
            "kml",
            "application/vnd.google-earth.kml+xml",
            "frontline.kml",
            b"<?xml",
        ),
        (
            "csv",
            "text/csv; charset=utf-8",
            "frontline-control.csv",
            b"WKT,id,",
        ),
        (
            "geojson",
            "application/geo+json",
            "frontline-control.geojson",
            b"{\"type\":\"FeatureCollection\"",
        ),
        (
            "fgb",
            "application/vnd.flatgeobuf",
            "frontline-control.fgb",
            b"fgb\x03fgb\x00",
        ),
    ] {
        let req = web_test::TestRequest::get().uri(&format!("/api/export/{format}"));
        let resp = web_test::call_service(&app, req.to_request()).await;
        assert_eq!(resp.status(), 200, "{format}");
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(header("content-type"), media_type);
        assert_eq!(
            header("content-disposition"),
            format!("attachment; filename=\"{file}\"")
        );
        let etag = header("etag");
        let body = web_test::read_body(resp).await;
        assert!(body.starts_with(starts), "{format}: {:?}", &body[..20]);

        let again = web_test::TestRequest::get()
            .uri(&format!("/api/export/{format}"))
            .insert_header(("If-None-Match", etag))
            .to_request();
        assert_eq!(
            web_test::call_service(&app, again).await.status(),
            304,
            "{format}"
        );
    }
}

#[actix_web::test]
async fn an_unknown_export_format_or_parameter_is_a_400_that_lists_what_is_valid() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for uri in ["/api/export/shp", "/api/export/dir", "/api/export/GPKG"] {
        let resp =
            web_test::call_service(&app, web_test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(resp.status(), 400, "{uri}");
        assert_eq!(
            resp.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body: serde_json::Value =
            serde_json::from_slice(&web_test::read_body(resp).await).unwrap();
        assert_eq!(body["parameter"], "format");
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.contains("expected one of `gpkg` `kml` `csv` `geojson` `fgb` `parquet`"),
            "{detail}"
        );
    }
    let req = web_test::TestRequest::get().uri("/api/export/csv?at=2020-01-01");
    let resp = web_test::call_service(&app, req.to_request()).await;
    assert_eq!(resp.status(), 400);
}

fn frontline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_cli_infers_the_format_from_the_extension_and_rejects_an_unknown_one() {
    let dir = small_dir();
    let (db_dir, _index) = index_of(dir.path());
    let db = db_dir.path().join("test.db");
    let out = TempDir::new().unwrap();
    for (file, starts) in [
        ("a.gpkg", &b"SQLite format 3\0"[..]),
        ("a.kml", b"<?xml"),
        ("a.csv", b"WKT,"),
        ("a.fgb", b"fgb\x03"),
    ] {
        let path = out.path().join(file);
        let run = frontline(&[
            "export",
            path.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(std::fs::read(&path).unwrap().starts_with(starts), "{file}");
    }
    // --format wins over the extension.
    let path = out.path().join("timeline.json");
    let run = frontline(&[
        "export",
        path.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--format",
        "geojson",
    ]);
    assert!(run.status.success());
    serde_json::from_slice::<serde_json::Value>(&std::fs::read(&path).unwrap()).unwrap();

    let run = frontline(&[
        "export",
        "x.out",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "bogus",
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("expected one of `dir` `gpkg` `kml` `csv` `geojson` `fgb` `parquet`"),
        "{stderr}"
    );
}

#[test]
fn exporting_into_a_missing_directory_fails_and_leaves_nothing_behind() {
    let dir = small_dir();
    let (db_dir, _index) = index_of(dir.path());
    let db = db_dir.path().join("test.db");
    let out = TempDir::new().unwrap();
    let target = out.path().join("missing/mosul.gpkg");
    let run = frontline(&[
        "export",
        target.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("cannot write") && stderr.contains("missing/mosul.gpkg"),
        "{stderr}"
    );
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

#[test]
fn a_failure_after_the_whole_file_is_written_leaves_no_temporary_file() {
    let dir = small_dir();
    let (tmp, index) = index_of(dir.path());
    // The target is a non-empty directory: every byte is written, then the rename fails.
    let target = tmp.path().join("occupied.gpkg");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "x").unwrap();
    let listing = || {
        let mut names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    for format in Format::FILES {
        assert!(
            export::write_file(&index, format, &target).is_err(),
            "{format}"
        );
    }
    assert_eq!(listing(), before);
    assert!(export::write_file(&index, Format::Dir, &tmp.path().join("x")).is_err());
}

#[test]
fn the_geoparquet_export_is_a_parquet_file_with_geo_metadata_and_the_same_bytes_each_time() {
    let (tmp, index, path) = mosul_export(Format::Parquet);
    let again = tmp.path().join("again.parquet");
    frontline::export::write_file(&index, Format::Parquet, &again).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes, std::fs::read(&again).unwrap(), "deterministic");
    assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains(r#""geometry_types":["MultiPolygon"]"#),
        "GeoParquet metadata"
    );
    assert!(text.contains(r#""version":"1.1.0""#));
}

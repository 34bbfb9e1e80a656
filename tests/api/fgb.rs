//! The FlatGeobuf export read back by GDAL (`ogrinfo`, `ogr2ogr`, locally and over HTTP ranges)
//! and by the reference reader's spatial index: the layer, its CRS and fields, conversions both
//! ways, a bbox, an instant, and every value.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use frontline::domain::geometry::Bbox;
use frontline::domain::index::Index;
use frontline::domain::time::Instant;
use frontline::export::{Format, control_records};

use crate::export::{mosul_export, run_ok, state_ids_at};
use crate::helpers::{mosul_dir, serve};

/// West Mosul around the Old City, as `ogrinfo -spat` takes it.
const BOX: [&str; 4] = ["43.10", "36.32", "43.15", "36.36"];

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The `name: Type` lines of an `ogrinfo -so` summary, in order (not the GeoPackage's
/// `FID Column = fid` and `Geometry Column = geom`).
fn fields(summary: &str) -> Vec<String> {
    summary
        .lines()
        .skip_while(|l| !l.starts_with("Data axis to CRS axis mapping"))
        .skip(1)
        .filter(|l| l.contains(": "))
        .map(str::to_owned)
        .collect()
}

/// The values of one attribute in `ogrinfo` feature output (`  id (String) = …`).
fn values(ogrinfo: &str, field: &str) -> BTreeSet<String> {
    ogrinfo
        .lines()
        .filter_map(|l| l.trim().strip_prefix(&format!("{field} (String) = ")))
        .map(str::to_owned)
        .collect()
}

/// The ids of every state of the districts whose area meets `bbox`, as the index says.
fn state_ids_in(index: &Index, bbox: &Bbox) -> BTreeSet<String> {
    let districts = index.districts_in(Some(bbox));
    control_records(index)
        .filter(|r| districts.contains(&r.district_index))
        .map(|r| r.id)
        .collect()
}

#[test]
fn ogrinfo_reads_one_multipolygon_layer_in_wgs_84_with_the_control_fields_in_order() {
    let (_tmp, index, path) = mosul_export(Format::Fgb);
    let info = run_ok("ogrinfo", &["-ro", "-so", "-al", s(&path)]);
    assert!(info.contains("using driver `FlatGeobuf'"), "{info}");
    assert!(info.contains("Layer name: control\n"), "{info}");
    assert!(info.contains("Geometry: Multi Polygon\n"), "{info}");
    assert!(
        info.contains(&format!("Feature Count: {}\n", index.states.len())),
        "{info}"
    );
    assert!(info.contains("GEOGCRS[\"WGS 84\""), "{info}");
    assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
    assert_eq!(
        fields(&info),
        [
            "id: String (0.0) UNIQUE NOT NULL",
            "district: String (0.0) NOT NULL",
            "name: String (0.0) NOT NULL",
            "status: String (0.0) NOT NULL",
            "faction: String (0.0)",
            "factions: String (0.0) NOT NULL",
            "valid_from: DateTime (0.0) NOT NULL",
            "valid_to: DateTime (0.0)",
            "confidence: String (0.0) NOT NULL",
            "sources: String (0.0) NOT NULL",
            "note: String (0.0) NOT NULL",
        ]
    );
    // The same schema as the GeoPackage's `control` layer, field for field.
    let (_gtmp, _, gpkg) = mosul_export(Format::Gpkg);
    let gpkg_info = run_ok("ogrinfo", &["-ro", "-so", s(&gpkg), "control"]);
    assert_eq!(fields(&info), fields(&gpkg_info));
}

#[test]
fn ogr2ogr_copies_the_flatgeobuf_into_a_geopackage_and_our_geopackage_into_flatgeobuf() {
    let (tmp, index, fgb) = mosul_export(Format::Fgb);
    let copy = tmp.path().join("copy.gpkg");
    run_ok("ogr2ogr", &["-f", "GPKG", s(&copy), s(&fgb)]);
    let info = run_ok("ogrinfo", &["-ro", "-so", s(&copy), "control"]);
    assert!(
        info.contains(&format!("Feature Count: {}\n", index.states.len())),
        "{info}"
    );
    assert!(info.contains("valid_from: DateTime"), "{info}");

    // Our GeoPackage writes the lists as `;`-joined TEXT, so GDAL's FlatGeobuf writer (which has
    // no list type) takes the `control` layer as it is.
    let (_gtmp, _, gpkg) = mosul_export(Format::Gpkg);
    let back = tmp.path().join("back.fgb");
    run_ok(
        "ogr2ogr",
        &["-f", "FlatGeobuf", s(&back), s(&gpkg), "control"],
    );
    let info = run_ok("ogrinfo", &["-ro", "-so", "-al", s(&back)]);
    assert!(
        info.contains(&format!("Feature Count: {}\n", index.states.len())),
        "{info}"
    );
    assert!(info.contains("factions: String"), "{info}");
    assert!(info.contains("sources: String"), "{info}");
}

#[test]
fn a_spatial_filter_returns_every_state_of_the_districts_in_the_box_through_the_index() {
    let (_tmp, index, path) = mosul_export(Format::Fgb);
    let bbox: Bbox = BOX.join(",").parse().unwrap();
    let expected = state_ids_in(&index, &bbox);
    assert!(
        expected.contains("zanjili@2017-05-30") && expected.len() > 30,
        "{expected:?}"
    );

    let mut args = vec!["-ro", "-q", s(&path), "control", "-spat"];
    args.extend(BOX);
    let found = values(&run_ok("ogrinfo", &args), "id");
    assert_eq!(found, expected);

    // The packed R-tree itself: its candidates are the states whose district envelope meets the
    // box, which the exact filter above then narrows.
    let reader = FgbReader::open(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.header().index_node_size(), 16);
    let [x0, y0, x1, y1] = BOX.map(|v| v.parse::<f64>().unwrap());
    let mut features = reader.select_bbox(x0, y0, x1, y1).unwrap();
    let mut candidates = BTreeSet::new();
    while let Some(feature) = features.next().unwrap() {
        candidates.insert(feature.property::<String>("id").unwrap());
    }
    let meets = |d: u32| {
        let e = index.districts[d as usize].envelope;
        e.min().x <= x1 && e.max().x >= x0 && e.min().y <= y1 && e.max().y >= y0
    };
    let by_envelope: BTreeSet<String> = control_records(&index)
        .filter(|r| meets(r.district_index))
        .map(|r| r.id)
        .collect();
    assert_eq!(candidates, by_envelope);
    assert!(candidates.is_superset(&expected));
}

#[test]
fn a_sqlite_time_filter_gives_exactly_the_map_at_that_instant() {
    let (_tmp, index, path) = mosul_export(Format::Fgb);
    // 2 June 2017 is Sihha's hand-over: the state that starts then wins, the one ending then not.
    for day in ["2017-01-24", "2017-06-02"] {
        let at = format!("{day}T00:00:00Z");
        let sql = format!(
            "SELECT * FROM control WHERE valid_from <= '{at}' \
             AND (valid_to IS NULL OR valid_to > '{at}')"
        );
        let out = run_ok(
            "ogrinfo",
            &["-ro", "-q", s(&path), "-dialect", "SQLite", "-sql", &sql],
        );
        let t: Instant = day.parse().unwrap();
        let expected = state_ids_at(&index, t);
        assert!(expected.len() > 50, "{expected:?}");
        assert_eq!(values(&out, "id"), expected, "at {day}");
        assert_eq!(
            out.matches("OGRFeature(").count(),
            expected.len(),
            "one state per district at {day}"
        );
    }
}

#[test]
fn every_attribute_and_coordinate_survives_the_flatgeobuf() {
    let (_tmp, index, path) = mosul_export(Format::Fgb);
    let json = run_ok("ogr2ogr", &["-f", "GeoJSON", "/vsistdout/", s(&path)]);
    let fc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let features: HashMap<&str, &serde_json::Value> = fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["id"].as_str().unwrap(), f))
        .collect();
    assert_eq!(features.len(), index.states.len());

    // One known state, literally: contested, so no single holder.
    let p = &features["zanjili@2017-05-30"]["properties"];
    assert_eq!(p["district"], "zanjili");
    assert_eq!(p["name"], "Zanjili");
    assert_eq!(p["status"], "contested");
    assert!(
        p.get("faction").is_none_or(serde_json::Value::is_null),
        "{p}"
    );
    assert_eq!(p["factions"], "isf;isil");
    assert_eq!(p["valid_from"], "2017-05-30T00:00:00Z");
    assert_eq!(p["valid_to"], "2017-06-13T00:00:00Z");
    assert_eq!(p["confidence"], "reported");
    assert_eq!(
        p["sources"],
        "alwasatnews-1245531;xinhua-2017-06-10-zanjili;rudaw-10062017"
    );
    assert!(
        p["note"]
            .as_str()
            .unwrap()
            .starts_with("About a third taken")
    );

    // And every state, against the records every format writes.
    for r in control_records(&index) {
        let f = features[r.id.as_str()];
        let p = &f["properties"];
        assert_eq!(p["district"], r.district);
        assert_eq!(p["name"], r.name);
        assert_eq!(p["status"], r.status);
        assert_eq!(
            p.get("faction").and_then(serde_json::Value::as_str),
            r.faction
        );
        assert_eq!(p["factions"], r.factions.join(";"));
        assert_eq!(p["valid_from"], r.valid_from.to_rfc3339());
        let valid_to = p.get("valid_to").and_then(serde_json::Value::as_str);
        assert_eq!(valid_to, r.valid_to.map(Instant::to_rfc3339).as_deref());
        assert_eq!(p["confidence"], r.confidence);
        assert_eq!(p["sources"], r.sources.join(";"));
        assert_eq!(p["note"], r.note);
        assert_eq!(f["geometry"]["type"], "MultiPolygon", "{}", r.id);
        let gdal: geojson::Geometry = serde_json::from_value(f["geometry"].clone()).unwrap();
        let gdal = geo::Geometry::<f64>::try_from(gdal).unwrap();
        let ours = &index.districts[r.district_index as usize].district.geometry;
        let coords = |g: &geo::Geometry<f64>| geo::CoordsIter::coords_iter(g).collect::<Vec<_>>();
        assert_eq!(coords(&gdal), coords(ours), "{}", r.id);
    }
}

#[test]
fn the_same_data_gives_the_same_flatgeobuf_bytes() {
    let (tmp, index, path) = mosul_export(Format::Fgb);
    let again = tmp.path().join("again.fgb");
    frontline::export::write_file(&index, Format::Fgb, &again).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn gdal_reads_a_box_of_the_served_flatgeobuf_with_byte_ranges_only() {
    let (_tmp, index, _path) = mosul_export(Format::Fgb);
    let (_server, port) = serve(&mosul_dir());
    let url = format!("/vsicurl/http://127.0.0.1:{port}/api/export/frontline-control.fgb");
    let mut args = vec!["-ro", "-q", url.as_str(), "control", "-spat"];
    args.extend(BOX);
    let out = std::process::Command::new("ogrinfo")
        .args(&args)
        .env("CPL_DEBUG", "ON")
        .output()
        .expect("ogrinfo (Debian package gdal-bin) is installed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let codes: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("VSICURL: Got response_code="))
        .collect();
    assert!(!codes.is_empty(), "{stderr}");
    assert!(codes.iter().all(|c| *c == "206"), "{codes:?}");
    let bbox: Bbox = BOX.join(",").parse().unwrap();
    assert_eq!(
        values(&String::from_utf8_lossy(&out.stdout), "id"),
        state_ids_in(&index, &bbox)
    );
}

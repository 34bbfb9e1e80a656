//! The exports, read back by clients we did not write: GDAL (`ogrinfo`, `ogr2ogr`,
//! `validate_gpkg.py`), QGIS (PyQGIS, headless) and Python's XML parser. A missing tool fails the
//! test: `scripts/test` installs them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use frontline::domain::index::Index;
use frontline::domain::time::Instant;
use frontline::export::{self, Format};
use tempfile::TempDir;

use crate::helpers::{index_of, mosul_dir};

pub const VALIDATE_GPKG: &str =
    "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
/// Debian's Python, which has GDAL's and QGIS's bindings (a pyenv `python3` may not).
pub const PYTHON: &str = "/usr/bin/python3";

/// Runs a tool, failing the test with a hint when it is not installed.
pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {program} ({e}): scripts/test installs gdal-bin, python3-gdal, python3-qgis")
        })
}

/// Like [`run`], and the tool must succeed; returns its standard output.
pub fn run_ok(program: &str, args: &[&str]) -> String {
    let out = run(program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Mosul index and its export as `format` in a temporary directory.
pub fn mosul_export(format: Format) -> (TempDir, Index, PathBuf) {
    let (tmp, index) = index_of(&mosul_dir());
    let path = tmp.path().join(format!("mosul.{format}"));
    export::write_file(&index, format, &path).expect("the export is written");
    (tmp, index, path)
}

/// The ids of the states holding at `t`, as the index says.
pub fn state_ids_at(index: &Index, t: Instant) -> BTreeSet<String> {
    (0..index.districts.len() as u32)
        .filter_map(|d| index.state_at(d, t))
        .map(|s| index.state_id(s))
        .collect()
}

/// Rows of an `ogr2ogr -f CSV` conversion, as header → value maps.
pub(crate) fn ogr_csv(args: &[&str]) -> Vec<std::collections::HashMap<String, String>> {
    let mut all = vec!["-f", "CSV", "/vsistdout/"];
    all.extend_from_slice(args);
    let text = run_ok("ogr2ogr", &all);
    // Flexible: GDAL ends a geometry-less SQL result's header with an empty column.
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

fn gpkg_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn the_mosul_geopackage_passes_gdal_validate_gpkg_with_extra_checks() {
    let (_tmp, _index, path) = mosul_export(Format::Gpkg);
    let out = run(
        PYTHON,
        &[
            VALIDATE_GPKG,
            "-k",
            "--extra",
            "--warning-as-error",
            gpkg_str(&path),
        ],
    );
    assert!(
        out.status.success(),
        "validate_gpkg: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ogrinfo_lists_the_three_layers_with_a_feature_per_district_state_and_front_piece() {
    let (_tmp, index, path) = mosul_export(Format::Gpkg);
    for (layer, geometry, count) in [
        ("districts", "Multi Polygon", index.districts.len()),
        ("control", "Multi Polygon", index.states.len()),
        ("frontline", "Multi Line String", index.fronts().len()),
    ] {
        let info = run_ok("ogrinfo", &["-ro", "-so", gpkg_str(&path), layer]);
        assert!(info.contains(&format!("Geometry: {geometry}\n")), "{info}");
        assert!(
            info.contains(&format!("Feature Count: {count}\n")),
            "{layer} should have {count} features: {info}"
        );
        assert!(info.contains("ID[\"EPSG\",4326]"), "{info}");
        if layer != "districts" {
            assert!(info.contains("valid_from: DateTime"), "{info}");
            assert!(info.contains("valid_to: DateTime"), "{info}");
        }
    }
    assert!(index.fronts().len() > 100, "Mosul has a front line");
}

#[test]
fn a_gdal_query_for_the_states_valid_at_an_instant_returns_what_the_index_holds_there() {
    let (_tmp, index, path) = mosul_export(Format::Gpkg);
    // 2 June 2017 is Sihha's hand-over: the newer state wins.
    for day in ["2016-10-01", "2017-06-02", "2017-06-03"] {
        let t: Instant = day.parse().unwrap();
        let at = export::gpkg_datetime(t);
        let sql = format!(
            "SELECT id, district, status, faction, factions FROM control \
             WHERE valid_from <= '{at}' AND (valid_to IS NULL OR valid_to > '{at}')"
        );
        let rows = ogr_csv(&[gpkg_str(&path), "-sql", &sql]);
        let ids: BTreeSet<String> = rows.iter().map(|r| r["id"].clone()).collect();
        assert_eq!(ids.len(), rows.len(), "one state per district at {day}");
        assert_eq!(ids, state_ids_at(&index, t), "at {day}");
        if day == "2017-06-03" {
            let row = |d: &str| rows.iter().find(|r| r["district"] == d).unwrap();
            assert_eq!(row("zanjili")["status"], "contested");
            assert_eq!(row("zanjili")["faction"], "");
            assert_eq!(row("zanjili")["factions"], "isf;isil");
            assert_eq!(row("sihha")["status"], "held");
            assert_eq!(row("sihha")["faction"], "isf");
        }
    }
}

#[test]
fn the_geopackage_spatial_index_finds_the_district_under_a_point() {
    let (_tmp, index, path) = mosul_export(Format::Gpkg);
    let sihha = index.district_index("sihha").unwrap() as usize;
    let c = geo::Centroid::centroid(&index.districts[sihha].district.geometry).unwrap();
    let sql = format!(
        "SELECT id FROM districts WHERE fid IN (SELECT id FROM rtree_districts_geom \
         WHERE minx <= {x} AND maxx >= {x} AND miny <= {y} AND maxy >= {y})",
        x = c.x(),
        y = c.y()
    );
    let rows = ogr_csv(&[gpkg_str(&path), "-sql", &sql]);
    assert!(rows.iter().any(|r| r["id"] == "sihha"), "{rows:?}");
}

#[test]
fn the_same_data_gives_the_same_geopackage_bytes() {
    let (tmp, index, path) = mosul_export(Format::Gpkg);
    let again = tmp.path().join("again.gpkg");
    export::write_file(&index, Format::Gpkg, &again).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

const QGIS_SCRIPT: &str = r#"
import json, os, sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsDateTimeRange, QgsFeatureRequest,
                       QgsVectorLayerTemporalContext)
from qgis.PyQt.QtCore import QDateTime, Qt
app = QgsApplication([], False)
app.initQgis()
path, at = sys.argv[1], QDateTime.fromString(sys.argv[2], Qt.ISODateWithMs)
result = {}
for name in ["control", "frontline"]:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    tp = layer.temporalProperties()
    guessed = [tp.startField(), tp.endField(), int(tp.mode())]
    # What QGIS desktop does right after adding a layer (QgsAppLayerHandling::postProcessAddedLayer).
    _, loaded = layer.loadDefaultStyle()
    ctx = QgsVectorLayerTemporalContext()
    ctx.setLayer(layer)
    flt = tp.createFilterString(ctx, QgsDateTimeRange(at, at, True, True))
    ids = sorted(f["id"] for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(flt)))
    result[name] = {
        "valid": layer.isValid(), "guessed": guessed, "style_loaded": loaded,
        "active": tp.isActive(), "mode": int(tp.mode()), "limit": int(tp.limitMode()),
        "start": tp.startField(), "end": tp.endField(), "renderer": layer.renderer().type(),
        "ids_at": ids,
    }
print(json.dumps(result), flush=True)
# Skip QGIS's teardown, which can crash on exit in a headless process.
os._exit(0)
"#;

#[test]
fn qgis_opens_the_time_aware_layers_with_their_temporal_properties_on() {
    let (tmp, index, path) = mosul_export(Format::Gpkg);
    let script = tmp.path().join("qgis_check.py");
    std::fs::write(&script, QGIS_SCRIPT).unwrap();
    let t = Instant::from_ymd(2017, 6, 3);
    let out = run_ok(
        PYTHON,
        &[
            script.to_str().unwrap(),
            gpkg_str(&path),
            &export::gpkg_datetime(t),
        ],
    );
    let json_line = out.lines().last().unwrap_or_default();
    let result: serde_json::Value = serde_json::from_str(json_line).expect(&out);
    for layer in ["control", "frontline"] {
        let r = &result[layer];
        assert_eq!(r["valid"], true, "{r}");
        // Without our style, QGIS's own field detection already picks the pair…
        assert_eq!(
            r["guessed"],
            serde_json::json!(["valid_from", "valid_to", 2]),
            "{r}"
        );
        // …and the default style stored in the GeoPackage switches the temporal controller on.
        assert_eq!(r["style_loaded"], true, "{r}");
        assert_eq!(r["active"], true, "{r}");
        assert_eq!(r["mode"], 4, "start and end from expressions: {r}");
        assert_eq!(r["limit"], 0, "include start, exclude end: {r}");
        assert_eq!(
            (&r["start"], &r["end"]),
            (&"valid_from".into(), &"valid_to".into())
        );
    }
    assert_eq!(result["control"]["renderer"], "categorizedSymbol");
    let ids: BTreeSet<String> = result["control"]["ids_at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids,
        state_ids_at(&index, t),
        "QGIS's time filter shows the map at T"
    );
    let fronts = result["frontline"]["ids_at"].as_array().unwrap().len();
    assert_eq!(fronts, index.frontline(t, None).len());
}

const QGIS_EVERY_DAY: &str = r#"
import json, os, sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsDateTimeRange, QgsFeatureRequest,
                       QgsVectorLayerTemporalContext)
from qgis.PyQt.QtCore import QDateTime, Qt
app = QgsApplication([], False)
app.initQgis()
path, instants = sys.argv[1], json.load(open(sys.argv[2]))
result = {}
for name in ["control", "frontline"]:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    layer.loadDefaultStyle()
    tp = layer.temporalProperties()
    ctx = QgsVectorLayerTemporalContext()
    ctx.setLayer(layer)
    days = {}
    for at in instants:
        start = QDateTime.fromString(at, Qt.ISODateWithMs)
        # A one-day frame of the temporal controller: [T, T + 1 day).
        frame = QgsDateTimeRange(start, start.addDays(1), True, False)
        flt = tp.createFilterString(ctx, frame)
        days[at] = sorted(f["id"] for f in layer.getFeatures(QgsFeatureRequest().setFilterExpression(flt)))
    result[name] = {"mode": int(tp.mode()), "days": days}
print(json.dumps(result), flush=True)
os._exit(0)
"#;

#[test]
fn qgis_shows_the_map_of_every_hand_over_day_of_mosul_exactly() {
    let (tmp, index, path) = mosul_export(Format::Gpkg);
    let script = tmp.path().join("qgis_days.py");
    std::fs::write(&script, QGIS_EVERY_DAY).unwrap();
    // Every instant at which a district changes hands (all at midnight UTC in Mosul's data).
    let ticks: Vec<Instant> = index
        .timeline()
        .ticks
        .iter()
        .filter(|t| t.handovers > 0)
        .map(|t| t.at)
        .collect();
    assert!(ticks.len() > 70, "{} hand-over instants", ticks.len());
    assert!(ticks.iter().all(|t| t.is_midnight()));
    let instants: Vec<String> = ticks.iter().map(|&t| export::gpkg_datetime(t)).collect();
    let list = tmp.path().join("instants.json");
    std::fs::write(&list, serde_json::to_string(&instants).unwrap()).unwrap();
    let out = Command::new(PYTHON)
        .args([
            script.to_str().unwrap(),
            gpkg_str(&path),
            list.to_str().unwrap(),
        ])
        .env("QT_QPA_PLATFORM", "offscreen")
        // The temporal controller works in the process's time zone; the data are in UTC.
        .env("TZ", "UTC")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|_| panic!("{stdout}{}", String::from_utf8_lossy(&out.stderr)));
    let mut wrong = Vec::new();
    for (&t, at) in ticks.iter().zip(&instants) {
        let shown: BTreeSet<String> = result["control"]["days"][at]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        if shown != state_ids_at(&index, t) {
            wrong.push(format!("control {at}"));
        }
        let fronts: BTreeSet<String> = result["frontline"]["days"][at]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let expected: BTreeSet<String> = index
            .fronts()
            .iter()
            .filter(|p| p.interval.contains(t))
            .map(|p| p.id(&index))
            .collect();
        if fronts != expected {
            wrong.push(format!("frontline {at}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} days wrong in QGIS: {wrong:?}",
        wrong.len(),
        2 * ticks.len()
    );
}

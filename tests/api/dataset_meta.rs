//! The parts of a data set beyond its four files: sides (`alliance`), source kinds and notes,
//! `dataset.json` and context layers. Each rule rejects bad input with a located message, and a
//! good data set round-trips through the store and the canonical writer unchanged.

use std::fs;
use std::path::Path;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::AnyStore;
use rstest::rstest;
use tempfile::TempDir;

use crate::helpers::{db_arg, stored_bytes, test_db, write_small};

/// The small data set with sides, classified sources, a `dataset.json` and a river layer.
fn write_full(dir: &Path) {
    write_small(dir);
    fs::write(
        dir.join("factions.csv"),
        "id,name,color,alliance\nred,Red Army,#d62728,\nblue,Blue Force,#1f77b4,allies\ngreen,Green Guard,#2ca02c,allies\n",
    )
    .unwrap();
    fs::write(
        dir.join("sources.csv"),
        "id,title,publisher,published,url,kind,note\n\
         wire-1,Red holds the line,Wire,2020-01-01,https://example.org/1,wire,\n\
         wire-2,Blue takes the middle,Wire,2020-02-01,https://example.org/2,wire,Copy of the wire report\n\
         forum-1,A post,Forum,2020-02-01,https://forum.example.org/1,forum,\n",
    )
    .unwrap();
    fs::write(
        dir.join("dataset.json"),
        r#"{
  "title": "Battle of the Squares",
  "place": "Squares",
  "period": ["2020-01-01", "2020-02-01"],
  "default_date": "2020-01-28",
  "default_view": [43.0, 36.0, 43.03, 36.01],
  "front_gap_km": 1.0,
  "regions": [{"id": "town", "name": "The town", "groups": ["Town"]}],
  "main_region": "town",
  "licence": "CC BY 4.0",
  "credits": [{"text": "Squares: made up", "licence": "CC0"}],
  "layers": [{"id": "water", "kind": "water", "name": "Brook", "attribution": "Drawn by hand"}]
}
"#,
    )
    .unwrap();
    fs::create_dir_all(dir.join("context")).unwrap();
    fs::write(
        dir.join("context/water.geojson"),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Brook"},"geometry":{"type":"LineString","coordinates":[[43.0,35.99],[43.03,35.99]]}}]}"#,
    )
    .unwrap();
}

fn full_dir() -> TempDir {
    let tmp = TempDir::new().unwrap();
    write_full(tmp.path());
    tmp
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_full_data_set_reads_stores_and_writes_back_unchanged() {
    let dir = full_dir();
    let data = dataset::read_dir(dir.path()).unwrap();
    assert_eq!(data.factions[1].alliance.as_deref(), Some("allies"));
    assert_eq!(data.sources[1].note, "Copy of the wire report");
    assert_eq!(data.meta.title, "Battle of the Squares");
    assert_eq!(data.meta.default_date, Some(Instant::from_ymd(2020, 1, 28)));
    assert_eq!(data.layers.len(), 1);
    // Canonical: written, read and written again gives the same bytes.
    let (a, b) = (TempDir::new().unwrap(), TempDir::new().unwrap());
    dataset::write_dir(&data, a.path()).unwrap();
    dataset::write_dir(&dataset::read_dir(a.path()).unwrap(), b.path()).unwrap();
    for f in [
        "factions.csv",
        "sources.csv",
        "dataset.json",
        "context/water.geojson",
    ] {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
    // Through the store: everything comes back.
    let db = TempDir::new().unwrap();
    let mut store = AnyStore::open(&test_db(&db, "f.db")).unwrap();
    store.import(&data, Instant::from_ymd(2024, 1, 1)).unwrap();
    let loaded = store.load().unwrap().dataset;
    assert_eq!(loaded.factions, data.factions);
    assert_eq!(loaded.sources, data.sources);
    assert_eq!(loaded.meta, data.meta);
    assert_eq!(loaded.layers, data.layers);
}

#[test]
fn a_data_set_without_the_optional_parts_writes_none_of_them() {
    let dir = TempDir::new().unwrap();
    write_small(dir.path());
    let out = TempDir::new().unwrap();
    dataset::write_dir(&dataset::read_dir(dir.path()).unwrap(), out.path()).unwrap();
    assert!(!out.path().join("dataset.json").exists());
    assert!(
        fs::read_to_string(out.path().join("factions.csv"))
            .unwrap()
            .starts_with("id,name,color\n")
    );
    assert!(
        fs::read_to_string(out.path().join("sources.csv"))
            .unwrap()
            .starts_with("id,title,publisher,published,url\n")
    );
}

#[rstest]
#[case::alliance_is_a_faction(
    "factions.csv",
    "#1f77b4,allies",
    "#1f77b4,red",
    "factions.csv line 3: alliance 'red' is the id of another faction"
)]
#[case::bad_kind(
    "sources.csv",
    "example.org/1,wire,",
    "example.org/1,tabloid,",
    "sources.csv line 2: kind: 'tabloid' is not a valid source kind"
)]
#[case::confirmed_by_a_forum_alone(
    "control.csv",
    "2020-02-01,,confirmed,wire-2,",
    "2020-02-01,,confirmed,forum-1,",
    "confidence 'confirmed' needs a credible source"
)]
#[case::unknown_field(
    "dataset.json",
    "\"title\"",
    "\"titel\"",
    "dataset.json -: unknown field `titel`"
)]
#[case::unknown_group(
    "dataset.json",
    "\"groups\": [\"Town\"]",
    "\"groups\": [\"Atlantis\"]",
    "unknown group 'Atlantis': the districts' groups are Town"
)]
#[case::unknown_main_region(
    "dataset.json",
    "\"main_region\": \"town\"",
    "\"main_region\": \"city\"",
    "dataset.json main_region: 'city' is not one of the regions"
)]
#[case::gap_too_wide(
    "dataset.json",
    "\"front_gap_km\": 1.0",
    "\"front_gap_km\": 50.0",
    "dataset.json front_gap_km: 50 is not valid"
)]
#[case::bad_view(
    "dataset.json",
    "[43.0, 36.0, 43.03, 36.01]",
    "[43.03, 36.0, 43.0, 36.01]",
    "dataset.json default_view"
)]
#[case::bad_date(
    "dataset.json",
    "\"2020-01-28\"",
    "\"28 January\"",
    "'28 January' is not a valid instant"
)]
#[case::missing_layer_file(
    "dataset.json",
    "\"id\": \"water\"",
    "\"id\": \"roads\"",
    "context/roads.geojson -: cannot be read"
)]
#[case::bad_layer_kind(
    "dataset.json",
    "\"kind\": \"water\"",
    "\"kind\": \"lava\"",
    "dataset.json layers: unknown variant `lava`"
)]
#[case::wrong_geometry(
    "context/water.geojson",
    "\"LineString\",\"coordinates\":[[43.0,35.99],[43.03,35.99]]",
    "\"Point\",\"coordinates\":[43.0,35.99]",
    "context/water.geojson feature 1: type Point is not allowed in a water layer"
)]
#[case::bad_coordinates(
    "context/water.geojson",
    "[43.03,35.99]",
    "[243.03,35.99]",
    "context/water.geojson feature 1: position"
)]
fn a_bad_optional_part_is_rejected_with_its_location_and_nothing_is_written(
    #[case] file: &str,
    #[case] from: &str,
    #[case] to: &str,
    #[case] expected: &str,
) {
    let db_dir = TempDir::new().unwrap();
    let db = test_db(&db_dir, "f.db");
    let good = full_dir();
    AnyStore::open(&db)
        .unwrap()
        .import(
            &dataset::read_dir(good.path()).unwrap(),
            Instant::from_ymd(2024, 1, 1),
        )
        .unwrap();
    let before = stored_bytes(db.clone());
    let bad = full_dir();
    edit(bad.path(), file, from, to);
    let report = dataset::read_dir(bad.path())
        .expect_err("the edit breaks a rule")
        .to_string();
    assert!(
        report.contains(expected),
        "expected {expected:?} in:\n{report}"
    );
    let import = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .arg("import")
        .arg(bad.path())
        .arg("--db")
        .arg(db_arg(&db))
        .output()
        .unwrap();
    assert!(!import.status.success());
    assert!(String::from_utf8_lossy(&import.stderr).contains(expected));
    assert_eq!(
        stored_bytes(db.clone()),
        before,
        "a failed import changed the database"
    );
}

#[test]
fn a_confirmed_state_passes_when_one_of_its_sources_is_credible() {
    let dir = full_dir();
    edit(
        dir.path(),
        "control.csv",
        "2020-02-01,,confirmed,wire-2,",
        "2020-02-01,,confirmed,forum-1;wire-2,",
    );
    dataset::read_dir(dir.path()).expect("a wire report beside the forum post confirms it");
}

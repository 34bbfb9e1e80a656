//! Import and check: every validation rule rejects bad input with a located message, and a failed
//! import leaves the database exactly as it was.

use std::fs;
use std::path::Path;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, DbLocation};
use rstest::rstest;
use tempfile::TempDir;

use crate::helpers::{db_arg, exec_sql, small_dir, stored_bytes, test_db};

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// A new store of the suite's kind (see [`test_db`]) holding the small data set imported on
/// 2024-01-01, and the directory a SQLite one lives in.
fn stored_small() -> (TempDir, DbLocation, AnyStore) {
    let dir = small_dir();
    let db_dir = TempDir::new().unwrap();
    let db = test_db(&db_dir, "f.db");
    let mut store = AnyStore::open(&db).unwrap();
    let data = dataset::read_dir(dir.path()).unwrap();
    store.import(&data, Instant::from_ymd(2024, 1, 1)).unwrap();
    (db_dir, db, store)
}

const MIDDLE_SQUARE: &str =
    "[[[43.01,36.0],[43.02,36.0],[43.02,36.01],[43.01,36.01],[43.01,36.0]]]";

#[rstest]
#[case::unknown_district(
    "control.csv",
    "east,held,red",
    "nowhere,held,red",
    "control.csv line 2: unknown district 'nowhere'"
)]
#[case::unknown_faction(
    "control.csv",
    "east,held,red",
    "east,held,green",
    "control.csv line 2: unknown faction 'green'"
)]
#[case::unknown_source(
    "control.csv",
    "confirmed,wire-1,\nmiddle",
    "confirmed,wire-9,\nmiddle",
    "unknown source 'wire-9'"
)]
#[case::no_source(
    "control.csv",
    "east,held,red,2020-01-01,,confirmed,wire-1,",
    "east,held,red,2020-01-01,,confirmed,,",
    "control.csv line 2: no sources"
)]
#[case::duplicate_faction(
    "factions.csv",
    "blue,Blue Force",
    "red,Blue Force",
    "factions.csv line 3: duplicate faction id 'red'"
)]
#[case::duplicate_source(
    "sources.csv",
    "wire-2,Blue",
    "wire-1,Blue",
    "sources.csv line 3: duplicate source id 'wire-1'"
)]
#[case::duplicate_district(
    "districts.geojson",
    "\"id\":\"east\"",
    "\"id\":\"west\"",
    "feature 3 (id 'west'): duplicate district id 'west'"
)]
#[case::bad_colour(
    "factions.csv",
    "#d62728",
    "red",
    "color 'red' is not valid: expected #rrggbb"
)]
#[case::malformed_date(
    "control.csv",
    "2020-01-25,2020-02-01",
    "2020-01-25,2020-02-31",
    "control.csv line 4: valid_to: '2020-02-31' is not a valid instant"
)]
#[case::end_before_start(
    "control.csv",
    "2020-01-25,2020-02-01",
    "2020-02-01,2020-01-25",
    "valid_to 2020-01-25 is not after valid_from 2020-02-01"
)]
#[case::end_equals_start(
    "control.csv",
    "2020-01-25,2020-02-01",
    "2020-01-25,2020-01-25",
    "valid_to 2020-01-25 is not after valid_from 2020-01-25"
)]
#[case::states_overlap(
    "control.csv",
    "middle,held,blue,2020-02-01",
    "middle,held,blue,2020-01-31",
    "control.csv line 5: overlaps the state on line 4 of district 'middle'"
)]
#[case::held_by_two(
    "control.csv",
    "east,held,red,",
    "east,held,red;blue,",
    "status 'held' needs exactly one faction, found 2"
)]
#[case::contested_by_one(
    "control.csv",
    "contested,blue;red",
    "contested,blue",
    "status 'contested' needs two or more factions"
)]
#[case::bad_status(
    "control.csv",
    "east,held,red",
    "east,owned,red",
    "control.csv line 2: status: 'owned' is not a valid status"
)]
#[case::bad_confidence(
    "control.csv",
    ",confirmed,wire-2,",
    ",certain,wire-2,",
    "'certain' is not a valid confidence: expected one of `confirmed` `reported` `claimed` `estimated`"
)]
#[case::short_row(
    "control.csv",
    "west,held,blue,2020-01-01,,confirmed,wire-1,",
    "west,held,blue",
    "control.csv line 6: has 3 fields: expected 8"
)]
#[case::bad_header(
    "sources.csv",
    "id,title,publisher",
    "id,name,publisher",
    "sources.csv line 1: header is 'id,name,publisher,published,url'"
)]
#[case::unclosed_ring(
    "districts.geojson",
    "[43.0,36.01],[43.0,36.0]]]",
    "[43.0,36.01]]]",
    "feature 1 (id 'west'): invalid geometry: polygon 1 exterior ring is not closed"
)]
#[case::too_few_points(
    "districts.geojson",
    MIDDLE_SQUARE,
    "[[[43.01,36.0],[43.02,36.0],[43.01,36.0]]]",
    "exterior ring has 3 positions: a ring needs at least 4"
)]
#[case::self_intersecting(
    "districts.geojson",
    MIDDLE_SQUARE,
    "[[[43.01,36.0],[43.02,36.01],[43.02,36.0],[43.01,36.01],[43.01,36.0]]]",
    "feature 2 (id 'middle'): invalid geometry: exterior ring has a self-intersection"
)]
#[case::out_of_range(
    "districts.geojson",
    "[[[43.0,36.0]",
    "[[[43.0,96.0]",
    "feature 1 (id 'west'): invalid geometry"
)]
#[case::overlapping_districts(
    "districts.geojson",
    MIDDLE_SQUARE,
    "[[[43.005,36.0],[43.02,36.0],[43.02,36.01],[43.005,36.01],[43.005,36.0]]]",
    "feature 1 (id 'west'): overlaps district 'middle' by 0.5"
)]
#[case::not_a_polygon("districts.geojson", &format!("\"type\":\"Polygon\",\"coordinates\":{MIDDLE_SQUARE}"), "\"type\":\"Point\",\"coordinates\":[43.0,36.0]", "type Point is not allowed: expected Polygon or MultiPolygon")]
#[case::numeric_id(
    "districts.geojson",
    "\"id\":\"east\"",
    "\"id\":3",
    "feature 3: needs a string 'id'"
)]
#[case::missing_name(
    "districts.geojson",
    "\"name\":\"East\"",
    "\"title\":\"East\"",
    "feature 3 (id 'east'): property 'name' is required"
)]
#[case::broken_json(
    "districts.geojson",
    "{\"type\":\"FeatureCollection\"",
    "{\"type\":",
    "districts.geojson -: is not valid GeoJSON"
)]
fn a_bad_data_set_is_rejected_with_its_location_and_nothing_is_written(
    #[case] file: &str,
    #[case] from: &str,
    #[case] to: &str,
    #[case] expected: &str,
) {
    let (_db_dir, db, store) = stored_small();
    drop(store);
    let before = stored_bytes(db.clone());

    let bad = small_dir();
    edit(bad.path(), file, from, to);
    let err = dataset::read_dir(bad.path()).expect_err("the edit breaks a rule");
    let report = err.to_string();
    assert!(
        report.contains(expected),
        "expected {expected:?} in:\n{report}"
    );

    // The CLI path: check rejects, import rejects, the store is untouched.
    let bin = env!("CARGO_BIN_EXE_frontline");
    let check = std::process::Command::new(bin)
        .arg("check")
        .arg(bad.path())
        .output()
        .unwrap();
    assert!(!check.status.success());
    assert!(String::from_utf8_lossy(&check.stderr).contains(expected));
    let import = std::process::Command::new(bin)
        .arg("import")
        .arg(bad.path())
        .arg("--db")
        .arg(db_arg(&db))
        .output()
        .unwrap();
    assert!(!import.status.success());
    assert_eq!(
        stored_bytes(db.clone()),
        before,
        "a failed import changed the database"
    );
    assert_eq!(AnyStore::open(&db).unwrap().revision().unwrap(), 1);
}

#[test]
fn every_problem_in_every_file_is_reported_in_one_run() {
    let bad = small_dir();
    edit(bad.path(), "factions.csv", "#1f77b4", "blue");
    edit(
        bad.path(),
        "control.csv",
        "east,held,red",
        "nowhere,held,red",
    );
    edit(
        bad.path(),
        "districts.geojson",
        "\"id\":\"east\"",
        "\"id\":\"west\"",
    );
    let report = dataset::read_dir(bad.path()).unwrap_err();
    assert_eq!(report.0.len(), 3, "{report}");
}

#[test]
fn clockwise_rings_are_normalised_not_rejected() {
    let dir = small_dir();
    edit(
        dir.path(),
        "districts.geojson",
        MIDDLE_SQUARE,
        "[[[43.01,36.0],[43.01,36.01],[43.02,36.01],[43.02,36.0],[43.01,36.0]]]",
    );
    let data = dataset::read_dir(dir.path()).expect("orientation is fixed, not an error");
    use geo::Winding;
    let geo::Geometry::Polygon(p) = &data.districts[1].geometry else {
        panic!("a polygon")
    };
    assert!(p.exterior().is_ccw());
}

#[test]
fn a_sliver_overlap_of_a_few_metres_is_tolerated() {
    let dir = small_dir();
    // `middle` reaches 0.00003° (about 3 m) into `west`.
    edit(
        dir.path(),
        "districts.geojson",
        MIDDLE_SQUARE,
        "[[[43.00997,36.0],[43.02,36.0],[43.02,36.01],[43.00997,36.01],[43.00997,36.0]]]",
    );
    dataset::read_dir(dir.path()).expect("a 3 m sliver is not an overlap");
}

#[test]
fn import_export_import_is_byte_identical() {
    let tmp = TempDir::new().unwrap();
    let src = crate::helpers::synth_dir(300, 3000, 11);
    let bin = env!("CARGO_BIN_EXE_frontline");
    let run = |args: &[&std::ffi::OsStr]| {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let (db1, db2) = (
        db_arg(&test_db(&tmp, "1.db")),
        db_arg(&test_db(&tmp, "2.db")),
    );
    let (db1, db2) = (std::ffi::OsStr::new(&db1), std::ffi::OsStr::new(&db2));
    let (out1, out2) = (tmp.path().join("out1"), tmp.path().join("out2"));
    run(&[
        "import".as_ref(),
        src.path().as_os_str(),
        "--db".as_ref(),
        db1,
    ]);
    run(&["export".as_ref(), out1.as_os_str(), "--db".as_ref(), db1]);
    run(&["import".as_ref(), out1.as_os_str(), "--db".as_ref(), db2]);
    run(&["export".as_ref(), out2.as_os_str(), "--db".as_ref(), db2]);
    for f in [
        "factions.csv",
        "sources.csv",
        "control.csv",
        "districts.geojson",
    ] {
        let (a, b) = (
            fs::read(out1.join(f)).unwrap(),
            fs::read(out2.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs after a round trip");
        assert_eq!(
            fs::read(src.path().join(f)).unwrap(),
            a,
            "{f}: the synth writer is canonical too"
        );
    }
    let g1: serde_json::Value =
        serde_json::from_slice(&fs::read(src.path().join("districts.geojson")).unwrap()).unwrap();
    let g2: serde_json::Value =
        serde_json::from_slice(&fs::read(out2.join("districts.geojson")).unwrap()).unwrap();
    assert_eq!(g1, g2);
}

#[test]
fn reimporting_the_same_facts_keeps_when_they_were_recorded() {
    let dir = small_dir();
    let db_dir = TempDir::new().unwrap();
    let mut store = AnyStore::open(&test_db(&db_dir, "f.db")).unwrap();
    let data = dataset::read_dir(dir.path()).unwrap();
    store.import(&data, Instant::from_ymd(2024, 1, 1)).unwrap();
    let mut changed = data.clone();
    changed.states[0].note = "revised".into();
    let summary = store
        .import(&changed, Instant::from_ymd(2024, 6, 1))
        .unwrap();
    assert_eq!(summary.unchanged_states, data.states.len() - 1);
    assert_eq!(summary.revision, 2);
    let stored = store.load().unwrap();
    let recorded: Vec<_> = stored
        .rows
        .iter()
        .filter(|r| r.recorded_at == Instant::from_ymd(2024, 6, 1))
        .collect();
    assert_eq!(recorded.len(), 1, "only the revised state is new");
}

#[test]
fn a_storage_failure_mid_import_rolls_everything_back() {
    let dir = small_dir();
    let (_db_dir, db, mut store) = stored_small();
    let before = stored_bytes(db.clone());
    // Inject a failure: SQLite's link table of state sources (PostgreSQL keeps them in an array
    // of the state) refuses every insert. The re-import changes one state's note, so it
    // supersedes one state and records another before it fails.
    exec_sql(
        &db,
        "CREATE TRIGGER refuse BEFORE INSERT ON state_sources BEGIN SELECT RAISE(ABORT, 'injected'); END;",
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$;
         CREATE TRIGGER refuse BEFORE INSERT ON control_states FOR EACH ROW EXECUTE FUNCTION refuse();",
    );
    let mut changed = dataset::read_dir(dir.path()).unwrap();
    changed.states[0].note = "revised".into();
    let err = store
        .import(&changed, Instant::from_ymd(2024, 2, 1))
        .unwrap_err();
    assert!(err.to_string().contains("injected"), "{err}");
    exec_sql(
        &db,
        "DROP TRIGGER refuse;",
        "DROP TRIGGER refuse ON control_states;",
    );
    assert_eq!(stored_bytes(db.clone()), before);
    assert_eq!(store.revision().unwrap(), 1);
}

#[test]
fn a_corrupt_stored_geometry_is_reported_not_served() {
    // SQLite only: PostGIS's geometry type refuses bytes that are not a geometry, so there a
    // stored geometry cannot be corrupt this way.
    let dir = small_dir();
    let db_dir = TempDir::new().unwrap();
    let db: DbLocation = db_dir.path().join("f.db").into();
    let mut store = AnyStore::open(&db).unwrap();
    store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 1, 1),
        )
        .unwrap();
    drop(store);
    exec_sql(
        &db,
        "UPDATE districts SET geometry = x'0102' WHERE id = 'east'",
        "",
    );
    let err = frontline::server::open_index(&db, None).unwrap_err();
    assert!(
        format!("{err:#}").contains("stored geometry of district 'east' cannot be read"),
        "{err:#}"
    );
}

#[test]
fn synth_refuses_sizes_it_cannot_make_with_a_message() {
    let out_dir = TempDir::new().unwrap();
    for (districts, states) in [("0", "10"), ("10", "5")] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(["synth", "--districts", districts, "--states", states])
            .arg(out_dir.path().join("x"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("at least one state per district"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out_dir.path().join("x").exists(), "nothing is written");
    }
}

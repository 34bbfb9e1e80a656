//! Events and sites on the small data set: every malformed field is rejected with its file and
//! line and nothing is written; the API filters by days, place, kind, grade and district; a
//! re-import supersedes a changed event and `known_at` still shows the old one.

use std::fs;
use std::path::Path;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::Store;
use rstest::rstest;
use tempfile::TempDir;

use crate::helpers::{app, get_json, index_of, small_dir, stored_bytes, write_small_events};

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn small_with_events() -> TempDir {
    let dir = small_dir();
    write_small_events(dir.path());
    dir
}

#[rstest]
#[case::bad_kind(
    "events.csv",
    "strike,airstrike",
    "strike,bombing",
    "events.csv line 2: kind: 'bombing' is not a valid event kind: expected one of `offensive_start`"
)]
#[case::bad_date(
    "events.csv",
    "2020-01-26,,day",
    "2020-01-32,,day",
    "events.csv line 2: date_start: '2020-01-32' is not a date: expected YYYY-MM-DD"
)]
#[case::end_before_start(
    "events.csv",
    "2020-01-20,2020-01-27",
    "2020-01-20,2020-01-19",
    "events.csv line 3: date_end 2020-01-19 is before date_start 2020-01-20"
)]
#[case::bad_precision(
    "events.csv",
    ",day,",
    ",exactly,",
    "events.csv line 2: date_precision: 'exactly' is not a valid date precision: expected one of `day` `range` `approximate`"
)]
#[case::bad_location_precision(
    "events.csv",
    ",street,",
    ",gps,",
    "events.csv line 2: location_precision: 'gps' is not a valid location precision"
)]
#[case::lon_not_a_number(
    "events.csv",
    "43.015,36.005,street",
    "east,36.005,street",
    "events.csv line 2: lon: 'east' is not a number"
)]
#[case::lat_out_of_range(
    "events.csv",
    "43.015,36.005,street",
    "43.015,96.005,street",
    "events.csv line 2: lat 96.005 is out of range"
)]
#[case::unknown_faction(
    "events.csv",
    "blue;red,blue",
    "blue;green,blue",
    "events.csv line 2: factions: faction 'green' is not in factions.csv"
)]
#[case::responsible_not_involved(
    "events.csv",
    "blue;red,blue",
    "red,blue",
    "events.csv line 2: responsible 'blue' is not among the event's factions (red)"
)]
#[case::bad_grade(
    "events.csv",
    ",fair,",
    ",likely,",
    "events.csv line 2: grade: 'likely' is not a valid grade: expected one of `confirmed` `fair` `weak` `contested` `discounted`"
)]
#[case::no_source(
    "events.csv",
    "confirmed,wire-1,",
    "confirmed,,",
    "events.csv line 3: sources is empty"
)]
#[case::unknown_source(
    "events.csv",
    "fair,wire-1;wire-2",
    "fair,wire-1;wire-9",
    "events.csv line 2: sources: source 'wire-9' is not in sources.csv"
)]
#[case::duplicate_id(
    "events.csv",
    "flight,displacement",
    "strike,displacement",
    "events.csv line 3: event id 'strike' is used twice"
)]
#[case::bad_id(
    "events.csv",
    "flight,displacement",
    "flight one,displacement",
    "events.csv line 3: id 'flight one' is not valid"
)]
#[case::empty_title(
    "events.csv",
    "Strike on the market",
    "",
    "events.csv line 2: title is empty"
)]
#[case::short_row(
    "events.csv",
    ",day,43.015",
    ",day",
    "events.csv line 2: has 15 fields: expected 16"
)]
#[case::bad_header(
    "events.csv",
    "id,kind,title",
    "id,type,title",
    "events.csv line 1: header is 'id,type,title"
)]
#[case::figure_unknown_event(
    "event_figures.csv",
    "flight,displaced",
    "fligth,displaced",
    "event_figures.csv line 4: event: 'fligth' is not an id in events.csv"
)]
#[case::figure_bad_metric(
    "event_figures.csv",
    "strike,killed,civilians,12",
    "strike,dead,civilians,12",
    "event_figures.csv line 2: metric: 'dead' is not a valid metric: expected one of `killed`"
)]
#[case::figure_bad_group(
    "event_figures.csv",
    "killed,civilians,12",
    "killed,bystanders,12",
    "event_figures.csv line 2: group: 'bystanders' is not a valid group"
)]
#[case::figure_negative(
    "event_figures.csv",
    "12,12,Blue",
    "-12,12,Blue",
    "event_figures.csv line 2: min: '-12' is not a whole number ≥ 0"
)]
#[case::figure_fraction(
    "event_figures.csv",
    "12,12,Blue",
    "12,12.5,Blue",
    "event_figures.csv line 2: max: '12.5' is not a whole number ≥ 0"
)]
#[case::figure_min_over_max(
    "event_figures.csv",
    "30,80,local",
    "90,80,local",
    "event_figures.csv line 3: min 90 is greater than max 80"
)]
#[case::figure_no_number(
    "event_figures.csv",
    "30,80,local",
    ",,local",
    "event_figures.csv line 3: min and max are both empty"
)]
#[case::figure_unknown_source(
    "event_figures.csv",
    "Blue Force,wire-2",
    "Blue Force,wire-7",
    "event_figures.csv line 2: source: source 'wire-7' is not in sources.csv"
)]
#[case::figure_no_claimant(
    "event_figures.csv",
    "Blue Force,wire-2",
    ",wire-2",
    "event_figures.csv line 2: claimant is empty"
)]
#[case::site_bad_kind(
    "sites.csv",
    "camp-east,camp",
    "camp-east,tents",
    "sites.csv line 2: kind: 'tents' is not a valid site kind"
)]
#[case::site_closed_before_opened(
    "sites.csv",
    "2020-01-21,2020-03-31",
    "2020-01-21,2020-01-01",
    "sites.csv line 2: closed 2020-01-01 is before opened 2020-01-21"
)]
#[case::site_bad_opened(
    "sites.csv",
    "2020-01-21,2020",
    "21/01/2020,2020",
    "sites.csv line 2: opened: '21/01/2020' is not a date"
)]
#[case::site_no_source(
    "sites.csv",
    "2020-03-31,wire-1,",
    "2020-03-31,,",
    "sites.csv line 2: sources is empty"
)]
#[case::observation_unknown_site(
    "site_observations.csv",
    "camp-east,2020-01-28",
    "camp-west,2020-01-28",
    "site_observations.csv line 2: site: 'camp-west' is not an id in sites.csv"
)]
#[case::observation_bad_metric(
    "site_observations.csv",
    "2020-01-28,population",
    "2020-01-28,people",
    "site_observations.csv line 2: metric: 'people' is not a valid site metric: expected one of `population` `households` `arrivals` `capacity`"
)]
#[case::observation_unknown_source(
    "site_observations.csv",
    "4000,wire-2",
    "4000,wire-3",
    "site_observations.csv line 2: source: source 'wire-3' is not in sources.csv"
)]
fn a_malformed_event_or_site_field_is_rejected_with_file_and_line_and_nothing_is_written(
    #[case] file: &str,
    #[case] from: &str,
    #[case] to: &str,
    #[case] expected: &str,
) {
    let dir = small_with_events();
    let db_dir = TempDir::new().unwrap();
    let db = db_dir.path().join("f.db");
    let mut store = Store::open(&db).unwrap();
    store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 1, 1),
        )
        .unwrap();
    drop(store);
    let before = stored_bytes(&db);

    edit(dir.path(), file, from, to);
    let err = dataset::read_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["import", "--db"])
        .arg(&db)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
    assert_eq!(
        stored_bytes(&db),
        before,
        "a refused import changed the store"
    );
}

#[test]
fn every_problem_in_the_events_files_is_reported_in_one_run() {
    let dir = small_with_events();
    edit(
        dir.path(),
        "events.csv",
        "strike,airstrike",
        "strike,bombing",
    );
    edit(
        dir.path(),
        "event_figures.csv",
        "30,80,local",
        "90,80,local",
    );
    edit(dir.path(), "sites.csv", ",wire-1,\n", ",wire-5,\n");
    let err = dataset::read_dir(dir.path()).unwrap_err();
    let files: Vec<&str> = err.0.iter().map(|i| i.file.as_ref()).collect();
    assert!(files.contains(&"events.csv"), "{err}");
    assert!(files.contains(&"event_figures.csv"), "{err}");
    assert!(files.contains(&"sites.csv"), "{err}");
}

#[test]
fn events_and_sites_survive_write_and_read_byte_for_byte() {
    let dir = small_with_events();
    let data = dataset::read_dir(dir.path()).unwrap();
    assert_eq!(data.events.len(), 2);
    assert_eq!(data.events[0].figures.len(), 2);
    // Observations are kept by date, whatever the order of the file.
    let dates: Vec<String> = data.sites[0]
        .observations
        .iter()
        .map(|o| o.date.to_string())
        .collect();
    assert_eq!(dates, ["2020-01-22", "2020-01-22", "2020-01-28"]);
    let a = TempDir::new().unwrap();
    let b = TempDir::new().unwrap();
    dataset::write_dir(&data, a.path()).unwrap();
    let again = dataset::read_dir(a.path()).unwrap();
    // Written by date, then id.
    let mut sorted = data.clone();
    sorted.events.reverse();
    assert_eq!(again, sorted);
    dataset::write_dir(&again, b.path()).unwrap();
    for f in [
        "events.csv",
        "event_figures.csv",
        "sites.csv",
        "site_observations.csv",
    ] {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f} differs"
        );
    }
}

fn ids(json: &serde_json::Value) -> Vec<&str> {
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn events_are_found_by_the_days_they_overlap_and_by_place_kind_grade_and_district() {
    let dir = small_with_events();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let q = |uri: &'static str| get_json(&app, uri);

    let (status, content_type, all) = q("/api/events").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/geo+json");
    assert_eq!(ids(&all), ["flight", "strike"], "sorted by date_start");
    let strike = &all["features"][1];
    assert_eq!(
        strike["geometry"]["coordinates"],
        serde_json::json!([43.015, 36.005])
    );
    assert_eq!(
        strike["properties"]["districts"],
        serde_json::json!(["middle"])
    );
    assert_eq!(strike["properties"]["largest"], 80);
    assert_eq!(strike["properties"]["responsible"], "blue");
    let claims: Vec<(u64, &str)> = strike["properties"]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["min"].as_u64().unwrap(), f["claimant"].as_str().unwrap()))
        .collect();
    assert_eq!(claims, [(12, "Blue Force"), (30, "local reports")]);
    assert_eq!(all["sources"]["wire-2"]["url"], "https://example.org/2");
    // The town-wide displacement, known only to the city, falls in every district its circle meets.
    assert_eq!(
        all["features"][0]["properties"]["districts"],
        serde_json::json!(["west", "middle", "east"])
    );

    assert_eq!(
        ids(&q("/api/events?datetime=2020-01-26").await.2),
        ["flight", "strike"]
    );
    assert_eq!(
        ids(&q("/api/events?datetime=2020-01-28/..").await.2),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&q("/api/events?datetime=2020-01-27T23:59:00Z").await.2),
        ["flight"]
    );
    assert_eq!(
        ids(&q("/api/events?datetime=../2020-01-19").await.2),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&q("/api/events?kind=airstrike,shelling").await.2),
        ["strike"]
    );
    assert_eq!(ids(&q("/api/events?grade=confirmed").await.2), ["flight"]);
    assert_eq!(ids(&q("/api/events?district=west").await.2), ["flight"]);
    assert_eq!(
        ids(&q("/api/events?bbox=43.0,36.0,43.01,36.01").await.2),
        Vec::<&str>::new()
    );

    let (status, _, one) = q("/api/events/strike").await;
    assert_eq!(status, 200);
    assert_eq!(one["properties"]["title"], "Strike on the market");
    assert_eq!(one["sources"]["wire-1"]["title"], "Red holds the line");

    let (_, _, weeks) = q("/api/events/weeks").await;
    assert_eq!(
        weeks["weeks"],
        serde_json::json!([{"start": "2020-01-20", "count": 2}, {"start": "2020-01-27", "count": 1}])
    );
}

#[rstest]
#[case::unknown_kind(
    "/api/events?kind=bombing",
    400,
    "parameter `kind`: 'bombing' is not a valid event kind"
)]
#[case::unknown_grade(
    "/api/events?grade=sure",
    400,
    "parameter `grade`: 'sure' is not a valid grade"
)]
#[case::bad_datetime("/api/events?datetime=March", 400, "parameter `datetime`")]
#[case::bad_bbox("/api/events?bbox=1,2,3", 400, "parameter `bbox`")]
#[case::unknown_parameter(
    "/api/events?at=2020-01-01",
    400,
    "unknown parameter `at`, expected one of `datetime`"
)]
#[case::unknown_district("/api/events?district=north", 404, "no district has id 'north'")]
#[case::unknown_event("/api/events/nothing", 404, "no event has id 'nothing'")]
#[case::bad_at("/api/sites?at=soon", 400, "parameter `at`")]
#[actix_web::test]
async fn a_bad_events_request_says_what_is_wrong(
    #[case] uri: &str,
    #[case] status: u16,
    #[case] detail: &str,
) {
    let dir = small_with_events();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (got, content_type, body) = get_json(&app, uri).await;
    assert_eq!(got, status, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert!(body["detail"].as_str().unwrap().contains(detail), "{body}");
}

#[actix_web::test]
async fn a_camps_population_is_its_latest_observation_on_or_before_the_day() {
    let dir = small_with_events();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let population =
        |json: &serde_json::Value| json["features"][0]["properties"]["population"].clone();
    let (_, _, before) = get_json(&app, "/api/sites?at=2020-01-21").await;
    assert_eq!(before["features"][0]["properties"]["open"], true);
    assert_eq!(population(&before), serde_json::Value::Null);
    let (_, _, first) = get_json(&app, "/api/sites?at=2020-01-27").await;
    assert_eq!(population(&first)["min"], 600);
    assert_eq!(population(&first)["date"], "2020-01-22");
    let (_, _, later) = get_json(&app, "/api/sites?at=2020-01-28").await;
    assert_eq!(population(&later)["min"], 4000);
    let (_, _, closed) = get_json(&app, "/api/sites?at=2020-04-01").await;
    assert_eq!(closed["features"][0]["properties"]["open"], false);
    assert_eq!(population(&closed), serde_json::Value::Null);
    let (_, _, plain) = get_json(&app, "/api/sites").await;
    assert!(
        plain["features"][0]["properties"]
            .get("population")
            .is_none()
    );
    assert_eq!(
        plain["features"][0]["properties"]["observations"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[actix_web::test]
async fn a_reimport_supersedes_a_changed_event_and_known_at_shows_what_was_known() {
    let dir = small_with_events();
    let db_dir = TempDir::new().unwrap();
    let db = db_dir.path().join("f.db");
    let mut store = Store::open(&db).unwrap();
    store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 1, 1),
        )
        .unwrap();
    edit(dir.path(), "event_figures.csv", "12,12,Blue", "14,14,Blue");
    edit(dir.path(), "events.csv", "flight,", "exodus,");
    edit(dir.path(), "event_figures.csv", "flight,", "exodus,");
    let summary = store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 2, 1),
        )
        .unwrap();
    assert!(summary.edit.is_some(), "changing only events is an edit");
    // Importing the same again records nothing.
    let again = store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 3, 1),
        )
        .unwrap();
    assert_eq!(again.edit, None);
    let index = frontline::domain::index::Index::from_stored(store.load().unwrap());
    let app = app(index).await;
    let first_claim = |json: &serde_json::Value| json["properties"]["figures"][0]["min"].clone();
    assert_eq!(
        first_claim(&get_json(&app, "/api/events/strike").await.2),
        14
    );
    assert_eq!(
        first_claim(
            &get_json(&app, "/api/events/strike?known_at=2024-01-15")
                .await
                .2
        ),
        12
    );
    assert_eq!(
        ids(&get_json(&app, "/api/events").await.2),
        ["exodus", "strike"]
    );
    assert_eq!(
        ids(&get_json(&app, "/api/events?known_at=2024-01-15").await.2),
        ["flight", "strike"]
    );
    assert_eq!(
        ids(&get_json(&app, "/api/events?known_at=2023-12-31").await.2),
        Vec::<&str>::new()
    );
    let (status, _, _) = get_json(&app, "/api/events/flight").await;
    assert_eq!(status, 404, "a dropped event is no longer believed");
}

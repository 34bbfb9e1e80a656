//! Events and sites of the small data set through the API: filters by days, place, kind, grade
//! and district, bad requests, camps' population; a re-import supersedes a changed event and
//! `known_at` still shows the old one. (Reading the files: `events_validation`.)

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::AnyStore;
use rstest::rstest;
use tempfile::TempDir;

use crate::events_validation::{edit, small_with_events};
use crate::helpers::{app, get_json, index_of, test_db};
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

#[actix_web::test]
async fn properties_keeps_only_the_chosen_properties_and_the_sources_they_cite() {
    let dir = small_with_events();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, all) = get_json(&app, "/api/events").await;
    let uri = "/api/events?properties=id,kind,grade,largest";
    let (status, content_type, slim) = get_json(&app, uri).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/geo+json")
    );
    assert_eq!(ids(&slim), ids(&all), "the same events, in the same order");
    let strike = &slim["features"][1];
    assert_eq!(strike["geometry"], all["features"][1]["geometry"]);
    assert_eq!(
        strike["properties"],
        serde_json::json!({"id": "strike", "kind": "airstrike", "grade": "fair", "largest": 80})
    );
    assert_eq!(
        slim["sources"],
        serde_json::json!({}),
        "no cited list chosen"
    );
    // The figures' sources come with `figures`, the event's own with `sources`.
    let (_, _, figures) = get_json(&app, "/api/events?properties=figures").await;
    let (_, _, own) = get_json(&app, "/api/events?properties=sources").await;
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v["sources"].as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let mut both = keys(&figures);
    both.extend(keys(&own));
    both.sort();
    both.dedup();
    assert!(!keys(&figures).is_empty() && !keys(&own).is_empty());
    assert_eq!(
        both,
        keys(&all),
        "between them, every source the full list cites"
    );

    // Every property an event has can be chosen alone, and the 400 lists exactly those.
    let names: Vec<String> = all["features"][1]["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for name in &names {
        let uri = format!("/api/events?properties={name}");
        let (status, _, one) = get_json(&app, &uri).await;
        assert_eq!(status, 200, "{name}: {one}");
        let got: Vec<&String> = one["features"][1]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(got, [name]);
        // Each chosen property as the whole event writes it, on every event.
        for (k, full) in all["features"].as_array().unwrap().iter().enumerate() {
            let chosen = &one["features"][k];
            assert_eq!(
                chosen["properties"][name], full["properties"][name],
                "{name} of {}",
                full["id"]
            );
            for key in ["type", "id", "geometry"] {
                assert_eq!(chosen[key], full[key]);
            }
        }
    }
    let (_, _, problem) = get_json(&app, "/api/events?properties=nothing").await;
    let detail = problem["detail"].as_str().unwrap();
    let mut listed: Vec<&str> = detail.rsplit("are ").next().unwrap().split(", ").collect();
    listed.sort_unstable();
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(listed, names);
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
#[case::unknown_property(
    "/api/events?properties=id,deaths",
    400,
    "parameter `properties`: an event has no property `deaths`: its properties are id, kind,"
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
    let db = test_db(&db_dir, "f.db");
    let mut store = AnyStore::open(&db).unwrap();
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

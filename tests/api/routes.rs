//! The HTTP API through the real route table, on the small hand-made data set.

use actix_web::test;

use crate::helpers::{app, get_json, index_of, small_dir};

#[actix_web::test]
async fn a_snapshot_shows_every_district_with_its_state_at_the_instant() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, content_type, body) = get_json(&app, "/api/snapshot?at=2020-01-28").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/geo+json");
    assert_eq!(body["type"], "FeatureCollection");
    let features = body["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let middle = &features[1];
    assert_eq!(middle["id"], "middle");
    let p = &middle["properties"];
    assert_eq!(p["status"], "contested");
    assert_eq!(p["faction"], serde_json::Value::Null);
    assert_eq!(p["factions"], serde_json::json!(["blue", "red"]));
    assert_eq!(p["valid_from"], "2020-01-25T00:00:00Z");
    assert_eq!(p["valid_to"], "2020-02-01T00:00:00Z");
    assert_eq!(p["confidence"], "reported");
    assert_eq!(p["sources"], serde_json::json!(["wire-1", "wire-2"]));
    assert_eq!(p["name"], "Middle");
    assert_eq!(p["alt_names"], serde_json::json!(["Middle Quarter"]));
    assert_eq!(p["group"], "Town");
    assert_eq!(p["kind"], "test", "other properties are kept and returned");
    assert!((p["area_km2"].as_f64().unwrap() - 1.0).abs() < 0.15);
    assert_eq!(
        middle["geometry"]["type"], "MultiPolygon",
        "every district is a MultiPolygon, whatever its data set file says"
    );
}

#[actix_web::test]
async fn at_a_hand_over_instant_the_newer_state_wins() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, at) = get_json(&app, "/api/who?lon=43.015&lat=36.005&at=2020-02-01").await;
    assert_eq!(at["district"], "middle");
    assert_eq!(at["state"]["faction"], "blue");
    let (_, _, before) = get_json(
        &app,
        "/api/who?lon=43.015&lat=36.005&at=2020-01-31T23:59:59.999Z",
    )
    .await;
    assert_eq!(before["state"]["status"], "contested");
    let (_, _, earliest) = get_json(&app, "/api/who?lon=43.015&lat=36.005&at=2019-12-31").await;
    assert_eq!(
        earliest["state"]["status"], "unknown",
        "before the first state nothing is known"
    );
}

#[actix_web::test]
async fn a_snapshot_can_be_cut_to_a_bbox() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, body) = get_json(
        &app,
        "/api/snapshot?at=2020-03-01&bbox=43.021,36.001,43.05,36.002",
    )
    .await;
    let ids: Vec<&str> = body["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["east"]);
}

#[actix_web::test]
async fn history_lists_states_in_time_order_with_their_sources() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, _, body) = get_json(&app, "/api/districts/middle/history").await;
    assert_eq!(status, 200);
    let states = body["states"].as_array().unwrap();
    let froms: Vec<&str> = states
        .iter()
        .map(|s| s["valid_from"].as_str().unwrap())
        .collect();
    assert_eq!(
        froms,
        [
            "2020-01-01T00:00:00Z",
            "2020-01-25T00:00:00Z",
            "2020-02-01T00:00:00Z"
        ]
    );
    assert_eq!(states[1]["note"], "street fighting");
    assert_eq!(
        states[1]["source_details"][1]["title"],
        "Blue takes the middle"
    );
    assert_eq!(
        states[1]["source_details"][1]["url"],
        "https://example.org/2"
    );
    assert!(states[0]["recorded_at"].is_string());
}

#[actix_web::test]
async fn the_timeline_lists_every_change_instant_with_counts() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, body) = get_json(&app, "/api/timeline").await;
    assert_eq!(body["start"], "2020-01-01T00:00:00Z");
    assert_eq!(body["end"], "2020-02-01T00:00:00Z");
    assert_eq!(
        body["instants"],
        serde_json::json!([
            {"at": "2020-01-01T00:00:00Z", "changes": 3, "handovers": 3},
            {"at": "2020-01-25T00:00:00Z", "changes": 1, "handovers": 1},
            {"at": "2020-02-01T00:00:00Z", "changes": 1, "handovers": 1},
        ])
    );
}

#[actix_web::test]
async fn changes_list_hand_overs_in_the_half_open_range_with_area_balance() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, _, body) = get_json(&app, "/api/changes?from=2020-01-25&to=2020-02-01").await;
    assert_eq!(status, 200);
    let changes = body["changes"].as_array().unwrap();
    assert_eq!(
        changes.len(),
        1,
        "the hand-over at `from` itself is excluded: {changes:?}"
    );
    assert_eq!(changes[0]["district"], "middle");
    assert_eq!(changes[0]["from"]["status"], "contested");
    assert_eq!(changes[0]["to"]["faction"], "blue");
    let area = body["area"].as_array().unwrap();
    let blue = area.iter().find(|a| a["side"] == "blue").unwrap();
    let contested = area.iter().find(|a| a["side"] == "contested").unwrap();
    assert!(blue["gained_km2"].as_f64().unwrap() > 0.9);
    assert_eq!(blue["gained_km2"], contested["lost_km2"]);
    let (status, content_type, problem) =
        get_json(&app, "/api/changes?from=2020-02-02&to=2020-01-01").await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json")
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("is after `to`")
    );
}

#[actix_web::test]
async fn area_stats_give_each_side_at_each_hand_over() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, body) = get_json(&app, "/api/stats/area").await;
    let rows = body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let km2 = |row: &serde_json::Value, k: &str| row[k].as_f64().unwrap();
    assert!((km2(&rows[0], "red") - 2.0 * km2(&rows[0], "blue")).abs() < 0.01);
    assert!(km2(&rows[1], "contested") > 0.9);
    assert_eq!(km2(&rows[2], "red"), km2(&rows[0], "blue"));
    assert_eq!(km2(&rows[2], "contested"), 0.0);
}

#[actix_web::test]
async fn the_front_runs_between_districts_on_different_sides() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, early) = get_json(&app, "/api/frontline?at=2020-01-10").await;
    let ids: Vec<&str> = early["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["west|middle"],
        "west is blue, middle and east are red"
    );
    let f = &early["features"][0];
    assert_eq!(f["geometry"]["type"], "MultiLineString");
    assert_eq!(f["properties"]["side_a"], "blue");
    assert_eq!(f["properties"]["side_b"], "red");
    assert!((f["properties"]["length_km"].as_f64().unwrap() - 1.11).abs() < 0.02);
    let (_, _, late) = get_json(&app, "/api/frontline?at=2020-03-01").await;
    let ids: Vec<&str> = late["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["middle|east"]);
}

#[actix_web::test]
async fn bad_parameters_get_problem_documents_that_say_what_is_valid() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for (uri, status, parameter, says) in [
        ("/api/snapshot?at=2017-13-01", 400, "at", "YYYY-MM-DD"),
        ("/api/snapshot?at=yesterday", 400, "at", "RFC 3339"),
        (
            "/api/snapshot?bbox=1,2,3",
            400,
            "bbox",
            "minLon,minLat,maxLon,maxLat",
        ),
        (
            "/api/snapshot?bbox=44,36,43,37",
            400,
            "bbox",
            "minimum must not exceed",
        ),
        (
            "/api/who?lon=200&lat=36&at=2020-01-01",
            400,
            "lon",
            "-180..180",
        ),
        ("/api/who?lat=36", 400, "lon", "missing parameter `lon`"),
        (
            "/api/snapshot?when=2020-01-01",
            400,
            "when",
            "unknown parameter `when`, expected `at` or `bbox`",
        ),
        (
            "/api/changes?from=2020-01-01&to=soon",
            400,
            "to",
            "not a valid instant",
        ),
    ] {
        let (s, content_type, body) = get_json(&app, uri).await;
        assert_eq!(s, status, "{uri}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert_eq!(body["status"], status, "{uri}");
        assert_eq!(body["parameter"], parameter, "{uri}");
        assert!(
            body["detail"].as_str().unwrap().contains(says),
            "{uri}: {body}"
        );
    }
    for (uri, says) in [
        (
            "/api/districts/atlantis/history",
            "no district has id 'atlantis'",
        ),
        (
            "/api/who?lon=10&lat=10&at=2020-01-01",
            "no district contains lon 10 lat 10",
        ),
        ("/api/nothing", "the API has"),
    ] {
        let (s, content_type, body) = get_json(&app, uri).await;
        assert_eq!(
            (s, content_type.as_str()),
            (404, "application/problem+json"),
            "{uri}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains(says),
            "{uri}: {body}"
        );
    }
}

#[actix_web::test]
async fn responses_carry_an_etag_and_honour_if_none_match() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let req = || test::TestRequest::get().uri("/api/snapshot?at=2020-01-28");
    let first = test::call_service(&app, req().to_request()).await;
    let etag = first
        .headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_owned();
    let again = test::call_service(&app, req().to_request()).await;
    assert_eq!(
        again.headers().get("etag").unwrap().to_str().unwrap(),
        etag,
        "same instant, same tag"
    );
    let cached = test::call_service(
        &app,
        req()
            .insert_header(("If-None-Match", etag.as_str()))
            .to_request(),
    )
    .await;
    assert_eq!(cached.status().as_u16(), 304);
    assert!(test::read_body(cached).await.is_empty());
    let other = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/api/snapshot?at=2020-03-01")
            .to_request(),
    )
    .await;
    assert_ne!(other.headers().get("etag").unwrap().to_str().unwrap(), etag);
}

//! OGC API – Features items at /ogc through the real route table: paging, datetime, bbox,
//! filters, single features and headers (the documents describing the API: `ogc_meta`).

use std::collections::BTreeSet;

use actix_web::test;
use frontline::domain::time::Instant;
use rstest::rstest;
use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir, small_dir};

/// Every feature of a query, following `next` links; checks the counts on every page.
pub(crate) async fn all_features(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    first: &str,
) -> Vec<Value> {
    let mut features = Vec::new();
    let mut uri = first.to_owned();
    let mut matched = None;
    loop {
        let (status, content_type, page) = get_json(app, &uri).await;
        assert_eq!(status, 200, "{uri}: {page}");
        assert_eq!(content_type, "application/geo+json");
        let returned = page["features"].as_array().unwrap();
        assert_eq!(page["numberReturned"], returned.len());
        let m = page["numberMatched"].as_u64().unwrap();
        assert_eq!(
            *matched.get_or_insert(m),
            m,
            "numberMatched is the same on every page"
        );
        features.extend(returned.iter().cloned());
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next");
        match next {
            Some(link) => {
                let href = link["href"].as_str().unwrap();
                uri = href[href.find("/ogc/").unwrap()..].to_owned();
            }
            None => break,
        }
    }
    assert_eq!(features.len() as u64, matched.unwrap());
    features
}

pub(crate) fn ids(features: &[Value]) -> Vec<String> {
    features
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn control_at_any_instant_is_exactly_the_map_at_that_instant() {
    let (_db, index) = index_of(&mosul_dir());
    let ticks: Vec<Instant> = index.timeline().ticks.iter().map(|t| t.at).collect();
    let app = app(index).await;
    // Every hand-over instant, and a moment just before each.
    for t in ticks.iter().flat_map(|t| [*t, Instant(t.0 - 1)]) {
        let at = t.to_rfc3339();
        let features = all_features(
            &app,
            &format!("/ogc/collections/control/items?datetime={at}&limit=10000"),
        )
        .await;
        let found: BTreeSet<(String, String)> = features
            .iter()
            .map(|f| {
                (
                    f["properties"]["district"].as_str().unwrap().to_owned(),
                    f["properties"]["factions"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            found.len(),
            features.len(),
            "one state per district at {at}"
        );
        let (_, _, snapshot) = get_json(&app, &format!("/api/snapshot?at={at}")).await;
        let expected: BTreeSet<(String, String)> = snapshot["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["status"] != "unknown")
            .map(|f| {
                (
                    f["id"].as_str().unwrap().to_owned(),
                    f["properties"]["factions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_str().unwrap())
                        .collect::<Vec<_>>()
                        .join(";"),
                )
            })
            .collect();
        assert_eq!(found, expected, "map at {at}");
    }
}

#[actix_web::test]
async fn the_frontline_collection_at_an_instant_is_the_front_line_then() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    for at in ["2016-11-01", "2017-01-24", "2017-06-03", "2017-07-10"] {
        let features = all_features(
            &app,
            &format!("/ogc/collections/frontline/items?datetime={at}"),
        )
        .await;
        let found: BTreeSet<(String, String)> = features
            .iter()
            .map(|f| {
                (
                    f["properties"]["district_a"].as_str().unwrap().to_owned(),
                    f["properties"]["district_b"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let (_, _, front) = get_json(&app, &format!("/api/frontline?at={at}")).await;
        let expected: BTreeSet<(String, String)> = front["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["properties"]["district_a"].as_str().unwrap().to_owned(),
                    f["properties"]["district_b"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        // Victory day: the Islamic State holds nothing in Mosul, and allies have no front.
        assert_eq!(
            found.is_empty(),
            at == "2017-07-10",
            "a front on {at}: {found:?}"
        );
        assert_eq!(found, expected, "front on {at}");
    }
}

/// The small data set: `middle` is red until 2020-01-25, contested until 2020-02-01, then blue;
/// `west` (blue) and `east` (red) hold from 2020-01-01 with open ends.
#[rstest]
#[case::instant_before_the_contest("2020-01-20", &["east@2020-01-01", "middle@2020-01-01", "west@2020-01-01"])]
#[case::hand_over_instant_returns_the_newer_state("2020-02-01", &["east@2020-01-01", "middle@2020-02-01", "west@2020-01-01"])]
#[case::a_millisecond_before_the_hand_over("2020-01-31T23:59:59.999Z", &["east@2020-01-01", "middle@2020-01-25", "west@2020-01-01"])]
#[case::offset_percent_encoded("2020-02-01T02:00:00%2B03:00", &["east@2020-01-01", "middle@2020-01-25", "west@2020-01-01"])]
#[case::offset_sent_unencoded("2020-02-01T03:00:00+03:00", &["east@2020-01-01", "middle@2020-02-01", "west@2020-01-01"])]
#[case::closed_interval_ending_at_a_hand_over("2020-01-26/2020-02-01", &["east@2020-01-01", "middle@2020-01-25", "middle@2020-02-01", "west@2020-01-01"])]
#[case::open_end_dots("2020-01-26/..", &["east@2020-01-01", "middle@2020-01-25", "middle@2020-02-01", "west@2020-01-01"])]
#[case::open_end_empty("2020-02-01/", &["east@2020-01-01", "middle@2020-02-01", "west@2020-01-01"])]
#[case::open_start_dots("../2020-01-01", &["east@2020-01-01", "middle@2020-01-01", "west@2020-01-01"])]
#[case::open_start_empty("/2019-12-31", &[])]
#[case::long_after_open_ended_states_still_hold("2030-01-01", &["east@2020-01-01", "middle@2020-02-01", "west@2020-01-01"])]
#[actix_web::test]
async fn datetime_selects_the_states_whose_validity_meets_it(
    #[case] datetime: &str,
    #[case] expected: &[&str],
) {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, _, page) = get_json(
        &app,
        &format!("/ogc/collections/control/items?datetime={datetime}"),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let mut found = ids(page["features"].as_array().unwrap());
    found.sort();
    assert_eq!(found, expected);
}

#[rstest]
#[case::garbage("datetime=yesterday", "datetime")]
#[case::both_ends_open("datetime=../..", "datetime")]
#[case::reversed("datetime=2020-02-01/2020-01-01", "datetime")]
#[case::impossible_date("datetime=2020-02-30", "datetime")]
#[case::three_parts("datetime=2020-01-01/2020-01-02/2020-01-03", "datetime")]
#[case::limit_not_a_number("limit=unlimited", "limit")]
#[case::bbox_three_numbers("bbox=1,2,3", "bbox")]
#[case::unknown_parameter("ooga=booga", "ooga")]
#[case::given_twice("limit=1&limit=2", "limit")]
#[case::unknown_faction("faction=green", "faction")]
#[case::unknown_district("district=atlantis", "district")]
#[case::other_crs("crs=http://www.opengis.net/def/crs/EPSG/0/3857", "crs")]
#[case::unknown_format("f=xml", "f")]
#[actix_web::test]
async fn malformed_item_queries_get_a_problem_naming_the_parameter(
    #[case] query: &str,
    #[case] parameter: &str,
) {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, content_type, problem) =
        get_json(&app, &format!("/ogc/collections/control/items?{query}")).await;
    assert_eq!(status, 400, "{query}: {problem}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["parameter"], parameter, "{problem}");
    assert!(problem["detail"].as_str().unwrap().len() > 30, "{problem}");
}

#[actix_web::test]
async fn limit_is_clamped_and_next_links_keep_the_filters_to_the_last_page() {
    let (_db, index) = index_of(&mosul_dir());
    let isil_states = index
        .states
        .iter()
        .filter(|s| {
            s.status == frontline::domain::model::Status::Held
                && index.factions[s.factions[0] as usize].id == "isil"
        })
        .count();
    let app = app(index).await;
    let (_, _, one) = get_json(&app, "/ogc/collections/control/items?limit=0").await;
    assert_eq!(one["numberReturned"], 1);
    let (_, _, many) = get_json(&app, "/ogc/collections/control/items?limit=99999999").await;
    assert_eq!(many["numberReturned"], many["numberMatched"]);

    let features = all_features(&app, "/ogc/collections/control/items?faction=isil&limit=7").await;
    assert_eq!(features.len(), isil_states);
    assert!(
        features
            .iter()
            .all(|f| f["properties"]["faction"] == "isil")
    );
    let unique: BTreeSet<String> = ids(&features).into_iter().collect();
    assert_eq!(
        unique.len(),
        features.len(),
        "no feature twice across pages"
    );
}

#[actix_web::test]
async fn bbox_returns_the_features_that_intersect_it() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, page) = get_json(
        &app,
        "/ogc/collections/districts/items?bbox=43.001,36.001,43.005,36.005",
    )
    .await;
    assert_eq!(ids(page["features"].as_array().unwrap()), ["west"]);
    let (_, _, page) = get_json(
        &app,
        "/ogc/collections/control/items?bbox=43.021,36.001,0,43.029,36.005,100",
    )
    .await;
    assert_eq!(
        ids(page["features"].as_array().unwrap()),
        ["east@2020-01-01"]
    );
    let (_, _, page) = get_json(
        &app,
        "/ogc/collections/frontline/items?bbox=43.0195,36.001,43.0205,36.005&datetime=2020-01-10",
    )
    .await;
    assert_eq!(
        ids(page["features"].as_array().unwrap()),
        Vec::<String>::new(),
        "middle and east are both red then"
    );
    let (_, _, page) = get_json(
        &app,
        "/ogc/collections/frontline/items?bbox=43.0195,36.001,43.0205,36.005&datetime=2020-02-10",
    )
    .await;
    assert_eq!(
        ids(page["features"].as_array().unwrap()),
        ["middle~east@2020-02-01"]
    );
}

#[actix_web::test]
async fn a_single_feature_has_its_links_and_an_unknown_one_is_a_404_problem() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, content_type, feature) =
        get_json(&app, "/ogc/collections/control/items/middle@2020-01-25").await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/geo+json")
    );
    assert_eq!(feature["properties"]["status"], "contested");
    assert_eq!(feature["properties"]["valid_to"], "2020-02-01T00:00:00Z");
    let rels: Vec<&str> = feature["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(rels, ["self", "alternate", "collection"]);
    for uri in [
        "/ogc/collections/control/items/middle@2021-01-01",
        "/ogc/collections/nope/items",
        "/ogc/nothing",
    ] {
        let (status, content_type, problem) = get_json(&app, uri).await;
        assert_eq!(
            (status, content_type.as_str()),
            (404, "application/problem+json"),
            "{uri}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains("/ogc/"),
            "{problem}"
        );
    }
}

#[actix_web::test]
async fn responses_carry_an_etag_cors_and_the_crs() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let req = test::TestRequest::get()
        .uri("/ogc/collections/control/items")
        .insert_header(("Origin", "https://maps.example.org"))
        .to_request();
    let resp = test::call_service(&app, req).await;
    let headers = resp.headers();
    assert_eq!(
        headers.get("access-control-allow-origin").unwrap(),
        "https://maps.example.org"
    );
    assert_eq!(
        headers.get("content-crs").unwrap(),
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
    let etag = headers.get("etag").unwrap().clone();
    let again = test::TestRequest::get()
        .uri("/ogc/collections/control/items")
        .insert_header(("If-None-Match", etag))
        .to_request();
    assert_eq!(test::call_service(&app, again).await.status(), 304);
    let head = test::TestRequest::default()
        .method(actix_web::http::Method::HEAD)
        .uri("/ogc/collections")
        .to_request();
    assert_eq!(test::call_service(&app, head).await.status(), 200);
}

#[actix_web::test]
async fn several_datetimes_must_all_be_met_as_gdal_sends_them() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, _, page) = get_json(
        &app,
        "/ogc/collections/control/items?datetime=..%2F2020-01-26T&datetime=2020-01-26T%2F..",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let mut found = ids(page["features"].as_array().unwrap());
    found.sort();
    assert_eq!(
        found,
        ["east@2020-01-01", "middle@2020-01-25", "west@2020-01-01"]
    );
}

//! The `events` and `sites` collections of the OGC API on the Mosul data: the same answers as
//! `/api/events` and `/api/sites`, with datetime, queryables, CQL2, paging and single features.

use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir};
use crate::ogc::{all_features, ids};

#[actix_web::test]
async fn events_at_a_datetime_are_those_of_the_api_in_the_same_order() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    for datetime in [
        "2017-03-17",
        "2017-06-01/2017-06-07",
        "../2016-11-30",
        "2017-06-15/..",
    ] {
        let (status, _, api) = get_json(&app, &format!("/api/events?datetime={datetime}")).await;
        assert_eq!(status, 200);
        let want = ids(api["features"].as_array().unwrap());
        assert!(!want.is_empty(), "{datetime}: the API finds events");
        let got = all_features(
            &app,
            &format!("/ogc/collections/events/items?datetime={datetime}&limit=3"),
        )
        .await;
        assert_eq!(ids(&got), want, "{datetime}");
    }
    let every = all_features(&app, "/ogc/collections/events/items?limit=7").await;
    assert_eq!(every.len(), 35);
}

#[actix_web::test]
async fn an_event_is_a_flat_point_feature_with_every_claim_and_its_time_dimension() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (status, content_type, strike) = get_json(
        &app,
        "/ogc/collections/events/items/2017-03-17-jadida-strike",
    )
    .await;
    assert_eq!(status, 200, "{strike}");
    assert_eq!(content_type, "application/geo+json");
    assert_eq!(strike["geometry"]["type"], "Point");
    let p = &strike["properties"];
    assert_eq!(p["kind"], "airstrike");
    assert_eq!(p["valid_from"], "2017-03-17T00:00:00Z");
    assert_eq!(p["valid_to"], "2017-03-18T00:00:00Z");
    assert_eq!(p["date_end"], "2017-03-17T00:00:00Z");
    assert_eq!(p["largest"], 370);
    assert_eq!(p["responsible"], "cjtf-oir");
    let figures = p["figures"].as_str().unwrap();
    assert!(
        figures.contains("killed civilians 105 (CENTCOM investigation")
            && figures.contains("killed civilians 125–370 (local reports"),
        "both claims side by side: {figures}"
    );
    assert!(p["districts"].as_str().unwrap().contains("mosul-al-jadida"));
    let (status, _, missing) = get_json(&app, "/ogc/collections/events/items/no-such").await;
    assert_eq!(status, 404);
    assert!(missing["detail"].as_str().unwrap().contains("no feature"));
}

#[actix_web::test]
async fn queryables_filter_events_by_kind_grade_and_cql2() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, api) = get_json(&app, "/api/events?kind=execution").await;
    let executions = ids(api["features"].as_array().unwrap());
    let got = all_features(&app, "/ogc/collections/events/items?kind=execution").await;
    assert_eq!(ids(&got), executions);
    assert!(executions.len() >= 5);

    let big = all_features(
        &app,
        "/ogc/collections/events/items?filter=largest%20%3E%3D%20100%20AND%20grade%20%3D%20%27confirmed%27",
    )
    .await;
    assert!(!big.is_empty());
    for f in &big {
        assert!(f["properties"]["largest"].as_u64().unwrap() >= 100, "{f}");
        assert_eq!(f["properties"]["grade"], "confirmed");
    }
    let sorted = all_features(
        &app,
        "/ogc/collections/events/items?sortby=-largest&limit=5",
    )
    .await;
    let largest: Vec<Option<u64>> = sorted
        .iter()
        .map(|f| f["properties"]["largest"].as_u64())
        .collect();
    let mut with = largest.iter().flatten().copied().collect::<Vec<_>>();
    with.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(
        largest
            .iter()
            .take(with.len())
            .flatten()
            .copied()
            .collect::<Vec<_>>(),
        with,
        "largest first, events without figures last"
    );

    let (status, _, problem) = get_json(&app, "/ogc/collections/events/items?kind=riot").await;
    assert_eq!(status, 400);
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("airstrike") && detail.contains("execution"),
        "{detail}"
    );
    let (status, _, problem) = get_json(&app, "/ogc/collections/sites/items?kind=airstrike").await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("camp"));

    let (_, _, queryables) = get_json(&app, "/ogc/collections/events/queryables").await;
    for q in ["kind", "grade", "largest", "valid_from", "districts"] {
        assert!(queryables["properties"].get(q).is_some(), "{q}");
    }
    let (_, _, schema) = get_json(&app, "/ogc/collections/events/schema").await;
    assert_eq!(
        schema["properties"]["valid_from"]["x-ogc-role"],
        "primary-interval-start"
    );
    assert!(
        schema["properties"]["date_start"]
            .get("x-ogc-role")
            .is_none()
    );
}

#[actix_web::test]
async fn sites_open_at_a_date_carry_their_counts() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let open_then = |json: &Value| {
        let mut v: Vec<String> = json["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["open"] == true)
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    for at in ["2016-11-14", "2017-02-27", "2017-07-10"] {
        let (_, _, api) = get_json(&app, &format!("/api/sites?at={at}")).await;
        let got = all_features(&app, &format!("/ogc/collections/sites/items?datetime={at}")).await;
        let mut got = ids(&got);
        got.sort();
        assert_eq!(got, open_then(&api), "{at}");
    }
    let (status, _, u3) = get_json(&app, "/ogc/collections/sites/items/hasansham-u3").await;
    assert_eq!(status, 200);
    let p = &u3["properties"];
    assert_eq!(p["valid_from"], "2016-11-04T00:00:00Z");
    assert!(p["peak_population"].as_u64().unwrap() >= 10_500);
    assert!(
        p["observations"]
            .as_str()
            .unwrap()
            .contains("2016-11-14 population 10500 (reach-2016-11-14-hasansham-u3)"),
        "{p}"
    );
}

#[actix_web::test]
async fn the_html_page_of_events_draws_each_as_a_dot_in_its_faction_s_colour() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let req = actix_web::test::TestRequest::get()
        .uri("/ogc/collections/events/items?datetime=2017-03-17&f=html")
        .to_request();
    let resp = actix_web::test::call_service(&app, req).await;
    assert_eq!(resp.status(), 200);
    let html = String::from_utf8(actix_web::test::read_body(resp).await.to_vec()).unwrap();
    assert!(html.contains("<circle"), "events are dots on the map");
    assert!(html.contains("#3a6ea5"), "the coalition's colour");
    assert!(html.contains("2017-03-17-jadida-strike"));
}

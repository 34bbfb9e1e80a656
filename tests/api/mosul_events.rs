//! The Mosul events and camps, as a journalist would look for them.

use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir};

fn ids(json: &Value) -> Vec<String> {
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_17_march_jadida_strike_is_found_by_date_and_place_with_both_claims() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    // West Mosul's al-Jadida, on the day.
    let (status, _, found) = get_json(
        &app,
        "/api/events?datetime=2017-03-17&bbox=43.09,36.32,43.12,36.34&kind=airstrike",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ids(&found), ["2017-03-17-jadida-strike"]);
    let strike = &found["features"][0]["properties"];
    assert_eq!(strike["responsible"], "cjtf-oir");
    assert_eq!(strike["grade"], "confirmed");
    let claims: Vec<(Option<u64>, Option<u64>, &str)> = strike["figures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["metric"] == "killed")
        .map(|f| {
            (
                f["min"].as_u64(),
                f["max"].as_u64(),
                f["claimant"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        claims.contains(&(Some(105), Some(105), "CENTCOM investigation (AR 15-6)")),
        "{claims:?}"
    );
    assert!(
        claims
            .iter()
            .any(|c| c.1 == Some(370) && c.2.contains("local reports")),
        "{claims:?}"
    );
    assert_eq!(strike["largest"], 370);
    // Every figure's source is in the collection's sources, with the report's own address.
    for f in strike["figures"].as_array().unwrap() {
        let source = &found["sources"][f["source"].as_str().unwrap()];
        assert!(
            source["url"].as_str().unwrap().starts_with("https://"),
            "{f}"
        );
    }
    assert!(
        found["sources"]["centcom-2017-05-25-jadida"]["url"]
            .as_str()
            .unwrap()
            .contains("centcom.mil")
    );
    // It lies in al-Jadida's district, not in every district of the city.
    let districts = strike["districts"].as_array().unwrap();
    assert_eq!(districts, &[serde_json::json!("mosul-al-jadida")]);
}

#[actix_web::test]
async fn the_june_killings_near_zanjili_and_shifa_are_in_the_first_week_of_june() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, week) = get_json(
        &app,
        "/api/events?datetime=2017-06-01/2017-06-07&kind=execution",
    )
    .await;
    let found = ids(&week);
    assert!(
        found.contains(&"2017-06-01-shifa-pepsi-factory-killings".to_owned()),
        "{found:?}"
    );
    assert!(
        found.contains(&"2017-06-03-zanjili-fleeing-killed".to_owned()),
        "{found:?}"
    );
    for f in week["features"].as_array().unwrap() {
        let districts: Vec<&str> = f["properties"]["districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        assert!(
            districts.contains(&"zanjili") || districts.contains(&"shifa"),
            "{} is linked to {districts:?}",
            f["id"]
        );
        assert_eq!(f["properties"]["responsible"], "isil");
    }
    let pepsi = week["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "2017-06-01-shifa-pepsi-factory-killings")
        .unwrap();
    assert_eq!(pepsi["properties"]["figures"][0]["min"], 163);
    assert_eq!(pepsi["properties"]["figures"][0]["claimant"], "UN OHCHR");
    // The single anonymous claim of May is graded weak.
    let (_, _, claim) = get_json(&app, "/api/events/2017-05-13-zanjili-executions-claim").await;
    assert_eq!(claim["properties"]["grade"], "weak");
    // The district filter finds them too.
    let (_, _, zanjili) = get_json(
        &app,
        "/api/events?district=zanjili&datetime=2017-06-01/2017-06-07",
    )
    .await;
    assert!(ids(&zanjili).contains(&"2017-06-03-zanjili-fleeing-killed".to_owned()));
}

#[actix_web::test]
async fn events_outside_a_window_are_not_returned() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, all) = get_json(&app, "/api/events").await;
    let (_, _, window) = get_json(&app, "/api/events?datetime=2017-03-11/2017-03-17").await;
    assert!(ids(&all).len() >= 24);
    let found = ids(&window);
    assert!(!found.is_empty());
    for f in window["features"].as_array().unwrap() {
        let (start, end) = (
            f["properties"]["date_start"].as_str().unwrap(),
            f["properties"]["date_end"].as_str().unwrap(),
        );
        assert!(
            end >= "2017-03-11" && start <= "2017-03-17",
            "{start}..{end}"
        );
    }
    // Every event left out lies wholly outside the window.
    for f in all["features"].as_array().unwrap() {
        if found.contains(&f["id"].as_str().unwrap().to_owned()) {
            continue;
        }
        let (start, end) = (
            f["properties"]["date_start"].as_str().unwrap(),
            f["properties"]["date_end"].as_str().unwrap(),
        );
        assert!(
            end < "2017-03-11" || start > "2017-03-17",
            "{} left out",
            f["id"]
        );
    }
    let (_, _, weeks) = get_json(&app, "/api/events/weeks").await;
    let total: u64 = weeks["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["count"].as_u64().unwrap())
        .sum();
    assert!(total >= ids(&all).len() as u64);
}

#[actix_web::test]
async fn a_camps_population_at_a_date_is_the_latest_observation_before_it() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let site = |json: &Value, id: &str| {
        json["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()["properties"]
            .clone()
    };
    let (_, _, early) = get_json(&app, "/api/sites?at=2016-11-10").await;
    let u3 = site(&early, "hasansham-u3");
    assert_eq!(u3["open"], true);
    assert_eq!(
        u3["population"],
        Value::Null,
        "only arrivals were counted by then"
    );
    let (_, _, later) = get_json(&app, "/api/sites?at=2016-11-20").await;
    assert_eq!(site(&later, "hasansham-u3")["population"]["min"], 10500);
    assert_eq!(
        site(&later, "hasansham-u3")["population"]["date"],
        "2016-11-14"
    );
    let (_, _, feb) = get_json(&app, "/api/sites?at=2017-02-05").await;
    assert_eq!(site(&feb, "qayyarah-airstrip")["population"]["min"], 20300);
    assert_eq!(
        site(&feb, "hammam-al-alil-1")["open"],
        false,
        "it opened on 27 February"
    );
    let names: Vec<String> = feb["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_owned())
        .collect();
    for camp in [
        "Hammam al-Alil",
        "Khaz",
        "Hasansham",
        "Chamakor",
        "Qayyarah",
        "Jad'ah",
        "Salamiyah",
    ] {
        assert!(
            names.iter().any(|n| n.contains(camp)),
            "{camp} missing from {names:?}"
        );
    }
}

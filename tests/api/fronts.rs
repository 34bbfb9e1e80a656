//! Fronts across gaps on generated data, and the API of regions, context layers and the front
//! zone.

use frontline::domain::index::Index;
use frontline::domain::synth;
use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir};

fn river_index(front_gap_km: Option<f64>) -> Index {
    let mut data = synth::generate(&synth::Params {
        districts: 400,
        states: 4000,
        seed: 3,
        river_m: 300.0,
        events: 0,
    });
    if let Some(km) = front_gap_km {
        data.meta.front_gap_km = km;
    }
    Index::build(data, &[], 0)
}

/// Column of a synthetic cell id `cRRR-CCC`.
fn column(id: &str) -> usize {
    id.rsplit('-').next().unwrap().parse().unwrap()
}

#[test]
fn on_a_generated_river_the_banks_face_each_other_along_its_whole_length() {
    let index = river_index(None);
    let across: Vec<_> = index
        .borders()
        .iter()
        .filter(|b| b.across_gap_km > 0.0)
        .collect();
    // 20 rows of cells, the river between columns 10 and 11: each row's two cells face each
    // other, and where the jittered banks slant, a cell faces the next row's too.
    for r in 0..20 {
        let (a, z) = (format!("c{r:03}-010"), format!("c{r:03}-011"));
        assert!(
            across.iter().any(|b| {
                index.districts[b.a as usize].district.id == a
                    && index.districts[b.b as usize].district.id == z
            }),
            "{a} faces {z}"
        );
    }
    let mut km = 0.0;
    for b in &across {
        let (a, z) = (
            &index.districts[b.a as usize].district.id,
            &index.districts[b.b as usize].district.id,
        );
        let mut cols = [column(a), column(z)];
        cols.sort_unstable();
        assert_eq!(
            cols,
            [10, 11],
            "{a} and {z} face each other across the river"
        );
        assert!(
            (b.length_km - b.across_gap_km).abs() < 1e-9,
            "no land border between the banks"
        );
        km += b.across_gap_km;
    }
    // The grid is 20 cells of 0.01° (1.11 km) from south to north.
    assert!(
        (20.0..=24.0).contains(&km),
        "{km:.1} km of river between the banks"
    );
}

#[test]
fn the_front_follows_a_generated_river_when_the_banks_are_held_by_enemies() {
    let index = river_index(None);
    let found = index.timeline().ticks.iter().any(|t| {
        index
            .frontline(t.at, None)
            .iter()
            .any(|f| f.border.across_gap_km > 0.0)
    });
    assert!(found, "at some date the front runs along the river");
    // And the front history agrees with the front at every instant.
    for piece in index
        .fronts()
        .iter()
        .filter(|p| index.borders()[p.border as usize].across_gap_km > 0.0)
    {
        let at = piece.interval.from;
        assert!(
            index
                .frontline(at, None)
                .iter()
                .any(|f| std::ptr::eq(f.border, &index.borders()[piece.border as usize]))
        );
    }
}

#[test]
fn without_a_gap_setting_the_banks_of_a_river_are_not_neighbours() {
    let index = river_index(Some(0.0));
    assert!(index.borders().iter().all(|b| b.across_gap_km == 0.0));
    // A gap narrower than the river is not crossed either.
    let index = river_index(Some(0.2));
    assert!(index.borders().iter().all(|b| b.across_gap_km == 0.0));
}

#[actix_web::test]
async fn area_figures_are_given_for_a_named_region_a_group_or_a_box_with_shares() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (status, _, body) = get_json(
        &app,
        "/api/stats/area?region=west-mosul&from=2017-05-16&to=2017-05-16",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["region"]["name"], "West Mosul");
    assert_eq!(body["region"]["approximate"], true);
    let row = &body["rows"][0];
    let total: f64 = ["isf", "isil", "peshmerga", "sdf", "contested", "unknown"]
        .iter()
        .map(|k| row["percent"][k].as_f64().unwrap())
        .sum();
    assert!((total - 100.0).abs() < 0.5, "shares add up: {total}");
    // Without a region: the data set's main region, Mosul city.
    let (_, _, body) = get_json(&app, "/api/stats/area").await;
    assert_eq!(body["region"]["id"], "mosul");
    let (status, _, body) = get_json(&app, "/api/stats/area?group=East%20Mosul").await;
    assert_eq!(status, 200);
    assert_eq!(body["region"]["districts"], 52);
    let (status, _, body) = get_json(&app, "/api/stats/area?bbox=43.10,36.33,43.15,36.36").await;
    assert_eq!(status, 200);
    let clipped = body["region"]["area_km2"].as_f64().unwrap();
    // 0.05° by 0.03° at 36.3° N is about 4.5 km by 3.3 km, less the river.
    assert!(
        (12.0..=15.5).contains(&clipped),
        "districts clipped to the box: {clipped} km²"
    );
}

#[actix_web::test]
async fn a_wrong_region_is_a_400_that_lists_the_valid_ones() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    for (uri, needle) in [
        (
            "/api/stats/area?region=atlantis",
            "mosul, east-mosul, west-mosul",
        ),
        ("/api/changes?group=Atlantis", "East Mosul"),
        (
            "/api/stats/area?region=mosul&group=East%20Mosul",
            "at most one",
        ),
        ("/api/regions?region=atlantis", "west-mosul"),
    ] {
        let (status, content_type, body) = get_json(&app, uri).await;
        assert_eq!(status, 400, "{uri}");
        assert_eq!(content_type, "application/problem+json");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
}

#[actix_web::test]
async fn changes_within_a_region_give_net_shares() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (status, _, body) = get_json(
        &app,
        "/api/changes?from=2017-05-01&to=2017-06-03&region=west-mosul",
    )
    .await;
    assert_eq!(status, 200);
    let isf = body["area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["side"] == "isf")
        .unwrap();
    assert!(isf["net_percent"].as_f64().unwrap() > 0.0, "{isf}");
    assert!(
        body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["district"] != "rashidiya"),
        "only west Mosul"
    );
}

#[actix_web::test]
async fn regions_list_their_districts_with_the_km2_inside() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, body) = get_json(&app, "/api/regions").await;
    let regions = body["regions"].as_array().unwrap();
    let main: Vec<&Value> = regions.iter().filter(|r| r["main"] == true).collect();
    assert_eq!(main.len(), 1);
    assert_eq!(main[0]["id"], "mosul");
    let sum: f64 = main[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m[1].as_f64().unwrap())
        .sum();
    assert!((sum - main[0]["area_km2"].as_f64().unwrap()).abs() < 0.1);
    let (status, _, body) = get_json(&app, "/api/regions?bbox=43.10,36.33,43.15,36.36").await;
    assert_eq!(status, 200);
    assert_eq!(body["regions"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn context_layers_are_served_as_geojson_with_their_attribution() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, meta) = get_json(&app, "/api/meta").await;
    assert_eq!(meta["title"], "Battle of Mosul");
    assert_eq!(meta["default_date"], "2017-01-24T00:00:00Z");
    let layers = meta["layers"].as_array().unwrap();
    let kinds: Vec<&str> = layers.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    for kind in ["water", "bridge", "landmark", "place", "admin", "locator"] {
        assert!(kinds.contains(&kind), "a {kind} layer");
    }
    let (status, content_type, water) = get_json(&app, "/api/context/water").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/geo+json");
    assert_eq!(water["type"], "FeatureCollection");
    assert_eq!(water["features"][0]["properties"]["name"], "Tigris");
    assert!(
        water["attribution"]
            .as_str()
            .unwrap()
            .contains("tigris.csv")
    );
    let (status, _, body) = get_json(&app, "/api/context/roads").await;
    assert_eq!(status, 404);
    assert!(body["detail"].as_str().unwrap().contains("water"), "{body}");
}

#[actix_web::test]
async fn the_front_line_response_names_the_contested_front_zone() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, front) = get_json(&app, "/api/frontline?at=2017-06-21").await;
    let zone: Vec<&str> = front["front_zone"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        zone.contains(&"old-city-nuri-mosque") && zone.contains(&"shifa"),
        "{zone:?}"
    );
    assert_eq!(
        front["features"].as_array().unwrap().len(),
        0,
        "every IS-held quarter is fought over"
    );
    let (_, _, front) = get_json(&app, "/api/frontline?at=2017-01-24").await;
    assert!(front["length_km"].as_f64().unwrap() > 12.0);
    assert!(
        front["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["across_gap_km"].as_f64().unwrap() > 0.0)
    );
}

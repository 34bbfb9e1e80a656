//! Dated vector tiles of the Mosul map: what they hold equals the index at that instant, GDAL's
//! MVT driver reads them, and bad tile addresses are problems that say what is valid.

use std::collections::HashMap;

use actix_web::test;
use frontline::domain::index::Side;
use frontline::domain::time::Instant;
use tempfile::TempDir;

use crate::helpers::{app, get_json, index_of, mosul_dir, mvt_layers};

/// The zoom-12 tile holding the Old City (the Nuri mosque, 43.1268 E 36.3427 N).
const OLD_CITY: &str = "12/2538/1603";

/// Each feature of the tile's `control` layer: its id and string properties.
fn features(bytes: &[u8]) -> Vec<(u64, HashMap<String, String>)> {
    layer(bytes, "control")
        .into_iter()
        .map(|(id, props)| (id.expect("every district feature has an id"), props))
        .collect()
}

/// Each feature of a layer of the tile: its id, if any, and its properties as text.
fn layer(bytes: &[u8], name: &str) -> Vec<(Option<u64>, HashMap<String, String>)> {
    let layers = mvt_layers(bytes);
    assert_eq!(
        layers.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(),
        ["control", "frontline"]
    );
    let (_, extent, features) = layers.into_iter().find(|l| l.0 == name).unwrap();
    assert_eq!(extent, 4096);
    features
}

/// The front pieces of a tile, as (district_a, district_b, side_a, side_b).
type Fronts = std::collections::BTreeSet<(String, String, String, String)>;

fn fronts_in(bytes: &[u8]) -> Fronts {
    layer(bytes, "frontline")
        .into_iter()
        .map(|(_, p)| {
            let get = |k: &str| p[k].clone();
            (
                get("district_a"),
                get("district_b"),
                get("side_a"),
                get("side_b"),
            )
        })
        .collect()
}

/// The index's hostile borders at `t` that reach into the Old City tile.
fn expected_fronts(index: &frontline::domain::index::Index, t: Instant) -> Fronts {
    let tile = frontline::domain::tiles::TileId::new(12, 2538, 1603).unwrap();
    let bbox = frontline::domain::geometry::Bbox(tile.bounds(64));
    let id = |d: u32| index.districts[d as usize].district.id.clone();
    let side = |s: usize| match index.states[s].side() {
        Side::Held(f) => index.factions[usize::from(f)].id.clone(),
        Side::Contested(_) => "contested".to_owned(),
    };
    index
        .frontline(t, Some(&bbox))
        .into_iter()
        .filter(|f| !tile.cut_lines(&f.border.lines).is_empty())
        .map(|f| {
            (
                id(f.border.a),
                id(f.border.b),
                side(f.state_a),
                side(f.state_b),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_dated_tile_gives_each_district_the_state_the_index_holds_at_that_instant() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    for day in ["2016-11-01", "2017-01-24", "2017-06-21", "2017-07-10"] {
        let t = Instant::from_ymd(
            day[..4].parse().unwrap(),
            day[5..7].parse().unwrap(),
            day[8..].parse().unwrap(),
        );
        let uri = format!("/tiles/control/{OLD_CITY}.mvt?at={day}");
        let resp =
            test::call_service(&service, test::TestRequest::get().uri(&uri).to_request()).await;
        assert_eq!(resp.status(), 200, "{uri}");
        assert_eq!(
            resp.headers().get("content-type").unwrap(),
            "application/vnd.mapbox-vector-tile"
        );
        let body = test::read_body(resp).await;
        let found = features(&body);
        let fronts = fronts_in(&body);
        assert_eq!(
            fronts,
            expected_fronts(&index, t),
            "{day}: the front in the tile"
        );
        assert!(
            found.len() > 40,
            "{day}: the city's districts are in the tile ({})",
            found.len()
        );
        for (id, props) in &found {
            let d = usize::try_from(*id).unwrap();
            let entry = &index.districts[d];
            assert_eq!(
                props["id"], entry.district.id,
                "the MVT id is the district's index"
            );
            let state = index
                .state_at(u32::try_from(d).unwrap(), t)
                .map(|s| &index.states[s]);
            let faction = state
                .filter(|s| s.factions.len() == 1)
                .map(|s| index.factions[usize::from(s.factions[0])].id.clone());
            assert_eq!(
                props.get("faction"),
                faction.as_ref(),
                "{day} {}",
                props["id"]
            );
            assert_eq!(
                props.get("status").map(String::as_str),
                state.map(|s| s.status.as_str()),
                "{day} {}",
                props["id"]
            );
        }
        let held_by = |f: &str| {
            found
                .iter()
                .any(|(_, p)| p.get("faction").map(String::as_str) == Some(f))
        };
        match day {
            "2017-01-24" => {
                assert!(held_by("isil") && held_by("isf"), "the two banks");
                assert!(!fronts.is_empty(), "the Tigris front is in the tile");
            }
            "2017-07-10" => {
                assert!(!held_by("isil"), "no district held by the Islamic State");
                assert!(fronts.is_empty(), "and no front");
            }
            _ => {}
        }
    }
}

#[actix_web::test]
async fn bad_tile_addresses_say_what_is_valid_and_empty_tiles_are_204() {
    let service = app(index_of(&mosul_dir()).1).await;
    for (uri, parameter, says) in [
        (
            "/tiles/control/21/0/0.mvt",
            "z/x/y",
            "zoom 21 is outside the served range 0–20",
        ),
        (
            "/tiles/control/2/4/1.mvt",
            "z/x/y",
            "at zoom 2 columns and rows run 0–3",
        ),
        ("/tiles/control/2/x/1.mvt", "x", "'x' is not a tile x"),
        ("/tiles/control/12/2538/1603.mvt?at=June", "at", "June"),
        (
            "/tiles/control/12/2538/1603.mvt?bbox=1,2,3,4",
            "bbox",
            "bbox",
        ),
    ] {
        let (status, content_type, body) = get_json(&service, uri).await;
        assert_eq!(status, 400, "{uri}: {body}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert_eq!(body["parameter"], parameter, "{uri}: {body}");
        assert!(
            body["detail"].as_str().unwrap().contains(says),
            "{uri}: {body}"
        );
    }
    let resp = test::call_service(
        &service,
        test::TestRequest::get()
            .uri("/tiles/control/12/0/0.mvt")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 204, "nothing in the Pacific");
}

#[actix_web::test]
async fn the_tilejson_points_at_the_dated_tiles_and_describes_their_fields() {
    let service = app(index_of(&mosul_dir()).1).await;
    let (status, _, doc) = get_json(&service, "/tiles/control.json?at=2017-01-24").await;
    assert_eq!(status, 200);
    assert_eq!(doc["tilejson"], "3.0.0");
    assert_eq!(doc["name"], "Battle of Mosul");
    let template = doc["tiles"][0].as_str().unwrap();
    assert!(
        template.ends_with("/tiles/control/{z}/{x}/{y}.mvt?at=2017-01-24T00:00:00Z"),
        "{template}"
    );
    assert_eq!(doc["vector_layers"][0]["id"], "control");
    assert_eq!(doc["vector_layers"][1]["id"], "frontline");
    for field in [
        "id",
        "name",
        "status",
        "faction",
        "factions",
        "valid_from",
        "valid_to",
    ] {
        assert!(
            doc["vector_layers"][0]["fields"].get(field).is_some(),
            "{field}"
        );
    }
    assert!(
        doc["attribution"].as_str().unwrap().contains("CC BY-IGO"),
        "{doc}"
    );
}

#[actix_web::test]
async fn gdal_reads_a_dated_tile_with_each_district_s_faction() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    let uri = format!("/tiles/control/{OLD_CITY}.mvt?at=2017-01-24");
    let resp = test::call_service(&service, test::TestRequest::get().uri(&uri).to_request()).await;
    let bytes = test::read_body(resp).await;
    // GDAL's MVT driver takes the tile's z/x/y from its path.
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(format!("{OLD_CITY}.mvt"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let t = Instant::from_ymd(2017, 1, 24);
    let rows = gdal_rows(&path, "control");
    for row in &rows {
        let d = index.district_index(&row["id"]).expect("a known district");
        let expected = index
            .state_at(d, t)
            .map(|s| &index.states[s])
            .filter(|s| s.factions.len() == 1)
            .map_or("", |s| {
                index.factions[usize::from(s.factions[0])].id.as_str()
            });
        assert_eq!(row["faction"], expected, "{}", row["id"]);
    }
    assert!(rows.len() > 40, "{} districts read by GDAL", rows.len());
    let fronts = gdal_rows(&path, "frontline");
    assert!(!fronts.is_empty(), "GDAL reads the front");
    assert!(
        fronts.iter().all(|r| r["side_a"] != r["side_b"]),
        "{fronts:?}"
    );
}

/// The features of one layer of a tile file as GDAL reads them (`ogr2ogr -f CSV`), by column.
fn gdal_rows(path: &std::path::Path, layer: &str) -> Vec<HashMap<String, String>> {
    crate::export::ogr_csv(&[path.to_str().unwrap(), layer])
}

#[::core::prelude::v1::test]
fn instants_between_two_changes_share_a_cached_tile_and_a_change_starts_a_new_one() {
    use frontline::domain::tiles::TileId;
    use frontline::tiles::cache::Key;
    let (_db, index) = index_of(&mosul_dir());
    let tile = TileId::new(12, 2538, 1603).unwrap();
    let ticks: Vec<Instant> = index.timeline().ticks.iter().map(|t| t.at).collect();
    let (a, b) = (ticks[10], ticks[11]);
    let inside = Instant(a.0 + (b.0 - a.0) / 2);
    assert_eq!(Key::new(&index, tile, a), Key::new(&index, tile, inside));
    assert_eq!(
        Key::new(&index, tile, a),
        Key::new(&index, tile, Instant(b.0 - 1))
    );
    assert_ne!(
        Key::new(&index, tile, a),
        Key::new(&index, tile, b),
        "a change is a new tile"
    );
    let before = Key::new(&index, tile, Instant(ticks[0].0 - 1));
    assert_eq!(before.since, i64::MIN);
    // And the tiles themselves agree: the same bytes anywhere in the interval.
    let bytes = |t: Instant| frontline::tiles::control_tile(&index, tile, t).unwrap();
    assert_eq!(bytes(a), bytes(inside));
}

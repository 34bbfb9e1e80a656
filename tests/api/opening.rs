//! The view the web map opens on (`opening_view` in `/api/meta`) and the outline tiles the
//! server makes for it before the first visitor.

use actix_web::test;
use frontline::domain::opening::{PADDING_PX, opening_zooms, tiles_over};
use frontline::tiles::cache::{Key, TileCache};
use frontline::tiles::geometry::warm_opening;

use crate::helpers::{app, get_json, index_of, mosul_dir, small_dir};

#[actix_web::test]
async fn a_data_set_with_a_default_view_opens_on_it_and_its_tiles_are_made_before_anyone_asks() {
    let (_db, index) = index_of(&mosul_dir());
    let (_, _, meta) = get_json(&app(index.clone()).await, "/api/meta").await;
    assert_eq!(meta["opening_view"], meta["default_view"]);
    let (view, padding) = index.opening_view().unwrap();
    assert!(padding == 0.0, "a default view is shown edge to edge");

    let cache = TileCache::new(64 << 20);
    let made = warm_opening(&index, &cache).unwrap();
    let expected: Vec<_> = opening_zooms(view, padding)
        .into_iter()
        .flat_map(|z| tiles_over(view, z))
        .collect();
    assert!(
        expected.len() >= 4,
        "Mosul's view spans tiles at two zooms at least: {expected:?}"
    );
    assert_eq!(made, expected.len());
    assert_eq!(cache.usage().0, made, "every tile kept");
    // Each kept tile is the one the server serves.
    let service = app(index.clone()).await;
    for tile in expected {
        let kept = cache
            .get_or_make(Key::geometry(&index, tile), || -> Result<_, ()> {
                panic!("tile {tile:?} was not made")
            })
            .unwrap();
        let uri = format!("/tiles/districts/{}/{}/{}.mvt", tile.z, tile.x, tile.y);
        let resp =
            test::call_service(&service, test::TestRequest::get().uri(&uri).to_request()).await;
        let status = resp.status().as_u16();
        let body = test::read_body(resp).await;
        match kept.as_ref() {
            Some(bytes) => {
                assert_eq!(status, 200, "{uri}");
                assert_eq!(body.as_ref(), bytes.as_slice(), "{uri}");
            }
            None => assert_eq!(status, 204, "{uri}"),
        }
    }
}

#[actix_web::test]
async fn without_a_default_view_the_map_opens_on_the_districts_but_a_far_outlier() {
    let dir = small_dir();
    let path = dir.path().join("districts.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    let airfield = r#"{"type":"Feature","id":"airfield","properties":{"name":"Airfield","group":"Town"},"geometry":{"type":"Polygon","coordinates":[[[45.0,36.0],[45.01,36.0],[45.01,36.01],[45.0,36.01],[45.0,36.0]]]}}"#;
    std::fs::write(&path, text.replace("\n]}", &format!(",\n{airfield}\n]}}"))).unwrap();
    let (_db, index) = index_of(dir.path());
    assert_eq!(index.districts.len(), 4);
    let (_, _, meta) = get_json(&app(index.clone()).await, "/api/meta").await;
    assert_eq!(
        meta["bbox"][2].as_f64(),
        Some(45.01),
        "the box holds the airfield"
    );
    let view: Vec<f64> = meta["opening_view"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(view, vec![43.0, 36.0, 43.03, 36.01], "the three squares");
    assert_eq!(index.opening_view().unwrap().1, PADDING_PX);
    let cache = TileCache::new(1 << 20);
    assert!(warm_opening(&index, &cache).unwrap() > 0);
}

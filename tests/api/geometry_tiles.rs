//! The web map's time-free geometry: outline tiles whose feature ids are the state stream's
//! district indices, a border table whose indices are the tiles' border ids, and the outline-free
//! district list; cached for good under the current outline version only.

use std::collections::{BTreeSet, HashMap};

use actix_web::test;

use crate::helpers::{app, get_json, index_of, mosul_dir, mvt_layers};

/// The zoom-12 tile holding the Old City (the Nuri mosque, 43.1268 E 36.3427 N).
const OLD_CITY: &str = "12/2538/1603";

type Features = Vec<(u64, HashMap<String, String>)>;

/// Each layer of a tile by name: its features' ids and text properties.
fn layers(bytes: &[u8]) -> HashMap<String, Features> {
    mvt_layers(bytes)
        .into_iter()
        .map(|(name, _, features)| {
            let with_ids = features
                .into_iter()
                .map(|(id, props)| (id.expect("every feature has an id"), props))
                .collect();
            (name, with_ids)
        })
        .collect()
}

async fn get(
    service: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> (u16, HashMap<String, String>, Vec<u8>) {
    let resp = test::call_service(service, test::TestRequest::get().uri(uri).to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    (status, headers, test::read_body(resp).await.to_vec())
}

#[actix_web::test]
async fn outline_tiles_carry_each_district_and_border_under_the_ids_the_stream_and_table_use() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    let v = index.tiles_version();
    let (status, headers, body) =
        get(&service, &format!("/tiles/districts/{OLD_CITY}.mvt?v={v}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-type"],
        "application/vnd.mapbox-vector-tile"
    );
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let tile = layers(&body);
    let districts = &tile["districts"];
    assert!(districts.len() > 40, "the city's districts are in the tile");
    for (id, props) in districts {
        let entry = &index.districts[usize::try_from(*id).unwrap()];
        assert_eq!(props["id"], entry.district.id);
        assert_eq!(props["name"], entry.district.name);
        assert!(!props.contains_key("status"), "no time in the outlines");
    }
    // The border table, decoded by hand from its documented layout.
    let (status, headers, table) = get(&service, "/api/borders.bin").await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/vnd.frontline.borders");
    assert_eq!(&table[..4], b"FLBD");
    assert_eq!(u16::from_le_bytes([table[4], table[5]]), 1);
    let u32_at = |at: usize| u32::from_le_bytes(table[at..at + 4].try_into().unwrap());
    let count = u32_at(8) as usize;
    assert_eq!(count, index.borders().len());
    assert_eq!(u32_at(12) as usize, index.districts.len());
    assert_eq!(table.len(), 16 + 8 * count);
    let borders = &tile["borders"];
    assert!(
        borders.len() > 20,
        "the front's borders in the city are in the tile"
    );
    let id = |d: u32| index.districts[d as usize].district.id.clone();
    let on_front = index.ever_on_front();
    assert!(
        on_front.iter().any(|on| !on),
        "some borders are never on the front"
    );
    for (i, props) in borders {
        let i = usize::try_from(*i).unwrap();
        assert!(on_front[i], "border {i} is on the front at some instant");
        let (a, b) = (u32_at(16 + 8 * i), u32_at(20 + 8 * i));
        assert_eq!(
            (props["district_a"].clone(), props["district_b"].clone()),
            (id(a), id(b))
        );
        assert!(a < b);
    }
    // Borders across the Tigris (gap centre lines), where the front ran in January 2017.
    let across: BTreeSet<_> = index
        .borders()
        .iter()
        .zip(on_front)
        .filter(|(b, on)| **on && b.across_gap_km > 0.0)
        .map(|(b, _)| b)
        .map(|b| (id(b.a), id(b.b)))
        .collect();
    let in_tile: BTreeSet<_> = borders
        .iter()
        .map(|(_, p)| (p["district_a"].clone(), p["district_b"].clone()))
        .collect();
    assert!(
        across.intersection(&in_tile).count() > 0,
        "borders across the river are in the Old City tile"
    );
    // Labels: inside the tile, one per district at most, for districts wide enough at zoom 12.
    let labels = &tile["labels"];
    assert!(!labels.is_empty(), "big districts are named at zoom 12");
    let named: BTreeSet<_> = labels.iter().map(|(id, _)| *id).collect();
    assert_eq!(named.len(), labels.len());
}

#[actix_web::test]
async fn below_zoom_8_outline_tiles_identify_districts_and_borders_by_their_ids_alone() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    let (status, _, body) = get(&service, "/tiles/districts/7/79/50.mvt").await;
    assert_eq!(status, 200);
    let tile = layers(&body);
    // The bigger districts stand alone; the rest are in blocks (tests/api/blocks.rs).
    let city: BTreeSet<u64> = tile["districts"].iter().map(|(id, _)| *id).collect();
    let alone = city
        .iter()
        .filter(|&&d| (d as usize) < index.districts.len())
        .count();
    assert!(
        alone > 10,
        "the city's bigger districts are in the zoom-7 tile: {alone}"
    );
    for layer in ["districts", "borders"] {
        assert!(
            tile[layer].iter().all(|(_, props)| props.is_empty()),
            "{layer}: no names at zoom 7"
        );
    }
}

#[actix_web::test]
async fn an_outline_tile_of_another_outline_version_is_not_cached_for_good() {
    let service = app(index_of(&mosul_dir()).1).await;
    for uri in [
        format!("/tiles/districts/{OLD_CITY}.mvt"),
        format!("/tiles/districts/{OLD_CITY}.mvt?v=-5"),
    ] {
        let (status, headers, _) = get(&service, &uri).await;
        assert_eq!(status, 200, "{uri}");
        assert_eq!(headers["cache-control"], "no-cache", "{uri}");
    }
    let (status, _, body) = get(&service, "/tiles/districts/12/0/0.mvt").await;
    assert_eq!((status, body.len()), (204, 0), "nothing in the Pacific");
    let (status, content_type, body) =
        get_json(&service, "/tiles/districts/12/2538/1603.mvt?v=new").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(body["parameter"], "v");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("'new' is not an outline version"),
        "{body}"
    );
}

#[actix_web::test]
async fn the_outline_tilejson_names_the_outline_version_in_its_tile_urls() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    let (status, _, doc) = get_json(&service, "/tiles/districts.json").await;
    assert_eq!(status, 200);
    assert_eq!(doc["tilejson"], "3.0.0");
    let url = doc["tiles"][0].as_str().unwrap();
    assert!(
        url.ends_with(&format!(
            "/tiles/districts/{{z}}/{{x}}/{{y}}.mvt?v={}",
            index.tiles_version()
        )),
        "{url}"
    );
    let ids: Vec<_> = doc["vector_layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["districts", "borders", "labels"]);
}

#[actix_web::test]
async fn the_district_list_without_outlines_gives_boxes_and_label_points_inside_them() {
    let (_db, index) = index_of(&mosul_dir());
    let service = app(index_of(&mosul_dir()).1).await;
    let (status, _, list) = get_json(&service, "/api/districts?geometry=none").await;
    assert_eq!(status, 200);
    let features = list["features"].as_array().unwrap();
    assert_eq!(features.len(), index.districts.len());
    for (f, entry) in features.iter().zip(index.districts.iter()) {
        assert_eq!(f["id"], entry.district.id.as_str());
        assert!(f["geometry"].is_null());
        assert_eq!(f["properties"]["name"], entry.district.name.as_str());
        let bbox: Vec<f64> = serde_json::from_value(f["bbox"].clone()).unwrap();
        let label: Vec<f64> = serde_json::from_value(f["label"].clone()).unwrap();
        assert!(
            bbox[0] <= label[0] && label[0] <= bbox[2],
            "{}",
            entry.district.id
        );
        assert!(
            bbox[1] <= label[1] && label[1] <= bbox[3],
            "{}",
            entry.district.id
        );
        let point = geo::Point::new(label[0], label[1]);
        assert!(
            geo::Intersects::intersects(&entry.district.geometry, &point),
            "{}: the label point is inside the district",
            entry.district.id
        );
    }
    let (status, content_type, body) = get_json(&service, "/api/districts?geometry=bbox").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(content_type, "application/problem+json");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.contains("full") && detail.contains("none"),
        "{detail}"
    );
}

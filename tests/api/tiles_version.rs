//! The outline tiles are cached for good under their version, so the version must change when
//! what they show does. They carry the borders the front runs along at some instant as believed
//! now or as known at any earlier time, so that the map as published on any date can draw its
//! front: an edit of states that brings the front to a border it never ran along changes the
//! version, and the tile then holds that border; an edit that takes the front off a border keeps
//! it, since the map as known before the edit still draws it there.

use std::collections::BTreeSet;

use serde_json::json;

use crate::editing::post_state;
use crate::helpers::mvt_layers;
use crate::writes::{Served, bearer, get, send, serve_seeded, serve_small};

/// The zoom-12 tile over the small town (43.00–43.03 E, 36.00–36.01 N).
fn town_tile() -> String {
    let (lon, lat) = (43.015_f64, 36.005_f64);
    let n = f64::from(1u32 << 12);
    let x = ((lon + 180.0) / 360.0 * n).floor();
    let lat = lat.to_radians();
    let y = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
    format!("12/{x}/{y}")
}

fn version(s: &Served) -> String {
    get(s.port, "/tiles/districts.json").json["version"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The borders the tile at version `v` holds, as `a|b` pairs, and its Cache-Control.
fn borders(s: &Served, v: &str) -> (BTreeSet<String>, String) {
    let a = get(
        s.port,
        &format!("/tiles/districts/{}.mvt?v={v}", town_tile()),
    );
    assert_eq!(a.status, 200);
    let layers = mvt_layers(&a.body);
    let (_, _, features) = layers.iter().find(|(n, _, _)| n == "borders").unwrap();
    let pairs = features
        .iter()
        .map(|(_, p)| format!("{}|{}", p["district_a"], p["district_b"]))
        .collect();
    (pairs, a.header("cache-control").unwrap())
}

fn write(s: &Served, district: &str, body: &serde_json::Value) {
    let history = send(
        s.port,
        "GET",
        &format!("/api/districts/{district}/history"),
        &[],
        None,
    );
    let tag = history.header("etag").unwrap();
    let a = post_state(
        s,
        district,
        &[bearer(&s.editor), format!("If-Match: {tag}")],
        body,
    );
    assert_eq!(a.status, 201, "{}", a.json);
}

/// When an edit was recorded, from the audit log: the newest edit.
fn last_edit_at(s: &Served) -> String {
    get(s.port, "/api/edits").json["edits"][0]["at"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The small town with nothing recorded of east: it never faces middle across the front.
fn serve_without_east() -> Served {
    let seed = crate::helpers::small_dir();
    std::fs::write(
        seed.path().join("control.csv"),
        "district,status,factions,valid_from,valid_to,confidence,sources,note\n\
         middle,held,red,2020-01-01,2020-02-01,confirmed,wire-1,\n\
         middle,held,blue,2020-02-01,,confirmed,wire-2,\n\
         west,held,blue,2020-01-01,,confirmed,wire-1,\n",
    )
    .unwrap();
    serve_seeded(seed, 0.2)
}

/// The pairs of districts the front runs between on `at`, as known at `known_at` (or now).
fn front(s: &Served, at: &str, known_at: Option<&str>) -> BTreeSet<String> {
    let known = known_at
        .map(|k| format!("&known_at={k}"))
        .unwrap_or_default();
    get(s.port, &format!("/api/frontline?at={at}{known}")).json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}|{}",
                f["properties"]["district_a"].as_str().unwrap(),
                f["properties"]["district_b"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_outline_tiles_version_follows_the_borders_the_front_ever_runs_along() {
    let s = serve_small();
    let first = version(&s);
    let (before, cache) = borders(&s, &first);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(
        before,
        BTreeSet::from(["middle|east".to_owned(), "west|middle".to_owned()]),
        "red east faces blue middle from February, blue west faced red middle in January"
    );

    // A second report of what is already believed: no border changes its place on the front.
    write(
        &s,
        "west",
        &json!({
            "status": "held", "factions": ["blue"], "valid_from": "2020-03-01",
            "confidence": "confirmed", "sources": ["wire-2"], "note": "still held", "comment": "second report"
        }),
    );
    assert_eq!(version(&s), first, "nothing the tiles show has changed");
}

#[test]
fn a_border_the_front_reaches_is_added_and_one_it_leaves_stays_for_the_map_as_known_before() {
    let s = serve_without_east();
    let first = version(&s);
    let (before, _) = borders(&s, &first);
    assert_eq!(
        before,
        BTreeSet::from(["west|middle".to_owned()]),
        "east was never on the front"
    );

    // East is reported red from March: it faces blue middle, a border new to the front.
    write(
        &s,
        "east",
        &json!({
            "status": "held", "factions": ["red"], "valid_from": "2020-03-01",
            "confidence": "reported", "sources": ["wire-1"], "note": "", "comment": "first report of east"
        }),
    );
    let second = version(&s);
    assert_ne!(second, first, "the front now runs between middle and east");
    let (after, cache) = borders(&s, &second);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(
        after,
        BTreeSet::from(["middle|east".to_owned(), "west|middle".to_owned()])
    );
    // The old version's URL is no longer the current one: not to be kept for good.
    let (_, cache) = borders(&s, &first);
    assert_eq!(cache, "no-cache");
    let reported = last_edit_at(&s);
    std::thread::sleep(std::time::Duration::from_millis(5));

    // A better report: east was blue all along. Believed now, the front no longer reaches it...
    write(
        &s,
        "east",
        &json!({
            "status": "held", "factions": ["blue"], "valid_from": "2020-03-01",
            "confidence": "confirmed", "sources": ["wire-2"], "note": "", "comment": "corrected"
        }),
    );
    assert_eq!(front(&s, "2020-03-15", None), BTreeSet::new());
    // ...but the map as published before the correction drew it between middle and east, and
    // the tiles it is drawn from still hold that border.
    assert_eq!(
        front(&s, "2020-03-15", Some(&reported)),
        BTreeSet::from(["middle|east".to_owned()])
    );
    assert_eq!(version(&s), second, "what the tiles hold has not changed");
    let (kept, _) = borders(&s, &second);
    assert_eq!(kept, after);
}

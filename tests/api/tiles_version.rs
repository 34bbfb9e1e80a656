//! The outline tiles are cached for good under their version, so the version must change when
//! what they show does: an edit of states that takes the front off a border (or onto a new one)
//! changes it, and the tile then shows the borders as they now are; an edit that leaves every
//! border's place on the front as it was keeps it, and the browser's tiles stay good.

use std::collections::BTreeSet;

use serde_json::json;

use crate::editing::post_state;
use crate::helpers::mvt_layers;
use crate::writes::{Served, bearer, get, send, serve_small};

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

    // East went over to blue when middle did: middle and east were never on opposite sides.
    write(
        &s,
        "east",
        &json!({
            "status": "held", "factions": ["blue"], "valid_from": "2020-02-01",
            "confidence": "confirmed", "sources": ["wire-2"], "note": "east changed sides", "comment": "new report"
        }),
    );
    let second = version(&s);
    assert_ne!(
        second, first,
        "the front no longer runs between middle and east"
    );
    let (after, cache) = borders(&s, &second);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert_eq!(after, BTreeSet::from(["west|middle".to_owned()]));
    // The old version's URL is no longer the current one: not to be kept for good.
    let (_, cache) = borders(&s, &first);
    assert_eq!(cache, "no-cache");
}

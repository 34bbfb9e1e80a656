//! What map clients draw from: vector tiles of the control map (Mapbox Vector Tiles 2.1 of the
//! districts at an instant, and the TileJSON 3.0 document that describes them, for QGIS, GDAL,
//! MapLibre and OpenLayers), the binary stream of every hand-over ([`stream`]), the district list
//! in binary ([`district_table`]) and a period's events in binary ([`event_stream`]).
//!
//! Two layers. `control`: a feature per district in the tile, its MVT id the district's index in
//! the data set, with the district's `id`, `name` and `group` and, at the instant asked for, its
//! `status`, `faction` (when held), `factions` (`;`-joined: MVT has no lists), `confidence`,
//! `valid_from` and `valid_to` (RFC 3339; absent while it still holds). A district with no state
//! at that instant carries no state properties. `frontline`: the borders between districts held by
//! hostile sides at that instant, as in `/api/frontline`, with `district_a`, `district_b`,
//! `side_a`, `side_b` (a faction id or `contested`), `length_km` and `across_gap_km` (numbers).

pub mod cache;
mod control_blocks;
pub mod district_table;
pub mod event_stream;
pub mod geometry;
pub mod stream;

use fast_mvt::{MvtError, MvtGeomType, MvtLayerBuilder};
use serde_json::{Value, json};

use crate::domain::blocks;
use crate::domain::index::Index;
use crate::domain::tiles::{self, BUFFER, EXTENT, TileId};
use crate::domain::time::Instant;

/// The districts' layer.
pub const LAYER: &str = "control";
/// The front line's layer.
pub const FRONT_LAYER: &str = "frontline";
/// The MVT media type.
pub const MEDIA_TYPE: &str = "application/vnd.mapbox-vector-tile";

/// The tile `tile` of the map at `at`: `None` when no district reaches into it.
///
/// # Errors
/// Only if the encoder refuses a value (not expected: every value is a string).
pub fn control_tile(index: &Index, tile: TileId, at: Instant) -> Result<Option<Vec<u8>>, MvtError> {
    let bbox = crate::domain::geometry::Bbox(tile.bounds(BUFFER));
    let mut layer = MvtLayerBuilder::new(LAYER)?;
    layer.extent(EXTENT.try_into().expect("the extent is not zero"));
    if let Some(level) = index.blocks_at(tile.z) {
        let (layer, features) = control_blocks::tile(index, tile, at, level, layer)?;
        return Ok((features > 0).then(|| layer.encode()));
    }
    let mut features = 0;
    for d in index.districts_in(Some(&bbox)) {
        let entry = &index.districts[d as usize];
        let polygons = tile.cut(&entry.district.geometry);
        if polygons.is_empty() {
            continue;
        }
        let mut f = district_feature(layer, polygons, d, entry, true)?;
        state_properties(index, &mut f, d, entry, at, true)?;
        layer = f.end();
        features += 1;
    }
    let mut layer = layer.layer(FRONT_LAYER)?;
    layer.extent(EXTENT.try_into().expect("the extent is not zero"));
    for front in index.frontline(at, Some(&bbox)) {
        let lines = tile.cut_lines(&front.border.lines);
        if lines.is_empty() {
            continue;
        }
        let mut f = layer.feature_of(MvtGeomType::LineString);
        for line in lines {
            f.line(line)?;
        }
        let district = |d: u32| index.districts[d as usize].district.id.as_str();
        let side = |s: usize| crate::export::records::label(index, &index.states[s].side());
        f.tag_string("district_a", district(front.border.a))?;
        f.tag_string("district_b", district(front.border.b))?;
        f.tag_string("side_a", side(front.state_a))?;
        f.tag_string("side_b", side(front.state_b))?;
        // Metre precision, as `/api/frontline` gives them.
        let km = |v: f64| (v * 1000.0).round() / 1000.0;
        f.tag_double("length_km", km(front.border.length_km))?;
        f.tag_double("across_gap_km", km(front.border.across_gap_km))?;
        layer = f.end();
        features += 1;
    }
    Ok((features > 0).then(|| layer.encode()))
}

/// A polygon feature with MVT id `id` and `polygons` (cut to the tile) as its geometry.
pub(crate) fn polygon_feature(
    layer: MvtLayerBuilder,
    polygons: Vec<tiles::TilePolygon>,
    id: u64,
) -> Result<fast_mvt::MvtFeatureBuilder, MvtError> {
    let mut f = layer.feature_of(MvtGeomType::Polygon);
    for polygon in polygons {
        for (k, ring) in polygon.into_iter().enumerate() {
            f.ring(ring, k == 0)?;
        }
    }
    f.id(Some(id));
    Ok(f)
}

/// District `d`'s state's side at `at` (`status`, `faction`, `factions`, `confidence`), when it
/// has one; when `full`, also its `group` and the state's `valid_from` and `valid_to`.
fn state_properties(
    index: &Index,
    f: &mut fast_mvt::MvtFeatureBuilder,
    d: u32,
    entry: &crate::domain::index::DistrictEntry,
    at: Instant,
    full: bool,
) -> Result<(), MvtError> {
    if let Some(group) = entry.district.group.as_ref().filter(|_| full) {
        f.tag_string("group", group.as_str())?;
    }
    if let Some(s) = index.state_at(d, at).map(|s| &index.states[s]) {
        let faction = |i: &u16| index.factions[usize::from(*i)].id.as_str();
        f.tag_string("status", s.status.as_str())?;
        if s.status == crate::domain::model::Status::Held {
            f.tag_string("faction", faction(&s.factions[0]))?;
        }
        let all: Vec<&str> = s.factions.iter().map(faction).collect();
        f.tag_string("factions", all.join(";"))?;
        f.tag_string("confidence", s.confidence.as_str())?;
        if full {
            f.tag_string("valid_from", s.interval.from.to_rfc3339())?;
            if let Some(to) = s.interval.to {
                f.tag_string("valid_to", to.to_rfc3339())?;
            }
        }
    }
    Ok(())
}

/// A polygon feature of district `d` (its MVT id) with its outline cut to the tile and, when
/// `named`, its `id` and `name`, for the caller to add more properties to.
pub(crate) fn district_feature(
    layer: MvtLayerBuilder,
    polygons: Vec<tiles::TilePolygon>,
    d: u32,
    entry: &crate::domain::index::DistrictEntry,
    named: bool,
) -> Result<fast_mvt::MvtFeatureBuilder, MvtError> {
    let mut f = polygon_feature(layer, polygons, u64::from(d))?;
    if named {
        f.tag_string("id", entry.district.id.as_str())?;
        f.tag_string("name", entry.district.name.as_str())?;
    }
    Ok(f)
}

/// The TileJSON 3.0.0 document of the control tiles at `base` (the server's public URL), for
/// `at` when given (else the tiles show the current map).
#[must_use]
pub fn tilejson(index: &Index, base: &str, at: Option<Instant>) -> Value {
    let query = at.map_or(String::new(), |t| format!("?at={}", t.to_rfc3339()));
    let bounds = index
        .extent()
        .map_or(json!([-180.0, -85.0511, 180.0, 85.0511]), |r| {
            json!([r.min().x, r.min().y, r.max().x, r.max().y])
        });
    let centre = index.extent().map_or(json!([0.0, 0.0, 2]), |r| {
        json!([
            (r.min().x + r.max().x) / 2.0,
            (r.min().y + r.max().y) / 2.0,
            10
        ])
    });
    let title = if index.meta.title.is_empty() {
        "Control"
    } else {
        index.meta.title.as_str()
    };
    json!({
        "tilejson": "3.0.0",
        "name": title,
        "description": "Who held each district: one feature per district with its state at the tile's instant (`at`, RFC 3339; default now).",
        "attribution": index
            .meta
            .credits
            .iter()
            .map(crate::domain::meta::Credit::line)
            .collect::<Vec<_>>()
            .join(" · "),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/control/{{z}}/{{x}}/{{y}}.mvt{query}")],
        "minzoom": 0,
        "maxzoom": tiles::MAX_ZOOM,
        "bounds": bounds,
        "center": centre,
        "vector_layers": [{
            "id": LAYER,
            "description": format!("Districts with their control state at the instant. Out to zoom {}, small districts are grouped in blocks, and a district alone has its id and side only: name, group, valid_from and valid_to from zoom {}.", blocks::LAST_ZOOM, blocks::LAST_ZOOM + 1),
            "minzoom": 0,
            "maxzoom": tiles::MAX_ZOOM,
            "fields": {
                "id": "String: the district's id",
                "name": "String",
                "group": "String: the district's group (absent when none)",
                "status": "String: held or contested (absent when no state holds)",
                "faction": "String: the holding faction's id (held only)",
                "factions": "String: faction ids, ;-joined",
                "confidence": "String: confirmed, reported, claimed or estimated",
                "valid_from": "String: RFC 3339 start of the state",
                "valid_to": "String: RFC 3339 end of the state (absent while it holds)",
                "districts": format!("Number: out to zoom {}, how many districts a group of small ones draws (its side the one holding most of its area; no id, name or dates)", blocks::LAST_ZOOM)
            }
        }, {
            "id": FRONT_LAYER,
            "description": format!("The front line at the instant: borders between districts held by hostile sides (out to zoom {}, between blocks, without district ids).", blocks::LAST_ZOOM),
            "minzoom": 0,
            "maxzoom": tiles::MAX_ZOOM,
            "fields": {
                "district_a": "String: one district's id",
                "district_b": "String: the other district's id",
                "side_a": "String: district_a's side, a faction id or contested",
                "side_b": "String: district_b's side",
                "length_km": "Number: the whole border's geodesic length, km",
                "across_gap_km": "Number: how much of it runs across a gap such as a river, km"
            }
        }]
    })
}

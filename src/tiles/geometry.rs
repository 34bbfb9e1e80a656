//! The map's geometry without time: vector tiles of the district outlines, their borders and
//! label anchors, which do not change when the date does and so are cached for as long as the
//! data revision stands. A map colours them at any instant from the state stream
//! ([`super::stream`]) and the border table ([`border_table`]), with no tile request per date.
//!
//! Three layers, each feature's MVT id the row it stands for:
//! - `districts`: polygons, id the district's index (as in the state stream), with `id` and
//!   `name` from zoom [`NAMED_FROM_ZOOM`]; up to zoom [`generalise::LAST_ZOOM`] simplified to
//!   a quarter pixel with shared borders kept shared, so neighbours stay closed at every zoom;
//!   out to zoom [`blocks::LAST_ZOOM`], blocks instead ([`blocks`]): the districts wide enough on
//!   screen, and groups of the others, whose borders the `borders` layer then carries;
//! - `borders`: lines, id the border's index in [`border_table`], with `district_a` and
//!   `district_b` (ids) from zoom [`NAMED_FROM_ZOOM`]; shared stretches and, across gaps such as
//!   a river, their centre lines; only the borders the front runs along at some instant as
//!   believed now or as known earlier ([`Index::ever_on_front`]; the rest are never drawn as
//!   front, and the districts' own outlines draw them);
//! - `labels`: one point per district wide enough on screen at the tile's zoom to carry its name
//!   (at least [`LABEL_MIN_PX`] of a 512-pixel tile), inside the district, with `id`, `name` and
//!   `area_km2`, in the one tile that holds the point.

use std::collections::BTreeMap;

use fast_mvt::{MvtError, MvtGeomType, MvtLayerBuilder};
use geo::{Coord, LineString, Simplify};
use serde_json::{Value, json};

use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::domain::tiles::{self, BUFFER, EXTENT, TileId};
use crate::domain::{blocks, generalise, merge, opening};

/// The outlines' layer.
pub const DISTRICTS: &str = "districts";
/// The borders' layer.
pub const BORDERS: &str = "borders";
/// The label anchors' layer.
pub const LABELS: &str = "labels";
/// Features carry their ids and names from this zoom in, the first past where blocks end: within
/// blocks a tile of a country holds thousands of them, and names would double it. Further out the ids (the MVT feature ids, with `/api/districts`, [`border_table`] and
/// [`blocks::table`]) say which is which.
pub const NAMED_FROM_ZOOM: u8 = blocks::LAST_ZOOM + 1;
/// The media type of [`border_table`].
pub const BORDERS_MEDIA_TYPE: &str = "application/vnd.frontline.borders";
/// A district gets a label anchor at a zoom where its box is at least this many pixels wide,
/// on tiles drawn 512 pixels across.
pub const LABEL_MIN_PX: f64 = 40.0;

fn layer(name: &str) -> Result<MvtLayerBuilder, MvtError> {
    let mut layer = MvtLayerBuilder::new(name)?;
    layer.extent(EXTENT.try_into().expect("the extent is not zero"));
    Ok(layer)
}

/// The geometry tile `tile`: `None` when no district or border reaches into it.
///
/// # Runtime
/// O(k log n) to find the k districts and borders near the tile, then linear in their vertices.
///
/// # Errors
/// Only if the encoder refuses a value (not expected).
pub fn geometry_tile(index: &Index, tile: TileId) -> Result<Option<Vec<u8>>, MvtError> {
    let bbox = Bbox(tile.bounds(BUFFER));
    let near = index.districts_in(Some(&bbox));
    let blocks = index.blocks_at(tile.z);
    let (districts, mut features) = match blocks {
        Some(level) => block_outlines(tile, &bbox, level)?,
        None => district_outlines(index, tile, &near)?,
    };
    let mut borders = districts.layer(BORDERS)?;
    borders.extent(EXTENT.try_into().expect("the extent is not zero"));
    let tolerance = (tile.z <= generalise::LAST_ZOOM).then(|| generalise::tolerance(tile.z));
    let on_front = index.ever_on_front();
    // Simplified as the outlines are, so the front stays on their edges to a quarter pixel.
    let simplified = |border: &crate::domain::borders::Border| match tolerance {
        Some(t) => border.lines.simplify(t),
        None => border.lines.clone(),
    };
    let named = tile.z >= NAMED_FROM_ZOOM;
    let mut by_block: BTreeMap<u64, Vec<LineString<f64>>> = BTreeMap::new();
    for i in index.borders_in(&bbox.0) {
        if !on_front[i as usize] {
            continue;
        }
        let border = &index.borders()[i as usize];
        if let Some(level) = blocks {
            // Between blocks, the district borders of one pair of blocks go out as one line.
            if let Some(id) = level.border_id[i as usize] {
                by_block.entry(id).or_default().extend(simplified(border));
            }
            continue;
        }
        let lines = tile.cut_lines(&simplified(border));
        if lines.is_empty() {
            continue;
        }
        let mut f = borders.feature_of(MvtGeomType::LineString);
        for line in lines {
            f.line(line)?;
        }
        f.id(Some(u64::from(i)));
        if named {
            let id = |d: u32| index.districts[d as usize].district.id.as_str();
            f.tag_string("district_a", id(border.a))?;
            f.tag_string("district_b", id(border.b))?;
        }
        borders = f.end();
        features += 1;
    }
    for (id, lines) in by_block {
        let chained = merge::chain(lines);
        let lines = tile.cut_lines(&match tolerance {
            Some(t) => chained.simplify(t),
            None => chained,
        });
        if lines.is_empty() {
            continue;
        }
        let mut f = borders.feature_of(MvtGeomType::LineString);
        for line in lines {
            f.line(line)?;
        }
        f.id(Some(id));
        borders = f.end();
        features += 1;
    }
    let mut labels = borders.layer(LABELS)?;
    labels.extent(EXTENT.try_into().expect("the extent is not zero"));
    let min_width = LABEL_MIN_PX * f64::from(EXTENT) / 512.0;
    for &d in &near {
        let entry = &index.districts[d as usize];
        let (lo, hi) = (entry.envelope.min(), entry.envelope.max());
        let (west, east) = (tile.project(lo), tile.project(hi));
        if east.x - west.x < min_width {
            continue;
        }
        let Some(anchor) = entry.label else {
            continue;
        };
        let p = tile.project(anchor);
        let inside = |v: f64| (0.0..f64::from(EXTENT)).contains(&v);
        if !inside(p.x) || !inside(p.y) {
            continue;
        }
        let mut f = labels.feature_of(MvtGeomType::Point);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "the point is inside the tile, 0..EXTENT"
        )]
        f.points([Coord {
            x: p.x.round() as i32,
            y: p.y.round() as i32,
        }])?;
        f.id(Some(u64::from(d)));
        f.tag_string("id", entry.district.id.as_str())?;
        f.tag_string("name", entry.district.name.as_str())?;
        f.tag_double("area_km2", entry.area_km2)?;
        labels = f.end();
        features += 1;
    }
    Ok((features > 0).then(|| labels.encode()))
}

/// The `districts` layer with a feature per district: the outlines of zoom `tile.z`.
fn district_outlines(
    index: &Index,
    tile: TileId,
    near: &[u32],
) -> Result<(MvtLayerBuilder, usize), MvtError> {
    let mut districts = layer(DISTRICTS)?;
    let mut features = 0;
    let outlines = index.outlines_at(tile.z);
    let named = tile.z >= NAMED_FROM_ZOOM;
    for &d in near {
        let entry = &index.districts[d as usize];
        let polygons = match outlines {
            Some(simplified) => tile.cut_multi(&simplified[d as usize]),
            None => tile.cut(&entry.district.geometry),
        };
        if polygons.is_empty() {
            continue;
        }
        districts = super::district_feature(districts, polygons, d, entry, named)?.end();
        features += 1;
    }
    Ok((districts, features))
}

/// The `districts` layer at a zoom with blocks ([`blocks`]): the districts wide enough to stand
/// alone, and the groups of the others.
fn block_outlines(
    tile: TileId,
    bbox: &Bbox,
    level: &blocks::Level,
) -> Result<(MvtLayerBuilder, usize), MvtError> {
    let mut districts = layer(DISTRICTS)?;
    let mut features = 0;
    let found = level.in_box(&bbox.0);
    for b in found {
        let block = &level.blocks[b as usize];
        let polygons = tile.cut_multi(&block.outline);
        if polygons.is_empty() {
            continue;
        }
        districts = super::polygon_feature(districts, polygons, block.id)?.end();
        features += 1;
    }
    Ok((districts, features))
}

/// Which two districts each border of the `borders` layer lies between, by border index. The byte
/// layout (little-endian) is:
///
/// | offset | size | content |
/// |---|---|---|
/// | 0 | 4 | ASCII `FLBD` |
/// | 4 | 2 | u16 version, 1 |
/// | 6 | 2 | u16, 0 |
/// | 8 | 4 | u32 border count B |
/// | 12 | 4 | u32 district count D |
/// | 16 | 8 × B | u32 district a, u32 district b (indices as in the state stream), a < b |
#[must_use]
pub fn border_table(index: &Index) -> Vec<u8> {
    let borders = index.borders();
    let count = |n: usize| u32::try_from(n).expect("counts fit in 32 bits");
    let mut out = Vec::with_capacity(16 + 8 * borders.len());
    out.extend_from_slice(b"FLBD");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count(borders.len()).to_le_bytes());
    out.extend_from_slice(&count(index.districts.len()).to_le_bytes());
    for b in borders {
        out.extend_from_slice(&b.a.to_le_bytes());
        out.extend_from_slice(&b.b.to_le_bytes());
    }
    out
}

/// The TileJSON 3.0.0 document of the geometry tiles at `base`; the tile URLs carry the data
/// revision, so a client may keep a tile for as long as it asks for that revision.
#[must_use]
pub fn tilejson(index: &Index, base: &str) -> Value {
    let bounds = index
        .extent()
        .map_or(json!([-180.0, -85.0511, 180.0, 85.0511]), |r| {
            json!([r.min().x, r.min().y, r.max().x, r.max().y])
        });
    json!({
        "tilejson": "3.0.0",
        "name": format!("{} (outlines)", if index.meta.title.is_empty() { "Districts" } else { index.meta.title.as_str() }),
        "description": "District outlines, borders and label anchors, without time: colour them from /api/states.bin and /api/borders.bin.",
        "version": index.tiles_version().to_string(),
        "scheme": "xyz",
        "tiles": [format!("{base}/tiles/districts/{{z}}/{{x}}/{{y}}.mvt?v={}", index.tiles_version())],
        "minzoom": 0,
        "maxzoom": tiles::MAX_ZOOM,
        "bounds": bounds,
        "vector_layers": [{
            "id": DISTRICTS,
            "description": format!("District outlines; MVT id the district's index in /api/districts and /api/states.bin. Out to zoom {}, blocks: districts wide enough alone, the others grouped (ids from 2^40, see /api/blocks.bin).", blocks::LAST_ZOOM),
            "fields": { "id": "String: the district's id", "name": "String" }
        }, {
            "id": BORDERS,
            "description": format!("Borders between neighbouring districts; MVT id the border's index in /api/borders.bin. Out to zoom {}, borders between blocks: (z + 1)·2^32 + the first such index.", blocks::LAST_ZOOM),
            "fields": { "district_a": "String: one district's id", "district_b": "String: the other's" }
        }, {
            "id": LABELS,
            "description": "Label anchors inside districts wide enough on screen at the zoom.",
            "fields": { "id": "String", "name": "String", "area_km2": "Number: geodesic area, km²" }
        }]
    })
}

/// Makes the outline tiles the web map asks for first and keeps them in `cache`: those over its
/// opening view at the zooms it opens at on screens from a phone to a desktop
/// ([`crate::domain::opening`]). The first visitor then finds them, and the generalised
/// outlines and blocks of those zooms, ready. Returns how many tiles were asked for.
///
/// # Errors
/// Only if the encoder refuses a value (not expected).
pub fn warm_opening(index: &Index, cache: &super::cache::TileCache) -> Result<usize, MvtError> {
    let Some((view, padding)) = index.opening_view() else {
        return Ok(0);
    };
    let mut count = 0;
    for z in opening::opening_zooms(view, padding) {
        for tile in opening::tiles_over(view, z) {
            cache.get_or_make(super::cache::Key::geometry(index, tile), || {
                geometry_tile(index, tile)
            })?;
            count += 1;
        }
    }
    Ok(count)
}

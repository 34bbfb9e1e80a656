//! The dated control tiles zoomed out, out to zoom [`blocks::LAST_ZOOM`]: the same blocks as the
//! outline tiles ([`blocks`]). A district wide enough on screen is its own feature, with all its
//! properties; a group is one feature, id its block id, with `districts` (how many) and the
//! `status`, `faction` and `factions` of the side holding most of its area at the instant (ties
//! to the side key first in sort order, as the web map breaks them). The front runs between
//! blocks whose sides are hostile, one feature per pair, with `side_a`, `side_b`, `length_km`
//! and `across_gap_km`.

use std::collections::{BTreeMap, HashMap};

use fast_mvt::{MvtError, MvtGeomType, MvtLayerBuilder};
use geo::{LineString, Simplify};

use super::{FRONT_LAYER, state_properties};
use crate::domain::blocks::{self, GROUP_BASE};
use crate::domain::geometry::Bbox;
use crate::domain::index::{Index, Side};
use crate::domain::tiles::TileId;
use crate::domain::time::Instant;
use crate::domain::{generalise, merge};

/// A block's side at an instant: `None` for no state.
type Held = Option<Side>;

/// A border between two blocks: their ids, the lines of the district borders between them, and
/// their lengths in km (all, and across gaps).
struct Between {
    a: u64,
    b: u64,
    lines: Vec<LineString<f64>>,
    length_km: f64,
    across_gap_km: f64,
}

/// The key a side sorts by when areas tie: a faction id, `contested:a+b` (ids sorted), or
/// `unknown`.
fn key(index: &Index, side: &Held) -> String {
    match side {
        None => "unknown".to_owned(),
        Some(Side::Held(f)) => index.factions[usize::from(*f)].id.clone(),
        Some(Side::Contested(fs)) => {
            let mut ids: Vec<&str> = fs
                .iter()
                .map(|&f| index.factions[usize::from(f)].id.as_str())
                .collect();
            ids.sort_unstable();
            format!("contested:{}", ids.join("+"))
        }
    }
}

/// Who holds blocks at one instant, worked out on first need.
struct Sides<'a> {
    index: &'a Index,
    level: &'a blocks::Level,
    at: Instant,
    known: HashMap<u64, Held>,
}

impl Sides<'_> {
    fn district(&self, d: u32) -> Held {
        self.index
            .state_at(d, self.at)
            .map(|s| self.index.states[s].side())
    }

    /// The side of block `id`: a district's own, or the one holding most of a group's area.
    fn of(&mut self, id: u64) -> Held {
        if id < GROUP_BASE {
            return self.district(u32::try_from(id).expect("district blocks are indices"));
        }
        if let Some(side) = self.known.get(&id) {
            return side.clone();
        }
        let block = self
            .level
            .blocks
            .binary_search_by_key(&id, |b| b.id)
            .map(|k| &self.level.blocks[k])
            .expect("a group of this zoom");
        let mut area: BTreeMap<String, (f64, Held)> = BTreeMap::new();
        for &d in &block.members {
            let side = self.district(d);
            let weight = self.index.districts[d as usize].area_km2.max(1e-9);
            area.entry(key(self.index, &side)).or_insert((0.0, side)).0 += weight;
        }
        // In key order, so the first of equal areas wins.
        let mut best: Option<(f64, Held)> = None;
        for (a, side) in area.into_values() {
            if best.as_ref().is_none_or(|(most, _)| a > *most + 1e-12) {
                best = Some((a, side));
            }
        }
        let side = best.and_then(|(_, s)| s);
        self.known.insert(id, side.clone());
        side
    }
}

/// The `control` and `frontline` layers of `tile` at `at`, from the blocks of its zoom.
pub(super) fn tile(
    index: &Index,
    tile: TileId,
    at: Instant,
    level: &blocks::Level,
    mut layer: MvtLayerBuilder,
) -> Result<(MvtLayerBuilder, usize), MvtError> {
    let bbox = Bbox(tile.bounds(super::BUFFER));
    let found = level.in_box(&bbox.0);
    let mut sides = Sides {
        index,
        level,
        at,
        known: HashMap::new(),
    };
    let mut features = 0;
    for b in found {
        let block = &level.blocks[b as usize];
        let polygons = tile.cut_multi(&block.outline);
        if polygons.is_empty() {
            continue;
        }
        if block.id < GROUP_BASE {
            let d = block.members[0];
            let entry = &index.districts[d as usize];
            // Lean, as the outline tiles are here: thousands of districts share the tile, and
            // names and dates come from the first zoom past blocks.
            let mut f = super::polygon_feature(layer, polygons, u64::from(d))?;
            f.tag_string("id", entry.district.id.as_str())?;
            state_properties(index, &mut f, d, entry, at, false)?;
            layer = f.end();
        } else {
            let mut f = super::polygon_feature(layer, polygons, block.id)?;
            f.tag_uint("districts", block.members.len() as u64)?;
            if let Some(side) = sides.of(block.id) {
                let faction = |i: u16| index.factions[usize::from(i)].id.as_str();
                match &side {
                    Side::Held(x) => {
                        f.tag_string("status", "held")?;
                        f.tag_string("faction", faction(*x))?;
                        f.tag_string("factions", faction(*x))?;
                    }
                    Side::Contested(fs) => {
                        f.tag_string("status", "contested")?;
                        let all: Vec<&str> = fs.iter().map(|&x| faction(x)).collect();
                        f.tag_string("factions", all.join(";"))?;
                    }
                }
            }
            layer = f.end();
        }
        features += 1;
    }
    let mut layer = layer.layer(FRONT_LAYER)?;
    layer.extent(
        crate::domain::tiles::EXTENT
            .try_into()
            .expect("the extent is not zero"),
    );
    let membership = index.block_membership();
    let tolerance = generalise::tolerance(tile.z);
    let mut pairs: BTreeMap<u64, Between> = BTreeMap::new();
    for i in index.borders_in(&bbox.0) {
        let Some(id) = level.border_id[i as usize] else {
            continue;
        };
        let border = &index.borders()[i as usize];
        let (a, b) = (
            membership.block(border.a, tile.z),
            membership.block(border.b, tile.z),
        );
        let between = pairs.entry(id).or_insert_with(|| Between {
            a: a.min(b),
            b: a.max(b),
            lines: Vec::new(),
            length_km: 0.0,
            across_gap_km: 0.0,
        });
        between.lines.extend(border.lines.simplify(tolerance));
        between.length_km += border.length_km;
        between.across_gap_km += border.across_gap_km;
    }
    for (id, between) in pairs {
        let (side_a, side_b) = (sides.of(between.a), sides.of(between.b));
        let (Some(sa), Some(sb)) = (&side_a, &side_b) else {
            continue;
        };
        if !index.hostile(sa, sb) {
            continue;
        }
        let lines = tile.cut_lines(&merge::chain(between.lines).simplify(tolerance));
        if lines.is_empty() {
            continue;
        }
        let mut f = layer.feature_of(MvtGeomType::LineString);
        for line in lines {
            f.line(line)?;
        }
        f.id(Some(id));
        let label = |s: &Side| crate::export::records::label(index, s);
        f.tag_string("side_a", label(sa))?;
        f.tag_string("side_b", label(sb))?;
        let km = |v: f64| (v * 1000.0).round() / 1000.0;
        f.tag_double("length_km", km(between.length_km))?;
        f.tag_double("across_gap_km", km(between.across_gap_km))?;
        layer = f.end();
        features += 1;
    }
    Ok((layer, features))
}

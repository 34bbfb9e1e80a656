//! Districts grouped into blocks for the zooms where most are a few pixels wide: a country's
//! tens of thousands of districts seen whole. Out to zoom [`LAST_ZOOM`], a district at least
//! [`SOLO_PX`] across on screen (512-pixel tiles) stays itself; smaller ones go into a block with
//! the others whose label point falls in the same [`CELL_PX`]-pixel cell of that zoom, drawn as
//! the union of their outlines. The cells nest: a cell of zoom z is four of zoom z + 1. Blocks
//! do not depend on the date; a map colours a block by the side holding most of its area.
//!
//! A block's id, as the outline tiles carry it: a district on its own keeps its index; a group
//! is `2^40 + z·2^32 + y·2^16 + x` for its cell (x, y) at zoom z. Borders between blocks are
//! `(z + 1)·2^32 + i`, i the smallest index (in [`Index::borders`]) of the district borders
//! between the two blocks. A client works all of this out from the table [`table`] gives and
//! `/api/borders.bin`.

use std::collections::HashMap;
use std::sync::OnceLock;

use geo::{BoundingRect, Coord, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::index::{DistrictEntry, Index};
use super::{generalise, merge, simplify};

/// The deepest zoom with blocks; from the next one in, every district is drawn on its own.
pub const LAST_ZOOM: u8 = 8;
/// A block's cell, in pixels of its zoom: a tile has (512 / 6)² ≈ 7,300 of them. 6 px keeps the
/// tiles of a country of 50,000 districts under 500 KB (4-px cells, with blocks out to zoom 7,
/// left a zoom-8 tile at 567 KB).
pub const CELL_PX: u8 = 6;
/// A district at least this wide or tall on screen at a zoom is a block of its own there.
pub const SOLO_PX: f64 = 6.0;
/// Where group ids start (district indices are below it).
pub const GROUP_BASE: u64 = 1 << 40;

/// Per district: the first zoom where it stands alone, and its cell at [`LAST_ZOOM`].
#[derive(Debug, Clone)]
pub struct Membership {
    /// 0..=LAST_ZOOM, or LAST_ZOOM + 1 for a district grouped at every zoom with blocks.
    pub solo_from: Vec<u8>,
    pub cell: Vec<(u16, u16)>,
}

/// A block at one zoom: a district on its own or a group.
#[derive(Debug, Clone)]
pub struct Block {
    pub id: u64,
    pub members: Vec<u32>,
    pub outline: MultiPolygon<f64>,
}

/// The blocks of one zoom.
#[derive(Debug)]
pub struct Level {
    /// In id order: the districts alone first, then the groups.
    pub blocks: Vec<Block>,
    /// The blocks' boxes, tagged with their position in `blocks`.
    pub tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
    /// By border index: the border's id at this zoom, `None` inside one block.
    pub border_id: Vec<Option<u64>>,
}

impl Level {
    /// Positions in `blocks` of the blocks whose boxes meet `rect`, in order.
    #[must_use]
    pub fn in_box(&self, rect: &Rect<f64>) -> Vec<u32> {
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut found: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .collect();
        found.sort_unstable();
        found
    }
}

/// The lazily built blocks of an outline set.
#[derive(Debug, Default)]
pub struct Blocks {
    membership: OnceLock<Membership>,
    levels: [OnceLock<Level>; LAST_ZOOM as usize + 1],
}

/// A point's position in pixels of zoom `z` on 512-pixel tiles.
fn pixel(c: Coord<f64>, z: u8) -> Coord<f64> {
    let world = 512.0 * f64::from(1u32 << z);
    let lat = c.y.clamp(-85.051_128, 85.051_128).to_radians();
    Coord {
        x: (c.x + 180.0) / 360.0 * world,
        y: (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * world,
    }
}

/// Which districts stand alone from which zoom, and where the others go.
#[must_use]
pub fn membership(districts: &[DistrictEntry]) -> Membership {
    let mut solo_from = Vec::with_capacity(districts.len());
    let mut cell = Vec::with_capacity(districts.len());
    let last_cells = 512.0 * f64::from(1u32 << LAST_ZOOM) / f64::from(CELL_PX);
    for entry in districts {
        let (lo, hi) = (
            pixel(entry.envelope.min(), LAST_ZOOM),
            pixel(entry.envelope.max(), LAST_ZOOM),
        );
        let size = (hi.x - lo.x).abs().max((hi.y - lo.y).abs());
        // The size halves with each zoom out.
        let mut from = LAST_ZOOM + 1;
        for z in (0..=LAST_ZOOM).rev() {
            if size / f64::from(1u32 << (LAST_ZOOM - z)) >= SOLO_PX {
                from = z;
            } else {
                break;
            }
        }
        solo_from.push(from);
        let anchor = entry.label.unwrap_or_else(|| entry.envelope.center());
        let p = pixel(anchor, LAST_ZOOM);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "clamped to the cells of the zoom, fewer than 2^16"
        )]
        let at = |v: f64| {
            (v / f64::from(CELL_PX))
                .floor()
                .clamp(0.0, last_cells - 1.0) as u16
        };
        cell.push((at(p.x), at(p.y)));
    }
    Membership { solo_from, cell }
}

impl Membership {
    /// District `d`'s block id at zoom `z` (at most [`LAST_ZOOM`]).
    #[must_use]
    pub fn block(&self, d: u32, z: u8) -> u64 {
        if self.solo_from[d as usize] <= z {
            return u64::from(d);
        }
        let (x, y) = self.cell[d as usize];
        let shift = LAST_ZOOM - z;
        GROUP_BASE + (u64::from(z) << 32) + (u64::from(y >> shift) << 16) + u64::from(x >> shift)
    }
}

impl Index {
    /// Which block each district is in at each zoom with blocks.
    pub fn block_membership(&self) -> &Membership {
        self.blocks
            .membership
            .get_or_init(|| membership(&self.districts))
    }

    /// The blocks of zoom `z`, `None` past [`LAST_ZOOM`].
    ///
    /// # Runtime
    /// The first call for a zoom merges the outlines of that zoom (linear in their vertices) and
    /// maps every border; later ones are free.
    pub fn blocks_at(&self, z: u8) -> Option<&Level> {
        let level = self.blocks.levels.get(usize::from(z))?;
        Some(level.get_or_init(|| self.build_level(z)))
    }

    fn build_level(&self, z: u8) -> Level {
        let membership = self.block_membership();
        let outlines = self.outlines_at(z).expect("block zooms are generalised");
        let mut members: HashMap<u64, Vec<u32>> = HashMap::new();
        for d in 0..self.districts.len() as u32 {
            members.entry(membership.block(d, z)).or_default().push(d);
        }
        let mut blocks: Vec<(u64, Vec<u32>)> = members.into_iter().collect();
        blocks.sort_unstable_by_key(|b| b.0);
        let merged: Vec<MultiPolygon<f64>> = blocks
            .iter()
            .map(|(id, members)| match *id < GROUP_BASE {
                true => outlines[members[0] as usize].clone(),
                false => merge::union(members.iter().map(|&d| &outlines[d as usize])),
            })
            .collect();
        // The merged outlines' sides run between fewer junctions than their members' did: simplified
        // again, shared sides kept shared.
        let merged = simplify::simplify_shared(&merged, generalise::tolerance(z));
        let blocks: Vec<Block> = blocks
            .into_iter()
            .zip(merged)
            .map(|((id, members), outline)| Block {
                id,
                members,
                outline,
            })
            .collect();
        let tree = RTree::bulk_load(
            blocks
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let r = g.outline.bounding_rect()?;
                    let rect =
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
                    Some(GeomWithData::new(
                        rect,
                        u32::try_from(i).expect("blocks fit in 32 bits"),
                    ))
                })
                .collect(),
        );
        // Each pair of blocks' border is named after its first district border.
        let mut first: HashMap<(u64, u64), u32> = HashMap::new();
        let pairs: Vec<Option<(u64, u64)>> = self
            .borders()
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let (a, c) = (membership.block(b.a, z), membership.block(b.b, z));
                if a == c {
                    return None;
                }
                let pair = (a.min(c), a.max(c));
                let i = u32::try_from(i).expect("borders fit in 32 bits");
                first.entry(pair).or_insert(i);
                Some(pair)
            })
            .collect();
        let border_id = pairs
            .into_iter()
            .map(|p| p.map(|pair| (u64::from(z) + 1) * (1 << 32) + u64::from(first[&pair])))
            .collect();
        Level {
            blocks,
            tree,
            border_id,
        }
    }
}

/// The media type of [`table`].
pub const MEDIA_TYPE: &str = "application/vnd.frontline.blocks";

/// The block table: for each district, the first zoom where it stands alone and its cell at
/// [`LAST_ZOOM`]. Little-endian:
///
/// | offset | size | content |
/// |---|---|---|
/// | 0 | 4 | ASCII `FLBK` |
/// | 4 | 2 | u16 version, 1 |
/// | 6 | 1 | u8 the last zoom with blocks, L |
/// | 7 | 1 | u8 the cell size in pixels |
/// | 8 | 4 | u32 district count D |
/// | 12 | D | u8 per district: the first zoom it stands alone (L + 1: never up to L) |
/// | 12 + D | 4 × D | u16 x, u16 y per district: its cell at zoom L |
#[must_use]
pub fn table(index: &Index) -> Vec<u8> {
    let m = index.block_membership();
    let count = u32::try_from(m.solo_from.len()).expect("districts fit in 32 bits");
    let mut out = Vec::with_capacity(12 + 5 * m.solo_from.len());
    out.extend_from_slice(b"FLBK");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.push(LAST_ZOOM);
    out.push(CELL_PX);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&m.solo_from);
    for &(x, y) in &m.cell {
        out.extend_from_slice(&x.to_le_bytes());
        out.extend_from_slice(&y.to_le_bytes());
    }
    out
}

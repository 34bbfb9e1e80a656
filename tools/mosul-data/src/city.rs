//! The city's two banks and the neighbourhood cells on them, in the local metric plane.
//!
//! The urban outline of each bank is the convex hull of that bank's seed points buffered by
//! [`OUTLINE_BUFFER_M`], cut to its own side of the Tigris. The river is the centreline buffered by
//! [`RIVER_HALF_WIDTH_M`] on each side and extended past the outline at both ends, so it splits the
//! plane in two: no cell can cross it, and east-bank cells stay east.

use geo::{
    Area, BooleanOps, BoundingRect, Buffer, Contains, ConvexHull, Coord, InteriorPoint, LineString,
    MultiPoint, MultiPolygon, Polygon, Rect,
};

use crate::voronoi;

/// How far the urban outline reaches beyond the outermost seed points, metres.
pub const OUTLINE_BUFFER_M: f64 = 1000.0;
/// Half the width of the strip kept free along the Tigris centreline, metres.
pub const RIVER_HALF_WIDTH_M: f64 = 100.0;
/// Parts of a clipped cell that are cut off from its seed and smaller than this are dropped, m².
const MIN_DETACHED_PART_M2: f64 = 20_000.0;

/// Which side of the Tigris a place is on. The river flows north to south through Mosul, so the
/// east (left) bank is on the left of the downstream direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bank {
    East,
    West,
}

/// The Tigris centreline, north to south (downstream), in metres.
#[derive(Debug, Clone)]
pub struct River {
    line: Vec<Coord>,
}

impl River {
    /// # Panics
    /// With fewer than two vertices.
    #[must_use]
    pub fn new(line: Vec<Coord>) -> Self {
        assert!(line.len() >= 2, "a river needs two vertices");
        Self { line }
    }

    /// The bank `p` lies on: the sign of the cross product with the nearest segment.
    ///
    /// # Panics
    /// Never: a river has at least one segment.
    #[must_use]
    pub fn bank(&self, p: Coord) -> Bank {
        let nearest = self
            .line
            .windows(2)
            .map(|w| (distance_to_segment(p, w[0], w[1]), w[0], w[1]))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("two vertices");
        let (_, a, b) = nearest;
        let cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
        if cross > 0.0 { Bank::East } else { Bank::West }
    }

    /// Distance from `p` to the centreline, metres.
    #[must_use]
    pub fn distance(&self, p: Coord) -> f64 {
        self.line
            .windows(2)
            .map(|w| distance_to_segment(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    }

    /// The point of the centreline nearest `p`, and the river's downstream direction there (a
    /// unit vector).
    ///
    /// # Panics
    /// Never: a river has at least one segment.
    #[must_use]
    pub fn nearest(&self, p: Coord) -> (Coord, Coord) {
        let (a, b) = self
            .line
            .windows(2)
            .map(|w| (w[0], w[1]))
            .min_by(|x, y| {
                distance_to_segment(p, x.0, x.1).total_cmp(&distance_to_segment(p, y.0, y.1))
            })
            .expect("two vertices");
        let along = b - a;
        let len = along.x.hypot(along.y);
        let t = (((p.x - a.x) * along.x + (p.y - a.y) * along.y) / (len * len)).clamp(0.0, 1.0);
        (
            Coord {
                x: a.x + along.x * t,
                y: a.y + along.y * t,
            },
            Coord {
                x: along.x / len,
                y: along.y / len,
            },
        )
    }

    /// The centreline with its first and last segments extended by `by` metres.
    #[must_use]
    pub fn extended(&self, by: f64) -> LineString {
        let mut coords = self.line.clone();
        let n = coords.len();
        coords[0] = extend(coords[1], coords[0], by);
        coords[n - 1] = extend(coords[n - 2], coords[n - 1], by);
        LineString::new(coords)
    }

    /// The river strip: the extended centreline buffered by `half_width` on each side.
    #[must_use]
    pub fn strip(&self, half_width: f64, extend_by: f64) -> MultiPolygon {
        self.extended(extend_by).buffer(half_width)
    }
}

fn extend(from: Coord, to: Coord, by: f64) -> Coord {
    let d = to - from;
    let len = d.x.hypot(d.y);
    Coord {
        x: to.x + d.x / len * by,
        y: to.y + d.y / len * by,
    }
}

fn distance_to_segment(point: Coord, start: Coord, end: Coord) -> f64 {
    let along = end - start;
    let len2 = along.x * along.x + along.y * along.y;
    let fraction = if len2 == 0.0 {
        0.0
    } else {
        (((point.x - start.x) * along.x + (point.y - start.y) * along.y) / len2).clamp(0.0, 1.0)
    };
    let foot = Coord {
        x: start.x + along.x * fraction,
        y: start.y + along.y * fraction,
    };
    (point.x - foot.x).hypot(point.y - foot.y)
}

/// The urban area of each bank, and the river strip between them.
#[derive(Debug, Clone)]
pub struct Banks {
    pub east: MultiPolygon,
    pub west: MultiPolygon,
    pub river: MultiPolygon,
}

impl Banks {
    /// Builds both banks' outlines from their seeds.
    ///
    /// # Panics
    /// With no seeds at all.
    #[must_use]
    pub fn new(east_seeds: &[Coord], west_seeds: &[Coord], river: &River) -> Self {
        let all: Vec<Coord> = east_seeds.iter().chain(west_seeds).copied().collect();
        let bbox = MultiPoint::from(all).bounding_rect().expect("seeds");
        let margin = OUTLINE_BUFFER_M * 5.0;
        let frame = Rect::new(
            bbox.min()
                - Coord {
                    x: margin,
                    y: margin,
                },
            bbox.max()
                + Coord {
                    x: margin,
                    y: margin,
                },
        );
        // Extend the river well past the frame so it cuts the frame in two.
        let strip = river.strip(RIVER_HALF_WIDTH_M, 50_000.0);
        let land = MultiPolygon::new(vec![frame.to_polygon()]).difference(&strip);
        let (mut east_side, mut west_side) = (Vec::new(), Vec::new());
        for part in land.0 {
            let inside = part.interior_point().expect("a non-empty part").0;
            match river.bank(inside) {
                Bank::East => east_side.push(part),
                Bank::West => west_side.push(part),
            }
        }
        let outline = |seeds: &[Coord]| {
            MultiPoint::from(seeds.to_vec())
                .convex_hull()
                .buffer(OUTLINE_BUFFER_M)
        };
        Self {
            east: outline(east_seeds).intersection(&MultiPolygon::new(east_side)),
            west: outline(west_seeds).intersection(&MultiPolygon::new(west_side)),
            river: MultiPolygon::new(vec![frame.to_polygon()]).intersection(&strip),
        }
    }

    /// Both banks together: the city outline without the river.
    #[must_use]
    pub fn city(&self) -> MultiPolygon {
        self.east.union(&self.west)
    }
}

/// The Voronoi cell of each seed, clipped to `region`, in seed order. Parts of a cell that the
/// clip cuts off from its seed are kept unless they are tiny slivers.
///
/// # Panics
/// If `region` is empty.
#[must_use]
pub fn cells(seeds: &[Coord], region: &MultiPolygon) -> Vec<MultiPolygon> {
    let bbox = region.bounding_rect().expect("a non-empty region");
    let pad = Coord {
        x: 1000.0,
        y: 1000.0,
    };
    let frame = Rect::new(bbox.min() - pad, bbox.max() + pad);
    voronoi::cells(seeds, frame)
        .into_iter()
        .zip(seeds)
        .map(|(cell, seed)| {
            let clipped = MultiPolygon::new(vec![cell]).intersection(region);
            let kept: Vec<Polygon> = clipped
                .0
                .into_iter()
                .filter(|part| part.contains(seed) || part.unsigned_area() >= MIN_DETACHED_PART_M2)
                .collect();
            MultiPolygon::new(kept)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Intersects, coord};

    /// A river running north to south along x = 0 with a bend, and seeds on both sides.
    fn river() -> River {
        River::new(vec![
            coord! { x: 0.0, y: 5000.0 },
            coord! { x: 300.0, y: 0.0 },
            coord! { x: -200.0, y: -5000.0 },
        ])
    }

    fn seeds() -> (Vec<Coord>, Vec<Coord>) {
        let east = (0..8).map(|i| coord! { x: 700.0 + f64::from(i % 3) * 900.0, y: -3000.0 + f64::from(i) * 800.0 }).collect();
        let west = (0..8).map(|i| coord! { x: -500.0 - f64::from(i % 3) * 900.0, y: -3000.0 + f64::from(i) * 800.0 }).collect();
        (east, west)
    }

    #[test]
    fn the_banks_are_on_their_own_side_of_the_river() {
        let r = river();
        assert_eq!(r.bank(coord! { x: 1000.0, y: 0.0 }), Bank::East);
        assert_eq!(r.bank(coord! { x: -1000.0, y: 0.0 }), Bank::West);
        let (east, west) = seeds();
        let banks = Banks::new(&east, &west, &r);
        assert!(banks.east.intersection(&banks.west).unsigned_area() < 1e-6);
        assert!(banks.east.intersection(&banks.river).unsigned_area() < 1.0);
        assert!(banks.west.intersection(&banks.river).unsigned_area() < 1.0);
    }

    #[test]
    fn cells_do_not_cross_the_river_line_or_overlap_and_hold_their_seed() {
        let r = river();
        let (east, west) = seeds();
        let banks = Banks::new(&east, &west, &r);
        let line = r.extended(0.0);
        for (seeds, region) in [(&east, &banks.east), (&west, &banks.west)] {
            let cells = cells(seeds, region);
            for (i, cell) in cells.iter().enumerate() {
                assert!(!cell.intersects(&line), "cell {i} crosses the river line");
                assert!(cell.contains(&seeds[i]), "seed {i} is inside its own cell");
                for other in &cells[i + 1..] {
                    let shared = cell.intersection(other).unsigned_area();
                    // Clipping snaps to a fine grid: overlaps of a few cm² are rounding dust.
                    assert!(shared < 1.0, "cell {i} overlaps another by {shared} m²");
                }
            }
        }
    }
}

//! Web Mercator tiles (XYZ, OGC "WebMercatorQuad"): a tile's box, and district outlines cut to a
//! tile and snapped to its integer grid, as Mapbox Vector Tiles carry them.
//!
//! Neighbours stay closed at every zoom: each vertex is projected and rounded on its own, so two
//! districts that share a border share the same tile coordinates along it, and no simplification
//! moves one side without the other. Rounding to the grid merges the vertices that fall in one
//! tile pixel (a 100,000-vertex outline seen whole at a low zoom becomes a few hundred points),
//! and a district smaller than a pixel is left out of that tile.

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Rect};

use super::geometry;

/// Tile coordinates run 0..EXTENT on each axis (the MVT default).
pub const EXTENT: u32 = 4096;
/// Outlines are kept this far (tile units) beyond the tile's edge, so fills and strokes meet
/// seamlessly across tiles.
pub const BUFFER: i32 = 64;
/// The deepest zoom served: at 20 a tile is 38 m across at the equator, finer than any boundary.
pub const MAX_ZOOM: u8 = 20;
/// The Web Mercator latitude limit.
const MAX_LAT: f64 = 85.051_128_779_806_6;

/// One tile: zoom and column and row from the north-west corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

/// A polygon in tile coordinates: its exterior ring, then its holes, each closed.
pub type TilePolygon = Vec<Vec<Coord<i32>>>;

impl TileId {
    /// A tile, if it exists.
    ///
    /// # Errors
    /// What is out of range and what is valid.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, String> {
        if z > u32::from(MAX_ZOOM) {
            return Err(format!("zoom {z} is outside the served range 0–{MAX_ZOOM}"));
        }
        let n = 1u32 << z;
        if x >= n || y >= n {
            return Err(format!(
                "tile {z}/{x}/{y} does not exist: at zoom {z} columns and rows run 0–{}",
                n - 1
            ));
        }
        Ok(Self { z: z as u8, x, y })
    }

    fn size(self) -> f64 {
        f64::from(1u32 << self.z)
    }

    /// The tile's box in lon/lat, grown by `margin` tile units on every side.
    #[must_use]
    pub fn bounds(self, margin: i32) -> Rect<f64> {
        let m = f64::from(margin) / f64::from(EXTENT);
        let (x0, y0) = (f64::from(self.x) - m, f64::from(self.y) - m);
        let (x1, y1) = (f64::from(self.x + 1) + m, f64::from(self.y + 1) + m);
        let lon = |x: f64| (x / self.size() * 360.0 - 180.0).clamp(-180.0, 180.0);
        let lat = |y: f64| {
            let k = std::f64::consts::PI * (1.0 - 2.0 * y / self.size());
            k.sinh().atan().to_degrees().clamp(-MAX_LAT, MAX_LAT)
        };
        Rect::new(
            Coord {
                x: lon(x0),
                y: lat(y1),
            },
            Coord {
                x: lon(x1),
                y: lat(y0),
            },
        )
    }

    /// `c` (lon/lat) in this tile's coordinates, unrounded.
    #[must_use]
    pub fn project(self, c: Coord<f64>) -> Coord<f64> {
        let lat = c.y.clamp(-MAX_LAT, MAX_LAT).to_radians();
        let world_x = (c.x + 180.0) / 360.0;
        let world_y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
        let e = f64::from(EXTENT);
        Coord {
            x: (world_x * self.size() - f64::from(self.x)) * e,
            y: (world_y * self.size() - f64::from(self.y)) * e,
        }
    }

    /// A district's outline cut to this tile (with [`BUFFER`]) and snapped to its grid: the
    /// polygons left, without repeated points, rings that collapsed, or parts under a pixel.
    #[must_use]
    pub fn cut(self, geometry: &Geometry<f64>) -> Vec<TilePolygon> {
        self.cut_multi(&geometry::as_multi_polygon(geometry))
    }

    /// [`cut`](Self::cut) of a `MultiPolygon`, without converting it first.
    #[must_use]
    pub fn cut_multi(self, polygons: &MultiPolygon<f64>) -> Vec<TilePolygon> {
        polygons
            .0
            .iter()
            .filter_map(|p| self.cut_polygon(p))
            .collect()
    }

    fn cut_polygon(self, p: &Polygon<f64>) -> Option<TilePolygon> {
        let exterior = self.cut_ring(p.exterior())?;
        if doubled_area(&exterior).abs() < 2 {
            return None;
        }
        let mut rings = vec![exterior];
        rings.extend(p.interiors().iter().filter_map(|r| self.cut_ring(r)));
        Some(rings)
    }

    /// A ring clipped to the buffered tile (Sutherland–Hodgman against its four edges), rounded,
    /// with consecutive repeats dropped; `None` when fewer than 3 distinct points are left.
    fn cut_ring(self, ring: &LineString<f64>) -> Option<Vec<Coord<i32>>> {
        let lo = -f64::from(BUFFER);
        let hi = f64::from(EXTENT) + f64::from(BUFFER);
        let mut pts: Vec<Coord<f64>> = ring.0.iter().map(|&c| self.project(c)).collect();
        if pts.first() == pts.last() {
            pts.pop();
        }
        for edge in [
            Edge::Left(lo),
            Edge::Right(hi),
            Edge::Top(lo),
            Edge::Bottom(hi),
        ] {
            pts = clip(&pts, edge);
            if pts.is_empty() {
                return None;
            }
        }
        let mut out: Vec<Coord<i32>> = Vec::with_capacity(pts.len() + 1);
        for c in pts {
            #[allow(clippy::cast_possible_truncation)]
            let q = Coord {
                x: c.x.round() as i32,
                y: c.y.round() as i32,
            };
            if out.last() != Some(&q) {
                out.push(q);
            }
        }
        while out.len() > 1 && out.first() == out.last() {
            out.pop();
        }
        if out.len() < 3 {
            return None;
        }
        out.push(out[0]);
        Some(out)
    }
}

impl TileId {
    /// Lines cut to this tile (with [`BUFFER`]) and snapped to its grid: each stretch inside the
    /// buffered tile, without repeated points, at least two points long.
    #[must_use]
    pub fn cut_lines(self, lines: &MultiLineString<f64>) -> Vec<Vec<Coord<i32>>> {
        let lo = -f64::from(BUFFER);
        let hi = f64::from(EXTENT) + f64::from(BUFFER);
        let mut out: Vec<Vec<Coord<i32>>> = Vec::new();
        for line in &lines.0 {
            let pts: Vec<Coord<f64>> = line.0.iter().map(|&c| self.project(c)).collect();
            // Whether the last stretch pushed is still open (its last point is the previous
            // segment's end, inside the box).
            let mut open = false;
            for w in pts.windows(2) {
                let Some((a, b, whole_end)) = clip_segment(w[0], w[1], lo, hi) else {
                    open = false;
                    continue;
                };
                let (a, b) = (snap(a), snap(b));
                match out.last_mut() {
                    Some(stretch) if open => {
                        if stretch.last() != Some(&b) {
                            stretch.push(b);
                        }
                    }
                    _ => out.push(if a == b { vec![a] } else { vec![a, b] }),
                }
                open = whole_end;
            }
        }
        out.retain(|l| l.len() >= 2);
        out
    }
}

#[allow(clippy::cast_possible_truncation)]
fn snap(c: Coord<f64>) -> Coord<i32> {
    Coord {
        x: c.x.round() as i32,
        y: c.y.round() as i32,
    }
}

/// The part of segment `a`–`b` inside the square `lo..=hi` on both axes (Liang–Barsky), and
/// whether it reaches `b` itself.
fn clip_segment(
    a: Coord<f64>,
    b: Coord<f64>,
    lo: f64,
    hi: f64,
) -> Option<(Coord<f64>, Coord<f64>, bool)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-dx, a.x - lo),
        (dx, hi - a.x),
        (-dy, a.y - lo),
        (dy, hi - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| Coord {
        x: a.x + t * dx,
        y: a.y + t * dy,
    };
    Some((at(t0), at(t1), t1 >= 1.0))
}

/// One side of the clip box: the half-plane kept.
#[derive(Clone, Copy)]
enum Edge {
    Left(f64),
    Right(f64),
    Top(f64),
    Bottom(f64),
}

impl Edge {
    fn inside(self, c: Coord<f64>) -> bool {
        match self {
            Self::Left(v) => c.x >= v,
            Self::Right(v) => c.x <= v,
            Self::Top(v) => c.y >= v,
            Self::Bottom(v) => c.y <= v,
        }
    }

    /// Where segment `a`–`b` crosses this edge's line.
    fn cross(self, a: Coord<f64>, b: Coord<f64>) -> Coord<f64> {
        match self {
            Self::Left(v) | Self::Right(v) => Coord {
                x: v,
                y: a.y + (b.y - a.y) * (v - a.x) / (b.x - a.x),
            },
            Self::Top(v) | Self::Bottom(v) => Coord {
                x: a.x + (b.x - a.x) * (v - a.y) / (b.y - a.y),
                y: v,
            },
        }
    }
}

/// A ring (open, as a point list) cut to one half-plane.
fn clip(pts: &[Coord<f64>], edge: Edge) -> Vec<Coord<f64>> {
    let mut out = Vec::with_capacity(pts.len() + 4);
    let Some(&last) = pts.last() else {
        return out;
    };
    let mut prev = last;
    for &cur in pts {
        match (edge.inside(prev), edge.inside(cur)) {
            (true, true) => out.push(cur),
            (true, false) => out.push(edge.cross(prev, cur)),
            (false, true) => {
                out.push(edge.cross(prev, cur));
                out.push(cur);
            }
            (false, false) => {}
        }
        prev = cur;
    }
    out
}

/// Twice the signed area of a closed ring, in tile units².
fn doubled_area(ring: &[Coord<i32>]) -> i64 {
    ring.windows(2)
        .map(|w| i64::from(w[0].x) * i64::from(w[1].y) - i64::from(w[1].x) * i64::from(w[0].y))
        .sum()
}

#[cfg(test)]
#[path = "tiles_tests.rs"]
mod tests;

//! Simplification of a whole set of district outlines for one tolerance, keeping shared borders
//! shared (the `TopoJSON` approach): two neighbours that share a stretch of boundary get exactly
//! the same simplified vertices along it, so no gaps or slivers open between them at any zoom.
//!
//! 1. **Junctions.** Every vertex (keyed by the bit patterns of its x and y) records the
//!    unordered pair of its neighbours along the first ring that uses it; seen again with another
//!    pair, it is a junction: a point where the set of rings using an edge changes.
//! 2. **Arcs.** Each ring is cut at its junctions into arcs. A ring without one starts at its
//!    lexicographically smallest vertex, so an enclave and the hole around it start alike.
//! 3. **Douglas–Peucker** on each arc, always in its canonical direction (the one that reads
//!    lexicographically smaller), with its ends kept. The same arc seen from two rings is thus the
//!    same sequence and simplifies to the same vertices, without a global arc table.
//! 4. **Rings** are rebuilt from their arcs; a ring left with fewer than three distinct points or
//!    no area is dropped, and a polygon whose exterior is dropped goes with it.
//!
//! Distances are planar, in the coordinates' units (degrees for lon/lat): enough for a tolerance
//! that stands for a fraction of a screen pixel. Arcs simplified independently may cross each
//! other when the tolerance exceeds their separation; at sub-pixel tolerances that is invisible.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::ops::Range;

use geo::{Coord, LineString, MultiPolygon, Polygon};

/// How many points besides its junction a closed arc (one that starts and ends at the same
/// vertex) keeps at least, so that an island larger than the tolerance stays a polygon: the
/// first two levels of Douglas–Peucker splits are taken whatever their distance (1 + 2 points).
const CLOSED_ARC_FORCED_LEVELS: u8 = 2;

/// No neighbour pair recorded yet.
const UNSEEN: (u32, u32) = (u32::MAX, u32::MAX);

/// Each district's outline simplified with tolerance `tolerance` (in the coordinates' units,
/// degrees for lon/lat), so that borders shared by neighbours stay shared vertex for vertex.
///
/// The result has one entry per input district, in the same order. Junctions (where three
/// districts meet, or a shared border ends) are always kept. A ring whose simplification leaves
/// fewer than three distinct points or zero area is dropped, as is a ring with at most one
/// junction whose bounding box is narrower and lower than the tolerance (an island and the hole
/// around it go together); otherwise such a ring keeps at least three points besides its
/// junction. A district may end up as an empty `MultiPolygon`. A tolerance that is not positive
/// returns the outlines unchanged.
///
/// Input rings must be closed (the first position repeated last); repeated consecutive positions
/// are merged. Coordinates of `-0.0` come back as `0.0`.
///
/// # Runtime
/// Expected O(n) hash-map work plus Douglas–Peucker on each arc, O(n log n) typical and O(n²) in
/// the worst case, for n vertices in all; every shared arc is simplified once per ring using it.
///
/// # Panics
/// When the input holds 2³² or more distinct vertices.
#[must_use]
pub fn simplify_shared(districts: &[MultiPolygon<f64>], tolerance: f64) -> Vec<MultiPolygon<f64>> {
    if tolerance.is_nan() || tolerance <= 0.0 {
        return districts.to_vec();
    }
    let mesh = Mesh::new(districts);
    let mut rings = mesh.rings.iter().cloned();
    let mut work = Work::new(tolerance);
    districts
        .iter()
        .map(|district| {
            let polygons = district.0.iter().filter_map(|polygon| {
                let mut next = || rings.next().expect("one range per ring");
                let exterior = work.ring(&mesh, next());
                // The holes' ranges are consumed even when the exterior is gone.
                let holes: Vec<LineString<f64>> = polygon
                    .interiors()
                    .iter()
                    .filter_map(|_| work.ring(&mesh, next()))
                    .collect();
                exterior.map(|exterior| Polygon::new(exterior, holes))
            });
            MultiPolygon::new(polygons.collect())
        })
        .collect()
}

/// Every ring as a sequence of vertex ids, with each vertex's coordinates and junction flag.
struct Mesh {
    /// Coordinates by vertex id, signed zeros made positive.
    vertices: Vec<Coord<f64>>,
    /// Vertex ids of all open rings (closing position dropped), one after the other.
    positions: Vec<u32>,
    /// Each ring's range in `positions`, in the order districts, polygons, exterior then holes.
    rings: Vec<Range<usize>>,
    /// By vertex id: whether the vertex is a junction.
    junction: Vec<bool>,
}

impl Mesh {
    /// Numbers the vertices and finds the junctions, in expected O(n).
    fn new(districts: &[MultiPolygon<f64>]) -> Self {
        let total: usize = districts
            .iter()
            .flat_map(|d| &d.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.len())
            .sum();
        // In a tessellation most vertices are used by two or three rings.
        let mut ids: HashMap<u128, u32, VertexHash> =
            HashMap::with_capacity_and_hasher(total / 2, VertexHash::new());
        let mut mesh = Self {
            vertices: Vec::with_capacity(total / 2),
            positions: Vec::with_capacity(total),
            rings: Vec::new(),
            junction: Vec::new(),
        };
        for ring in districts
            .iter()
            .flat_map(|d| &d.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        {
            let start = mesh.positions.len();
            for &c in &ring.0 {
                let c = Coord {
                    x: c.x + 0.0,
                    y: c.y + 0.0,
                };
                let next = u32::try_from(mesh.vertices.len()).expect("fewer than 2^32 vertices");
                let id = *ids.entry(key(c)).or_insert(next);
                if id == next {
                    mesh.vertices.push(c);
                }
                if mesh.positions.len() == start || mesh.positions.last() != Some(&id) {
                    mesh.positions.push(id);
                }
            }
            if mesh.positions.len() > start + 1
                && mesh.positions.last() == mesh.positions.get(start)
            {
                mesh.positions.pop();
            }
            mesh.rings.push(start..mesh.positions.len());
        }
        mesh.find_junctions();
        mesh
    }

    /// Marks every vertex seen with more than one unordered pair of neighbours.
    fn find_junctions(&mut self) {
        let mut pairs = vec![UNSEEN; self.vertices.len()];
        self.junction = vec![false; self.vertices.len()];
        for range in &self.rings {
            let ring = &self.positions[range.clone()];
            let n = ring.len();
            if n < 3 {
                continue;
            }
            for (i, &v) in ring.iter().enumerate() {
                let prev = ring[(i + n - 1) % n];
                let next = ring[(i + 1) % n];
                let pair = (prev.min(next), prev.max(next));
                let seen = &mut pairs[v as usize];
                if *seen == UNSEEN {
                    *seen = pair;
                } else if *seen != pair {
                    self.junction[v as usize] = true;
                }
            }
        }
    }
}

/// Scratch buffers reused from ring to ring, and the tolerance.
struct Work {
    tolerance: f64,
    /// The ring being simplified, rotated to start at a junction and closed.
    ring: Vec<Coord<f64>>,
    /// Indices in `ring` where arcs start, then the ring's length.
    cuts: Vec<usize>,
    dp: DouglasPeucker,
}

impl Work {
    fn new(tolerance: f64) -> Self {
        Self {
            tolerance,
            ring: Vec::new(),
            cuts: Vec::new(),
            dp: DouglasPeucker {
                tolerance_sq: tolerance * tolerance,
                ..DouglasPeucker::default()
            },
        }
    }

    /// The simplified ring at `range` of the mesh, closed, or `None` when it collapsed.
    fn ring(&mut self, mesh: &Mesh, range: Range<usize>) -> Option<LineString<f64>> {
        let ids = &mesh.positions[range];
        let n = ids.len();
        if n < 3 {
            return None;
        }
        let start = ids
            .iter()
            .position(|&v| mesh.junction[v as usize])
            .unwrap_or_else(|| lowest(ids, &mesh.vertices));
        self.ring.clear();
        self.cuts.clear();
        for (k, &v) in ids[start..].iter().chain(&ids[..start]).enumerate() {
            if k == 0 || mesh.junction[v as usize] {
                self.cuts.push(k);
            }
            self.ring.push(mesh.vertices[v as usize]);
        }
        self.ring.push(self.ring[0]);
        self.cuts.push(n);
        if self.cuts.len() == 2 && smaller_than(&self.ring, self.tolerance) {
            return None;
        }
        let mut out = Vec::new();
        for cut in self.cuts.windows(2) {
            self.dp.arc(&self.ring[cut[0]..=cut[1]], &mut out);
        }
        out.push(out[0]);
        (out.len() >= 4 && !zero_area(&out)).then(|| LineString::new(out))
    }
}

/// Douglas–Peucker with reusable buffers.
#[derive(Default)]
struct DouglasPeucker {
    tolerance_sq: f64,
    reversed: Vec<Coord<f64>>,
    keep: Vec<bool>,
    /// Ranges of the arc still to split: first index, last index, forced levels left.
    stack: Vec<(usize, usize, u8)>,
}

impl DouglasPeucker {
    /// Appends the kept points of `arc` to `out` in the arc's order, all but its last point (the
    /// next arc's first). The arc is simplified in its canonical direction, so the same arc read
    /// from either side keeps the same points. A closed arc keeps at least three points besides
    /// its ends when it has them.
    fn arc(&mut self, arc: &[Coord<f64>], out: &mut Vec<Coord<f64>>) {
        let forced = if arc[0] == arc[arc.len() - 1] {
            CLOSED_ARC_FORCED_LEVELS
        } else {
            0
        };
        let n = arc.len();
        let backwards = backwards_is_smaller(arc);
        if backwards {
            let mut reversed = std::mem::take(&mut self.reversed);
            reversed.clear();
            reversed.extend(arc.iter().rev());
            self.simplify(&reversed, forced);
            self.reversed = reversed;
        } else {
            self.simplify(arc, forced);
        }
        // Point i of the arc is point n - 1 - i of the reversed arc.
        let kept = |i: usize| self.keep[if backwards { n - 1 - i } else { i }];
        out.extend((0..n - 1).filter(|&i| kept(i)).map(|i| arc[i]));
    }

    /// Sets `keep` to the points of `arc` that Douglas–Peucker keeps, ends included; the first
    /// `forced` levels of splits are made whatever the distance. Ties go to the first point.
    fn simplify(&mut self, arc: &[Coord<f64>], forced: u8) {
        let last = arc.len() - 1;
        self.keep.clear();
        self.keep.resize(arc.len(), false);
        self.keep[0] = true;
        self.keep[last] = true;
        self.stack.push((0, last, forced));
        while let Some((lo, hi, forced)) = self.stack.pop() {
            if hi - lo < 2 {
                continue;
            }
            let (a, b) = (arc[lo], arc[hi]);
            let (mut far, mut far_sq) = (lo + 1, -1.0);
            for (i, &p) in arc.iter().enumerate().take(hi).skip(lo + 1) {
                let d = distance_sq(p, a, b);
                if d > far_sq {
                    (far, far_sq) = (i, d);
                }
            }
            if far_sq > self.tolerance_sq || forced > 0 {
                self.keep[far] = true;
                let forced = forced.saturating_sub(1);
                self.stack.push((far, hi, forced));
                self.stack.push((lo, far, forced));
            }
        }
    }
}

/// Squared distance from `p` to the segment from `a` to `b` (to `a` when they coincide).
fn distance_sq(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let ab = b - a;
    let len_sq = ab.x * ab.x + ab.y * ab.y;
    let along = if len_sq > 0.0 {
        ((p - a).x * ab.x + (p - a).y * ab.y) / len_sq
    } else {
        0.0
    };
    let foot = a + ab * along.clamp(0.0, 1.0);
    (p.x - foot.x).powi(2) + (p.y - foot.y).powi(2)
}

/// Lexicographic order by (x, y); coordinates are finite and signed zeros made positive.
fn lexicographic(a: Coord<f64>, b: Coord<f64>) -> Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// Whether `arc` read backwards is lexicographically smaller than read forwards: compares the
/// ends, then the second and second-to-last points, and so on, usually stopping at the first.
fn backwards_is_smaller(arc: &[Coord<f64>]) -> bool {
    let n = arc.len();
    (0..n / 2)
        .map(|i| lexicographic(arc[n - 1 - i], arc[i]))
        .find(|o| o.is_ne())
        == Some(Ordering::Less)
}

/// The index in `ids` of the lexicographically smallest vertex.
fn lowest(ids: &[u32], vertices: &[Coord<f64>]) -> usize {
    (0..ids.len())
        .min_by(|&i, &j| lexicographic(vertices[ids[i] as usize], vertices[ids[j] as usize]))
        .unwrap_or(0)
}

/// Whether the bounding box of `points` is both narrower and lower than `tolerance`.
fn smaller_than(points: &[Coord<f64>], tolerance: f64) -> bool {
    let (mut min, mut max) = (points[0], points[0]);
    for p in points {
        (min.x, min.y) = (min.x.min(p.x), min.y.min(p.y));
        (max.x, max.y) = (max.x.max(p.x), max.y.max(p.y));
    }
    max.x - min.x < tolerance && max.y - min.y < tolerance
}

/// Whether a closed ring's area is zero within rounding (its shoelace sum no larger than the
/// error bound of summing its terms), taken relative to its first point to keep precision.
fn zero_area(ring: &[Coord<f64>]) -> bool {
    let o = ring[0];
    let (mut sum, mut magnitude) = (0.0_f64, 0.0_f64);
    for w in ring.windows(2) {
        let (a, b) = (w[0] - o, w[1] - o);
        let term = a.x * b.y - b.x * a.y;
        sum += term;
        magnitude += term.abs();
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "a ring's length, far below 2^52"
    )]
    let bound = 4.0 * ring.len() as f64 * f64::EPSILON * magnitude;
    sum.abs() <= bound
}

/// A vertex's hash-map key: the bit patterns of its x and y.
fn key(c: Coord<f64>) -> u128 {
    u128::from(c.x.to_bits()) << 64 | u128::from(c.y.to_bits())
}

/// Hashes vertex keys with one folded 128-bit multiply (the `wyhash` mixer): for 50,000
/// districts it takes the whole simplification from about 0.6–1.1 s with std's `SipHash` down
/// to about 0.25–0.4 s. Seeded at random, so crafted coordinates cannot force collisions.
#[derive(Clone, Copy)]
struct VertexHash(u64);

impl VertexHash {
    fn new() -> Self {
        Self(RandomState::new().hash_one(0x5eed_u64) | 1)
    }
}

impl BuildHasher for VertexHash {
    type Hasher = VertexHasher;

    fn build_hasher(&self) -> VertexHasher {
        VertexHasher(self.0)
    }
}

struct VertexHasher(u64);

/// The multiply's 128 bits folded into 64.
#[expect(clippy::cast_possible_truncation, reason = "folding the low half in")]
fn fold(a: u64, b: u64) -> u64 {
    let m = u128::from(a) * u128::from(b);
    (m as u64) ^ ((m >> 64) as u64)
}

impl Hasher for VertexHasher {
    /// Not used by `u128` keys; byte by byte for completeness.
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = fold(self.0 ^ v, 0x9e37_79b9_7f4a_7c15);
    }

    #[expect(clippy::cast_possible_truncation, reason = "splitting into halves")]
    fn write_u128(&mut self, v: u128) {
        self.0 = fold(self.0 ^ v as u64, (v >> 64) as u64 ^ 0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
#[path = "simplify_tests.rs"]
mod tests;

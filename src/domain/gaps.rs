//! Borders across gaps: districts that face each other across empty ground no wider than a data
//! set's `front_gap_km` (a river between two banks, a strip no polygon covers) are neighbours
//! along that gap, and the line between them is the gap's centre line.
//!
//! A point `p` on district A's boundary faces district B across a gap when a ray from `p` straight
//! out of A (perpendicular to its boundary) first meets the boundary of B, more than
//! [`BORDER_TOLERANCE_M`] (closer is a shared border, see [`borders`](super::borders)) and at most
//! the gap width away. The line is made of the midpoints of those rays, taken along A's boundary;
//! of the two lines found from A's and from B's side, the longer is kept.
//! Distances are metres in a local equirectangular frame at each point; lines are lon/lat.

use std::collections::BTreeMap;

use geo::{Coord, LineString, MultiLineString, Simplify};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Line};

use super::borders::BORDER_TOLERANCE_M;
use super::geometry;
use super::index::{DistrictEntry, envelope_tree};

const METRES_PER_DEGREE: f64 = 111_320.0;
/// Lines across a gap shorter than this are a corner glancing at another, not a front, metres.
const MIN_LINE_M: f64 = 100.0;
/// Simplification of the centre line, metres.
const SIMPLIFY_M: f64 = 5.0;

type Segment = GeomWithData<Line<[f64; 2]>, u32>;
type Envelope = super::index::Entry;

/// Every pair `(a, b)`, `a < b`, of districts facing each other across a gap up to `gap_m` wide,
/// with the centre line of the gap between them.
///
/// # Runtime
/// Three point-in-district tests per boundary segment to skip shared edges cheaply; then, along
/// the rest, one ray cast against the boundary segments near it per sample (samples every
/// `gap_m / 8`, between 10 and 100 m).
#[must_use]
pub fn gap_borders(
    districts: &[DistrictEntry],
    gap_m: f64,
) -> Vec<(u32, u32, MultiLineString<f64>)> {
    if gap_m <= BORDER_TOLERANCE_M || districts.is_empty() {
        return Vec::new();
    }
    let world = World::new(districts);
    let step = (gap_m / 8.0).clamp(10.0, 100.0);
    let mut found: BTreeMap<(u32, u32), [Vec<LineString<f64>>; 2]> = BTreeMap::new();
    for (a, d) in districts.iter().enumerate() {
        let a = a as u32;
        for ring in rings(&d.district.geometry) {
            for (b, line) in world.facing_runs(a, &ring, gap_m, step) {
                let (key, side) = if a < b { ((a, b), 0) } else { ((b, a), 1) };
                found.entry(key).or_default()[side].push(line);
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(key, [from_a, from_b])| {
            let length =
                |ls: &[LineString<f64>]| geometry::length_km(&MultiLineString::new(ls.to_vec()));
            let lines = if length(&from_a) >= length(&from_b) {
                from_a
            } else {
                from_b
            };
            (!lines.is_empty()).then(|| (key.0, key.1, MultiLineString::new(lines)))
        })
        .collect()
}

/// Every district's boundary segments and envelope, for nearest-boundary and inside tests.
struct World<'a> {
    districts: &'a [DistrictEntry],
    segments: RTree<Segment>,
    envelopes: RTree<Envelope>,
}

/// A boundary point facing another district across a gap.
struct Facing {
    other: u32,
    mid: Coord<f64>,
}

impl<'a> World<'a> {
    fn new(districts: &'a [DistrictEntry]) -> Self {
        let mut segments = Vec::new();
        for (i, d) in districts.iter().enumerate() {
            for ring in rings(&d.district.geometry) {
                for l in ring.lines() {
                    segments.push(GeomWithData::new(
                        Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]),
                        i as u32,
                    ));
                }
            }
        }
        Self {
            districts,
            segments: RTree::bulk_load(segments),
            envelopes: envelope_tree(districts),
        }
    }

    /// Whether any district contains `p`: an even-odd count of the boundary segments that a ray
    /// from `p` to the east crosses, per district whose envelope holds `p`, found in the segment
    /// tree (a point-in-polygon test on the rings would cost a walk around each ring: hours for
    /// boundaries of a million vertices).
    fn covered(&self, p: Coord<f64>) -> bool {
        let mut inside: Vec<(u32, bool)> = self
            .envelopes
            .locate_all_at_point(&[p.x, p.y])
            .map(|e| (e.data, false))
            .collect();
        let Some(east) = inside
            .iter()
            .map(|(i, _)| self.districts[*i as usize].envelope.max().x)
            .max_by(f64::total_cmp)
        else {
            return false;
        };
        let ray = AABB::from_corners([p.x, p.y], [east, p.y]);
        for s in self.segments.locate_in_envelope_intersecting(&ray) {
            let (a, b) = (s.geom().from, s.geom().to);
            if (a[1] > p.y) == (b[1] > p.y) {
                continue;
            }
            let x = a[0] + (p.y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if x > p.x
                && let Some(entry) = inside.iter_mut().find(|(i, _)| *i == s.data)
            {
                entry.1 = !entry.1;
            }
        }
        inside.iter().any(|(_, odd)| *odd)
    }

    /// The first boundary of another district that the ray from `p` along `normal` (a unit
    /// vector in the metric frame at `p`) crosses within `reach_m`: its district and the distance
    /// in metres. `None` when the ray meets nothing, meets `own`'s boundary first (a bay), leaves
    /// another district first (it started inside one: a shared border or an overlap), or meets the
    /// other district at a slant (a bank seen across its own bend).
    fn first_hit(
        &self,
        own: u32,
        p: Coord<f64>,
        normal: Coord<f64>,
        reach_m: f64,
    ) -> Option<(u32, f64)> {
        let frame = Frame::at(p);
        let (dx, dy) = frame.degrees(reach_m);
        let envelope = AABB::from_corners([p.x - dx, p.y - dy], [p.x + dx, p.y + dy]);
        let ray = Coord {
            x: normal.x * reach_m,
            y: normal.y * reach_m,
        };
        // Hits of `own` this close to the start are the boundary `p` lies on.
        let start = 0.5 / reach_m;
        let hits: Vec<(u32, f64, Crossing)> = self
            .segments
            .locate_in_envelope_intersecting(&envelope)
            .filter_map(|s| {
                let (from, to) = (s.geom().from, s.geom().to);
                let u = frame.to_m(Coord {
                    x: from[0],
                    y: from[1],
                });
                let v = frame.to_m(Coord { x: to[0], y: to[1] });
                let t = ray_hit(ray, u, v)?;
                (s.data != own || t > start).then(|| (s.data, t * reach_m, crossing(normal, u, v)))
            })
            .collect();
        let first = hits.iter().map(|h| h.1).fold(f64::INFINITY, f64::min);
        // Boundaries met at the same place (within 0.5 m): leaving one district there means the
        // ray ran inside it, so there is no gap.
        let at_first: Vec<&(u32, f64, Crossing)> =
            hits.iter().filter(|h| h.1 <= first + 0.5).collect();
        if at_first.is_empty()
            || at_first
                .iter()
                .any(|h| h.0 == own || h.2 == Crossing::Leaving)
        {
            return None;
        }
        at_first
            .iter()
            .find(|h| h.2 == Crossing::HeadOn)
            .map(|h| (h.0, h.1))
    }

    /// Whether the ground just outside `p` (to the right of the ring's direction `dir`, metres
    /// frame) is covered by no district: where a gap may begin.
    fn open_outside(&self, p: Coord<f64>, dir: Coord<f64>) -> bool {
        let len = dir.x.hypot(dir.y);
        if len == 0.0 {
            return false;
        }
        let frame = Frame::at(p);
        let out = Coord {
            x: dir.y / len * BORDER_TOLERANCE_M,
            y: -dir.x / len * BORDER_TOLERANCE_M,
        };
        let q = frame.to_m(p);
        !self.covered(frame.to_deg(Coord {
            x: q.x + out.x,
            y: q.y + out.y,
        }))
    }

    /// What `p` on district `own`'s boundary faces across a gap, looking out along `normal`
    /// (metric frame, unit length), if anything.
    fn facing(&self, own: u32, p: Coord<f64>, normal: Coord<f64>, gap_m: f64) -> Option<Facing> {
        let (other, d) = self.first_hit(own, p, normal, gap_m)?;
        if d <= BORDER_TOLERANCE_M {
            return None;
        }
        let mid = Frame::at(p).to_deg(Coord {
            x: normal.x * d / 2.0,
            y: normal.y * d / 2.0,
        });
        Some(Facing { other, mid })
    }

    /// The runs of `ring` (of district `own`) that face one other district across a gap: that
    /// district and the centre line of the run.
    fn facing_runs(
        &self,
        own: u32,
        ring: &LineString<f64>,
        gap_m: f64,
        step_m: f64,
    ) -> Vec<(u32, LineString<f64>)> {
        // One sample every `step_m` along the ring, in the middle of each step, however long its
        // segments are (a boundary of a million short segments gets a sample per step, not per
        // segment); `None` where the boundary faces no gap.
        let mut samples: Vec<Option<Facing>> = Vec::new();
        // Metres from the ring's start to this segment's start, and to the next sample.
        let (mut walked, mut next) = (0.0, step_m / 2.0);
        for seg in ring.lines() {
            let frame = Frame::at(seg.start);
            let (s, e) = (frame.to_m(seg.start), frame.to_m(seg.end));
            let dir = Coord {
                x: e.x - s.x,
                y: e.y - s.y,
            };
            let len = dir.x.hypot(dir.y);
            let end = walked + len;
            if next >= end {
                walked = end;
                continue;
            }
            let at = |t: f64| Coord {
                x: seg.start.x + t * (seg.end.x - seg.start.x),
                y: seg.start.y + t * (seg.end.y - seg.start.y),
            };
            // Shared edges (the ground outside is a neighbour) are skipped with three tests.
            if ![0.0, 0.5, 1.0]
                .iter()
                .any(|&t| self.open_outside(at(t), dir))
            {
                samples.push(None);
                while next < end {
                    next += step_m;
                }
                walked = end;
                continue;
            }
            // Outward: to the right of the ring's direction (exteriors run counter-clockwise).
            let normal = Coord {
                x: dir.y / len,
                y: -dir.x / len,
            };
            while next < end {
                samples.push(self.facing(own, at((next - walked) / len), normal, gap_m));
                next += step_m;
            }
            walked = end;
        }
        runs(samples, step_m)
    }
}

/// Groups consecutive samples facing the same district into lines (joining a run that goes
/// through the ring's start), each end drawn out by half the sample spacing `step_m` (samples
/// sit in the middle of their stretch), keeping those at least [`MIN_LINE_M`] long.
fn runs(samples: Vec<Option<Facing>>, step_m: f64) -> Vec<(u32, LineString<f64>)> {
    let mut out: Vec<(u32, Vec<Coord<f64>>)> = Vec::new();
    let mut open = false;
    for s in &samples {
        match s {
            Some(f) if open && out.last().is_some_and(|(o, _)| *o == f.other) => {
                out.last_mut().expect("open run").1.push(f.mid);
            }
            Some(f) => {
                out.push((f.other, vec![f.mid]));
                open = true;
            }
            None => open = false,
        }
    }
    let wraps = matches!((samples.first(), samples.last()), (Some(Some(a)), Some(Some(b))) if a.other == b.other);
    if wraps && out.len() > 1 {
        let head = out.remove(0);
        out.last_mut().expect("more than one run").1.extend(head.1);
    }
    let epsilon = SIMPLIFY_M / METRES_PER_DEGREE;
    out.into_iter()
        .filter(|(_, c)| c.len() >= 2)
        .map(|(o, mut c)| {
            let n = c.len();
            c[0] = extend(c[1], c[0], step_m / 2.0);
            c[n - 1] = extend(c[n - 2], c[n - 1], step_m / 2.0);
            (o, LineString::new(c).simplify(epsilon))
        })
        .filter(|(_, l)| {
            geometry::length_km(&MultiLineString::new(vec![l.clone()])) * 1000.0 >= MIN_LINE_M
        })
        .collect()
}

fn rings(g: &geo::Geometry<f64>) -> Vec<LineString<f64>> {
    geometry::as_multi_polygon(g)
        .into_iter()
        .flat_map(|p| {
            let (exterior, interiors) = p.into_inner();
            std::iter::once(exterior).chain(interiors)
        })
        .collect()
}

/// `to` moved `by_m` metres further along the direction from `from`.
fn extend(from: Coord<f64>, to: Coord<f64>, by_m: f64) -> Coord<f64> {
    let frame = Frame::at(to);
    let d = frame.to_m(from);
    let len = d.x.hypot(d.y);
    if len == 0.0 {
        return to;
    }
    frame.to_deg(Coord {
        x: -d.x / len * by_m,
        y: -d.y / len * by_m,
    })
}

/// A local equirectangular frame at a point: metres east and north of it.
#[derive(Clone, Copy)]
struct Frame {
    origin: Coord<f64>,
    kx: f64,
}

impl Frame {
    fn at(origin: Coord<f64>) -> Self {
        Self {
            origin,
            kx: METRES_PER_DEGREE * origin.y.to_radians().cos().max(1e-6),
        }
    }

    fn to_m(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (c.x - self.origin.x) * self.kx,
            y: (c.y - self.origin.y) * METRES_PER_DEGREE,
        }
    }

    fn to_deg(self, c: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.origin.x + c.x / self.kx,
            y: self.origin.y + c.y / METRES_PER_DEGREE,
        }
    }

    /// Half-widths in degrees of a box reaching `m` metres from the origin.
    fn degrees(self, m: f64) -> (f64, f64) {
        (m / self.kx * 1.01, m / METRES_PER_DEGREE * 1.01)
    }
}

/// How a ray meets a boundary segment (of a ring whose outside is on its right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Crossing {
    /// Entering the district, within 50° of head-on.
    HeadOn,
    /// Entering it at a slant.
    Slant,
    /// Leaving it: the ray was inside.
    Leaving,
}

fn crossing(normal: Coord<f64>, u: Coord<f64>, v: Coord<f64>) -> Crossing {
    let e = Coord {
        x: v.x - u.x,
        y: v.y - u.y,
    };
    let len = e.x.hypot(e.y);
    if len == 0.0 {
        return Crossing::Slant;
    }
    let outward = Coord {
        x: e.y / len,
        y: -e.x / len,
    };
    let facing = -(outward.x * normal.x + outward.y * normal.y);
    if facing < 0.0 {
        Crossing::Leaving
    } else if facing >= 50f64.to_radians().cos() {
        Crossing::HeadOn
    } else {
        Crossing::Slant
    }
}

/// Where the ray `0 → ray` crosses segment `u–v`, as a fraction `t ∈ [0, 1]` of the ray.
fn ray_hit(ray: Coord<f64>, u: Coord<f64>, v: Coord<f64>) -> Option<f64> {
    let e = Coord {
        x: v.x - u.x,
        y: v.y - u.y,
    };
    let denom = ray.x * e.y - ray.y * e.x;
    if denom.abs() < 1e-12 {
        return None;
    }
    // 0 + t·ray = u + s·e; a hit a hair behind the start (rounding) is at the start.
    let t = (u.x * e.y - u.y * e.x) / denom;
    let s = (u.x * ray.y - u.y * ray.x) / denom;
    ((-1e-9..=1.0).contains(&t) && (0.0..=1.0).contains(&s)).then_some(t.max(0.0))
}

#[cfg(test)]
#[path = "gaps_tests.rs"]
mod tests;

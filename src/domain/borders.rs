//! Shared boundaries between adjacent districts, the raw material of the front line.
//!
//! Real boundaries from different sources do not share vertices: two neighbours may leave a gap or
//! overlap by a few metres. A stretch of district A's boundary counts as shared with B where it runs
//! within [`BORDER_TOLERANCE_M`] of B's boundary. Distances are measured in a local equirectangular
//! projection around the pair (metres; exact enough at this scale), lines are returned in lon/lat.

use geo::{Coord, CoordsIter, Geometry, LineString, MultiLineString};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::geometry;
use super::index::DistrictEntry;

/// How far apart two boundaries may run and still count as one, metres.
pub const BORDER_TOLERANCE_M: f64 = 25.0;
/// Shared stretches shorter than this are corner touches, not borders, metres.
const MIN_LINE_M: f64 = 3.0 * BORDER_TOLERANCE_M;
const METRES_PER_DEGREE: f64 = 111_320.0;
/// How far past a segment's end a point may lie and still count as beside it, metres.
const END_MARGIN_M: f64 = 5.0;

/// The boundary districts `a` and `b` (indices, `a < b`) share, on land or across a gap.
#[derive(Debug, Clone)]
pub struct Border {
    pub a: u32,
    pub b: u32,
    pub lines: MultiLineString<f64>,
    /// Geodesic length of `lines`, km.
    pub length_km: f64,
    /// How much of `length_km` runs along the centre of a gap between the two (a river), km.
    pub across_gap_km: f64,
}

/// Every boundary between neighbouring districts, ordered by `(a, b)`: the stretches they share
/// and, when `gap_m` is above the tolerance, the centre lines of gaps up to `gap_m` wide between
/// them (see [`gaps`](super::gaps)).
///
/// # Runtime
/// Shared stretches: candidate pairs come from an R-tree over envelopes grown by the tolerance;
/// each pair costs O(n·m) segment tests for rings of n and m segments. Gaps: see
/// [`gaps::gap_borders`](super::gaps::gap_borders).
#[must_use]
pub fn boundaries(districts: &[DistrictEntry], gap_m: f64) -> Vec<Border> {
    let mut borders = shared_boundaries(districts);
    for (a, b, lines) in super::gaps::gap_borders(districts, gap_m) {
        let km = geometry::length_km(&lines);
        match borders.binary_search_by_key(&(a, b), |x| (x.a, x.b)) {
            Ok(i) => {
                let border = &mut borders[i];
                border.lines.0.extend(lines.0);
                border.length_km += km;
                border.across_gap_km += km;
            }
            Err(i) => borders.insert(
                i,
                Border {
                    a,
                    b,
                    lines,
                    length_km: km,
                    across_gap_km: km,
                },
            ),
        }
    }
    borders
}

/// Every shared boundary between districts, ordered by `(a, b)`.
///
/// # Runtime
/// Candidate pairs come from an R-tree over envelopes grown by the tolerance; each pair costs
/// O(n·m) segment tests for rings of n and m segments.
#[must_use]
pub fn shared_boundaries(districts: &[DistrictEntry]) -> Vec<Border> {
    let grow = BORDER_TOLERANCE_M / METRES_PER_DEGREE * 2.0;
    let boxes: Vec<_> = districts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (min, max) = (d.envelope.min(), d.envelope.max());
            let slack = grow / min.y.to_radians().cos().max(0.1);
            GeomWithData::new(
                Rectangle::from_corners(
                    [min.x - slack, min.y - grow],
                    [max.x + slack, max.y + grow],
                ),
                i as u32,
            )
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut borders = Vec::new();
    for item in tree.iter() {
        let a = item.data;
        let envelope: AABB<[f64; 2]> = rstar::RTreeObject::envelope(item.geom());
        let mut neighbours: Vec<u32> = tree
            .locate_in_envelope_intersecting(&envelope)
            .map(|e| e.data)
            .filter(|&b| b > a)
            .collect();
        neighbours.sort_unstable();
        for b in neighbours {
            let lines = shared(
                &districts[a as usize].district.geometry,
                &districts[b as usize].district.geometry,
            );
            if !lines.0.is_empty() {
                let length_km = geometry::length_km(&lines);
                borders.push(Border {
                    a,
                    b,
                    lines,
                    length_km,
                    across_gap_km: 0.0,
                });
            }
        }
    }
    borders.sort_by_key(|x| (x.a, x.b));
    borders
}

/// The stretches of `a`'s boundary that run within the tolerance of `b`'s boundary.
#[must_use]
pub fn shared(a: &Geometry<f64>, b: &Geometry<f64>) -> MultiLineString<f64> {
    let Some(first) = a.coords_iter().next() else {
        return MultiLineString::new(vec![]);
    };
    let kx = METRES_PER_DEGREE * first.y.to_radians().cos();
    let to_m = |c: Coord<f64>| Coord {
        x: c.x * kx,
        y: c.y * METRES_PER_DEGREE,
    };
    let b_segments = Segments::new(
        rings(b)
            .iter()
            .flat_map(|r| r.lines().map(|l| (to_m(l.start), to_m(l.end))))
            .collect(),
    );
    let mut out = Vec::new();
    for ring in rings(a) {
        let segments: Vec<_> = ring.lines().collect();
        let mut lines: Vec<Vec<Coord<f64>>> = Vec::new();
        // Segment index and metric end point of the last shared piece.
        let mut last: Option<(usize, Coord<f64>)> = None;
        for (k, seg) in segments.iter().enumerate() {
            let (p, q) = (to_m(seg.start), to_m(seg.end));
            // Points inside a segment are rounded to 1e-7° (1 cm): more digits would be noise.
            let at = |u: f64| {
                let r = |v: f64| (v * 1e7).round() / 1e7;
                if u == 0.0 {
                    seg.start
                } else if u == 1.0 {
                    seg.end
                } else {
                    Coord {
                        x: r(seg.start.x + u * (seg.end.x - seg.start.x)),
                        y: r(seg.start.y + u * (seg.end.y - seg.start.y)),
                    }
                }
            };
            let at_m = |u: f64| Coord {
                x: p.x + u * (q.x - p.x),
                y: p.y + u * (q.y - p.y),
            };
            for (u0, u1) in near_intervals(p, q, &b_segments) {
                // Pieces a few metres apart along the ring (b's boundary turning a corner) are one line.
                let bridged = last.is_some_and(|(lk, end)| {
                    (lk == k || lk + 1 == k) && distance(end, at_m(u0)) < 2.0 * BORDER_TOLERANCE_M
                });
                match lines.last_mut() {
                    Some(line) if bridged => {
                        for c in [seg.start, at(u0), at(u1)] {
                            let ahead = line.last().is_some_and(|l| *l != c);
                            let on_this_segment =
                                c != seg.start || last.is_some_and(|(lk, _)| lk + 1 == k);
                            if ahead && on_this_segment {
                                line.push(c);
                            }
                        }
                    }
                    _ => lines.push(vec![at(u0), at(u1)]),
                }
                last = Some((k, at_m(u1)));
            }
        }
        // A stretch running through the ring's start point is one line, not two.
        if lines.len() > 1
            && let (Some(first), Some(last_line)) = (lines.first(), lines.last())
            && distance(
                to_m(first[0]),
                to_m(*last_line.last().expect("lines have points")),
            ) < 2.0 * BORDER_TOLERANCE_M
            && last.is_some_and(|(lk, _)| lk + 1 == segments.len())
        {
            let head = lines.remove(0);
            let tail = lines.last_mut().expect("more than one line");
            if tail.last() != head.first() && head.first() != Some(&segments[0].start) {
                tail.push(segments[0].start);
            }
            let joint = tail.last().copied();
            tail.extend(head.into_iter().skip_while(|c| Some(*c) == joint));
        }
        out.extend(lines.into_iter().map(LineString::new).filter(|l| {
            geometry::length_km(&MultiLineString::new(vec![l.clone()])) * 1000.0 >= MIN_LINE_M
        }));
    }
    MultiLineString::new(out)
}

fn distance(a: Coord<f64>, b: Coord<f64>) -> f64 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2)).sqrt()
}

fn rings(g: &Geometry<f64>) -> Vec<LineString<f64>> {
    geometry::as_multi_polygon(g)
        .into_iter()
        .flat_map(|p| {
            let (exterior, interiors) = p.into_inner();
            std::iter::once(exterior).chain(interiors)
        })
        .collect()
}

/// A boundary's segments in metres, with an R-tree of their boxes: the segments near a piece of
/// another boundary are found in O(log n), so neighbours of a million vertices each are matched in
/// seconds, not hours.
struct Segments {
    list: Vec<(Coord<f64>, Coord<f64>)>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
}

impl Segments {
    fn new(list: Vec<(Coord<f64>, Coord<f64>)>) -> Self {
        let boxes = list
            .iter()
            .enumerate()
            .map(|(i, (s, t))| {
                GeomWithData::new(
                    Rectangle::from_corners(
                        [s.x.min(t.x), s.y.min(t.y)],
                        [s.x.max(t.x), s.y.max(t.y)],
                    ),
                    i,
                )
            })
            .collect();
        Self {
            list,
            tree: RTree::bulk_load(boxes),
        }
    }
}

/// Parameter intervals `u ∈ [0, 1]` along `p→q` whose points lie within the tolerance of any
/// segment in `others`, merged and sorted.
fn near_intervals(p: Coord<f64>, q: Coord<f64>, others: &Segments) -> Vec<(f64, f64)> {
    let tol = BORDER_TOLERANCE_M;
    let (lo_x, hi_x) = (p.x.min(q.x) - tol, p.x.max(q.x) + tol);
    let (lo_y, hi_y) = (p.y.min(q.y) - tol, p.y.max(q.y) + tol);
    let mut found: Vec<(f64, f64)> = Vec::new();
    let near = AABB::from_corners([lo_x, lo_y], [hi_x, hi_y]);
    for candidate in others.tree.locate_in_envelope_intersecting(&near) {
        let (s, t) = others.list[candidate.data];
        if !roughly_parallel(p, q, s, t) {
            continue;
        }
        if let Some(interval) = within(p, q, s, t, tol) {
            found.push(interval);
        }
    }
    found.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (u0, u1) in found {
        match merged.last_mut() {
            Some(last) if u0 <= last.1 => last.1 = last.1.max(u1),
            _ => merged.push((u0, u1)),
        }
    }
    merged
}

/// The interval of `u` where `p + u(q − p)` lies beside segment `s–t` (within `tol` of its line,
/// and no further than [`END_MARGIN_M`] past its ends): a Liang–Barsky clip of `p→q` against that
/// rectangle, in the segment's own frame (metres along it, metres across it).
fn within(
    p: Coord<f64>,
    q: Coord<f64>,
    s: Coord<f64>,
    t: Coord<f64>,
    tol: f64,
) -> Option<(f64, f64)> {
    let (dx, dy) = (t.x - s.x, t.y - s.y);
    let len = (dx * dx + dy * dy).sqrt();
    if len == 0.0 {
        return None;
    }
    let (ux, uy) = (dx / len, dy / len);
    let along = |c: Coord<f64>| (c.x - s.x) * ux + (c.y - s.y) * uy;
    let across = |c: Coord<f64>| (c.x - s.x) * uy - (c.y - s.y) * ux;
    let (v0, w0) = (along(p), across(p));
    let (dv, dw) = (along(q) - v0, across(q) - w0);
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    // Each constraint reads value(u) = start + u·slope within [min, max].
    for (start, slope, min, max) in [
        (v0, dv, -END_MARGIN_M, len + END_MARGIN_M),
        (w0, dw, -tol, tol),
    ] {
        if slope.abs() < 1e-12 {
            if start < min || start > max {
                return None;
            }
            continue;
        }
        let (a, b) = ((min - start) / slope, (max - start) / slope);
        lo = lo.max(a.min(b));
        hi = hi.min(a.max(b));
    }
    (lo < hi).then_some((lo, hi))
}

/// Boundaries that meet at an angle cross rather than run together: only segments within 35° of
/// each other can share a stretch.
fn roughly_parallel(p: Coord<f64>, q: Coord<f64>, s: Coord<f64>, t: Coord<f64>) -> bool {
    let (ax, ay, bx, by) = (q.x - p.x, q.y - p.y, t.x - s.x, t.y - s.y);
    let (la, lb) = ((ax * ax + ay * ay).sqrt(), (bx * bx + by * by).sqrt());
    la > 0.0 && lb > 0.0 && (ax * by - ay * bx).abs() / (la * lb) < 0.57
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::polygon;

    fn square(x0: f64, y0: f64, size: f64) -> Geometry<f64> {
        Geometry::Polygon(
            polygon![(x: x0, y: y0), (x: x0 + size, y: y0), (x: x0 + size, y: y0 + size), (x: x0, y: y0 + size)],
        )
    }

    #[test]
    fn neighbours_with_identical_edges_share_the_whole_edge() {
        let lines = shared(&square(43.0, 36.0, 0.01), &square(43.01, 36.0, 0.01));
        assert_eq!(lines.0.len(), 1);
        // The edge is 1.109 km; each end may overshoot by up to END_MARGIN_M along a collinear side.
        let km = geometry::length_km(&lines);
        assert!(
            (1.109..=1.109 + 2.0 * END_MARGIN_M / 1000.0 + 1e-3).contains(&km),
            "{km}"
        );
    }

    #[test]
    fn a_gap_of_a_few_metres_is_still_a_border() {
        // ~9 m gap between the two squares (0.0001° of longitude at 36° N).
        let lines = shared(&square(43.0, 36.0, 0.01), &square(43.0101, 36.0, 0.01));
        assert_relative_eq!(geometry::length_km(&lines), 1.109, epsilon = 0.01);
    }

    #[test]
    fn districts_touching_at_a_corner_or_far_apart_share_nothing() {
        assert!(
            shared(&square(43.0, 36.0, 0.01), &square(43.01, 36.01, 0.01))
                .0
                .is_empty()
        );
        assert!(
            shared(&square(43.0, 36.0, 0.01), &square(43.05, 36.0, 0.01))
                .0
                .is_empty()
        );
    }

    #[test]
    fn a_shared_stretch_through_the_ring_start_is_one_line() {
        // b lies to the south-west of a's first vertex and shares both sides meeting there.
        let a = square(43.0, 36.0, 0.01);
        let l_shape = Geometry::Polygon(polygon![
            (x: 42.99, y: 35.99), (x: 43.005, y: 35.99), (x: 43.005, y: 36.0), (x: 43.0, y: 36.0),
            (x: 43.0, y: 36.005), (x: 42.99, y: 36.005)
        ]);
        let lines = shared(&a, &l_shape);
        assert_eq!(lines.0.len(), 1, "{lines:?}");
        assert_relative_eq!(geometry::length_km(&lines), 0.45 + 0.555, epsilon = 0.02);
    }
}

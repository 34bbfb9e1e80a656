//! Merging outlines that share their vertices: the union of polygons that tile the plane (as the
//! outlines of one zoom do, [`super::simplify`] keeping shared borders identical), and lines
//! chained end to end.
//!
//! The union cancels edges rather than clipping: every ring is walked in a fixed orientation
//! (exteriors anticlockwise, holes clockwise), so an edge two members share appears once in each
//! direction and both copies drop out; what remains is the outline of the whole, each vertex
//! exactly as it was. Where neighbours' vertices do not match, nothing cancels and the members
//! stay separate rings: the union draws the same, only with more rings.

use std::collections::HashMap;

use geo::orient::{Direction, Orient};
use geo::{
    Area, BoundingRect, Contains, Coord, LineString, MultiLineString, MultiPolygon, Polygon,
};

/// A vertex by its bits: equal coordinates, equal keys.
type Key = (u64, u64);

fn key(c: Coord<f64>) -> Key {
    (c.x.to_bits(), c.y.to_bits())
}

/// The union of `parts`, which may touch along shared edges but do not overlap.
///
/// # Runtime
/// Linear in the members' vertices (hashing), plus placing each hole in its exterior.
#[must_use]
pub fn union<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    // Per undirected edge, how many times it runs from its smaller end to its larger, less the
    // other way round.
    let mut count: HashMap<(Key, Key), i32> = HashMap::new();
    let mut at: HashMap<Key, Coord<f64>> = HashMap::new();
    for part in parts {
        for polygon in part.iter().map(|p| p.orient(Direction::Default)) {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    let (a, b) = (key(line.start), key(line.end));
                    if a == b {
                        continue;
                    }
                    at.insert(a, line.start);
                    let entry = if a < b {
                        count.entry((a, b)).or_default()
                    } else {
                        count.entry((b, a)).or_default()
                    };
                    *entry += if a < b { 1 } else { -1 };
                }
            }
        }
    }
    // The remaining directed edges, by start vertex. Every vertex keeps as many edges out as in,
    // so walking them closes rings.
    let mut out: HashMap<Key, Vec<Key>> = HashMap::new();
    for (&(a, b), &n) in &count {
        let (from, to) = if n > 0 { (a, b) } else { (b, a) };
        for _ in 0..n.unsigned_abs() {
            out.entry(from).or_default().push(to);
        }
    }
    let mut starts: Vec<Key> = out.keys().copied().collect();
    starts.sort_unstable();
    let mut rings = Vec::new();
    for start in starts {
        while let Some(next) = out.get_mut(&start).and_then(Vec::pop) {
            let mut ring = vec![at[&start]];
            let mut here = next;
            while here != start {
                ring.push(at[&here]);
                match out.get_mut(&here).and_then(Vec::pop) {
                    Some(n) => here = n,
                    None => break,
                }
            }
            drop_collinear(&mut ring);
            if ring.len() >= 3 {
                ring.push(ring[0]);
                rings.push(LineString::new(ring));
            }
        }
    }
    assemble(rings)
}

/// Drops from an open ring the vertices exactly in line with both neighbours (the corners of
/// members along a straight side). A neighbour that keeps such a vertex has it on this side's
/// edge, so no gap opens.
fn drop_collinear(ring: &mut Vec<Coord<f64>>) {
    let mut k = 0;
    while ring.len() >= 3 && k < ring.len() {
        let n = ring.len();
        let (a, b, c) = (ring[(k + n - 1) % n], ring[k], ring[(k + 1) % n]);
        let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
        if cross == 0.0 {
            ring.remove(k);
            k = k.saturating_sub(1);
        } else {
            k += 1;
        }
    }
}

/// Polygons from closed rings: anticlockwise ones are exteriors, clockwise ones holes, each in the
/// smallest exterior that holds it.
fn assemble(rings: Vec<LineString<f64>>) -> MultiPolygon<f64> {
    let (mut exteriors, mut holes) = (Vec::new(), Vec::new());
    for ring in rings {
        let area = Polygon::new(ring.clone(), vec![]).signed_area();
        if area > 0.0 {
            exteriors.push((area, Polygon::new(ring, vec![])));
        } else if area < 0.0 {
            holes.push(ring);
        }
    }
    exteriors.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut polygons: Vec<Polygon<f64>> = exteriors.into_iter().map(|(_, p)| p).collect();
    for hole in holes {
        let probe = hole.0[0];
        let inside = polygons.iter().position(|p| {
            p.bounding_rect().is_some_and(|r| {
                r.min().x <= probe.x
                    && probe.x <= r.max().x
                    && r.min().y <= probe.y
                    && probe.y <= r.max().y
            }) && (p.contains(&probe) || p.exterior().contains(&probe))
        });
        if let Some(i) = inside {
            polygons[i].interiors_push(hole);
        }
    }
    MultiPolygon::new(polygons)
}

/// `lines` joined where one ends at another's end, in either direction.
///
/// # Runtime
/// Linear in the lines (hashing their ends).
#[must_use]
pub fn chain(lines: Vec<LineString<f64>>) -> MultiLineString<f64> {
    let lines: Vec<LineString<f64>> = lines.into_iter().filter(|l| l.0.len() >= 2).collect();
    let mut by_end: HashMap<Key, Vec<usize>> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        by_end.entry(key(l.0[0])).or_default().push(i);
        by_end.entry(key(l.0[l.0.len() - 1])).or_default().push(i);
    }
    let mut used = vec![false; lines.len()];
    let mut take = |end: Coord<f64>, used: &mut Vec<bool>| -> Option<Vec<Coord<f64>>> {
        let list = by_end.get_mut(&key(end))?;
        while let Some(i) = list.pop() {
            if used[i] {
                continue;
            }
            used[i] = true;
            let mut coords = lines[i].0.clone();
            if key(coords[0]) != key(end) {
                coords.reverse();
            }
            return Some(coords);
        }
        None
    };
    let mut out = Vec::new();
    for i in 0..lines.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let mut coords = lines[i].0.clone();
        while let Some(more) = take(coords[coords.len() - 1], &mut used) {
            coords.extend_from_slice(&more[1..]);
        }
        coords.reverse();
        while let Some(more) = take(coords[coords.len() - 1], &mut used) {
            coords.extend_from_slice(&more[1..]);
        }
        out.push(LineString::new(coords));
    }
    MultiLineString::new(out)
}

#[cfg(test)]
mod tests {
    use geo::{Area, polygon};

    use super::*;

    fn square(x: f64, y: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: x, y: y), (x: x + 1.0, y: y), (x: x + 1.0, y: y + 1.0), (x: x, y: y + 1.0), (x: x, y: y)
        ]])
    }

    #[test]
    fn shared_edges_cancel_and_holes_find_their_exterior() {
        // A 3 × 3 block of squares without its centre: one polygon with one hole.
        let parts: Vec<_> = (0..9)
            .filter(|&i| i != 4)
            .map(|i| square(f64::from(i % 3), f64::from(i / 3)))
            .collect();
        let merged = union(&parts);
        assert_eq!(merged.0.len(), 1);
        assert_eq!(merged.0[0].interiors().len(), 1);
        assert!((merged.unsigned_area() - 8.0).abs() < 1e-12);
        // Apart, nothing cancels: two polygons.
        let apart = union(&[square(0.0, 0.0), square(5.0, 0.0)]);
        assert_eq!(apart.0.len(), 2);
    }

    #[test]
    fn clockwise_members_merge_as_well() {
        let mut cw = square(1.0, 0.0);
        cw.0[0].exterior_mut(|r| r.0.reverse());
        let merged = union(&[square(0.0, 0.0), cw]);
        assert_eq!(merged.0.len(), 1);
        assert!((merged.unsigned_area() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn lines_chain_end_to_end_in_either_direction() {
        let l = |a: (f64, f64), b: (f64, f64)| LineString::from(vec![a, b]);
        let chained = chain(vec![
            l((1.0, 0.0), (2.0, 0.0)),
            l((0.0, 0.0), (1.0, 0.0)),
            l((3.0, 0.0), (2.0, 0.0)),
            l((9.0, 9.0), (9.0, 8.0)),
        ]);
        let mut lengths: Vec<usize> = chained.0.iter().map(|l| l.0.len()).collect();
        lengths.sort_unstable();
        assert_eq!(lengths, vec![2, 4]);
    }
}

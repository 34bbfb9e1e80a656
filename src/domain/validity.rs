//! Polygon validity in O(n log n), for boundaries of a million vertices.
//!
//! The rules are geo's `Validation` rules (a ring has 3 distinct points and does not cross itself;
//! holes lie inside the exterior and neither overlap each other nor touch along a line; the parts of
//! a MultiPolygon neither overlap nor touch along a line), with the same wording, and the place
//! where a ring crosses itself. geo tests every pair of a ring's segments (a 100,000-vertex ring
//! does not finish in minutes); here the segments go into an R-tree and each is tested only against
//! those whose boxes it meets. Rings and parts are related pairwise only when their boxes meet.

use geo::{
    BoundingRect, Coord, Intersects, Line, LineIntersection, LineString, MultiPolygon, Polygon,
    PreparedGeometry, Rect, Relate, RemoveRepeatedPoints, line_intersection::line_intersection,
};
use geo::{coordinate_position::CoordPos, dimensions::Dimensions};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

/// Everything geo's validation would say of `geometry`, worded as geo words it, found in
/// O(n log n) for rings that do not cross themselves many times.
#[must_use]
pub fn errors(geometry: &geo::Geometry<f64>) -> Vec<String> {
    match geometry {
        geo::Geometry::Polygon(p) => polygon_errors(p),
        geo::Geometry::MultiPolygon(mp) => multi_polygon_errors(mp),
        _ => Vec::new(),
    }
}

fn multi_polygon_errors(mp: &MultiPolygon<f64>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for (i, p) in mp.0.iter().enumerate() {
        found.extend(
            polygon_errors(p)
                .into_iter()
                .map(|e| format!("polygon at index {i} is invalid: {e}")),
        );
    }
    for (i, j) in meeting_pairs(mp.0.iter().map(BoundingRect::bounding_rect)) {
        let matrix = mp.0[i].relate(&mp.0[j]);
        if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
            found.push(format!("polygons at indices {i} and {j} overlap"));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            found.push(format!("polygons at indices {i} and {j} touch on a line"));
        }
    }
    found
}

fn polygon_errors(p: &Polygon<f64>) -> Vec<String> {
    let mut found = Vec::new();
    let rings = std::iter::once(p.exterior()).chain(p.interiors());
    for (k, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let role = role(k);
        if ring.remove_repeated_points().0.len() < 4 {
            found.push(format!("{role} must have at least 3 distinct points"));
        }
        if let Some(at) = self_intersection(ring) {
            found.push(format!(
                "{role} has a self-intersection at ({}, {})",
                at.x, at.y
            ));
        }
        if let Some(i) = ring
            .0
            .iter()
            .position(|c| !c.x.is_finite() || !c.y.is_finite())
        {
            found.push(format!("{role} has a non-finite coordinate at index {i}"));
        }
    }
    let holes: Vec<&LineString<f64>> = p.interiors().iter().filter(|r| !r.0.is_empty()).collect();
    if holes.is_empty() || p.exterior().0.is_empty() {
        return found;
    }
    let exterior = Polygon::new(p.exterior().clone(), vec![]);
    let exterior = PreparedGeometry::from(&exterior);
    let holes: Vec<(usize, Polygon<f64>)> = p
        .interiors()
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.0.is_empty())
        .map(|(k, r)| (k, Polygon::new(r.clone(), vec![])))
        .collect();
    for (k, hole) in &holes {
        let matrix = exterior.relate(hole);
        if !matrix.is_contains() {
            found.push(format!(
                "{} is not contained within the polygon's exterior",
                role(k + 1)
            ));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            found.push(format!(
                "{} and {} intersect on a line",
                role(0),
                role(k + 1)
            ));
        }
    }
    for (a, b) in meeting_pairs(holes.iter().map(|(_, h)| h.bounding_rect())) {
        let ((ka, ha), (kb, hb)) = (&holes[a], &holes[b]);
        let matrix = ha.relate(hb);
        if matrix.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
            found.push(format!(
                "{} and {} intersect on an area",
                role(ka + 1),
                role(kb + 1)
            ));
        }
        if matrix.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            found.push(format!(
                "{} and {} intersect on a line",
                role(ka + 1),
                role(kb + 1)
            ));
        }
    }
    found
}

/// The role of ring `k` of a polygon (0 the exterior), in geo's words.
fn role(k: usize) -> String {
    if k == 0 {
        "exterior ring".to_owned()
    } else {
        format!("interior ring at index {}", k - 1)
    }
}

/// Where a ring first crosses or touches itself, if it does: two of its segments meet, and they are
/// not neighbours meeting at their shared vertex (geo's rule, so the answers are geo's).
#[must_use]
pub fn self_intersection(ring: &LineString<f64>) -> Option<Coord<f64>> {
    let lines: Vec<Line<f64>> = ring.lines().collect();
    let boxes = lines.iter().enumerate().map(|(i, l)| {
        let r = l.bounding_rect();
        GeomWithData::new(
            Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
            i,
        )
    });
    let tree = RTree::bulk_load(boxes.collect());
    let (i, j) = lines.iter().enumerate().find_map(|(i, a)| {
        let r = a.bounding_rect();
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        tree.locate_in_envelope_intersecting(&envelope)
            .map(|c| c.data)
            .filter(|&j| {
                let b = &lines[j];
                j > i && a.start != b.end && a.end != b.start && a.intersects(b)
            })
            .min()
            .map(|j| (i, j))
    })?;
    Some(match line_intersection(lines[i], lines[j]) {
        Some(LineIntersection::SinglePoint { intersection, .. }) => intersection,
        Some(LineIntersection::Collinear { intersection }) => intersection.start,
        None => lines[i].start,
    })
}

/// Pairs `(i, j)`, `i < j`, of boxes that meet: the only pairs whose shapes can interact.
fn meeting_pairs(rects: impl Iterator<Item = Option<Rect<f64>>>) -> Vec<(usize, usize)> {
    let rects: Vec<Option<Rect<f64>>> = rects.collect();
    let tree = RTree::bulk_load(
        rects
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    )
                })
            })
            .collect(),
    );
    let mut pairs = Vec::new();
    for (i, r) in rects.iter().enumerate() {
        let Some(r) = r else { continue };
        let envelope = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        pairs.extend(
            tree.locate_in_envelope_intersecting(&envelope)
                .map(|c| c.data)
                .filter(|&j| j > i)
                .map(|j| (i, j)),
        );
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
#[path = "validity_tests.rs"]
mod tests;

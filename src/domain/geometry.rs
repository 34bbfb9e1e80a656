//! Geometry on WGS 84 lon/lat: bounding boxes, validity, orientation and geodesic measures.
//!
//! Areas and lengths are geodesic (geo's `Geodesic` on the WGS 84 ellipsoid), in km² and km.
//! Planar maths is used only for topology (point-in-polygon, overlap shape), never for measures.

use std::fmt;
use std::str::FromStr;

use geo::{
    Area, BooleanOps, BoundingRect, Geodesic, Geometry, Length, LinesIter, MultiPolygon, Orient,
    Rect, coord, orient::Direction,
};
use serde::{Deserialize, Deserializer};

/// What `bbox` accepts; quoted in every parse error.
pub const BBOX_FORM: &str =
    "minLon,minLat,maxLon,maxLat in WGS 84 degrees, e.g. 43.05,36.30,43.25,36.42";

/// Overlaps between districts narrower than this (mean width, metres) are slivers, not errors:
/// real boundaries from different sources disagree by a few metres.
pub const SLIVER_WIDTH_M: f64 = 10.0;

/// A lon/lat bounding box, `minLon,minLat,maxLon,maxLat`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox(pub Rect<f64>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{input}' is not a valid bbox: {reason}; expected {BBOX_FORM}")]
pub struct ParseBboxError {
    pub input: String,
    pub reason: &'static str,
}

impl FromStr for Bbox {
    type Err = ParseBboxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ParseBboxError {
            input: s.to_owned(),
            reason,
        };
        let parts: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| err("every value must be a number"))?;
        let [min_lon, min_lat, max_lon, max_lat] = parts[..] else {
            return Err(err("it needs exactly four numbers"));
        };
        if parts.iter().any(|v| !v.is_finite()) {
            return Err(err("values must be finite"));
        }
        if !(-180.0..=180.0).contains(&min_lon) || !(-180.0..=180.0).contains(&max_lon) {
            return Err(err("longitudes must lie in -180..180"));
        }
        if !(-90.0..=90.0).contains(&min_lat) || !(-90.0..=90.0).contains(&max_lat) {
            return Err(err("latitudes must lie in -90..90"));
        }
        if min_lon > max_lon || min_lat > max_lat {
            return Err(err("the minimum must not exceed the maximum"));
        }
        Ok(Self(Rect::new(
            coord! { x: min_lon, y: min_lat },
            coord! { x: max_lon, y: max_lat },
        )))
    }
}

impl fmt::Display for Bbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (min, max) = (self.0.min(), self.0.max());
        write!(f, "{},{},{},{}", min.x, min.y, max.x, max.y)
    }
}

impl<'de> Deserialize<'de> for Bbox {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Area in km², geodesic, whatever the ring orientation (a clockwise exterior would otherwise
/// measure the rest of the Earth).
#[must_use]
pub fn area_km2(geometry: &Geometry<f64>) -> f64 {
    use geo::GeodesicArea;
    normalise_orientation(geometry.clone()).geodesic_area_unsigned() / 1e6
}

/// Length in km, geodesic, of every line of a geometry.
#[must_use]
pub fn length_km(lines: &geo::MultiLineString<f64>) -> f64 {
    lines.iter().map(|l| Geodesic.length(l)).sum::<f64>() / 1000.0
}

/// Exterior rings counter-clockwise and holes clockwise (RFC 7946's right-hand rule).
#[must_use]
pub fn normalise_orientation(geometry: Geometry<f64>) -> Geometry<f64> {
    match geometry {
        Geometry::Polygon(p) => Geometry::Polygon(p.orient(Direction::Default)),
        Geometry::MultiPolygon(mp) => Geometry::MultiPolygon(mp.orient(Direction::Default)),
        other => other,
    }
}

/// Everything wrong with a district geometry: its kind, lon/lat ranges, and validity
/// (self-intersection, too few points, holes outside, overlapping parts).
#[must_use]
pub fn problems(geometry: &Geometry<f64>) -> Vec<String> {
    let mut found = Vec::new();
    if !matches!(geometry, Geometry::Polygon(_) | Geometry::MultiPolygon(_)) {
        found.push("geometry must be a Polygon or MultiPolygon".to_owned());
        return found;
    }
    use geo::CoordsIter;
    let out_of_range = geometry
        .coords_iter()
        .find(|c| !c.x.is_finite() || !c.y.is_finite() || c.x.abs() > 180.0 || c.y.abs() > 90.0);
    if let Some(c) = out_of_range {
        found.push(format!(
            "coordinate ({}, {}) is not a finite lon/lat: longitude must lie in -180..180, latitude in -90..90",
            c.x, c.y
        ));
        return found;
    }
    found.extend(super::validity::errors(geometry));
    found
}

/// How two districts overlap, when they do by more than a sliver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    pub area_km2: f64,
    /// Mean width of the shared area (2 × area / perimeter), metres.
    pub width_m: f64,
}

/// The overlap of two areas, if it is wider than [`SLIVER_WIDTH_M`].
///
/// # Runtime
/// One polygon boolean operation: O((n + m) log(n + m)) in the vertex counts.
#[must_use]
pub fn overlap(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Option<Overlap> {
    let shared = a.intersection(b);
    if shared.unsigned_area() == 0.0 {
        return None;
    }
    let area_m2 = area_km2(&Geometry::MultiPolygon(shared.clone())) * 1e6;
    let perimeter_m: f64 = shared.lines_iter().map(|l| Geodesic.length(&l)).sum();
    let width_m = if perimeter_m > 0.0 {
        2.0 * area_m2 / perimeter_m
    } else {
        0.0
    };
    (width_m > SLIVER_WIDTH_M).then_some(Overlap {
        area_km2: area_m2 / 1e6,
        width_m,
    })
}

/// The geometry as a MultiPolygon (a Polygon becomes a one-part MultiPolygon).
#[must_use]
pub fn as_multi_polygon(geometry: &Geometry<f64>) -> MultiPolygon<f64> {
    match geometry {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        Geometry::MultiPolygon(mp) => mp.clone(),
        _ => MultiPolygon::new(vec![]),
    }
}

/// Bounding rectangle of a district geometry (a degenerate one at the origin for empty input).
#[must_use]
pub fn envelope(geometry: &Geometry<f64>) -> Rect<f64> {
    geometry
        .bounding_rect()
        .unwrap_or_else(|| Rect::new(coord! {x: 0.0, y: 0.0}, coord! {x: 0.0, y: 0.0}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use geo::polygon;

    #[test]
    fn bbox_parses_and_rejects_with_reasons() {
        let b: Bbox = "43.05,36.30,43.25,36.42".parse().unwrap();
        assert_eq!(b.to_string(), "43.05,36.3,43.25,36.42");
        for (bad, why) in [
            ("1,2,3", "exactly four"),
            ("a,2,3,4", "number"),
            ("43,36,42,37", "minimum"),
            ("43,95,44,96", "latitudes"),
            ("NaN,1,2,3", "finite"),
        ] {
            let err = bad.parse::<Bbox>().unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn a_hundredth_degree_square_at_the_equator_is_about_1_23_km2() {
        let p =
            polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)];
        assert_relative_eq!(area_km2(&Geometry::Polygon(p)), 1.2308, epsilon = 1e-3);
    }

    #[test]
    fn the_area_of_a_clockwise_ring_is_its_own_not_the_rest_of_the_earth() {
        let cw =
            polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 0.01), (x: 0.01, y: 0.01), (x: 0.01, y: 0.0)];
        assert_relative_eq!(area_km2(&Geometry::Polygon(cw)), 1.2308, epsilon = 1e-3);
    }

    #[test]
    fn clockwise_exteriors_are_turned_counter_clockwise() {
        use geo::Winding;
        let cw = polygon![(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)];
        assert!(cw.exterior().is_cw());
        let Geometry::Polygon(p) = normalise_orientation(Geometry::Polygon(cw)) else {
            unreachable!()
        };
        assert!(p.exterior().is_ccw());
    }

    #[test]
    fn self_intersecting_rings_and_bad_coordinates_are_problems() {
        let bowtie =
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)];
        assert!(problems(&Geometry::Polygon(bowtie))[0].contains("self-intersection"));
        let far = polygon![(x: 0.0, y: 0.0), (x: 190.0, y: 0.0), (x: 0.0, y: 1.0)];
        assert!(problems(&Geometry::Polygon(far))[0].contains("-180..180"));
    }

    #[test]
    fn slivers_are_tolerated_but_real_overlaps_are_not() {
        let a = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)],
        ]);
        // Overlaps `a` by 0.00002° (~2 m) along one side.
        let sliver = MultiPolygon::new(vec![
            polygon![(x: 0.00998, y: 0.0), (x: 0.02, y: 0.0), (x: 0.02, y: 0.01), (x: 0.00998, y: 0.01)],
        ]);
        assert_eq!(overlap(&a, &sliver), None);
        let real = MultiPolygon::new(vec![
            polygon![(x: 0.005, y: 0.0), (x: 0.02, y: 0.0), (x: 0.02, y: 0.01), (x: 0.005, y: 0.01)],
        ]);
        let o = overlap(&a, &real).expect("half of a overlaps");
        let cw = MultiPolygon::new(vec![real.0[0].clone().orient(Direction::Reversed)]);
        assert_relative_eq!(
            overlap(&cw, &a)
                .expect("orientation does not matter")
                .area_km2,
            o.area_km2,
            epsilon = 1e-6
        );
        assert_relative_eq!(o.area_km2, 0.6154, epsilon = 1e-3);
    }
}

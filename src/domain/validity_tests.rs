use geo::{Geometry, Validation, wkt};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::*;

/// geo's own answers, in geo's words and sorted: the reference the fast check must agree with.
fn geo_says(g: &Geometry<f64>) -> Vec<String> {
    let mut said: Vec<String> = g
        .validation_errors()
        .iter()
        .map(ToString::to_string)
        .collect();
    said.sort();
    said
}

/// Our answers, sorted, without the place of a crossing, which geo does not give.
fn we_say(g: &Geometry<f64>) -> Vec<String> {
    let mut said: Vec<String> = errors(g)
        .into_iter()
        .map(|e| match e.find(" at (") {
            Some(k) if e.contains("self-intersection") => e[..k].to_owned(),
            _ => e,
        })
        .collect();
    said.sort();
    said
}

fn random_ring(rng: &mut ChaCha8Rng, n: usize, grid: i32) -> LineString<f64> {
    // Points on a coarse grid, so that rings touch, cross, repeat points and run along each other.
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|_| Coord {
            x: f64::from(rng.random_range(0..grid)),
            y: f64::from(rng.random_range(0..grid)),
        })
        .collect();
    pts.push(pts[0]);
    LineString::new(pts)
}

#[test]
fn a_thousand_random_rings_get_the_same_verdict_as_geo() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut invalid = 0;
    for case in 0..1000 {
        let n = 3 + case % 9;
        let g = Geometry::Polygon(Polygon::new(random_ring(&mut rng, n, 6), vec![]));
        let theirs = geo_says(&g);
        assert_eq!(we_say(&g), theirs, "case {case}: {g:?}");
        invalid += usize::from(!theirs.is_empty());
    }
    assert!(
        invalid > 300,
        "the cases include many invalid rings ({invalid})"
    );
    assert!(invalid < 1000, "and some valid ones");
}

#[test]
fn random_polygons_with_holes_and_multi_polygons_get_the_same_verdict_as_geo() {
    let mut rng = ChaCha8Rng::seed_from_u64(10);
    let square = |x0: f64, y0: f64, s: f64| {
        LineString::from(vec![
            (x0, y0),
            (x0 + s, y0),
            (x0 + s, y0 + s),
            (x0, y0 + s),
            (x0, y0),
        ])
    };
    for case in 0..300 {
        let holes: Vec<LineString<f64>> = (0..rng.random_range(0..4))
            .map(|_| {
                let (x, y) = (rng.random_range(0..10), rng.random_range(0..10));
                square(
                    f64::from(x),
                    f64::from(y),
                    f64::from(rng.random_range(1..4)),
                )
            })
            .collect();
        let p = Polygon::new(square(0.0, 0.0, 10.0), holes);
        let g = Geometry::Polygon(p.clone());
        assert_eq!(we_say(&g), geo_says(&g), "polygon case {case}: {g:?}");
        let other = Polygon::new(
            square(
                f64::from(rng.random_range(0..25)),
                f64::from(rng.random_range(0..25)),
                f64::from(rng.random_range(1..8)),
            ),
            vec![],
        );
        let g = Geometry::MultiPolygon(MultiPolygon::new(vec![p, other]));
        assert_eq!(we_say(&g), geo_says(&g), "multi case {case}: {g:?}");
    }
}

#[test]
fn a_crossing_is_placed_where_the_ring_crosses_itself() {
    let bowtie = wkt!(POLYGON((0. 0., 2. 2., 2. 0., 0. 2., 0. 0.)));
    assert_eq!(
        errors(&Geometry::Polygon(bowtie)),
        vec!["exterior ring has a self-intersection at (1, 1)"]
    );
}

#[test]
fn the_rules_geo_documents_hold() {
    let cases: [(Geometry<f64>, &[&str]); 4] = [
        (
            wkt!(POLYGON((0. 0., 4. 1., 4. 4., 0. 4., 0. 0.), (0. 2., 2. 1., 3. 2., 2. 3., 0. 2.))).into(),
            &[],
        ),
        (
            wkt!(POLYGON((0. 0., 4. 0., 4. 4., 0. 4., 0. 0.), (1. 2., 2. 1., 3. 2., 2. 3., 1. 2.), (3. 2., 2. 1., 3.5 1., 3.75 2., 3.5 3., 3. 2.))).into(),
            &["interior ring at index 0 and interior ring at index 1 intersect on a line"],
        ),
        (
            wkt!(POLYGON((0. 0., 4. 0., 4. 4., 0. 4., 0. 0.), (1. 2., 2. 1., 3. 2., 2. 3., 1. 2.), (2. 2., 2. 1., 3.5 1., 3.75 2., 3.5 3., 3. 2.))).into(),
            &["interior ring at index 0 and interior ring at index 1 intersect on an area"],
        ),
        (
            wkt!(MULTIPOLYGON(((0. 0., 2. 0., 2. 2., 0. 2., 0. 0.)), ((2. 0., 4. 0., 4. 2., 2. 2., 2. 0.)))).into(),
            &["polygons at indices 0 and 1 touch on a line"],
        ),
    ];
    for (g, expected) in cases {
        assert_eq!(errors(&g), expected, "{g:?}");
        assert_eq!(geo_says(&g), expected, "geo agrees on {g:?}");
    }
}

/// A star-shaped ring of `n` vertices: valid, and with no two segment boxes far apart.
pub(crate) fn star(n: usize) -> LineString<f64> {
    let mut pts: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            #[allow(clippy::cast_precision_loss)]
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = if i % 2 == 0 { 1.0 } else { 0.9 };
            Coord {
                x: 43.0 + r * a.cos(),
                y: 36.0 + r * a.sin(),
            }
        })
        .collect();
    pts.push(pts[0]);
    LineString::new(pts)
}

#[test]
fn a_hundred_thousand_vertex_ring_is_checked_and_a_crossing_in_it_found() {
    let ring = star(100_000);
    assert_eq!(self_intersection(&ring), None);
    let mut crossed = ring.clone();
    // One vertex pulled across the star to the other side: its two segments cross the ring.
    crossed.0[500] = Coord { x: 43.0, y: 35.0 };
    assert!(
        self_intersection(&crossed).is_some(),
        "the pulled vertex's segments cross"
    );
}

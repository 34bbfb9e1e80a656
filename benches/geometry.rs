//! Geometry checks and border matching on long boundaries: validating one ring of 10,000, 100,000
//! and 1,000,000 vertices (a wavy, realistic outline), and finding the shared border and the front
//! across a river between districts with 100,000-vertex edges (index build plus borders); and
//! simplifying 50,000 districts of 20 to 60 vertices with shared borders kept shared, at the
//! tolerances of zoom 5 and zoom 8.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::domain::borders;
use frontline::domain::geometry;
use frontline::domain::index::DistrictEntry;
use frontline::domain::model::District;
use frontline::domain::simplify;
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A closed outline of `n` vertices around (43, 36), 0.5° across, wavy at three scales.
fn outline(n: usize) -> Geometry<f64> {
    #[allow(clippy::cast_precision_loss)]
    let mut points: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            let r = 0.5
                + 0.03 * (37.0 * a).sin()
                + 0.01 * (311.0 * a).sin()
                + 0.002 * (4099.0 * a).sin();
            Coord {
                x: 43.0 + r * a.cos(),
                y: 36.0 + r * a.sin(),
            }
        })
        .collect();
    points.push(points[0]);
    Geometry::Polygon(Polygon::new(LineString::new(points), vec![]))
}

/// A north–south edge of `n` vertices at `x`, wiggling by a few metres, from 36.0 to 36.5.
fn edge(x: f64, n: usize) -> Vec<Coord<f64>> {
    #[allow(clippy::cast_precision_loss)]
    (0..n)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64;
            Coord {
                x: x + 0.0002 * (t * 700.0).sin() + 0.00003 * (t * 9000.0).sin(),
                y: 36.0 + 0.5 * t,
            }
        })
        .collect()
}

fn entry(id: &str, mut ring: Vec<Coord<f64>>) -> DistrictEntry {
    ring.push(ring[0]);
    let geometry = geometry::normalise_orientation(Geometry::Polygon(Polygon::new(
        LineString::new(ring),
        vec![],
    )));
    DistrictEntry::new(District {
        id: id.into(),
        name: id.into(),
        alt_names: vec![],
        group: None,
        geometry,
        properties: serde_json::Map::new(),
    })
}

/// West and middle share an edge of `n` vertices; a 300 m river with banks of `n` vertices runs
/// between middle and east.
fn neighbours(n: usize) -> Vec<DistrictEntry> {
    let shared = edge(43.1, n);
    let mut west = vec![Coord { x: 43.0, y: 36.0 }];
    west.extend(&shared);
    west.push(Coord { x: 43.0, y: 36.5 });
    let mut middle: Vec<Coord<f64>> = shared.iter().rev().copied().collect();
    middle.extend(edge(43.2, n));
    let mut east: Vec<Coord<f64>> = edge(43.2034, n).into_iter().rev().collect();
    east.extend([Coord { x: 43.3, y: 36.0 }, Coord { x: 43.3, y: 36.5 }]);
    vec![
        entry("west", west),
        entry("middle", middle),
        entry("east", east),
    ]
}

/// A `cols × rows` grid of 0.01° cells with jittered corners whose edges wander between them
/// through 4 to 14 points (seeded, so the same every run): 20 to 60 vertices a district.
fn jagged_grid(cols: usize, rows: usize) -> Vec<MultiPolygon<f64>> {
    const CELL: f64 = 0.01;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    #[expect(clippy::cast_precision_loss, reason = "grid indices are small")]
    let corner: Vec<Vec<Coord<f64>>> = (0..=rows)
        .map(|r| {
            (0..=cols)
                .map(|c| {
                    let j = if r == 0 || c == 0 || r == rows || c == cols {
                        0.0
                    } else {
                        0.3
                    };
                    Coord {
                        x: 38.0 + (c as f64 + rng.random_range(-j..=j)) * CELL,
                        y: 34.0 + (r as f64 + rng.random_range(-j..=j)) * CELL,
                    }
                })
                .collect()
        })
        .collect();
    let mut edge = |a: Coord<f64>, b: Coord<f64>| -> Vec<Coord<f64>> {
        let k = rng.random_range(4..=14);
        let bend = rng.random_range(-0.2..0.2);
        let d = b - a;
        (1..=k)
            .map(|i| {
                let t = f64::from(i) / f64::from(k + 1);
                let wiggle =
                    bend * (std::f64::consts::PI * t).sin() + rng.random_range(-0.01..0.01);
                a + d * t + Coord { x: -d.y, y: d.x } * wiggle
            })
            .collect()
    };
    let east: Vec<Vec<_>> = (0..=rows)
        .map(|r| {
            (0..cols)
                .map(|c| edge(corner[r][c], corner[r][c + 1]))
                .collect()
        })
        .collect();
    let north: Vec<Vec<_>> = (0..rows)
        .map(|r| {
            (0..=cols)
                .map(|c| edge(corner[r][c], corner[r + 1][c]))
                .collect()
        })
        .collect();
    let mut cells = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            let mut outline = vec![corner[r][c]];
            outline.extend(&east[r][c]);
            outline.push(corner[r][c + 1]);
            outline.extend(&north[r][c + 1]);
            outline.push(corner[r + 1][c + 1]);
            outline.extend(east[r + 1][c].iter().rev());
            outline.push(corner[r + 1][c]);
            outline.extend(north[r][c].iter().rev());
            outline.push(corner[r][c]);
            cells.push(MultiPolygon::new(vec![Polygon::new(
                LineString::new(outline),
                vec![],
            )]));
        }
    }
    cells
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("borders_and_river_front");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let districts = neighbours(n);
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| {
                let found = borders::boundaries(black_box(&districts), 1000.0);
                assert_eq!(found.len(), 2, "a shared border and a river front");
            });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("validate_ring");
    group.sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        let ring = outline(n);
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| {
                let found = geometry::problems(black_box(&ring));
                assert!(found.is_empty(), "{found:?}");
            });
        });
    }
    group.finish();

    // Half a pixel of a 512-pixel tile, degrees.
    let tolerance = |z: i32| 360.0 / 2f64.powi(z) / 512.0 / 2.0;
    let districts = jagged_grid(250, 200);
    let mut group = c.benchmark_group("simplify_shared_50000");
    group.sample_size(10);
    for z in [5, 8] {
        group.bench_function(format!("zoom_{z}"), |b| {
            b.iter(|| {
                let out = simplify::simplify_shared(black_box(&districts), tolerance(z));
                assert_eq!(out.len(), districts.len());
            });
        });
    }
    group.finish();
}

criterion_group!(geometry_benches, benches);
criterion_main!(geometry_benches);

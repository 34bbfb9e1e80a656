//! Geometry checks and border matching on long boundaries: validating one ring of 10,000, 100,000
//! and 1,000,000 vertices (a wavy, realistic outline), and finding the shared border and the front
//! across a river between districts with 100,000-vertex edges (index build plus borders).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::domain::borders;
use frontline::domain::geometry;
use frontline::domain::index::DistrictEntry;
use frontline::domain::model::District;
use geo::{Coord, Geometry, LineString, Polygon};

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
}

criterion_group!(geometry_benches, benches);
criterion_main!(geometry_benches);

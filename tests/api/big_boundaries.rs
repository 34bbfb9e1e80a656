//! Boundaries of a hundred thousand vertices, as real surveyed ones are: they are checked, and
//! their shared borders and fronts across a river found, in a second or two (validation, border
//! matching and the inside test used to compare every segment with every other: minutes).

use frontline::dataset;
use frontline::domain::geometry;
use frontline::domain::index::Index;
use frontline::domain::time::Instant;
use tempfile::TempDir;

use crate::helpers::write_small;

/// Vertices along each long edge.
const N: usize = 100_000;

/// A north–south edge at `x`, wiggling by a few metres, from 36.0 to 36.5 (55 km).
fn edge(x: f64) -> Vec<[f64; 2]> {
    #[allow(clippy::cast_precision_loss)]
    (0..N)
        .map(|i| {
            let t = i as f64 / (N - 1) as f64;
            let wiggle = 0.0002 * (t * 700.0).sin() + 0.00003 * (t * 9000.0).sin();
            [
                ((x + wiggle) * 1e7).round() / 1e7,
                ((36.0 + 0.5 * t) * 1e7).round() / 1e7,
            ]
        })
        .collect()
}

fn ring(points: Vec<[f64; 2]>) -> String {
    let mut points = points;
    points.push(points[0]);
    serde_json::to_string(&points).unwrap()
}

/// `west` and `middle` share a 100,000-vertex edge; a 300 m river runs between `middle` and
/// `east`, whose banks have 100,000 vertices each.
fn big_dir(cross_west: bool) -> TempDir {
    let dir = TempDir::new().unwrap();
    write_small(dir.path());
    let shared = edge(43.1);
    let (bank_w, bank_e) = (edge(43.2), edge(43.2034));
    let mut west: Vec<[f64; 2]> = vec![[43.0, 36.0]];
    west.extend(shared.iter().copied());
    west.push([43.0, 36.5]);
    if cross_west {
        // A vertex pulled out past the ring's own western edge: the ring crosses itself there.
        west[N / 2] = [42.9, 36.2];
    }
    let mut middle: Vec<[f64; 2]> = shared.iter().rev().copied().collect();
    middle.extend(bank_w.iter().copied());
    let mut east: Vec<[f64; 2]> = bank_e.iter().rev().copied().collect();
    east.extend([[43.3, 36.0], [43.3, 36.5]]);
    let feature = |id: &str, ring: String| {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{"name":"{id}"}},"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}"#
        )
    };
    let features = [
        feature("west", self::ring(west)),
        feature("middle", self::ring(middle)),
        feature("east", self::ring(east)),
    ];
    std::fs::write(
        dir.path().join("districts.geojson"),
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
            features.join(",\n")
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("dataset.json"), r#"{"front_gap_km":1.0}"#).unwrap();
    dir
}

#[test]
fn a_district_with_a_hundred_thousand_vertex_edge_is_valid_and_a_crossing_in_it_is_placed() {
    let dir = big_dir(false);
    let data = dataset::read_dir(dir.path()).expect("long, clean boundaries are valid");
    for d in &data.districts {
        assert_eq!(
            geometry::problems(&d.geometry),
            Vec::<String>::new(),
            "{}",
            d.id
        );
    }
    let dir = big_dir(true);
    let message = dataset::read_dir(dir.path()).unwrap_err().to_string();
    assert!(
        message.contains(
            "feature 1 (id 'west'): invalid geometry: exterior ring has a self-intersection at (43,"
        ),
        "{message}"
    );
}

#[test]
fn fronts_along_a_hundred_thousand_vertex_border_and_river_bank_are_found_whole() {
    let dir = big_dir(false);
    let index = Index::build(dataset::read_dir(dir.path()).unwrap(), &[], 0);
    let ids = |b: &frontline::domain::borders::Border| {
        let d = &index.districts;
        (
            d[b.a as usize].district.id.as_str(),
            d[b.b as usize].district.id.as_str(),
        )
    };
    let borders = index.borders();
    let shared = borders
        .iter()
        .find(|b| ids(b) == ("west", "middle") || ids(b) == ("middle", "west"))
        .expect("west and middle share their long edge");
    let edge_km = geometry::length_km(&geo::MultiLineString::new(vec![geo::LineString::from(
        edge(43.1)
            .into_iter()
            .map(|[x, y]| (x, y))
            .collect::<Vec<_>>(),
    )]));
    assert!(
        (shared.length_km - edge_km).abs() < 0.01 * edge_km,
        "the shared border is the whole edge: {} of {edge_km} km",
        shared.length_km
    );
    let river = borders
        .iter()
        .find(|b| b.across_gap_km > 0.0)
        .expect("middle and east face each other across the river");
    assert_eq!(
        {
            let (a, b) = ids(river);
            let mut pair = [a, b];
            pair.sort_unstable();
            pair
        },
        ["east", "middle"]
    );
    assert!(
        (river.length_km - edge_km).abs() < 0.05 * edge_km,
        "the river front runs the whole length of the banks: {} of {edge_km} km",
        river.length_km
    );
    // On 10 January 2020 blue holds west, red holds middle and east: the front is the long edge.
    let front_km: f64 = index
        .frontline(Instant::from_ymd(2020, 1, 10), None)
        .iter()
        .map(|f| f.border.length_km)
        .sum();
    assert!(
        (front_km - edge_km).abs() < 0.01 * edge_km,
        "the front is the shared edge: {front_km} of {edge_km} km"
    );
}

use super::*;
use crate::domain::model::District;
use approx::assert_relative_eq;
use geo::{Geometry, polygon};

fn entry(id: &str, x0: f64, x1: f64, y0: f64, y1: f64) -> DistrictEntry {
    let geometry =
        Geometry::Polygon(polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)]);
    DistrictEntry::new(District {
        id: id.into(),
        name: id.into(),
        alt_names: vec![],
        group: None,
        geometry,
        properties: serde_json::Map::new(),
    })
}

#[test]
fn two_banks_of_a_river_face_each_other_along_its_centre_line() {
    // 0.002° of longitude at 36° N is about 180 m of river between two 1.1 km-tall banks.
    let west = entry("west", 43.0, 43.01, 36.0, 36.01);
    let east = entry("east", 43.012, 43.02, 36.0, 36.01);
    let found = gap_borders(&[west, east], 1000.0);
    assert_eq!(found.len(), 1);
    let (a, b, lines) = &found[0];
    assert_eq!((*a, *b), (0, 1));
    // The whole facing side, less a little at the ends, on the river's centre line.
    assert_relative_eq!(geometry::length_km(lines), 1.11, epsilon = 0.05);
    for c in lines.0.iter().flat_map(|l| l.0.iter()) {
        assert_relative_eq!(c.x, 43.011, epsilon = 1e-6);
    }
}

#[test]
fn a_gap_wider_than_the_setting_is_no_border() {
    let west = entry("west", 43.0, 43.01, 36.0, 36.01);
    let east = entry("east", 43.03, 43.04, 36.0, 36.01);
    assert!(gap_borders(&[west, east], 1000.0).is_empty());
}

#[test]
fn a_district_in_between_blocks_the_gap() {
    // An island in the river: each bank faces the island, not the other bank.
    let west = entry("west", 43.0, 43.01, 36.0, 36.01);
    let island = entry("island", 43.0105, 43.0115, 35.99, 36.02);
    let east = entry("east", 43.012, 43.02, 36.0, 36.01);
    let found = gap_borders(&[west, island, east], 1000.0);
    let pairs: Vec<(u32, u32)> = found.iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(pairs, vec![(0, 1), (1, 2)]);
}

#[test]
fn districts_sharing_an_edge_have_no_gap_border() {
    let west = entry("west", 43.0, 43.01, 36.0, 36.01);
    let east = entry("east", 43.01, 43.02, 36.0, 36.01);
    assert!(gap_borders(&[west, east], 1000.0).is_empty());
}

#[test]
fn the_inside_test_agrees_with_geo_on_cells_a_river_and_a_district_with_a_hole() {
    use geo::Intersects;
    use rand::{Rng, SeedableRng};
    let data = crate::domain::synth::generate(&crate::domain::synth::Params {
        districts: 400,
        states: 400,
        seed: 3,
        river_m: 300.0,
        events: 0,
    });
    let mut entries: Vec<DistrictEntry> =
        data.districts.into_iter().map(DistrictEntry::new).collect();
    let mut donut = entry("donut", 50.0, 50.2, 10.0, 10.2).district;
    let hole = geo::LineString::from(vec![
        (50.05, 10.05),
        (50.05, 10.15),
        (50.15, 10.15),
        (50.15, 10.05),
        (50.05, 10.05),
    ]);
    if let Geometry::Polygon(p) = &mut donut.geometry {
        p.interiors_push(hole);
    }
    entries.push(DistrictEntry::new(donut));
    let world = World::new(&entries);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
    let boxes = entries.iter().map(|e| e.envelope).collect::<Vec<_>>();
    let mut inside = 0;
    for k in 0..4000 {
        let b = boxes[k % boxes.len()];
        let p = Coord {
            x: rng.random_range(b.min().x - 0.01..b.max().x + 0.01),
            y: rng.random_range(b.min().y - 0.01..b.max().y + 0.01),
        };
        let truth = entries
            .iter()
            .any(|e| e.district.geometry.intersects(&geo::Point::from(p)));
        assert_eq!(world.covered(p), truth, "point {p:?}");
        inside += usize::from(truth);
    }
    assert!(
        (1000..3900).contains(&inside),
        "points fall inside and outside ({inside})"
    );
}

//! The spatio-temporal index against a brute-force oracle on generated data.

use frontline::dataset;
use frontline::domain::time::Instant;
use geo::Intersects;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::helpers::{index_of, synth_dir};

#[test]
fn who_held_a_point_at_an_instant_matches_a_brute_force_scan() {
    let dir = synth_dir(2500, 25_000, 3);
    let data = dataset::read_dir(dir.path()).unwrap();
    let (_db, index) = index_of(dir.path());
    let extent = index.extent().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let (t0, t1) = (
        Instant::from_ymd(2019, 12, 1).0,
        Instant::from_ymd(2023, 3, 1).0,
    );
    let state_instants: Vec<Instant> = data.states.iter().map(|s| s.valid_from).collect();
    let mut hits = 0;
    for n in 0..4000 {
        let lon = rng.random_range(extent.min().x - 0.01..extent.max().x + 0.01);
        let lat = rng.random_range(extent.min().y - 0.01..extent.max().y + 0.01);
        // Every fourth query lands exactly on a hand-over instant.
        let t = if n % 4 == 0 {
            state_instants[rng.random_range(0..state_instants.len())]
        } else {
            Instant(rng.random_range(t0..t1))
        };

        let point = geo::Point::new(lon, lat);
        let expected_district = data
            .districts
            .iter()
            .position(|d| d.geometry.intersects(&point));
        let expected_state = expected_district.and_then(|d| {
            let id = &data.districts[d].id;
            data.states
                .iter()
                .filter(|s| &s.district == id && s.interval().contains(t))
                .max_by_key(|s| s.valid_from)
        });

        let found = index.who(lon, lat, t);
        assert_eq!(
            found.map(|(d, _)| d as usize),
            expected_district,
            "district at ({lon}, {lat})"
        );
        let found_state = found.and_then(|(_, s)| s).map(|s| &index.states[s]);
        match (found_state, expected_state) {
            (None, None) => {}
            (Some(f), Some(e)) => {
                hits += 1;
                assert_eq!(f.interval, e.interval(), "state at ({lon}, {lat}) {t:?}");
                let factions: Vec<&str> = f
                    .factions
                    .iter()
                    .map(|&i| index.factions[i as usize].id.as_str())
                    .collect();
                assert_eq!(factions, e.factions);
            }
            (f, e) => panic!("({lon}, {lat}) at {t:?}: index {f:?}, oracle {e:?}"),
        }
    }
    assert!(
        hits > 3000,
        "most random points fall inside the region: {hits}"
    );
}

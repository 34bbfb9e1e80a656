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

#[test]
fn the_front_history_at_any_instant_is_the_front_line_at_that_instant() {
    let dir = synth_dir(600, 6000, 5);
    let (_db, index) = index_of(dir.path());
    let fronts = index.fronts();
    assert!(!fronts.is_empty());
    // Every tick (hand-overs, where pieces start and end) and a day after each.
    let mut instants: Vec<Instant> = index.timeline().ticks.iter().map(|t| t.at).collect();
    instants.extend(instants.clone().iter().map(|t| Instant(t.0 + 86_400_000)));
    for t in instants {
        let mut expected: Vec<(u32, u32)> = index
            .frontline(t, None)
            .iter()
            .map(|s| (s.border.a, s.border.b))
            .collect();
        let mut found: Vec<(u32, u32)> = fronts
            .iter()
            .filter(|p| p.interval.contains(t))
            .map(|p| {
                let b = &index.borders()[p.border as usize];
                (b.a, b.b)
            })
            .collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected, "front at {t}");
    }
    for (i, piece) in fronts.iter().enumerate().step_by(7) {
        assert_eq!(
            frontline::domain::fronts::find(&index, &piece.id(&index)),
            Some(i)
        );
    }
    // Merged: no piece continues the previous one with the same sides.
    for w in fronts.windows(2) {
        assert!(
            !(w[0].border == w[1].border
                && w[0].interval.to == Some(w[1].interval.from)
                && (&w[0].side_a, &w[0].side_b) == (&w[1].side_a, &w[1].side_b)),
            "unmerged pieces {w:?}"
        );
    }
}

#[test]
fn every_state_is_found_again_by_its_id() {
    let dir = synth_dir(50, 500, 2);
    let (_db, index) = index_of(dir.path());
    for s in 0..index.states.len() {
        assert_eq!(index.state_by_id(&index.state_id(s)), Some(s));
    }
    assert_eq!(index.state_by_id("nowhere@2017-01-01"), None);
    assert_eq!(index.state_by_id("no-instant"), None);
}

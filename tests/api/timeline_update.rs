//! The timeline after edits is derived from the one before (only the edited districts' events
//! are made again): after any sequence of edits it equals the timeline built afresh.

use frontline::domain::changes::{self, Timeline};
use frontline::domain::index::{Index, StateEntry};
use frontline::domain::model::Status;
use frontline::domain::time::{Instant, Interval};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::helpers::{index_of, synth_dir};

const DAY: i64 = 86_400_000;

/// Fails at the first entry in which `a` and `b` differ, naming it.
fn assert_lists<T: PartialEq + std::fmt::Debug>(a: &[T], b: &[T], what: &str, step: usize) {
    let at = a.iter().zip(b).position(|(x, y)| x != y);
    if let Some(i) = at {
        panic!(
            "{what} after edit {step}, at {i}: derived {:?}, built {:?}",
            a[i], b[i]
        );
    }
    assert_eq!(a.len(), b.len(), "{what} after edit {step}: how many");
}

fn assert_same(derived: &Timeline, built: &Timeline, step: usize) {
    assert_lists(&derived.events, &built.events, "events", step);
    assert_lists(&derived.ticks, &built.ticks, "ticks", step);
    assert_lists(&derived.area, &built.area, "area rows", step);
}

/// District `d`'s states after a random edit: one state's side changed, one cut short, one
/// split in two with a gap, one dropped, every one dropped, or a state added after the last.
fn edited(index: &Index, d: u32, rng: &mut ChaCha8Rng) -> Vec<StateEntry> {
    let mut states = index.history(d).to_vec();
    let factions = index.factions.len() as u16;
    if states.is_empty() {
        return states;
    }
    let k = rng.random_range(0..states.len());
    match rng.random_range(0..6) {
        0 => {
            let s = &mut states[k];
            s.status = Status::Held;
            s.factions = vec![(s.factions[0] + 1) % factions].into();
        }
        1 => {
            let s = &mut states[k];
            if let Some(to) = s.interval.to
                && to.0 - s.interval.from.0 > DAY
            {
                s.interval.to = Some(Instant(to.0 - DAY / 2));
            }
        }
        2 => {
            let s = states[k].clone();
            if let Some(to) = s.interval.to
                && to.0 - s.interval.from.0 > 4 * DAY
            {
                let mid = s.interval.from.0 + (to.0 - s.interval.from.0) / 2;
                states[k].interval.to = Some(Instant(mid - DAY));
                let mut second = s;
                second.interval = Interval {
                    from: Instant(mid),
                    to: Some(to),
                };
                states.insert(k + 1, second);
            }
        }
        3 => {
            states.remove(k);
        }
        4 => states.clear(),
        _ => {
            let last = states.last().unwrap().clone();
            if let Some(to) = last.interval.to {
                let mut next = last;
                next.interval = Interval {
                    from: to,
                    to: Some(Instant(to.0 + 7 * DAY)),
                };
                next.factions = vec![(next.factions[0] + 1) % factions].into();
                next.status = Status::Held;
                states.push(next);
            }
        }
    }
    states
}

#[test]
fn a_timeline_derived_after_random_edits_equals_one_built_afresh() {
    let dir = synth_dir(400, 6000, 3);
    let (_db, mut index) = index_of(dir.path());
    index.timeline();
    let area: Vec<f64> = index.districts.iter().map(|d| d.area_km2).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let districts = index.districts.len() as u32;
    for step in 0..300 {
        let d = rng.random_range(0..districts);
        let states = edited(&index, d, &mut rng);
        index = index.with_district(d, states, Vec::new(), index.revision + 1);
        // Sometimes several edits come before the timeline is asked for again.
        if rng.random_bool(0.6) {
            let built = changes::build(&index.states, &area, index.factions.len());
            assert_same(index.timeline(), &built, step);
        }
    }
    let built = changes::build(&index.states, &area, index.factions.len());
    assert_same(index.timeline(), &built, 300);
}

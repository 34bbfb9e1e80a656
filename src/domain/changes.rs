//! What changes when: every instant at which a district's state begins or ends, which of those
//! are hand-overs (the holder changes), and the area each side holds after each hand-over.

use super::index::StateEntry;
use super::model::Status;
use super::time::Instant;

/// One district's state changing at `at`, from the state indexed `from` to `to`
/// (`None`: no state, i.e. unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub at: Instant,
    pub district: u32,
    pub from: Option<usize>,
    pub to: Option<usize>,
    /// Whether the holder changed (a new state of the same side is not a hand-over).
    pub handover: bool,
    /// Whose area the district leaves and joins ([`Bucket`]), so area sums need not look the
    /// states up again.
    buckets: [Bucket; 2],
}

/// A faction's index (held), or [`CONTESTED`], or [`NOBODY`] (no state).
type Bucket = u16;
const CONTESTED: Bucket = u16::MAX - 1;
const NOBODY: Bucket = u16::MAX;

/// An instant at which something changes, with how many districts change there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tick {
    pub at: Instant,
    pub changes: u32,
    pub handovers: u32,
}

/// Area held per faction and contested, km², from `at` until the next row.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRow {
    pub at: Instant,
    /// Indexed like the data set's factions.
    pub held: Vec<f64>,
    pub contested: f64,
}

#[derive(Debug, Default)]
pub struct Timeline {
    /// Sorted by instant, then district.
    pub events: Vec<Event>,
    pub ticks: Vec<Tick>,
    /// One row per hand-over instant, in time order.
    pub area: Vec<AreaRow>,
}

impl Timeline {
    /// Hand-overs in the half-open range `(from, to]`.
    pub fn handovers(&self, from: Instant, to: Instant) -> impl Iterator<Item = &Event> {
        let start = self.events.partition_point(|e| e.at <= from);
        let end = self.events.partition_point(|e| e.at <= to);
        self.events[start..end.max(start)]
            .iter()
            .filter(|e| e.handover)
    }

    /// The area row in effect at `t`: the last hand-over at or before it.
    #[must_use]
    pub fn area_at(&self, t: Instant) -> Option<&AreaRow> {
        let after = self.area.partition_point(|r| r.at <= t);
        after.checked_sub(1).map(|i| &self.area[i])
    }

    /// First and last instants at which anything changes.
    #[must_use]
    pub fn range(&self) -> Option<(Instant, Instant)> {
        Some((self.ticks.first()?.at, self.ticks.last()?.at))
    }
}

/// Builds the timeline from states grouped by district (`offsets` as in the index) and each
/// district's area.
///
/// # Runtime
/// O(s log s) for s states.
#[must_use]
pub fn build(
    states: &super::state_table::StateTable,
    area_km2: &[f64],
    factions: usize,
) -> Timeline {
    let mut events = Vec::with_capacity(states.len() + states.len() / 8);
    for d in 0..states.offsets().len().saturating_sub(1) {
        district_events(states, d, &mut events);
    }
    events.sort_by_key(|e| (e.at, e.district));
    summarise(events, area_km2, factions)
}

/// The timeline of `states` from `base`, the timeline of an earlier table whose districts'
/// first states were at `base_offsets`, where only the districts marked in `changed` have other
/// states: their events are made again, every other district's kept (at its new positions).
/// Equal to [`build`] of `states`.
///
/// # Runtime
/// O(s + c log c) for s states and c states of the changed districts: no sort of the whole.
#[must_use]
pub fn update(
    base: &Timeline,
    base_offsets: &[u32],
    states: &super::state_table::StateTable,
    changed: &[bool],
    area_km2: &[f64],
    factions: usize,
) -> Timeline {
    let offsets = states.offsets();
    let moved =
        |i: Option<usize>, d: usize| i.map(|i| i - base_offsets[d] as usize + offsets[d] as usize);
    let kept = base
        .events
        .iter()
        .filter(|e| !changed[e.district as usize])
        .map(|e| Event {
            from: moved(e.from, e.district as usize),
            to: moved(e.to, e.district as usize),
            ..*e
        });
    let mut fresh = Vec::new();
    for (d, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
        district_events(states, d, &mut fresh);
    }
    fresh.sort_by_key(|e| (e.at, e.district));
    let mut events = Vec::with_capacity(base.events.len() + fresh.len());
    let mut fresh = fresh.into_iter().peekable();
    for e in kept {
        while let Some(f) = fresh.next_if(|f| (f.at, f.district) < (e.at, e.district)) {
            events.push(f);
        }
        events.push(e);
    }
    events.extend(fresh);
    summarise(events, area_km2, factions)
}

/// Whether two states are held by the same side (one faction, or one set of contesting
/// factions in any order).
fn same_side(a: &StateEntry, b: &StateEntry) -> bool {
    match (a.status, b.status) {
        (Status::Held, Status::Held) => a.factions[0] == b.factions[0],
        (Status::Contested, Status::Contested) => a.side() == b.side(),
        _ => false,
    }
}

/// Appends district `d`'s events: each state's start, and each end not followed at once by
/// the next state.
fn district_events(states: &super::state_table::StateTable, d: usize, events: &mut Vec<Event>) {
    let offsets = states.offsets();
    let (start, end) = (offsets[d] as usize, offsets[d + 1] as usize);
    let bucket = |i: Option<usize>| match i.map(|i| &states[i]) {
        Some(s) if s.status == Status::Held => s.factions[0],
        Some(_) => CONTESTED,
        None => NOBODY,
    };
    let mut previous: Option<usize> = None;
    for i in start..end {
        let s = &states[i];
        let mut push = |at, from: Option<usize>, to: Option<usize>| {
            let handover = match (from, to) {
                (Some(f), Some(t)) => !same_side(&states[f], &states[t]),
                (None, None) => false,
                _ => true,
            };
            events.push(Event {
                at,
                district: d as u32,
                from,
                to,
                handover,
                buckets: [bucket(from), bucket(to)],
            });
        };
        match previous {
            Some(p) if states[p].interval.to == Some(s.interval.from) => {
                push(s.interval.from, Some(p), Some(i));
            }
            Some(p) => {
                let ended = states[p]
                    .interval
                    .to
                    .expect("validated states do not overlap");
                push(ended, Some(p), None);
                push(s.interval.from, None, Some(i));
            }
            None => push(s.interval.from, None, Some(i)),
        }
        previous = Some(i);
    }
    if let Some(p) = previous
        && let Some(ended) = states[p].interval.to
    {
        events.push(Event {
            at: ended,
            district: d as u32,
            from: Some(p),
            to: None,
            handover: true,
            buckets: [bucket(Some(p)), NOBODY],
        });
    }
}

/// The ticks and area rows of `events` (sorted by instant, then district).
fn summarise(events: Vec<Event>, area_km2: &[f64], factions: usize) -> Timeline {
    let mut ticks: Vec<Tick> = Vec::new();
    let mut area: Vec<AreaRow> = Vec::new();
    // Per faction, then contested last.
    let mut totals = vec![0.0; factions + 1];
    let apply = |totals: &mut [f64], bucket: Bucket, sign: f64, km2: f64| match bucket {
        NOBODY => {}
        CONTESTED => totals[factions] += sign * km2,
        f => totals[f as usize] += sign * km2,
    };
    for (n, e) in events.iter().enumerate() {
        match ticks.last_mut() {
            Some(t) if t.at == e.at => {
                t.changes += 1;
                t.handovers += u32::from(e.handover);
            }
            _ => ticks.push(Tick {
                at: e.at,
                changes: 1,
                handovers: u32::from(e.handover),
            }),
        }
        if e.handover {
            let km2 = area_km2[e.district as usize];
            apply(&mut totals, e.buckets[0], -1.0, km2);
            apply(&mut totals, e.buckets[1], 1.0, km2);
        }
        let last_at_instant = events.get(n + 1).is_none_or(|next| next.at != e.at);
        if last_at_instant && ticks.last().is_some_and(|t| t.handovers > 0) {
            // Clamp float drift so an emptied side reads exactly zero.
            let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
            area.push(AreaRow {
                at: e.at,
                held: totals[..factions].iter().copied().map(clean).collect(),
                contested: clean(totals[factions]),
            });
        }
    }
    Timeline {
        events,
        ticks,
        area,
    }
}

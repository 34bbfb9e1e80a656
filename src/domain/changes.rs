//! What changes when: every instant at which a district's state begins or ends, which of those
//! are hand-overs (the holder changes), and the area each side holds after each hand-over.

use super::index::{Side, StateEntry};
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
}

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
    let sides: Vec<Side> = states.iter().map(StateEntry::side).collect();
    let mut events = Vec::with_capacity(states.len() + states.len() / 8);
    let offsets = states.offsets();
    for d in 0..offsets.len().saturating_sub(1) {
        let (start, end) = (offsets[d] as usize, offsets[d + 1] as usize);
        let mut previous: Option<usize> = None;
        for i in start..end {
            let s = &states[i];
            let mut push = |at, from: Option<usize>, to: Option<usize>| {
                let handover = from.map(|f| &sides[f]) != to.map(|t| &sides[t]);
                events.push(Event {
                    at,
                    district: d as u32,
                    from,
                    to,
                    handover,
                });
            };
            match previous {
                Some(p) if states[p].interval.to == Some(s.interval.from) => {
                    push(s.interval.from, Some(p), Some(i))
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
            });
        }
    }
    events.sort_by_key(|e| (e.at, e.district));

    let mut ticks: Vec<Tick> = Vec::new();
    let mut area: Vec<AreaRow> = Vec::new();
    // Per faction, then contested last.
    let mut totals = vec![0.0; factions + 1];
    let apply = |totals: &mut [f64], side: Option<&Side>, sign: f64, km2: f64| match side {
        Some(Side::Held(f)) => totals[*f as usize] += sign * km2,
        Some(Side::Contested(_)) => totals[factions] += sign * km2,
        None => {}
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
            apply(&mut totals, e.from.map(|f| &sides[f]), -1.0, km2);
            apply(&mut totals, e.to.map(|t| &sides[t]), 1.0, km2);
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

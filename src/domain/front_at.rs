//! Queries of the front at an instant and of what changed hands between two: the front line,
//! the front zone (contested districts) and each side's gains and losses.

use super::borders::Border;
use super::geometry::Bbox;
use super::index::{Index, Side};
use super::model::Status;
use super::time::Instant;

/// A stretch of front at one instant: a border whose two districts are held by different sides.
#[derive(Debug, Clone, Copy)]
pub struct FrontSegment<'a> {
    pub border: &'a Border,
    pub state_a: usize,
    pub state_b: usize,
}

/// Area a side gained and lost over a range of hand-overs, km².
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GainLoss {
    pub gained_km2: f64,
    pub lost_km2: f64,
}

impl Index {
    /// Borders between districts held by hostile sides at `t` (see [`Index::hostile`]).
    /// Districts with no state at `t` have no front.
    pub fn frontline(&self, t: Instant, bbox: Option<&Bbox>) -> Vec<FrontSegment<'_>> {
        let borders = self.borders();
        let picked: Vec<&Border> = match bbox {
            Some(Bbox(r)) => self
                .borders_in(r)
                .into_iter()
                .map(|b| &borders[b as usize])
                .collect(),
            None => borders.iter().collect(),
        };
        picked
            .into_iter()
            .filter_map(|border| {
                let state_a = self.state_at(border.a, t)?;
                let state_b = self.state_at(border.b, t)?;
                self.hostile(&self.states[state_a].side(), &self.states[state_b].side())
                    .then_some(FrontSegment {
                        border,
                        state_a,
                        state_b,
                    })
            })
            .collect()
    }

    /// Districts contested at `t` (in `bbox`): the front zone.
    #[must_use]
    pub fn front_zone(&self, t: Instant, bbox: Option<&Bbox>) -> Vec<u32> {
        self.districts_in(bbox)
            .into_iter()
            .filter(|&d| {
                self.state_at(d, t)
                    .is_some_and(|s| self.states[s].status == Status::Contested)
            })
            .collect()
    }

    /// Per faction (indexed like `factions`) and for contested (last), the area gained and lost
    /// through the hand-overs in `(from, to]`.
    #[must_use]
    pub fn gains_and_losses(&self, from: Instant, to: Instant) -> Vec<GainLoss> {
        let mut totals = vec![GainLoss::default(); self.factions.len() + 1];
        let bucket = |s: usize| match self.states[s].side() {
            Side::Held(f) => f as usize,
            Side::Contested(_) => self.factions.len(),
        };
        for e in self.timeline().handovers(from, to) {
            let km2 = self.districts[e.district as usize].area_km2;
            if let Some(f) = e.from {
                totals[bucket(f)].lost_km2 += km2;
            }
            if let Some(t) = e.to {
                totals[bucket(t)].gained_km2 += km2;
            }
        }
        totals
    }
}

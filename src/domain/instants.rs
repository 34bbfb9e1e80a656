//! Every instant at which the knowledge in an index changed (a state recorded or superseded),
//! for finding which change a `known_at` falls after: views of the map as known at any two
//! instants between the same two changes are the same view.

use std::sync::Arc;

use super::index::StateEntry;
use super::time::Instant;

/// Recent instants kept unsorted beside the sorted ones before they are merged in.
const RECENT_KEPT: usize = 4096;

/// Sorted distinct instants, and those added since (edits, a few each), shared by cloning.
#[derive(Debug, Clone, Default)]
pub struct Instants {
    sorted: Arc<Vec<i64>>,
    recent: Arc<Vec<i64>>,
}

impl Instants {
    /// The instants of these states: each one's recording and, if any, its superseding.
    ///
    /// # Runtime
    /// O(s log s) for s states.
    pub fn of<'a>(states: impl Iterator<Item = &'a StateEntry>) -> Self {
        let mut sorted: Vec<i64> = Vec::new();
        for s in states {
            sorted.push(s.recorded_at.0);
            if let Some(u) = s.superseded_at {
                sorted.push(u.0);
            }
        }
        Self::sorted(sorted)
    }

    fn sorted(mut all: Vec<i64>) -> Self {
        all.sort_unstable();
        all.dedup();
        Self {
            sorted: Arc::new(all),
            recent: Arc::default(),
        }
    }

    /// These instants and `more`.
    ///
    /// # Runtime
    /// O(recent) usually; O(all) once every `RECENT_KEPT` additions, to merge.
    #[must_use]
    pub fn with(&self, more: impl IntoIterator<Item = Instant>) -> Self {
        let mut recent = self.recent.as_ref().clone();
        recent.extend(more.into_iter().map(|u| u.0));
        if recent.len() <= RECENT_KEPT {
            return Self {
                sorted: self.sorted.clone(),
                recent: Arc::new(recent),
            };
        }
        let mut all = self.sorted.as_ref().clone();
        all.extend(recent);
        Self::sorted(all)
    }

    /// The latest instant.
    #[must_use]
    pub fn latest(&self) -> Option<Instant> {
        let recent = self.recent.iter().copied().max();
        self.sorted.last().copied().max(recent).map(Instant)
    }

    /// The latest instant at or before `t`.
    #[must_use]
    pub fn at_or_before(&self, t: Instant) -> Option<Instant> {
        let n = self.sorted.partition_point(|&u| u <= t.0);
        let sorted = n.checked_sub(1).map(|i| self.sorted[i]);
        let recent = self.recent.iter().copied().filter(|&u| u <= t.0).max();
        sorted.max(recent).map(Instant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_last_change_at_or_before_an_instant_across_merges() {
        let mut instants = Instants::default();
        assert_eq!(instants.latest(), None);
        assert_eq!(instants.at_or_before(Instant(5)), None);
        // Added out of order and repeated, past the point where they are merged.
        let added: Vec<i64> = (0..3 * RECENT_KEPT as i64)
            .map(|i| (i * 7919) % 10_007 * 2)
            .collect();
        for (k, chunk) in added.chunks(3).enumerate() {
            instants = instants.with(chunk.iter().map(|&u| Instant(u)));
            let seen = &added[..(k + 1) * 3];
            for probe in [chunk[0] + 1, chunk[0] - 1, 20_014] {
                let want = seen.iter().copied().filter(|&u| u <= probe).max();
                assert_eq!(instants.at_or_before(Instant(probe)).map(|u| u.0), want);
            }
            assert_eq!(instants.latest().map(|u| u.0), seen.iter().copied().max());
        }
        assert_eq!(instants.at_or_before(Instant(-1)), None);
    }
}

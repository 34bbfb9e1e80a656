//! The states of every district, one shared slice per district, the slices grouped in shared
//! blocks: an edit of one district replaces its slice and its block and shares the rest, so
//! deriving the index after an edit touches one block of slices, not every district's, and no
//! state. Positions are global (district order, then time), as in one flat table.

use std::sync::Arc;

use super::index::StateEntry;

/// Districts per block: an edit copies one block of slice pointers and the list of blocks.
const BLOCK: usize = 256;

type Slice = Arc<[StateEntry]>;

/// A block of districts' slices, with the last instant each one's knowledge changed.
#[derive(Debug, Clone, Default)]
struct Block {
    slices: Vec<Slice>,
    /// Per district: the latest `recorded_at` or `superseded_at` of its states (`i64::MIN`: none).
    changed: Vec<i64>,
}

impl Block {
    fn of(slices: &[Slice]) -> Self {
        Self {
            slices: slices.to_vec(),
            changed: slices.iter().map(|s| last_change(s)).collect(),
        }
    }
}

fn last_change(states: &[StateEntry]) -> i64 {
    states
        .iter()
        .map(|s| {
            s.superseded_at
                .unwrap_or(s.recorded_at)
                .0
                .max(s.recorded_at.0)
        })
        .max()
        .unwrap_or(i64::MIN)
}

#[derive(Debug, Clone, Default)]
pub struct StateTable {
    /// District `d`'s states are `blocks[d / BLOCK].slices[d % BLOCK]`.
    blocks: Arc<Vec<Arc<Block>>>,
    /// `offsets[d]` is the position of district `d`'s first state; the last is the count.
    offsets: Arc<Vec<u32>>,
    /// The district of each position.
    owner: Arc<Vec<u32>>,
}

impl StateTable {
    /// A table of `states`, sorted by district, for `districts` districts.
    #[must_use]
    pub fn from_sorted(states: Vec<StateEntry>, districts: usize) -> Self {
        let mut chunks: Vec<Vec<StateEntry>> = (0..districts).map(|_| Vec::new()).collect();
        for s in states {
            chunks[s.district as usize].push(s);
        }
        Self::assemble(chunks.into_iter().map(Arc::from).collect())
    }

    fn assemble(slices: Vec<Slice>) -> Self {
        let mut offsets = Vec::with_capacity(slices.len() + 1);
        let mut owner = Vec::new();
        let mut at = 0u32;
        for (d, c) in slices.iter().enumerate() {
            offsets.push(at);
            at += u32::try_from(c.len()).expect("fewer than 2^32 states");
            owner.extend(std::iter::repeat_n(d as u32, c.len()));
        }
        offsets.push(at);
        let blocks = slices
            .chunks(BLOCK)
            .map(|b| Arc::new(Block::of(b)))
            .collect();
        Self {
            blocks: Arc::new(blocks),
            offsets: Arc::new(offsets),
            owner: Arc::new(owner),
        }
    }

    /// The table with district `d`'s states replaced by `states` (sorted); the others shared.
    ///
    /// # Runtime
    /// O(districts / BLOCK + BLOCK), plus a copy of the positions when the count changes.
    #[must_use]
    pub fn with_district(&self, d: usize, states: Vec<StateEntry>) -> Self {
        let (old, new) = (self.district(d).len(), states.len());
        let mut block = self.blocks[d / BLOCK].as_ref().clone();
        block.changed[d % BLOCK] = last_change(&states);
        block.slices[d % BLOCK] = Arc::from(states);
        let mut blocks = self.blocks.as_ref().clone();
        blocks[d / BLOCK] = Arc::new(block);
        let blocks = Arc::new(blocks);
        if old == new {
            // Positions are unchanged: share them.
            return Self {
                blocks,
                offsets: self.offsets.clone(),
                owner: self.owner.clone(),
            };
        }
        // Shift the positions after `d`, and splice `d`'s run of owners.
        let grown = |at: u32| {
            u32::try_from(i64::from(at) + new as i64 - old as i64).expect("fewer than 2^32 states")
        };
        let mut offsets = self.offsets.as_ref().clone();
        for at in &mut offsets[d + 1..] {
            *at = grown(*at);
        }
        let start = self.offsets[d] as usize;
        let mut owner = Vec::with_capacity(self.owner.len() - old + new);
        owner.extend_from_slice(&self.owner[..start]);
        owner.extend(std::iter::repeat_n(d as u32, new));
        owner.extend_from_slice(&self.owner[start + old..]);
        Self {
            blocks,
            offsets: Arc::new(offsets),
            owner: Arc::new(owner),
        }
    }

    /// The table with each district's states replaced by what `change` gives for them (`None`:
    /// shared as they are).
    #[must_use]
    pub fn map_districts(&self, mut change: impl FnMut(usize) -> Option<Vec<StateEntry>>) -> Self {
        let slices = self
            .slices()
            .enumerate()
            .map(|(d, c)| change(d).map_or_else(|| c.clone(), Arc::from))
            .collect();
        Self::assemble(slices)
    }

    fn slices(&self) -> impl DoubleEndedIterator<Item = &Slice> + '_ {
        self.blocks.iter().flat_map(|b| b.slices.iter())
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.owner.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.owner.is_empty()
    }

    /// District `d`'s states.
    #[must_use]
    pub fn district(&self, d: usize) -> &[StateEntry] {
        self.blocks
            .get(d / BLOCK)
            .and_then(|b| b.slices.get(d % BLOCK))
            .map_or(&[], |c| c)
    }

    /// The last instant district `d`'s states were recorded or superseded; `None` if it has
    /// none.
    #[must_use]
    pub fn changed(&self, d: usize) -> Option<super::time::Instant> {
        let at = self.blocks.get(d / BLOCK)?.changed[d % BLOCK];
        (at > i64::MIN).then_some(super::time::Instant(at))
    }

    /// The position of district `d`'s first state.
    #[must_use]
    pub fn offset(&self, d: usize) -> usize {
        self.offsets[d] as usize
    }

    /// Every district's first position, and the count last.
    #[must_use]
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// [`offsets`](Self::offsets), shared: to keep an earlier table's positions cheaply.
    #[must_use]
    pub fn shared_offsets(&self) -> Arc<Vec<u32>> {
        self.offsets.clone()
    }

    /// Every state in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &StateEntry> + '_ {
        self.slices().flat_map(|c| c.iter())
    }
}

impl std::ops::Index<usize> for StateTable {
    type Output = StateEntry;

    fn index(&self, position: usize) -> &StateEntry {
        let d = self.owner[position] as usize;
        &self.blocks[d / BLOCK].slices[d % BLOCK][position - self.offsets[d] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Confidence, Status};
    use crate::domain::time::{Instant, Interval};

    fn state(district: u32, from: i64) -> StateEntry {
        StateEntry {
            district,
            status: Status::Held,
            factions: Arc::from(vec![0u16]),
            interval: Interval {
                from: Instant(from),
                to: None,
            },
            confidence: Confidence::Confirmed,
            sources: Arc::from(Vec::new()),
            note: Arc::from(""),
            id: from,
            recorded_at: Instant(0),
            superseded_at: None,
        }
    }

    /// Every position of `table` is where a table built afresh from the same states puts it.
    fn same_as_fresh(table: &StateTable, districts: usize) {
        let all: Vec<StateEntry> = table.iter().cloned().collect();
        let fresh = StateTable::from_sorted(all, districts);
        assert_eq!(table.offsets(), fresh.offsets());
        assert_eq!(table.len(), fresh.len());
        for p in 0..fresh.len() {
            assert_eq!(
                (table[p].district, table[p].id),
                (fresh[p].district, fresh[p].id)
            );
        }
    }

    #[test]
    fn replacing_a_district_keeps_positions_as_a_fresh_build_would() {
        // Three blocks, the last one partial; every third district has three states.
        let n = 2 * BLOCK + 5;
        let states: Vec<StateEntry> = (0..n as u32)
            .filter(|d| d % 3 == 0)
            .flat_map(|d| (0..3).map(move |k| state(d, i64::from(d) * 10 + k)))
            .collect();
        let table = StateTable::from_sorted(states, n);
        same_as_fresh(&table, n);
        // Grown, shrunk to nothing, the same count, and a district that had none in the last block.
        let grown = table.with_district(3, (0..5).map(|k| state(3, 100_000 + k)).collect());
        same_as_fresh(&grown, n);
        assert_eq!(grown.offset(6), 3 + 5);
        let emptied = grown.with_district(0, Vec::new());
        same_as_fresh(&emptied, n);
        let mut later = state(1, 7);
        later.superseded_at = Some(Instant(9));
        let changed = emptied.with_district(1, vec![later]);
        assert_eq!(
            (emptied.changed(0), emptied.changed(3), changed.changed(1)),
            (None, Some(Instant(0)), Some(Instant(9)))
        );
        assert_eq!(emptied.offset(3), 0);
        let d = BLOCK + 2 - (BLOCK + 2) % 3;
        let same = emptied.with_district(d, (0..3).map(|k| state(d as u32, 200_000 + k)).collect());
        same_as_fresh(&same, n);
        assert_eq!(same[same.offset(d)].id, 200_000);
        assert_eq!(same.district(d)[2].id, 200_002);
        let last = same.with_district(n - 1, vec![state(n as u32 - 1, 300_000)]);
        same_as_fresh(&last, n);
        assert_eq!(last[last.len() - 1].id, 300_000);
        assert!(last.district(n).is_empty());
        // The tables derived from are unchanged.
        same_as_fresh(&table, n);
        assert_eq!(table.district(3)[0].id, 30);
    }
}

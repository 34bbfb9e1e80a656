//! The states of every district, one shared slice per district: an edit of one district replaces
//! its slice and shares the others, so deriving the index after an edit costs O(districts), not
//! O(states). Positions are global (district order, then time), as in one flat table.

use std::sync::Arc;

use super::index::StateEntry;

#[derive(Debug, Clone, Default)]
pub struct StateTable {
    chunks: Arc<Vec<Arc<[StateEntry]>>>,
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

    fn assemble(chunks: Vec<Arc<[StateEntry]>>) -> Self {
        let mut offsets = Vec::with_capacity(chunks.len() + 1);
        let mut owner = Vec::new();
        let mut at = 0u32;
        for (d, c) in chunks.iter().enumerate() {
            offsets.push(at);
            at += u32::try_from(c.len()).expect("fewer than 2^32 states");
            owner.extend(std::iter::repeat_n(d as u32, c.len()));
        }
        offsets.push(at);
        Self {
            chunks: Arc::new(chunks),
            offsets: Arc::new(offsets),
            owner: Arc::new(owner),
        }
    }

    /// The table with district `d`'s states replaced by `states` (sorted); the others shared.
    #[must_use]
    pub fn with_district(&self, d: usize, states: Vec<StateEntry>) -> Self {
        let mut chunks = self.chunks.as_ref().clone();
        chunks[d] = Arc::from(states);
        Self::assemble(chunks)
    }

    /// The table with each district's states replaced by what `change` gives for them (`None`:
    /// shared as they are).
    #[must_use]
    pub fn map_districts(&self, mut change: impl FnMut(usize) -> Option<Vec<StateEntry>>) -> Self {
        let chunks = self
            .chunks
            .iter()
            .enumerate()
            .map(|(d, c)| change(d).map_or_else(|| c.clone(), Arc::from))
            .collect();
        Self::assemble(chunks)
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
        self.chunks.get(d).map_or(&[], |c| c)
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

    /// Every state in position order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &StateEntry> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }
}

impl std::ops::Index<usize> for StateTable {
    type Output = StateEntry;

    fn index(&self, position: usize) -> &StateEntry {
        let d = self.owner[position] as usize;
        &self.chunks[d][position - self.offsets[d] as usize]
    }
}

//! What an import changes, worked out the same way for every store: a state identical to one
//! believed so far is the same fact and keeps its row; the others believed are superseded, and
//! the data set's states without a match are recorded.

use std::collections::HashMap;

use super::events::Changes;
use super::load::RowInfo;
use crate::domain::model::ControlState;

/// The states an import records and the rows it supersedes.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    pub new: Vec<&'a ControlState>,
    /// Row ids, in order.
    pub dropped: Vec<i64>,
}

impl<'a> Plan<'a> {
    /// Compares `incoming` with the states `believed` (with their rows).
    pub fn new(believed: Vec<(ControlState, RowInfo)>, incoming: &'a [ControlState]) -> Self {
        let mut rows: HashMap<String, Vec<i64>> = HashMap::new();
        for (state, row) in believed {
            rows.entry(state_key(&state)).or_default().push(row.id);
        }
        let new = incoming
            .iter()
            .filter(|s| rows.get_mut(&state_key(s)).and_then(Vec::pop).is_none())
            .collect();
        let mut dropped: Vec<i64> = rows.into_values().flatten().collect();
        dropped.sort_unstable();
        Self { new, dropped }
    }

    /// The comment of the import's edit, or `None` when it changes nothing (and records no edit),
    /// `others` being what it changes of events and sites.
    pub fn comment(&self, others: &Changes) -> Option<String> {
        (!self.new.is_empty() || !self.dropped.is_empty() || !others.is_empty()).then(|| {
            format!(
                "import: {} state(s) recorded, {} superseded; {}",
                self.new.len(),
                self.dropped.len(),
                others.describe()
            )
        })
    }
}

/// Identity of a state's content: a re-imported state with the same key is the same fact.
pub(crate) fn state_key(s: &ControlState) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{:?}\u{1f}{}\u{1f}{}\u{1f}{}",
        s.district,
        s.status,
        s.factions.join(";"),
        s.valid_from.0,
        s.valid_to.map(|t| t.0),
        s.confidence,
        s.sources.join(";"),
        s.note
    )
}

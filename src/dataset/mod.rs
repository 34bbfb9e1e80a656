//! The data set directory format: `factions.csv`, `sources.csv`, `districts.geojson` and
//! `control.csv` (documented in the README). Reading parses and validates every file and reports
//! every problem at once; writing produces the canonical form, so read → write → read → write is
//! byte-identical.

pub mod context;
mod events;
pub mod read;
mod write;

pub use crate::domain::model::{
    Confidence, ControlState, Dataset, District, Faction, Source, Status,
};
pub use crate::domain::time::Instant;
pub use crate::domain::validate::{Issue, Locations, validate as validate_with};
pub use events::read_only as read_events;
pub use read::read_dir;
pub use write::{write_dir, write_districts};

use std::fmt;

/// The header of each CSV file, in order. The last [`FACTION_OPTIONAL`] / [`SOURCE_OPTIONAL`]
/// columns may be left out (from the end), so older data sets still read.
pub(crate) const FACTION_COLUMNS: [&str; 4] = ["id", "name", "color", "alliance"];
pub(crate) const FACTION_OPTIONAL: usize = 1;
pub(crate) const SOURCE_COLUMNS: [&str; 7] = [
    "id",
    "title",
    "publisher",
    "published",
    "url",
    "kind",
    "note",
];
pub(crate) const SOURCE_OPTIONAL: usize = 2;
pub(crate) const CONTROL_COLUMNS: [&str; 8] = [
    "district",
    "status",
    "factions",
    "valid_from",
    "valid_to",
    "confidence",
    "sources",
    "note",
];

/// How many problems a message lists; the rest are counted.
const SHOWN: usize = 100;

/// Every problem found in a data set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Invalid(pub Vec<Issue>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the data set has {} problem(s):", self.0.len())?;
        for issue in self.0.iter().take(SHOWN) {
            writeln!(f, "  {issue}")?;
        }
        if self.0.len() > SHOWN {
            writeln!(
                f,
                "  … and {} more (the first {SHOWN} are shown: fix those and read again)",
                self.0.len() - SHOWN
            )?;
        }
        Ok(())
    }
}

/// Validates a data set built in memory, locating problems by record order.
///
/// # Errors
/// Every problem found.
pub fn validate(dataset: &Dataset) -> Result<(), Invalid> {
    validate_with(dataset, &Locations::default()).map_err(Invalid)
}

//! The domain: time, districts and their control states, validation, the spatio-temporal index,
//! and front-line and area maths. No I/O, no HTTP, no SQL.

pub mod blocks;
pub mod borders;
pub mod changes;
pub mod edit;
pub mod events;
pub mod front_at;
pub mod fronts;
pub mod gaps;
pub mod generalise;
pub mod geometry;
pub mod index;
pub mod instants;
pub mod knowledge;
pub mod limits;
pub mod merge;
pub mod meta;
pub mod model;
pub mod opening;
pub mod regions;
pub mod simplify;
pub mod state_table;
pub mod synth;
pub mod tiles;
pub mod time;
pub mod validate;
pub mod validate_meta;
pub mod validity;

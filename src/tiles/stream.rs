//! The control history as a compact binary stream: every hand-over of every district, time-sorted,
//! with the side before and after, so a map can replay it forwards or backwards to any instant
//! without another request. The byte layout (all little-endian) is:
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 4 | ASCII `FLSS` |
//! | 4 | 2 | u16 version, 1 |
//! | 6 | 2 | u16, 0 |
//! | 8 | 4 | u32 district count D (district `i` is the `i`-th of `/api/districts`, MVT feature id `i`) |
//! | 12 | 4 | u32 faction count F (faction `j` is the `j`-th of `/api/factions`) |
//! | 16 | 4 | u32 contested-side count C |
//! | 20 | 4 | u32 record count N |
//! | 24 | 8 | f64 data revision |
//! | 32 | … | C contested sides: u16 k, then k × u16 faction indices; zero bytes up to a multiple of 8 |
//! | … | 16 × N | records: f64 instant (ms since 1970-01-01 UTC), u32 district, u16 side before, u16 side after |
//!
//! A side is 0 for no state (unknown), `1 + j` for held by faction `j`, `1 + F + c` for the `c`-th
//! contested side. Records are sorted by instant, then district; a record at `t` takes effect at
//! `t` (intervals are half-open), and a new state of the same side is not a record.

use std::collections::HashMap;

use crate::domain::index::{Index, Side};

/// The media type of the stream.
pub const MEDIA_TYPE: &str = "application/vnd.frontline.states";

/// The whole stream of `index`.
#[must_use]
pub fn encode(index: &Index) -> Vec<u8> {
    let factions = index.factions.len();
    let mut contested: HashMap<Box<[u16]>, u16> = HashMap::new();
    let mut table: Vec<Box<[u16]>> = Vec::new();
    let mut code = |state: Option<usize>| -> u16 {
        let Some(s) = state else { return 0 };
        match index.states[s].side() {
            Side::Held(f) => 1 + f,
            Side::Contested(list) => {
                let next = table.len();
                let c = *contested.entry(list.clone()).or_insert_with(|| {
                    table.push(list);
                    u16::try_from(next).expect("fewer than 65,536 contested sides")
                });
                1 + u16::try_from(factions).expect("fewer than 65,536 factions") + c
            }
        }
    };
    let records: Vec<(f64, u32, u16, u16)> = index
        .timeline()
        .events
        .iter()
        .filter(|e| e.handover)
        .map(|e| {
            #[allow(clippy::cast_precision_loss)]
            let at = e.at.0 as f64;
            (at, e.district, code(e.from), code(e.to))
        })
        .collect();
    let u32_of = |n: usize| u32::try_from(n).expect("counts fit in 32 bits");
    let mut out = Vec::with_capacity(40 + 16 * records.len());
    out.extend_from_slice(b"FLSS");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&u32_of(index.districts.len()).to_le_bytes());
    out.extend_from_slice(&u32_of(factions).to_le_bytes());
    out.extend_from_slice(&u32_of(table.len()).to_le_bytes());
    out.extend_from_slice(&u32_of(records.len()).to_le_bytes());
    #[allow(clippy::cast_precision_loss)]
    out.extend_from_slice(&(index.revision as f64).to_le_bytes());
    for side in &table {
        out.extend_from_slice(
            &u16::try_from(side.len())
                .expect("few factions")
                .to_le_bytes(),
        );
        for f in side.iter() {
            out.extend_from_slice(&f.to_le_bytes());
        }
    }
    out.resize(out.len().div_ceil(8) * 8, 0);
    for (at, district, before, after) in records {
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&district.to_le_bytes());
        out.extend_from_slice(&before.to_le_bytes());
        out.extend_from_slice(&after.to_le_bytes());
    }
    out
}

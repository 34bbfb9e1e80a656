//! A period's events as the web map draws them, in a compact binary form: where each is, its days,
//! kind, grade, responsible side and largest figure, and its id, as columns a browser reads into
//! typed arrays without parsing. A month of a country-wide data set is a few thousand events:
//! about 50 bytes each here, against about 240 as GeoJSON with the same properties. The byte
//! layout (all little-endian) is:
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 4 | ASCII `FLEV` |
//! | 4 | 2 | u16 version, 1 |
//! | 6 | 2 | u16, 0 |
//! | 8 | 4 | u32 event count N |
//! | 12 | 4 | u32 byte length L of the ids |
//! | 16 | … | three name lists, kinds, grades and responsible sides: each a u16 count k, then k × (u8 byte length, UTF-8 name); zero bytes up to a multiple of 8 |
//! | … | 8 × N | f64 longitude |
//! | … | 8 × N | f64 latitude |
//! | … | 8 × N | f64 largest figure (NaN: no figure) |
//! | … | 4 × N | i32 first day (days since 1970-01-01) |
//! | … | 4 × N | i32 last day (the same for a one-day event) |
//! | … | 4 × N | u32 end of each id in the ids (bytes; the first starts at 0) |
//! | … | 2 × N | u16 responsible: 0 for none, else 1 + its place in the sides list |
//! | … | N | u8 kind: its place in the kinds list |
//! | … | N | u8 grade: its place in the grades list |
//! | … | L | the ids, one after the other (ASCII) |
//!
//! Events come in the order of `/api/events`: by first day, then id. The kinds and grades lists
//! are every kind and grade there is, in the order `docs/events.md` gives them; the sides list
//! holds the responsible factions' ids in the order they first occur.

use crate::domain::events::{EventEntry, EventKind, Grade};

/// The media type of the stream.
pub const MEDIA_TYPE: &str = "application/vnd.frontline.events";

const DAY_MS: i64 = 86_400_000;

/// The stream of `events`, which are in `/api/events` order.
///
/// # Panics
/// When there are 2³² bytes of ids or 65,535 responsible sides: no data set comes near.
/// Ids and keywords are at most 100 characters (`ID_FORM`).
#[must_use]
pub fn encode(events: &[&EventEntry]) -> Vec<u8> {
    let n = events.len();
    let mut sides: Vec<&str> = Vec::new();
    let responsible: Vec<u16> = events
        .iter()
        .map(|e| {
            e.event().responsible.as_deref().map_or(0, |r| {
                let at = sides.iter().position(|s| *s == r).unwrap_or_else(|| {
                    sides.push(r);
                    sides.len() - 1
                });
                1 + u16::try_from(at).expect("fewer than 65,535 responsible sides")
            })
        })
        .collect();
    let ids: usize = events.iter().map(|e| e.event().id.len()).sum();
    let u32_of = |k: usize| u32::try_from(k).expect("counts fit in 32 bits");

    let mut out = Vec::with_capacity(256 + n * 36 + ids);
    out.extend_from_slice(b"FLEV");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&u32_of(n).to_le_bytes());
    out.extend_from_slice(&u32_of(ids).to_le_bytes());
    names(&mut out, EventKind::ALL.iter().map(|k| k.as_str()));
    names(&mut out, Grade::ALL.iter().map(|g| g.as_str()));
    names(&mut out, sides.iter().copied());
    out.resize(out.len().div_ceil(8) * 8, 0);

    let column = |out: &mut Vec<u8>, f: &dyn Fn(&EventEntry) -> [u8; 8]| {
        for e in events {
            out.extend_from_slice(&f(e));
        }
    };
    column(&mut out, &|e| e.event().lon.to_le_bytes());
    column(&mut out, &|e| e.event().lat.to_le_bytes());
    #[expect(
        clippy::cast_precision_loss,
        reason = "figures are counts of people, far below 2^53"
    )]
    column(&mut out, &|e| {
        e.event()
            .largest()
            .map_or(f64::NAN, |v| v as f64)
            .to_le_bytes()
    });
    let day = |t: i64| -> [u8; 4] {
        i32::try_from(t.div_euclid(DAY_MS))
            .expect("days since 1970 fit in 32 bits")
            .to_le_bytes()
    };
    for e in events {
        out.extend_from_slice(&day(e.event().date_start.0.0));
    }
    for e in events {
        out.extend_from_slice(&day(e.event().date_end.0.0));
    }
    let mut end = 0;
    for e in events {
        end += e.event().id.len();
        out.extend_from_slice(&u32_of(end).to_le_bytes());
    }
    for r in responsible {
        out.extend_from_slice(&r.to_le_bytes());
    }
    let code = |at: Option<usize>| {
        u8::try_from(at.expect("every kind and grade is listed"))
            .expect("fewer than 256 kinds and grades")
    };
    for e in events {
        out.push(code(
            EventKind::ALL.iter().position(|k| *k == e.event().kind),
        ));
    }
    for e in events {
        out.push(code(Grade::ALL.iter().position(|g| *g == e.event().grade)));
    }
    for e in events {
        out.extend_from_slice(e.event().id.as_bytes());
    }
    out
}

/// A name list: its count, then each name's byte length and bytes.
fn names<'a>(out: &mut Vec<u8>, list: impl ExactSizeIterator<Item = &'a str>) {
    let count = u16::try_from(list.len()).expect("fewer than 65,536 names");
    out.extend_from_slice(&count.to_le_bytes());
    for name in list {
        out.push(u8::try_from(name.len()).expect("ids and keywords are at most 100 characters"));
        out.extend_from_slice(name.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_period_is_a_header_and_the_name_lists() {
        let out = encode(&[]);
        assert_eq!(&out[..4], b"FLEV");
        assert_eq!(u32::from_le_bytes(out[8..12].try_into().unwrap()), 0);
        assert_eq!(out.len() % 8, 0, "the columns start on an 8-byte boundary");
        let kinds = u16::from_le_bytes(out[16..18].try_into().unwrap());
        assert_eq!(usize::from(kinds), EventKind::ALL.len());
        assert_eq!(out[18], 15, "offensive_start");
        assert_eq!(&out[19..34], b"offensive_start");
    }
}

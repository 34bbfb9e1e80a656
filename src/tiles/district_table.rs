//! The district list the web map starts from, in binary: each district's box, label point, area,
//! id, name and other names, in the order of `/api/districts` (district `i` is MVT feature id `i`
//! and district `i` of the state stream). At 50,000 districts the GeoJSON list is 11.8 MB that a
//! page parses on its main thread in 70–100 ms; this is 3.8 MB, decoded in 20–50 ms (most of it
//! the names, as a JSON array of strings). The byte layout (all little-endian) is:
//!
//! | offset | size | content |
//! |---|---|---|
//! | 0 | 4 | ASCII `FLDL` |
//! | 4 | 2 | u16 version, 1 |
//! | 6 | 2 | u16, 0 |
//! | 8 | 4 | u32 district count D |
//! | 12 | 4 | u32 text length T, bytes |
//! | 16 | 16 × D | i32 west, south, east, north: the box in 10⁻⁶ degrees, west and south rounded down, east and north up, so it holds the district |
//! | 16 + 16D | 8 × D | i32 longitude, latitude of the label point (inside the district; the box's centre for an empty outline), 10⁻⁶ degrees, rounded |
//! | 16 + 24D | 4 × D | f32 geodesic area, km² |
//! | 16 + 28D | 2 × D | u16 how many other names (`alt_names`) the district has; zero bytes up to a multiple of 4 |
//! | … | T | UTF-8 JSON array of strings: for each district in order its id, its name, then its other names |

use serde_json::to_vec;

use crate::domain::index::Index;

/// The media type of the table.
pub const MEDIA_TYPE: &str = "application/vnd.frontline.districts";

/// Degrees to the table's units, 10⁻⁶ degrees (11 cm at most), as the GeoJSON list rounds.
const UNITS: f64 = 1e6;

/// The table of every district of `index`.
///
/// # Panics
/// Never for a valid data set: coordinates are within ±180° and counts fit in 32 bits.
#[must_use]
pub fn encode(index: &Index) -> Vec<u8> {
    let districts: &[_] = &index.districts;
    let fixed = |deg: f64, round: fn(f64) -> f64| -> [u8; 4] {
        #[allow(clippy::cast_possible_truncation)]
        let v = round(deg * UNITS) as i32;
        v.to_le_bytes()
    };
    let mut text: Vec<&str> = Vec::with_capacity(2 * districts.len());
    let mut out = Vec::with_capacity(16 + 32 * districts.len());
    out.extend_from_slice(b"FLDL");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    let count = u32::try_from(districts.len()).expect("fewer than 2^32 districts");
    out.extend_from_slice(&count.to_le_bytes());
    let length_at = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    for d in districts {
        let (lo, hi) = (d.envelope.min(), d.envelope.max());
        out.extend_from_slice(&fixed(lo.x, f64::floor));
        out.extend_from_slice(&fixed(lo.y, f64::floor));
        out.extend_from_slice(&fixed(hi.x, f64::ceil));
        out.extend_from_slice(&fixed(hi.y, f64::ceil));
    }
    for d in districts {
        let (lo, hi) = (d.envelope.min(), d.envelope.max());
        let (x, y) = d
            .label
            .map_or(((lo.x + hi.x) / 2.0, (lo.y + hi.y) / 2.0), |p| (p.x, p.y));
        out.extend_from_slice(&fixed(x, f64::round));
        out.extend_from_slice(&fixed(y, f64::round));
    }
    for d in districts {
        #[allow(clippy::cast_possible_truncation)]
        out.extend_from_slice(&(d.area_km2 as f32).to_le_bytes());
    }
    for d in districts {
        let alts = u16::try_from(d.district.alt_names.len()).expect("fewer than 65,536 names");
        out.extend_from_slice(&alts.to_le_bytes());
        text.push(&d.district.id);
        text.push(&d.district.name);
        text.extend(d.district.alt_names.iter().map(String::as_str));
    }
    out.resize(out.len().div_ceil(4) * 4, 0);
    let text = to_vec(&text).expect("strings serialise");
    let length = u32::try_from(text.len()).expect("the text is under 4 GiB");
    out[length_at..length_at + 4].copy_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&text);
    out
}

//! The GeoJSON timeline: every control state as an RFC 7946 Feature with its interval, one feature
//! per line, in district then time order.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::records::{ControlRecord, control_records};
use crate::domain::index::Index;

#[derive(Serialize)]
struct Feature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    properties: &'a ControlRecord<'a>,
    geometry: &'a RawValue,
}

/// Writes the timeline. Geometries are the districts' pre-serialised GeoJSON (RFC 7946 ring
/// orientation, normalised on import); `valid_to` is `null` while a state still holds.
///
/// # Errors
/// Any I/O error of `out`.
///
/// # Runtime
/// O(s) for s states; streams, holding one feature at a time.
pub fn write_geojson(index: &Index, out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, record) in control_records(index).enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        let feature = Feature {
            kind: "Feature",
            id: &record.id,
            properties: &record,
            geometry: &index.districts[record.district_index as usize].geometry_json,
        };
        serde_json::to_writer(&mut *out, &feature)?;
    }
    out.write_all(b"\n]}\n")
}

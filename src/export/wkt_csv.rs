//! CSV of the `control` layer: one row per control state, the district geometry as WKT in the first
//! column (GDAL's CSV driver reads a column named `WKT` as the geometry), RFC 4180 quoting.

use std::fmt::Write as _;
use std::io::{self, Write};

use geo::{Geometry, LineString, Polygon};

use super::records::{control_records, flat_list};
use crate::domain::index::Index;
use crate::domain::time::Instant;

/// The header, in order. Lists (`factions`, `sources`) are `;`-joined; an open `valid_to` is empty.
pub const CSV_COLUMNS: [&str; 12] = [
    "WKT",
    "id",
    "district",
    "name",
    "status",
    "faction",
    "factions",
    "valid_from",
    "valid_to",
    "confidence",
    "sources",
    "note",
];

/// Writes the CSV, CRLF-terminated as RFC 4180 says.
///
/// # Errors
/// Any I/O error of `out`.
///
/// # Runtime
/// O(s) for s states, plus one WKT rendering per district.
pub fn write_csv(index: &Index, out: &mut impl Write) -> io::Result<()> {
    let wkt: Vec<String> = index
        .districts
        .iter()
        .map(|d| to_wkt(&d.district.geometry))
        .collect();
    let mut csv = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    csv.write_record(CSV_COLUMNS)?;
    for r in control_records(index) {
        csv.write_record([
            wkt[r.district_index as usize].as_str(),
            &r.id,
            r.district,
            r.name,
            r.status,
            r.faction.unwrap_or_default(),
            &flat_list(&r.factions),
            &r.valid_from.to_rfc3339(),
            &r.valid_to.map(Instant::to_rfc3339).unwrap_or_default(),
            r.confidence,
            &flat_list(&r.sources),
            r.note,
        ])?;
    }
    csv.flush()
}

/// A district geometry as WKT, always `MULTIPOLYGON (((x y, …)))` (one type for the layer), lon
/// lat order.
#[must_use]
pub fn to_wkt(geometry: &Geometry<f64>) -> String {
    let mut s = String::new();
    match geometry {
        Geometry::Polygon(p) => {
            s.push_str("MULTIPOLYGON (");
            polygon(&mut s, p);
            s.push(')');
        }
        Geometry::MultiPolygon(mp) => {
            s.push_str("MULTIPOLYGON (");
            for (i, p) in mp.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                polygon(&mut s, p);
            }
            s.push(')');
        }
        _ => s.push_str("GEOMETRYCOLLECTION EMPTY"),
    }
    s
}

fn polygon(s: &mut String, p: &Polygon<f64>) {
    s.push('(');
    ring(s, p.exterior());
    for hole in p.interiors() {
        s.push_str(", ");
        ring(s, hole);
    }
    s.push(')');
}

fn ring(s: &mut String, ring: &LineString<f64>) {
    s.push('(');
    for (i, c) in ring.coords().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write!(s, "{} {}", c.x, c.y).expect("writing to a String");
    }
    s.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{MultiPolygon, polygon};

    #[test]
    fn polygons_with_holes_and_multipolygons_become_multipolygon_wkt() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.5), (x: 1.5, y: 2.0), (x: 1.0, y: 1.0)]],
        );
        assert_eq!(
            to_wkt(&Geometry::Polygon(p.clone())),
            "MULTIPOLYGON (((0 0, 4 0, 4 4, 0 0), (1 1, 2 1.5, 1.5 2, 1 1)))",
            "a polygon is a one-part multipolygon: one type for the layer"
        );
        let q = polygon![(x: 43.125, y: 36.5), (x: 43.25, y: 36.5), (x: 43.25, y: 36.75)];
        assert_eq!(
            to_wkt(&Geometry::MultiPolygon(MultiPolygon::new(vec![q]))),
            "MULTIPOLYGON (((43.125 36.5, 43.25 36.5, 43.25 36.75, 43.125 36.5)))"
        );
    }
}

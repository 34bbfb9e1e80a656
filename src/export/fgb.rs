//! FlatGeobuf of the `control` layer (FlatGeobuf holds one layer per file), written with the
//! reference `flatgeobuf` crate: one MultiPolygon feature per control state, in WGS 84
//! (`EPSG:4326`, lon/lat), behind a packed Hilbert R-tree so GDAL and QGIS read a bbox, locally or
//! over HTTP ranges, without reading the whole file.
//!
//! The columns are the [`ControlRecord`](super::ControlRecord) fields in the CSV's and the
//! GeoPackage's order. FlatGeobuf has no list type, so `factions` and `sources` are `;`-joined as
//! in the other flat formats; `valid_from` and `valid_to` are DateTime columns, which the spec
//! defines as ISO 8601 text: RFC 3339 UTC, `2017-06-02T00:00:00Z`, as GDAL writes them. A null
//! (`faction` when contested, `valid_to` while a state holds) is an absent property.

use std::io::{self, Write};

use flatgeobuf::geozero::error::GeozeroError;
use flatgeobuf::geozero::{
    ColumnValue, FeatureProcessor, GeomProcessor, GeozeroGeometry, PropertyProcessor,
};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo::{LineString, MultiPolygon};

use super::records::{ControlRecord, control_records, flat_list};
use crate::domain::geometry::as_multi_polygon;
use crate::domain::index::Index;
use crate::domain::time::Instant;

/// The attribute columns, in order: name, FlatGeobuf type, nullable.
pub const FGB_COLUMNS: [(&str, ColumnType, bool); 11] = [
    ("id", ColumnType::String, false),
    ("district", ColumnType::String, false),
    ("name", ColumnType::String, false),
    ("status", ColumnType::String, false),
    ("faction", ColumnType::String, true),
    ("factions", ColumnType::String, false),
    ("valid_from", ColumnType::DateTime, false),
    ("valid_to", ColumnType::DateTime, true),
    ("confidence", ColumnType::String, false),
    ("sources", ColumnType::String, false),
    ("note", ColumnType::String, false),
];

/// What the file says of itself: the data set name in its header, a title and a description.
const NAME: &str = "control";
const TITLE: &str = "Frontline: who held each district when";
const DESCRIPTION: &str = "One feature per control state, valid over [valid_from, valid_to), \
                           valid_to null while it still holds; factions and sources are ;-joined";

/// Writes the FlatGeobuf to `out`. The features are stored in Hilbert order of their bounding
/// boxes (the order the index needs), the states of one district together in time order; the
/// same data gives the same bytes.
///
/// # Errors
/// Any I/O error of `out` or of the writer's temporary file.
///
/// # Runtime
/// O(s log s) for s states (the Hilbert sort), plus one encoding of each state's geometry;
/// features are staged in an anonymous temporary file, not in memory.
pub fn write_fgb(index: &Index, out: &mut impl Write) -> io::Result<()> {
    let mut fgb = FgbWriter::create_with_options(
        NAME,
        GeometryType::MultiPolygon,
        FgbWriterOptions {
            write_index: true,
            // Every feature is declared a MultiPolygon, so none is detected or promoted.
            detect_type: false,
            promote_to_multi: false,
            crs: FgbCrs {
                org: Some("EPSG"),
                code: 4326,
                name: Some("WGS 84"),
                ..FgbCrs::default()
            },
            title: Some(TITLE),
            description: Some(DESCRIPTION),
            ..FgbWriterOptions::default()
        },
    )
    .map_err(fgb_error)?;
    for (name, column_type, nullable) in FGB_COLUMNS {
        fgb.add_column(name, column_type, |_, column| {
            column.nullable = nullable;
            column.unique = name == "id";
        });
    }
    let geometries: Vec<MultiPolygon<f64>> = index
        .districts
        .iter()
        .map(|d| as_multi_polygon(&d.district.geometry))
        .collect();
    for (i, r) in control_records(index).enumerate() {
        Parts(&geometries[r.district_index as usize])
            .process_geom(&mut fgb)
            .map_err(geozero_error)?;
        properties(&mut fgb, &r).map_err(geozero_error)?;
        fgb.feature_end(i as u64).map_err(geozero_error)?;
    }
    fgb.write(out).map_err(fgb_error)
}

/// One state's attributes, in [`FGB_COLUMNS`] order; a `None` is left out, which reads as null.
fn properties(fgb: &mut FgbWriter<'_>, r: &ControlRecord<'_>) -> Result<(), GeozeroError> {
    let factions = flat_list(&r.factions);
    let sources = flat_list(&r.sources);
    let valid_from = r.valid_from.to_rfc3339();
    let valid_to = r.valid_to.map(Instant::to_rfc3339);
    let values = [
        Some(ColumnValue::String(&r.id)),
        Some(ColumnValue::String(r.district)),
        Some(ColumnValue::String(r.name)),
        Some(ColumnValue::String(r.status)),
        r.faction.map(ColumnValue::String),
        Some(ColumnValue::String(&factions)),
        Some(ColumnValue::DateTime(&valid_from)),
        valid_to.as_deref().map(ColumnValue::DateTime),
        Some(ColumnValue::String(r.confidence)),
        Some(ColumnValue::String(&sources)),
        Some(ColumnValue::String(r.note)),
    ];
    for (i, ((name, ..), value)) in FGB_COLUMNS.iter().zip(values).enumerate() {
        if let Some(value) = value {
            fgb.property(i, name, &value)?;
        }
    }
    Ok(())
}

/// A district's polygons as one MultiPolygon, fed to a geozero processor part by part, ring by
/// ring (exterior first), x then y.
struct Parts<'a>(&'a MultiPolygon<f64>);

impl GeozeroGeometry for Parts<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> Result<(), GeozeroError> {
        p.multipolygon_begin(self.0.0.len(), 0)?;
        for (i, polygon) in self.0.iter().enumerate() {
            p.polygon_begin(false, polygon.interiors().len() + 1, i)?;
            ring(p, polygon.exterior(), 0)?;
            for (j, hole) in polygon.interiors().iter().enumerate() {
                ring(p, hole, j + 1)?;
            }
            p.polygon_end(false, i)?;
        }
        p.multipolygon_end(0)
    }
}

fn ring<P: GeomProcessor>(p: &mut P, ring: &LineString<f64>, i: usize) -> Result<(), GeozeroError> {
    p.linestring_begin(false, ring.0.len(), i)?;
    for (k, c) in ring.coords().enumerate() {
        p.xy(c.x, c.y, k)?;
    }
    p.linestring_end(false, i)
}

fn fgb_error(e: flatgeobuf::Error) -> io::Error {
    match e {
        flatgeobuf::Error::IO(e) => e,
        other => io::Error::other(other),
    }
}

fn geozero_error(e: GeozeroError) -> io::Error {
    match e {
        GeozeroError::IoError(e) => e,
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::wkt_csv::CSV_COLUMNS;
    use geo::polygon;

    #[test]
    fn the_columns_are_the_csv_columns_without_the_geometry() {
        let names: Vec<&str> = FGB_COLUMNS.iter().map(|(name, ..)| *name).collect();
        assert_eq!(names, CSV_COLUMNS[1..]);
    }

    /// What a geozero processor is told, as text.
    #[derive(Default)]
    struct Events(Vec<String>);

    impl GeomProcessor for Events {
        fn xy(&mut self, x: f64, y: f64, _: usize) -> Result<(), GeozeroError> {
            self.0.push(format!("{x} {y}"));
            Ok(())
        }
        fn multipolygon_begin(&mut self, size: usize, _: usize) -> Result<(), GeozeroError> {
            self.0.push(format!("multipolygon {size}"));
            Ok(())
        }
        fn polygon_begin(
            &mut self,
            tagged: bool,
            size: usize,
            _: usize,
        ) -> Result<(), GeozeroError> {
            self.0.push(format!("polygon {size} tagged={tagged}"));
            Ok(())
        }
        fn linestring_begin(
            &mut self,
            tagged: bool,
            size: usize,
            _: usize,
        ) -> Result<(), GeozeroError> {
            self.0.push(format!("ring {size} tagged={tagged}"));
            Ok(())
        }
    }

    #[test]
    fn a_polygon_with_a_hole_is_one_untagged_part_exterior_first() {
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 1.0, y: 1.0), (x: 2.0, y: 1.5), (x: 1.5, y: 2.0), (x: 1.0, y: 1.0)]],
        );
        let mp = as_multi_polygon(&geo::Geometry::Polygon(p));
        let mut events = Events::default();
        Parts(&mp).process_geom(&mut events).unwrap();
        assert_eq!(
            events.0,
            [
                "multipolygon 1",
                "polygon 2 tagged=false",
                "ring 4 tagged=false",
                "0 0",
                "4 0",
                "4 4",
                "0 0",
                "ring 4 tagged=false",
                "1 1",
                "2 1.5",
                "1.5 2",
                "1 1",
            ]
        );
    }

    #[test]
    fn only_faction_and_valid_to_are_nullable() {
        let nullable: Vec<&str> = FGB_COLUMNS
            .iter()
            .filter(|(.., nullable)| *nullable)
            .map(|(name, ..)| *name)
            .collect();
        assert_eq!(nullable, ["faction", "valid_to"]);
    }
}

//! GeoParquet 1.1 of the `control` layer, written with the Apache `parquet` crate: one row per
//! control state, the district's geometry as WKB MultiPolygon in the `geometry` column, its
//! bounding box in a `bbox` struct column (the 1.1 "covering", so readers skip row groups outside
//! a box by their statistics), the times as UTC millisecond timestamps and `factions` / `sources`
//! as lists of strings. Rows are in Hilbert order of the districts' boxes, a district's states
//! together in time order, in row groups of [`ROW_GROUP`] rows compressed with Snappy. No CRS is
//! written, which GeoParquet defines as OGC:CRS84 (WGS 84 lon/lat).

use std::io::{self, Write};
use std::sync::Arc;

use geo::{BoundingRect, MultiPolygon, Rect};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::parser::parse_message_type;
use serde_json::json;

use super::records::{ControlRecord, control_records};
use crate::domain::geometry::as_multi_polygon;
use crate::domain::index::Index;

/// Rows per row group.
pub const ROW_GROUP: usize = 10_000;

/// The Parquet schema, in column order.
const SCHEMA: &str = "message control {
  required binary id (STRING);
  required binary district (STRING);
  required binary name (STRING);
  required binary status (STRING);
  optional binary faction (STRING);
  required group factions (LIST) { repeated group list { required binary element (STRING); } }
  required int64 valid_from (TIMESTAMP(MILLIS, true));
  optional int64 valid_to (TIMESTAMP(MILLIS, true));
  required binary confidence (STRING);
  required group sources (LIST) { repeated group list { required binary element (STRING); } }
  required binary note (STRING);
  required binary geometry;
  required group bbox {
    required double xmin;
    required double ymin;
    required double xmax;
    required double ymax;
  }
}";

/// Writes the GeoParquet file to `out`; the same data gives the same bytes.
///
/// # Errors
/// Any I/O error of `out`.
///
/// # Runtime
/// O(s log s) for s states (the Hilbert sort); one row group of records and WKB is in memory at
/// a time.
pub fn write_geoparquet<W: Write + Send>(index: &Index, out: W) -> io::Result<()> {
    let geometries: Vec<(Vec<u8>, Rect<f64>)> = index
        .districts
        .iter()
        .map(|d| {
            let mp = as_multi_polygon(&d.district.geometry);
            let rect = mp
                .bounding_rect()
                .unwrap_or(Rect::new((0.0, 0.0), (0.0, 0.0)));
            (wkb_of(&mp), rect)
        })
        .collect();
    let extent = geometries
        .iter()
        .map(|(_, r)| *r)
        .reduce(|a, b| {
            Rect::new(
                (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
            )
        })
        .unwrap_or(Rect::new((0.0, 0.0), (0.0, 0.0)));
    let mut records: Vec<ControlRecord<'_>> = control_records(index).collect();
    let key = |d: u32| hilbert(&geometries[d as usize].1, &extent);
    // A stable sort keeps each district's states in time order.
    records.sort_by_key(|r| (key(r.district_index), r.district_index));

    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_created_by("frontline".to_owned())
        .set_key_value_metadata(Some(vec![KeyValue::new(
            "geo".to_owned(),
            geo_metadata(&extent),
        )]))
        .build();
    let schema = Arc::new(parse_message_type(SCHEMA).map_err(parquet_error)?);
    let mut writer =
        SerializedFileWriter::new(out, schema, Arc::new(props)).map_err(parquet_error)?;
    for group in records.chunks(ROW_GROUP) {
        let mut rows = writer.next_row_group().map_err(parquet_error)?;
        write_group(&mut rows, group, &geometries).map_err(parquet_error)?;
        rows.close().map_err(parquet_error)?;
    }
    writer.close().map_err(parquet_error)?;
    Ok(())
}

/// The file-level `geo` metadata (GeoParquet 1.1).
fn geo_metadata(extent: &Rect<f64>) -> String {
    json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": ["MultiPolygon"],
                "bbox": [extent.min().x, extent.min().y, extent.max().x, extent.max().y],
                "covering": {
                    "bbox": {
                        "xmin": ["bbox", "xmin"],
                        "ymin": ["bbox", "ymin"],
                        "xmax": ["bbox", "xmax"],
                        "ymax": ["bbox", "ymax"]
                    }
                }
            }
        }
    })
    .to_string()
}

/// One row group, column by column in [`SCHEMA`] order.
fn write_group<W: Write + Send>(
    rows: &mut SerializedRowGroupWriter<'_, W>,
    group: &[ControlRecord<'_>],
    geometries: &[(Vec<u8>, Rect<f64>)],
) -> Result<(), ParquetError> {
    let text = |s: &str| ByteArray::from(s.as_bytes().to_vec());
    let strings = |rows: &mut SerializedRowGroupWriter<'_, W>, values: Vec<ByteArray>| {
        column::<ByteArrayType, W>(rows, &values, None, None)
    };
    strings(rows, group.iter().map(|r| text(&r.id)).collect())?;
    strings(rows, group.iter().map(|r| text(r.district)).collect())?;
    strings(rows, group.iter().map(|r| text(r.name)).collect())?;
    strings(rows, group.iter().map(|r| text(r.status)).collect())?;
    let faction: Vec<ByteArray> = group.iter().filter_map(|r| r.faction.map(text)).collect();
    let defined: Vec<i16> = group
        .iter()
        .map(|r| i16::from(r.faction.is_some()))
        .collect();
    column::<ByteArrayType, W>(rows, &faction, Some(&defined), None)?;
    list(rows, group.iter().map(|r| r.factions.as_slice()))?;
    let from: Vec<i64> = group.iter().map(|r| r.valid_from.millis()).collect();
    column::<Int64Type, W>(rows, &from, None, None)?;
    let to: Vec<i64> = group
        .iter()
        .filter_map(|r| r.valid_to.map(|t| t.millis()))
        .collect();
    let defined: Vec<i16> = group
        .iter()
        .map(|r| i16::from(r.valid_to.is_some()))
        .collect();
    column::<Int64Type, W>(rows, &to, Some(&defined), None)?;
    strings(rows, group.iter().map(|r| text(r.confidence)).collect())?;
    list(rows, group.iter().map(|r| r.sources.as_slice()))?;
    strings(rows, group.iter().map(|r| text(r.note)).collect())?;
    let geometry = |r: &ControlRecord<'_>| &geometries[r.district_index as usize];
    strings(
        rows,
        group
            .iter()
            .map(|r| ByteArray::from(geometry(r).0.clone()))
            .collect(),
    )?;
    for corner in [
        |b: &Rect<f64>| b.min().x,
        |b: &Rect<f64>| b.min().y,
        |b: &Rect<f64>| b.max().x,
        |b: &Rect<f64>| b.max().y,
    ] {
        let values: Vec<f64> = group.iter().map(|r| corner(&geometry(r).1)).collect();
        column::<DoubleType, W>(rows, &values, None, None)?;
    }
    Ok(())
}

/// A list of strings per row: an empty list is one level with nothing defined.
fn list<'a, W: Write + Send>(
    rows: &mut SerializedRowGroupWriter<'_, W>,
    lists: impl Iterator<Item = &'a [&'a str]>,
) -> Result<(), ParquetError> {
    let (mut values, mut defs, mut reps) = (Vec::new(), Vec::new(), Vec::new());
    for items in lists {
        if items.is_empty() {
            defs.push(0);
            reps.push(0);
        }
        for (i, item) in items.iter().enumerate() {
            values.push(ByteArray::from(item.as_bytes().to_vec()));
            defs.push(1);
            reps.push(i16::from(i > 0));
        }
    }
    column::<ByteArrayType, W>(rows, &values, Some(&defs), Some(&reps))
}

/// Writes the next column of the row group.
fn column<T: parquet::data_type::DataType, W: Write + Send>(
    rows: &mut SerializedRowGroupWriter<'_, W>,
    values: &[T::T],
    defs: Option<&[i16]>,
    reps: Option<&[i16]>,
) -> Result<(), ParquetError> {
    let mut col = rows
        .next_column()?
        .ok_or_else(|| ParquetError::General("more columns written than the schema has".into()))?;
    col.typed::<T>().write_batch(values, defs, reps)?;
    col.close()
}

fn wkb_of(mp: &MultiPolygon<f64>) -> Vec<u8> {
    let mut blob = Vec::new();
    wkb::writer::write_multi_polygon(&mut blob, mp, &wkb::writer::WriteOptions::default())
        .expect("writing WKB to memory");
    blob
}

/// The position of a box's centre along a Hilbert curve of 2^16 × 2^16 cells over `extent`.
fn hilbert(rect: &Rect<f64>, extent: &Rect<f64>) -> u64 {
    const N: u64 = 1 << 16;
    let cell = |v: f64, lo: f64, span: f64| {
        if span > 0.0 {
            (((v - lo) / span) * (N - 1) as f64).clamp(0.0, (N - 1) as f64) as u64
        } else {
            0
        }
    };
    let c = rect.center();
    let (mut x, mut y) = (
        cell(c.x, extent.min().x, extent.width()),
        cell(c.y, extent.min().y, extent.height()),
    );
    let mut d = 0;
    let mut s = N / 2;
    while s > 0 {
        let rx = u64::from(x & s > 0);
        let ry = u64::from(y & s > 0);
        d += s * s * ((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = N - 1 - x;
                y = N - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

fn parquet_error(e: ParquetError) -> io::Error {
    match e {
        ParquetError::External(inner) => io::Error::other(inner),
        other => io::Error::other(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hilbert_key_visits_the_four_quadrants_in_curve_order() {
        let extent = Rect::new((0.0, 0.0), (1.0, 1.0));
        let at = |x: f64, y: f64| hilbert(&Rect::new((x, y), (x, y)), &extent);
        // The curve starts bottom-left, goes up, right, and ends bottom-right.
        let keys = [at(0.1, 0.1), at(0.1, 0.9), at(0.9, 0.9), at(0.9, 0.1)];
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }
}

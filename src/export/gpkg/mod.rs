//! A GeoPackage 1.3 written with rusqlite: layers `districts`, `control`, `frontline`, `events`
//! and `sites` in WGS 84
//! (srs_id 4326), each with an R*Tree spatial index, and a default QGIS style per time-aware layer
//! (see the `qml` module for why).
//!
//! Geometries are GeoPackage binary: an 8-byte header (`GP`, version 0, flags, srs_id), the xy
//! envelope, then little-endian WKB. Districts are all MultiPolygons, so each layer has one
//! geometry type, as the spec asks. DATETIME values are `YYYY-MM-DDTHH:MM:SS.SSSZ`, UTC.

mod qml;
mod schema;

use std::path::Path;

use geo::{BoundingRect, MultiLineString, MultiPolygon, Rect};
use rusqlite::{Connection, Transaction, params};

use super::events::{event_records, site_records};
use super::records::{control_records, flat_list, front_records};
use super::{Result, gpkg_datetime, round3};
use crate::domain::geometry::as_multi_polygon;
use crate::domain::index::Index;
use schema::{CONTROL, DISTRICTS, EVENTS, FRONTLINE, SITES, create, index_triggers, insert_rows};

/// `GPKG` in ASCII, as SQLite's `application_id`.
const APPLICATION_ID: i32 = 0x4750_4B47;
/// GeoPackage 1.3.0.
const USER_VERSION: i32 = 10300;
pub(super) const SRS_ID: i32 = 4326;

/// Writes the GeoPackage to `path`, which must not exist yet (see [`super::write_file`] for the
/// atomic version). `last_change` is the newest `recorded_at` of any state, so the same data
/// gives the same bytes.
///
/// # Errors
/// Any SQLite error, e.g. when the directory of `path` does not exist.
///
/// # Runtime
/// O(d + s + p) rows for d districts, s states and p front pieces; each district geometry is
/// encoded once. Computes the front history on first use.
pub fn write_gpkg(index: &Index, path: &Path) -> Result<()> {
    let mut conn = Connection::open(path)?;
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    // One transaction into a file nobody else sees yet: no journal needed, and no WAL file left
    // behind for readers to trip over.
    conn.pragma_update(None, "journal_mode", "OFF")?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    let last_change = gpkg_datetime(
        index
            .states
            .iter()
            .map(|s| s.recorded_at)
            .max()
            .unwrap_or(crate::domain::time::Instant(0)),
    );
    let tx = conn.transaction()?;
    tx.execute_batch(schema::SCHEMA)?;

    // Each district's geometry is encoded once: `control` repeats it for every state.
    let blobs: Vec<(Vec<u8>, Rect<f64>)> = index
        .districts
        .iter()
        .map(|d| {
            let mp = as_multi_polygon(&d.district.geometry);
            (polygons_blob(&mp, d.envelope), d.envelope)
        })
        .collect();
    write_districts(&tx, index, &blobs, &last_change)?;
    write_control(&tx, index, &blobs, &last_change)?;
    write_frontline(&tx, index, &last_change)?;
    write_events(&tx, index, &last_change)?;
    write_sites(&tx, index, &last_change)?;
    for layer in [&DISTRICTS, &CONTROL, &FRONTLINE, &EVENTS, &SITES] {
        index_triggers(&tx, layer)?;
    }
    qml::write_layer_styles(&tx, index, &last_change)?;
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)?;
    Ok(())
}

fn write_districts(
    tx: &Transaction<'_>,
    index: &Index,
    blobs: &[(Vec<u8>, Rect<f64>)],
    last_change: &str,
) -> Result<()> {
    create(tx, &DISTRICTS, index.extent(), last_change)?;
    insert_rows(tx, &DISTRICTS, |insert| {
        for (i, d) in index.districts.iter().enumerate() {
            let (blob, env) = &blobs[i];
            let district = &d.district;
            insert(
                env,
                params![
                    i + 1,
                    blob,
                    district.id,
                    district.name,
                    (!district.alt_names.is_empty()).then(|| flat_list(&district.alt_names)),
                    district.group,
                    round3(d.area_km2)
                ],
            )?;
        }
        Ok(())
    })
}

fn write_control(
    tx: &Transaction<'_>,
    index: &Index,
    blobs: &[(Vec<u8>, Rect<f64>)],
    last_change: &str,
) -> Result<()> {
    create(tx, &CONTROL, index.extent(), last_change)?;
    insert_rows(tx, &CONTROL, |insert| {
        for (i, r) in control_records(index).enumerate() {
            let (blob, env) = &blobs[r.district_index as usize];
            insert(
                env,
                params![
                    i + 1,
                    blob,
                    r.id,
                    r.district,
                    r.name,
                    r.status,
                    r.faction,
                    flat_list(&r.factions),
                    gpkg_datetime(r.valid_from),
                    r.valid_to.map(gpkg_datetime),
                    r.confidence,
                    flat_list(&r.sources),
                    r.note
                ],
            )?;
        }
        Ok(())
    })
}

fn write_frontline(tx: &Transaction<'_>, index: &Index, last_change: &str) -> Result<()> {
    let borders = index.borders();
    let front_extent = index
        .fronts()
        .iter()
        .filter_map(|p| borders[p.border as usize].lines.bounding_rect())
        .reduce(|a, b| union(&a, &b));
    create(tx, &FRONTLINE, front_extent, last_change)?;
    insert_rows(tx, &FRONTLINE, |insert| {
        // Pieces come ordered by border: encode each border once.
        let mut cached: Option<(u32, Vec<u8>, Rect<f64>)> = None;
        for (i, r) in front_records(index).enumerate() {
            if cached.as_ref().is_none_or(|(b, ..)| *b != r.border) {
                let lines = &borders[r.border as usize].lines;
                let env = lines
                    .bounding_rect()
                    .unwrap_or(Rect::new((0., 0.), (0., 0.)));
                cached = Some((r.border, lines_blob(lines, env), env));
            }
            let (_, blob, env) = cached.as_ref().expect("set above");
            insert(
                env,
                params![
                    i + 1,
                    blob,
                    r.id,
                    r.district_a,
                    r.district_b,
                    r.side_a,
                    r.side_b,
                    flat_list(&r.factions_a),
                    flat_list(&r.factions_b),
                    gpkg_datetime(r.valid_from),
                    r.valid_to.map(gpkg_datetime),
                    r.length_km
                ],
            )?;
        }
        Ok(())
    })
}

/// The box of a set of points, `None` when there is none.
fn points_extent(points: impl Iterator<Item = (f64, f64)>) -> Option<Rect<f64>> {
    points.map(|p| Rect::new(p, p)).reduce(|a, b| union(&a, &b))
}

fn count(n: Option<u64>) -> Option<i64> {
    n.and_then(|n| i64::try_from(n).ok())
}

fn write_events(tx: &Transaction<'_>, index: &Index, last_change: &str) -> Result<()> {
    let extent = points_extent(event_records(index).map(|r| (r.lon, r.lat)));
    create(tx, &EVENTS, extent, last_change)?;
    insert_rows(tx, &EVENTS, |insert| {
        for (i, r) in event_records(index).enumerate() {
            let env = Rect::new((r.lon, r.lat), (r.lon, r.lat));
            insert(
                &env,
                params![
                    i + 1,
                    point_blob(r.lon, r.lat),
                    r.id,
                    r.kind,
                    r.title,
                    r.summary,
                    r.date_start,
                    r.date_end,
                    r.date_precision,
                    gpkg_datetime(r.valid_from),
                    gpkg_datetime(r.valid_to),
                    r.place,
                    r.location_precision,
                    r.uncertainty_km,
                    r.factions,
                    r.responsible,
                    r.grade,
                    count(r.largest),
                    r.figures,
                    r.districts,
                    r.sources,
                    r.note
                ],
            )?;
        }
        Ok(())
    })
}

fn write_sites(tx: &Transaction<'_>, index: &Index, last_change: &str) -> Result<()> {
    let extent = points_extent(site_records(index).map(|r| (r.lon, r.lat)));
    create(tx, &SITES, extent, last_change)?;
    insert_rows(tx, &SITES, |insert| {
        for (i, r) in site_records(index).enumerate() {
            let env = Rect::new((r.lon, r.lat), (r.lon, r.lat));
            insert(
                &env,
                params![
                    i + 1,
                    point_blob(r.lon, r.lat),
                    r.id,
                    r.kind,
                    r.name,
                    r.operator,
                    r.location_precision,
                    r.uncertainty_km,
                    r.opened,
                    r.closed,
                    r.valid_from.map(gpkg_datetime),
                    r.valid_to.map(gpkg_datetime),
                    count(r.latest_population),
                    r.latest_observed,
                    count(r.peak_population),
                    r.observations,
                    r.sources,
                    r.note
                ],
            )?;
        }
        Ok(())
    })
}

fn point_blob(lon: f64, lat: f64) -> Vec<u8> {
    let mut blob = header(Rect::new((lon, lat), (lon, lat)));
    wkb::writer::write_point(
        &mut blob,
        &geo::Point::new(lon, lat),
        &wkb::writer::WriteOptions::default(),
    )
    .expect("writing WKB to memory");
    blob
}

fn polygons_blob(mp: &MultiPolygon<f64>, env: Rect<f64>) -> Vec<u8> {
    let mut blob = header(env);
    wkb::writer::write_multi_polygon(&mut blob, mp, &wkb::writer::WriteOptions::default())
        .expect("writing WKB to memory");
    blob
}

fn lines_blob(lines: &MultiLineString<f64>, env: Rect<f64>) -> Vec<u8> {
    let mut blob = header(env);
    wkb::writer::write_multi_line_string(&mut blob, lines, &wkb::writer::WriteOptions::default())
        .expect("writing WKB to memory");
    blob
}

/// GeoPackage binary header: magic `GP`, version 0, flags (little-endian, envelope
/// `[minx, maxx, miny, maxy]`, not empty, standard), srs_id, envelope.
fn header(env: Rect<f64>) -> Vec<u8> {
    const LITTLE_ENDIAN: u8 = 0b1;
    const ENVELOPE_XY: u8 = 0b1 << 1;
    let mut h = Vec::with_capacity(40 + 256);
    h.extend_from_slice(b"GP");
    h.push(0);
    h.push(LITTLE_ENDIAN | ENVELOPE_XY);
    h.extend_from_slice(&SRS_ID.to_le_bytes());
    for v in [env.min().x, env.max().x, env.min().y, env.max().y] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h
}

fn union(a: &Rect<f64>, b: &Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_geometry_header_is_little_endian_with_an_xy_envelope() {
        let h = header(Rect::new((1.0, 2.0), (3.0, 4.0)));
        assert_eq!(&h[..4], b"GP\x00\x03");
        assert_eq!(i32::from_le_bytes(h[4..8].try_into().unwrap()), 4326);
        assert_eq!(f64::from_le_bytes(h[8..16].try_into().unwrap()), 1.0);
        assert_eq!(f64::from_le_bytes(h[16..24].try_into().unwrap()), 3.0);
        assert_eq!(f64::from_le_bytes(h[24..32].try_into().unwrap()), 2.0);
        assert_eq!(h.len(), 40);
    }
}

//! Writing a [`Dataset`] in canonical form: CSV rows in a fixed order with minimal quoting,
//! GeoJSON with one feature per line and sorted property keys.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::{CONTROL_COLUMNS, FACTION_COLUMNS, SOURCE_COLUMNS};
use crate::domain::model::{Dataset, District, SourceKind};
use crate::domain::validate::{CONTROL, DISTRICTS, FACTIONS, SOURCES};

/// Writes the four files of `dataset` into `dir` (created if missing). Control states are written
/// sorted by district id, then `valid_from`; other records keep their order.
///
/// # Errors
/// Any I/O error.
pub fn write_dir(dataset: &Dataset, dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    // Optional columns are written only when some record has them, so that a data set that
    // never used them reads back the same.
    let allied = dataset.factions.iter().any(|f| f.alliance.is_some());
    let mut factions = csv_writer(&dir.join(FACTIONS))?;
    let width = FACTION_COLUMNS.len() - usize::from(!allied);
    factions.write_record(&FACTION_COLUMNS[..width])?;
    for f in &dataset.factions {
        let row = [
            f.id.as_str(),
            &f.name,
            &f.color,
            f.alliance.as_deref().unwrap_or_default(),
        ];
        factions.write_record(&row[..width])?;
    }
    factions.flush()?;

    let classified = dataset.sources.iter().any(|s| s.kind.is_some());
    let noted = dataset.sources.iter().any(|s| !s.note.is_empty());
    let width = if noted {
        7
    } else if classified {
        6
    } else {
        5
    };
    let mut sources = csv_writer(&dir.join(SOURCES))?;
    sources.write_record(&SOURCE_COLUMNS[..width])?;
    for s in &dataset.sources {
        let row = [
            s.id.as_str(),
            &s.title,
            &s.publisher,
            &s.published,
            &s.url,
            s.kind.map(SourceKind::as_str).unwrap_or_default(),
            &s.note,
        ];
        sources.write_record(&row[..width])?;
    }
    sources.flush()?;

    let mut file = io::BufWriter::new(fs::File::create(dir.join(DISTRICTS))?);
    write_districts(&mut file, &dataset.districts)?;
    file.flush()?;

    let mut states: Vec<_> = dataset.states.iter().collect();
    states.sort_by(|a, b| {
        a.district
            .cmp(&b.district)
            .then(a.valid_from.cmp(&b.valid_from))
    });
    let mut control = csv_writer(&dir.join(CONTROL))?;
    control.write_record(CONTROL_COLUMNS)?;
    for s in states {
        control.write_record([
            s.district.as_str(),
            s.status.as_str(),
            &s.factions.join(";"),
            &s.valid_from.to_string(),
            &s.valid_to.map(|t| t.to_string()).unwrap_or_default(),
            s.confidence.as_str(),
            &s.sources.join(";"),
            &s.note,
        ])?;
    }
    control.flush()?;
    super::events::write(dataset, dir)?;
    super::context::write(dataset, dir)
}

pub(super) fn csv_writer(path: &Path) -> io::Result<csv::Writer<fs::File>> {
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(fs::File::create(path)?))
}

/// The districts as a GeoJSON FeatureCollection, one feature per line.
///
/// # Errors
/// Any I/O error.
pub fn write_districts(out: &mut impl Write, districts: &[District]) -> io::Result<()> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, d) in districts.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, &feature(d))?;
    }
    out.write_all(b"\n]}\n")
}

fn feature(d: &District) -> Value {
    let mut properties: Map<String, Value> = d.properties.clone();
    properties.insert("name".into(), json!(d.name));
    properties.insert("alt_names".into(), json!(d.alt_names));
    properties.insert("group".into(), json!(d.group));
    json!({
        "type": "Feature",
        "id": d.id,
        "properties": properties,
        "geometry": geojson::Geometry::from(&d.geometry),
    })
}

//! `dataset.json` and the context layers it lists (`context/{id}.geojson`): read with every
//! problem located, written in canonical form (sorted keys, one feature per line).

use crate::domain::limits;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::meta::{ContextLayer, LayerKind, Meta};
use crate::domain::model::Dataset;
use crate::domain::validate::Issue;
use crate::domain::validate_meta::{META, layer_file};

/// How `dataset.json` lists a context layer; its features are in [`layer_file`]`(id)`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerEntry {
    id: String,
    kind: LayerKind,
    name: String,
    attribution: String,
}

/// Reads `dir/dataset.json` and its layers; `None` when the data set has no `dataset.json`
/// (or when it cannot be read, with the problem in `issues`).
pub fn read(dir: &Path, issues: &mut Vec<Issue>) -> Option<(Meta, Vec<ContextLayer>)> {
    let path = dir.join(META);
    let mut bad = |file: String, location: &str, message: String| {
        issues.push(Issue {
            file: file.into(),
            location: location.into(),
            message,
        });
    };
    if let Some(problem) = limits::too_large(&path, limits::META_BYTES) {
        bad(META.into(), "-", problem);
        return None;
    }
    let text = match fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return None,
        Err(e) => {
            bad(META.into(), "-", format!("cannot be read: {e}"));
            return None;
        }
    };
    let mut doc: serde_json::Map<String, Value> = match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        Ok(_) => {
            bad(META.into(), "-", "must be a JSON object".into());
            return None;
        }
        Err(e) => {
            bad(META.into(), "-", format!("is not valid JSON: {e}"));
            return None;
        }
    };
    let entries = doc.remove("layers").unwrap_or(Value::Array(vec![]));
    let meta = match serde_json::from_value::<Meta>(Value::Object(doc)) {
        Ok(m) => m,
        Err(e) => {
            bad(META.into(), "-", format!("{e}"));
            Meta::default()
        }
    };
    let entries: Vec<LayerEntry> = match serde_json::from_value(entries) {
        Ok(v) => v,
        Err(e) => {
            bad(
                META.into(),
                "layers",
                format!(
                    "{e}: expected a list of {{\"id\", \"kind\" ({}), \"name\", \"attribution\"}}",
                    LayerKind::VALID
                ),
            );
            Vec::new()
        }
    };
    let mut layers = Vec::new();
    for entry in entries {
        let file = layer_file(&entry.id);
        if let Some(problem) = limits::too_large(&dir.join(&file), limits::GEOJSON_BYTES) {
            bad(file, "-", problem);
            continue;
        }
        let features = match fs::read_to_string(dir.join(&file)) {
            Err(e) => {
                bad(
                    file,
                    "-",
                    format!(
                        "cannot be read ({e}): dataset.json lists layer '{}'",
                        entry.id
                    ),
                );
                continue;
            }
            Ok(text) => match text.parse::<geojson::GeoJson>() {
                Ok(geojson::GeoJson::FeatureCollection(fc)) => {
                    fc.features.into_iter().map(right_hand_rule).collect()
                }
                Ok(_) => {
                    bad(file, "-", "must be a GeoJSON FeatureCollection".into());
                    continue;
                }
                Err(e) => {
                    bad(file, "-", format!("is not valid GeoJSON: {e}"));
                    continue;
                }
            },
        };
        layers.push(ContextLayer {
            id: entry.id,
            kind: entry.kind,
            name: entry.name,
            attribution: entry.attribution,
            features,
        });
    }
    Some((meta, layers))
}

/// The feature with its polygons' rings turned to RFC 7946's right-hand rule (exteriors
/// counter-clockwise), as districts are; other geometries unchanged.
pub fn right_hand_rule(mut f: geojson::Feature) -> geojson::Feature {
    use geojson::GeometryValue as G;
    let Some(g) = &f.geometry else { return f };
    if !matches!(g.value, G::Polygon { .. } | G::MultiPolygon { .. }) {
        return f;
    }
    if let Ok(shape) = geo::Geometry::<f64>::try_from(g.clone()) {
        let turned = crate::domain::geometry::normalise_orientation(shape);
        f.geometry = Some(geojson::Geometry::from(&turned));
    }
    f
}

/// Writes `dataset.json` and the layer files, unless the data set says nothing of itself.
///
/// # Errors
/// Any I/O error.
pub fn write(dataset: &Dataset, dir: &Path) -> io::Result<()> {
    if dataset.meta == Meta::default() && dataset.layers.is_empty() {
        return Ok(());
    }
    let mut doc = match serde_json::to_value(&dataset.meta)? {
        Value::Object(map) => map,
        _ => unreachable!("Meta is a struct"),
    };
    if !dataset.layers.is_empty() {
        let entries: Vec<LayerEntry> = dataset
            .layers
            .iter()
            .map(|l| LayerEntry {
                id: l.id.clone(),
                kind: l.kind,
                name: l.name.clone(),
                attribution: l.attribution.clone(),
            })
            .collect();
        doc.insert("layers".into(), serde_json::to_value(entries)?);
    }
    // serde_json's map is ordered by key: the file is canonical.
    let mut text = serde_json::to_string_pretty(&Value::Object(doc))?;
    text.push('\n');
    fs::write(dir.join(META), text)?;
    for layer in &dataset.layers {
        let path = dir.join(layer_file(&layer.id));
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut out = io::BufWriter::new(fs::File::create(path)?);
        write_features(&mut out, &layer.features)?;
        out.flush()?;
    }
    Ok(())
}

/// A FeatureCollection, one feature per line.
///
/// # Errors
/// Any I/O error.
pub fn write_features(out: &mut impl Write, features: &[geojson::Feature]) -> io::Result<()> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *out, &canonical(f))?;
    }
    out.write_all(b"\n]}\n")
}

/// A feature as a JSON value, so that its keys come out sorted.
fn canonical(f: &geojson::Feature) -> Value {
    serde_json::to_value(f).expect("features serialise")
}

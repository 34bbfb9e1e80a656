//! Parsing a data set directory into a [`Dataset`], collecting every problem with its location.

use std::fs;
use std::path::Path;
use std::str::FromStr;

use geojson::{GeoJson, GeometryValue};

use super::{
    CONTROL_COLUMNS, FACTION_COLUMNS, FACTION_OPTIONAL, Invalid, SOURCE_COLUMNS, SOURCE_OPTIONAL,
};
use crate::domain::geometry;
use crate::domain::model::{ControlState, Dataset, District, Faction, Source, SourceKind};
use crate::domain::time::Instant;
use crate::domain::validate::{self, CONTROL, DISTRICTS, FACTIONS, Issue, Locations, SOURCES};

/// Reads and validates the data set in `dir`.
///
/// # Errors
/// Every problem in every file (missing files, malformed rows, broken rules), located.
pub fn read_dir(dir: &Path) -> Result<Dataset, Invalid> {
    let mut issues = Vec::new();
    let mut at = Locations::default();
    let mut data = Dataset::default();

    let (factions, faction_columns) = read_csv(
        dir,
        FACTIONS,
        &FACTION_COLUMNS,
        FACTION_OPTIONAL,
        &mut issues,
    );
    for (line, row) in factions {
        at.factions.push(line);
        let [id, name, color, alliance] = <[String; 4]>::try_from(row).expect("width checked");
        data.factions.push(Faction {
            id,
            name,
            color,
            alliance: Some(alliance.trim().to_owned()).filter(|a| !a.is_empty()),
        });
    }
    let (sources, source_columns) =
        read_csv(dir, SOURCES, &SOURCE_COLUMNS, SOURCE_OPTIONAL, &mut issues);
    let classified = source_columns > 5;
    for (line, row) in sources {
        at.sources.push(line);
        let [id, title, publisher, published, url, kind, note] =
            <[String; 7]>::try_from(row).expect("width checked");
        let kind = if classified && !kind.trim().is_empty() {
            match kind.trim().parse::<SourceKind>() {
                Ok(k) => Some(k),
                Err(e) => {
                    issues.push(Issue {
                        file: SOURCES.into(),
                        location: format!("line {line}"),
                        message: format!("kind: {e}"),
                    });
                    None
                }
            }
        } else {
            None
        };
        data.sources.push(Source {
            id,
            title,
            publisher,
            published,
            url,
            kind,
            note,
        });
    }
    let districts = read_districts(dir, &mut issues);
    let districts_read = districts.is_some();
    data.districts = districts.unwrap_or_default();
    let (control, control_columns) = read_csv(dir, CONTROL, &CONTROL_COLUMNS, 0, &mut issues);
    for (line, row) in control {
        let mut bad = |message: String| {
            issues.push(Issue {
                file: CONTROL.into(),
                location: format!("line {line}"),
                message,
            })
        };
        match parse_state(&row) {
            Ok(state) => {
                at.states.push(line);
                data.states.push(state);
            }
            Err(messages) => messages.into_iter().for_each(&mut bad),
        }
    }

    super::events::read(dir, &mut at, &mut issues).apply(&mut data);
    if let Some((meta, layers)) = super::context::read(dir, &mut issues) {
        data.meta = meta;
        data.layers = layers;
    }

    // A file that cannot be read at all would make every reference to it a problem too:
    // checks across files wait until every file reads.
    let unreadable: Vec<&str> = [
        (FACTIONS, faction_columns > 0),
        (SOURCES, source_columns > 0),
        (DISTRICTS, districts_read),
        (CONTROL, control_columns > 0),
    ]
    .into_iter()
    .filter(|(_, ok)| !ok)
    .map(|(file, _)| file)
    .collect();
    if unreadable.is_empty() {
        if let Err(more) = validate::validate(&data, &at) {
            issues.extend(more);
        }
    } else {
        issues.push(Issue {
            file: "data set".into(),
            location: "-".into(),
            message: format!(
                "the checks across files (ids, references, overlaps in space and time) are made once {} \
                 can be read",
                unreadable.join(", ")
            ),
        });
    }
    if issues.is_empty() {
        Ok(data)
    } else {
        Err(Invalid(issues))
    }
}

pub(super) fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse_state(row: &[String]) -> Result<ControlState, Vec<String>> {
    fn field<T, E: ToString>(errors: &mut Vec<String>, name: &str, r: Result<T, E>) -> Option<T> {
        r.map_err(|e| errors.push(format!("{name}: {}", e.to_string())))
            .ok()
    }
    let mut errors = Vec::new();
    let status = field(
        &mut errors,
        "status",
        row[1].trim().parse::<crate::domain::model::Status>(),
    );
    let valid_from = field(&mut errors, "valid_from", row[3].parse::<Instant>());
    let valid_to = if row[4].trim().is_empty() {
        Some(None)
    } else {
        field(&mut errors, "valid_to", row[4].parse::<Instant>().map(Some))
    };
    let confidence = field(
        &mut errors,
        "confidence",
        row[5].trim().parse::<crate::domain::model::Confidence>(),
    );
    match (status, valid_from, valid_to, confidence) {
        (Some(status), Some(valid_from), Some(valid_to), Some(confidence)) => Ok(ControlState {
            district: row[0].trim().to_owned(),
            status,
            factions: split_list(&row[2]),
            valid_from,
            valid_to,
            confidence,
            sources: split_list(&row[6]),
            note: row[7].clone(),
        }),
        _ => Err(errors),
    }
}

/// Rows of a CSV file with `columns`, the last `optional` of which may be left out, as
/// `(line, fields)` padded to every column, and how many columns the header has. Problems go to
/// `issues`.
pub(super) fn read_csv(
    dir: &Path,
    file: &'static str,
    columns: &[&str],
    optional: usize,
    issues: &mut Vec<Issue>,
) -> (Vec<(u64, Vec<String>)>, usize) {
    let mut bad = |location: String, message: String| {
        issues.push(Issue {
            file: file.into(),
            location,
            message,
        })
    };
    let path = dir.join(file);
    if let Some(problem) = crate::domain::limits::too_large(&path, crate::domain::limits::CSV_BYTES)
    {
        bad("-".into(), problem);
        return (Vec::new(), 0);
    }
    let mut reader = match csv::ReaderBuilder::new().flexible(true).from_path(&path) {
        Ok(r) => r,
        Err(e) => {
            bad(
                "-".into(),
                format!("cannot be read ({e}): a data set directory must contain {file}"),
            );
            return (Vec::new(), 0);
        }
    };
    let width = match reader.headers() {
        Ok(h)
            if h.len() + optional >= columns.len()
                && h.iter().eq(columns.iter().copied().take(h.len())) =>
        {
            h.len()
        }
        Ok(h) => {
            let found: Vec<&str> = h.iter().collect();
            let expected = if optional == 0 {
                format!("'{}'", columns.join(","))
            } else {
                format!(
                    "'{}' (the last {optional} column(s) may be left out)",
                    columns.join(",")
                )
            };
            bad(
                "line 1".into(),
                format!("header is '{}': expected {expected}", found.join(",")),
            );
            return (Vec::new(), 0);
        }
        Err(e) => {
            bad("line 1".into(), format!("header cannot be read: {e}"));
            return (Vec::new(), 0);
        }
    };
    let header = &columns[..width];
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => {
                let line = r.position().map_or(0, csv::Position::line);
                if r.len() == width {
                    let mut fields: Vec<String> = r.iter().map(str::to_owned).collect();
                    fields.resize(columns.len(), String::new());
                    rows.push((line, fields));
                } else {
                    bad(
                        format!("line {line}"),
                        format!(
                            "has {} fields: expected {} ({})",
                            r.len(),
                            width,
                            header.join(",")
                        ),
                    );
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                bad(
                    format!("line {line}"),
                    format!("is not a valid CSV row: {e}"),
                );
            }
        }
    }
    (rows, width)
}

/// The districts, or `None` when the file cannot be read or is not a FeatureCollection.
fn read_districts(dir: &Path, issues: &mut Vec<Issue>) -> Option<Vec<District>> {
    let mut bad = |location: String, message: String| {
        issues.push(Issue {
            file: DISTRICTS.into(),
            location,
            message,
        })
    };
    if let Some(problem) =
        crate::domain::limits::too_large(&dir.join(DISTRICTS), crate::domain::limits::GEOJSON_BYTES)
    {
        bad("-".into(), problem);
        return None;
    }
    let text = match fs::read_to_string(dir.join(DISTRICTS)) {
        Ok(t) => t,
        Err(e) => {
            bad(
                "-".into(),
                format!("cannot be read ({e}): a data set directory must contain {DISTRICTS}"),
            );
            return None;
        }
    };
    let collection = match GeoJson::from_str(&text) {
        Ok(GeoJson::FeatureCollection(fc)) => fc,
        Ok(_) => {
            bad("-".into(), "must be a GeoJSON FeatureCollection".into());
            return None;
        }
        Err(e) => {
            bad("-".into(), format!("is not valid GeoJSON: {e}"));
            return None;
        }
    };
    let mut districts = Vec::new();
    for (i, feature) in collection.features.into_iter().enumerate() {
        if let Some(d) = district_from_feature(feature, i, &mut bad) {
            districts.push(d);
        }
    }
    Some(districts)
}

/// One feature of `districts.geojson` (the `i`-th) as a district; every problem goes to `bad`
/// (location, message), and `None` when the feature cannot be used.
pub fn district_from_feature(
    feature: geojson::Feature,
    i: usize,
    bad: &mut impl FnMut(String, String),
) -> Option<District> {
    let id = match &feature.id {
        Some(geojson::feature::Id::String(s)) => s.clone(),
        _ => {
            bad(
                format!("feature {}", i + 1),
                "needs a string 'id' (the district's slug)".into(),
            );
            return None;
        }
    };
    let loc = validate::district_location(i, &id);
    let mut properties = feature.properties.unwrap_or_default();
    let name = match properties.remove("name") {
        Some(serde_json::Value::String(s)) => s,
        _ => {
            bad(
                loc.clone(),
                "property 'name' is required and must be a string".into(),
            );
            String::new()
        }
    };
    let alt_names = match properties.remove("alt_names") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) if items.iter().all(serde_json::Value::is_string) => {
            items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        }
        Some(_) => {
            bad(
                loc.clone(),
                "property 'alt_names' must be an array of strings".into(),
            );
            Vec::new()
        }
    };
    let group = match properties.remove("group") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => Some(s),
        Some(_) => {
            bad(loc.clone(), "property 'group' must be a string".into());
            None
        }
    };
    let Some(geom) = feature.geometry else {
        bad(
            loc,
            "has no geometry: expected a Polygon or MultiPolygon".into(),
        );
        return None;
    };
    if let Err(message) = check_rings(&geom.value) {
        bad(loc, format!("invalid geometry: {message}"));
        return None;
    }
    let geometry = match geo::Geometry::<f64>::try_from(geom) {
        Ok(g) => geometry::normalise_orientation(g),
        Err(e) => {
            bad(loc, format!("invalid geometry: {e}"));
            return None;
        }
    };
    Some(District {
        id,
        name,
        alt_names,
        group,
        geometry,
        properties,
    })
}

/// Checks what converting to `geo` would hide: the kind, unclosed rings and rings under 4 positions.
fn check_rings(value: &GeometryValue) -> Result<(), String> {
    let polygons: Vec<&Vec<Vec<geojson::Position>>> = match value {
        GeometryValue::Polygon { coordinates } => vec![coordinates],
        GeometryValue::MultiPolygon { coordinates } => coordinates.iter().collect(),
        other => {
            return Err(format!(
                "type {} is not allowed: expected Polygon or MultiPolygon",
                other.type_name()
            ));
        }
    };
    for (p, rings) in polygons.iter().enumerate() {
        if rings.is_empty() {
            return Err(format!("polygon {} has no rings", p + 1));
        }
        for (r, ring) in rings.iter().enumerate() {
            let which = if r == 0 {
                "exterior ring".to_owned()
            } else {
                format!("interior ring {r}")
            };
            if let Some(pos) = ring.iter().find(|pos| pos.len() < 2) {
                return Err(format!(
                    "polygon {} {which} has a position with {} number(s): expected [lon, lat]",
                    p + 1,
                    pos.len()
                ));
            }
            if ring.len() < 4 {
                return Err(format!(
                    "polygon {} {which} has {} positions: a ring needs at least 4 (first = last)",
                    p + 1,
                    ring.len()
                ));
            }
            if ring.first() != ring.last() {
                return Err(format!(
                    "polygon {} {which} is not closed: its first and last positions differ",
                    p + 1
                ));
            }
        }
    }
    Ok(())
}

//! Features of the five collections as GeoJSON, borrowing from the index (district geometries
//! are pre-serialised, always MultiPolygon). Lists are `;`-joined text, so every GDAL writer can
//! take them as they come.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Collection, Crs, Link, values};
use crate::domain::fronts::FrontPiece;
use crate::domain::index::Index;
use crate::domain::model::Status;
use crate::domain::time::Instant;
use crate::export::{FrontRecord, front_record};
use crate::http::views::{lines_json, round3};

/// One GeoJSON feature; `links` only on single-feature responses.
#[derive(Serialize)]
pub struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub geometry: Cow<'a, RawValue>,
    pub properties: P,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Serialize)]
pub struct DistrictProps<'a> {
    name: &'a str,
    alt_names: String,
    group: Option<&'a str>,
    area_km2: f64,
    #[serde(flatten)]
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
pub struct ControlProps<'a> {
    district: &'a str,
    name: &'a str,
    group: Option<&'a str>,
    status: &'static str,
    faction: Option<&'a str>,
    factions: String,
    valid_from: Instant,
    valid_to: Option<Instant>,
    confidence: &'static str,
    sources: String,
    note: &'a str,
}

/// A feature ready to serialise, whatever its collection.
#[derive(Serialize)]
#[serde(untagged)]
pub enum AnyFeature<'a> {
    District(Feature<'a, DistrictProps<'a>>),
    Control(Feature<'a, ControlProps<'a>>),
    Front(Feature<'a, FrontRecord<'a>>),
    /// Events and sites: their properties as [`values`] gives them.
    Point(Feature<'a, serde_json::Map<String, serde_json::Value>>),
}

impl AnyFeature<'_> {
    /// The same feature with `links`.
    #[must_use]
    pub fn with_links(self, links: Vec<Link>) -> Self {
        match self {
            Self::District(f) => Self::District(Feature { links, ..f }),
            Self::Control(f) => Self::Control(Feature { links, ..f }),
            Self::Front(f) => Self::Front(Feature { links, ..f }),
            Self::Point(f) => Self::Point(Feature { links, ..f }),
        }
    }
}

fn district_feature(index: &Index, d: u32) -> AnyFeature<'_> {
    let entry = &index.districts[d as usize];
    let district = &entry.district;
    AnyFeature::District(Feature {
        kind: "Feature",
        id: district.id.clone(),
        geometry: Cow::Borrowed(&entry.geometry_json),
        properties: DistrictProps {
            name: &district.name,
            alt_names: district.alt_names.join(";"),
            group: district.group.as_deref(),
            area_km2: round3(entry.area_km2),
            extra: &district.properties,
        },
        links: vec![],
    })
}

fn control_feature(index: &Index, s: usize) -> AnyFeature<'_> {
    let state = &index.states[s];
    let entry = &index.districts[state.district as usize];
    let faction = |f: &u16| index.factions[*f as usize].id.as_str();
    AnyFeature::Control(Feature {
        kind: "Feature",
        id: index.state_id(s),
        geometry: Cow::Borrowed(&entry.geometry_json),
        properties: ControlProps {
            district: &entry.district.id,
            name: &entry.district.name,
            group: entry.district.group.as_deref(),
            status: state.status.as_str(),
            faction: (state.status == Status::Held).then(|| faction(&state.factions[0])),
            factions: state
                .factions
                .iter()
                .map(faction)
                .collect::<Vec<_>>()
                .join(";"),
            valid_from: state.interval.from,
            valid_to: state.interval.to,
            confidence: state.confidence.as_str(),
            sources: state
                .sources
                .iter()
                .map(|&x| index.sources[x as usize].id.as_str())
                .collect::<Vec<_>>()
                .join(";"),
            note: &state.note,
        },
        links: vec![],
    })
}

fn front_feature<'a>(index: &'a Index, piece: &FrontPiece) -> AnyFeature<'a> {
    let border = &index.borders()[piece.border as usize];
    AnyFeature::Front(Feature {
        kind: "Feature",
        id: piece.id(index),
        geometry: Cow::Owned(lines_json(&border.lines)),
        properties: front_record(index, piece),
        links: vec![],
    })
}

/// A property value as JSON: whole numbers as integers, instants as RFC 3339.
fn json_value(v: values::Value<'_>) -> serde_json::Value {
    match v {
        values::Value::Null => serde_json::Value::Null,
        values::Value::Text(t) => serde_json::Value::String(t.into_owned()),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "only whole numbers well inside i64 are converted"
        )]
        values::Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            serde_json::Value::from(n as i64)
        }
        values::Value::Number(n) => serde_json::Value::from(n),
        values::Value::Instant(t) => serde_json::Value::String(t.to_rfc3339()),
    }
}

/// An event or a site: a point and every property of the collection.
fn point_feature(index: &Index, c: Collection, position: usize) -> AnyFeature<'_> {
    let (id, lon, lat) = match c {
        Collection::Events => {
            let e = index.events.all_events()[position].event();
            (e.id.clone(), e.lon, e.lat)
        }
        _ => {
            let s = &index.events.all_sites()[position].known.record;
            (s.id.clone(), s.lon, s.lat)
        }
    };
    let properties = values::properties(c)
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.name.to_owned(),
                json_value(values::value(index, c, position, i)),
            )
        })
        .collect();
    let geometry = serde_json::json!({ "type": "Point", "coordinates": [lon, lat] }).to_string();
    AnyFeature::Point(Feature {
        kind: "Feature",
        id,
        geometry: Cow::Owned(RawValue::from_string(geometry).expect("a point is JSON")),
        properties,
        links: vec![],
    })
}

/// The feature at `position` in the collection's order.
#[must_use]
pub fn feature_at(index: &Index, c: Collection, position: usize) -> AnyFeature<'_> {
    match c {
        Collection::Districts => district_feature(index, position as u32),
        Collection::Control => control_feature(index, position),
        Collection::Frontline => front_feature(index, &index.fronts()[position]),
        Collection::Events | Collection::Sites => point_feature(index, c, position),
    }
}

/// What a request asks to change in a feature as stored: fewer properties, no geometry, or
/// latitude-first coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'q> {
    pub properties: Option<&'q [usize]>,
    pub skip_geometry: bool,
    pub crs: Crs,
}

impl Shape<'_> {
    /// Whether features go out as stored.
    #[must_use]
    pub fn is_plain(&self) -> bool {
        self.properties.is_none() && !self.skip_geometry && self.crs == Crs::Crs84
    }

    /// The feature as asked for.
    #[must_use]
    pub fn apply(&self, c: Collection, feature: &AnyFeature<'_>) -> serde_json::Value {
        let mut value = serde_json::to_value(feature).expect("features serialise");
        if let Some(chosen) = self.properties
            && let Some(props) = value.get_mut("properties").and_then(|p| p.as_object_mut())
        {
            let all = values::properties(c);
            props.retain(|name, _| chosen.iter().any(|&p| all[p].name == name));
        }
        if self.skip_geometry {
            value["geometry"] = serde_json::Value::Null;
        } else if self.crs == Crs::Epsg4326
            && let Some(coordinates) = value
                .get_mut("geometry")
                .and_then(|g| g.get_mut("coordinates"))
        {
            swap_axes(coordinates);
        }
        value
    }
}

/// Swaps the first two numbers of every position in a GeoJSON `coordinates` array.
fn swap_axes(coordinates: &mut serde_json::Value) {
    let Some(items) = coordinates.as_array_mut() else {
        return;
    };
    if items.first().is_some_and(serde_json::Value::is_number) {
        if items.len() >= 2 {
            items.swap(0, 1);
        }
    } else {
        items.iter_mut().for_each(swap_axes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsg_4326_puts_latitude_first_at_every_depth() {
        let mut c = serde_json::json!([[[[43.1, 36.3], [43.2, 36.4], [43.1, 36.3]]]]);
        swap_axes(&mut c);
        assert_eq!(
            c,
            serde_json::json!([[[[36.3, 43.1], [36.4, 43.2], [36.3, 43.1]]]])
        );
    }
}

//! The three collections: what they hold, their properties as JSON Schema, and which properties
//! may be filtered on (Part 3 queryables).

use serde_json::{Map, Value, json};

use crate::domain::index::Index;
use crate::domain::model::{Confidence, Status};
use crate::domain::time::Instant;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Districts,
    Control,
    Frontline,
}

impl Collection {
    pub const ALL: [Collection; 3] = [Self::Districts, Self::Control, Self::Frontline];

    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Self::Districts => "districts",
            Self::Control => "control",
            Self::Frontline => "frontline",
        }
    }

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Districts => "Districts",
            Self::Control => "Control states",
            Self::Frontline => "Front line",
        }
    }

    #[must_use]
    pub fn description(self) -> &'static str {
        match self {
            Self::Districts => {
                "The areas whose control is tracked, with their names and geodesic area (km²). No time dimension."
            }
            Self::Control => {
                "One feature per control state: who held a district over [valid_from, valid_to), how sure the data \
                 are and on what sources. An open valid_to means the state still holds. datetime=T returns the map \
                 at T; at a hand-over instant, the newer state only."
            }
            Self::Frontline => {
                "Stretches of boundary between districts held by different sides, each with the interval over which \
                 it was front and the sides on either bank."
            }
        }
    }

    /// Whether features carry `valid_from` / `valid_to`.
    #[must_use]
    pub fn is_temporal(self) -> bool {
        self != Self::Districts
    }

    /// Properties that `?name=value` and `filter` can test, and `sortby` can sort by: all of
    /// them.
    #[must_use]
    pub fn queryables(self) -> Vec<&'static str> {
        super::values::properties(self)
            .iter()
            .map(|p| p.name)
            .collect()
    }

    /// The collection named `id`, or a 404 that lists the collections.
    pub fn parse(id: &str) -> Result<Self, AppError> {
        Self::ALL.into_iter().find(|c| c.id() == id).ok_or_else(|| {
            AppError::NotFound(format!(
                "no collection '{id}': the collections are districts, control and frontline (see /ogc/collections)"
            ))
        })
    }

    /// Validity of the collection's features: the first start and the last end (`None` when a
    /// feature still holds).
    #[must_use]
    pub fn temporal_extent(self, index: &Index) -> Option<(Instant, Option<Instant>)> {
        let intervals: Box<dyn Iterator<Item = _>> = match self {
            Self::Districts => return None,
            Self::Control => Box::new(index.states.iter().map(|s| s.interval)),
            Self::Frontline => Box::new(index.fronts().iter().map(|p| p.interval)),
        };
        let mut extent: Option<(Instant, Option<Instant>)> = None;
        for i in intervals {
            extent = Some(match extent {
                None => (i.from, i.to),
                Some((from, to)) => (
                    from.min(i.from),
                    match (to, i.to) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    },
                ),
            });
        }
        extent
    }

    /// JSON Schema (2020-12) of the features' properties. `valid_from` / `valid_to` carry the
    /// Part 5 roles `primary-interval-start` / `-end`, so clients know the time dimension.
    #[must_use]
    pub fn properties(self, index: &Index) -> Map<String, Value> {
        let factions: Vec<&str> = index.factions.iter().map(|f| f.id.as_str()).collect();
        let mut sides = factions.clone();
        sides.push("contested");
        let text = |title: &str| json!({ "title": title, "type": "string" });
        let list =
            |title: &str| json!({ "title": format!("{title}, separated by ;"), "type": "string" });
        let time = |title: &str, role: &str, nullable: bool| {
            json!({
                "title": title,
                "type": if nullable { json!(["string", "null"]) } else { json!("string") },
                "format": "date-time",
                "x-ogc-role": role,
            })
        };
        let props = match self {
            Self::Districts => json!({
                "name": text("Name"),
                "alt_names": list("Other spellings"),
                "group": { "title": "Group", "type": ["string", "null"] },
                "area_km2": { "title": "Area (km², geodesic)", "type": "number" },
            }),
            Self::Control => json!({
                "district": text("District id"),
                "name": text("District name"),
                "group": { "title": "District group", "type": ["string", "null"] },
                "status": { "title": "Status", "type": "string", "enum": Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>() },
                "faction": { "title": "Holder (null when contested)", "type": ["string", "null"], "enum": factions.iter().map(|f| json!(f)).chain([Value::Null]).collect::<Vec<_>>() },
                "factions": list("Factions (the holder, or all contesting)"),
                "valid_from": time("Valid from (inclusive)", "primary-interval-start", false),
                "valid_to": time("Valid to (exclusive; null: still holds)", "primary-interval-end", true),
                "confidence": { "title": "Confidence", "type": "string", "enum": Confidence::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>() },
                "sources": list("Source ids"),
                "note": text("Note"),
            }),
            Self::Frontline => json!({
                "district_a": text("District on one side"),
                "district_b": text("District on the other side"),
                "side_a": { "title": "Holder of district_a, or contested", "type": "string", "enum": sides },
                "side_b": { "title": "Holder of district_b, or contested", "type": "string", "enum": sides },
                "factions_a": list("Factions in district_a"),
                "factions_b": list("Factions in district_b"),
                "valid_from": time("Front from (inclusive)", "primary-interval-start", false),
                "valid_to": time("Front until (exclusive; null: still front)", "primary-interval-end", true),
                "length_km": { "title": "Length (km, geodesic)", "type": "number" },
            }),
        };
        match props {
            Value::Object(map) => map,
            _ => unreachable!("built as an object"),
        }
    }

    /// The geometry type of every feature, for schemas.
    #[must_use]
    pub fn geometry_schema(self) -> Value {
        let format = match self {
            Self::Frontline => "geometry-multilinestring",
            _ => "geometry-multipolygon",
        };
        json!({ "format": format, "x-ogc-role": "primary-geometry" })
    }
}

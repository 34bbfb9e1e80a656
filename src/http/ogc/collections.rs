//! The five collections: what they hold, their properties as JSON Schema, and which properties
//! may be filtered on (Part 3 queryables).

use serde_json::{Map, Value, json};

use crate::domain::events::{DatePrecision, EventKind, Grade, LocationPrecision, SiteKind};
use crate::domain::index::Index;
use crate::domain::model::{Confidence, Status};
use crate::domain::time::Instant;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Districts,
    Control,
    Frontline,
    Events,
    Sites,
}

impl Collection {
    pub const ALL: [Collection; 5] = [
        Self::Districts,
        Self::Control,
        Self::Frontline,
        Self::Events,
        Self::Sites,
    ];

    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Self::Districts => "districts",
            Self::Control => "control",
            Self::Frontline => "frontline",
            Self::Events => "events",
            Self::Sites => "sites",
        }
    }

    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Self::Districts => "Districts",
            Self::Control => "Control states",
            Self::Frontline => "Front line",
            Self::Events => "Events",
            Self::Sites => "Displacement sites",
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
            Self::Events => {
                "Dated, located, sourced incidents (airstrikes, executions, displacement, camps opened, …). The point is \
                 the centre of a circle of uncertainty_km; [valid_from, valid_to) covers the days date_start..date_end. \
                 figures lists every claim with its claimant and source, side by side."
            }
            Self::Sites => {
                "Camps and other sites for the displaced, open over [valid_from, valid_to) (null: not known or still \
                 open), with every sourced population observation."
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
                "no collection '{id}': the collections are districts, control, frontline, events and sites (see /ogc/collections)"
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
            Self::Events => Box::new(
                index
                    .events
                    .all_events()
                    .iter()
                    .filter(|e| e.known.believed_at(index.knowledge))
                    .map(|e| e.interval),
            ),
            Self::Sites => Box::new(
                index
                    .events
                    .sites(index.knowledge)
                    .map(super::values::site_interval),
            ),
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
        // An empty role: a date-time that is not the time dimension.
        let time = |title: &str, role: &str, nullable: bool| {
            let mut t = json!({
                "title": title,
                "type": if nullable { json!(["string", "null"]) } else { json!("string") },
                "format": "date-time",
            });
            if !role.is_empty() {
                t["x-ogc-role"] = json!(role);
            }
            t
        };
        let number = |title: &str| json!({ "title": title, "type": "number" });
        let count =
            |title: &str| json!({ "title": title, "type": ["number", "null"], "minimum": 0 });
        let keyword = |title: &str, values: Vec<&'static str>| json!({ "title": title, "type": "string", "enum": values });
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
            Self::Events => json!({
                "kind": keyword("What happened", EventKind::ALL.iter().map(|k| k.as_str()).collect()),
                "title": text("Title"),
                "summary": text("Summary"),
                "date_start": time("First day (inclusive)", "", false),
                "date_end": time("Last day (inclusive)", "", false),
                "date_precision": keyword("How closely the dates are known", DatePrecision::ALL.iter().map(|k| k.as_str()).collect()),
                "valid_from": time("Valid from (the first day's start)", "primary-interval-start", false),
                "valid_to": time("Valid to (exclusive: the day after the last)", "primary-interval-end", false),
                "place": text("Place, as reported"),
                "location_precision": keyword("How far the real place may be from the point", LocationPrecision::ALL.iter().map(|k| k.as_str()).collect()),
                "uncertainty_km": number("Radius of the circle the place lies in (km)"),
                "factions": list("Factions involved"),
                "responsible": { "title": "Faction held responsible (null: unknown or disputed)", "type": ["string", "null"] },
                "grade": keyword("How far it is established", Grade::ALL.iter().map(|k| k.as_str()).collect()),
                "largest": count("The largest number any claim gives"),
                "figures": list("Every claim: metric group min–max (claimant, source)"),
                "districts": list("Districts it falls in"),
                "sources": list("Source ids"),
                "note": text("Note"),
            }),
            Self::Sites => json!({
                "kind": keyword("Sort of site", SiteKind::ALL.iter().map(|k| k.as_str()).collect()),
                "name": text("Name"),
                "operator": text("Operator"),
                "location_precision": keyword("How far the real place may be from the point", LocationPrecision::ALL.iter().map(|k| k.as_str()).collect()),
                "uncertainty_km": number("Radius of the circle the place lies in (km)"),
                "opened": time("First day open (null: not known)", "", true),
                "closed": time("Last day open (null: still open)", "", true),
                "valid_from": time("Open from (null: not known)", "primary-interval-start", true),
                "valid_to": time("Open until (exclusive; null: still open)", "primary-interval-end", true),
                "latest_population": count("The latest population count (its upper bound)"),
                "latest_observed": time("Day of the latest population count", "", true),
                "peak_population": count("The largest population count"),
                "observations": list("Every count: date metric min–max (source)"),
                "sources": list("Source ids"),
                "note": text("Note"),
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
            Self::Events | Self::Sites => "geometry-point",
            _ => "geometry-multipolygon",
        };
        json!({ "format": format, "x-ogc-role": "primary-geometry" })
    }
}

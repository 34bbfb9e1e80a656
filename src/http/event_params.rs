//! The query parameters of the events and sites endpoints, each checked against its closed list
//! so that a mistyped one is a 400 that names what is valid.

use serde::{Deserialize, Deserializer};

use crate::domain::events::{EventKind, Grade};
use crate::domain::geometry::Bbox;
use crate::domain::time::{Instant, Period};

/// Every property of an event Feature, in the order it is written (`docs/events.md`).
pub const EVENT_PROPERTIES: &[&str] = &[
    "id",
    "kind",
    "title",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "location_precision",
    "place",
    "factions",
    "responsible",
    "grade",
    "sources",
    "note",
    "uncertainty_km",
    "districts",
    "figures",
    "largest",
    "recorded_at",
];

/// A comma-separated list of keywords, each checked against its closed list.
fn keywords<'de, D, T>(d: D, name: &str) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr<Err = String>,
{
    let s = String::deserialize(d)?;
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            k.parse::<T>()
                .map_err(|e| serde::de::Error::custom(format!("parameter `{name}`: {e}")))
        })
        .collect()
}

fn kinds<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<EventKind>, D::Error> {
    keywords(d, "kind")
}

fn grades<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Grade>, D::Error> {
    keywords(d, "grade")
}

fn period<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Period>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Period>()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `datetime`: {e}")))
}

fn bbox<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bbox>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Bbox>()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `bbox`: {e}")))
}

fn at<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Instant>()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `at`: {e}")))
}

/// `?datetime=&bbox=&kind=&grade=&district=&properties=`.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EventsParams {
    #[serde(default, deserialize_with = "period")]
    pub datetime: Option<Period>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
    #[serde(default, deserialize_with = "kinds")]
    pub kind: Vec<EventKind>,
    #[serde(default, deserialize_with = "grades")]
    pub grade: Vec<Grade>,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default, deserialize_with = "selection")]
    pub properties: Option<Vec<&'static str>>,
}

/// `?datetime=&bbox=&kind=&grade=&district=`: which events. The whole query of
/// `/api/events.bin`, whose records have fixed fields (no `properties`).
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EventFilter {
    #[serde(default, deserialize_with = "period")]
    pub datetime: Option<Period>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
    #[serde(default, deserialize_with = "kinds")]
    pub kind: Vec<EventKind>,
    #[serde(default, deserialize_with = "grades")]
    pub grade: Vec<Grade>,
    #[serde(default)]
    pub district: Option<String>,
}

impl EventsParams {
    /// Which events, and the properties chosen of each.
    #[must_use]
    pub fn split(self) -> (EventFilter, Option<Vec<&'static str>>) {
        let filter = EventFilter {
            datetime: self.datetime,
            bbox: self.bbox,
            kind: self.kind,
            grade: self.grade,
            district: self.district,
        };
        (filter, self.properties)
    }
}

/// `?kind=&grade=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeksParams {
    #[serde(default, deserialize_with = "kinds")]
    pub kind: Vec<EventKind>,
    #[serde(default, deserialize_with = "grades")]
    pub grade: Vec<Grade>,
}

/// `?at=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitesParams {
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
}

/// `?properties=id,kind,…`: the properties each event keeps, every one if not given.
fn selection<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<&'static str>>, D::Error> {
    let s = String::deserialize(d)?;
    let mut chosen = Vec::new();
    for name in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let known = EVENT_PROPERTIES.iter().find(|&&p| p == name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "parameter `properties`: an event has no property `{name}`: its properties are {}",
                EVENT_PROPERTIES.join(", ")
            ))
        })?;
        if !chosen.contains(known) {
            chosen.push(*known);
        }
    }
    // Written in the whole Feature's order, whatever order they were asked in.
    chosen.sort_by_key(|name| EVENT_PROPERTIES.iter().position(|p| p == name));
    Ok((!chosen.is_empty()).then_some(chosen))
}

//! The records a data set is made of: factions, sources, districts and control states.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use super::events::{Event, Site};
pub use super::meta::{ContextLayer, Credit, LayerKind, Meta, RegionDef};
use super::time::{Instant, Interval};

/// A party to the conflict, drawn in `color` (`#rrggbb`).
///
/// Factions with the same `alliance` fight on the same side: no front runs between them. A
/// faction without an alliance is a side of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faction {
    pub id: String,
    pub name: String,
    pub color: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alliance: Option<String>,
}

impl Faction {
    /// The side this faction fights on: its alliance, or itself.
    #[must_use]
    pub fn side(&self) -> &str {
        self.alliance.as_deref().unwrap_or(&self.id)
    }
}

/// A report that control states cite. `published` is `YYYY-MM-DD`; `kind` says what sort of
/// publisher it is (how far it can be trusted on its own); `note` says what is known to be wrong
/// or missing about the record (e.g. that the report's own address could not be found).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<SourceKind>,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub note: String,
}

/// A district: an area with a stable id whose control is tracked over time.
///
/// `geometry` is a Polygon or MultiPolygon in WGS 84 lon/lat, exterior rings counter-clockwise.
/// `properties` holds every GeoJSON property other than `name`, `alt_names` and `group`.
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub id: String,
    pub name: String,
    pub alt_names: Vec<String>,
    pub group: Option<String>,
    pub geometry: geo::Geometry<f64>,
    pub properties: serde_json::Map<String, serde_json::Value>,
}

/// Who held a district over `[valid_from, valid_to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlState {
    pub district: String,
    pub status: Status,
    /// One faction when held, two or more when contested, in the order the data gives them.
    pub factions: Vec<String>,
    pub valid_from: Instant,
    pub valid_to: Option<Instant>,
    pub confidence: Confidence,
    /// Source ids; at least one.
    pub sources: Vec<String>,
    pub note: String,
}

impl ControlState {
    #[must_use]
    pub fn interval(&self) -> Interval {
        Interval {
            from: self.valid_from,
            to: self.valid_to,
        }
    }
}

/// A whole data set, as read from or written to a data set directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    pub factions: Vec<Faction>,
    pub sources: Vec<Source>,
    pub districts: Vec<District>,
    pub states: Vec<ControlState>,
    /// What the data set says about itself (`dataset.json`); the default when absent.
    pub meta: Meta,
    /// Context layers drawn under and over the control map (river, bridges, landmarks, …).
    pub layers: Vec<ContextLayer>,
    /// Dated, located, sourced incidents (`events.csv` with `event_figures.csv`).
    pub events: Vec<Event>,
    /// Camps and other sites, with their population over time (`sites.csv`).
    pub sites: Vec<Site>,
}

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const VALID: &'static str = concat!($("`", $text, "` "),+);

            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s { $($text => Ok($name::$variant),)+
                    _ => Err(format!("'{s}' is not a valid {}: expected one of {}", $what, Self::VALID.trim_end())),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use keyword_enum;

keyword_enum!(
    /// `held` by exactly one faction, or `contested` between two or more.
    Status, "status" { Held => "held", Contested => "contested" }
);

keyword_enum!(
    /// How sure the data is of a state, from firm to inferred.
    Confidence, "confidence" {
        Confirmed => "confirmed",
        Reported => "reported",
        Claimed => "claimed",
        Estimated => "estimated",
    }
);

keyword_enum!(
    /// What sort of publisher a source is. `wire`, `un`, `analyst` and `news` are credible on
    /// their own; the others need corroboration before a state built on them is `confirmed`.
    SourceKind, "source kind" {
        Wire => "wire",
        Un => "un",
        Analyst => "analyst",
        News => "news",
        StateMedia => "state-media",
        Blog => "blog",
        Forum => "forum",
        Reference => "reference",
        Aggregator => "aggregator",
    }
);

impl SourceKind {
    /// Whether a report of this kind can confirm a fact on its own.
    #[must_use]
    pub fn is_credible(self) -> bool {
        matches!(self, Self::Wire | Self::Un | Self::Analyst | Self::News)
    }

    /// Order in which sources are listed on a report map: wire services first.
    #[must_use]
    pub fn rank(self) -> u8 {
        self as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip_and_reject_others_with_the_valid_list() {
        for c in Confidence::ALL {
            assert_eq!(c.as_str().parse::<Confidence>().unwrap(), *c);
        }
        let err = "sure".parse::<Confidence>().unwrap_err();
        assert!(
            err.contains("`confirmed` `reported` `claimed` `estimated`"),
            "{err}"
        );
        assert!("Held".parse::<Status>().is_err());
    }
}

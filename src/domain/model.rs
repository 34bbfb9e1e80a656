//! The records a data set is made of: factions, sources, districts and control states.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::time::{Instant, Interval};

/// A side in the conflict, drawn in `color` (`#rrggbb`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faction {
    pub id: String,
    pub name: String,
    pub color: String,
}

/// A report that control states cite. `published` is `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub url: String,
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
}

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

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

//! What a data set says about itself (`dataset.json`): its title, the place and period it covers,
//! the date and view it opens on, how far fronts reach across gaps, the named regions its figures
//! are given for, its licence and credits; and the context layers drawn with it.

use serde::{Deserialize, Serialize};

use super::time::Instant;

/// The data set's description of itself. Every field is optional; the default describes nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// What the data set is about, as a map title: "Battle of Mosul".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// One or two sentences for the page and the report maps' standfirst.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The place named in dated titles: "Mosul" gives "Mosul, 24 January 2017".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub place: String,
    /// The period the data set is about, `[start, end]`: the slider opens on it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "date_pair_text"
    )]
    pub period: Option<[Instant; 2]>,
    /// The date the map opens on.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "date_text")]
    pub default_date: Option<Instant>,
    /// The view the map opens on, `[minLon, minLat, maxLon, maxLat]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_view: Option<[f64; 4]>,
    /// Districts facing each other across an empty gap (a river) up to this wide are neighbours
    /// along it, and the front follows the gap's centre line, km. 0: only shared borders count.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub front_gap_km: f64,
    /// Named regions that areas and shares are given for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionDef>,
    /// The region figures are given for unless another is asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main_region: Option<String>,
    /// The data set's own licence, e.g. "CC BY 4.0".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub licence: String,
    /// Everyone whose data is in the set, as the map must credit them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credits: Vec<Credit>,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// A named region: the districts of some groups, some districts by id, or a box (km² inside it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionDef {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
}

/// A credit line: who, under which licence, and where to find it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credit {
    pub text: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub licence: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
}

impl Credit {
    /// The credit as one line: its text, then its licence in brackets when it has one.
    #[must_use]
    pub fn line(&self) -> String {
        if self.licence.is_empty() {
            self.text.clone()
        } else {
            format!("{} ({})", self.text, self.licence)
        }
    }
}

/// A layer of geography that gives the control map its bearings. Features are GeoJSON; what
/// geometry a kind allows is in [`LayerKind::allows`].
#[derive(Debug, Clone, PartialEq)]
pub struct ContextLayer {
    pub id: String,
    pub kind: LayerKind,
    /// What the layer is, for a legend or layer list: "Tigris", "Bridges".
    pub name: String,
    /// Whose data it is and under which licence, shown wherever the layer is drawn.
    pub attribution: String,
    pub features: Vec<geojson::Feature>,
}

/// What a context layer shows, which decides how it is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerKind {
    /// Rivers and lakes: polygons, or lines for narrow streams.
    Water,
    /// Bridges: lines across the water, or points.
    Bridge,
    Road,
    /// Key terrain: a point with a `name`.
    Landmark,
    /// A place name to print on the map: a point with a `name` (and an optional `rank`, 1 first).
    Place,
    /// Administrative areas drawn as grey context, not as control.
    Admin,
    /// Country outlines for a locator inset.
    Locator,
}

impl LayerKind {
    pub const VALID: &'static str = "water, bridge, road, landmark, place, admin, locator";

    /// Whether a feature of this kind may have `geometry`.
    #[must_use]
    pub fn allows(self, geometry: &geojson::GeometryValue) -> bool {
        use geojson::GeometryValue as G;
        let areal = matches!(geometry, G::Polygon { .. } | G::MultiPolygon { .. });
        let linear = matches!(geometry, G::LineString { .. } | G::MultiLineString { .. });
        let point = matches!(geometry, G::Point { .. } | G::MultiPoint { .. });
        match self {
            Self::Water => areal || linear,
            Self::Bridge => linear || point,
            Self::Road => linear,
            Self::Landmark | Self::Place => point,
            Self::Admin | Self::Locator => areal,
        }
    }

    /// What [`allows`](Self::allows) accepts, for messages.
    #[must_use]
    pub fn allowed(self) -> &'static str {
        match self {
            Self::Water => "Polygon, MultiPolygon, LineString or MultiLineString",
            Self::Bridge => "LineString, MultiLineString, Point or MultiPoint",
            Self::Road => "LineString or MultiLineString",
            Self::Landmark | Self::Place => "Point or MultiPoint",
            Self::Admin | Self::Locator => "Polygon or MultiPolygon",
        }
    }

    /// Whether each feature must carry a `name`.
    #[must_use]
    pub fn needs_name(self) -> bool {
        matches!(self, Self::Landmark | Self::Place | Self::Bridge)
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Water => "water",
            Self::Bridge => "bridge",
            Self::Road => "road",
            Self::Landmark => "landmark",
            Self::Place => "place",
            Self::Admin => "admin",
            Self::Locator => "locator",
        }
    }
}

impl Meta {
    /// The named region `id`.
    #[must_use]
    pub fn region(&self, id: &str) -> Option<&RegionDef> {
        self.regions.iter().find(|r| r.id == id)
    }

    /// A dated title for a map: "Mosul, 24 January 2017", or the title or nothing before the date.
    #[must_use]
    pub fn dated_title(&self, at: Instant) -> String {
        let date = at.long_date();
        if !self.place.is_empty() {
            format!("{}, {date}", self.place)
        } else if !self.title.is_empty() {
            format!("{}, {date}", self.title)
        } else {
            date
        }
    }
}

/// `YYYY-MM-DD` (or RFC 3339 off midnight) in files; any instant form is read.
mod date_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::domain::time::Instant;

    #[expect(
        clippy::ref_option,
        reason = "serde's `with` passes a reference to the field"
    )]
    pub fn serialize<S: Serializer>(v: &Option<Instant>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => s.collect_str(t),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map(Some).map_err(serde::de::Error::custom)
    }
}

mod date_pair_text {
    use serde::{Deserialize, Deserializer, Serializer, ser::SerializeSeq};

    use crate::domain::time::Instant;

    #[expect(
        clippy::ref_option,
        reason = "serde's `with` passes a reference to the field"
    )]
    pub fn serialize<S: Serializer>(v: &Option<[Instant; 2]>, s: S) -> Result<S::Ok, S::Error> {
        let Some(pair) = v else {
            return s.serialize_none();
        };
        let mut seq = s.serialize_seq(Some(2))?;
        for t in pair {
            seq.serialize_element(&t.to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[Instant; 2]>, D::Error> {
        let [a, b] = <[String; 2]>::deserialize(d)?;
        let parse = |s: &str| s.parse::<Instant>().map_err(serde::de::Error::custom);
        Ok(Some([parse(&a)?, parse(&b)?]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meta_document_round_trips_with_dates_as_days() {
        let text = r#"{"title":"Battle of Mosul","place":"Mosul","period":["2016-10-17","2017-07-10"],"default_date":"2017-01-24","front_gap_km":1.0,"regions":[{"id":"mosul","name":"Mosul city","groups":["East Mosul","West Mosul"]}],"main_region":"mosul"}"#;
        let meta: Meta = serde_json::from_str(text).unwrap();
        assert_eq!(meta.default_date, Some(Instant::from_ymd(2017, 1, 24)));
        assert_eq!(meta.region("mosul").unwrap().groups.len(), 2);
        let back = serde_json::to_string(&meta).unwrap();
        assert_eq!(serde_json::from_str::<Meta>(&back).unwrap(), meta);
        assert!(back.contains(r#""default_date":"2017-01-24""#), "{back}");
    }

    #[test]
    fn an_unknown_field_is_an_error_that_names_it() {
        let err = serde_json::from_str::<Meta>(r#"{"titel":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("titel"), "{err}");
    }

    #[test]
    fn dated_titles_name_the_place() {
        let meta = Meta {
            place: "Mosul".into(),
            ..Meta::default()
        };
        assert_eq!(
            meta.dated_title(Instant::from_ymd(2017, 1, 24)),
            "Mosul, 24 January 2017"
        );
    }
}

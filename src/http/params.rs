//! Query parameters, parsed into domain types at the edge. Unknown parameters are rejected so a
//! typo (`?att=`) is an error, not a silently ignored filter.

use serde::{Deserialize, Deserializer};

use crate::domain::geometry::Bbox;
use crate::domain::regions::Selector;
use crate::domain::time::Instant;
use crate::render::{Orientation, Paper};

/// Deserialises a parameter with `FromStr`, naming the parameter in the error.
macro_rules! named_parser {
    ($fn:ident, $ty:ty, $name:literal) => {
        fn $fn<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
            let s = String::deserialize(d)?;
            s.parse::<$ty>()
                .map(Some)
                .map_err(|e| serde::de::Error::custom(format!("parameter `{}`: {e}", $name)))
        }
    };
}

named_parser!(at, Instant, "at");
named_parser!(from, Instant, "from");
named_parser!(to, Instant, "to");
named_parser!(bbox, Bbox, "bbox");
named_parser!(since, Instant, "since");

fn coordinate<'de, D: Deserializer<'de>>(d: D, name: &str, limit: f64) -> Result<f64, D::Error> {
    let s = String::deserialize(d)?;
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Ok(v),
        _ => Err(serde::de::Error::custom(format!(
            "parameter `{name}`: '{s}' is not valid: expected a number of degrees in -{limit}..{limit}"
        ))),
    }
}

fn pixels<'de, D: Deserializer<'de>>(d: D, name: &str) -> Result<Option<u32>, D::Error> {
    use crate::render::{MAX_SIDE, MIN_SIDE};
    let s = String::deserialize(d)?;
    s.trim().parse::<u32>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "parameter `{name}`: '{s}' is not valid: expected a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}"
        ))
    })
}

fn width<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    pixels(d, "width")
}

fn height<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    pixels(d, "height")
}

fn lon<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    coordinate(d, "lon", 180.0)
}

fn lat<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    coordinate(d, "lat", 90.0)
}

/// `?at=T&bbox=…`; `at` defaults to now.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
}

/// `?lon=&lat=&at=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhoQuery {
    #[serde(deserialize_with = "lon")]
    pub lon: f64,
    #[serde(deserialize_with = "lat")]
    pub lat: f64,
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
}

/// `?from=&to=` and the region figures are for (`region`, `group` or `bbox`, at most one);
/// `from` and `to` default to the data set's first and last change, the region to the data set's
/// main region.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    #[serde(default, deserialize_with = "from")]
    pub from: Option<Instant>,
    #[serde(default, deserialize_with = "to")]
    pub to: Option<Instant>,
    /// A named region of the data set (or `all`).
    #[serde(default)]
    pub region: Option<String>,
    /// A district group.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
}

impl RangeQuery {
    /// The selector asked for.
    ///
    /// # Errors
    /// When more than one of `region`, `group` and `bbox` is given.
    pub fn selector(&self) -> Result<Selector, crate::error::AppError> {
        selector(
            self.region.as_ref(),
            self.group.as_ref(),
            self.bbox.as_ref(),
        )
    }
}

impl RegionsQuery {
    /// The one region asked for, if any.
    ///
    /// # Errors
    /// When more than one of `region`, `group` and `bbox` is given.
    pub fn selector(&self) -> Result<Option<Selector>, crate::error::AppError> {
        if self.region.is_none() && self.group.is_none() && self.bbox.is_none() {
            return Ok(None);
        }
        selector(
            self.region.as_ref(),
            self.group.as_ref(),
            self.bbox.as_ref(),
        )
        .map(Some)
    }
}

/// The region `region`, `group` and `bbox` ask for (at most one of them; none: the main one).
fn selector(
    region: Option<&String>,
    group: Option<&String>,
    bbox: Option<&Bbox>,
) -> Result<Selector, crate::error::AppError> {
    match (region, group, bbox) {
        (None, None, None) => Ok(Selector::Default),
        (Some(r), None, None) if r == "all" => Ok(Selector::All),
        (Some(r), None, None) => Ok(Selector::Named(r.clone())),
        (None, Some(g), None) => Ok(Selector::Group(g.clone())),
        (None, None, Some(b)) => Ok(Selector::Bbox(*b)),
        _ => Err(crate::error::AppError::invalid(
            "region",
            "give at most one of `region` (a region id from /api/regions, or `all`), `group` \
             (a district group) and `bbox`",
        )),
    }
}

fn paper<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Paper>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `paper`: {e}")))
}

fn orientation<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Orientation>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `orientation`: {e}")))
}

fn dpi<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use crate::render::{MAX_DPI, MIN_DPI};
    let s = String::deserialize(d)?;
    s.trim().parse::<u32>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "parameter `dpi`: '{s}' is not valid: expected a whole number from {MIN_DPI} to {MAX_DPI}"
        ))
    })
}

fn event_window<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let s = String::deserialize(d)?;
    crate::render::parse_event_window(&s)
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `events`: {e}")))
}

/// A report map: `?at=&since=&bbox=&title=&standfirst=&events=` and a size, `width=&height=` in px or
/// `paper=&orientation=&dpi=`; `at` defaults to now, the size to 1600 × 1200 px.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
    #[serde(default, deserialize_with = "since")]
    pub since: Option<Instant>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
    #[serde(default, deserialize_with = "width")]
    pub width: Option<u32>,
    #[serde(default, deserialize_with = "height")]
    pub height: Option<u32>,
    #[serde(default, deserialize_with = "paper")]
    pub paper: Option<Paper>,
    #[serde(default, deserialize_with = "orientation")]
    pub orientation: Option<Orientation>,
    #[serde(default, deserialize_with = "dpi")]
    pub dpi: Option<u32>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub standfirst: Option<String>,
    /// `7d`: the events of the 7 days up to `at`.
    #[serde(default, deserialize_with = "event_window")]
    pub events: Option<u32>,
}

/// `/api/regions`: nothing (every region), or one of `region`, `group`, `bbox`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
}

/// `?include=superseded` on a district's history.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    #[serde(default)]
    include: Option<Include>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Include {
    Superseded,
}

impl HistoryQuery {
    /// Whether the states no longer believed are listed too.
    #[must_use]
    pub fn superseded(&self) -> bool {
        self.include == Some(Include::Superseded)
    }
}

/// Endpoints that take no parameters still reject unknown ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// `?at=T` alone; `at` defaults to now.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TileQuery {
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
}

/// `?v=REVISION` of a geometry tile: the data revision the URL was made for. A tile asked for
/// with the current revision may be cached for good; any other is answered with the current
/// geometry, to be revalidated.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeometryTileQuery {
    #[serde(default, deserialize_with = "outline_version")]
    pub v: Option<i64>,
}

fn outline_version<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<i64>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "parameter `v`: '{s}' is not an outline version: use the whole number the tile URLs of /tiles/districts.json carry"
        ))
    })
}

/// `/api/districts?geometry=full|none`: `none` leaves the outlines out and gives each feature its
/// `bbox`, for a client that draws from tiles but lists, searches and frames districts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistrictsQuery {
    #[serde(default)]
    pub geometry: GeometryChoice,
}

/// Whether district outlines are written out.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeometryChoice {
    #[default]
    Full,
    None,
}

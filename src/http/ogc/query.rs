//! The parameters of `/collections/{id}/items`, validated: bbox, datetime, paging, equality
//! filters on any queryable, a CQL2 `filter`, `sortby`, `properties`, `skipGeometry` and the
//! output CRS. Empty `sortby=` and `properties=` (as some clients send) mean "none given".

use super::cql::{self, Filter};
use super::values::{self, Kind, Value};
use super::{Collection, Crs, Pairs, check_format, parse_crs};
use crate::domain::events::{DatePrecision, EventKind, Grade, LocationPrecision, SiteKind};
use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::domain::time::Period;
use crate::error::{AppError, Result};

/// The keywords of the events' and sites' closed lists, as equality filters accept them.
static EVENT_KINDS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| EventKind::ALL.iter().map(|k| k.as_str()).collect());
static SITE_KINDS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| SiteKind::ALL.iter().map(|k| k.as_str()).collect());
static GRADES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| Grade::ALL.iter().map(|k| k.as_str()).collect());
static DATE_PRECISIONS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| DatePrecision::ALL.iter().map(|k| k.as_str()).collect());
static LOCATION_PRECISIONS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| LocationPrecision::ALL.iter().map(|k| k.as_str()).collect());

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 10_000;

/// Every parameter `items` accepts besides the queryables.
pub const PARAMETERS: &[&str] = &[
    "bbox",
    "bbox-crs",
    "datetime",
    "limit",
    "offset",
    "filter",
    "filter-lang",
    "filter-crs",
    "sortby",
    "properties",
    "skipGeometry",
    "crs",
    "f",
    "known_at",
];

/// An items request, validated.
#[derive(Debug)]
pub struct ItemsQuery {
    pub bbox: Option<Bbox>,
    /// Every `datetime` given: a feature must meet each (GDAL sends one per bound of a filter).
    pub periods: Vec<Period>,
    pub limit: usize,
    pub offset: usize,
    /// Queryable (by position) and the value it must equal.
    pub equal: Vec<(usize, Value<'static>)>,
    pub filter: Option<Filter>,
    /// Properties to sort by, in order, and whether descending.
    pub sortby: Vec<(usize, bool)>,
    /// The properties to include, in the features' order; `None`: all.
    pub properties: Option<Vec<usize>>,
    pub skip_geometry: bool,
    pub crs: Crs,
}

impl ItemsQuery {
    /// Validates `pairs` for collection `c`.
    ///
    /// # Errors
    /// A 400 naming the parameter, what was wrong and what is valid.
    pub fn parse(c: Collection, index: &Index, pairs: &Pairs) -> Result<Self> {
        let mut q = Self {
            bbox: None,
            periods: vec![],
            limit: DEFAULT_LIMIT,
            offset: 0,
            equal: vec![],
            filter: None,
            sortby: vec![],
            properties: None,
            skip_geometry: false,
            crs: Crs::Crs84,
        };
        let mut bbox = None;
        let mut bbox_crs = Crs::Crs84;
        let mut filter = None;
        for (i, (name, value)) in pairs.iter().enumerate() {
            if name != "datetime" && pairs[..i].iter().any(|(n, _)| n == name) {
                return Err(AppError::invalid(
                    name,
                    format!("parameter `{name}` is given more than once"),
                ));
            }
            match name.as_str() {
                "bbox" => bbox = Some(value.as_str()),
                "bbox-crs" => bbox_crs = parse_crs(name, value)?,
                "crs" => q.crs = parse_crs(name, value)?,
                "filter-crs" => {
                    parse_crs(name, value)?;
                }
                "datetime" => {
                    q.periods.push(value.parse().map_err(
                        |e: crate::domain::time::ParsePeriodError| {
                            AppError::invalid("datetime", e.to_string())
                        },
                    )?);
                }
                "limit" => {
                    q.limit = parse_count("limit", value)?.clamp(1, MAX_LIMIT as i64) as usize;
                }
                "offset" => q.offset = parse_count("offset", value)?.max(0) as usize,
                "f" => check_format(value)?,
                "filter" => filter = Some(value.as_str()),
                "filter-lang" => check_filter_lang(value)?,
                "sortby" => q.sortby = parse_sortby(c, value)?,
                "properties" => q.properties = parse_properties(c, value)?,
                "skipGeometry" => q.skip_geometry = parse_bool(name, value)?,
                other => {
                    let Some(p) = values::find(c, other) else {
                        return Err(unknown_parameter(c, other));
                    };
                    q.equal.push((p, equality_value(index, c, p, value)?));
                }
            }
        }
        if let Some(text) = bbox {
            q.bbox = Some(parse_bbox(text, bbox_crs)?);
        }
        if let Some(text) = filter.filter(|t| !t.trim().is_empty()) {
            q.filter = Some(Filter::parse(text, c).map_err(|e| {
                AppError::invalid(
                    "filter",
                    format!("the filter is not valid CQL2 text {e} (filter: {text})"),
                )
            })?);
        }
        Ok(q)
    }
}

fn unknown_parameter(c: Collection, name: &str) -> AppError {
    let queryables: Vec<&str> = values::properties(c).iter().map(|p| p.name).collect();
    AppError::invalid(
        name,
        format!(
            "unknown parameter `{name}`: {}/items accepts {} and the queryables {}",
            c.id(),
            PARAMETERS.join(", "),
            queryables.join(", ")
        ),
    )
}

fn check_filter_lang(value: &str) -> Result<()> {
    match value {
        "cql2-text" | "cql-text" => Ok(()),
        other => Err(AppError::invalid(
            "filter-lang",
            format!(
                "filter language '{other}' is not offered: use cql2-text (cql-text is read the same)"
            ),
        )),
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(AppError::invalid(
            name,
            format!("'{value}' is not a valid {name}: expected true or false"),
        )),
    }
}

fn property_list(c: Collection) -> String {
    let names: Vec<&str> = values::properties(c).iter().map(|p| p.name).collect();
    names.join(", ")
}

/// `+name,-valid_from`: ascending unless `-` (a `+` sent unencoded arrives as a space).
fn parse_sortby(c: Collection, value: &str) -> Result<Vec<(usize, bool)>> {
    let mut keys = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, descending) = match part.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (part.strip_prefix('+').unwrap_or(part), false),
        };
        let p = values::find(c, name.trim()).ok_or_else(|| {
            AppError::invalid(
                "sortby",
                format!(
                    "cannot sort by `{name}`: {} sorts by {} (prefix - for descending)",
                    c.id(),
                    property_list(c)
                ),
            )
        })?;
        keys.push((p, descending));
    }
    Ok(keys)
}

fn parse_properties(c: Collection, value: &str) -> Result<Option<Vec<usize>>> {
    let names: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    let mut chosen = Vec::new();
    for name in names {
        let p = values::find(c, name).ok_or_else(|| {
            AppError::invalid(
                "properties",
                format!(
                    "no property `{name}` in {}: its properties are {}",
                    c.id(),
                    property_list(c)
                ),
            )
        })?;
        chosen.push(p);
    }
    chosen.sort_unstable();
    chosen.dedup();
    Ok(Some(chosen))
}

fn parse_bbox(value: &str, crs: Crs) -> Result<Bbox> {
    // A 3-D box (six numbers) keeps its horizontal corners: districts are flat.
    let parts: Vec<&str> = value.split(',').collect();
    let mut flat: Vec<&str> = if parts.len() == 6 {
        vec![parts[0], parts[1], parts[3], parts[4]]
    } else {
        parts
    };
    if crs == Crs::Epsg4326 && flat.len() == 4 {
        // EPSG:4326 says latitude first.
        flat = vec![flat[1], flat[0], flat[3], flat[2]];
    }
    flat.join(",")
        .parse::<Bbox>()
        .map_err(|e| AppError::invalid("bbox", e.to_string()))
}

fn parse_count(name: &str, value: &str) -> Result<i64> {
    value.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            name,
            format!(
                "'{value}' is not a valid {name}: expected a whole number (limit is clamped to 1..{MAX_LIMIT})"
            ),
        )
    })
}

/// The value `name=value` asks for. Keywords and ids must name something that exists: a typo
/// is an error, not an empty answer.
fn equality_value(index: &Index, c: Collection, p: usize, value: &str) -> Result<Value<'static>> {
    let property = values::properties(c)[p];
    let name = property.name;
    match property.kind {
        Kind::Instant => {
            return cql::lenient_instant(value).map(Value::Instant).ok_or_else(|| {
                AppError::invalid(
                    name,
                    format!("'{value}' is not a valid {name}: expected a date or an RFC 3339 date-time"),
                )
            });
        }
        Kind::Number => {
            return value
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Value::Number)
                .ok_or_else(|| {
                    AppError::invalid(
                        name,
                        format!("'{value}' is not a valid {name}: expected a number"),
                    )
                });
        }
        Kind::Text => {}
    }
    let factions = || index.factions.iter().map(|f| f.id.as_str());
    let keywords = |all: &'static [&'static str]| all.to_vec();
    let valid: Vec<&str> = match (c, name) {
        (Collection::Events, "kind") => keywords(&EVENT_KINDS),
        (Collection::Sites, "kind") => keywords(&SITE_KINDS),
        (_, "grade") => keywords(&GRADES),
        (_, "date_precision") => keywords(&DATE_PRECISIONS),
        (_, "location_precision") => keywords(&LOCATION_PRECISIONS),
        (_, "responsible") => factions().collect(),
        (_, name) => match name {
            "status" => vec!["held", "contested"],
            "confidence" => crate::domain::model::Confidence::ALL
                .iter()
                .map(|c| c.as_str())
                .collect(),
            "faction" => factions().collect(),
            "side_a" | "side_b" => factions().chain(["contested"]).collect(),
            "district" | "district_a" | "district_b" => {
                if index.district_index(value).is_none() {
                    return Err(AppError::invalid(
                        name,
                        format!(
                            "no district '{value}': district ids are listed at /ogc/collections/districts/items"
                        ),
                    ));
                }
                vec![value]
            }
            _ => vec![value],
        },
    };
    if valid.contains(&value) {
        Ok(Value::Text(value.to_owned().into()))
    } else {
        Err(AppError::invalid(
            name,
            format!(
                "'{value}' is not a valid {name}: expected one of {}",
                valid.join(", ")
            ),
        ))
    }
}

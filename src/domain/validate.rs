//! Every rule a data set must satisfy, checked in one pass that reports every problem found.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use super::geometry;
use super::model::{Confidence, Dataset, SourceKind, Status};

/// One problem in a data set, located by file and line (CSV) or feature (GeoJSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub file: std::borrow::Cow<'static, str>,
    pub location: String,
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.file, self.location, self.message)
    }
}

/// Where each record came from, for messages. Defaults to file order (header on line 1).
#[derive(Debug, Clone, Default)]
pub struct Locations {
    pub factions: Vec<u64>,
    pub sources: Vec<u64>,
    pub states: Vec<u64>,
    /// Lines of `events.csv`, and per event those of its figures in `event_figures.csv`.
    pub events: Vec<u64>,
    pub figures: Vec<Vec<u64>>,
    /// Lines of `sites.csv`, and per site those of its observations.
    pub sites: Vec<u64>,
    pub observations: Vec<Vec<u64>>,
}

impl Locations {
    pub(crate) fn line(lines: &[u64], index: usize) -> String {
        format!(
            "line {}",
            lines.get(index).copied().unwrap_or(index as u64 + 2)
        )
    }
}

pub const FACTIONS: &str = "factions.csv";
pub const SOURCES: &str = "sources.csv";
pub const DISTRICTS: &str = "districts.geojson";
pub const CONTROL: &str = "control.csv";
pub const EVENTS: &str = "events.csv";
pub const FIGURES: &str = "event_figures.csv";
pub const SITES: &str = "sites.csv";
pub const OBSERVATIONS: &str = "site_observations.csv";

/// What ids may look like: they appear in URLs and in `;`-separated lists.
pub const ID_FORM: &str = "1 to 100 characters of A-Z a-z 0-9 . _ -";

#[must_use]
pub fn is_valid_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[must_use]
pub fn district_location(index: usize, id: &str) -> String {
    format!("feature {} (id '{id}')", index + 1)
}

/// Checks every rule; returns all problems, in file order.
///
/// # Errors
/// The list of issues, when there is at least one.
pub fn validate(data: &Dataset, at: &Locations) -> Result<(), Vec<Issue>> {
    let mut issues = Vec::new();
    let mut push = |file: &'static str, location: String, message: String| {
        issues.push(Issue {
            file: file.into(),
            location,
            message,
        })
    };

    let mut faction_ids = HashSet::new();
    for (i, f) in data.factions.iter().enumerate() {
        let loc = || Locations::line(&at.factions, i);
        check_id(
            &mut push,
            FACTIONS,
            loc(),
            "faction",
            &f.id,
            &mut faction_ids,
        );
        if f.name.trim().is_empty() {
            push(
                FACTIONS,
                loc(),
                "name is empty: every faction needs a name".into(),
            );
        }
        if !is_hex_colour(&f.color) {
            push(
                FACTIONS,
                loc(),
                format!(
                    "color '{}' is not valid: expected #rrggbb, e.g. #1f77b4",
                    f.color
                ),
            );
        }
    }

    for (i, f) in data.factions.iter().enumerate() {
        let Some(alliance) = &f.alliance else {
            continue;
        };
        let loc = Locations::line(&at.factions, i);
        if !is_valid_id(alliance) {
            push(
                FACTIONS,
                loc,
                format!("alliance '{alliance}' is not valid: expected {ID_FORM}"),
            );
        } else if alliance != &f.id && faction_ids.contains(alliance.as_str()) {
            push(
                FACTIONS,
                loc,
                format!(
                    "alliance '{alliance}' is the id of another faction: give the side a name of its own \
                     (e.g. 'coalition') and put every faction on it in that alliance"
                ),
            );
        }
    }

    let mut source_ids = HashSet::new();
    for (i, s) in data.sources.iter().enumerate() {
        let loc = || Locations::line(&at.sources, i);
        check_id(&mut push, SOURCES, loc(), "source", &s.id, &mut source_ids);
        if s.title.trim().is_empty() {
            push(
                SOURCES,
                loc(),
                "title is empty: every source needs a title".into(),
            );
        }
        if chrono::NaiveDate::parse_from_str(&s.published, "%Y-%m-%d").is_err() {
            push(
                SOURCES,
                loc(),
                format!(
                    "published '{}' is not a date: expected YYYY-MM-DD",
                    s.published
                ),
            );
        }
    }

    // Kinds are checked only when the data set classifies its sources.
    let source_kind: HashMap<&str, Option<SourceKind>> = data
        .sources
        .iter()
        .map(|s| (s.id.as_str(), s.kind))
        .collect();

    if data.districts.is_empty() {
        push(
            DISTRICTS,
            "-".into(),
            "holds no districts: a data set needs at least one district (a Feature with an id, a name and a \
             Polygon or MultiPolygon)"
                .into(),
        );
    }
    if data.factions.is_empty() {
        push(
            FACTIONS,
            "-".into(),
            "holds no factions: a data set needs at least one faction (id,name,color)".into(),
        );
    }

    let mut district_ids = HashSet::new();
    for (i, d) in data.districts.iter().enumerate() {
        let loc = || district_location(i, &d.id);
        check_id(
            &mut push,
            DISTRICTS,
            loc(),
            "district",
            &d.id,
            &mut district_ids,
        );
        if d.name.trim().is_empty() {
            push(
                DISTRICTS,
                loc(),
                "property 'name' is empty: every district needs a name".into(),
            );
        }
        for p in geometry::problems(&d.geometry) {
            push(DISTRICTS, loc(), format!("invalid geometry: {p}"));
        }
    }
    for (a, b, o) in overlapping_districts(data) {
        push(
            DISTRICTS,
            district_location(a, &data.districts[a].id),
            format!(
                "overlaps district '{}' by {:.4} km² (about {:.0} m wide): districts may share edges, \
                 and overlaps up to {} m wide are tolerated, but a point must not have two owners",
                data.districts[b].id,
                o.area_km2,
                o.width_m,
                geometry::SLIVER_WIDTH_M
            ),
        );
    }

    for (i, s) in data.states.iter().enumerate() {
        let loc = || Locations::line(&at.states, i);
        if !district_ids.contains(s.district.as_str()) {
            push(
                CONTROL,
                loc(),
                format!(
                    "unknown district '{}': it is not in {DISTRICTS}",
                    s.district
                ),
            );
        }
        for f in &s.factions {
            if !faction_ids.contains(f.as_str()) {
                push(
                    CONTROL,
                    loc(),
                    format!(
                        "unknown faction '{f}': known factions are {}",
                        list(&faction_ids)
                    ),
                );
            }
        }
        let distinct: HashSet<&String> = s.factions.iter().collect();
        if distinct.len() != s.factions.len() {
            push(CONTROL, loc(), "a faction is listed twice".into());
        }
        match s.status {
            Status::Held if s.factions.len() != 1 => push(
                CONTROL,
                loc(),
                format!(
                    "status 'held' needs exactly one faction, found {}",
                    s.factions.len()
                ),
            ),
            Status::Contested if s.factions.len() < 2 => push(
                CONTROL,
                loc(),
                format!(
                    "status 'contested' needs two or more factions (separated by ';'), found {}",
                    s.factions.len()
                ),
            ),
            _ => {}
        }
        if s.sources.is_empty() {
            push(
                CONTROL,
                loc(),
                "no sources: every state cites at least one source id from sources.csv".into(),
            );
        }
        for src in &s.sources {
            if !source_ids.contains(src.as_str()) {
                push(
                    CONTROL,
                    loc(),
                    format!("unknown source '{src}': it is not in {SOURCES}"),
                );
            }
        }
        if s.confidence == Confidence::Confirmed
            && let Some(weak) = uncorroborated(&s.sources, &source_kind)
        {
            push(
                CONTROL,
                loc(),
                format!(
                    "confidence 'confirmed' needs a credible source (kind wire, un, analyst or news), \
                     but it cites only {weak}: cite one or grade the state 'reported' or lower"
                ),
            );
        }
        if let Some(to) = s.valid_to
            && to <= s.valid_from
        {
            push(
                CONTROL,
                loc(),
                format!(
                    "valid_to {to} is not after valid_from {}: intervals are [valid_from, valid_to)",
                    s.valid_from
                ),
            );
        }
    }

    let mut by_district: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in data.states.iter().enumerate() {
        by_district.entry(s.district.as_str()).or_default().push(i);
    }
    let mut overlaps = Vec::new();
    for rows in by_district.values_mut() {
        rows.sort_by_key(|&i| data.states[i].valid_from);
        for pair in rows.windows(2) {
            let (a, b) = (&data.states[pair[0]], &data.states[pair[1]]);
            if a.interval().overlaps(&b.interval()) {
                overlaps.push((pair[0].max(pair[1]), pair[0].min(pair[1])));
            }
        }
    }
    overlaps.sort_unstable();
    for (later, earlier) in overlaps {
        let (s, o) = (&data.states[later], &data.states[earlier]);
        push(
            CONTROL,
            Locations::line(&at.states, later),
            format!(
                "overlaps the state on {} of district '{}' ([{}, {})): a district's states must not overlap in time",
                Locations::line(&at.states, earlier),
                s.district,
                o.valid_from,
                o.valid_to
                    .map_or_else(|| "open".to_owned(), |t| t.to_string()),
            ),
        );
    }

    issues.extend(super::validate_meta::check(data));
    issues.extend(super::limits::check(data, at));
    issues.extend(super::events::validate::check(data, at));

    if issues.is_empty() {
        Ok(())
    } else {
        Err(issues)
    }
}

fn check_id<'a>(
    push: &mut impl FnMut(&'static str, String, String),
    file: &'static str,
    location: String,
    what: &str,
    id: &'a str,
    seen: &mut HashSet<&'a str>,
) {
    if !is_valid_id(id) {
        push(
            file,
            location.clone(),
            format!("{what} id '{id}' is not valid: expected {ID_FORM}"),
        );
    }
    if !seen.insert(id) {
        push(
            file,
            location,
            format!("duplicate {what} id '{id}': ids must be unique"),
        );
    }
}

/// The cited sources described, when every classified one is of a kind that cannot confirm a
/// fact alone; `None` when one is credible or none is classified.
fn uncorroborated(sources: &[String], kinds: &HashMap<&str, Option<SourceKind>>) -> Option<String> {
    let classified: Vec<(&str, SourceKind)> = sources
        .iter()
        .filter_map(|s| Some((s.as_str(), (*kinds.get(s.as_str())?)?)))
        .collect();
    if classified.is_empty() || classified.iter().any(|(_, k)| k.is_credible()) {
        return None;
    }
    Some(
        classified
            .iter()
            .map(|(id, k)| format!("{id} ({k})"))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn is_hex_colour(s: &str) -> bool {
    s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn list(ids: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = ids.iter().copied().collect();
    v.sort_unstable();
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.join(", ")
    }
}

/// Pairs of districts `(a, b)`, `a < b`, whose areas overlap by more than a sliver.
///
/// # Runtime
/// An R-tree over the envelopes finds candidate pairs; only pairs whose envelopes intersect are
/// intersected exactly.
fn overlapping_districts(data: &Dataset) -> Vec<(usize, usize, geometry::Overlap)> {
    let shapes: Vec<_> = data
        .districts
        .iter()
        .map(|d| {
            (
                geometry::problems(&d.geometry).is_empty(),
                geometry::as_multi_polygon(&d.geometry),
            )
        })
        .collect();
    let boxes: Vec<_> = data
        .districts
        .iter()
        .enumerate()
        .filter(|(i, _)| shapes[*i].0)
        .map(|(i, d)| {
            let r = geometry::envelope(&d.geometry);
            GeomWithData::new(
                Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                i,
            )
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut found = Vec::new();
    for item in tree.iter() {
        let a = item.data;
        let envelope: AABB<[f64; 2]> = rstar::RTreeObject::envelope(item.geom());
        for other in tree.locate_in_envelope_intersecting(&envelope) {
            let b = other.data;
            if b <= a {
                continue;
            }
            if let Some(o) = geometry::overlap(&shapes[a].1, &shapes[b].1) {
                found.push((a, b, o));
            }
        }
    }
    found.sort_by_key(|&(a, b, _)| (a, b));
    found
}

//! The properties of each collection as typed values, for filters (`filter`, `name=value`) and
//! sorting (`sortby`). Lists are `;`-joined text, as the features carry them.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::Collection;
use crate::domain::events::{Day, EventEntry, Figure, Observation, Site};
use crate::domain::index::Index;
use crate::domain::model::Status;
use crate::domain::time::{Instant, Interval};
use crate::export::{front_record, side_label};

/// The type of a property, as filters compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    /// A UTC date-time; compared as an instant, whatever the literal's spelling.
    Instant,
}

impl Kind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Instant => "date-time",
        }
    }
}

/// One property of a collection's features.
#[derive(Debug, Clone, Copy)]
pub struct Property {
    pub name: &'static str,
    pub kind: Kind,
}

const fn p(name: &'static str, kind: Kind) -> Property {
    Property { name, kind }
}

const DISTRICTS: &[Property] = &[
    p("name", Kind::Text),
    p("alt_names", Kind::Text),
    p("group", Kind::Text),
    p("area_km2", Kind::Number),
];

const CONTROL: &[Property] = &[
    p("district", Kind::Text),
    p("name", Kind::Text),
    p("group", Kind::Text),
    p("status", Kind::Text),
    p("faction", Kind::Text),
    p("factions", Kind::Text),
    p("valid_from", Kind::Instant),
    p("valid_to", Kind::Instant),
    p("confidence", Kind::Text),
    p("sources", Kind::Text),
    p("note", Kind::Text),
];

const FRONTLINE: &[Property] = &[
    p("district_a", Kind::Text),
    p("district_b", Kind::Text),
    p("side_a", Kind::Text),
    p("side_b", Kind::Text),
    p("factions_a", Kind::Text),
    p("factions_b", Kind::Text),
    p("valid_from", Kind::Instant),
    p("valid_to", Kind::Instant),
    p("length_km", Kind::Number),
];

const EVENTS: &[Property] = &[
    p("kind", Kind::Text),
    p("title", Kind::Text),
    p("summary", Kind::Text),
    p("date_start", Kind::Instant),
    p("date_end", Kind::Instant),
    p("date_precision", Kind::Text),
    p("valid_from", Kind::Instant),
    p("valid_to", Kind::Instant),
    p("place", Kind::Text),
    p("location_precision", Kind::Text),
    p("uncertainty_km", Kind::Number),
    p("factions", Kind::Text),
    p("responsible", Kind::Text),
    p("grade", Kind::Text),
    p("largest", Kind::Number),
    p("figures", Kind::Text),
    p("districts", Kind::Text),
    p("sources", Kind::Text),
    p("note", Kind::Text),
];

const SITES: &[Property] = &[
    p("kind", Kind::Text),
    p("name", Kind::Text),
    p("operator", Kind::Text),
    p("location_precision", Kind::Text),
    p("uncertainty_km", Kind::Number),
    p("opened", Kind::Instant),
    p("closed", Kind::Instant),
    p("valid_from", Kind::Instant),
    p("valid_to", Kind::Instant),
    p("latest_population", Kind::Number),
    p("latest_observed", Kind::Instant),
    p("peak_population", Kind::Number),
    p("observations", Kind::Text),
    p("sources", Kind::Text),
    p("note", Kind::Text),
];

/// Every property of the collection's features, in the order features carry them. All of them
/// are queryable and sortable.
#[must_use]
pub fn properties(c: Collection) -> &'static [Property] {
    match c {
        Collection::Districts => DISTRICTS,
        Collection::Control => CONTROL,
        Collection::Frontline => FRONTLINE,
        Collection::Events => EVENTS,
        Collection::Sites => SITES,
    }
}

/// The instants a site is open, as the collection's `datetime` tests them.
#[must_use]
pub fn site_interval(site: &Site) -> Interval {
    site.interval()
}

/// Positions (in the catalogue's versions) of the events believed in `index`'s view.
pub fn event_positions(index: &Index) -> impl Iterator<Item = usize> + '_ {
    let knowledge = index.knowledge;
    index
        .events
        .all_events()
        .iter()
        .enumerate()
        .filter(move |(_, e)| e.known.believed_at(knowledge))
        .map(|(i, _)| i)
}

/// Positions (in the catalogue's versions) of the sites believed in `index`'s view.
pub fn site_positions(index: &Index) -> impl Iterator<Item = usize> + '_ {
    let knowledge = index.knowledge;
    index
        .events
        .all_sites()
        .iter()
        .enumerate()
        .filter(move |(_, s)| s.known.believed_at(knowledge))
        .map(|(i, _)| i)
}

/// The counts of a site's population: the latest (its upper bound, and its day) and the peak.
#[must_use]
pub fn populations(site: &Site) -> (Option<u64>, Option<Day>, Option<u64>) {
    let latest = site.populations().last();
    let peak = site.populations().filter_map(|o| o.max.or(o.min)).max();
    (
        latest.and_then(|o| o.max.or(o.min)),
        latest.map(|o| o.date),
        peak,
    )
}

fn count(n: Option<u64>) -> Value<'static> {
    #[expect(
        clippy::cast_precision_loss,
        reason = "people counts are far below 2^52"
    )]
    n.map_or(Value::Null, |n| Value::Number(n as f64))
}

fn event_value(e: &EventEntry, prop: usize) -> Value<'_> {
    let ev = e.event();
    match prop {
        0 => text(ev.kind.as_str()),
        1 => text(&ev.title),
        2 => text(&ev.summary),
        3 => Value::Instant(ev.date_start.0),
        4 => Value::Instant(ev.date_end.0),
        5 => text(ev.date_precision.as_str()),
        6 => Value::Instant(e.interval.from),
        7 => instant(e.interval.to),
        8 => text(&ev.place),
        9 => text(ev.location_precision.as_str()),
        10 => Value::Number(ev.location_precision.radius_km()),
        11 => joined(ev.factions.iter().map(String::as_str)),
        12 => optional(ev.responsible.as_deref()),
        13 => text(ev.grade.as_str()),
        14 => count(ev.largest()),
        15 => Value::Text(Cow::Owned(
            ev.figures
                .iter()
                .map(Figure::summary)
                .collect::<Vec<_>>()
                .join(";"),
        )),
        16 => joined(e.districts.iter().map(String::as_str)),
        17 => joined(ev.sources.iter().map(String::as_str)),
        _ => text(&ev.note),
    }
}

fn site_value(site: &Site, prop: usize) -> Value<'_> {
    let interval = site.interval();
    match prop {
        0 => text(site.kind.as_str()),
        1 => text(&site.name),
        2 => text(&site.operator),
        3 => text(site.location_precision.as_str()),
        4 => Value::Number(site.location_precision.radius_km()),
        5 => instant(site.opened.map(|d| d.0)),
        6 => instant(site.closed.map(|d| d.0)),
        7 => instant(site.opened.map(|_| interval.from)),
        8 => instant(interval.to),
        9 => count(populations(site).0),
        10 => instant(populations(site).1.map(|d| d.0)),
        11 => count(populations(site).2),
        12 => Value::Text(Cow::Owned(
            site.observations
                .iter()
                .map(Observation::summary)
                .collect::<Vec<_>>()
                .join(";"),
        )),
        13 => joined(site.sources.iter().map(String::as_str)),
        _ => text(&site.note),
    }
}

/// The position of property `name` in [`properties`], if the collection has it.
#[must_use]
pub fn find(c: Collection, name: &str) -> Option<usize> {
    properties(c).iter().position(|p| p.name == name)
}

/// A property's value on one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
    Number(f64),
    Instant(Instant),
}

impl Value<'_> {
    /// Order for `sortby` and comparisons between values of one kind; `None` across kinds or
    /// with a null.
    #[must_use]
    pub fn compare(&self, other: &Self) -> Option<Ordering> {
        match (self, other) {
            (Self::Text(a), Self::Text(b)) => Some(a.cmp(b)),
            (Self::Number(a), Self::Number(b)) => a.partial_cmp(b),
            (Self::Instant(a), Self::Instant(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

fn text(s: &str) -> Value<'_> {
    Value::Text(Cow::Borrowed(s))
}

fn joined<'a>(ids: impl Iterator<Item = &'a str>) -> Value<'a> {
    Value::Text(Cow::Owned(ids.collect::<Vec<_>>().join(";")))
}

fn optional(s: Option<&str>) -> Value<'_> {
    s.map_or(Value::Null, text)
}

fn instant(t: Option<Instant>) -> Value<'static> {
    t.map_or(Value::Null, Value::Instant)
}

/// The value of property number `prop` (see [`properties`]) of the feature at `position`.
///
/// # Runtime
/// O(1) for districts and states, apart from joining lists; a front piece's record is resolved
/// on each call.
#[must_use]
pub fn value(index: &Index, c: Collection, position: usize, prop: usize) -> Value<'_> {
    match c {
        Collection::Districts => {
            let entry = &index.districts[position];
            let d = &entry.district;
            match prop {
                0 => text(&d.name),
                1 => joined(d.alt_names.iter().map(String::as_str)),
                2 => optional(d.group.as_deref()),
                _ => Value::Number(crate::http::views::round3(entry.area_km2)),
            }
        }
        Collection::Control => {
            let s = &index.states[position];
            let d = &index.districts[s.district as usize].district;
            let faction = |f: u16| index.factions[f as usize].id.as_str();
            match prop {
                0 => text(&d.id),
                1 => text(&d.name),
                2 => optional(d.group.as_deref()),
                3 => text(s.status.as_str()),
                4 => match s.status {
                    Status::Held => text(faction(s.factions[0])),
                    Status::Contested => Value::Null,
                },
                5 => joined(s.factions.iter().map(|&f| faction(f))),
                6 => Value::Instant(s.interval.from),
                7 => instant(s.interval.to),
                8 => text(s.confidence.as_str()),
                9 => joined(
                    s.sources
                        .iter()
                        .map(|&x| index.sources[x as usize].id.as_str()),
                ),
                _ => text(&s.note),
            }
        }
        Collection::Frontline => {
            let piece = &index.fronts()[position];
            match prop {
                2 => text(side_label(index, &piece.side_a)),
                3 => text(side_label(index, &piece.side_b)),
                6 => Value::Instant(piece.interval.from),
                7 => instant(piece.interval.to),
                _ => {
                    let r = front_record(index, piece);
                    match prop {
                        0 => text(r.district_a),
                        1 => text(r.district_b),
                        4 => Value::Text(Cow::Owned(r.factions_a.join(";"))),
                        5 => Value::Text(Cow::Owned(r.factions_b.join(";"))),
                        _ => Value::Number(r.length_km),
                    }
                }
            }
        }
        Collection::Events => event_value(&index.events.all_events()[position], prop),
        Collection::Sites => site_value(&index.events.all_sites()[position].known.record, prop),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_collection_schema_lists_exactly_the_typed_properties() {
        use crate::domain::synth::{Params, generate};
        let data = generate(&Params {
            districts: 9,
            states: 30,
            seed: 1,
            river_m: 0.0,
            events: 0,
        });
        let index = Index::build(data, &[], 0);
        for c in Collection::ALL {
            let schema = c.properties(&index);
            let mut names: Vec<&str> = properties(c).iter().map(|p| p.name).collect();
            names.sort_unstable();
            let listed: Vec<&str> = schema.keys().map(String::as_str).collect();
            assert_eq!(names, listed, "{}", c.id());
            for p in properties(c) {
                let format = schema[p.name].get("format").and_then(|f| f.as_str());
                assert_eq!(
                    format == Some("date-time"),
                    p.kind == Kind::Instant,
                    "{}",
                    p.name
                );
            }
        }
    }
}

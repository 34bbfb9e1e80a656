//! The properties of each collection as typed values, for filters (`filter`, `name=value`) and
//! sorting (`sortby`). Lists are `;`-joined text, as the features carry them.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::Collection;
use crate::domain::index::Index;
use crate::domain::model::Status;
use crate::domain::time::Instant;
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

/// Every property of the collection's features, in the order features carry them. All of them
/// are queryable and sortable.
#[must_use]
pub fn properties(c: Collection) -> &'static [Property] {
    match c {
        Collection::Districts => DISTRICTS,
        Collection::Control => CONTROL,
        Collection::Frontline => FRONTLINE,
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

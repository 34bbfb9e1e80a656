//! Edits in the data set's own terms: reading a proposed state, source or faction from a JSON
//! body with every problem found, and planning how a new state replaces the part of a district's
//! history it covers (the rest is kept, trimmed or split, as SQL:2011 `FOR PORTION OF` does).

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::index::Index;
use super::model::{Confidence, ControlState, Faction, Source, SourceKind, Status};
use super::time::Instant;
use super::validate::{ID_FORM, is_valid_id};

/// Longest note or comment accepted, in bytes.
pub const MAX_TEXT: usize = 4000;

/// Reads the fields of one JSON object, collecting a problem per missing, mistyped or unknown
/// field, so one answer lists them all.
struct Fields<'a> {
    object: &'a Map<String, Value>,
    problems: Vec<String>,
}

impl<'a> Fields<'a> {
    fn new(body: &'a Value, allowed: &[&str]) -> Result<Self, Vec<String>> {
        let Some(object) = body.as_object() else {
            return Err(vec!["the body must be a JSON object".into()]);
        };
        let mut problems: Vec<String> = object
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()))
            .map(|k| {
                format!(
                    "`{k}`: unknown field; the fields are {}",
                    allowed.join(", ")
                )
            })
            .collect();
        problems.sort();
        Ok(Self { object, problems })
    }

    fn problem(&mut self, field: &str, message: impl std::fmt::Display) {
        self.problems.push(format!("`{field}`: {message}"));
    }

    /// A string field; `None` (with a problem when required) if missing or not a string.
    fn text(&mut self, field: &str, required: bool) -> Option<&'a str> {
        match self.object.get(field) {
            Some(Value::String(s)) if s.len() > MAX_TEXT => {
                self.problem(field, format!("longer than {MAX_TEXT} bytes"));
                None
            }
            Some(Value::String(s)) => Some(s),
            None | Some(Value::Null) if !required => None,
            None => {
                self.problem(field, "missing");
                None
            }
            Some(other) => {
                self.problem(field, format!("expected a string, found {other}"));
                None
            }
        }
    }

    /// An array of strings.
    fn list(&mut self, field: &str) -> Option<Vec<&'a str>> {
        match self.object.get(field) {
            Some(Value::Array(items)) => {
                let strings: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                if strings.is_none() {
                    self.problem(field, "expected an array of id strings");
                }
                strings
            }
            None => {
                self.problem(field, "missing: expected an array of ids");
                None
            }
            Some(other) => {
                self.problem(field, format!("expected an array of ids, found {other}"));
                None
            }
        }
    }

    fn parsed<T: std::str::FromStr>(&mut self, field: &str, required: bool) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text(field, required)?;
        match text.parse() {
            Ok(v) => Some(v),
            Err(e) => {
                self.problem(field, e);
                None
            }
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<String>> {
        match value {
            Some(v) if self.problems.is_empty() => Ok(v),
            _ => Err(self.problems),
        }
    }
}

/// A new state for one district, and why it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateEdit {
    pub state: ControlState,
    pub comment: String,
}

/// The fields of a state edit.
pub const STATE_FIELDS: &[&str] = &[
    "status",
    "factions",
    "valid_from",
    "valid_to",
    "confidence",
    "sources",
    "note",
    "comment",
];

/// Reads a state for `district` from `body`, checking it against the index's factions and
/// sources with the same rules as an import.
///
/// # Errors
/// Every problem found, each naming its field.
pub fn parse_state(index: &Index, district: &str, body: &Value) -> Result<StateEdit, Vec<String>> {
    let mut f = Fields::new(body, STATE_FIELDS)?;
    let status: Option<Status> = f.parsed("status", true);
    let confidence: Option<Confidence> = f.parsed("confidence", true);
    let valid_from: Option<Instant> = f.parsed("valid_from", true);
    let valid_to: Option<Instant> = f.parsed("valid_to", false);
    let factions = f.list("factions").unwrap_or_default();
    let sources = f.list("sources").unwrap_or_default();
    let note = f.text("note", false).unwrap_or_default();
    let comment = f.text("comment", true).unwrap_or_default().trim();
    if comment.is_empty() && f.object.contains_key("comment") {
        f.problem("comment", "empty: say why this edit is made");
    }
    let known = |ids: Vec<String>| ids.join(", ");
    for id in &factions {
        if index.faction_index(id).is_none() {
            let all = known(index.factions.iter().map(|x| x.id.clone()).collect());
            f.problem(
                "factions",
                format!("unknown faction '{id}': known factions are {all}"),
            );
        }
    }
    if factions.iter().collect::<HashSet<_>>().len() != factions.len() {
        f.problem("factions", "a faction is listed twice");
    }
    match status {
        Some(Status::Held) if factions.len() != 1 && f.object.contains_key("factions") => f
            .problem(
                "factions",
                format!(
                    "status 'held' needs exactly one faction, found {}",
                    factions.len()
                ),
            ),
        Some(Status::Contested) if factions.len() < 2 && f.object.contains_key("factions") => f
            .problem(
                "factions",
                format!(
                    "status 'contested' needs two or more factions, found {}",
                    factions.len()
                ),
            ),
        _ => {}
    }
    if sources.is_empty() && f.object.contains_key("sources") {
        f.problem(
            "sources",
            "empty: every state cites at least one source id (see /api/sources)",
        );
    }
    let mut kinds = Vec::new();
    for id in &sources {
        match index.sources.iter().find(|s| s.id == *id) {
            Some(s) => kinds.push(s.kind),
            None => f.problem(
                "sources",
                format!("unknown source '{id}': add it with POST /api/sources first"),
            ),
        }
    }
    let classified: Vec<SourceKind> = kinds.iter().flatten().copied().collect();
    if confidence == Some(Confidence::Confirmed)
        && !classified.is_empty()
        && !classified.iter().any(|k| k.is_credible())
    {
        f.problem(
            "confidence",
            "'confirmed' needs a credible source (kind wire, un, analyst or news): cite one or grade it 'reported' or lower",
        );
    }
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to <= from
    {
        f.problem(
            "valid_to",
            format!("{to} is not after valid_from {from}: intervals are [valid_from, valid_to)"),
        );
    }
    let state = (|| {
        Some(ControlState {
            district: district.to_owned(),
            status: status?,
            factions: factions.iter().map(|s| (*s).to_owned()).collect(),
            valid_from: valid_from?,
            valid_to,
            confidence: confidence?,
            sources: sources.iter().map(|s| (*s).to_owned()).collect(),
            note: note.to_owned(),
        })
    })();
    let comment = comment.to_owned();
    f.finish(state.map(|state| StateEdit { state, comment }))
}

/// What an edit of a district's control does: the states it stops believing (positions in
/// `Index::states`) and the states it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub close: Vec<usize>,
    pub insert: Vec<ControlState>,
    /// Which of `insert` is the state asked for (the others are the parts kept of older ones).
    pub new: Option<usize>,
}

/// How `new` replaces district `d`'s control over its interval: every state believed that
/// overlaps it is superseded, and the parts of those states outside it are recorded again.
#[must_use]
pub fn plan_set(index: &Index, d: u32, new: ControlState) -> Plan {
    let start = index.states.offset(d as usize);
    let (a, b) = (new.valid_from, new.valid_to);
    let span = new.interval();
    let mut plan = Plan {
        close: Vec::new(),
        insert: Vec::new(),
        new: None,
    };
    for (i, s) in index.history(d).iter().enumerate() {
        if !s.interval.overlaps(&span) {
            continue;
        }
        plan.close.push(start + i);
        let old = index.control_state(s);
        if s.interval.from < a {
            plan.insert.push(ControlState {
                valid_to: Some(a),
                ..old.clone()
            });
        }
        if let Some(b) = b
            && s.interval.to.is_none_or(|to| to > b)
        {
            plan.insert.push(ControlState {
                valid_from: b,
                ..old
            });
        }
    }
    plan.insert.push(new);
    plan.insert.sort_by_key(|s| s.valid_from);
    plan.new = plan
        .insert
        .iter()
        .position(|s| s.valid_from == a && s.valid_to == b);
    plan
}

/// Withdrawing the state at `position` of `Index::states`: nothing replaces it.
#[must_use]
pub fn plan_retract(position: usize) -> Plan {
    Plan {
        close: vec![position],
        insert: Vec::new(),
        new: None,
    }
}

/// Reads a new source from `body`.
///
/// # Errors
/// Every problem found, each naming its field.
pub fn parse_source(body: &Value) -> Result<(Source, String), Vec<String>> {
    let mut f = Fields::new(
        body,
        &[
            "id",
            "title",
            "publisher",
            "published",
            "url",
            "kind",
            "note",
            "comment",
        ],
    )?;
    let id = checked_id(&mut f);
    let title = f.text("title", true);
    let publisher = f.text("publisher", true);
    let published = f.text("published", true);
    if let Some(p) = published
        && chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").is_err()
    {
        f.problem(
            "published",
            format!("'{p}' is not a date: expected YYYY-MM-DD"),
        );
    }
    let url = f.text("url", true);
    if let Some(u) = url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        f.problem(
            "url",
            format!("'{u}' is not a web address: it must link to the report itself (https://…)"),
        );
    }
    let kind: Option<SourceKind> = f.parsed("kind", false);
    let note = f.text("note", false).unwrap_or_default().to_owned();
    let comment = f
        .text("comment", false)
        .unwrap_or("source added")
        .to_owned();
    let source = (|| {
        Some(Source {
            id: id?,
            title: title?.to_owned(),
            publisher: publisher?.to_owned(),
            published: published?.to_owned(),
            url: url?.to_owned(),
            kind,
            note,
        })
    })();
    f.finish(source.map(|s| (s, comment)))
}

/// Reads a new faction from `body`.
///
/// # Errors
/// Every problem found, each naming its field.
pub fn parse_faction(body: &Value) -> Result<(Faction, String), Vec<String>> {
    let mut f = Fields::new(body, &["id", "name", "color", "alliance", "comment"])?;
    let id = checked_id(&mut f);
    let name = f.text("name", true);
    let color = f.text("color", true);
    if let Some(c) = color
        && !(c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit()))
    {
        f.problem("color", format!("'{c}' is not a colour: expected #rrggbb"));
    }
    let alliance = f.text("alliance", false).map(str::to_owned);
    let comment = f
        .text("comment", false)
        .unwrap_or("faction added")
        .to_owned();
    let faction = (|| {
        Some(Faction {
            id: id?,
            name: name?.to_owned(),
            color: color?.to_owned(),
            alliance,
        })
    })();
    f.finish(faction.map(|x| (x, comment)))
}

fn checked_id(f: &mut Fields<'_>) -> Option<String> {
    let id = f.text("id", true)?;
    if is_valid_id(id) {
        Some(id.to_owned())
    } else {
        f.problem(
            "id",
            format!("'{id}' is not a valid id: expected {ID_FORM}"),
        );
        None
    }
}

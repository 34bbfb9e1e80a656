//! The rules events and sites must satisfy, checked against the rest of the data set. What each
//! field must look like on its own (a kind from the list, a date, a number) is checked as the
//! files are read; this checks what needs the whole data set.

use std::collections::HashSet;

use super::{Event, Figure, Observation, Site};
use crate::domain::limits::{NAME_CHARS, NOTE_CHARS, TITLE_CHARS, too_long};
use crate::domain::model::Dataset;
use crate::domain::validate::{
    EVENTS, FIGURES, ID_FORM, Issue, Locations, OBSERVATIONS, SITES, is_valid_id,
};

/// Every problem of the data set's events and sites, in file order.
#[must_use]
pub fn check(data: &Dataset, at: &Locations) -> Vec<Issue> {
    let factions: HashSet<&str> = data.factions.iter().map(|f| f.id.as_str()).collect();
    let sources: HashSet<&str> = data.sources.iter().map(|s| s.id.as_str()).collect();
    let mut out = Checker {
        issues: Vec::new(),
        sources: &sources,
    };
    let mut ids = HashSet::new();
    for (i, e) in data.events.iter().enumerate() {
        let loc = Locations::line(&at.events, i);
        out.event(e, &loc, &factions, &mut ids);
        for (j, f) in e.figures.iter().enumerate() {
            let loc = at.figures.get(i).and_then(|l| l.get(j)).map_or_else(
                || format!("figure {} of event '{}'", j + 1, e.id),
                |line| format!("line {line}"),
            );
            out.figure(f, &loc);
        }
    }
    let mut ids = HashSet::new();
    for (i, s) in data.sites.iter().enumerate() {
        let loc = Locations::line(&at.sites, i);
        out.site(s, &loc, &mut ids);
        for (j, o) in s.observations.iter().enumerate() {
            let loc = at.observations.get(i).and_then(|l| l.get(j)).map_or_else(
                || format!("observation {} of site '{}'", j + 1, s.id),
                |line| format!("line {line}"),
            );
            out.observation(o, &loc);
        }
    }
    out.issues
}

struct Checker<'a> {
    issues: Vec<Issue>,
    sources: &'a HashSet<&'a str>,
}

impl Checker<'_> {
    fn push(&mut self, file: &'static str, loc: &str, message: String) {
        self.issues.push(Issue {
            file: file.into(),
            location: loc.to_owned(),
            message,
        });
    }

    fn limit(&mut self, file: &'static str, loc: &str, what: &str, text: &str, max: usize) {
        if let Some(problem) = too_long(what, text, max) {
            self.push(file, loc, problem);
        }
    }

    fn id<'b>(
        &mut self,
        file: &'static str,
        loc: &str,
        what: &str,
        id: &'b str,
        seen: &mut HashSet<&'b str>,
    ) {
        if !is_valid_id(id) {
            self.push(
                file,
                loc,
                format!("id '{id}' is not valid: expected {ID_FORM}"),
            );
        } else if !seen.insert(id) {
            self.push(
                file,
                loc,
                format!("{what} id '{id}' is used twice: ids must be unique"),
            );
        }
    }

    fn place(&mut self, file: &'static str, loc: &str, lon: f64, lat: f64) {
        if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
            self.push(
                file,
                loc,
                format!("lon {lon} is out of range: expected -180 to 180 (WGS 84)"),
            );
        }
        if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            self.push(
                file,
                loc,
                format!("lat {lat} is out of range: expected -90 to 90 (WGS 84)"),
            );
        }
    }

    fn cites(&mut self, file: &'static str, loc: &str, column: &str, ids: &[String]) {
        if ids.is_empty() {
            self.push(
                file,
                loc,
                format!(
                    "{column} is empty: every record cites at least one source id from sources.csv"
                ),
            );
        }
        for s in ids {
            if !self.sources.contains(s.as_str()) {
                self.push(
                    file,
                    loc,
                    format!("{column}: source '{s}' is not in sources.csv"),
                );
            }
        }
    }

    fn count(&mut self, file: &'static str, loc: &str, min: Option<u64>, max: Option<u64>) {
        match (min, max) {
            (None, None) => self.push(
                file,
                loc,
                "min and max are both empty: give at least one (min alone reads 'at least', max alone 'up to')".into(),
            ),
            (Some(a), Some(b)) if a > b => {
                self.push(file, loc, format!("min {a} is greater than max {b}"));
            }
            _ => {}
        }
    }

    fn event<'b>(
        &mut self,
        e: &'b Event,
        loc: &str,
        factions: &HashSet<&str>,
        ids: &mut HashSet<&'b str>,
    ) {
        self.id(EVENTS, loc, "event", &e.id, ids);
        if e.title.trim().is_empty() {
            self.push(
                EVENTS,
                loc,
                "title is empty: every event needs a title".into(),
            );
        }
        self.limit(EVENTS, loc, "title", &e.title, NAME_CHARS);
        self.limit(EVENTS, loc, "summary", &e.summary, NOTE_CHARS);
        self.limit(EVENTS, loc, "place", &e.place, NAME_CHARS);
        self.limit(EVENTS, loc, "note", &e.note, NOTE_CHARS);
        if e.date_end < e.date_start {
            self.push(
                EVENTS,
                loc,
                format!(
                    "date_end {} is before date_start {}",
                    e.date_end, e.date_start
                ),
            );
        }
        self.place(EVENTS, loc, e.lon, e.lat);
        for f in &e.factions {
            if !factions.contains(f.as_str()) {
                self.push(
                    EVENTS,
                    loc,
                    format!("factions: faction '{f}' is not in factions.csv"),
                );
            }
        }
        if let Some(r) = &e.responsible
            && !e.factions.contains(r)
        {
            self.push(
                EVENTS,
                loc,
                format!(
                    "responsible '{r}' is not among the event's factions ({}): list it there too",
                    e.factions.join(";")
                ),
            );
        }
        self.cites(EVENTS, loc, "sources", &e.sources);
    }

    fn figure(&mut self, f: &Figure, loc: &str) {
        self.count(FIGURES, loc, f.min, f.max);
        if f.claimant.trim().is_empty() {
            self.push(
                FIGURES,
                loc,
                "claimant is empty: say who makes the claim".into(),
            );
        }
        self.limit(FIGURES, loc, "claimant", &f.claimant, TITLE_CHARS);
        self.limit(FIGURES, loc, "note", &f.note, NOTE_CHARS);
        self.cites(FIGURES, loc, "source", std::slice::from_ref(&f.source));
    }

    fn site<'b>(&mut self, s: &'b Site, loc: &str, ids: &mut HashSet<&'b str>) {
        self.id(SITES, loc, "site", &s.id, ids);
        if s.name.trim().is_empty() {
            self.push(SITES, loc, "name is empty: every site needs a name".into());
        }
        self.limit(SITES, loc, "name", &s.name, NAME_CHARS);
        self.limit(SITES, loc, "operator", &s.operator, NAME_CHARS);
        self.limit(SITES, loc, "note", &s.note, NOTE_CHARS);
        self.place(SITES, loc, s.lon, s.lat);
        if let (Some(o), Some(c)) = (s.opened, s.closed)
            && c < o
        {
            self.push(SITES, loc, format!("closed {c} is before opened {o}"));
        }
        self.cites(SITES, loc, "sources", &s.sources);
    }

    fn observation(&mut self, o: &Observation, loc: &str) {
        self.count(OBSERVATIONS, loc, o.min, o.max);
        self.limit(OBSERVATIONS, loc, "note", &o.note, NOTE_CHARS);
        self.cites(OBSERVATIONS, loc, "source", std::slice::from_ref(&o.source));
    }
}

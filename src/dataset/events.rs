//! Reading and writing the optional events and sites files (`docs/events.md`): `events.csv`
//! with `event_figures.csv`, `sites.csv` with `site_observations.csv`.

use std::collections::HashMap;
use std::io;
use std::path::Path;
use std::str::FromStr;

use super::read::{read_csv, split_list};
use crate::domain::events::{Day, Event, Figure, Observation, Site};
use crate::domain::model::Dataset;
use crate::domain::validate::{EVENTS, FIGURES, Issue, Locations, OBSERVATIONS, SITES};

pub(crate) const EVENT_COLUMNS: [&str; 16] = [
    "id",
    "kind",
    "title",
    "summary",
    "date_start",
    "date_end",
    "date_precision",
    "lon",
    "lat",
    "location_precision",
    "place",
    "factions",
    "responsible",
    "grade",
    "sources",
    "note",
];
pub(crate) const FIGURE_COLUMNS: [&str; 8] = [
    "event", "metric", "group", "min", "max", "claimant", "source", "note",
];
pub(crate) const SITE_COLUMNS: [&str; 11] = [
    "id",
    "kind",
    "name",
    "operator",
    "lon",
    "lat",
    "location_precision",
    "opened",
    "closed",
    "sources",
    "note",
];
pub(crate) const OBSERVATION_COLUMNS: [&str; 7] =
    ["site", "date", "metric", "min", "max", "source", "note"];

/// What the events files held, to be put into the data set once read.
pub(super) struct Read {
    events: Vec<Event>,
    sites: Vec<Site>,
}

impl Read {
    pub(super) fn apply(self, data: &mut Dataset) {
        data.events = self.events;
        data.sites = self.sites;
    }
}

/// Parses one row's fields, collecting a message per bad field.
struct Fields<'a> {
    row: &'a [String],
    errors: Vec<String>,
}

impl<'a> Fields<'a> {
    fn text(&self, i: usize) -> String {
        self.row[i].trim().to_owned()
    }

    fn parse<T: FromStr>(&mut self, i: usize, name: &str) -> Option<T>
    where
        T::Err: ToString,
    {
        self.row[i]
            .trim()
            .parse::<T>()
            .map_err(|e| self.errors.push(format!("{name}: {}", e.to_string())))
            .ok()
    }

    fn optional<T: FromStr>(&mut self, i: usize, name: &str) -> Option<Option<T>>
    where
        T::Err: ToString,
    {
        if self.row[i].trim().is_empty() {
            Some(None)
        } else {
            self.parse(i, name).map(Some)
        }
    }

    fn number(&mut self, i: usize, name: &str) -> Option<f64> {
        let text = self.row[i].trim();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Some(v),
            _ => {
                self.errors.push(format!(
                    "{name}: '{text}' is not a number: expected decimal degrees (WGS 84)"
                ));
                None
            }
        }
    }

    fn count(&mut self, i: usize, name: &str) -> Option<Option<u64>> {
        let text = self.row[i].trim();
        if text.is_empty() {
            return Some(None);
        }
        if let Ok(n) = text.parse::<u64>() {
            Some(Some(n))
        } else {
            self.errors
                .push(format!("{name}: '{text}' is not a whole number ≥ 0"));
            None
        }
    }

    fn list(&self, i: usize) -> Vec<String> {
        split_list(&self.row[i])
    }
}

fn located(file: &'static str, line: u64, errors: Vec<String>, issues: &mut Vec<Issue>) {
    issues.extend(errors.into_iter().map(|message| Issue {
        file: file.into(),
        location: format!("line {line}"),
        message,
    }));
}

/// Reads whichever of the four events files are in `dir` on their own (without the checks
/// across files, which need the factions and sources): for tools that assemble a data set.
///
/// # Errors
/// Every malformed row, located.
pub fn read_only(dir: &Path) -> Result<(Vec<Event>, Vec<Site>), super::Invalid> {
    let mut issues = Vec::new();
    let read = read(dir, &mut Locations::default(), &mut issues);
    if issues.is_empty() {
        Ok((read.events, read.sites))
    } else {
        Err(super::Invalid(issues))
    }
}

/// Reads whichever of the four files are in `dir`, recording lines in `at`.
pub(super) fn read(dir: &Path, at: &mut Locations, issues: &mut Vec<Issue>) -> Read {
    let present = |f: &str| dir.join(f).exists();
    let mut events = Vec::new();
    if present(EVENTS) {
        let (rows, _) = read_csv(dir, EVENTS, &EVENT_COLUMNS, 0, issues);
        for (line, row) in rows {
            let mut f = Fields {
                row: &row,
                errors: Vec::new(),
            };
            let parsed = (
                f.parse(1, "kind"),
                f.parse::<Day>(4, "date_start"),
                f.optional::<Day>(5, "date_end"),
                f.parse(6, "date_precision"),
                f.number(7, "lon"),
                f.number(8, "lat"),
                f.parse(9, "location_precision"),
                f.parse(13, "grade"),
            );
            if let (
                Some(kind),
                Some(date_start),
                Some(date_end),
                Some(date_precision),
                Some(lon),
                Some(lat),
                Some(location_precision),
                Some(grade),
            ) = parsed
                && f.errors.is_empty()
            {
                at.events.push(line);
                events.push(Event {
                    id: f.text(0),
                    kind,
                    title: f.text(2),
                    summary: f.text(3),
                    date_start,
                    date_end: date_end.unwrap_or(date_start),
                    date_precision,
                    lon,
                    lat,
                    location_precision,
                    place: f.text(10),
                    factions: f.list(11),
                    responsible: Some(f.text(12)).filter(|r| !r.is_empty()),
                    grade,
                    sources: f.list(14),
                    note: f.text(15),
                    figures: Vec::new(),
                });
            } else {
                located(EVENTS, line, f.errors, issues);
            }
        }
    }
    at.figures = vec![Vec::new(); events.len()];
    if present(FIGURES) {
        if present(EVENTS) {
            read_figures(dir, &mut events, at, issues);
        } else {
            issues.push(Issue {
                file: FIGURES.into(),
                location: "-".into(),
                message: format!("needs {EVENTS}: figures belong to events"),
            });
        }
    }
    let mut sites = Vec::new();
    if present(SITES) {
        let (rows, _) = read_csv(dir, SITES, &SITE_COLUMNS, 0, issues);
        for (line, row) in rows {
            let mut f = Fields {
                row: &row,
                errors: Vec::new(),
            };
            let parsed = (
                f.parse(1, "kind"),
                f.number(4, "lon"),
                f.number(5, "lat"),
                f.parse(6, "location_precision"),
                f.optional::<Day>(7, "opened"),
                f.optional::<Day>(8, "closed"),
            );
            if let (Some(kind), Some(lon), Some(lat), Some(lp), Some(opened), Some(closed)) = parsed
                && f.errors.is_empty()
            {
                at.sites.push(line);
                sites.push(Site {
                    id: f.text(0),
                    kind,
                    name: f.text(2),
                    operator: f.text(3),
                    lon,
                    lat,
                    location_precision: lp,
                    opened,
                    closed,
                    sources: f.list(9),
                    note: f.text(10),
                    observations: Vec::new(),
                });
            } else {
                located(SITES, line, f.errors, issues);
            }
        }
    }
    at.observations = vec![Vec::new(); sites.len()];
    if present(OBSERVATIONS) {
        if present(SITES) {
            read_observations(dir, &mut sites, at, issues);
        } else {
            issues.push(Issue {
                file: OBSERVATIONS.into(),
                location: "-".into(),
                message: format!("needs {SITES}: observations belong to sites"),
            });
        }
    }
    Read { events, sites }
}

fn read_figures(dir: &Path, events: &mut [Event], at: &mut Locations, issues: &mut Vec<Issue>) {
    let by_id: HashMap<String, usize> = events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let (rows, _) = read_csv(dir, FIGURES, &FIGURE_COLUMNS, 0, issues);
    for (line, row) in rows {
        let mut f = Fields {
            row: &row,
            errors: Vec::new(),
        };
        let event = by_id.get(row[0].trim()).copied();
        if event.is_none() {
            f.errors.push(format!(
                "event: '{}' is not an id in {EVENTS}",
                row[0].trim()
            ));
        }
        let parsed = (
            f.parse(1, "metric"),
            f.parse(2, "group"),
            f.count(3, "min"),
            f.count(4, "max"),
        );
        if let (Some(e), (Some(metric), Some(group), Some(min), Some(max))) = (event, parsed)
            && f.errors.is_empty()
        {
            at.figures[e].push(line);
            events[e].figures.push(Figure {
                metric,
                group,
                min,
                max,
                claimant: f.text(5),
                source: f.text(6),
                note: f.text(7),
            });
        } else {
            located(FIGURES, line, f.errors, issues);
        }
    }
}

fn read_observations(dir: &Path, sites: &mut [Site], at: &mut Locations, issues: &mut Vec<Issue>) {
    let by_id: HashMap<String, usize> = sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.clone(), i))
        .collect();
    let (rows, _) = read_csv(dir, OBSERVATIONS, &OBSERVATION_COLUMNS, 0, issues);
    let mut found: Vec<Vec<(u64, Observation)>> = vec![Vec::new(); sites.len()];
    for (line, row) in rows {
        let mut f = Fields {
            row: &row,
            errors: Vec::new(),
        };
        let site = by_id.get(row[0].trim()).copied();
        if site.is_none() {
            f.errors
                .push(format!("site: '{}' is not an id in {SITES}", row[0].trim()));
        }
        let parsed = (
            f.parse::<Day>(1, "date"),
            f.parse(2, "metric"),
            f.count(3, "min"),
            f.count(4, "max"),
        );
        if let (Some(s), (Some(date), Some(metric), Some(min), Some(max))) = (site, parsed)
            && f.errors.is_empty()
        {
            found[s].push((
                line,
                Observation {
                    date,
                    metric,
                    min,
                    max,
                    source: f.text(5),
                    note: f.text(6),
                },
            ));
        } else {
            located(OBSERVATIONS, line, f.errors, issues);
        }
    }
    for (s, mut list) in found.into_iter().enumerate() {
        list.sort_by_key(|(_, o)| o.date);
        let (lines, observations) = list.into_iter().unzip();
        at.observations[s] = lines;
        sites[s].observations = observations;
    }
}

/// Writes the events and sites files of `data` into `dir`, only those it has records for:
/// events sorted by `date_start`, then id; figures in event order; sites by id.
///
/// # Errors
/// Any I/O error.
pub(super) fn write(data: &Dataset, dir: &Path) -> io::Result<()> {
    let opt = |d: Option<Day>| d.map(|d| d.to_string()).unwrap_or_default();
    let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    if !data.events.is_empty() {
        let mut events: Vec<&Event> = data.events.iter().collect();
        events.sort_by(|a, b| (a.date_start, &a.id).cmp(&(b.date_start, &b.id)));
        let mut w = super::write::csv_writer(&dir.join(EVENTS))?;
        w.write_record(EVENT_COLUMNS)?;
        for e in &events {
            let end = if e.date_end == e.date_start {
                String::new()
            } else {
                e.date_end.to_string()
            };
            w.write_record([
                e.id.as_str(),
                e.kind.as_str(),
                &e.title,
                &e.summary,
                &e.date_start.to_string(),
                &end,
                e.date_precision.as_str(),
                &e.lon.to_string(),
                &e.lat.to_string(),
                e.location_precision.as_str(),
                &e.place,
                &e.factions.join(";"),
                e.responsible.as_deref().unwrap_or_default(),
                e.grade.as_str(),
                &e.sources.join(";"),
                &e.note,
            ])?;
        }
        w.flush()?;
        if events.iter().any(|e| !e.figures.is_empty()) {
            let mut w = super::write::csv_writer(&dir.join(FIGURES))?;
            w.write_record(FIGURE_COLUMNS)?;
            for e in &events {
                for f in &e.figures {
                    w.write_record([
                        e.id.as_str(),
                        f.metric.as_str(),
                        f.group.as_str(),
                        &num(f.min),
                        &num(f.max),
                        &f.claimant,
                        &f.source,
                        &f.note,
                    ])?;
                }
            }
            w.flush()?;
        }
    }
    if !data.sites.is_empty() {
        let mut sites: Vec<&Site> = data.sites.iter().collect();
        sites.sort_by(|a, b| a.id.cmp(&b.id));
        let mut w = super::write::csv_writer(&dir.join(SITES))?;
        w.write_record(SITE_COLUMNS)?;
        for s in &sites {
            w.write_record([
                s.id.as_str(),
                s.kind.as_str(),
                &s.name,
                &s.operator,
                &s.lon.to_string(),
                &s.lat.to_string(),
                s.location_precision.as_str(),
                &opt(s.opened),
                &opt(s.closed),
                &s.sources.join(";"),
                &s.note,
            ])?;
        }
        w.flush()?;
        if sites.iter().any(|s| !s.observations.is_empty()) {
            let mut w = super::write::csv_writer(&dir.join(OBSERVATIONS))?;
            w.write_record(OBSERVATION_COLUMNS)?;
            for s in &sites {
                for o in &s.observations {
                    w.write_record([
                        s.id.as_str(),
                        &o.date.to_string(),
                        o.metric.as_str(),
                        &num(o.min),
                        &num(o.max),
                        &o.source,
                        &o.note,
                    ])?;
                }
            }
            w.flush()?;
        }
    }
    Ok(())
}

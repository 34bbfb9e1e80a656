//! What a report shows, taken from the index: the districts in the frame with their state at `at`
//! (and whether they changed hands since `since`), projected onto the page, and the sources cited.
//! All maths on areas, fronts and hand-overs stays in the domain; this only selects and projects.

use geo::Geometry;

use super::events::MAX_EVENTS;
use super::frame::Frame;
use crate::domain::events::{Day, Event, EventQuery};
use crate::domain::geometry::Bbox;
use crate::domain::index::{Index, Side};
use crate::domain::model::SourceKind;
use crate::domain::regions::{Region, Selector};
use crate::domain::time::{Instant, Period};

const MS_PER_DAY: i64 = 86_400_000;

/// A district as drawn.
#[derive(Debug, Clone)]
pub struct Shown {
    pub district: u32,
    /// Index into `index.states` of the state at `at`; `None` is unknown.
    pub state: Option<usize>,
    /// Whether its side at `at` differs from its side at `since` (always false without `since`).
    pub changed: bool,
    /// Its polygons on the page: each a list of rings (exterior first), px.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
}

/// Everything drawn on the map, in data set order.
#[derive(Debug, Clone)]
pub struct Scene {
    pub shown: Vec<Shown>,
    /// The land in the frame: the figures of the legend are for it.
    pub region: Region,
    /// Source indices behind the states shown (and, with `since`, the changes), published on or
    /// before the map's date, with their citation counts; see [`build`] for the order.
    pub sources: Vec<(u32, usize)>,
    /// How many reports behind the states shown were published after the map's date (and are
    /// therefore not listed).
    pub later_sources: usize,
    /// Length of the front line in the frame, km.
    pub front_km: f64,
    /// With `events=`, the window in words ("11–17 March 2017"), and the events in it and in
    /// the frame, numbered by date (at most [`MAX_EVENTS`]); `more_events` counts the rest.
    pub event_window: Option<String>,
    pub events: Vec<ShownEvent>,
    pub more_events: usize,
}

/// An event as drawn: its number in the key and its place on the page.
#[derive(Debug, Clone)]
pub struct ShownEvent {
    pub event: Event,
    pub number: usize,
    pub px: (f64, f64),
}

/// The events whose days meet the `days` days up to and including the day of `at`, inside the
/// frame, by date.
fn events_in(
    index: &Index,
    frame: &Frame,
    at: Instant,
    days: u32,
) -> (String, Vec<ShownEvent>, usize) {
    let end = Day::of(at).end();
    let start = Instant(end.0 - i64::from(days) * MS_PER_DAY);
    let period = Period {
        start: Some(start),
        // The period is closed: the last millisecond of the day of `at`.
        end: Some(Instant(end.0 - 1)),
    };
    let query = EventQuery {
        period: Some(period),
        bbox: Some(Bbox(frame.extent())),
        known_at: index.knowledge,
        ..EventQuery::default()
    };
    let found: Vec<&Event> = index.events.events(&query).map(|e| e.event()).collect();
    let more = found.len().saturating_sub(MAX_EVENTS);
    let shown = found
        .into_iter()
        .take(MAX_EVENTS)
        .enumerate()
        .map(|(i, event)| ShownEvent {
            event: event.clone(),
            number: i + 1,
            px: frame.to_px(event.lon, event.lat),
        })
        .collect();
    let first = Day::of(start);
    let last = Day::of(Instant(end.0 - 1));
    let window = if first == last {
        first.0.long_date()
    } else {
        format!("{} – {}", first.0.long_date(), last.0.long_date())
    };
    (window, shown, more)
}

/// The side a state stands for, `None` for no state (unknown).
fn side(index: &Index, state: Option<usize>) -> Option<Side> {
    state.map(|s| index.states[s].side())
}

#[must_use]
pub fn build(
    index: &Index,
    frame: &Frame,
    at: Instant,
    since: Option<Instant>,
    event_days: Option<u32>,
) -> Scene {
    let bbox = Bbox(frame.extent());
    let shown: Vec<Shown> = index
        .districts_in(Some(&bbox))
        .into_iter()
        .map(|d| {
            let state = index.state_at(d, at);
            let changed =
                since.is_some_and(|t0| side(index, index.state_at(d, t0)) != side(index, state));
            Shown {
                district: d,
                state,
                changed,
                polygons: project(&index.districts[d as usize].district.geometry, frame),
            }
        })
        .collect();
    let (event_window, events, more_events) = match event_days {
        Some(days) => {
            let (w, e, m) = events_in(index, frame, at, days);
            (Some(w), e, m)
        }
        None => (None, Vec::new(), 0),
    };
    let (sources, later_sources) = cited(index, &shown, &events, at);
    let region = index
        .region(&Selector::Bbox(bbox))
        .expect("a box is always a region");
    let front_km = index
        .frontline(at, Some(&bbox))
        .iter()
        .map(|f| f.border.length_km)
        .sum();
    Scene {
        shown,
        region,
        sources,
        later_sources,
        front_km,
        event_window,
        events,
        more_events,
    }
}

/// The reports behind the states shown, published by the map's date, in the order a reader
/// should weigh them: those behind the changes shown first (with `since`); then wire services
/// and UN agencies, then analysts and newspapers, then the rest; within each, those behind the
/// most recent facts first (the news of the day before the background), then the most cited,
/// then by id. Also how many were published later.
fn cited(
    index: &Index,
    shown: &[Shown],
    events: &[ShownEvent],
    at: Instant,
) -> (Vec<(u32, usize)>, usize) {
    // Per source: citations, whether it is behind a change shown, and the latest start of a
    // state citing it.
    let mut counts: Vec<(usize, bool, Option<Instant>)> =
        vec![(0, false, None); index.sources.len()];
    for d in shown {
        let Some(s) = d.state else { continue };
        let state = &index.states[s];
        for &src in state.sources.iter() {
            let c = &mut counts[src as usize];
            c.0 += 1;
            c.1 |= d.changed;
            c.2 = c.2.max(Some(state.interval.from));
        }
    }
    // The reports behind the events shown rank with those behind the changes: they are the
    // news of the window. They are listed even when published later (an investigation's
    // figures), since the key quotes them.
    let mut quoted = vec![false; index.sources.len()];
    for e in events {
        let cites = e
            .event
            .sources
            .iter()
            .chain(e.event.figures.iter().map(|f| &f.source));
        for id in cites {
            if let Some(src) = index.source_index(id) {
                let c = &mut counts[src as usize];
                c.0 += 1;
                c.1 = true;
                c.2 = c.2.max(Some(e.event.date_start.0));
                quoted[src as usize] = true;
            }
        }
    }
    let day = at.date_string();
    let (mut listed, mut later) = (Vec::new(), 0);
    for (i, &(count, _, _)) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        if index.sources[i].published.as_str() > day.as_str() && !quoted[i] {
            later += 1;
        } else {
            listed.push((i as u32, count));
        }
    }
    let tier = |k: Option<SourceKind>| match k {
        Some(SourceKind::Wire | SourceKind::Un) => 0,
        Some(SourceKind::Analyst | SourceKind::News) => 1,
        Some(_) => 2,
        None => 3,
    };
    listed.sort_by(|a, b| {
        let (sa, sb) = (&index.sources[a.0 as usize], &index.sources[b.0 as usize]);
        let (ca, cb) = (counts[a.0 as usize], counts[b.0 as usize]);
        cb.1.cmp(&ca.1)
            .then_with(|| tier(sa.kind).cmp(&tier(sb.kind)))
            .then_with(|| cb.2.cmp(&ca.2))
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| sa.id.cmp(&sb.id))
    });
    (listed, later)
}

/// A Polygon or MultiPolygon as rings of page points.
#[must_use]
pub fn project(geometry: &Geometry<f64>, frame: &Frame) -> Vec<Vec<Vec<(f64, f64)>>> {
    let polygon = |p: &geo::Polygon<f64>| -> Vec<Vec<(f64, f64)>> {
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(|ring| ring.0.iter().map(|c| frame.to_px(c.x, c.y)).collect())
            .collect()
    };
    match geometry {
        Geometry::Polygon(p) => vec![polygon(p)],
        Geometry::MultiPolygon(mp) => mp.0.iter().map(polygon).collect(),
        _ => vec![],
    }
}

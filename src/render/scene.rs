//! What a report shows, taken from the index: the districts in the frame with their state at `at`
//! (and whether they changed hands since `since`), projected onto the page, and the sources cited.
//! All maths on areas, fronts and hand-overs stays in the domain; this only selects and projects.

use geo::Geometry;

use super::frame::Frame;
use crate::domain::geometry::Bbox;
use crate::domain::index::{Index, Side};
use crate::domain::model::SourceKind;
use crate::domain::regions::{Region, Selector};
use crate::domain::time::Instant;

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
}

/// The side a state stands for, `None` for no state (unknown).
fn side(index: &Index, state: Option<usize>) -> Option<Side> {
    state.map(|s| index.states[s].side())
}

#[must_use]
pub fn build(index: &Index, frame: &Frame, at: Instant, since: Option<Instant>) -> Scene {
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
    let (sources, later_sources) = cited(index, &shown, at);
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
    }
}

/// The reports behind the states shown, published by the map's date, in the order a reader
/// should weigh them: those behind the changes shown first (with `since`); then wire services
/// and UN agencies, then analysts and newspapers, then the rest; within each, those behind the
/// most recent facts first (the news of the day before the background), then the most cited,
/// then by id. Also how many were published later.
fn cited(index: &Index, shown: &[Shown], at: Instant) -> (Vec<(u32, usize)>, usize) {
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
    let day = at.date_string();
    let (mut listed, mut later) = (Vec::new(), 0);
    for (i, &(count, _, _)) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        if index.sources[i].published.as_str() > day.as_str() {
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

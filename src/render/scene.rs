//! What a report shows, taken from the index: the districts in the frame with their state at `at`
//! (and whether they changed hands since `since`), projected onto the page, and the sources cited.
//! All maths on areas, fronts and hand-overs stays in the domain; this only selects and projects.

use geo::Geometry;

use super::frame::Frame;
use crate::domain::geometry::Bbox;
use crate::domain::index::{Index, Side};
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
    /// Source indices cited by the shown states with their citation counts: those behind the
    /// changes first (with `since`), then the most cited, then the newest, then by id.
    pub sources: Vec<(u32, usize)>,
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
    // Per source: citations by the states of districts that changed hands, and by all shown.
    let mut counts = vec![(0usize, 0usize); index.sources.len()];
    for d in &shown {
        for &src in d.state.map_or(&[][..], |s| &index.states[s].sources) {
            counts[src as usize].0 += usize::from(d.changed);
            counts[src as usize].1 += 1;
        }
    }
    let mut sources: Vec<(u32, usize)> = (0..index.sources.len())
        .filter(|&i| counts[i].1 > 0)
        .map(|i| (i as u32, counts[i].1))
        .collect();
    sources.sort_by(|a, b| {
        let (sa, sb) = (&index.sources[a.0 as usize], &index.sources[b.0 as usize]);
        let (ca, cb) = (counts[a.0 as usize], counts[b.0 as usize]);
        cb.cmp(&ca)
            .then_with(|| sb.published.cmp(&sa.published))
            .then_with(|| sa.id.cmp(&sb.id))
    });
    Scene { shown, sources }
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

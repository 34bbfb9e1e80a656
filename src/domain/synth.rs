//! A large, deterministic, realistic synthetic data set: a tessellated region whose front moves
//! back and forth over three years, with a contested belt along the front and a third faction's
//! pocket that grows and shrinks. Same parameters, same data set, byte for byte.

use geo::{Geometry, LineString, Polygon, coord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::events::{Day, Event};
use super::model::{Confidence, ControlState, Dataset, District, Faction, Source, Status};
use super::time::Instant;

#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub districts: usize,
    pub states: usize,
    pub seed: u64,
    /// Width of a river running north to south through the middle column, metres (0: none).
    /// The cells west of it stop short of the cells east of it, and the data set's
    /// `front_gap_km` lets the front follow the river.
    pub river_m: f64,
    /// Events to scatter over the districts and the three years (0: none), each with a figure
    /// or two; drawn from their own random stream, so the rest of the data set does not change.
    pub events: usize,
}

/// The widest river [`generate`] draws, metres: narrower than a cell.
pub const MAX_RIVER_M: f64 = 600.0;

/// Cell size in degrees (about 1 km).
const CELL: f64 = 0.01;
const ORIGIN_LON: f64 = 38.0;
const ORIGIN_LAT: f64 = 34.0;
const DAYS: i64 = 3 * 365;
const DAY_MS: i64 = 86_400_000;

/// Generates the data set. Every district gets `states / districts` states (the first few one
/// more), covering 2020-01-01 onwards with the last state open.
///
/// # Panics
/// When `districts` is 0, `states < districts`, or the river is wider than [`MAX_RIVER_M`].
#[must_use]
pub fn generate(p: &Params) -> Dataset {
    assert!(
        p.districts > 0 && p.states >= p.districts,
        "need at least one state per district"
    );
    assert!(
        (0.0..=MAX_RIVER_M).contains(&p.river_m),
        "the river is at most {MAX_RIVER_M} m wide"
    );
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let cols = (p.districts as f64).sqrt().ceil() as usize;
    let rows = p.districts.div_ceil(cols);

    // Shared, jittered grid vertices: neighbouring cells share edges exactly.
    let vertex: Vec<Vec<(f64, f64)>> = (0..=rows)
        .map(|r| {
            (0..=cols)
                .map(|c| {
                    let edge = r == 0 || c == 0 || r == rows || c == cols;
                    let (jx, jy) = if edge {
                        (0.0, 0.0)
                    } else {
                        (rng.random_range(-0.3..0.3), rng.random_range(-0.3..0.3))
                    };
                    (
                        round6(ORIGIN_LON + (c as f64 + jx) * CELL),
                        round6(ORIGIN_LAT + (r as f64 + jy) * CELL),
                    )
                })
                .collect()
        })
        .collect();

    let factions = vec![
        Faction {
            id: "north".into(),
            name: "Northern Alliance".into(),
            color: "#1f77b4".into(),
            alliance: None,
        },
        Faction {
            id: "south".into(),
            name: "Southern Front".into(),
            color: "#d62728".into(),
            alliance: None,
        },
        Faction {
            id: "militia".into(),
            name: "Hill Militia".into(),
            color: "#2ca02c".into(),
            alliance: None,
        },
    ];
    let sources: Vec<Source> = (0..200)
        .map(|i| Source {
            id: format!("report-{i:03}"),
            title: format!("Situation report {i}"),
            publisher: [
                "Field Monitor",
                "Wire Service",
                "Ministry Statement",
                "Local Radio",
            ][i % 4]
                .into(),
            published: Instant(Instant::from_ymd(2020, 1, 1).0 + (i as i64 * DAYS / 200) * DAY_MS)
                .date_string(),
            url: format!("https://reports.example.org/{i:03}"),
            kind: None,
            note: String::new(),
        })
        .collect();

    let start = Instant::from_ymd(2020, 1, 1);
    let model = FrontModel {
        cols: cols as f64,
        rows: rows as f64,
    };
    let mut districts = Vec::with_capacity(p.districts);
    let mut states = Vec::with_capacity(p.states);
    // The river: the cells of the middle column end `river_m` short of their east neighbours.
    let river_col = cols / 2;
    let river_deg = p.river_m / (111_320.0 * ORIGIN_LAT.to_radians().cos());
    let east_edge = |(x, y): (f64, f64), c: usize| {
        if p.river_m > 0.0 && c == river_col && cols > 1 {
            (round6(x - river_deg), y)
        } else {
            (x, y)
        }
    };
    for n in 0..p.districts {
        let (r, c) = (n / cols, n % cols);
        let ring = [
            vertex[r][c],
            east_edge(vertex[r][c + 1], c),
            east_edge(vertex[r + 1][c + 1], c),
            vertex[r + 1][c],
            vertex[r][c],
        ];
        let polygon = Polygon::new(
            LineString::new(ring.iter().map(|&(x, y)| coord! { x: x, y: y }).collect()),
            vec![],
        );
        let id = format!("c{r:03}-{c:03}");
        districts.push(District {
            id: id.clone(),
            name: format!("Cell {r}-{c}"),
            alt_names: vec![format!("Sector {} cell {c}", r / 10)],
            group: Some(format!("Sector {}", r / 10)),
            geometry: Geometry::Polygon(polygon),
            properties: serde_json::Map::new(),
        });

        let count = p.states / p.districts + usize::from(n < p.states % p.districts);
        let mut days: Vec<i64> = Vec::with_capacity(count);
        days.push(0);
        while days.len() < count {
            let d = rng.random_range(1..DAYS);
            if !days.contains(&d) {
                days.push(d);
            }
        }
        days.sort_unstable();
        let at = |d: i64| Instant(start.0 + d * DAY_MS);
        for (k, &d) in days.iter().enumerate() {
            let t = d as f64 / DAYS as f64;
            let factions = model.side(c as f64 + 0.5, r as f64 + 0.5, t);
            let confidence = match rng.random_range(0..10) {
                0..=4 => Confidence::Confirmed,
                5..=7 => Confidence::Reported,
                8 => Confidence::Claimed,
                _ => Confidence::Estimated,
            };
            let first = rng.random_range(0..sources.len());
            let mut cited = vec![sources[first].id.clone()];
            if rng.random_bool(0.3) {
                let second = (first + 1 + rng.random_range(0..sources.len() - 1)) % sources.len();
                cited.push(sources[second].id.clone());
            }
            states.push(ControlState {
                district: id.clone(),
                status: if factions.len() == 1 {
                    Status::Held
                } else {
                    Status::Contested
                },
                factions: factions.iter().map(|f| (*f).to_owned()).collect(),
                valid_from: at(d),
                valid_to: days.get(k + 1).map(|&next| at(next)),
                confidence,
                sources: cited,
                note: String::new(),
            });
        }
    }
    let meta = if p.river_m > 0.0 {
        super::meta::Meta {
            front_gap_km: (2.0 * p.river_m / 1000.0).max(0.1),
            ..super::meta::Meta::default()
        }
    } else {
        super::meta::Meta::default()
    };
    let events = synthetic_events(p, &districts, &states, &factions, &sources);
    Dataset {
        factions,
        sources,
        districts,
        states,
        meta,
        layers: Vec::new(),
        events,
        sites: Vec::new(),
    }
}

/// `p.events` events, each in a random state's district during that state, its factions those
/// of the state (and the other side when one held it), dated to the day.
fn synthetic_events(
    p: &Params,
    districts: &[District],
    states: &[ControlState],
    factions: &[Faction],
    sources: &[Source],
) -> Vec<Event> {
    use super::events::{
        DatePrecision, EventKind, Figure, Grade, Group, LocationPrecision, Metric,
    };
    use geo::BoundingRect;
    const KINDS: [EventKind; 6] = [
        EventKind::Clash,
        EventKind::Airstrike,
        EventKind::Shelling,
        EventKind::Ied,
        EventKind::Displacement,
        EventKind::Execution,
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed ^ 0x6576_656e_7473);
    let by_id: std::collections::HashMap<&str, &District> =
        districts.iter().map(|d| (d.id.as_str(), d)).collect();
    let last = Instant(Instant::from_ymd(2020, 1, 1).0 + DAYS * DAY_MS);
    let mut events: Vec<Event> = (0..p.events)
        .map(|n| {
            let state = &states[rng.random_range(0..states.len())];
            let district = by_id[state.district.as_str()];
            let until = state.valid_to.unwrap_or(last).0;
            let day = rng.random_range(
                state.valid_from.0 / DAY_MS..(until / DAY_MS).max(state.valid_from.0 / DAY_MS + 1),
            );
            let date_start = Day::of(Instant(day * DAY_MS));
            let date_end = Day::of(Instant((day + rng.random_range(0..3)) * DAY_MS));
            let centre = district
                .geometry
                .bounding_rect()
                .map_or((0.0, 0.0), |r| (r.center().x, r.center().y));
            let mut involved = state.factions.clone();
            if involved.len() == 1 {
                let other = factions
                    .iter()
                    .find(|f| f.id != involved[0])
                    .map_or_else(|| involved[0].clone(), |f| f.id.clone());
                involved.push(other);
            }
            let kind = KINDS[rng.random_range(0..KINDS.len())];
            let figures = (0..rng.random_range(0..3))
                .map(|k| {
                    let min = rng.random_range(0..40_u64);
                    Figure {
                        metric: if kind == EventKind::Displacement {
                            Metric::Displaced
                        } else {
                            Metric::Killed
                        },
                        group: if k == 0 {
                            Group::Civilians
                        } else {
                            Group::Combatants
                        },
                        min: Some(min),
                        max: Some(min + rng.random_range(0..20_u64)),
                        claimant: format!("claimant {k}"),
                        source: sources[rng.random_range(0..sources.len())].id.clone(),
                        note: String::new(),
                    }
                })
                .collect();
            Event {
                id: format!("e{n}"),
                kind,
                title: format!("{} in {}", kind.as_str(), district.name),
                summary: "A synthetic event.".into(),
                date_start,
                date_end,
                date_precision: DatePrecision::Day,
                lon: round6(centre.0),
                lat: round6(centre.1),
                location_precision: LocationPrecision::Neighbourhood,
                place: district.name.clone(),
                responsible: Some(involved[rng.random_range(0..involved.len())].clone()),
                factions: involved,
                grade: [Grade::Confirmed, Grade::Fair, Grade::Weak][rng.random_range(0..3)],
                sources: vec![sources[rng.random_range(0..sources.len())].id.clone()],
                note: String::new(),
                figures,
            }
        })
        .collect();
    events.sort_by(|a, b| (a.date_start, &a.id).cmp(&(b.date_start, &b.id)));
    events
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Who holds grid position (x, y) (in cells) at time fraction `t` ∈ [0, 1).
struct FrontModel {
    cols: f64,
    rows: f64,
}

impl FrontModel {
    fn side(&self, x: f64, y: f64, t: f64) -> &'static [&'static str] {
        use std::f64::consts::TAU;
        // A pocket in the south-east that swells and then collapses.
        let (px, py) = (self.cols * 0.75, self.rows * 0.25);
        let radius = self.cols.min(self.rows) * 0.12 * (TAU * t).sin().max(0.0);
        if ((x - px).powi(2) + (y - py).powi(2)).sqrt() < radius {
            return &["militia"];
        }
        // A wavy front that pushes east, falls back, and pushes again.
        let front = self.cols * (0.3 + 0.4 * t + 0.1 * (TAU * 2.0 * t).sin())
            + 0.05 * self.cols * (TAU * y / self.rows * 3.0).sin();
        let belt = (self.cols * 0.02).max(1.0);
        if (x - front).abs() < belt {
            &["north", "south"]
        } else if x < front {
            &["north"]
        } else {
            &["south"]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset;

    #[test]
    fn synthetic_data_is_valid_deterministic_and_exactly_sized() {
        let p = Params {
            districts: 150,
            states: 1000,
            seed: 7,
            river_m: 0.0,
            events: 0,
        };
        let data = generate(&p);
        assert_eq!(data.districts.len(), 150);
        assert_eq!(data.states.len(), 1000);
        dataset::validate(&data).unwrap();
        assert_eq!(generate(&p), data);
        assert_ne!(generate(&Params { seed: 8, ..p }), data);
        assert!(data.states.iter().any(|s| s.status == Status::Contested));
        assert!(data.states.iter().any(|s| s.factions == ["militia"]));
    }
}

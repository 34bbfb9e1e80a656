//! Regions: the area that figures are given for. A named region of the data set ("Mosul city"),
//! a group of districts, a box (districts clipped to it), or the whole data set. Areas within a
//! region and the share of it each side holds, at an instant or at every hand-over.

use std::fmt::Write as _;

use geo::{BooleanOps, Contains, Intersects, MultiPolygon};

use super::changes::AreaRow;
use super::geometry::{self, Bbox};
use super::index::{GainLoss, Index, Side};
use super::time::Instant;

/// What a request asks figures for.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// The data set's main region when it names one, else every district.
    Default,
    /// Every district of the data set.
    All,
    /// A region named in the data set's `dataset.json`.
    Named(String),
    /// The districts of one group.
    Group(String),
    /// The parts of districts inside a box.
    Bbox(Bbox),
}

/// A region resolved to districts, each with the km² of it inside the region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The named region's id, `group:NAME`, `bbox:…` or `all`.
    pub id: String,
    pub name: String,
    /// `(district, km² of it inside the region)`, in district order.
    pub members: Vec<(u32, f64)>,
    pub area_km2: f64,
    /// Share of the region's area (0–1) drawn with approximate polygons, whose areas are rough.
    pub approximate_share: f64,
}

impl Region {
    /// Whether the area figures of this region are rough.
    #[must_use]
    pub fn is_approximate(&self) -> bool {
        self.approximate_share > 0.0
    }

    /// `km²` as a percentage of the region's area.
    #[must_use]
    pub fn percent(&self, km2: f64) -> f64 {
        if self.area_km2 > 0.0 {
            km2 / self.area_km2 * 100.0
        } else {
            0.0
        }
    }

    /// Each district's km² inside the region, indexed by district (0 outside).
    fn weights(&self, districts: usize) -> Vec<f64> {
        let mut w = vec![0.0; districts];
        for &(d, km2) in &self.members {
            w[d as usize] = km2;
        }
        w
    }
}

impl Index {
    /// Resolves `selector` to a region.
    ///
    /// # Errors
    /// An unknown region or group, with the valid ones.
    pub fn region(&self, selector: &Selector) -> Result<Region, String> {
        match selector {
            Selector::Default => match &self.meta.main_region {
                Some(id) => self.region(&Selector::Named(id.clone())),
                None => self.region(&Selector::All),
            },
            Selector::All => Ok(self.make_region(
                "all",
                "Whole data set",
                (0..self.districts.len() as u32)
                    .map(|d| (d, self.districts[d as usize].area_km2))
                    .collect(),
            )),
            Selector::Named(id) => {
                let def = self.meta.region(id).ok_or_else(|| {
                    let valid: Vec<&str> =
                        self.meta.regions.iter().map(|r| r.id.as_str()).collect();
                    format!(
                        "'{id}' is not a region of this data set: expected one of {}",
                        if valid.is_empty() {
                            "none (it names no regions; use group or bbox)".to_owned()
                        } else {
                            valid.join(", ")
                        }
                    )
                })?;
                let members = if let Some([w, s, e, n]) = def.bbox {
                    self.clipped(&Bbox(geo::Rect::new(
                        geo::coord! { x: w, y: s },
                        geo::coord! { x: e, y: n },
                    )))
                } else {
                    self.districts
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| {
                            def.districts.contains(&d.district.id)
                                || d.district
                                    .group
                                    .as_ref()
                                    .is_some_and(|g| def.groups.contains(g))
                        })
                        .map(|(i, d)| (i as u32, d.area_km2))
                        .collect()
                };
                Ok(self.make_region(&def.id, &def.name, members))
            }
            Selector::Group(group) => {
                let members: Vec<(u32, f64)> = self
                    .districts
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| d.district.group.as_deref() == Some(group))
                    .map(|(i, d)| (i as u32, d.area_km2))
                    .collect();
                if members.is_empty() {
                    return Err(format!(
                        "'{group}' is not a district group of this data set: expected one of {}",
                        self.groups().join(", ")
                    ));
                }
                Ok(self.make_region(&format!("group:{group}"), group, members))
            }
            Selector::Bbox(b) => {
                let r = b.0;
                let name = format!(
                    "Area {:.3}–{:.3}° E, {:.3}–{:.3}° N",
                    r.min().x,
                    r.max().x,
                    r.min().y,
                    r.max().y
                );
                Ok(self.make_region(&format!("bbox:{b}"), &name, self.clipped(b)))
            }
        }
    }

    /// The distinct district groups, in order of first appearance.
    #[must_use]
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for d in self.districts.iter() {
            if let Some(g) = d.district.group.as_deref()
                && !groups.contains(&g)
            {
                groups.push(g);
            }
        }
        groups
    }

    fn make_region(&self, id: &str, name: &str, members: Vec<(u32, f64)>) -> Region {
        let area_km2: f64 = members.iter().map(|m| m.1).sum();
        let rough: f64 = members
            .iter()
            .filter(|(d, _)| {
                self.districts[*d as usize]
                    .district
                    .properties
                    .get("geometry_quality")
                    .and_then(serde_json::Value::as_str)
                    == Some("approximate")
            })
            .map(|m| m.1)
            .sum();
        Region {
            id: id.to_owned(),
            name: name.to_owned(),
            members,
            area_km2,
            approximate_share: if area_km2 > 0.0 {
                rough / area_km2
            } else {
                0.0
            },
        }
    }

    /// Districts intersecting `bbox`, each with its geodesic area inside it.
    ///
    /// # Runtime
    /// An R-tree query; districts wholly inside keep their area, the others are clipped.
    #[must_use]
    pub fn clipped(&self, bbox: &Bbox) -> Vec<(u32, f64)> {
        let rect = bbox.0;
        let frame = rect.to_polygon();
        self.districts_in(Some(bbox))
            .into_iter()
            .filter_map(|d| {
                let entry = &self.districts[d as usize];
                let km2 = if rect.contains(&entry.envelope) {
                    entry.area_km2
                } else {
                    let shape: MultiPolygon<f64> =
                        geometry::as_multi_polygon(&entry.district.geometry);
                    let inside = shape.intersection(&MultiPolygon::new(vec![frame.clone()]));
                    geometry::area_km2(&geo::Geometry::MultiPolygon(inside))
                };
                (km2 > 0.0 && entry.district.geometry.intersects(&rect)).then_some((d, km2))
            })
            .collect()
    }

    /// Area held per faction and contested within `region` at every hand-over in `(from, to]`
    /// that touches it, and, with `opening`, at `from` (unless a hand-over falls exactly there).
    ///
    /// # Runtime
    /// O(e) over the timeline's events up to `to`.
    #[must_use]
    pub fn area_rows(
        &self,
        region: &Region,
        from: Instant,
        to: Instant,
        opening: bool,
    ) -> Vec<AreaRow> {
        let factions = self.factions.len();
        let weight = region.weights(self.districts.len());
        let mut totals = vec![0.0; factions + 1];
        let bucket = |s: usize| match self.states[s].side() {
            Side::Held(f) => f as usize,
            Side::Contested(_) => factions,
        };
        let snapshot = |at: Instant, totals: &[f64]| {
            let clean = |v: f64| if v.abs() < 1e-9 { 0.0 } else { v };
            AreaRow {
                at,
                held: totals[..factions].iter().copied().map(clean).collect(),
                contested: clean(totals[factions]),
            }
        };
        let events = &self.timeline().events;
        let mut rows = Vec::new();
        let mut opened = !opening;
        let mut i = 0;
        while i < events.len() && events[i].at <= to {
            let at = events[i].at;
            if at > from && !opened {
                rows.push(snapshot(from, &totals));
                opened = true;
            }
            let mut touched = false;
            while i < events.len() && events[i].at == at {
                let e = &events[i];
                let km2 = weight[e.district as usize];
                if e.handover && km2 > 0.0 {
                    touched = true;
                    if let Some(f) = e.from {
                        totals[bucket(f)] -= km2;
                    }
                    if let Some(t) = e.to {
                        totals[bucket(t)] += km2;
                    }
                }
                i += 1;
            }
            if touched && at > from || (touched && at == from && opening) {
                rows.push(snapshot(at, &totals));
                opened = true;
            }
        }
        if !opened {
            rows.push(snapshot(from, &totals));
        }
        rows
    }

    /// The area held per faction and contested within `region` at `t`.
    #[must_use]
    pub fn area_in(&self, region: &Region, t: Instant) -> AreaRow {
        let mut row = AreaRow {
            at: t,
            held: vec![0.0; self.factions.len()],
            contested: 0.0,
        };
        for &(d, km2) in &region.members {
            match self.state_at(d, t).map(|s| self.states[s].side()) {
                Some(Side::Held(f)) => row.held[f as usize] += km2,
                Some(Side::Contested(_)) => row.contested += km2,
                None => {}
            }
        }
        row
    }

    /// Per faction (indexed like `factions`) and for contested (last), the area within `region`
    /// gained and lost through the hand-overs in `(from, to]`.
    #[must_use]
    pub fn gains_and_losses_in(
        &self,
        region: &Region,
        from: Instant,
        to: Instant,
    ) -> Vec<GainLoss> {
        let weight = region.weights(self.districts.len());
        let mut totals = vec![GainLoss::default(); self.factions.len() + 1];
        let bucket = |s: usize| match self.states[s].side() {
            Side::Held(f) => f as usize,
            Side::Contested(_) => self.factions.len(),
        };
        for e in self.timeline().handovers(from, to) {
            let km2 = weight[e.district as usize];
            if km2 == 0.0 {
                continue;
            }
            if let Some(f) = e.from {
                totals[bucket(f)].lost_km2 += km2;
            }
            if let Some(t) = e.to {
                totals[bucket(t)].gained_km2 += km2;
            }
        }
        totals
    }
}

/// A one-line summary for logs and tests: "Mosul city: isil 10.2 %, isf 88.1 %, …".
#[must_use]
pub fn describe(index: &Index, region: &Region, row: &AreaRow) -> String {
    let mut out = format!("{}:", region.name);
    for (f, km2) in index.factions.iter().zip(&row.held) {
        let _ = write!(out, " {} {:.1} %,", f.id, region.percent(*km2));
    }
    let _ = write!(out, " contested {:.1} %", region.percent(row.contested));
    out
}

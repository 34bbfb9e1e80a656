//! JSON shapes of API responses, borrowed from the index so large responses serialise without
//! copying (district geometries are pre-serialised GeoJSON).

use serde::Serialize;
use serde_json::value::RawValue;

use crate::domain::index::{DistrictEntry, Index, StateEntry};
use crate::domain::model::Source;
use crate::domain::time::Instant;

/// `v` to six decimals: a tenth of a metre in degrees of longitude or latitude.
#[must_use]
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Rounds km² or km to metre-scale precision, so responses are stable and small.
#[must_use]
pub fn round3(v: f64) -> f64 {
    // `+ 0.0` turns the -0.0 of an empty sum into 0.
    (v * 1000.0).round() / 1000.0 + 0.0
}

#[derive(Serialize)]
pub struct FeatureCollection<F: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Instant>,
    pub features: Vec<F>,
}

impl<F: Serialize> FeatureCollection<F> {
    pub fn new(at: Option<Instant>, features: Vec<F>) -> Self {
        Self {
            kind: "FeatureCollection",
            at,
            features,
        }
    }
}

#[derive(Serialize)]
pub struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    pub properties: P,
    pub geometry: &'a RawValue,
}

/// A district's own properties: name, spelling variants, group, area and everything else the data
/// set gave it.
#[derive(Serialize)]
pub struct DistrictProps<'a> {
    pub name: &'a str,
    pub alt_names: &'a [String],
    pub group: Option<&'a str>,
    pub area_km2: f64,
    #[serde(flatten)]
    pub extra: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> DistrictProps<'a> {
    pub fn of(d: &'a DistrictEntry) -> Self {
        Self {
            name: &d.district.name,
            alt_names: &d.district.alt_names,
            group: d.district.group.as_deref(),
            area_km2: round3(d.area_km2),
            extra: &d.district.properties,
        }
    }
}

/// A district without its outline: its properties and its box (`[west, south, east, north]`).
#[derive(Serialize)]
pub struct DistrictSummary<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: &'a str,
    pub bbox: [f64; 4],
    /// A point inside the district for its name (`[lon, lat]`).
    pub label: Option<[f64; 2]>,
    pub properties: DistrictProps<'a>,
    /// Always null: the outline is left out.
    pub geometry: Option<()>,
}

pub fn district_summary(d: &DistrictEntry) -> DistrictSummary<'_> {
    let (lo, hi) = (d.envelope.min(), d.envelope.max());
    DistrictSummary {
        kind: "Feature",
        id: &d.district.id,
        bbox: [lo.x, lo.y, hi.x, hi.y],
        // To 0.1 m: the anchor is computed, and its last ten digits said nothing but cost
        // the page a fifth of this list's bytes.
        label: d.label.map(|p| [round6(p.x), round6(p.y)]),
        properties: DistrictProps::of(d),
        geometry: None,
    }
}

pub fn district_feature(d: &DistrictEntry) -> Feature<'_, DistrictProps<'_>> {
    Feature {
        kind: "Feature",
        id: &d.district.id,
        properties: DistrictProps::of(d),
        geometry: &d.geometry_json,
    }
}

/// A state as the API shows it; `unknown` when no state holds.
#[derive(Serialize)]
pub struct StateView<'a> {
    pub status: &'static str,
    pub faction: Option<&'a str>,
    pub factions: Vec<&'a str>,
    pub valid_from: Option<Instant>,
    pub valid_to: Option<Instant>,
    pub confidence: Option<&'static str>,
    pub sources: Vec<&'a str>,
    pub note: Option<&'a str>,
}

impl<'a> StateView<'a> {
    pub fn of(index: &'a Index, state: Option<&'a StateEntry>) -> Self {
        let Some(s) = state else {
            return Self {
                status: "unknown",
                faction: None,
                factions: vec![],
                valid_from: None,
                valid_to: None,
                confidence: None,
                sources: vec![],
                note: None,
            };
        };
        let factions: Vec<&str> = s
            .factions
            .iter()
            .map(|&f| index.factions[f as usize].id.as_str())
            .collect();
        Self {
            status: s.status.as_str(),
            faction: (s.status == crate::domain::model::Status::Held).then(|| factions[0]),
            factions,
            valid_from: Some(s.interval.from),
            valid_to: s.interval.to,
            confidence: Some(s.confidence.as_str()),
            sources: s
                .sources
                .iter()
                .map(|&x| index.sources[x as usize].id.as_str())
                .collect(),
            note: Some(&s.note),
        }
    }
}

/// Snapshot properties: the district's own, plus the state at the instant.
#[derive(Serialize)]
pub struct SnapshotProps<'a> {
    #[serde(flatten)]
    pub district: DistrictProps<'a>,
    #[serde(flatten)]
    pub state: StateView<'a>,
}

/// One history entry: the state with its id, its sources spelled out, when it was recorded and,
/// once it is no longer believed, when that was.
#[derive(Serialize)]
pub struct HistoryEntry<'a> {
    pub id: String,
    #[serde(flatten)]
    pub state: StateView<'a>,
    pub recorded_at: Instant,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_at: Option<Instant>,
    #[serde(rename = "source_details")]
    pub source_details: Vec<&'a Source>,
}

impl<'a> HistoryEntry<'a> {
    pub fn of(index: &'a Index, s: &'a StateEntry) -> Self {
        Self {
            id: format!(
                "{}@{}",
                index.districts[s.district as usize].district.id, s.interval.from
            ),
            state: StateView::of(index, Some(s)),
            recorded_at: s.recorded_at,
            superseded_at: s.superseded_at,
            source_details: s
                .sources
                .iter()
                .map(|&x| &index.sources[x as usize])
                .collect(),
        }
    }
}

/// Side of a hand-over or front: status and factions only.
#[derive(Serialize)]
pub struct SideView<'a> {
    pub status: &'static str,
    pub faction: Option<&'a str>,
    pub factions: Vec<&'a str>,
}

impl<'a> SideView<'a> {
    pub fn of(index: &'a Index, state: Option<usize>) -> Self {
        let v = StateView::of(index, state.map(|s| &index.states[s]));
        Self {
            status: v.status,
            faction: v.faction,
            factions: v.factions,
        }
    }

    /// A faction id, `contested` or `unknown`: one word for a side, for flat GIS attributes.
    pub fn label(&self) -> &'a str {
        match (self.status, self.faction) {
            ("held", Some(f)) => f,
            (other, _) => other,
        }
    }
}

/// Lines as a GeoJSON MultiLineString, coordinates rounded to 6 decimals (about 0.1 m, the
/// precision of the district data) with the repeated points that rounding makes dropped.
pub fn lines_json(lines: &geo::MultiLineString<f64>) -> Box<RawValue> {
    let round = |v: f64| (v * 1e6).round() / 1e6;
    let rounded: Vec<Vec<[f64; 2]>> = lines
        .iter()
        .map(|line| {
            let mut points: Vec<[f64; 2]> =
                line.coords().map(|c| [round(c.x), round(c.y)]).collect();
            points.dedup();
            points
        })
        .filter(|points| points.len() >= 2)
        .collect();
    serde_json::value::to_raw_value(&serde_json::json!({
        "type": "MultiLineString",
        "coordinates": rounded,
    }))
    .expect("finite lines serialise")
}

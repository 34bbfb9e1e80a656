//! Features of the three collections as GeoJSON, borrowing from the index (district geometries
//! are pre-serialised).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;

use super::{Collection, Link};
use crate::domain::fronts::FrontPiece;
use crate::domain::index::Index;
use crate::export::{FrontRecord, front_record};
use crate::http::views::{DistrictProps, StateView, lines_json};

/// One GeoJSON feature; `links` only on single-feature responses.
#[derive(Serialize)]
pub struct Feature<'a, P: Serialize> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub id: String,
    pub geometry: Cow<'a, RawValue>,
    pub properties: P,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

#[derive(Serialize)]
pub struct ControlProps<'a> {
    district: &'a str,
    name: &'a str,
    group: Option<&'a str>,
    #[serde(flatten)]
    state: StateView<'a>,
}

/// A feature ready to serialise, whatever its collection.
#[derive(Serialize)]
#[serde(untagged)]
pub enum AnyFeature<'a> {
    District(Feature<'a, DistrictProps<'a>>),
    Control(Feature<'a, ControlProps<'a>>),
    Front(Feature<'a, FrontRecord<'a>>),
}

fn district_feature(index: &Index, d: u32) -> AnyFeature<'_> {
    let entry = &index.districts[d as usize];
    AnyFeature::District(Feature {
        kind: "Feature",
        id: entry.district.id.clone(),
        geometry: Cow::Borrowed(&entry.geometry_json),
        properties: DistrictProps::of(entry),
        links: vec![],
    })
}

fn control_feature(index: &Index, s: usize) -> AnyFeature<'_> {
    let state = &index.states[s];
    let entry = &index.districts[state.district as usize];
    AnyFeature::Control(Feature {
        kind: "Feature",
        id: index.state_id(s),
        geometry: Cow::Borrowed(&entry.geometry_json),
        properties: ControlProps {
            district: &entry.district.id,
            name: &entry.district.name,
            group: entry.district.group.as_deref(),
            state: StateView::of(index, Some(state)),
        },
        links: vec![],
    })
}

fn front_feature<'a>(index: &'a Index, piece: &FrontPiece) -> AnyFeature<'a> {
    let border = &index.borders()[piece.border as usize];
    AnyFeature::Front(Feature {
        kind: "Feature",
        id: piece.id(index),
        geometry: Cow::Owned(lines_json(&border.lines)),
        properties: front_record(index, piece),
        links: vec![],
    })
}

/// The feature at `position` in the collection's order.
#[must_use]
pub fn feature_at(index: &Index, c: Collection, position: usize) -> AnyFeature<'_> {
    match c {
        Collection::Districts => district_feature(index, position as u32),
        Collection::Control => control_feature(index, position),
        Collection::Frontline => front_feature(index, &index.fronts()[position]),
    }
}

//! The attributes of the `control` and `frontline` layers, resolved from the index once so every
//! format writes the same values under the same names.

use serde::Serialize;

use super::round3;
use crate::domain::fronts::FrontPiece;
use crate::domain::index::{Index, Side};
use crate::domain::model::Status;
use crate::domain::time::Instant;

/// One control state: who held `district` over `[valid_from, valid_to)`.
#[derive(Debug, Clone, Serialize)]
pub struct ControlRecord<'a> {
    /// The state's stable id, e.g. `zanjili@2017-06-10`; in GeoJSON the Feature's `id`, not a
    /// property.
    #[serde(skip)]
    pub id: String,
    pub district: &'a str,
    pub name: &'a str,
    /// `held` or `contested`.
    pub status: &'static str,
    /// The holder when held, else `None`.
    pub faction: Option<&'a str>,
    /// The holder, or the contesting factions in the data's order.
    #[serde(serialize_with = "joined")]
    pub factions: Vec<&'a str>,
    pub valid_from: Instant,
    /// `None` while the state still holds.
    pub valid_to: Option<Instant>,
    pub confidence: &'static str,
    /// Source ids.
    #[serde(serialize_with = "joined")]
    pub sources: Vec<&'a str>,
    pub note: &'a str,
    /// Index of the district, for its geometry.
    #[serde(skip)]
    pub district_index: u32,
}

/// One piece of front line: a shared border whose two districts were held by different sides,
/// unchanged over `[valid_from, valid_to)`.
#[derive(Debug, Clone, Serialize)]
pub struct FrontRecord<'a> {
    /// The piece's stable id, e.g. `sihha~zanjili@2017-02-08`; in GeoJSON the Feature's `id`.
    #[serde(skip)]
    pub id: String,
    pub district_a: &'a str,
    pub district_b: &'a str,
    /// A faction id, or `contested`.
    pub side_a: &'a str,
    pub side_b: &'a str,
    #[serde(serialize_with = "joined")]
    pub factions_a: Vec<&'a str>,
    #[serde(serialize_with = "joined")]
    pub factions_b: Vec<&'a str>,
    pub valid_from: Instant,
    pub valid_to: Option<Instant>,
    /// Geodesic length of the border, km.
    pub length_km: f64,
    /// Index into [`Index::borders`], for the geometry.
    #[serde(skip)]
    pub border: u32,
}

/// A list attribute (`factions`, `sources`, `alt_names`, …) as the formats whose fields hold one
/// string write it (CSV, GeoPackage, FlatGeobuf, KML's data, GeoJSON, the OGC API): `isf;isil`.
/// Ids cannot contain `;` (see `validate::ID_FORM`), so an id list splits back unambiguously.
pub fn flat_list<S: std::borrow::Borrow<str>>(items: &[S]) -> String {
    items.join(";")
}

/// Serialises a list as [`flat_list`] text, so any GDAL writer takes it.
fn joined<S: serde::Serializer>(ids: &[&str], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&flat_list(ids))
}

/// Every control state, grouped by district (in data set order), each group in time order.
pub fn control_records(index: &Index) -> impl Iterator<Item = ControlRecord<'_>> {
    index.states.iter().enumerate().map(move |(i, s)| {
        let district = &index.districts[s.district as usize].district;
        let factions: Vec<&str> = s
            .factions
            .iter()
            .map(|&f| index.factions[f as usize].id.as_str())
            .collect();
        ControlRecord {
            id: index.state_id(i),
            district: &district.id,
            name: &district.name,
            status: s.status.as_str(),
            faction: (s.status == Status::Held).then(|| factions[0]),
            factions,
            valid_from: s.interval.from,
            valid_to: s.interval.to,
            confidence: s.confidence.as_str(),
            sources: s
                .sources
                .iter()
                .map(|&x| index.sources[x as usize].id.as_str())
                .collect(),
            note: &s.note,
            district_index: s.district,
        }
    })
}

/// Every front piece (see [`Index::fronts`]), ordered by border then start. Computing the front
/// history costs a pass over every border on first use.
pub fn front_records(index: &Index) -> impl Iterator<Item = FrontRecord<'_>> {
    index
        .fronts()
        .iter()
        .map(move |piece| front_record(index, piece))
}

/// One front piece's attributes.
#[must_use]
pub fn front_record<'a>(index: &'a Index, piece: &FrontPiece) -> FrontRecord<'a> {
    let border = &index.borders()[piece.border as usize];
    FrontRecord {
        id: piece.id(index),
        district_a: &index.districts[border.a as usize].district.id,
        district_b: &index.districts[border.b as usize].district.id,
        side_a: label(index, &piece.side_a),
        side_b: label(index, &piece.side_b),
        factions_a: factions(index, &piece.side_a),
        factions_b: factions(index, &piece.side_b),
        valid_from: piece.interval.from,
        valid_to: piece.interval.to,
        length_km: round3(border.length_km),
        border: piece.border,
    }
}

/// A faction id, or `contested`: one word for a side, for flat attributes.
pub fn label<'a>(index: &'a Index, side: &Side) -> &'a str {
    match side {
        Side::Held(f) => &index.factions[*f as usize].id,
        Side::Contested(_) => "contested",
    }
}

fn factions<'a>(index: &'a Index, side: &Side) -> Vec<&'a str> {
    let ids = match side {
        Side::Held(f) => std::slice::from_ref(f),
        Side::Contested(fs) => fs,
    };
    ids.iter()
        .map(|&f| index.factions[f as usize].id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::flat_list;

    #[test]
    fn a_flat_list_is_semicolon_joined_and_empty_when_the_list_is() {
        assert_eq!(flat_list(&["isf", "isil"]), "isf;isil");
        assert_eq!(flat_list(&["isf".to_owned()]), "isf");
        assert_eq!(flat_list::<&str>(&[]), "");
    }
}

//! Reading a district an admin adds: a GeoJSON Feature as in `districts.geojson`, checked like
//! an import's (valid outline, no overlap with a district already there).

use serde_json::Value;

use crate::domain::geometry::{self, Bbox};
use crate::domain::index::Index;
use crate::domain::model::District;
use crate::domain::validate::{ID_FORM, is_valid_id};

/// The district `body` describes, and the edit's comment (`properties.comment` is not kept).
///
/// # Errors
/// Every problem found.
pub fn parse(index: &Index, body: &Value) -> Result<(District, String), Vec<String>> {
    let mut body = body.clone();
    let comment = body
        .get_mut("properties")
        .and_then(Value::as_object_mut)
        .and_then(|p| p.remove("comment"))
        .and_then(|c| c.as_str().map(str::to_owned))
        .unwrap_or_else(|| "district added".into());
    let feature: geojson::Feature = serde_json::from_value(body).map_err(|e| {
        vec![format!("the body must be a GeoJSON Feature with a string id, a name and a Polygon or MultiPolygon: {e}")]
    })?;
    let mut problems = Vec::new();
    let mut bad = |_location: String, message: String| problems.push(message);
    let district = crate::dataset::read::district_from_feature(feature, 0, &mut bad);
    let Some(district) = district else {
        return Err(problems);
    };
    if !is_valid_id(&district.id) {
        problems.push(format!(
            "id '{}' is not valid: expected {ID_FORM}",
            district.id
        ));
    }
    if district.name.trim().is_empty() && problems.is_empty() {
        problems.push("property 'name' is empty".into());
    }
    problems.extend(geometry::problems(&district.geometry));
    if problems.is_empty() {
        let shape = geometry::as_multi_polygon(&district.geometry);
        let envelope = Bbox(geometry::envelope(&district.geometry));
        for d in index.districts_in(Some(&envelope)) {
            let other = &index.districts[d as usize];
            let theirs = geometry::as_multi_polygon(&other.district.geometry);
            if let Some(o) = geometry::overlap(&shape, &theirs) {
                problems.push(format!(
                    "overlaps district '{}' by {:.4} km² (about {:.0} m wide): a point must not have two owners",
                    other.district.id, o.area_km2, o.width_m
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok((district, comment))
    } else {
        Err(problems)
    }
}

//! The rules for what a data set says about itself (`dataset.json`) and for its context layers.

use std::collections::HashSet;

use super::model::Dataset;
use super::validate::{ID_FORM, Issue, is_valid_id};

pub const META: &str = "dataset.json";
/// The directory of context layers: `context/{id}.geojson`.
pub const CONTEXT_DIR: &str = "context";
/// The widest gap a front may cross, km: past this, facing districts are not neighbours.
pub const MAX_GAP_KM: f64 = 20.0;

/// The file a context layer is read from and written to.
#[must_use]
pub fn layer_file(id: &str) -> String {
    format!("{CONTEXT_DIR}/{id}.geojson")
}

/// Every problem in `data.meta` and `data.layers`.
#[must_use]
pub fn check(data: &Dataset) -> Vec<Issue> {
    let mut issues = Vec::new();
    let mut meta = |location: String, message: String| {
        issues.push(Issue {
            file: META.into(),
            location,
            message,
        });
    };
    let m = &data.meta;
    let groups: HashSet<&str> = data
        .districts
        .iter()
        .filter_map(|d| d.group.as_deref())
        .collect();
    let districts: HashSet<&str> = data.districts.iter().map(|d| d.id.as_str()).collect();

    if let Some([start, end]) = m.period
        && end < start
    {
        meta(
            "period".into(),
            format!("ends ({end}) before it starts ({start}): expected [start, end]"),
        );
    }
    if let Some(view) = m.default_view
        && let Some(problem) = bbox_problem(view)
    {
        meta("default_view".into(), problem);
    }
    if !(0.0..=MAX_GAP_KM).contains(&m.front_gap_km) || !m.front_gap_km.is_finite() {
        meta(
            "front_gap_km".into(),
            format!(
                "{} is not valid: expected a width in km from 0 (fronts only along shared borders) to {MAX_GAP_KM}",
                m.front_gap_km
            ),
        );
    }
    let mut region_ids = HashSet::new();
    for (i, r) in m.regions.iter().enumerate() {
        let loc = format!("regions[{i}] (id '{}')", r.id);
        if !is_valid_id(&r.id) {
            meta(
                loc.clone(),
                format!("region id '{}' is not valid: expected {ID_FORM}", r.id),
            );
        }
        if !region_ids.insert(r.id.as_str()) {
            meta(
                loc.clone(),
                format!("duplicate region id '{}': ids must be unique", r.id),
            );
        }
        if r.name.trim().is_empty() {
            meta(
                loc.clone(),
                "name is empty: every region needs a name".into(),
            );
        }
        let selectors = usize::from(!r.groups.is_empty() || !r.districts.is_empty())
            + usize::from(r.bbox.is_some());
        if selectors != 1 {
            meta(
                loc.clone(),
                "needs either `groups` and/or `districts`, or a `bbox` (one kind of selection)"
                    .into(),
            );
        }
        for g in &r.groups {
            if !groups.contains(g.as_str()) {
                meta(
                    loc.clone(),
                    format!(
                        "unknown group '{g}': the districts' groups are {}",
                        sorted(&groups)
                    ),
                );
            }
        }
        for d in &r.districts {
            if !districts.contains(d.as_str()) {
                meta(
                    loc.clone(),
                    format!("unknown district '{d}': it is not in districts.geojson"),
                );
            }
        }
        if let Some(b) = r.bbox
            && let Some(problem) = bbox_problem(b)
        {
            meta(format!("{loc} bbox"), problem);
        }
    }
    if let Some(main) = &m.main_region
        && !region_ids.contains(main.as_str())
    {
        meta(
            "main_region".into(),
            format!(
                "'{main}' is not one of the regions: expected one of {}",
                sorted(&region_ids)
            ),
        );
    }
    for (i, c) in m.credits.iter().enumerate() {
        if c.text.trim().is_empty() {
            meta(format!("credits[{i}]"), "text is empty".into());
        }
    }

    let mut layer_ids = HashSet::new();
    for layer in &data.layers {
        let file = layer_file(&layer.id);
        let mut bad = |location: String, message: String| {
            issues.push(Issue {
                file: file.clone().into(),
                location,
                message,
            });
        };
        if !is_valid_id(&layer.id) {
            bad(
                "-".into(),
                format!("layer id '{}' is not valid: expected {ID_FORM}", layer.id),
            );
        }
        if !layer_ids.insert(layer.id.as_str()) {
            bad(
                "-".into(),
                format!("duplicate layer id '{}': ids must be unique", layer.id),
            );
        }
        if layer.attribution.trim().is_empty() {
            bad(
                "-".into(),
                "has no attribution: say whose data the layer is and under which licence".into(),
            );
        }
        for (n, f) in layer.features.iter().enumerate() {
            let loc = format!("feature {}", n + 1);
            let Some(g) = &f.geometry else {
                bad(
                    loc,
                    format!("has no geometry: expected {}", layer.kind.allowed()),
                );
                continue;
            };
            if !layer.kind.allows(&g.value) {
                bad(
                    loc.clone(),
                    format!(
                        "type {} is not allowed in a {} layer: expected {}",
                        g.value.type_name(),
                        layer.kind.as_str(),
                        layer.kind.allowed()
                    ),
                );
            }
            if let Some(problem) = coordinate_problem(&g.value) {
                bad(loc.clone(), problem);
            }
            let named = f
                .property("name")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|n| !n.trim().is_empty());
            if layer.kind.needs_name() && !named {
                bad(
                    loc,
                    format!(
                        "needs a string property 'name' (a {} is labelled)",
                        layer.kind.as_str()
                    ),
                );
            }
        }
    }
    issues
}

fn sorted(ids: &HashSet<&str>) -> String {
    let mut v: Vec<&str> = ids.iter().copied().collect();
    v.sort_unstable();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn bbox_problem([w, s, e, n]: [f64; 4]) -> Option<String> {
    let ok = [w, s, e, n].iter().all(|v| v.is_finite())
        && (-180.0..=180.0).contains(&w)
        && (-180.0..=180.0).contains(&e)
        && (-90.0..=90.0).contains(&s)
        && (-90.0..=90.0).contains(&n)
        && w < e
        && s < n;
    (!ok).then(|| {
        format!("[{w}, {s}, {e}, {n}] is not a valid box: expected [minLon, minLat, maxLon, maxLat] in WGS 84 degrees, min below max")
    })
}

fn coordinate_problem(g: &geojson::GeometryValue) -> Option<String> {
    use geojson::GeometryValue as G;
    let positions: Vec<&geojson::Position> = match g {
        G::Point { coordinates } => vec![coordinates],
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().collect()
        }
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().flatten().collect()
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().collect(),
        G::GeometryCollection { .. } => {
            return Some("a GeometryCollection is not allowed".into());
        }
    };
    positions
        .into_iter()
        .find(|p| {
            p.len() < 2
                || !p[0].is_finite()
                || !p[1].is_finite()
                || p[0].abs() > 180.0
                || p[1].abs() > 90.0
        })
        .map(|p| format!("position {p:?} is not valid: expected [lon, lat] in WGS 84 degrees"))
}

//! From `districts.csv` and the geometry inputs to the data set's districts.

use anyhow::{Result, bail};
use frontline::dataset::District;
use geo::{
    Coord, Intersects, LineString, MapCoords, MultiPolygon, Orient, Polygon, Validation,
    orient::Direction,
};
use serde_json::{Map, Value, json};

use crate::city::{Bank, Banks, River, cells};
use crate::cod_ab;
use crate::project::Local;
use crate::raw::{DistrictRow, Kind, Point, Raw};

/// Decimal places kept in lon/lat (1e-6° ≈ 0.1 m).
const DECIMALS: i32 = 6;
/// Vertices of the circles drawn for places without boundary data.
const CIRCLE_VERTICES: u32 = 48;

/// The city's geometry in the local plane: the river and both banks' outlines.
pub struct City {
    pub local: Local,
    pub river: River,
    pub banks: Banks,
}

/// The river and the banks' outlines, from the seed points of `raw`.
///
/// # Errors
/// Unknown points, or a seed on the wrong bank.
pub fn city(raw: &Raw) -> Result<City> {
    let (city, _, _) = seeds_and_city(raw)?;
    Ok(city)
}

type Seeds<'a> = Vec<(&'a DistrictRow, Coord)>;

fn seeds_and_city(raw: &Raw) -> Result<(City, Seeds<'_>, Seeds<'_>)> {
    let local = Local::mosul();
    let river = River::new(raw.river.iter().map(|&c| local.forward(c)).collect());

    // Seeds per bank, in districts.csv order.
    let mut east = Vec::new();
    let mut west = Vec::new();
    for row in raw.districts.iter().filter(|d| d.kind == Kind::Seed) {
        let point = raw.point(&row.point)?;
        let xy = local.forward(point.coord());
        match (point.bank.as_str(), river.bank(xy)) {
            ("E", Bank::East) => east.push((row, xy)),
            ("W", Bank::West) => west.push((row, xy)),
            (bank, side) => bail!(
                "{}: points.csv says bank {bank} but the point lies on the {side:?} side of the Tigris",
                row.id
            ),
        }
    }
    let east_xy: Vec<Coord> = east.iter().map(|s| s.1).collect();
    let west_xy: Vec<Coord> = west.iter().map(|s| s.1).collect();
    let banks = Banks::new(&east_xy, &west_xy, &river);
    Ok((
        City {
            local,
            river,
            banks,
        },
        east,
        west,
    ))
}

/// Builds every district of `raw`, in `districts.csv` order.
///
/// # Errors
/// Unknown points or sub-districts, a seed on the wrong bank, or an invalid polygon.
///
/// # Panics
/// Never: every row of `districts.csv` is given a shape before the districts are assembled.
pub fn build(raw: &Raw) -> Result<Vec<District>> {
    let (city, east, west) = seeds_and_city(raw)?;
    let (local, banks) = (city.local, &city.banks);
    let east_xy: Vec<Coord> = east.iter().map(|s| s.1).collect();
    let west_xy: Vec<Coord> = west.iter().map(|s| s.1).collect();
    let mut shapes: Vec<(&str, MultiPolygon)> = Vec::new();
    for (seeds, region, rows) in [
        (&east_xy, &banks.east, &east),
        (&west_xy, &banks.west, &west),
    ] {
        for (cell, (row, _)) in cells(seeds, region).into_iter().zip(rows.iter()) {
            shapes.push((row.id.as_str(), local.inverse_multi(&cell)));
        }
    }

    // Towns and places without boundary data: circles around their points, clear of the city.
    let city_outline = banks.city();
    for row in raw
        .districts
        .iter()
        .filter(|d| matches!(d.kind, Kind::Town | Kind::Circle))
    {
        let point = raw.point(&row.point)?;
        let Some(radius_km) = row.radius_km else {
            bail!("{}: a circle needs radius_km", row.id)
        };
        let shape = circle(point.coord(), radius_km * 1000.0);
        if shape
            .map_coords(|c| local.forward(c))
            .intersects(&city_outline)
        {
            bail!(
                "{}: its circle of {radius_km} km reaches into the city's outline",
                row.id
            );
        }
        shapes.push((row.id.as_str(), shape));
    }

    raw.districts
        .iter()
        .map(|row| {
            let shape = &shapes
                .iter()
                .find(|s| s.0 == row.id)
                .expect("every row was built")
                .1;
            let geometry = finish(shape).map_err(|e| anyhow::anyhow!("{}: {e}", row.id))?;
            Ok(District {
                id: row.id.clone(),
                name: row.name.clone(),
                alt_names: alt_names(row, raw)?,
                group: Some(row.group.clone()),
                geometry,
                properties: properties(row, raw)?,
            })
        })
        .collect()
}

/// A regular polygon of `radius_m` around `centre` (lon/lat), drawn in a projection centred on it.
fn circle(centre: Coord, radius_m: f64) -> MultiPolygon {
    let local = Local::new(centre.x, centre.y);
    let ring: Vec<Coord> = (0..=CIRCLE_VERTICES)
        .map(|i| {
            let a =
                f64::from(i % CIRCLE_VERTICES) / f64::from(CIRCLE_VERTICES) * std::f64::consts::TAU;
            local.inverse(Coord {
                x: radius_m * a.cos(),
                y: radius_m * a.sin(),
            })
        })
        .collect();
    MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
}

/// Rounds to [`DECIMALS`], drops repeated vertices and degenerate rings, orients exterior rings
/// counter-clockwise (RFC 7946), and checks validity. One part becomes a Polygon.
///
/// # Errors
/// An empty or invalid result.
pub fn finish(shape: &MultiPolygon) -> Result<geo::Geometry> {
    let scale = 10f64.powi(DECIMALS);
    let ring = |l: &LineString| {
        let mut coords: Vec<Coord> = Vec::with_capacity(l.0.len());
        for c in &l.0 {
            let r = Coord {
                x: (c.x * scale).round() / scale,
                y: (c.y * scale).round() / scale,
            };
            if coords.last() != Some(&r) {
                coords.push(r);
            }
        }
        LineString::new(coords)
    };
    let parts: Vec<Polygon> = shape
        .0
        .iter()
        .map(|p| {
            Polygon::new(
                ring(p.exterior()),
                p.interiors()
                    .iter()
                    .map(ring)
                    .filter(|r| r.0.len() >= 4)
                    .collect(),
            )
        })
        .filter(|p| p.exterior().0.len() >= 4)
        .collect();
    let multi = MultiPolygon::new(parts).orient(Direction::Default);
    let geometry = match multi.0.len() {
        0 => bail!("the polygon is empty"),
        1 => geo::Geometry::Polygon(multi.0[0].clone()),
        _ => geo::Geometry::MultiPolygon(multi),
    };
    if let Some(problem) = geometry.validation_errors().first() {
        bail!("invalid polygon after rounding: {problem}");
    }
    Ok(geometry)
}

/// Spelling variants: the points.csv variants and name, and the COD-AB names of a sub-district.
fn alt_names(row: &DistrictRow, raw: &Raw) -> Result<Vec<String>> {
    let point = raw.point(&row.point)?;
    let mut names: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim();
        if !s.is_empty() && s != row.name && !names.iter().any(|n| n == s) {
            names.push(s.to_owned());
        }
    };
    // The row's own name, without the research notes some rows carry in brackets.
    let note = [" (extra anchor)", " (extra)", " (Syria)", " (N)"];
    add(note.iter().fold(point.name.as_str(), |n, suffix| {
        n.strip_suffix(suffix).unwrap_or(n)
    }));
    point.variants.split(';').for_each(&mut add);
    if row.kind == Kind::Town {
        let (_, props) = cod_ab::feature(&raw.admin, &row.admin_pcode)?;
        for key in ["ADM3_EN", "ADM3_AR"] {
            if let Some(v) = props.get(key).and_then(Value::as_str) {
                add(v);
            }
        }
    }
    Ok(names)
}

fn properties(row: &DistrictRow, raw: &Raw) -> Result<Map<String, Value>> {
    let point: &Point = raw.point(&row.point)?;
    let mut p = Map::new();
    p.insert("point".into(), json!([point.lon, point.lat]));
    p.insert("point_confidence".into(), json!(point.confidence));
    p.insert("point_source".into(), json!(point.source));
    if !row.area.is_empty() {
        p.insert("area".into(), json!(row.area));
    }
    match row.kind {
        Kind::Seed => {
            p.insert("geometry_quality".into(), json!("approximate"));
            p.insert(
                "bank".into(),
                json!(if point.bank == "E" { "east" } else { "west" }),
            );
            p.insert(
                "method".into(),
                json!("Voronoi cell of the point among its bank's neighbourhood points, clipped to the urban outline and kept off the Tigris (see data/mosul/README.md)"),
            );
            p.insert(
                "source".into(),
                json!("Generated by tools/mosul-data from data/mosul/raw/points.csv and tigris.csv; point attribution in point_source"),
            );
        }
        Kind::Town => {
            let (_, props) = cod_ab::feature(&raw.admin, &row.admin_pcode)?;
            p.insert("geometry_quality".into(), json!("approximate"));
            p.insert("radius_km".into(), json!(row.radius_km));
            p.insert("adm3_pcode".into(), json!(row.admin_pcode));
            p.insert(
                "adm3_en".into(),
                props.get("ADM3_EN").cloned().unwrap_or(Value::Null),
            );
            p.insert(
                "method".into(),
                json!(format!(
                    "The town, drawn as a circle of {} km radius around its point: the reports date the town's capture, not its whole sub-district (the COD-AB sub-district is the context layer 'admin', without a control colour)",
                    row.radius_km.unwrap_or_default()
                )),
            );
            p.insert(
                "source".into(),
                json!("Point from data/mosul/raw/points.csv (attribution in point_source); sub-district from COD-AB (OCHA / Iraq CSO / ITOS, CC BY-IGO)"),
            );
        }
        Kind::Circle => {
            p.insert("geometry_quality".into(), json!("approximate"));
            p.insert("radius_km".into(), json!(row.radius_km));
            p.insert(
                "method".into(),
                json!(format!(
                    "A circle of {} km radius around the point: no open boundary data for Syria was available",
                    row.radius_km.unwrap_or_default()
                )),
            );
            p.insert(
                "source".into(),
                json!("Point from data/mosul/raw/points.csv; attribution in point_source"),
            );
        }
    }
    Ok(p)
}

//! What the Mosul data set says about itself (`dataset.json`) and the geography drawn with it:
//! the Tigris, its bridges, key terrain, place names, the COD-AB sub-districts as grey context,
//! and the country outlines of the locator inset.

use anyhow::{Context, Result};
use frontline::dataset::{District, Instant};
use frontline::domain::meta::{ContextLayer, Credit, LayerKind, Meta, RegionDef};
use geo::{BoundingRect, Centroid, Coord, MultiPolygon};
use serde_json::{Map, Value, json};

use crate::city::{OUTLINE_BUFFER_M, RIVER_HALF_WIDTH_M};
use crate::districts::{City, city, finish};
use crate::raw::Raw;
use crate::{cod_ab, project::Local};

/// Districts facing each other across the Tigris (200 m wide here) are neighbours along it.
const FRONT_GAP_KM: f64 = 1.0;
/// How far a bridge's line reaches beyond each bank of the river strip, metres.
const BRIDGE_OVERHANG_M: f64 = 60.0;

/// A landmark: its row of points.csv, its label, what it is, its rank (1 is shown at every
/// scale) and the district named after it, if any (which then labels it).
struct Landmark {
    row: &'static str,
    name: &'static str,
    kind: &'static str,
    rank: u8,
    district: &'static str,
}

const fn mark(
    row: &'static str,
    name: &'static str,
    kind: &'static str,
    rank: u8,
    district: &'static str,
) -> Landmark {
    Landmark {
        row,
        name,
        kind,
        rank,
        district,
    }
}

const LANDMARKS: [Landmark; 14] = [
    mark(
        "Nuri mosque quarter (al-Nuri Mosque)",
        "al-Nuri mosque",
        "mosque",
        1,
        "",
    ),
    mark(
        "University (al-Jami'a / al-Majmua al-Thaqafiya)",
        "University of Mosul",
        "university",
        1,
        "university",
    ),
    mark(
        "Mosul International Airport",
        "Mosul airport",
        "airport",
        1,
        "airport",
    ),
    mark("Mosul Museum (landmark)", "Mosul Museum", "museum", 1, ""),
    mark("Ghazlani base", "Ghazlani base", "base", 1, "ghazlani"),
    mark(
        "Medical City / al-Shifa hospital complex",
        "Medical City",
        "hospital",
        1,
        "medical-city",
    ),
    mark(
        "Nabi Yunus Mosque (landmark)",
        "Nabi Yunus mosque",
        "mosque",
        2,
        "",
    ),
    mark(
        "Mosul Grand Mosque (landmark)",
        "Mosul Grand Mosque",
        "mosque",
        2,
        "",
    ),
    mark(
        "Nineveh - Kuyunjik (landmark)",
        "Nineveh (Kuyunjik)",
        "heritage",
        2,
        "",
    ),
    mark(
        "Bash Tapia Castle (landmark)",
        "Bash Tapia",
        "heritage",
        2,
        "",
    ),
    mark("Qara Saray (landmark)", "Qara Saray", "heritage", 2, ""),
    mark(
        "Our Lady of the Hour church (landmark)",
        "Clock church",
        "church",
        2,
        "",
    ),
    mark(
        "Al-Salam Hospital (landmark)",
        "al-Salam hospital",
        "hospital",
        2,
        "",
    ),
    mark(
        "Ninawa Oberoi Hotel (landmark)",
        "Ninawa hotel",
        "hotel",
        2,
        "",
    ),
];

const POINTS_ATTRIBUTION: &str = "Compiled for Frontline from GeoNames (CC BY 4.0), Pleiades (CC BY 3.0), Wikipedia and \
Wikimapia (CC BY-SA), Airwars and Mesopotamia Heritage coordinates; each feature's `source` names its origin";

/// The data set's metadata and context layers.
///
/// # Errors
/// A landmark or bridge row missing from the raw tables, or an invalid river polygon.
pub fn build(raw: &Raw, districts: &[District]) -> Result<(Meta, Vec<ContextLayer>)> {
    let city = city(raw)?;
    let layers = vec![
        water(&city)?,
        bridges(raw, &city),
        landmarks(raw)?,
        places(&city, districts),
        admin(raw),
        locator(raw),
    ];
    Ok((meta(&city, districts), layers))
}

fn meta(city: &City, districts: &[District]) -> Meta {
    let outline = city.local.inverse_multi(&city.banks.city());
    let r = outline.bounding_rect().expect("the city has an outline");
    // Rounded outwards, so the whole city is in view.
    let (down, up) = (
        |v: f64| (v * 1000.0).floor() / 1000.0,
        |v: f64| (v * 1000.0).ceil() / 1000.0,
    );
    let old_city: Vec<String> = districts
        .iter()
        .filter(|d| d.properties.get("area").and_then(Value::as_str) == Some("Old City"))
        .map(|d| d.id.clone())
        .collect();
    let day = |s: &str| s.parse::<Instant>().expect("a literal date");
    let region = |id: &str, name: &str, groups: &[&str], districts: Vec<String>| RegionDef {
        id: id.into(),
        name: name.into(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        districts,
        bbox: None,
    };
    let credit = |text: &str, licence: &str, url: &str| Credit {
        text: text.into(),
        licence: licence.into(),
        url: url.into(),
    };
    Meta {
        title: "Battle of Mosul".into(),
        description: "Who held each neighbourhood of Mosul, and the towns around it, from the offensive of 17 October 2016 \
to the city's liberation in July 2017, from dated, sourced reports. Neighbourhood boundaries are approximate."
            .into(),
        place: "Mosul".into(),
        period: Some([day("2016-10-17"), day("2017-07-10")]),
        default_date: Some(day("2017-01-24")),
        default_view: Some([down(r.min().x), down(r.min().y), up(r.max().x), up(r.max().y)]),
        front_gap_km: FRONT_GAP_KM,
        regions: vec![
            region("mosul", "Mosul city", &["East Mosul", "West Mosul"], vec!["airport".into(), "ghazlani".into()]),
            region("east-mosul", "East Mosul", &["East Mosul"], vec![]),
            region("west-mosul", "West Mosul", &["West Mosul"], vec!["airport".into(), "ghazlani".into()]),
            region("old-city", "Old City", &[], old_city),
            region("mosul-area", "Mosul and the towns around it", &["East Mosul", "West Mosul", "Outskirts"], vec![]),
        ],
        main_region: Some("mosul".into()),
        licence: "CC BY-SA 4.0 (it includes points derived from CC BY-SA text of Wikipedia and Wikimapia)".into(),
        credits: vec![
            credit("Control dates: the reports in sources.csv", "", ""),
            credit("Sub-districts: OCHA / Iraq CSO / ITOS via HDX", "CC BY-IGO", "https://data.humdata.org/dataset/cod-ab-irq"),
            credit("Places: GeoNames", "CC BY 4.0", "https://www.geonames.org"),
            credit("Ancient sites: Pleiades", "CC BY 3.0", "https://pleiades.stoa.org"),
            credit("Points from Wikipedia and Wikimapia", "CC BY-SA", ""),
            credit("Coordinates from Airwars and Mesopotamia Heritage", "", ""),
            credit("Countries: Natural Earth", "public domain", "https://www.naturalearthdata.com"),
        ],
    }
}

fn layer(
    id: &str,
    kind: LayerKind,
    name: &str,
    attribution: &str,
    features: Vec<geojson::Feature>,
) -> ContextLayer {
    ContextLayer {
        id: id.into(),
        kind,
        name: name.into(),
        attribution: attribution.into(),
        // Polygons as RFC 7946 wants them (COD-AB and Natural Earth rings run the other way).
        features: features
            .into_iter()
            .map(frontline::dataset::context::right_hand_rule)
            .collect(),
    }
}

fn feature(geometry: geojson::Geometry, properties: Map<String, Value>) -> geojson::Feature {
    geojson::Feature {
        bbox: None,
        geometry: Some(geometry),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

fn props(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(m) => m,
        _ => unreachable!("props are objects"),
    }
}

fn point(c: Coord) -> geojson::Geometry {
    let r = |v: f64| (v * 1e6).round() / 1e6;
    geojson::Geometry::new(geojson::GeometryValue::new_point([r(c.x), r(c.y)]))
}

/// The Tigris through the city: the same strip that separates the banks' districts.
fn water(city: &City) -> Result<ContextLayer> {
    let strip = city.river.strip(RIVER_HALF_WIDTH_M, OUTLINE_BUFFER_M * 3.0);
    let geometry = finish(&city.local.inverse_multi(&strip)).context("the Tigris polygon")?;
    Ok(layer(
        "water",
        LayerKind::Water,
        "Tigris",
        "River centreline compiled for Frontline (data/mosul/raw/tigris.csv: Wikipedia, GeoNames and estimates), drawn 200 m wide; \
±150–250 m in the centre, ±0.5–2 km at the ends",
        vec![feature(
            geojson::Geometry::from(&geometry),
            props(json!({ "name": "Tigris", "name_ar": "دجلة" })),
        )],
    ))
}

/// Each bridge as a short line across the river strip at its (mostly estimated) position.
fn bridges(raw: &Raw, city: &City) -> ContextLayer {
    let features = raw
        .bridges
        .iter()
        .map(|b| {
            let at = city.local.forward(Coord { x: b.lon, y: b.lat });
            let (foot, dir) = city.river.nearest(at);
            let half = RIVER_HALF_WIDTH_M + BRIDGE_OVERHANG_M;
            // Across the river: the centreline's direction turned a quarter.
            let across = Coord { x: -dir.y * half, y: dir.x * half };
            let ends = [foot - across, foot + across].map(|c| city.local.inverse(c));
            let r = |v: f64| (v * 1e6).round() / 1e6;
            let line = geojson::GeometryValue::new_line_string(ends.iter().map(|c| vec![r(c.x), r(c.y)]));
            feature(
                geojson::Geometry::new(line),
                props(json!({
                    "name": b.name,
                    "alt_names": b.variants.split(';').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
                    "position_confidence": b.confidence,
                    "source": b.source,
                })),
            )
        })
        .collect();
    layer(
        "bridges",
        LayerKind::Bridge,
        "Bridges",
        "Bridge positions compiled for Frontline (data/mosul/raw/bridges.csv): one from Wikipedia, the others estimated on the river line",
        features,
    )
}

fn landmarks(raw: &Raw) -> Result<ContextLayer> {
    let features = LANDMARKS
        .iter()
        .map(|m| {
            let p = raw.point(m.row)?;
            let mut properties = props(json!({
                "name": m.name, "kind": m.kind, "rank": m.rank,
                "position_confidence": p.confidence, "source": p.source,
            }));
            if !m.district.is_empty() {
                properties.insert("district".into(), json!(m.district));
            }
            Ok(feature(point(p.coord()), properties))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(layer(
        "landmarks",
        LayerKind::Landmark,
        "Key terrain",
        POINTS_ATTRIBUTION,
        features,
    ))
}

/// Labels for what no single district names: the city, its two banks and the Old City.
fn places(city: &City, districts: &[District]) -> ContextLayer {
    let centre = |m: &MultiPolygon, local: &Local| {
        local.inverse(m.centroid().expect("a non-empty outline").0)
    };
    let old_city = districts
        .iter()
        .filter(|d| d.properties.get("area").and_then(Value::as_str) == Some("Old City"))
        .filter_map(|d| geo::Centroid::centroid(&d.geometry))
        .fold((0.0, 0.0, 0.0), |(x, y, n), p| {
            (x + p.x(), y + p.y(), n + 1.0)
        });
    let mut features = vec![
        feature(
            point(Coord { x: 43.13, y: 36.34 }),
            props(json!({ "name": "Mosul", "name_ar": "الموصل", "rank": 1 })),
        ),
        feature(
            point(centre(&city.banks.east, &city.local)),
            props(
                json!({ "name": "East Mosul", "alt_names": ["Left bank", "al-Sahil al-Aysar"], "rank": 2 }),
            ),
        ),
        feature(
            point(centre(&city.banks.west, &city.local)),
            props(
                json!({ "name": "West Mosul", "alt_names": ["Right bank", "al-Sahil al-Ayman"], "rank": 2 }),
            ),
        ),
    ];
    if old_city.2 > 0.0 {
        features.push(feature(
            point(Coord {
                x: old_city.0 / old_city.2,
                y: old_city.1 / old_city.2,
            }),
            props(json!({ "name": "Old City", "alt_names": ["al-Madina al-Qadima"], "rank": 3 })),
        ));
    }
    layer(
        "places",
        LayerKind::Place,
        "Place names",
        "Positions derived by Frontline from the data set's own districts; Mosul at the Old City on the river",
        features,
    )
}

/// The COD-AB sub-districts: where the towns lie, drawn grey, with no control colour.
fn admin(raw: &Raw) -> ContextLayer {
    let features = raw
        .admin
        .features
        .iter()
        .map(|f| {
            let get = |k: &str| f.property(k).cloned().unwrap_or(Value::Null);
            // The extract keeps COD-AB's rings as published; repeated vertices in two of them are
            // dropped here, which changes no shape.
            let geometry = f.geometry.as_ref().map(|g| {
                let shape = geo::Geometry::<f64>::try_from(g.clone()).expect("COD-AB polygons");
                geojson::Geometry::from(&geo::RemoveRepeatedPoints::remove_repeated_points(&shape))
            });
            geojson::Feature {
                geometry,
                properties: Some(props(json!({
                    "name": get("ADM3_EN"), "name_ar": get("ADM3_AR"), "pcode": get("ADM3_PCODE"),
                    "district": get("ADM2_EN"),
                }))),
                ..f.clone()
            }
        })
        .collect();
    layer(
        "admin",
        LayerKind::Admin,
        "Sub-districts (COD-AB)",
        cod_ab::ATTRIBUTION,
        features,
    )
}

fn locator(raw: &Raw) -> ContextLayer {
    layer(
        "locator",
        LayerKind::Locator,
        "Countries",
        "Made with Natural Earth (public domain), via npm world-atlas",
        raw.countries.features.clone(),
    )
}

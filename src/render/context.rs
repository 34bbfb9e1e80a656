//! The geography drawn with the control map, from the data set's context layers: administrative
//! areas as grey context under the districts, water and bridges over them, key terrain and place
//! names, and a locator inset of the countries around the frame.

use std::fmt::Write;

use geo::{BooleanOps, BoundingRect, Geometry, Intersects, MultiPolygon, Rect};

use super::Context;
use super::frame::Frame;
use super::labels;
use super::layout::PxRect;
use super::scene;
use super::svg::{self, Anchor, Style, n};
use crate::domain::index::LayerEntry;
use crate::domain::meta::LayerKind;

pub const WATER: &str = "#9cc3e0";
const WATER_TEXT: &str = "#2f6690";
const ADMIN_STROKE: &str = "#8c8c8c";
/// A city's own name is printed on maps at least this wide (km): on a map of the city itself
/// the title already names it.
const CITY_NAME_FRAME_KM: f64 = 40.0;

/// A context feature's geometry, if it has one `geo` can take.
fn geometry(f: &geojson::Feature) -> Option<Geometry<f64>> {
    f.geometry
        .as_ref()
        .and_then(|g| Geometry::<f64>::try_from(g).ok())
}

fn name(f: &geojson::Feature) -> Option<&str> {
    f.property("name").and_then(serde_json::Value::as_str)
}

fn rank(f: &geojson::Feature) -> u64 {
    f.property("rank")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(3)
}

fn layers<'a>(cx: &'a Context<'_>, kind: LayerKind) -> impl Iterator<Item = &'a LayerEntry> {
    cx.index.layers.iter().filter(move |l| l.layer.kind == kind)
}

/// Features of `kind` that reach into the frame, with their geometry.
fn in_frame<'a>(
    cx: &'a Context<'_>,
    frame: &Frame,
    kind: LayerKind,
) -> Vec<(&'a geojson::Feature, Geometry<f64>)> {
    let extent = frame.extent();
    layers(cx, kind)
        .flat_map(|l| &l.layer.features)
        .filter_map(|f| Some((f, geometry(f)?)))
        .filter(|(_, g)| g.intersects(&extent))
        .collect()
}

/// The names of the context layers drawn in the frame, with their attribution, for the footer.
#[must_use]
pub fn credited(cx: &Context<'_>, frame: &Frame) -> Vec<String> {
    let extent = frame.extent();
    cx.index
        .layers
        .iter()
        .filter(|l| l.layer.kind != LayerKind::Locator)
        .filter(|l| {
            l.layer
                .features
                .iter()
                .filter_map(geometry)
                .any(|g| g.intersects(&extent))
        })
        .map(|l| format!("{}: {}", l.layer.name, l.layer.attribution))
        .collect()
}

/// Administrative areas as thin grey outlines: where the towns lie, with no control colour.
pub fn under(out: &mut String, cx: &Context<'_>, frame: &Frame) {
    let areas = in_frame(cx, frame, LayerKind::Admin);
    if areas.is_empty() {
        return;
    }
    write!(
        out,
        "<path class=\"admin\" fill=\"#ebeae5\" stroke=\"{ADMIN_STROKE}\" stroke-width=\"{}\" stroke-dasharray=\"{} {}\" fill-rule=\"evenodd\" d=\"",
        n(0.9 * cx.s),
        n(5.0 * cx.s),
        n(3.0 * cx.s)
    )
    .expect("String");
    for (_, g) in &areas {
        let polygons = scene::project(g, frame);
        svg::rings_path(out, polygons.iter().flatten().map(|r| r.iter().copied()));
    }
    out.push_str("\"/>\n");
}

/// Water over the districts (it fills the gaps between banks), then the bridges across it.
pub fn over(out: &mut String, cx: &Context<'_>, frame: &Frame) {
    let s = cx.s;
    let water = in_frame(cx, frame, LayerKind::Water);
    let mut areas = String::new();
    let mut streams = String::new();
    for (_, g) in &water {
        match g {
            Geometry::LineString(_) | Geometry::MultiLineString(_) => lines(&mut streams, g, frame),
            _ => {
                let polygons = scene::project(g, frame);
                svg::rings_path(
                    &mut areas,
                    polygons.iter().flatten().map(|r| r.iter().copied()),
                );
            }
        }
    }
    if !areas.is_empty() {
        writeln!(
            out,
            "<path class=\"water\" fill=\"{WATER}\" fill-rule=\"evenodd\" d=\"{areas}\"/>"
        )
        .expect("String");
    }
    if !streams.is_empty() {
        writeln!(
            out,
            "<path class=\"water\" fill=\"none\" stroke=\"{WATER}\" stroke-width=\"{}\" d=\"{streams}\"/>",
            n(3.0 * s)
        )
        .expect("String");
    }
    let mut d = String::new();
    for (_, g) in in_frame(cx, frame, LayerKind::Bridge) {
        lines(&mut d, &g, frame);
    }
    if !d.is_empty() {
        writeln!(
            out,
            "<g class=\"bridges\" fill=\"none\" stroke-linecap=\"butt\"><path stroke=\"#ffffff\" stroke-width=\"{}\" d=\"{d}\"/><path stroke=\"#555555\" stroke-width=\"{}\" d=\"{d}\"/></g>",
            n(5.5 * s),
            n(3.0 * s)
        )
        .expect("String");
    }
}

fn lines(out: &mut String, g: &Geometry<f64>, frame: &Frame) {
    let mut one = |l: &geo::LineString<f64>| {
        svg::line_path(out, l.0.iter().map(|c| frame.to_px(c.x, c.y)));
    };
    match g {
        Geometry::LineString(l) => one(l),
        Geometry::MultiLineString(ls) => ls.0.iter().for_each(&mut one),
        _ => {}
    }
}

/// Key terrain (a symbol and its name) and place names, placed where they do not collide with
/// each other or with `obstacles`; what is drawn is added to `obstacles`, for the district labels.
pub fn names(out: &mut String, cx: &Context<'_>, frame: &Frame, obstacles: &mut Vec<PxRect>) {
    let s = cx.s;
    let bounds = frame.map.grow(-4.0 * s);
    out.push_str("<g class=\"context-names\">\n");
    // Names of parts of the city first (they name what no district does), then key terrain,
    // then the smaller names. A rank-1 place (a city) names the map only when the frame is wide
    // enough to hold more than that city.
    let wide = frame.map.w * frame.metres_per_px() / 1000.0 >= CITY_NAME_FRAME_KM;
    let mut places = in_frame(cx, frame, LayerKind::Place);
    places.retain(|(f, _)| rank(f) > 1 || wide);
    places.sort_by_key(|(f, _)| rank(f));
    let mut marks = in_frame(cx, frame, LayerKind::Landmark);
    marks.sort_by_key(|(f, _)| rank(f));
    for (f, g) in places.iter().filter(|(f, _)| rank(f) <= 2) {
        place_name(out, f, g, frame, &bounds, s, obstacles);
    }
    for (f, g) in marks.iter().filter(|(f, _)| rank(f) <= 1) {
        landmark(out, f, g, frame, &bounds, s, obstacles);
    }
    for (f, g) in places.iter().filter(|(f, _)| rank(f) > 2) {
        place_name(out, f, g, frame, &bounds, s, obstacles);
    }
    // Water names along the river, at its widest point in the frame.
    for (f, g) in in_frame(cx, frame, LayerKind::Water) {
        let Some(text) = name(f) else { continue };
        let polygons = scene::project(&g, frame);
        let Some((x, y, _)) = labels::pole(&polygons, &bounds) else {
            continue;
        };
        let size = 13.0 * s;
        let style = Style::new(size, WATER_TEXT)
            .halo("#ffffff", 2.5 * s)
            .anchor(Anchor::Middle);
        let rect = PxRect::centred(x, y, style.width(text), size * 1.1);
        if bounds.contains(&rect) && !obstacles.iter().any(|o| o.intersects(&rect)) {
            writeln!(out, "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-style=\"italic\" fill=\"{WATER_TEXT}\" stroke=\"#ffffff\" stroke-width=\"{}\" paint-order=\"stroke\" text-anchor=\"middle\" class=\"water-name\">{}</text>",
                n(x), n(y + 0.36 * size), n(size), n(2.5 * s), svg::escape(text)).expect("String");
            obstacles.push(rect.grow(2.0 * s));
        }
    }
    for (f, g) in marks.iter().filter(|(f, _)| rank(f) > 1) {
        landmark(out, f, g, frame, &bounds, s, obstacles);
    }
    out.push_str("</g>\n");
}

fn place_name(
    out: &mut String,
    f: &geojson::Feature,
    g: &Geometry<f64>,
    frame: &Frame,
    bounds: &PxRect,
    s: f64,
    obstacles: &mut Vec<PxRect>,
) {
    let (Some(text), Some((x, y))) = (name(f), point(g, frame)) else {
        return;
    };
    let size = match rank(f) {
        1 => 21.0 * s,
        2 => 17.0 * s,
        _ => 13.0 * s,
    };
    let style = Style::new(size, "#3a3a3a")
        .bold()
        .halo("#ffffff", 3.0 * s)
        .anchor(Anchor::Middle);
    let text = text.to_uppercase();
    let rect = PxRect::centred(x, y, style.width(&text), size * 1.1);
    if bounds.contains(&rect) && !obstacles.iter().any(|o| o.intersects(&rect)) {
        svg::text(out, x, y + 0.36 * size, &style, "class=\"place\"", &text);
        obstacles.push(rect.grow(2.0 * s));
    }
}

/// A landmark's symbol and, where it fits, its name beside it (right, else left). A rank-1
/// landmark keeps its symbol even when its name does not fit.
fn landmark(
    out: &mut String,
    f: &geojson::Feature,
    g: &Geometry<f64>,
    frame: &Frame,
    bounds: &PxRect,
    s: f64,
    obstacles: &mut Vec<PxRect>,
) {
    let (Some(text), Some((x, y))) = (name(f), point(g, frame)) else {
        return;
    };
    let r = 3.6 * s;
    let size = 11.5 * s;
    let style = Style::new(size, "#111111").halo("#ffffff", 2.2 * s);
    let w = style.width(text);
    let dot = PxRect::centred(x, y, 2.0 * r, 2.0 * r);
    let right = PxRect::new(x + r + 2.0 * s, y - 0.6 * size, w, 1.2 * size);
    let left = PxRect::new(x - r - 2.0 * s - w, y - 0.6 * size, w, 1.2 * size);
    let clear =
        |rect: &PxRect| bounds.contains(rect) && !obstacles.iter().any(|o| o.intersects(rect));
    if !clear(&dot) {
        return;
    }
    let side = [right, left].into_iter().find(|r| clear(r));
    if side.is_none() && rank(f) > 1 {
        return;
    }
    writeln!(
        out,
        "<circle class=\"landmark\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"{}\"/>",
        n(x),
        n(y),
        n(r),
        n(1.4 * s)
    )
    .expect("String");
    obstacles.push(dot.grow(1.5 * s));
    if let Some(rect) = side {
        let (anchor, tx) = if rect.x > x {
            (Anchor::Start, rect.x)
        } else {
            (Anchor::End, rect.right())
        };
        svg::text(
            out,
            tx,
            y + 0.36 * size,
            &style.anchor(anchor),
            "class=\"landmark-name\"",
            text,
        );
        obstacles.push(rect.grow(1.5 * s));
    }
}

/// Where a point feature is drawn, if it is on the map.
fn point(g: &Geometry<f64>, frame: &Frame) -> Option<(f64, f64)> {
    let p = match g {
        Geometry::Point(p) => *p,
        Geometry::MultiPoint(ps) => *ps.0.first()?,
        _ => return None,
    };
    let (x, y) = frame.to_px(p.x(), p.y());
    frame
        .map
        .contains(&PxRect::new(x, y, 0.0, 0.0))
        .then_some((x, y))
}

/// A small map of the countries around the frame in the map's top-left corner, with the frame
/// marked in red; its plate is returned as an obstacle for labels. Nothing without a locator layer.
pub fn locator(out: &mut String, cx: &Context<'_>, frame: &Frame) -> Option<PxRect> {
    let s = cx.s;
    let countries: Vec<(&geojson::Feature, Geometry<f64>)> = layers(cx, LayerKind::Locator)
        .flat_map(|l| &l.layer.features)
        .filter_map(|f| Some((f, geometry(f)?)))
        .collect();
    if countries.is_empty() {
        return None;
    }
    let shown = frame.extent();
    let centre = shown.center();
    // About 14° by 11°: a country and its neighbours around the frame.
    let half = (7.0_f64.max(shown.width()), 5.5_f64.max(shown.height()));
    let extent = Rect::new(
        geo::coord! { x: centre.x - half.0, y: centre.y - half.1 },
        geo::coord! { x: centre.x + half.0, y: centre.y + half.1 },
    );
    let map = frame.map;
    let w = (0.26 * map.w.min(map.h)).max(120.0 * s);
    let plate = PxRect::new(map.x + 10.0 * s, map.y + 10.0 * s, w, w * 0.8);
    let inset = Frame::fit(extent, plate, 0.0);
    writeln!(
        out,
        "<g class=\"locator\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#dfe9f1\" stroke=\"#777777\" stroke-width=\"{}\"/>",
        n(plate.x),
        n(plate.y),
        n(plate.w),
        n(plate.h),
        n(0.9 * s)
    )
    .expect("String");
    // Countries cut to what the inset shows, so none spills over the map; the one the frame is
    // in stands out from its neighbours.
    let window = MultiPolygon::new(vec![inset.extent().to_polygon()]);
    let here = geo::Point::new(centre.x, centre.y);
    let countries: Vec<(&geojson::Feature, Geometry<f64>)> = countries
        .into_iter()
        .filter(|(_, g)| g.bounding_rect().is_some_and(|b| b.intersects(&extent)))
        .map(|(f, g)| {
            let cut = crate::domain::geometry::as_multi_polygon(&g).intersection(&window);
            (f, Geometry::MultiPolygon(cut))
        })
        .collect();
    for (_, g) in &countries {
        let fill = if g.intersects(&here) {
            "#ffffff"
        } else {
            "#ecebe6"
        };
        write!(
            out,
            "<path fill=\"{fill}\" stroke=\"#8a8a8a\" stroke-width=\"{}\" fill-rule=\"evenodd\" d=\"",
            n(0.7 * s)
        )
        .expect("String");
        let polygons = scene::project(g, &inset);
        svg::rings_path(out, polygons.iter().flatten().map(|r| r.iter().copied()));
        out.push_str("\"/>\n");
    }
    let bounds = plate.grow(-2.0 * s);
    for (f, g) in &countries {
        let Some(text) = name(f) else { continue };
        let polygons = scene::project(g, &inset);
        let Some((x, y, room)) = labels::pole(&polygons, &bounds) else {
            continue;
        };
        let style = Style::new(9.5 * s, "#555555").anchor(Anchor::Middle);
        if style.width(text) < 2.2 * room {
            svg::text(out, x, y + 3.0 * s, &style, "class=\"country\"", text);
        }
    }
    let (x0, y0) = inset.to_px(shown.min().x, shown.max().y);
    let (x1, y1) = inset.to_px(shown.max().x, shown.min().y);
    let (cx_, cy_) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (bw, bh) = ((x1 - x0).max(7.0 * s), (y1 - y0).max(7.0 * s));
    writeln!(
        out,
        "<rect class=\"locator-frame\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#d7263d\" stroke-width=\"{}\"/></g>",
        n(cx_ - bw / 2.0),
        n(cy_ - bh / 2.0),
        n(bw),
        n(bh),
        n(2.0 * s)
    )
    .expect("String");
    Some(plate)
}

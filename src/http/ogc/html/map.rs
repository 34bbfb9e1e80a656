//! Small inline SVG maps of `GeoJSON` geometries, drawn without any tile or script.
//!
//! Lon/lat (CRS84) go through an equirectangular projection whose x is scaled by the cosine of
//! the middle latitude, so shapes near it keep their proportions; the map is fitted to the box of
//! everything drawn. Areas are filled paths (even-odd, so holes stay holes), lines are strokes.

use std::fmt::Write;

use serde_json::Value;

use super::page::escape;

/// How a shape is filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    /// A CSS colour.
    Colour(String),
    /// Grey stripes: contested.
    Hatched,
    /// Light grey: no holder known.
    Unknown,
}

/// One feature to draw: its `GeoJSON` geometry, the page it links to and its tooltip.
pub struct Shape<'a> {
    pub geometry: &'a Value,
    pub href: String,
    pub title: String,
    pub fill: Fill,
}

/// A stable colour for `key` (a faction id): its FNV-1a hash picks the hue, so a faction has the
/// same colour on every page and in every data set, without a palette to keep.
#[must_use]
pub fn hash_colour(key: &str) -> String {
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    // The hue from the low end of the hash, two lightnesses from the top bit: neighbouring hues
    // then still tell apart half the time.
    let hue = hash % 360;
    let lightness = if hash >> 63 == 0 { 46 } else { 60 };
    format!("hsl({hue},55%,{lightness}%)")
}

/// The parts of a geometry as lon/lat sequences, each with whether it is a ring (closed). A
/// point is a part of one position.
#[must_use]
pub fn parts(geometry: &Value) -> Vec<(Vec<[f64; 2]>, bool)> {
    fn line(v: &Value) -> Vec<[f64; 2]> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
            .collect()
    }
    fn lines(v: &Value, closed: bool, out: &mut Vec<(Vec<[f64; 2]>, bool)>) {
        for l in v.as_array().into_iter().flatten() {
            out.push((line(l), closed));
        }
    }
    let mut out = Vec::new();
    let coordinates = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Point") => out.push((line(&Value::Array(vec![coordinates.clone()])), false)),
        Some("LineString") => out.push((line(coordinates), false)),
        Some("MultiLineString") => lines(coordinates, false, &mut out),
        Some("Polygon") => lines(coordinates, true, &mut out),
        Some("MultiPolygon") => {
            for polygon in coordinates.as_array().into_iter().flatten() {
                lines(polygon, true, &mut out);
            }
        }
        Some("GeometryCollection") => {
            for g in geometry["geometries"].as_array().into_iter().flatten() {
                out.extend(parts(g));
            }
        }
        _ => {}
    }
    out.retain(|(points, _)| !points.is_empty());
    out
}

/// An equirectangular projection fitted to a lon/lat box, in pixels with y down.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    west: f64,
    north: f64,
    /// cos(middle latitude): the length of a degree of longitude in degrees of latitude.
    x_scale: f64,
    /// Pixels per degree of latitude.
    scale: f64,
    pad: f64,
    /// The map's size in pixels, padding included.
    pub width: f64,
    pub height: f64,
}

impl Projection {
    /// Fits `[west, south, east, north]` (degrees) into at most `max_width` × `max_height`
    /// pixels with `pad` pixels around, keeping the aspect. A box of no width or height (a
    /// single point, a meridian) is widened to a millionth of a degree.
    #[must_use]
    pub fn fit(bbox: [f64; 4], max_width: f64, max_height: f64, pad: f64) -> Self {
        let [west, south, east, north] = bbox;
        let x_scale = f64::midpoint(south, north).to_radians().cos().max(1e-6);
        let span_x = ((east - west) * x_scale).max(1e-6);
        let span_y = (north - south).max(1e-6);
        let scale = ((max_width - 2.0 * pad) / span_x).min((max_height - 2.0 * pad) / span_y);
        Self {
            west,
            north,
            x_scale,
            scale,
            pad,
            width: span_x * scale + 2.0 * pad,
            height: span_y * scale + 2.0 * pad,
        }
    }

    /// The pixel position of `[lon, lat]`.
    #[must_use]
    pub fn project(&self, [lon, lat]: [f64; 2]) -> [f64; 2] {
        [
            self.pad + (lon - self.west) * self.x_scale * self.scale,
            self.pad + (self.north - lat) * self.scale,
        ]
    }
}

/// The `[west, south, east, north]` of every point of `geometries`; `None` when there is none.
#[must_use]
pub fn bounds<'a>(geometries: impl IntoIterator<Item = &'a Value>) -> Option<[f64; 4]> {
    let mut bbox: Option<[f64; 4]> = None;
    for geometry in geometries {
        for (points, _) in parts(geometry) {
            for [x, y] in points {
                let b = bbox.get_or_insert([x, y, x, y]);
                *b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
    }
    bbox
}

/// The SVG map of `shapes`, at most `max_width` × `max_height` pixels, each shape a link to its
/// page with its title as tooltip; areas under lines, points (dots) on top. `None` when nothing has coordinates.
///
/// # Runtime
/// Linear in the number of points.
#[must_use]
pub fn svg(shapes: &[&Shape<'_>], max_width: f64, max_height: f64) -> Option<String> {
    let bbox = bounds(shapes.iter().map(|s| s.geometry))?;
    let projection = Projection::fit(bbox, max_width, max_height, 8.0);
    let mut areas = String::new();
    let mut strokes = String::new();
    let mut dots = String::new();
    for shape in shapes {
        let parts = parts(shape.geometry);
        if let [(points, false)] = parts.as_slice()
            && let [p] = points.as_slice()
        {
            let [x, y] = projection.project(*p);
            let colour = match &shape.fill {
                Fill::Colour(c) => escape(c),
                Fill::Hatched | Fill::Unknown => "#6b7280".into(),
            };
            let _ = write!(
                dots,
                "<a href=\"{}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{colour}\" \
                 stroke=\"#ffffff\" stroke-width=\"1.5\"><title>{}</title></circle></a>",
                escape(&shape.href),
                escape(&shape.title)
            );
            continue;
        }
        let closed = parts.iter().any(|(_, ring)| *ring);
        let mut d = String::new();
        for (points, ring) in &parts {
            for (i, p) in points.iter().enumerate() {
                let [x, y] = projection.project(*p);
                let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { 'M' } else { 'L' });
            }
            if *ring {
                d.push('Z');
            }
        }
        let style = if closed {
            let fill = match &shape.fill {
                Fill::Colour(c) => escape(c),
                Fill::Hatched => "url(#hatched)".into(),
                Fill::Unknown => "#e3e5e8".into(),
            };
            format!("fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"#ffffff\" stroke-width=\"1\"")
        } else {
            let colour = match &shape.fill {
                Fill::Colour(c) => escape(c),
                Fill::Hatched | Fill::Unknown => "#c0392b".into(),
            };
            format!("fill=\"none\" stroke=\"{colour}\" stroke-width=\"3\" stroke-linecap=\"round\"")
        };
        let out = if closed { &mut areas } else { &mut strokes };
        let _ = write!(
            out,
            "<a href=\"{}\"><path d=\"{d}\" {style} stroke-linejoin=\"round\"><title>{}</title></path></a>",
            escape(&shape.href),
            escape(&shape.title)
        );
    }
    let (w, h) = (projection.width.round(), projection.height.round());
    Some(format!(
        "<svg class=\"map\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"Map of the features\"><defs><pattern id=\"hatched\" width=\"6\" height=\"6\" \
         patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" \
         height=\"6\" fill=\"#dedede\"/><rect width=\"2.5\" height=\"6\" fill=\"#8d8d8d\"/>\
         </pattern></defs>{areas}{strokes}{dots}</svg>"
    ))
}

#[cfg(test)]
mod tests {
    use approx::assert_relative_eq;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_projection_fits_the_box_and_keeps_its_proportions() {
        // 0.2° of longitude at 60° N is as long as 0.1° of latitude: a square.
        let p = Projection::fit([10.0, 59.95, 10.2, 60.05], 400.0, 300.0, 10.0);
        assert_relative_eq!(p.height, 300.0, epsilon = 1e-6);
        assert_relative_eq!(p.width, p.height, epsilon = 0.01);
        let [x0, y0] = p.project([10.0, 60.05]);
        let [x1, y1] = p.project([10.2, 59.95]);
        assert_relative_eq!(x0, 10.0, epsilon = 1e-9);
        assert_relative_eq!(y0, 10.0, epsilon = 1e-9);
        assert_relative_eq!(x1, p.width - 10.0, epsilon = 1e-6);
        assert_relative_eq!(y1, p.height - 10.0, epsilon = 1e-6);
    }

    #[test]
    fn a_wide_box_is_limited_by_the_width() {
        let p = Projection::fit([0.0, 0.0, 10.0, 1.0], 640.0, 480.0, 0.0);
        assert_relative_eq!(p.width, 640.0, epsilon = 1e-6);
        assert!(p.height < 80.0);
    }

    #[test]
    fn a_single_point_does_not_divide_by_zero() {
        let p = Projection::fit([43.1, 36.3, 43.1, 36.3], 100.0, 100.0, 5.0);
        let [x, y] = p.project([43.1, 36.3]);
        assert!(x.is_finite() && y.is_finite());
    }

    #[test]
    fn hash_colours_are_stable_and_differ_between_factions() {
        assert_eq!(hash_colour("isil"), hash_colour("isil"));
        assert_ne!(hash_colour("isil"), hash_colour("isf"));
        assert!(hash_colour("peshmerga").starts_with("hsl("));
    }

    #[test]
    fn parts_of_a_multipolygon_with_a_hole_are_three_rings() {
        let g = json!({"type": "MultiPolygon", "coordinates": [
            [[[0, 0], [4, 0], [4, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]],
            [[[5, 5], [6, 5], [6, 6], [5, 5]]],
        ]});
        let parts = parts(&g);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|(p, ring)| *ring && p.len() == 4));
        assert_relative_eq!(parts[1].0[1][0], 2.0);
        assert_relative_eq!(parts[1].0[1][1], 1.0);
    }

    #[test]
    fn lines_are_strokes_drawn_over_areas() {
        let area = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        let line = json!({"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]]]});
        let shape = |geometry, fill| Shape {
            geometry,
            href: "x?f=html&a=1".into(),
            title: "<t>".into(),
            fill,
        };
        let svg = svg(
            &[&shape(&line, Fill::Unknown), &shape(&area, Fill::Hatched)],
            200.0,
            200.0,
        )
        .unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let paths: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .collect();
        assert_eq!(paths[0].attribute("fill"), Some("url(#hatched)"));
        assert_eq!(paths[1].attribute("fill"), Some("none"));
        assert!(
            svg.contains("href=\"x?f=html&amp;a=1\"") && svg.contains("<title>&lt;t&gt;</title>")
        );
    }

    #[test]
    fn nothing_to_draw_is_no_map() {
        let empty = json!({"type": "Point", "coordinates": []});
        let shape = Shape {
            geometry: &empty,
            href: String::new(),
            title: String::new(),
            fill: Fill::Unknown,
        };
        assert!(svg(&[&shape], 100.0, 100.0).is_none());
    }
}

//! The map itself: districts filled in their holder's colour (contested ones hatched in the
//! contesting factions' colours, unknown ones grey), the front line, with `since` the districts
//! that changed hands outlined, and the district labels on top.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::Context;
use super::frame::Frame;
use super::labels::{self, Candidate, Placed};
use super::layout::PxRect;
use super::scene::Scene;
use super::svg::{self, Anchor, Style, n};
use crate::domain::geometry::Bbox;
use crate::domain::index::{Index, Side};
use crate::domain::time::Instant;

/// Districts with no state at the date: the web map's grey.
pub const UNKNOWN_FILL: &str = "#9a9a9a";
/// Under the districts (and in the gaps between them, such as the Tigris at Mosul).
pub const GROUND: &str = "#f4f4f1";
/// The front line: a white core on a dark halo, as on the web map; legible on every fill.
pub const FRONT_HALO: &str = "#1b1b1b";
pub const FRONT_CORE: &str = "#ffffff";
/// The outline of districts that changed hands since `since`.
pub const CHANGED: &str = "#111111";

/// How a district is filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fill {
    Colour(String),
    /// Diagonal stripes of the contesting factions' colours, with a white band between.
    Hatch {
        id: String,
        colours: Vec<String>,
    },
}

impl Fill {
    /// The value of a `fill` attribute.
    #[must_use]
    pub fn paint(&self) -> String {
        match self {
            Self::Colour(c) => c.clone(),
            Self::Hatch { id, .. } => format!("url(#{id})"),
        }
    }
}

/// The fill for the state `state` (an index into `index.states`), `None` meaning unknown.
#[must_use]
pub fn fill_of(index: &Index, state: Option<usize>) -> Fill {
    match state.map(|s| index.states[s].side()) {
        None => Fill::Colour(UNKNOWN_FILL.to_owned()),
        Some(Side::Held(f)) => Fill::Colour(index.factions[f as usize].color.clone()),
        Some(Side::Contested(fs)) => Fill::Hatch {
            id: format!(
                "hatch-{}",
                fs.iter().map(u16::to_string).collect::<Vec<_>>().join("-")
            ),
            colours: fs
                .iter()
                .map(|&f| index.factions[f as usize].color.clone())
                .collect(),
        },
    }
}

/// Writes the stripe pattern of a hatch fill. Bands are 3.5 px at `s = 1`: dense enough to read as
/// an area, open enough that each colour is seen.
pub fn pattern(out: &mut String, id: &str, colours: &[String], s: f64) {
    let band = 3.5 * s;
    let bands: Vec<&str> = colours
        .iter()
        .map(String::as_str)
        .chain(["#ffffff"])
        .collect();
    write!(
        out,
        "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"{}\" height=\"{}\" patternTransform=\"rotate(45)\">",
        n(band * bands.len() as f64),
        n(band * 2.0)
    )
    .expect("String");
    for (i, c) in bands.iter().enumerate() {
        write!(
            out,
            "<rect x=\"{}\" width=\"{}\" height=\"{}\" fill=\"{c}\"/>",
            n(band * i as f64),
            n(band),
            n(band * 2.0)
        )
        .expect("String");
    }
    out.push_str("</pattern>\n");
}

/// WCAG relative luminance (0 black … 1 white) of `#rrggbb`; 1 for anything else.
#[must_use]
pub fn luminance(colour: &str) -> f64 {
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(colour.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        })
    };
    match (colour.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => 0.2126 * r + 0.7152 * g + 0.0722 * b,
        _ => 1.0,
    }
}

/// Whether white type reads better than black on a ground of luminance `l` (WCAG contrast).
#[must_use]
pub fn wants_white_text(l: f64) -> bool {
    (1.05 / (l + 0.05)) > ((l + 0.05) / 0.05)
}

/// The ground under the districts: what shows in the gaps between them.
pub fn ground(out: &mut String, frame: &Frame) {
    let map = frame.map;
    writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{GROUND}\"/>",
        n(map.x),
        n(map.y),
        n(map.w),
        n(map.h)
    )
    .expect("String");
}

/// Draws the districts in full colour into `frame.map` (they may reach past it:
/// [`passe_partout`] covers that).
pub fn districts(out: &mut String, cx: &Context<'_>, scene: &Scene) {
    let (index, s) = (cx.index, cx.s);
    let fills: Vec<Fill> = scene
        .shown
        .iter()
        .map(|d| fill_of(index, d.state))
        .collect();
    out.push_str("<defs>\n");
    let hatches: BTreeSet<(&String, &Vec<String>)> = fills
        .iter()
        .filter_map(|f| match f {
            Fill::Hatch { id, colours } => Some((id, colours)),
            Fill::Colour(_) => None,
        })
        .collect();
    for (id, colours) in hatches {
        pattern(out, id, colours, s);
    }
    out.push_str("</defs>\n");
    writeln!(
        out,
        "<g class=\"districts\" stroke=\"#ffffff\" stroke-width=\"{}\" stroke-linejoin=\"round\" fill-rule=\"evenodd\">",
        n(0.8 * s)
    )
    .expect("String");
    for (d, fill) in scene.shown.iter().zip(&fills) {
        let id = &index.districts[d.district as usize].district.id;
        write!(
            out,
            "<path data-district=\"{}\" fill=\"{}\"",
            svg::escape(id),
            fill.paint()
        )
        .expect("String");
        if d.changed {
            out.push_str(" data-changed=\"true\"");
        }
        out.push_str(" d=\"");
        svg::rings_path(out, d.polygons.iter().flatten().map(|r| r.iter().copied()));
        out.push_str("\"/>\n");
    }
    out.push_str("</g>\n");
}

/// With `since`: the districts that changed hands, outlined in a dashed black line on a white
/// casing, over their (full) colour, so what is held now reads as it is and the change on top.
pub fn changes(out: &mut String, cx: &Context<'_>, scene: &Scene) {
    if cx.since.is_none() || !scene.shown.iter().any(|d| d.changed) {
        return;
    }
    let s = cx.s;
    let mut d = String::new();
    for shown in scene.shown.iter().filter(|d| d.changed) {
        svg::rings_path(
            &mut d,
            shown.polygons.iter().flatten().map(|r| r.iter().copied()),
        );
    }
    writeln!(
        out,
        "<g class=\"changed\" fill=\"none\" stroke-linejoin=\"round\"><path stroke=\"#ffffff\" stroke-width=\"{}\" d=\"{d}\"/><path stroke=\"{CHANGED}\" stroke-width=\"{}\" stroke-dasharray=\"{} {}\" d=\"{d}\"/></g>",
        n(4.4 * s),
        n(2.4 * s),
        n(7.0 * s),
        n(3.5 * s)
    )
    .expect("String");
}

/// Covers whatever reaches past the map's edge with the white of the sheet, and draws the edge.
/// This stands in for an SVG clip path, which costs resvg 0.6 s on a 2000 × 1400 page; four
/// rectangles cost nothing, and every viewer shows the same.
pub fn passe_partout(out: &mut String, map: &PxRect, width: f64, height: f64, s: f64) {
    // Full-length bands that overlap at the corners: abutting ones would leave an anti-aliased
    // seam that lets the map show through.
    let rects = [
        (0.0, 0.0, width, map.y),
        (0.0, map.bottom(), width, height - map.bottom()),
        (0.0, 0.0, map.x, height),
        (map.right(), 0.0, width - map.right(), height),
    ];
    out.push_str("<g class=\"passe-partout\" fill=\"#ffffff\">");
    for (x, y, w, h) in rects {
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        )
        .expect("String");
    }
    write!(
        out,
        "</g>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888888\" stroke-width=\"{}\"/>\n",
        n(map.x),
        n(map.y),
        n(map.w),
        n(map.h),
        n(s)
    )
    .expect("String");
}

/// The front at `at` within the frame: one path for the halo, one for the core.
pub fn front_line(out: &mut String, index: &Index, frame: &Frame, at: Instant, s: f64) {
    let mut d = String::new();
    for segment in index.frontline(at, Some(&Bbox(frame.extent()))) {
        for line in &segment.border.lines {
            svg::line_path(&mut d, line.0.iter().map(|c| frame.to_px(c.x, c.y)));
        }
    }
    if d.is_empty() {
        return;
    }
    writeln!(
        out,
        "<g class=\"front-line\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\
         <path stroke=\"{FRONT_HALO}\" stroke-width=\"{}\" d=\"{d}\"/><path stroke=\"{FRONT_CORE}\" stroke-width=\"{}\" d=\"{d}\"/></g>",
        n(5.0 * s),
        n(2.0 * s)
    )
    .expect("String");
}

/// Places and draws the district labels, clear of each other and of `furniture`.
pub fn draw_labels(
    out: &mut String,
    cx: &Context<'_>,
    frame: &Frame,
    scene: &Scene,
    furniture: &[PxRect],
) -> Vec<Placed> {
    let (index, s) = (cx.index, cx.s);
    let fills: Vec<Fill> = scene
        .shown
        .iter()
        .map(|d| fill_of(index, d.state))
        .collect();
    let bounds = frame.map.grow(-3.0 * s);
    let candidates: Vec<Candidate> = scene
        .shown
        .iter()
        .filter_map(|d| {
            let (x, y, room) = labels::pole(&d.polygons, &bounds)?;
            let name = &index.districts[d.district as usize].district.name;
            Some(Candidate {
                district: d.district,
                text: labels::short_name(name).to_owned(),
                x,
                y,
                room,
            })
        })
        .collect();
    let obstacles: Vec<PxRect> = furniture.iter().map(|r| r.grow(3.0 * s)).collect();
    let placed = labels::place(candidates, 12.5 * s, &bounds, &obstacles, 3.0 * s);
    out.push_str("<g class=\"labels\">\n");
    for p in &placed {
        let k = scene
            .shown
            .iter()
            .position(|d| d.district == p.district)
            .expect("labels are placed for shown districts");
        let dark = match &fills[k] {
            Fill::Colour(c) => wants_white_text(luminance(c)),
            Fill::Hatch { .. } => false,
        };
        let style = if dark {
            Style::new(p.size, "#ffffff").halo("#222222", 1.8 * s)
        } else {
            Style::new(p.size, "#1a1a1a").halo("#ffffff", 1.8 * s)
        }
        .anchor(Anchor::Middle);
        let line_h = p.size * labels::LEADING;
        // Baselines: the block is centred on (x, y); a line's baseline sits ~0.78 em below its top.
        let top = p.y - line_h * p.lines.len() as f64 / 2.0;
        let id = svg::escape(&index.districts[p.district as usize].district.id);
        for (i, line) in p.lines.iter().enumerate() {
            let baseline = top + line_h * i as f64 + 0.78 * line_h + 0.07 * p.size;
            svg::text(
                out,
                p.x,
                baseline,
                &style,
                &format!("data-label=\"{id}\""),
                line,
            );
        }
    }
    out.push_str("</g>\n");
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luminance_and_contrast_pick_white_type_only_on_dark_fills() {
        assert!(luminance("#333333") < 0.05);
        assert!((luminance("#ffffff") - 1.0).abs() < 1e-9);
        assert_eq!(luminance("url(#x)"), 1.0);
        assert!(wants_white_text(luminance("#333333")));
        assert!(!wants_white_text(luminance("#e8c547")));
        assert!(
            !wants_white_text(luminance("#d1495b")),
            "black reads better on this red"
        );
    }

    #[test]
    fn a_hatch_pattern_has_a_band_per_faction_and_a_white_one() {
        let mut out = String::new();
        pattern(
            &mut out,
            "hatch-0-1",
            &["#d1495b".into(), "#333333".into()],
            1.0,
        );
        assert_eq!(out.matches("<rect").count(), 3);
        assert!(out.contains("fill=\"#d1495b\"") && out.contains("fill=\"#ffffff\""));
        assert!(out.contains("width=\"10.5\""), "{out}");
    }
}

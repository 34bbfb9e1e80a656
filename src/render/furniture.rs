//! The map's furniture: a scale bar in km (bottom left) and a north arrow (top right), each on a
//! pale plate so they read over any district. Their plates are obstacles for the labels.

use std::fmt::Write;

use super::frame::Frame;
use super::layout::PxRect;
use super::svg::{self, Anchor, Style, n};

/// A "nice" scale bar length (1, 2 or 5 × 10ⁿ km) no longer than `max_km`.
#[must_use]
pub fn nice_km(max_km: f64) -> f64 {
    (-3..=5)
        .flat_map(|k| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(k)))
        .take_while(|&km| km <= max_km)
        .last()
        .unwrap_or(0.001)
}

/// A length in km as a scale bar labels it: `0.5`, `2`, `10`.
fn km_label(km: f64) -> String {
    if km >= 1.0 {
        format!("{km:.0}")
    } else {
        format!("{km}")
    }
}

/// Draws the scale bar and returns its plate.
pub fn scale_bar(out: &mut String, frame: &Frame, s: f64) -> PxRect {
    let map = frame.map;
    let km_per_px = frame.metres_per_px() / 1000.0;
    let km = nice_km(0.22 * map.w * km_per_px);
    let bar = km / km_per_px;
    let pad = 10.0 * s;
    let type_size = 12.0 * s;
    let bar_h = 6.0 * s;
    let unit = Style::new(type_size, "#222222");
    let plate_w = bar + 2.0 * pad + unit.width(" km") + unit.width(&km_label(km)) / 2.0;
    let plate_h = type_size + bar_h + 2.5 * pad;
    let plate = PxRect::new(map.x + pad, map.bottom() - pad - plate_h, plate_w, plate_h);
    plate_rect(out, &plate, s);
    let (x0, y) = (plate.x + pad, plate.bottom() - pad - bar_h);
    let half = bar / 2.0;
    writeln!(
        out,
        "<g class=\"scale-bar\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#222222\"/>\
         <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"{}\"/>",
        n(x0),
        n(y),
        n(half),
        n(bar_h),
        n(x0 + half),
        n(y),
        n(half),
        n(bar_h),
        n(0.8 * s)
    )
    .expect("String");
    let label_y = y - 4.0 * s;
    let middle = unit.anchor(Anchor::Middle);
    svg::text(out, x0, label_y, &middle, "", "0");
    svg::text(out, x0 + half, label_y, &middle, "", &km_label(km / 2.0));
    svg::text(
        out,
        x0 + bar,
        label_y,
        &middle,
        "class=\"scale-km\"",
        &format!("{} km", km_label(km)),
    );
    out.push_str("</g>\n");
    plate
}

/// Draws the north arrow and returns its plate. Web Mercator keeps north straight up.
pub fn north_arrow(out: &mut String, frame: &Frame, s: f64) -> PxRect {
    let map = frame.map;
    let pad = 10.0 * s;
    let (w, h) = (34.0 * s, 58.0 * s);
    let plate = PxRect::new(map.right() - pad - w, map.y + pad, w, h);
    plate_rect(out, &plate, s);
    let cx = plate.x + w / 2.0;
    let (tip, base, notch) = (
        plate.y + 22.0 * s,
        plate.bottom() - 6.0 * s,
        plate.bottom() - 14.0 * s,
    );
    let half = 9.0 * s;
    writeln!(
        out,
        "<g class=\"north-arrow\"><path d=\"M{cx} {tip}L{r} {base}L{cx} {notch}Z\" fill=\"#222222\"/>\
         <path d=\"M{cx} {tip}L{l} {base}L{cx} {notch}Z\" fill=\"#ffffff\" stroke=\"#222222\" stroke-width=\"{sw}\" stroke-linejoin=\"round\"/>",
        cx = n(cx),
        tip = n(tip),
        base = n(base),
        notch = n(notch),
        r = n(cx + half),
        l = n(cx - half),
        sw = n(0.9 * s)
    )
    .expect("String");
    let style = Style::new(15.0 * s, "#222222")
        .bold()
        .anchor(Anchor::Middle);
    svg::text(out, cx, plate.y + 18.0 * s, &style, "", "N");
    out.push_str("</g>\n");
    plate
}

fn plate_rect(out: &mut String, r: &PxRect, s: f64) {
    writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#bbbbbb\" stroke-width=\"{}\"/>",
        n(r.x),
        n(r.y),
        n(r.w),
        n(r.h),
        n(3.0 * s),
        n(0.8 * s)
    )
    .expect("String");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_bars_take_round_lengths() {
        assert_eq!(nice_km(7.3), 5.0);
        assert_eq!(nice_km(2.5), 2.0);
        assert_eq!(nice_km(19.9), 10.0);
        assert_eq!(nice_km(0.3), 0.2);
        assert_eq!(km_label(0.5), "0.5");
        assert_eq!(km_label(10.0), "10");
    }
}

//! KML 2.2 for Google Earth's time slider: a Placemark per control state and per front piece, each
//! with a `<TimeSpan>` of its interval (no `<end>` while it still holds).
//!
//! Styles: one per faction for held districts (its colour, 70 % opaque), one per faction for
//! contests that faction is listed first in (KML cannot hatch: the colour at 35 % with a thick
//! outline), and one for the front line. The events and sites are two more folders of points
//! (see `kml_events`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use geo::{Geometry, LineString, MultiLineString, Polygon};

use super::records::{ControlRecord, FrontRecord, control_records, flat_list, front_records};
use super::{rgb, xml_escape as escape};
use crate::domain::index::Index;
use crate::domain::model::Source;
use crate::domain::time::Instant;

const HELD_ALPHA: &str = "b3";
const CONTESTED_ALPHA: &str = "59";
/// Orange, opaque, in KML's aabbggrr.
const FRONT_COLOUR: &str = "ff0080ff";

/// Writes the KML document.
///
/// # Errors
/// Any I/O error of `out`.
///
/// # Runtime
/// O(s + p) for s states and p front pieces, plus one coordinate rendering per district; computes
/// the front history on first use.
pub fn write_kml(index: &Index, out: &mut impl Write) -> io::Result<()> {
    out.write_all(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    )?;
    write!(
        out,
        "<name>Frontline: who held what, when</name>\n<open>1</open>\n"
    )?;
    for f in &index.factions {
        let colour = kml_colour(&f.color);
        write!(
            out,
            "<Style id=\"held-{id}\"><LineStyle><color>ff{colour}</color><width>1</width></LineStyle><PolyStyle><color>{HELD_ALPHA}{colour}</color></PolyStyle></Style>\n\
             <Style id=\"contested-{id}\"><LineStyle><color>ff{colour}</color><width>4</width></LineStyle><PolyStyle><color>{CONTESTED_ALPHA}{colour}</color></PolyStyle></Style>\n",
            id = escape(&f.id),
        )?;
    }
    writeln!(
        out,
        "<Style id=\"front\"><LineStyle><color>{FRONT_COLOUR}</color><width>4</width></LineStyle></Style>"
    )?;

    let geometries: Vec<String> = index
        .districts
        .iter()
        .map(|d| polygons(&d.district.geometry))
        .collect();
    let sources: HashMap<&str, &Source> =
        index.sources.iter().map(|s| (s.id.as_str(), s)).collect();
    out.write_all(b"<Folder>\n<name>Control</name>\n")?;
    for r in control_records(index) {
        let geometry = &geometries[r.district_index as usize];
        control_placemark(index, &sources, &r, geometry, out)?;
    }
    out.write_all(b"</Folder>\n<Folder>\n<name>Front line</name>\n")?;
    let borders = index.borders();
    for r in front_records(index) {
        front_placemark(index, &r, &borders[r.border as usize].lines, out)?;
    }
    out.write_all(b"</Folder>\n")?;
    super::kml_events::write_folders(index, &sources, out)?;
    out.write_all(b"</Document>\n</kml>\n")
}

fn control_placemark(
    index: &Index,
    sources: &HashMap<&str, &Source>,
    r: &ControlRecord<'_>,
    geometry: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    let names: Vec<String> = r
        .factions
        .iter()
        .map(|id| match index.faction_index(id) {
            Some(f) => format!("{} ({id})", escape(&index.factions[f as usize].name)),
            None => escape(id),
        })
        .collect();
    let mut html = match r.faction {
        Some(_) => format!("<b>Held by</b> {}", names.join(", ")),
        None => format!("<b>Contested</b> between {}", names.join(" and ")),
    };
    let until = r.valid_to.map_or("still holds".into(), |t| t.to_string());
    write!(
        html,
        "<br>{} – {until}<br>Confidence: {}<br>Sources: ",
        r.valid_from, r.confidence
    )
    .expect("writing to a String");
    html.push_str(&sources_html(sources, &r.sources));
    if !r.note.is_empty() {
        write!(html, "<br>{}", escape(r.note)).expect("writing to a String");
    }
    let style = match r.faction {
        Some(f) => format!("held-{f}"),
        None => format!(
            "contested-{}",
            r.factions.first().copied().unwrap_or_default()
        ),
    };
    out.write_all(b"<Placemark>")?;
    element(out, "name", r.name)?;
    element(out, "description", &html)?;
    time_span(out, r.valid_from, r.valid_to)?;
    element(out, "styleUrl", &format!("#{style}"))?;
    out.write_all(b"\n<ExtendedData>")?;
    for (name, value) in [
        ("id", r.id.as_str()),
        ("district", r.district),
        ("status", r.status),
        ("faction", r.faction.unwrap_or_default()),
        ("factions", &flat_list(&r.factions)),
        ("valid_from", &r.valid_from.to_rfc3339()),
        (
            "valid_to",
            &r.valid_to.map(Instant::to_rfc3339).unwrap_or_default(),
        ),
        ("confidence", r.confidence),
        ("sources", &flat_list(&r.sources)),
        ("note", r.note),
    ] {
        data(out, name, value)?;
    }
    out.write_all(b"</ExtendedData>\n")?;
    out.write_all(geometry.as_bytes())?;
    out.write_all(b"</Placemark>\n")
}

fn front_placemark(
    index: &Index,
    r: &FrontRecord<'_>,
    lines: &MultiLineString<f64>,
    out: &mut impl Write,
) -> io::Result<()> {
    let name_of = |id: &str| {
        index.district_index(id).map_or_else(
            || id.to_owned(),
            |d| index.districts[d as usize].district.name.clone(),
        )
    };
    out.write_all(b"<Placemark>")?;
    element(
        out,
        "name",
        &format!("{} – {}", name_of(r.district_a), name_of(r.district_b)),
    )?;
    element(
        out,
        "description",
        &format!("{} | {}, {} km", r.side_a, r.side_b, r.length_km),
    )?;
    time_span(out, r.valid_from, r.valid_to)?;
    element(out, "styleUrl", "#front")?;
    out.write_all(b"\n<ExtendedData>")?;
    for (name, value) in [
        ("id", r.id.as_str()),
        ("district_a", r.district_a),
        ("district_b", r.district_b),
        ("side_a", r.side_a),
        ("side_b", r.side_b),
        ("factions_a", &flat_list(&r.factions_a)),
        ("factions_b", &flat_list(&r.factions_b)),
        ("valid_from", &r.valid_from.to_rfc3339()),
        (
            "valid_to",
            &r.valid_to.map(Instant::to_rfc3339).unwrap_or_default(),
        ),
        ("length_km", &r.length_km.to_string()),
    ] {
        data(out, name, value)?;
    }
    out.write_all(b"</ExtendedData>\n<MultiGeometry>")?;
    for line in lines {
        out.write_all(b"<LineString><tessellate>1</tessellate><coordinates>")?;
        out.write_all(coordinates(line).as_bytes())?;
        out.write_all(b"</coordinates></LineString>")?;
    }
    out.write_all(b"</MultiGeometry>\n</Placemark>\n")
}

/// The sources `ids` as links to the reports, `; `-separated, for descriptions.
pub(super) fn sources_html<S: AsRef<str>>(sources: &HashMap<&str, &Source>, ids: &[S]) -> String {
    let mut html = String::new();
    for (i, id) in ids.iter().map(AsRef::as_ref).enumerate() {
        if i > 0 {
            html.push_str("; ");
        }
        match sources.get(id) {
            Some(s) => write!(
                html,
                "<a href=\"{}\">{}</a> ({}, {})",
                escape(&s.url),
                escape(&s.title),
                escape(&s.publisher),
                s.published
            ),
            None => write!(html, "{}", escape(id)),
        }
        .expect("writing to a String");
    }
    html
}

pub(super) fn time_span(
    out: &mut impl Write,
    from: Instant,
    to: Option<Instant>,
) -> io::Result<()> {
    write!(out, "\n<TimeSpan><begin>{}</begin>", from.to_rfc3339())?;
    if let Some(to) = to {
        write!(out, "<end>{}</end>", to.to_rfc3339())?;
    }
    out.write_all(b"</TimeSpan>")
}

pub(super) fn element(out: &mut impl Write, name: &str, text: &str) -> io::Result<()> {
    write!(out, "<{name}>{}</{name}>", escape(text))
}

pub(super) fn data(out: &mut impl Write, name: &str, value: &str) -> io::Result<()> {
    write!(
        out,
        "<Data name=\"{name}\"><value>{}</value></Data>",
        escape(value)
    )
}

/// A district as KML: a Polygon, or a MultiGeometry of Polygons.
fn polygons(geometry: &Geometry<f64>) -> String {
    let mut s = String::new();
    match geometry {
        Geometry::Polygon(p) => polygon(&mut s, p),
        Geometry::MultiPolygon(mp) => {
            s.push_str("<MultiGeometry>");
            for p in mp {
                polygon(&mut s, p);
            }
            s.push_str("</MultiGeometry>");
        }
        _ => {}
    }
    s.push('\n');
    s
}

fn polygon(s: &mut String, p: &Polygon<f64>) {
    s.push_str("<Polygon><outerBoundaryIs><LinearRing><coordinates>");
    s.push_str(&coordinates(p.exterior()));
    s.push_str("</coordinates></LinearRing></outerBoundaryIs>");
    for hole in p.interiors() {
        s.push_str("<innerBoundaryIs><LinearRing><coordinates>");
        s.push_str(&coordinates(hole));
        s.push_str("</coordinates></LinearRing></innerBoundaryIs>");
    }
    s.push_str("</Polygon>");
}

/// `lon,lat lon,lat …`, as KML's `<coordinates>` has them.
fn coordinates(line: &LineString<f64>) -> String {
    let mut s = String::with_capacity(line.0.len() * 24);
    for (i, c) in line.coords().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        write!(s, "{},{}", c.x, c.y).expect("writing to a String");
    }
    s
}

/// A faction colour as KML's `bbggrr` (alpha goes in front).
pub(super) fn kml_colour(hex: &str) -> String {
    let [r, g, b] = rgb(hex);
    format!("{b:02x}{g:02x}{r:02x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_turn_from_rgb_to_kml_bgr() {
        assert_eq!(kml_colour("#d1495b"), "5b49d1");
        assert_eq!(kml_colour("#ABCDEF"), "efcdab");
        assert_eq!(kml_colour("red"), "808080");
    }
}

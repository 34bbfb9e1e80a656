//! The `Events` and `Sites` folders of the KML: a Placemark per event with a `<TimeSpan>` of its
//! days and a description listing every claim with its source, and a Placemark per site with its
//! population counts. Events are the viewer's own pins tinted in the colour of the faction held
//! responsible (grey when unknown: no icon is fetched from anywhere); sites are larger blue pins.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::events::{event_records, site_records};
use super::kml::{data, element, kml_colour, sources_html, time_span};
use super::xml_escape as escape;
use crate::domain::events::EventQuery;
use crate::domain::index::Index;
use crate::domain::model::Source;
use crate::domain::time::Instant;

/// Writes the styles and the two folders.
///
/// # Errors
/// Any I/O error of `out`.
pub(super) fn write_folders(
    index: &Index,
    sources: &HashMap<&str, &Source>,
    out: &mut impl Write,
) -> io::Result<()> {
    for f in &index.factions {
        writeln!(
            out,
            "<Style id=\"event-{}\"><IconStyle><color>ff{}</color></IconStyle></Style>",
            escape(&f.id),
            kml_colour(&f.color)
        )?;
    }
    writeln!(
        out,
        "<Style id=\"event-unknown\"><IconStyle><color>ff808080</color></IconStyle></Style>\n\
         <Style id=\"site\"><IconStyle><color>ff8f6f2f</color><scale>1.3</scale></IconStyle></Style>"
    )?;
    // The figures with their own sources, by event.
    let query = EventQuery {
        known_at: index.knowledge,
        ..EventQuery::default()
    };
    let figures: HashMap<&str, _> = index
        .events
        .events(&query)
        .map(|e| (e.event().id.as_str(), &e.event().figures))
        .collect();
    out.write_all(b"<Folder>\n<name>Events</name>\n")?;
    for r in event_records(index) {
        let mut html = format!(
            "<b>{}</b> ({}, {})<br>{} – {} ({})<br>{}<br>",
            escape(r.kind),
            escape(r.grade),
            escape(r.place),
            r.date_start,
            r.date_end,
            r.date_precision,
            escape(r.summary)
        );
        for f in figures.get(r.id).into_iter().flat_map(|f| f.iter()) {
            let _ = write!(
                html,
                "<br>{}: {}",
                escape(&f.summary()),
                sources_html(sources, std::slice::from_ref(&f.source))
            );
        }
        let ids: Vec<&str> = r.sources.split(';').filter(|s| !s.is_empty()).collect();
        let _ = write!(html, "<br>Sources: {}", sources_html(sources, &ids));
        out.write_all(b"<Placemark>")?;
        element(out, "name", r.title)?;
        element(out, "description", &html)?;
        time_span(out, r.valid_from, Some(r.valid_to))?;
        element(
            out,
            "styleUrl",
            &format!("#event-{}", r.responsible.unwrap_or("unknown")),
        )?;
        out.write_all(b"\n<ExtendedData>")?;
        for (name, value) in [
            ("id", r.id),
            ("kind", r.kind),
            ("grade", r.grade),
            ("date_start", &r.date_start),
            ("date_end", &r.date_end),
            ("location_precision", r.location_precision),
            ("factions", &r.factions),
            ("responsible", r.responsible.unwrap_or_default()),
            (
                "largest",
                &r.largest.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("figures", &r.figures),
            ("sources", &r.sources),
        ] {
            data(out, name, value)?;
        }
        writeln!(
            out,
            "</ExtendedData>\n<Point><coordinates>{},{}</coordinates></Point></Placemark>",
            r.lon, r.lat
        )?;
    }
    out.write_all(b"</Folder>\n<Folder>\n<name>Sites</name>\n")?;
    for r in site_records(index) {
        let ids: Vec<&str> = r.sources.split(';').filter(|s| !s.is_empty()).collect();
        let html = format!(
            "<b>{}</b>, {}<br>Open {} – {}<br>Population counts: {}<br>Sources: {}",
            escape(r.kind),
            escape(r.operator),
            r.opened.as_deref().unwrap_or("?"),
            r.closed.as_deref().unwrap_or("still open"),
            escape(&r.observations),
            sources_html(sources, &ids)
        );
        out.write_all(b"<Placemark>")?;
        element(out, "name", r.name)?;
        element(out, "description", &html)?;
        if let Some(from) = r.valid_from {
            time_span(out, from, r.valid_to)?;
        } else if let Some(to) = r.valid_to {
            write!(
                out,
                "\n<TimeSpan><end>{}</end></TimeSpan>",
                Instant::to_rfc3339(to)
            )?;
        }
        element(out, "styleUrl", "#site")?;
        out.write_all(b"\n<ExtendedData>")?;
        for (name, value) in [
            ("id", r.id),
            ("kind", r.kind),
            (
                "peak_population",
                &r.peak_population.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("observations", &r.observations),
            ("sources", &r.sources),
        ] {
            data(out, name, value)?;
        }
        writeln!(
            out,
            "</ExtendedData>\n<Point><coordinates>{},{}</coordinates></Point></Placemark>",
            r.lon, r.lat
        )?;
    }
    out.write_all(b"</Folder>\n")
}

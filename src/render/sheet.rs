//! The sheet around the map: the title and date line, the list of sources, and the footer saying
//! what made the map from which data. Nothing here reads the clock: the footer names the data's
//! revision and when it was last recorded, so the same data and request give the same bytes.

use std::collections::BTreeSet;

use super::layout::{FOOTER_LINES, FOOTER_PX, Page, SUBTITLE_PX, TITLE_PX};
use super::legend::{Flow, heading};
use super::scene::Scene;
use super::svg::{self, Style};
use super::{Context, font, long_date};

/// The title when neither the request nor the data set gives one.
pub const DEFAULT_TITLE: &str = "Territorial control";

/// The title a report gets without one of its own: the place and the date (from the data set's
/// `dataset.json`), e.g. "Mosul, 24 January 2017".
#[must_use]
pub fn default_title(cx: &Context<'_>) -> String {
    let meta = &cx.index.meta;
    if meta.place.is_empty() && meta.title.is_empty() {
        format!("{DEFAULT_TITLE}, {}", long_date(cx.at))
    } else {
        meta.dated_title(cx.at)
    }
}

/// The title, under it what the map shows (and since when), and an optional standfirst.
pub fn header(
    out: &mut String,
    cx: &Context<'_>,
    page: &Page,
    title: Option<&str>,
    standfirst: Option<&str>,
) {
    let s = page.s;
    let h = page.header;
    let title_style = Style::new(TITLE_PX * s, "#111111").bold();
    let default = default_title(cx);
    let title = font::truncate(title.unwrap_or(&default), TITLE_PX * s, true, h.w);
    svg::text(
        out,
        h.x,
        h.y + TITLE_PX * s,
        &title_style,
        "class=\"title\"",
        &title,
    );
    let what = match cx.index.meta.title.as_str() {
        "" => String::new(),
        t => format!("{t}: "),
    };
    let date = match cx.since {
        None => format!("{what}who held each district on {}", long_date(cx.at)),
        Some(since) => format!(
            "{what}who held each district on {}, and what changed hands since {}",
            long_date(cx.at),
            long_date(since)
        ),
    };
    let style = Style::new(SUBTITLE_PX * s, "#444444");
    let date = font::truncate(&date, SUBTITLE_PX * s, false, h.w);
    let date_y = h.y + (TITLE_PX + SUBTITLE_PX + 10.0) * s;
    svg::text(out, h.x, date_y, &style, "class=\"date\"", &date);
    if let Some(text) = standfirst.filter(|t| !t.trim().is_empty()) {
        let style = Style::new(SUBTITLE_PX * s, "#222222");
        let text = font::truncate(text.trim(), SUBTITLE_PX * s, false, h.w);
        svg::text(
            out,
            h.x,
            date_y + (SUBTITLE_PX + 8.0) * s,
            &style,
            "class=\"standfirst\"",
            &text,
        );
    }
}

/// The reports behind the states shown, published by the map's date (see `scene::cited` for the
/// order), as many as fit (at most ten), two lines each.
pub fn sources(out: &mut String, cx: &Context<'_>, scene: &Scene, flow: &mut Flow) {
    let s = cx.s;
    if scene.sources.is_empty() {
        return;
    }
    flow.y += 10.0 * s;
    // The heading, one two-line source and the closing note go together or to the next column.
    flow.keep(24.0 * s + 2.0 * 14.5 * s + 3.0 * s + 18.0 * s);
    heading(out, flow, s, "Reports behind this map");
    let size = 11.5 * s;
    let line_h = 14.5 * s;
    let note_h = 18.0 * s;
    let mut listed = 0;
    for &(i, _) in scene.sources.iter().take(10) {
        let src = &cx.index.sources[i as usize];
        let Some(width) = flow.width() else { break };
        let text = format!("{}, {}: {}", src.publisher, src.published, src.title);
        let lines = font::wrap(&text, size, false, width - 10.0 * s, 2);
        let more_after = listed + 1 < scene.sources.len();
        // Keep room for the "and n more" note while sources remain.
        let reserve = if more_after { note_h } else { 0.0 };
        let h = lines.len() as f64 * line_h + 3.0 * s;
        // Only ever move to a next column here: the closing note must keep its room.
        let fits = flow.fits(h + reserve) || (flow.next_column() && flow.fits(h + reserve));
        if !fits {
            break;
        }
        let Some((x, top, _)) = flow.take(h) else {
            break;
        };
        let style = Style::new(size, "#333333");
        for (k, line) in lines.iter().enumerate() {
            let indent = if k == 0 { 0.0 } else { 10.0 * s };
            let attrs = if k == 0 {
                format!("data-source=\"{}\"", svg::escape(&src.id))
            } else {
                String::new()
            };
            svg::text(
                out,
                x + indent,
                top + 11.5 * s + k as f64 * line_h,
                &style,
                &attrs,
                line,
            );
        }
        listed += 1;
    }
    let rest = scene.sources.len() - listed;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut parts = Vec::new();
    if rest > 0 {
        parts.push(format!("and {rest} more report{}", plural(rest)));
    }
    if scene.later_sources > 0 {
        parts.push(format!(
            "{} published after this date not listed",
            scene.later_sources
        ));
    }
    if !parts.is_empty() {
        let text = format!("{}; every report is at /api/sources", parts.join("; "));
        let mut chars = text.chars();
        let text: String = chars
            .next()
            .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect());
        super::legend::note_lines(out, flow, s, &text);
    }
}

/// Up to four small lines: how exact the map is and how current its data; what made it; whose
/// data it draws (the data set's credits and the context layers in the frame, on two lines).
pub fn footer(out: &mut String, cx: &Context<'_>, page: &Page, scene: &Scene, layers: &[String]) {
    let s = page.s;
    let f = page.footer;
    let size = FOOTER_PX * s;
    let style = Style::new(size, "#555555");
    let recorded = cx.index.states.iter().map(|st| st.recorded_at).max();
    let region = &scene.region;
    let precision = if region.is_approximate() {
        format!(
            "Boundaries approximate: {:.0} % of the land shown is drawn from estimated points, so lines and areas are rough.",
            region.approximate_share * 100.0
        )
    } else {
        "Boundaries as recorded in the data set.".to_owned()
    };
    let status = format!(
        "{precision} Data as of {} (revision {}).",
        recorded.map_or_else(|| "no record".to_owned(), |t| t.date_string()),
        cx.index.revision
    );
    let made = format!(
        "Made with Frontline {}. Web Mercator; areas geodesic. Type: DejaVu Sans Condensed.",
        env!("CARGO_PKG_VERSION")
    );
    let mut credits: Vec<String> = cx
        .index
        .meta
        .credits
        .iter()
        .map(crate::domain::meta::Credit::line)
        .collect();
    if credits.is_empty() {
        let boundaries: BTreeSet<&str> = scene
            .shown
            .iter()
            .filter_map(|d| {
                cx.index.districts[d.district as usize]
                    .district
                    .properties
                    .get("source")
                    .and_then(|v| v.as_str())
            })
            .collect();
        credits.push(format!(
            "Boundaries: {}",
            if boundaries.is_empty() {
                "as recorded in the data set".to_owned()
            } else {
                boundaries.into_iter().collect::<Vec<_>>().join(" · ")
            }
        ));
    }
    // A data set's credits name every source of its data; without them, name the layers'.
    if cx.index.meta.credits.is_empty() {
        credits.extend(layers.iter().cloned());
    }
    let credits = format!("Data: {}.", credits.join(" · "));
    let line_h = size * 1.35;
    let mut lines = vec![(status, "class=\"status\""), (made, "class=\"generated\"")];
    lines.extend(
        font::wrap(&credits, size, false, f.w, 2)
            .into_iter()
            .map(|l| (l, "class=\"credits\"")),
    );
    let top = f.bottom() - FOOTER_LINES as f64 * line_h + 0.9 * size;
    for (k, (line, attrs)) in lines.iter().enumerate() {
        let line = font::truncate(line, size, false, f.w);
        svg::text(out, f.x, top + k as f64 * line_h, &style, attrs, &line);
    }
}

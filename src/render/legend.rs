//! The panel beside (or below) the map: the legend with each side's area at the date, the table of
//! gains and losses since `since`, and the sources behind the states shown. Blocks flow down the
//! panel's columns; what does not fit is cut with a note, never drawn over the map.

use std::fmt::Write;

use super::layout::PxRect;
use super::map::{self, FRONT_CORE, FRONT_HALO, Fill, UNKNOWN_FILL};
use super::scene::Scene;
use super::svg::{self, Anchor, Style, n};
use super::{Context, font};

/// A km² figure as the legend prints it: whole numbers with thousands separators from 100 up,
/// one decimal below (the web map's legend does the same).
#[must_use]
pub fn format_km2(v: f64) -> String {
    if v.abs() >= 100.0 {
        let digits = format!("{:.0}", v.abs());
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}{grouped}", if v < 0.0 { "-" } else { "" })
    } else {
        format!("{v:.1}")
    }
}

/// Where the next block goes: a column and a y within it.
pub struct Flow {
    columns: Vec<PxRect>,
    col: usize,
    pub y: f64,
}

impl Flow {
    #[must_use]
    pub fn new(columns: Vec<PxRect>) -> Self {
        let y = columns.first().map_or(0.0, |c| c.y);
        Self { columns, col: 0, y }
    }

    /// Room for a block `h` px tall: its (x, top, width), moving to the next column when this
    /// one is full; `None` when the panel is full.
    pub fn take(&mut self, h: f64) -> Option<(f64, f64, f64)> {
        loop {
            let c = *self.columns.get(self.col)?;
            if self.y + h <= c.bottom() {
                let top = self.y;
                self.y += h;
                return Some((c.x, top, c.w));
            }
            self.col += 1;
            if let Some(next) = self.columns.get(self.col) {
                self.y = next.y;
            }
        }
    }

    /// Moves to the next column unless `h` px fit in this one: keeps a heading with what follows.
    pub fn keep(&mut self, h: f64) {
        if let Some((_, top, _)) = self.take(h) {
            self.y = top;
        }
    }

    /// Whether `h` px fit in the current column.
    #[must_use]
    pub fn fits(&self, h: f64) -> bool {
        self.columns
            .get(self.col)
            .is_some_and(|c| self.y + h <= c.bottom())
    }

    /// Moves to the top of the next column; `false` (staying put) when there is none.
    pub fn next_column(&mut self) -> bool {
        if self.col + 1 >= self.columns.len() {
            return false;
        }
        self.col += 1;
        self.y = self.columns[self.col].y;
        true
    }

    /// Width of the current column, `None` when the panel is full.
    #[must_use]
    pub fn width(&self) -> Option<f64> {
        self.columns.get(self.col).map(|c| c.w)
    }
}

/// One legend row: a swatch, a name and an optional figure.
struct Row {
    swatch: Swatch,
    name: String,
    figure: Option<String>,
    attrs: String,
}

enum Swatch {
    Fill(String, f64),
    /// A context area: grey, dashed outline.
    Context,
    Line,
    Outline,
}

/// "Front zone: Iraqi security forces and allies v. Islamic State", from a hatch id
/// (`hatch-0-1`: the contesting factions' indices).
fn contest_name(index: &crate::domain::index::Index, hatch: &str) -> String {
    let names: Vec<&str> = hatch
        .trim_start_matches("hatch-")
        .split('-')
        .filter_map(|i| index.factions.get(i.parse::<usize>().ok()?))
        .map(|f| f.name.as_str())
        .collect();
    if names.len() < 2 {
        return "Contested: the front zone".into();
    }
    format!("Front zone: {}", names.join(" v. "))
}

/// A figure with its share of the frame's land: `12.3 · 8 %`.
fn with_share(km2: f64, region: &crate::domain::regions::Region) -> String {
    let pct = region.percent(km2);
    let pct = if pct > 0.0 && pct < 1.0 {
        "<1".to_owned()
    } else {
        format!("{pct:.0}")
    };
    format!("{} · {pct} %", format_km2(km2))
}

/// Draws the legend (and the changes table with `since`). Its figures are for the land in the
/// frame, not the whole data set: a map of one city says what share of that city each side held.
pub fn legend(out: &mut String, cx: &Context<'_>, scene: &Scene, flow: &mut Flow) {
    let (index, s) = (cx.index, cx.s);
    let region = &scene.region;
    let area = index.area_in(region, cx.at);
    let held = |f: usize| area.held[f];
    let contested = area.contested;
    let unknown = (region.area_km2 - area.held.iter().sum::<f64>() - contested).max(0.0);
    // A faction that holds nothing in the frame has no row of its own: its colour shows only in
    // the stripes of a contest, which the contested row names.
    let mut rows: Vec<Row> = (0..index.factions.len())
        .filter(|&f| held(f) > 0.0)
        .map(|f| Row {
            swatch: Swatch::Fill(index.factions[f].color.clone(), 1.0),
            name: index.factions[f].name.clone(),
            figure: Some(with_share(held(f), region)),
            attrs: format!("data-area=\"{}\"", svg::escape(&index.factions[f].id)),
        })
        .collect();
    let hatch = scene
        .shown
        .iter()
        .map(|d| map::fill_of(index, d.state))
        .find(|f| matches!(f, Fill::Hatch { .. }));
    if contested > 0.0 || hatch.is_some() {
        rows.push(Row {
            swatch: Swatch::Fill(
                hatch
                    .as_ref()
                    .map_or_else(|| "url(#hatch-legend)".to_owned(), Fill::paint),
                1.0,
            ),
            name: match &hatch {
                Some(Fill::Hatch { id, .. }) => contest_name(index, id),
                _ => "Contested: the front zone".into(),
            },
            figure: Some(with_share(contested, region)),
            attrs: "data-area=\"contested\"".into(),
        });
    }
    if unknown > 0.005 || scene.shown.iter().any(|d| d.state.is_none()) {
        rows.push(Row {
            swatch: Swatch::Fill(UNKNOWN_FILL.into(), 1.0),
            name: "Unknown (no state recorded)".into(),
            figure: Some(with_share(unknown, region)),
            attrs: "data-area=\"unknown\"".into(),
        });
    }
    if scene.front_km > 0.0 {
        rows.push(Row {
            swatch: Swatch::Line,
            name: "Front line between hostile sides".into(),
            figure: None,
            attrs: String::new(),
        });
    }
    if index
        .layers
        .iter()
        .any(|l| l.layer.kind == crate::domain::meta::LayerKind::Admin)
    {
        rows.push(Row {
            swatch: Swatch::Context,
            name: "Sub-district, no control shown".into(),
            figure: None,
            attrs: String::new(),
        });
    }
    if let Some(since) = cx.since {
        rows.push(Row {
            swatch: Swatch::Outline,
            name: format!("Changed hands since {}", super::long_date(since)),
            figure: None,
            attrs: String::new(),
        });
    }
    heading(out, flow, s, "Area held (km² · share)");
    let size = 13.0 * s;
    let row_h = 21.0 * s;
    let line_h = 15.0 * s;
    for row in rows {
        // A long name takes a second line rather than being cut.
        let figure_w = if row.figure.is_some() { 96.0 * s } else { 0.0 };
        let width = flow.width().unwrap_or(0.0) - 32.0 * s - figure_w;
        let lines = font::wrap(&row.name, size, false, width, 2);
        let Some((x, top, w)) = flow.take(row_h + line_h * (lines.len().max(1) - 1) as f64) else {
            return;
        };
        swatch(out, &row.swatch, x, top + 3.0 * s, s);
        let name_x = x + 32.0 * s;
        let style = Style::new(size, "#222222");
        let baseline = top + 15.0 * s;
        for (k, line) in lines.iter().enumerate() {
            svg::text(out, name_x, baseline + line_h * k as f64, &style, "", line);
        }
        if let Some(figure) = &row.figure {
            let style = style.anchor(Anchor::End);
            svg::text(out, x + w, baseline, &style, &row.attrs, figure);
        }
    }
    let rough = if region.approximate_share >= 0.995 {
        " Boundaries approximate: areas are rough.".to_owned()
    } else if region.is_approximate() {
        format!(
            " {:.0} % of it has approximate boundaries: areas are rough.",
            region.approximate_share * 100.0
        )
    } else {
        String::new()
    };
    note_lines(
        out,
        flow,
        s,
        &format!(
            "Shares of the land of the {} districts in the frame ({} km², geodesic).{rough}",
            region.members.len(),
            format_km2(region.area_km2)
        ),
    );
    if let Some(since) = cx.since {
        changes(out, cx, since, scene, flow);
    }
}

/// The gained / lost / net table since `since`, per faction and for contested.
fn changes(
    out: &mut String,
    cx: &Context<'_>,
    since: crate::domain::time::Instant,
    scene: &Scene,
    flow: &mut Flow,
) {
    let (index, s) = (cx.index, cx.s);
    flow.y += 10.0 * s;
    flow.keep(24.0 * s + 3.0 * 19.0 * s);
    heading(out, flow, s, "Since then (km²)");
    let totals = index.gains_and_losses_in(&scene.region, since, cx.at);
    let size = 12.5 * s;
    let row_h = 19.0 * s;
    let header = ["gained", "lost", "net"];
    let Some((x, top, w)) = flow.take(row_h) else {
        return;
    };
    let col = |i: usize| x + w - (2 - i) as f64 * 56.0 * s;
    let grey = Style::new(size * 0.92, "#666666").anchor(Anchor::End);
    for (i, h) in header.iter().enumerate() {
        svg::text(out, col(i), top + 14.0 * s, &grey, "", h);
    }
    let names = index
        .factions
        .iter()
        .map(|f| (f.name.as_str(), f.id.as_str()))
        .chain([("Contested", "contested")]);
    for ((name, id), t) in names.zip(&totals) {
        if t.gained_km2 == 0.0 && t.lost_km2 == 0.0 {
            continue;
        }
        let Some((x, top, w)) = flow.take(row_h) else {
            return;
        };
        let baseline = top + 14.0 * s;
        let style = Style::new(size, "#222222");
        let name = font::truncate(name, size, false, w - 3.0 * 56.0 * s - 6.0 * s);
        svg::text(out, x, baseline, &style, "", &name);
        let net = t.gained_km2 - t.lost_km2;
        let signed = |v: f64, sign: &str| {
            if v.abs() < 0.05 {
                "–".to_owned()
            } else {
                format!("{sign}{}", format_km2(v.abs()))
            }
        };
        let cells = [
            signed(t.gained_km2, "+"),
            signed(t.lost_km2, "−"),
            signed(net, if net < 0.0 { "−" } else { "+" }),
        ];
        for (i, cell) in cells.iter().enumerate() {
            let style = if i == 2 { style.bold() } else { style }.anchor(Anchor::End);
            let attrs = format!("data-change=\"{id}\" data-column=\"{}\"", header[i]);
            svg::text(out, col(i), baseline, &style, &attrs, cell);
        }
    }
    let changed = scene.shown.iter().filter(|d| d.changed).count();
    note(
        out,
        flow,
        s,
        &format!(
            "In the frame; {changed} district{} on the map changed hands.",
            if changed == 1 { "" } else { "s" }
        ),
    );
}

/// A bold block heading.
pub fn heading(out: &mut String, flow: &mut Flow, s: f64, text: &str) {
    if let Some((x, top, w)) = flow.take(24.0 * s) {
        let style = Style::new(15.0 * s, "#111111").bold();
        let text = font::truncate(text, 15.0 * s, true, w);
        svg::text(out, x, top + 16.0 * s, &style, "", &text);
    }
}

/// A small grey note under a block, wrapped to at most three lines.
pub fn note_lines(out: &mut String, flow: &mut Flow, s: f64, text: &str) {
    let Some(width) = flow.width() else { return };
    for line in font::wrap(text, 11.0 * s, false, width, 3) {
        note(out, flow, s, &line);
    }
}

/// A small grey line under a block.
pub fn note(out: &mut String, flow: &mut Flow, s: f64, text: &str) {
    if let Some((x, top, w)) = flow.take(18.0 * s) {
        let style = Style::new(11.0 * s, "#666666");
        let text = font::truncate(text, 11.0 * s, false, w);
        svg::text(out, x, top + 13.0 * s, &style, "", &text);
    }
}

fn swatch(out: &mut String, swatch: &Swatch, x: f64, y: f64, s: f64) {
    let (w, h) = (24.0 * s, 15.0 * s);
    match swatch {
        Swatch::Fill(paint, opacity) => writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{paint}\" fill-opacity=\"{opacity}\" stroke=\"#999999\" stroke-width=\"{}\"/>",
            n(x), n(y), n(w), n(h), n(0.6 * s)
        ),
        Swatch::Context => writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ebeae5\" stroke=\"#8c8c8c\" stroke-dasharray=\"{} {}\" stroke-width=\"{}\"/>",
            n(x), n(y), n(w), n(h), n(5.0 * s), n(3.0 * s), n(0.9 * s)
        ),
        Swatch::Line => {
            let (y, x1) = (n(y + h / 2.0), n(x + w));
            writeln!(
                out,
                "<path d=\"M{} {y}L{x1} {y}\" stroke=\"{FRONT_HALO}\" stroke-width=\"{}\" stroke-linecap=\"round\"/><path d=\"M{} {y}L{x1} {y}\" stroke=\"{FRONT_CORE}\" stroke-width=\"{}\" stroke-linecap=\"round\"/>",
                n(x + 2.0 * s), n(5.0 * s), n(x + 2.0 * s), n(2.0 * s)
            )
        }
        Swatch::Outline => writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#cccccc\" stroke=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{} {}\"/>",
            n(x + s), n(y + s), n(w - 2.0 * s), n(h - 2.0 * s), map::CHANGED, n(2.2 * s), n(5.0 * s), n(2.5 * s)
        ),
    }
    .expect("String");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_read_like_the_web_legend() {
        assert_eq!(format_km2(0.0), "0.0");
        assert_eq!(format_km2(12.345), "12.3");
        assert_eq!(format_km2(812.44), "812");
        assert_eq!(format_km2(3012.6), "3,013");
        assert_eq!(format_km2(1_234_567.0), "1,234,567");
        assert_eq!(format_km2(-1500.0), "-1,500");
    }

    #[test]
    fn blocks_flow_to_the_next_column_and_stop_when_the_panel_is_full() {
        let mut flow = Flow::new(vec![
            PxRect::new(0.0, 0.0, 100.0, 50.0),
            PxRect::new(200.0, 0.0, 100.0, 50.0),
        ]);
        assert_eq!(flow.take(30.0), Some((0.0, 0.0, 100.0)));
        assert_eq!(flow.take(30.0), Some((200.0, 0.0, 100.0)));
        assert_eq!(flow.take(20.0), Some((200.0, 30.0, 100.0)));
        assert_eq!(flow.take(1.0), None);
        let mut flow = Flow::new(vec![
            PxRect::new(0.0, 0.0, 100.0, 50.0),
            PxRect::new(200.0, 0.0, 100.0, 50.0),
        ]);
        flow.take(30.0);
        flow.keep(10.0);
        assert_eq!(flow.take(10.0), Some((0.0, 30.0, 100.0)), "it fits: stay");
        flow.keep(20.0);
        assert_eq!(
            flow.take(5.0),
            Some((200.0, 0.0, 100.0)),
            "it does not: move on"
        );
    }
}

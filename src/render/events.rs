//! The events of a report's window (`events=7d`): numbered circles on the map in the colour of
//! the side held responsible, outlined by grade, and a key that lists each with its date, title
//! and every claim's figure and claimant. Their reports join the sources list (see `scene`).

use std::fmt::Write as _;

use super::legend::{Flow, heading, note, note_lines};
use super::scene::Scene;
use super::svg::{self, Anchor, Style};
use super::{Context, font};
use crate::domain::events::{Event, Grade, range_text};

/// At most this many events are numbered on the map and keyed; the rest are counted.
pub const MAX_EVENTS: usize = 20;
/// The longest window a report takes, days.
pub const MAX_WINDOW_DAYS: u32 = 366;

/// The outline of a grade: colour and width (at page scale 1).
fn outline(grade: Grade) -> (&'static str, f64) {
    match grade {
        Grade::Confirmed => ("#111111", 2.0),
        Grade::Fair => ("#4b5563", 1.5),
        Grade::Weak => ("#9ca3af", 1.0),
        Grade::Contested => ("#d97706", 2.0),
        Grade::Discounted => ("#d1d5db", 1.0),
    }
}

/// The circle's fill: the responsible faction's colour, grey when unknown.
fn fill<'a>(cx: &'a Context<'_>, event: &Event) -> &'a str {
    event
        .responsible
        .as_deref()
        .and_then(|f| cx.index.faction_index(f))
        .map_or("#6b7280", |f| cx.index.factions[f as usize].color.as_str())
}

/// Draws the numbered circles, larger for larger figures. Events reported at one place (a
/// neighbourhood's generic point) are set around it, each with a thin line to the point.
pub fn draw(out: &mut String, cx: &Context<'_>, scene: &Scene) {
    let s = cx.s;
    out.push_str("<g id=\"events\">");
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for e in &scene.events {
        let event = &e.event;
        #[expect(
            clippy::cast_precision_loss,
            reason = "people counts are far below 2^52"
        )]
        let largest = event.largest().unwrap_or(0) as f64;
        let r = (7.0 + 2.2 * (1.0 + largest).log10()).min(14.0) * s;
        let at = clear_spot(&placed, e.px, r, s);
        placed.push((at.0, at.1, r));
        if at != e.px {
            out.push_str("<path fill=\"none\" stroke=\"#333333\" stroke-width=\"");
            svg::num(out, s);
            out.push_str("\" d=\"");
            svg::line_path(out, [e.px, at]);
            out.push_str("\"/>");
        }
        let (stroke, width) = outline(event.grade);
        let _ = write!(
            out,
            "<circle data-event=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>",
            svg::escape(&event.id),
            svg::n(at.0),
            svg::n(at.1),
            svg::n(r),
            fill(cx, event),
            svg::n(width * s)
        );
        let style = Style::new(10.0 * s, "#ffffff")
            .bold()
            .anchor(Anchor::Middle);
        svg::text(out, at.0, at.1 + 3.5 * s, &style, "", &e.number.to_string());
    }
    out.push_str("</g>\n");
}

/// The point itself, or the first spot on rings around it where a circle of radius `r` meets
/// none already placed.
fn clear_spot(placed: &[(f64, f64, f64)], p: (f64, f64), r: f64, s: f64) -> (f64, f64) {
    let clear = |(x, y): (f64, f64)| {
        placed
            .iter()
            .all(|&(px, py, pr)| (px - x).hypot(py - y) >= pr + r + s)
    };
    if clear(p) {
        return p;
    }
    for k in 0..24_u32 {
        let ring = f64::from(k / 6 + 1) * 2.4 * r;
        let angle = f64::from(k % 6) * std::f64::consts::FRAC_PI_3 - std::f64::consts::FRAC_PI_2;
        let spot = (p.0 + ring * angle.cos(), p.1 + ring * angle.sin());
        if clear(spot) {
            return spot;
        }
    }
    p
}

/// The claims of an event in one line: `killed 105 (CENTCOM investigation); 125–370 (local reports)`.
fn claims(event: &Event) -> String {
    let parts: Vec<String> = event
        .figures
        .iter()
        .map(|f| {
            let n = range_text(f.min, f.max);
            format!(
                "{} {} {n} ({})",
                f.metric.as_str(),
                f.group.as_str(),
                f.claimant
            )
        })
        .collect();
    parts.join("; ")
}

/// The key: a heading with the window, a row per numbered event, the grades' outlines.
pub fn key(out: &mut String, cx: &Context<'_>, scene: &Scene, flow: &mut Flow) {
    let Some(window) = &scene.event_window else {
        return;
    };
    let s = cx.s;
    flow.y += 10.0 * s;
    flow.keep(24.0 * s + 3.0 * 14.0 * s);
    heading(out, flow, s, &format!("Events, {window}"));
    if scene.events.is_empty() {
        note(out, flow, s, "No event recorded in this window and frame.");
        return;
    }
    let size = 11.0 * s;
    let line_h = 14.0 * s;
    for e in &scene.events {
        let Some(width) = flow.width() else { break };
        let event = &e.event;
        let day = if event.date_start == event.date_end {
            event.date_start.to_string()
        } else {
            format!("{} – {}", event.date_start, event.date_end)
        };
        let mut text = format!(
            "{}. {day}: {} [{}]",
            e.number,
            event.title,
            event.grade.as_str()
        );
        let figures = claims(event);
        if !figures.is_empty() {
            text.push_str(" — ");
            text.push_str(&figures);
        }
        let lines = font::wrap(&text, size, false, width - 8.0 * s, 3);
        let h = lines.len() as f64 * line_h + 3.0 * s;
        if !(flow.fits(h) || (flow.next_column() && flow.fits(h))) {
            break;
        }
        let Some((x, top, _)) = flow.take(h) else {
            break;
        };
        let style = Style::new(size, "#222222");
        for (k, line) in lines.iter().enumerate() {
            let attrs = if k == 0 {
                format!("data-event-key=\"{}\"", svg::escape(&event.id))
            } else {
                String::new()
            };
            let indent = if k == 0 { 0.0 } else { 8.0 * s };
            svg::text(
                out,
                x + indent,
                top + 11.0 * s + k as f64 * line_h,
                &style,
                &attrs,
                line,
            );
        }
    }
    if scene.more_events > 0 {
        note(
            out,
            flow,
            s,
            &format!("and {} more events in the window", scene.more_events),
        );
    }
    note_lines(
        out,
        flow,
        s,
        "Circle colour: the side held responsible (grey: unknown or disputed); size: the largest figure claimed; outline: black confirmed, grey fair, pale weak, orange contested.",
    );
}

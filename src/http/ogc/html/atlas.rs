//! The maps of a page of features: how each is drawn and named, and how far-apart groups get
//! maps of their own.
//!
//! A page can hold a city and a town a few hundred kilometres away (Mosul and Raqqa): one map
//! fitted to both shows two specks. So features are grouped, split wherever a gap wider than a
//! few typical feature sizes separates them along longitude or latitude; the largest group gets
//! the big map and each other group a small one beside it.

use std::fmt::Write;

use serde_json::Value;

use super::map::{self, Fill, Shape};
use super::page::{cell, escape, item_href};

/// Groups further apart than this many median feature sizes get maps of their own.
const GAP_IN_FEATURES: f64 = 6.0;
/// At most this many small maps; a page scattered wider than that gets one map of everything.
const MAX_INSETS: usize = 4;
/// The size of a small map, pixels.
const INSET: (f64, f64) = (240.0, 160.0);

/// The data set's faction colours (`factions.csv`), so a page shows each side in the colour
/// the web map and the report maps give it. Anything else gets a stable hashed colour.
#[derive(Debug, Clone, Default)]
pub struct Palette(std::collections::HashMap<String, String>);

impl Palette {
    /// A palette from `(faction id, CSS colour)` pairs.
    pub fn new(colours: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(colours.into_iter().collect())
    }

    fn colour(&self, key: &str) -> String {
        self.0
            .get(key)
            .cloned()
            .unwrap_or_else(|| map::hash_colour(key))
    }
}

/// How a feature is filled, and the legend entry that says so: control states by holder
/// (contested hatched, unknown grey), districts by group; lines have no legend entry.
fn style(props: &Value, palette: &Palette) -> (Fill, Option<String>) {
    match props["status"].as_str() {
        Some("held") => match props["faction"].as_str() {
            Some(f) => (Fill::Colour(palette.colour(f)), Some(f.to_owned())),
            None => (Fill::Unknown, Some("held".into())),
        },
        Some("contested") => (Fill::Hatched, Some("contested".into())),
        Some(other) => (Fill::Unknown, Some(other.to_owned())),
        None if props.get("side_a").is_some() => (Fill::Colour("#c0392b".into()), None),
        // Events, by the faction held responsible.
        None if props.get("grade").is_some() => match props["responsible"].as_str() {
            Some(f) => (Fill::Colour(palette.colour(f)), Some(f.to_owned())),
            None => (Fill::Unknown, Some("responsibility unknown".into())),
        },
        // Sites.
        None if props.get("operator").is_some() => {
            (Fill::Colour("#2f6f8f".into()), Some("site".into()))
        }
        None => match props["group"].as_str() {
            Some(g) => (Fill::Colour(map::hash_colour(g)), Some(g.to_owned())),
            None => (Fill::Unknown, None),
        },
    }
}

/// A date at midnight UTC without its time, any other instant as given.
fn short_time(t: &str) -> &str {
    t.strip_suffix("T00:00:00Z").unwrap_or(t)
}

/// The tooltip of a feature: its name, who held it or which sides face each other, and when.
#[must_use]
pub fn tooltip(feature: &Value) -> String {
    let id = feature_id(feature);
    let props = &feature["properties"];
    let mut text = match props["name"].as_str().or(props["title"].as_str()) {
        Some(name) => format!("{name} ({id})"),
        None => id,
    };
    match (props["status"].as_str(), props["faction"].as_str()) {
        (Some("held"), Some(f)) => {
            let _ = write!(text, ": held by {f}");
        }
        (Some("contested"), _) => {
            let factions = cell(&props["factions"]).replace(", ", " and ");
            let _ = write!(text, ": contested by {factions}");
        }
        (Some(status), _) => {
            let _ = write!(text, ": {status}");
        }
        (None, _) => {
            if let (Some(a), Some(b)) = (props["side_a"].as_str(), props["side_b"].as_str()) {
                let _ = write!(text, ": {a} | {b}");
            }
        }
    }
    if let Some(from) = props["valid_from"].as_str() {
        let _ = write!(text, ", from {}", short_time(from));
        match props["valid_to"].as_str() {
            Some(to) => {
                let _ = write!(text, " until {}", short_time(to));
            }
            None => text.push_str(", still holds"),
        }
    }
    text
}

/// A feature's id as text (`GeoJSON` allows numbers).
#[must_use]
pub fn feature_id(feature: &Value) -> String {
    match &feature["id"] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Indices of `boxes` (`[west, south, east, north]`) in groups that gaps wider than `gap`
/// separate along x or y, largest group first, each in index order.
///
/// # Runtime
/// O(n log n) per level of splitting.
#[must_use]
pub fn groups(boxes: &[[f64; 4]], gap: f64) -> Vec<Vec<usize>> {
    fn split(boxes: &[[f64; 4]], mut members: Vec<usize>, gap: f64, out: &mut Vec<Vec<usize>>) {
        for axis in [0, 1] {
            members.sort_by(|&a, &b| boxes[a][axis].total_cmp(&boxes[b][axis]));
            let mut cuts = vec![];
            let mut reach = boxes[members[0]][axis + 2];
            for (i, &m) in members.iter().enumerate().skip(1) {
                if boxes[m][axis] - reach > gap {
                    cuts.push(i);
                }
                reach = reach.max(boxes[m][axis + 2]);
            }
            if !cuts.is_empty() {
                let mut start = 0;
                for end in cuts.into_iter().chain([members.len()]) {
                    split(boxes, members[start..end].to_vec(), gap, out);
                    start = end;
                }
                return;
            }
        }
        members.sort_unstable();
        out.push(members);
    }
    let mut out = Vec::new();
    if !boxes.is_empty() {
        split(boxes, (0..boxes.len()).collect(), gap, &mut out);
    }
    out.sort_by_key(|g| (std::cmp::Reverse(g.len()), g[0]));
    out
}

fn legend_html(legend: &[(String, Fill)]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (label, fill) in legend {
        let swatch = match fill {
            Fill::Colour(c) => format!(
                "<span class=\"swatch\" style=\"background:{}\"></span>",
                escape(c)
            ),
            Fill::Hatched => "<span class=\"swatch hatched\"></span>".to_owned(),
            Fill::Unknown => {
                "<span class=\"swatch\" style=\"background:#e3e5e8\"></span>".to_owned()
            }
        };
        let _ = write!(out, "<li>{swatch}{}</li>", escape(label));
    }
    out.push_str("</ul>");
    out
}

fn figure(svg: Option<String>, caption: &str) -> String {
    svg.map(|svg| {
        format!(
            "<figure>{svg}<figcaption>{}</figcaption></figure>",
            escape(caption)
        )
    })
    .unwrap_or_default()
}

/// The maps of `features` (`GeoJSON`) of `collection`, each shape a link to its page under
/// `base`, and their legend. The main map is at most `size` pixels, captioned `caption`.
#[must_use]
pub fn maps(
    features: &[Value],
    base: &str,
    collection: &str,
    size: (f64, f64),
    caption: &str,
    palette: &Palette,
) -> String {
    let mut legend: Vec<(String, Fill)> = Vec::new();
    let shapes: Vec<Shape<'_>> = features
        .iter()
        .map(|f| {
            let (fill, label) = style(&f["properties"], palette);
            if let Some(label) = label
                && !legend.iter().any(|(l, _)| *l == label)
            {
                legend.push((label, fill.clone()));
            }
            Shape {
                geometry: &f["geometry"],
                href: item_href(base, collection, &feature_id(f)),
                title: tooltip(f),
                fill,
            }
        })
        .collect();
    let drawn: Vec<(usize, [f64; 4])> = shapes
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, map::bounds([s.geometry])?)))
        .collect();
    let boxes: Vec<[f64; 4]> = drawn.iter().map(|(_, b)| *b).collect();
    let mut sizes: Vec<f64> = boxes
        .iter()
        .map(|b| (b[2] - b[0]).max(b[3] - b[1]))
        .collect();
    sizes.sort_by(f64::total_cmp);
    let gap = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0) * GAP_IN_FEATURES;
    let mut groups = groups(&boxes, gap);
    if groups.len() > MAX_INSETS + 1 || groups.first().is_some_and(|g| 2 * g.len() < boxes.len()) {
        groups = vec![(0..boxes.len()).collect()];
    }
    let pick = |group: &[usize]| -> Vec<&Shape<'_>> {
        group.iter().map(|&g| &shapes[drawn[g].0]).collect()
    };
    let mut out = String::from("<div class=\"maps\">");
    if let Some(main) = groups.first() {
        out.push_str(&figure(map::svg(&pick(main), size.0, size.1), caption));
    }
    if groups.len() > 1 {
        out.push_str("<div class=\"insets\">");
        for group in &groups[1..] {
            let names: Vec<String> = group
                .iter()
                .take(3)
                .map(|&g| {
                    let f = &features[drawn[g].0];
                    f["properties"]["name"]
                        .as_str()
                        .map_or_else(|| feature_id(f), str::to_owned)
                })
                .collect();
            let more = match group.len().saturating_sub(3) {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            let caption = format!("Elsewhere: {}{more}.", names.join(", "));
            out.push_str(&figure(map::svg(&pick(group), INSET.0, INSET.1), &caption));
        }
        out.push_str("</div>");
    }
    out.push_str("</div>");
    if legend.len() > 1 || legend.iter().any(|(_, f)| *f != Fill::Unknown) {
        out.push_str(&legend_html(&legend));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> [f64; 4] {
        [x, y, x + 1.0, y + 1.0]
    }

    #[test]
    fn neighbours_stay_together_and_a_far_town_is_a_group_of_its_own() {
        let boxes = [
            square(0.0, 0.0),
            square(100.0, 0.0),
            square(1.5, 0.0),
            square(0.0, 1.2),
        ];
        assert_eq!(groups(&boxes, 6.0), vec![vec![0, 2, 3], vec![1]]);
    }

    #[test]
    fn a_gap_along_latitude_splits_too_and_overlaps_never_do() {
        let boxes = [square(0.0, 0.0), [0.5, 0.5, 3.0, 3.0], square(0.0, 50.0)];
        assert_eq!(groups(&boxes, 6.0), vec![vec![0, 1], vec![2]]);
        assert!(groups(&[], 1.0).is_empty());
    }

    #[test]
    fn the_tooltip_names_the_holder_and_the_dates() {
        let f = serde_json::json!({"id": "a@2020-01-01", "properties": {
            "name": "A", "status": "held", "faction": "red",
            "valid_from": "2020-01-01T00:00:00Z", "valid_to": null}});
        assert_eq!(
            tooltip(&f),
            "A (a@2020-01-01): held by red, from 2020-01-01, still holds"
        );
    }
}

//! The pages of features: a page of items as a map and a table with paging links, and one item
//! with its properties and its map. Both are rendered from the `GeoJSON` the API serves.

use std::fmt::Write;

use serde_json::Value;

use super::atlas::{self, Palette, feature_id};
use super::page::{
    Crumb, cell, escape, item_href, link_href, link_list, link_title, page, query_of, segment,
    trail, with_format,
};

/// Maps on a page of items: as wide as the column, at most this tall (pixels).
const ITEMS_MAP: (f64, f64) = (928.0, 660.0);
/// The map of one item.
const ITEM_MAP: (f64, f64) = (640.0, 420.0);

/// The previous and next links of a page of items, to their pages.
fn pager(doc: &Value, summary: &str) -> String {
    let mut out = String::from("<nav class=\"pager\">");
    for (rel, label) in [("prev", "← Previous page"), ("next", "Next page →")] {
        if let Some(href) = link_href(doc, rel) {
            let _ = write!(
                out,
                "<a rel=\"{rel}\" href=\"{}\">{label}</a>",
                escape(&with_format(href, "html"))
            );
        }
    }
    let _ = write!(
        out,
        "<span class=\"muted\">{}</span></nav>",
        escape(summary)
    );
    out
}

/// The page of a `FeatureCollection` `doc` of `collection`, served under `base` (`…/ogc`): counts,
/// paging links, a map and a table of the features with their properties.
#[must_use]
pub fn items(doc: &Value, base: &str, collection: &str, palette: &Palette) -> String {
    let title = link_title(doc, "collection").unwrap_or(collection);
    let features = doc["features"].as_array().map_or(&[][..], Vec::as_slice);
    let self_href = link_href(doc, "self").unwrap_or_default();
    let query = query_of(self_href);
    let offset: usize = query
        .iter()
        .find(|(n, _)| n == "offset")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let matched = doc["numberMatched"]
        .as_u64()
        .unwrap_or(features.len() as u64);
    let summary = if features.is_empty() {
        format!("No features on this page; {matched} match.")
    } else {
        format!(
            "Features {}–{} of {matched} matched ({} returned).",
            offset + 1,
            offset + features.len(),
            doc["numberReturned"]
                .as_u64()
                .unwrap_or(features.len() as u64)
        )
    };
    let mut body = String::new();
    let filters: Vec<String> = query
        .iter()
        .filter(|(n, _)| !matches!(n.as_str(), "f" | "limit" | "offset"))
        .map(|(n, v)| format!("<code>{}={}</code>", escape(n), escape(v)))
        .collect();
    if !filters.is_empty() {
        let _ = write!(body, "<p>Filtered by {}.</p>", filters.join(" "));
    }
    body.push_str(&pager(doc, &summary));
    body.push_str(&atlas::maps(
        features,
        base,
        collection,
        ITEMS_MAP,
        "The features of this page; each links to its own page. CRS84, equirectangular.",
        palette,
    ));
    body.push_str(&table(features, base, collection));
    body.push_str(&pager(doc, &summary));
    let mut crumbs = trail(base, Some((collection, title)));
    crumbs.push(Crumb::here("Items"));
    page(&format!("{title}: items"), &crumbs, self_href, &body)
}

/// Properties that say what a feature is and when come first, in this order; long text last.
const LEADING: &[&str] = &[
    "name",
    "district",
    "district_a",
    "district_b",
    "status",
    "faction",
    "factions",
    "side_a",
    "side_b",
    "valid_from",
    "valid_to",
];
const TRAILING: &[&str] = &["sources", "note"];

/// Where property `key` goes in a table: leading ones, then the others as they come, then the
/// trailing ones.
fn rank(key: &str) -> usize {
    if let Some(i) = LEADING.iter().position(|&k| k == key) {
        i
    } else if let Some(i) = TRAILING.iter().position(|&k| k == key) {
        LEADING.len() + 1 + i
    } else {
        LEADING.len()
    }
}

/// The table of `features`: the id (a link to its page), then every property any of them has.
fn table(features: &[Value], base: &str, collection: &str) -> String {
    let mut columns: Vec<&str> = Vec::new();
    for f in features {
        for key in f["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys())
        {
            if !columns.contains(&key.as_str()) {
                columns.push(key);
            }
        }
    }
    columns.sort_by_key(|c| rank(c));
    let mut out =
        String::from("<div class=\"scroll\"><table class=\"features\"><thead><tr><th>id</th>");
    for c in &columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    for f in features {
        let id = feature_id(f);
        let _ = write!(
            out,
            "<tr><td><a href=\"{}\">{}</a></td>",
            escape(&item_href(base, collection, &id)),
            escape(&id)
        );
        for c in &columns {
            out.push_str(&value_cell(&f["properties"][*c]));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// A table cell: numbers aligned right, long text given room to wrap.
fn value_cell(v: &Value) -> String {
    let text = cell(v);
    if v.is_number() {
        format!("<td class=\"num\">{text}</td>")
    } else if text.len() > 60 {
        format!("<td class=\"text\">{text}</td>")
    } else {
        format!("<td>{text}</td>")
    }
}

/// The page of one Feature `doc` of `collection`: its properties, its map and its links.
#[must_use]
pub fn item(doc: &Value, base: &str, collection: &str, palette: &Palette) -> String {
    let title = link_title(doc, "collection").unwrap_or(collection);
    let id = feature_id(doc);
    let props = &doc["properties"];
    let heading = props["name"].as_str().unwrap_or(&id);
    let mut body = format!(
        "<p class=\"muted\">Feature <code>{}</code> of {}.</p>",
        escape(&id),
        escape(title)
    );
    let kind = doc["geometry"]["type"].as_str().unwrap_or("no geometry");
    body.push_str(&atlas::maps(
        std::slice::from_ref(doc),
        base,
        collection,
        ITEM_MAP,
        &format!("{}. {kind}, CRS84.", atlas::tooltip(doc)),
        palette,
    ));
    body.push_str("<h2>Properties</h2><table><tbody>");
    let mut rows: Vec<(&String, &Value)> = props.as_object().into_iter().flatten().collect();
    rows.sort_by_key(|(k, _)| rank(k));
    for (key, value) in rows {
        let _ = write!(
            body,
            "<tr><th>{}</th>{}</tr>",
            escape(key),
            value_cell(value)
        );
    }
    body.push_str("</tbody></table><h2>Links</h2>");
    body.push_str(&link_list(doc));
    let mut crumbs = trail(base, Some((collection, title)));
    crumbs.push(Crumb::link(
        "Items",
        format!("{base}/collections/{}/items?f=html", segment(collection)),
    ));
    crumbs.push(Crumb::here(&id));
    let self_href = link_href(doc, "self").unwrap_or_default();
    page(heading, &crumbs, self_href, &body)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::page::parse_xml;
    use super::*;

    fn square(x: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[x, 36.0], [x + 0.01, 36.0], [x + 0.01, 36.01], [x, 36.01], [x, 36.0]]]})
    }

    fn page_of_two() -> Value {
        json!({
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "id": "west@2020-01-01", "geometry": square(43.0),
                 "properties": {"name": "West", "status": "held", "faction": "blue", "factions": ["blue"],
                                "valid_from": "2020-01-01T00:00:00Z", "valid_to": null}},
                {"type": "Feature", "id": "middle@2020-01-25", "geometry": square(43.01),
                 "properties": {"name": "Mid <dle>", "status": "contested", "faction": null,
                                "factions": ["blue", "red"], "valid_from": "2020-01-25T00:00:00Z",
                                "valid_to": "2020-02-01T00:00:00Z"}},
            ],
            "numberMatched": 5,
            "numberReturned": 2,
            "links": [
                {"href": "http://h/ogc/collections/control/items?datetime=2020-01-26&limit=2&offset=2", "rel": "self", "type": "application/geo+json"},
                {"href": "http://h/ogc/collections/control", "rel": "collection", "type": "application/json", "title": "Control states"},
                {"href": "http://h/ogc/collections/control/items?datetime=2020-01-26&limit=2&offset=4", "rel": "next", "type": "application/geo+json"},
                {"href": "http://h/ogc/collections/control/items?datetime=2020-01-26&limit=2", "rel": "prev", "type": "application/geo+json"},
            ],
        })
    }

    #[test]
    fn two_polygons_are_two_linked_paths_with_tooltips() {
        let palette = Palette::new([("blue".to_owned(), "#1f5fa8".to_owned())]);
        let html = items(&page_of_two(), "http://h/ogc", "control", &palette);
        let doc = parse_xml(&html);
        let svg = doc.descendants().find(|n| n.has_tag_name("svg")).unwrap();
        let links: Vec<_> = svg.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 2);
        assert_eq!(
            links[1].attribute("href"),
            Some("http://h/ogc/collections/control/items/middle@2020-01-25?f=html")
        );
        let paths: Vec<_> = svg
            .descendants()
            .filter(|n| n.has_tag_name("path"))
            .collect();
        assert_eq!(paths.len(), 2);
        assert_eq!(
            paths[0].attribute("fill"),
            Some("#1f5fa8"),
            "the data set's own colour for the faction"
        );
        assert_eq!(paths[1].attribute("fill"), Some("url(#hatched)"));
        let tooltip = paths[1].first_element_child().unwrap().text().unwrap();
        assert_eq!(
            tooltip,
            "Mid <dle> (middle@2020-01-25): contested by blue and red, from 2020-01-25 until 2020-02-01"
        );
    }

    #[test]
    fn the_items_page_counts_pages_and_keeps_the_filters_in_its_links() {
        let html = items(
            &page_of_two(),
            "http://h/ogc",
            "control",
            &Palette::default(),
        );
        assert!(html.contains("Features 3–4 of 5 matched (2 returned)."));
        assert!(html.contains(
            "href=\"http://h/ogc/collections/control/items?datetime=2020-01-26&amp;limit=2&amp;offset=4&amp;f=html\""
        ));
        assert!(html.contains("rel=\"prev\""));
        assert!(html.contains("<code>datetime=2020-01-26</code>"));
        assert!(html.contains("Mid &lt;dle&gt;"));
        assert!(html.contains("<span aria-current=\"page\">Items</span>"));
    }

    #[test]
    fn one_item_shows_its_properties_and_its_map() {
        let mut feature = page_of_two()["features"][0].clone();
        feature["links"] = json!([
            {"href": "http://h/ogc/collections/control/items/west@2020-01-01", "rel": "self", "type": "application/geo+json"},
            {"href": "http://h/ogc/collections/control", "rel": "collection", "type": "application/json", "title": "Control states"},
        ]);
        let html = item(&feature, "http://h/ogc", "control", &Palette::default());
        parse_xml(&html);
        assert!(html.contains("<h1>West</h1>"));
        assert!(html.contains("<tr><th>faction</th><td>blue</td></tr>"));
        assert_eq!(html.matches("<path ").count(), 1);
        assert!(
            html.contains("href=\"http://h/ogc/collections/control/items/west@2020-01-01?f=json\"")
        );
    }
}

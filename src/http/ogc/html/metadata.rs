//! The pages of the metadata documents: landing page, conformance, the API definition, the
//! collections, one collection, and its queryables or schema.

use std::fmt::Write;

use serde_json::Value;

use super::page::{Crumb, cell, escape, link_href, link_list, page, segment, trail, with_format};

/// The landing page: the API's title, description and links.
#[must_use]
pub fn landing(doc: &Value, base: &str) -> String {
    let title = doc["title"].as_str().unwrap_or("OGC API – Features");
    let mut body = String::new();
    if let Some(d) = doc["description"].as_str() {
        let _ = write!(body, "<p>{}</p>", escape(d));
    }
    let _ = write!(
        body,
        "<h2>Start here</h2>{}<p class=\"muted\">Every page here is also JSON (GeoJSON for features): \
         add <code>f=json</code>, or ask for <code>application/json</code>. Clients such as QGIS and \
         GDAL (OAPIF) read <code>{}</code> directly.</p>",
        link_list(doc),
        escape(base)
    );
    page(
        title,
        &[Crumb::here("Frontline OGC API")],
        link_href(doc, "self").unwrap_or(base),
        &body,
    )
}

/// The conformance classes, one per line.
#[must_use]
pub fn conformance(doc: &Value, base: &str) -> String {
    let mut body = String::from(
        "<p>The parts of OGC API – Features this service implements.</p><ul class=\"links\">",
    );
    for class in doc["conformsTo"].as_array().into_iter().flatten() {
        let _ = write!(body, "<li><code>{}</code></li>", cell(class));
    }
    body.push_str("</ul>");
    let crumbs = [
        Crumb::link("Frontline OGC API", format!("{base}?f=html")),
        Crumb::here("Conformance"),
    ];
    page(
        "Conformance",
        &crumbs,
        &format!("{base}/conformance"),
        &body,
    )
}

/// The API definition, briefly: each path with its summary and parameters.
#[must_use]
pub fn api(doc: &Value, base: &str) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API definition");
    let mut body = String::new();
    if let Some(d) = doc["info"]["description"].as_str() {
        let _ = write!(body, "<p>{}</p>", escape(d));
    }
    let _ = write!(
        body,
        "<p class=\"muted\">OpenAPI {}, version {}. The full definition is the JSON document; this \
         page lists its paths.</p><div class=\"scroll\"><table><thead><tr><th>Path</th>\
         <th>Summary</th><th>Parameters</th></tr></thead><tbody>",
        cell(&doc["openapi"]),
        cell(&doc["info"]["version"])
    );
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let op = &item["get"];
        let params: Vec<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let resolved = p["$ref"]
                    .as_str()
                    .and_then(|r| r.strip_prefix('#'))
                    .and_then(|r| doc.pointer(r))
                    .unwrap_or(p);
                resolved["name"].as_str().map(escape)
            })
            .collect();
        let _ = write!(
            body,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            escape(path),
            cell(&op["summary"]),
            params.join(", ")
        );
    }
    body.push_str("</tbody></table></div>");
    let crumbs = [
        Crumb::link("Frontline OGC API", format!("{base}?f=html")),
        Crumb::here("API definition"),
    ];
    page(title, &crumbs, &format!("{base}/api"), &body)
}

/// `[west, south, east, north]` and the temporal interval of an extent, as text.
fn extent_text(extent: &Value) -> (Option<String>, Option<String>) {
    let spatial = extent["spatial"]["bbox"][0].as_array().map(|b| {
        let n: Vec<String> = b
            .iter()
            .filter_map(Value::as_f64)
            .map(|x| format!("{x:.4}"))
            .collect();
        format!("{} (lon, lat: west, south, east, north)", n.join(", "))
    });
    let temporal = extent["temporal"]["interval"][0].as_array().map(|i| {
        let end = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("open").to_owned();
        format!("{} – {}", end(i.first()), end(i.get(1)))
    });
    (spatial, temporal)
}

/// The collections, as a table with their descriptions, extents and links to their items.
#[must_use]
pub fn collections(doc: &Value, base: &str) -> String {
    let mut body = String::from(
        "<div class=\"scroll\"><table><thead><tr><th>Collection</th><th>Description</th>\
         <th>Extent</th><th>Items</th></tr></thead><tbody>",
    );
    for c in doc["collections"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or_default();
        let url = format!("{base}/collections/{}", segment(id));
        let (spatial, temporal) = extent_text(&c["extent"]);
        let extent: Vec<String> = [spatial, temporal]
            .into_iter()
            .flatten()
            .map(|t| escape(&t))
            .collect();
        let json_items = link_href(c, "items").unwrap_or_default();
        let _ = write!(
            body,
            "<tr><td><a href=\"{}\">{}</a><br/><code>{}</code></td><td>{}</td><td>{}</td>\
             <td><a href=\"{}\">Browse</a><br/><a href=\"{}\">GeoJSON</a></td></tr>",
            escape(&format!("{url}?f=html")),
            cell(&c["title"]),
            escape(id),
            cell(&c["description"]),
            extent.join("<br/>"),
            escape(&format!("{url}/items?f=html")),
            escape(json_items)
        );
    }
    body.push_str("</tbody></table></div>");
    let crumbs = [
        Crumb::link("Frontline OGC API", format!("{base}?f=html")),
        Crumb::here("Collections"),
    ];
    page(
        "Collections",
        &crumbs,
        &format!("{base}/collections"),
        &body,
    )
}

/// The type of a JSON Schema property as text: `string or null`, with its format.
fn schema_type(p: &Value) -> String {
    let kind = match &p["type"] {
        Value::Array(kinds) => kinds.iter().map(cell).collect::<Vec<_>>().join(" or "),
        other => cell(other),
    };
    match p["format"].as_str() {
        Some(f) => format!("{kind} ({})", escape(f)),
        None => kind,
    }
}

/// The properties of a JSON Schema document, as a table of names, titles, types and values.
fn properties_table(schema: &Value) -> String {
    let mut out = String::from(
        "<table><thead><tr><th>Name</th><th>Title</th><th>Type</th><th>Values</th></tr></thead><tbody>",
    );
    for (name, p) in schema["properties"].as_object().into_iter().flatten() {
        let values = match p["enum"].as_array() {
            Some(v) => cell(&Value::Array(
                v.iter().filter(|x| !x.is_null()).cloned().collect(),
            )),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{values}</td></tr>",
            escape(name),
            cell(&p["title"]),
            schema_type(p)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// One collection: its description, extents, queryables (the JSON Schema `queryables`), and
/// links to its items and documents.
#[must_use]
pub fn collection(doc: &Value, base: &str, queryables: &Value) -> String {
    let id = doc["id"].as_str().unwrap_or_default();
    let title = doc["title"].as_str().unwrap_or(id);
    let url = format!("{base}/collections/{}", segment(id));
    let mut body = format!(
        "<p>{}</p><p><a href=\"{}\">Browse the items</a> <span class=\"muted\">· \
         <a href=\"{}\">as GeoJSON</a></span></p><h2>Extent</h2><dl>",
        cell(&doc["description"]),
        escape(&format!("{url}/items?f=html")),
        escape(link_href(doc, "items").unwrap_or_default())
    );
    let (spatial, temporal) = extent_text(&doc["extent"]);
    let none = || "none".to_owned();
    let _ = write!(
        body,
        "<dt>Spatial</dt><dd>{}</dd><dt>Temporal</dt><dd>{}</dd><dt>CRS</dt><dd><code>{}</code></dd></dl>",
        escape(&spatial.unwrap_or_else(none)),
        escape(&temporal.unwrap_or_else(|| "none: the features have no time".into())),
        cell(&doc["storageCrs"])
    );
    let _ = write!(
        body,
        "<h2>Queryables</h2><p class=\"muted\">Filter the items by equality, e.g. \
         <code>?name=value</code>; <code>datetime</code> and <code>bbox</code> always apply.</p>{}\
         <h2>Links</h2>{}",
        properties_table(queryables),
        link_list(doc)
    );
    let mut crumbs = trail(base, None);
    crumbs.push(Crumb::here(title));
    page(title, &crumbs, &url, &body)
}

/// The queryables, sortables or schema (`what`) of `collection`, from its JSON Schema document.
#[must_use]
pub fn schema(doc: &Value, base: &str, collection: &str, what: &str) -> String {
    let title = doc["title"].as_str().unwrap_or(collection);
    let (label, intro) = match what {
        "queryables" => (
            "Queryables",
            "<p>The properties the items can be filtered on, by equality.</p>",
        ),
        "sortables" => (
            "Sortables",
            "<p>The properties the items can be sorted by, with <code>sortby</code>.</p>",
        ),
        _ => ("Schema", "<p>Every property of the features.</p>"),
    };
    let mut body = String::from(intro);
    body.push_str(&properties_table(doc));
    let items = format!("{base}/collections/{}/items?f=html", segment(collection));
    let _ = write!(
        body,
        "<p><a href=\"{}\">Browse the items</a></p>",
        escape(&items)
    );
    let mut crumbs = trail(base, Some((collection, title)));
    crumbs.push(Crumb::here(label));
    let json = doc["$id"].as_str().map_or_else(
        || format!("{base}/collections/{}/{what}", segment(collection)),
        |id| with_format(id, "json"),
    );
    page(
        &format!("{title}: {}", label.to_lowercase()),
        &crumbs,
        &json,
        &body,
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::page::parse_xml;
    use super::*;

    #[test]
    fn the_collections_page_links_each_collections_items_and_escapes_it() {
        let doc = json!({"collections": [{
            "id": "control", "title": "Control <states>", "description": "Who \"held\" what",
            "extent": {"spatial": {"bbox": [[43.1, 36.2, 43.3, 36.4]]},
                       "temporal": {"interval": [["2016-10-01T00:00:00Z", null]]}},
            "links": [{"href": "http://h/ogc/collections/control/items", "rel": "items", "type": "application/geo+json"}],
        }]});
        let html = collections(&doc, "http://h/ogc");
        parse_xml(&html);
        assert!(html.contains("Control &lt;states&gt;"));
        assert!(html.contains("Who &quot;held&quot; what"));
        assert!(html.contains("href=\"http://h/ogc/collections/control/items?f=html\""));
        assert!(html.contains("43.1000, 36.2000, 43.3000, 36.4000"));
        assert!(html.contains("2016-10-01T00:00:00Z – open"));
    }

    #[test]
    fn schema_types_say_null_and_format() {
        let p = json!({"type": ["string", "null"], "format": "date-time"});
        assert_eq!(schema_type(&p), "string or null (date-time)");
    }
}

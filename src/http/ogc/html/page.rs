//! What every page shares: escaping, the shell with its breadcrumb and inline style sheet, links
//! that switch format, and the text of JSON values in tables.
//!
//! Pages are written as well-formed XML (every element closed, only the five XML entities), so
//! an XML parser reads them as well as a browser does.

use std::fmt::Write;

use serde_json::Value;

/// Escapes `text` for element content and for quoted attribute values alike.
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `href` with its `f` parameter set to `format` (added when missing), every other query
/// parameter kept in order.
#[must_use]
pub fn with_format(href: &str, format: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    match pairs.iter_mut().find(|(name, _)| name == "f") {
        Some(pair) => format.clone_into(&mut pair.1),
        None => pairs.push(("f".into(), format.into())),
    }
    let query = serde_urlencoded::to_string(&pairs).expect("pairs encode");
    format!("{path}?{query}")
}

/// The query parameters of `href`, decoded.
#[must_use]
pub fn query_of(href: &str) -> Vec<(String, String)> {
    href.split_once('?')
        .and_then(|(_, q)| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

/// `id` percent-encoded as one path segment (RFC 3986 `pchar`s other than `%` stay).
#[must_use]
pub fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@:!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The HTML page of the item `id` of collection `collection`.
#[must_use]
pub fn item_href(base: &str, collection: &str, id: &str) -> String {
    format!(
        "{base}/collections/{}/items/{}?f=html",
        segment(collection),
        segment(id)
    )
}

/// A JSON value as table text, escaped: lists joined by commas, `null` as nothing.
#[must_use]
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => escape(s),
        Value::Array(items) if items.iter().all(|v| !v.is_array() && !v.is_object()) => {
            items.iter().map(cell).collect::<Vec<_>>().join(", ")
        }
        other => escape(&other.to_string()),
    }
}

/// The `title` (or else the `href`) of the first link of `doc` with relation `rel`.
#[must_use]
pub fn link_title<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    links(doc)
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["title"].as_str().or(l["href"].as_str()))
}

/// The `href` of the first link of `doc` with relation `rel`.
#[must_use]
pub fn link_href<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    links(doc)
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
}

/// The links of a document (none when it has no `links` array).
pub fn links(doc: &Value) -> impl Iterator<Item = &Value> {
    doc["links"].as_array().into_iter().flatten()
}

/// A list of the links of `doc` other than `self` and `alternate`, each target once: each to its
/// page, then to the document itself, named by its media type.
#[must_use]
pub fn link_list(doc: &Value) -> String {
    let mut out = String::from("<ul class=\"links\">");
    let mut seen: Vec<&str> = Vec::new();
    for link in links(doc).filter(|l| l["rel"] != "self" && l["rel"] != "alternate") {
        let href = link["href"].as_str().unwrap_or_default();
        if seen.contains(&href) {
            continue;
        }
        seen.push(href);
        let title = link["title"].as_str().unwrap_or(href);
        let kind = link["type"].as_str().unwrap_or("JSON");
        let _ = write!(
            out,
            "<li><a href=\"{}\">{}</a> <span class=\"muted\">· <a href=\"{}\">{}</a></span></li>",
            escape(&with_format(href, "html")),
            escape(title),
            escape(href),
            escape(kind)
        );
    }
    out.push_str("</ul>");
    out
}

/// One step of the breadcrumb: its label and, but for the current page, where it leads.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    #[must_use]
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: Some(href.into()),
        }
    }

    #[must_use]
    pub fn here(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            href: None,
        }
    }
}

/// The breadcrumb down to the collections list (`collection`: its id and title, to go further).
#[must_use]
pub fn trail(base: &str, collection: Option<(&str, &str)>) -> Vec<Crumb> {
    let mut crumbs = vec![
        Crumb::link("Frontline OGC API", format!("{base}?f=html")),
        Crumb::link("Collections", format!("{base}/collections?f=html")),
    ];
    if let Some((id, title)) = collection {
        crumbs.push(Crumb::link(
            title,
            format!("{base}/collections/{}?f=html", segment(id)),
        ));
    }
    crumbs
}

/// A whole page: `title` (text) as heading, the breadcrumb, `body` (HTML) and a link to the JSON
/// the page shows, `json_href`.
#[must_use]
pub fn page(title: &str, crumbs: &[Crumb], json_href: &str, body: &str) -> String {
    let title = escape(title);
    let json = escape(&with_format(json_href, "json"));
    let mut nav = String::new();
    for (i, crumb) in crumbs.iter().enumerate() {
        if i > 0 {
            nav.push_str("<span class=\"sep\">›</span>");
        }
        let label = escape(&crumb.label);
        match &crumb.href {
            Some(href) => {
                let _ = write!(nav, "<a href=\"{}\">{label}</a>", escape(href));
            }
            None => {
                let _ = write!(nav, "<span aria-current=\"page\">{label}</span>");
            }
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title} – Frontline OGC API</title>\n\
         <link rel=\"alternate\" type=\"application/json\" href=\"{json}\"/>\n\
         <style>{CSS}</style>\n</head>\n<body>\n\
         <header><div class=\"bar\"><nav class=\"crumbs\">{nav}</nav>\
         <a class=\"json\" rel=\"alternate\" type=\"application/json\" href=\"{json}\">JSON</a></div></header>\n\
         <main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )
}

/// The one style sheet, inline: a system font stack, a narrow column, light table borders.
const CSS: &str = "\
:root{color-scheme:light}\
body{margin:0;background:#f7f8f9;color:#1f2529;\
font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\
header{background:#fff;border-bottom:1px solid #dfe3e6}\
.bar{max-width:62rem;margin:0 auto;padding:.55rem 1rem;display:flex;gap:1rem;\
justify-content:space-between;align-items:baseline;flex-wrap:wrap}\
.sep{color:#8b959d;margin:0 .4rem}\
a{color:#1f5f99}a:hover{color:#0b3d6b}\
.crumbs a{text-decoration:none}\
.json{font-size:.85rem}\
main{max-width:62rem;margin:0 auto;padding:.5rem 1rem 3rem}\
h1{font-size:1.55rem;margin:.8rem 0 .4rem;line-height:1.25}\
h2{font-size:1.1rem;margin:1.6rem 0 .5rem}\
p{margin:.4rem 0 .8rem}\
.muted{color:#5d6870}\
code{font:.85em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef0f2;\
padding:.05em .25em;border-radius:3px}\
.scroll{overflow-x:auto}\
table{border-collapse:collapse;width:100%;background:#fff;font-size:.875rem}\
th,td{border:1px solid #dfe3e6;padding:.3rem .5rem;text-align:left;vertical-align:top}\
th{background:#f0f2f4;font-weight:600;white-space:nowrap}\
td.num{text-align:right;font-variant-numeric:tabular-nums}table.features td{white-space:nowrap}table.features td.text{min-width:24rem;white-space:normal}\
td a{white-space:nowrap}\
.maps{display:flex;flex-wrap:wrap;gap:0 1.2rem;align-items:flex-start}\
.insets{display:flex;flex-wrap:wrap;flex-direction:column;gap:0 1rem;margin-top:1rem}\
.insets figure{margin:0 0 .6rem}.insets figcaption{max-width:15rem}\
ul.links{padding-left:1.2rem}ul.links li{margin:.2rem 0}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}dd{margin:0}\
.pager{display:flex;gap:1.2rem;align-items:baseline;margin:.8rem 0}\
figure{margin:1rem 0}\
svg.map{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #dfe3e6}\
svg.map a:hover path{stroke:#111;stroke-width:2}\
figcaption{font-size:.85rem;color:#5d6870;margin-top:.3rem}\
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;list-style:none;padding:0;margin:.4rem 0}\
.swatch{display:inline-block;width:.95em;height:.95em;margin-right:.35em;vertical-align:-.12em;\
border:1px solid rgba(0,0,0,.35)}\
.swatch.hatched{background:repeating-linear-gradient(45deg,#8d8d8d 0 2px,#dedede 2px 5px)}";

/// Parses a page as XML, doctype and all: for tests that check pages are well-formed.
#[cfg(test)]
pub fn parse_xml(html: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(html, options).expect("a page is well-formed XML")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn escape_neutralises_markup_and_both_quotes() {
        assert_eq!(
            escape("<script>alert(\"x\" + 'y') & co</script>"),
            "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;) &amp; co&lt;/script&gt;"
        );
        assert_eq!(escape("Mosul › الموصل"), "Mosul › الموصل");
    }

    #[test]
    fn with_format_replaces_f_in_place_or_appends_it() {
        assert_eq!(
            with_format(
                "http://h/ogc/x?datetime=2017-01-24T00%3A00%3A00Z&f=json&limit=5",
                "html"
            ),
            "http://h/ogc/x?datetime=2017-01-24T00%3A00%3A00Z&f=html&limit=5"
        );
        assert_eq!(with_format("http://h/ogc", "html"), "http://h/ogc?f=html");
        assert_eq!(
            with_format("http://h/ogc?f=html", "json"),
            "http://h/ogc?f=json"
        );
    }

    #[test]
    fn ids_are_encoded_as_one_path_segment() {
        assert_eq!(
            segment("sihha~zanjili@2017-02-08"),
            "sihha~zanjili@2017-02-08"
        );
        assert_eq!(segment("a b/c?d#é"), "a%20b%2Fc%3Fd%23%C3%A9");
    }

    #[test]
    fn cells_join_lists_and_leave_null_empty() {
        assert_eq!(cell(&json!(["isf", "isil"])), "isf, isil");
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&json!(12.5)), "12.5");
        assert_eq!(
            cell(&json!({"a": "<b>"})),
            "{&quot;a&quot;:&quot;&lt;b&gt;&quot;}"
        );
    }

    #[test]
    fn a_page_escapes_its_title_and_links_its_json() {
        let html = page(
            "<script>",
            &[Crumb::link("Home", "http://h/ogc?f=html"), Crumb::here("x")],
            "http://h/ogc/x?f=html",
            "<p>body</p>",
        );
        assert!(html.contains("<h1>&lt;script&gt;</h1>"));
        assert!(html.contains("href=\"http://h/ogc/x?f=json\""));
        assert!(!html.contains("<script"));
        parse_xml(&html);
    }
}

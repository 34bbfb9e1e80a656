//! HTML for people with a browser, next to the JSON for programs, as pygeoapi and `pg_featureserv`
//! offer it: every page is rendered from the very JSON document the API serves, so the two cannot
//! disagree.
//!
//! A request gets HTML when it says `f=html`, or when it says no `f` and its `Accept` header
//! prefers `text/html` to JSON, as browsers send it. `Accept: */*`, `application/json` and no
//! `Accept` at all stay JSON, so GDAL, QGIS and curl see no change. Pages are self-contained: inline
//! CSS and inline SVG maps, no scripts, fonts or images from anywhere.

mod atlas;
mod features;
mod map;
mod metadata;
mod page;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::Value;

pub use atlas::Palette;
pub use features::{item, items};
pub use metadata::{api, collection, collections, conformance, landing, schema};

use super::{Link, Pairs};
use crate::http::respond;

/// The media type of the pages, as links name it.
pub const HTML: &str = "text/html";
/// The `Content-Type` of the pages.
const HTML_UTF8: &str = "text/html; charset=utf-8";

/// Whether `f` names the HTML encoding.
#[must_use]
pub fn is_html(f: &str) -> bool {
    matches!(f, "html" | "text/html")
}

/// Whether to answer with HTML: `f` decides when given (`f_param` is its value); otherwise the
/// `Accept` header must rank `text/html` strictly above JSON, so a tie (as with `*/*`) is JSON.
#[must_use]
pub fn wants_html(req: &HttpRequest, f_param: Option<&str>) -> bool {
    if let Some(f) = f_param {
        return is_html(f);
    }
    let Some(accept) = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let html = quality(accept, "text/html").max(quality(accept, "application/xhtml+xml"));
    let json = quality(accept, "application/json").max(quality(accept, "application/geo+json"));
    html > json
}

/// The quality `accept` gives `media` (`type/subtype`): that of the most specific range matching
/// it (RFC 9110 §12.5.1), 0 when none does. Parameters other than `q` are ignored.
fn quality(accept: &str, media: &str) -> f32 {
    let (kind, _) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let specificity = if name == media {
            2
        } else if name.strip_suffix("/*") == Some(kind) {
            1
        } else if name == "*/*" {
            0
        } else {
            continue;
        };
        let q = parts
            .find_map(|p| {
                let (key, value) = p.split_once('=')?;
                let is_q = key.trim().eq_ignore_ascii_case("q");
                is_q.then(|| value.trim().parse::<f32>().ok()).flatten()
            })
            .unwrap_or(1.0);
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Answers with `body` as JSON of `content_type`, or with the page `render` makes of it when the
/// request wants HTML (see [`wants_html`]). Either way with an `ETag` of the bytes sent and
/// `Vary: Accept`, since one URL now has two representations.
pub fn respond(
    req: &HttpRequest,
    pairs: &Pairs,
    content_type: &str,
    body: &impl Serialize,
    render: impl FnOnce(&Value) -> String,
) -> HttpResponse {
    let f = pairs
        .iter()
        .find(|(name, _)| name == "f")
        .map(|(_, v)| v.as_str());
    let mut response = if wants_html(req, f) {
        let document = serde_json::to_value(body).expect("response views serialise");
        respond::bytes(req, HTML_UTF8, render(&document).into_bytes())
    } else {
        respond::json(req, content_type, body)
    };
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    response
}

/// The `alternate` link to the HTML page of the document whose own URL is `href`.
#[must_use]
pub fn alternate(href: &str) -> Link {
    Link::new(page::with_format(href, "html"), "alternate", HTML).titled("This document as HTML")
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const FIREFOX: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    const CHROMIUM: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,\
                            image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";

    fn wants(accept: Option<&str>, f: Option<&str>) -> bool {
        let mut req = TestRequest::get();
        if let Some(a) = accept {
            req = req.insert_header((header::ACCEPT, a));
        }
        wants_html(&req.to_http_request(), f)
    }

    #[test]
    fn browsers_get_html_and_programs_get_json() {
        assert!(wants(Some(FIREFOX), None));
        assert!(wants(Some(CHROMIUM), None));
        assert!(wants(Some("text/html"), None));
        assert!(!wants(None, None), "no Accept (curl without -H)");
        assert!(!wants(Some("*/*"), None), "curl, GDAL");
        assert!(!wants(Some("application/json"), None));
        assert!(!wants(
            Some("application/geo+json, application/json;q=0.9"),
            None
        ));
        assert!(
            !wants(Some("application/json, text/html"), None),
            "a tie is JSON"
        );
        assert!(!wants(Some("text/html;q=0.5, application/json"), None));
        assert!(!wants(Some("text/*;q=0.3, */*"), None));
    }

    #[test]
    fn the_f_parameter_overrides_the_accept_header() {
        assert!(wants(None, Some("html")));
        assert!(wants(Some("application/json"), Some("text/html")));
        assert!(!wants(Some(FIREFOX), Some("json")));
    }

    #[test]
    fn the_most_specific_range_gives_the_quality() {
        assert!((quality("text/*;q=0.2, text/html;q=0.7, */*", "text/html") - 0.7).abs() < 1e-6);
        assert!((quality("text/*;q=0.2, */*", "text/html") - 0.2).abs() < 1e-6);
        assert!((quality("*/*;q=0.1", "application/json") - 0.1).abs() < 1e-6);
        assert!(quality("image/png", "text/html").abs() < 1e-6);
    }

    #[test]
    fn the_alternate_link_swaps_the_format_and_keeps_the_rest() {
        let link = alternate("http://h/ogc/collections/control/items?datetime=2017&f=json&limit=5");
        assert_eq!(
            link.href,
            "http://h/ogc/collections/control/items?datetime=2017&f=html&limit=5"
        );
        assert_eq!((link.rel, link.media_type), ("alternate", HTML));
    }
}

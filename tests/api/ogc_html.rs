//! The HTML pages of the OGC API: asked for with `f=html` or by a browser's Accept header,
//! self-contained, and invisible to programs, which get the JSON as before.

use std::collections::{BTreeMap, BTreeSet};

use actix_web::test;
use rstest::rstest;
use serde_json::Value;

use crate::helpers::{app, get_json, index_of, mosul_dir, small_dir};

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// Status, headers and body of a GET with the given `Accept` header (none when `None`).
async fn get(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    uri: &str,
    accept: Option<&str>,
) -> (u16, actix_web::http::header::HeaderMap, String) {
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(a) = accept {
        req = req.insert_header(("Accept", a));
    }
    let resp = test::call_service(app, req.to_request()).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = String::from_utf8(test::read_body(resp).await.to_vec()).unwrap();
    (status, headers, body)
}

fn parse(html: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(html, options).expect("pages are well-formed")
}

/// The page loads nothing: no scripts, style sheets, images, frames or fonts, and no attribute
/// but a link's `href` names another server.
fn assert_self_contained(uri: &str, html: &str) {
    for banned in [
        "<script",
        "<link rel=\"stylesheet\"",
        "<img",
        "<iframe",
        "@import",
        "@font-face",
    ] {
        assert!(!html.contains(banned), "{uri}: {banned}");
    }
    let doc = parse(html);
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        for attribute in node.attributes() {
            let remote =
                attribute.value().contains("http://") || attribute.value().contains("https://");
            assert!(
                !remote || attribute.name() == "href",
                "{uri}: <{} {}=\"{}\">",
                node.tag_name().name(),
                attribute.name(),
                attribute.value()
            );
        }
        if node.has_tag_name("style") {
            assert!(
                !node.text().unwrap_or_default().contains("url("),
                "{uri}: url() in CSS"
            );
        }
    }
}

fn with_f_html(uri: &str) -> String {
    format!("{uri}{}f=html", if uri.contains('?') { '&' } else { '?' })
}

#[rstest]
#[case::landing("/ogc", &["<h1>Frontline</h1>", "/ogc/collections?f=html", "/ogc/conformance?f=html", "/ogc/api?f=html"])]
#[case::conformance("/ogc/conformance", &["<h1>Conformance</h1>", "ogcapi-features-1/1.0/conf/core"])]
#[case::api("/ogc/api", &["/collections/control/items", "datetime"])]
#[case::collections("/ogc/collections", &["Control states", "Front line", "/ogc/collections/control/items?f=html"])]
#[case::collection("/ogc/collections/control", &["<h1>Control states</h1>", "Queryables", "<code>faction</code>", "2020-01-01T00:00:00Z – open", "/ogc/collections/control/items?f=html"])]
#[case::queryables("/ogc/collections/control/queryables", &["Control states: queryables", "<code>confidence</code>", "held, contested"])]
#[case::schema("/ogc/collections/control/schema", &["<code>valid_from</code>", "string (date-time)"])]
#[case::items("/ogc/collections/control/items?datetime=2020-01-28", &["Control states: items", "<svg", "middle@2020-01-25", "Features 1–3 of 3 matched"])]
#[case::item("/ogc/collections/control/items/middle@2020-01-25", &["<h1>Middle</h1>", "street fighting", "<path "])]
#[actix_web::test]
async fn every_page_is_html_for_f_html_and_for_a_browser(
    #[case] uri: &str,
    #[case] expected: &[&str],
) {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for (request, accept) in [(with_f_html(uri), None), (uri.to_owned(), Some(BROWSER))] {
        let (status, headers, html) = get(&app, &request, accept).await;
        assert_eq!(status, 200, "{request}: {html}");
        assert_eq!(
            headers.get("content-type").unwrap(),
            "text/html; charset=utf-8"
        );
        assert!(
            headers
                .get("vary")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Accept")
        );
        assert!(html.starts_with("<!DOCTYPE html>"), "{request}");
        assert!(
            html.contains(">Frontline OGC API<"),
            "{request}: the breadcrumb"
        );
        let json = parse(&html)
            .descendants()
            .find(|n| n.has_tag_name("a") && n.attribute("class") == Some("json"))
            .and_then(|n| n.attribute("href").map(str::to_owned))
            .unwrap_or_else(|| panic!("{request}: no JSON alternate"));
        assert!(json.contains("f=json"), "{request}: {json}");
        for text in expected {
            assert!(html.contains(text), "{request}: {text} in\n{html}");
        }
        assert_self_contained(&request, &html);
    }
}

#[rstest]
#[case::landing("/ogc")]
#[case::conformance("/ogc/conformance")]
#[case::api("/ogc/api")]
#[case::collections("/ogc/collections")]
#[case::collection("/ogc/collections/control")]
#[case::queryables("/ogc/collections/control/queryables")]
#[case::items("/ogc/collections/control/items?datetime=2020-01-28")]
#[case::item("/ogc/collections/control/items/middle@2020-01-25")]
#[actix_web::test]
async fn programs_get_the_same_json_whatever_they_accept(#[case] uri: &str) {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, plain_headers, plain) = get(&app, uri, None).await;
    assert_eq!(status, 200);
    let content_type = plain_headers.get("content-type").unwrap().to_str().unwrap();
    assert!(
        [
            "application/json",
            "application/geo+json",
            "application/schema+json"
        ]
        .contains(&content_type)
            || content_type.starts_with("application/vnd.oai.openapi+json"),
        "{uri}: {content_type}"
    );
    serde_json::from_str::<Value>(&plain).expect("JSON");
    for accept in [
        "*/*",
        "application/json",
        "application/geo+json, application/json;q=0.9, */*;q=0.8",
        "application/json, text/html",
    ] {
        let (status, headers, body) = get(&app, uri, Some(accept)).await;
        assert_eq!(status, 200, "{uri} {accept}");
        assert_eq!(
            headers.get("content-type"),
            plain_headers.get("content-type"),
            "{uri} {accept}"
        );
        assert_eq!(
            headers.get("etag"),
            plain_headers.get("etag"),
            "{uri} {accept}"
        );
        assert_eq!(body, plain, "{uri} {accept}");
    }
    let (_, _, explicit) = get(
        &app,
        &format!("{uri}{}f=json", if uri.contains('?') { '&' } else { '?' }),
        Some(BROWSER),
    )
    .await;
    serde_json::from_str::<Value>(&explicit).expect("f=json beats the browser's Accept");
}

#[actix_web::test]
async fn json_documents_link_their_html_pages_and_the_pages_link_back() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    for uri in [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/districts",
        "/ogc/collections/control/items?status=held&limit=2",
        "/ogc/collections/control/items/middle@2020-01-25",
    ] {
        let (_, _, doc) = get_json(&app, uri).await;
        let alternate = doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "alternate")
            .unwrap_or_else(|| panic!("{uri}: no alternate in {doc}"));
        assert_eq!(alternate["type"], "text/html");
        let href = alternate["href"].as_str().unwrap();
        assert!(href.contains("f=html"), "{href}");
        let (status, headers, html) = get(&app, &href[href.find("/ogc").unwrap()..], None).await;
        assert_eq!(
            (
                status,
                headers.get("content-type").unwrap().to_str().unwrap()
            ),
            (200, "text/html; charset=utf-8")
        );
        assert!(
            html.contains("<link rel=\"alternate\" type=\"application/json\""),
            "{uri}"
        );
    }
}

#[rstest]
#[case::landing("/ogc?f=xml")]
#[case::collection("/ogc/collections/control?f=xml")]
#[case::items("/ogc/collections/control/items?f=xml")]
#[case::item("/ogc/collections/control/items/middle@2020-01-25?f=xml")]
#[actix_web::test]
async fn an_unknown_format_is_a_problem_that_names_html_among_the_valid_ones(#[case] uri: &str) {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (status, content_type, problem) = get_json(&app, uri).await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json")
    );
    assert_eq!(problem["parameter"], "f");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("f=json") && detail.contains("f=html"),
        "{detail}"
    );
}

#[actix_web::test]
async fn the_api_definition_offers_html_for_every_operation() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, _, api) = get_json(&app, "/ogc/api").await;
    let formats = &api["components"]["parameters"]["f"]["schema"]["enum"];
    assert!(
        formats.as_array().unwrap().iter().any(|f| f == "html"),
        "{formats}"
    );
    for (path, item) in api["paths"].as_object().unwrap() {
        assert!(
            item["get"]["responses"]["200"]["content"]
                .get("text/html")
                .is_some(),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn a_page_of_mosul_on_24_january_2017_maps_every_district_coloured_by_its_holder() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let query = "datetime=2017-01-24T00:00:00Z&limit=200";
    let (_, _, json) = get_json(&app, &format!("/ogc/collections/control/items?{query}")).await;
    let features = json["features"].as_array().unwrap();
    let (status, _, html) = get(
        &app,
        &format!("/ogc/collections/control/items?{query}&f=html"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let doc = parse(&html);
    let maps: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("svg"))
        .collect();
    // Raqqa and the Tabqa dam are hundreds of kilometres west: small maps of their own, so the
    // city's map is not two specks.
    assert_eq!(maps.len(), 3, "Mosul, then Tabqa and Raqqa");
    let city: Vec<_> = maps[0]
        .descendants()
        .filter(|n| n.has_tag_name("a"))
        .collect();
    assert!(city.len() >= 100, "{}", city.len());
    assert!(html.contains("Elsewhere: Raqqa."), "{html}");
    let shapes: BTreeMap<&str, roxmltree::Node<'_, '_>> = maps
        .iter()
        .flat_map(|m| m.descendants().filter(|n| n.has_tag_name("a")))
        .map(|a| (a.attribute("href").unwrap(), a))
        .collect();
    assert_eq!(shapes.len(), features.len(), "one shape per feature");
    for feature in features {
        let id = feature["id"].as_str().unwrap();
        let href = format!("http://localhost:8080/ogc/collections/control/items/{id}?f=html");
        let shape = shapes
            .get(href.as_str())
            .unwrap_or_else(|| panic!("{href}"));
        let path = shape.first_element_child().unwrap();
        assert_eq!(path.tag_name().name(), "path");
        let tooltip = path.first_element_child().unwrap();
        assert_eq!(tooltip.tag_name().name(), "title");
        let name = feature["properties"]["name"].as_str().unwrap();
        assert!(tooltip.text().unwrap().starts_with(name), "{id}");
    }
    let fills: BTreeSet<&str> = shapes
        .values()
        .filter_map(|a| a.first_element_child()?.attribute("fill"))
        .collect();
    let holders: BTreeSet<&str> = features
        .iter()
        .filter_map(|f| f["properties"]["faction"].as_str())
        .collect();
    assert!(holders.len() >= 2, "{holders:?}");
    assert!(
        fills.len() >= holders.len(),
        "a colour per holder: {fills:?} for {holders:?}"
    );
}

#[actix_web::test]
async fn html_paging_links_keep_the_filters_and_stay_html() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (_, _, first) = get(
        &app,
        "/ogc/collections/control/items?faction=isil&limit=10",
        Some(BROWSER),
    )
    .await;
    assert!(first.contains("Features 1–10 of "), "{first}");
    assert!(!first.contains("rel=\"prev\""));
    let doc = parse(&first);
    let next = doc
        .descendants()
        .find(|n| n.has_tag_name("a") && n.attribute("rel") == Some("next"))
        .expect("a next link");
    let href = next.attribute("href").unwrap();
    assert!(
        href.contains("faction=isil") && href.contains("offset=10") && href.contains("f=html"),
        "{href}"
    );
    let (status, headers, second) = get(&app, &href[href.find("/ogc").unwrap()..], None).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers.get("content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    assert!(second.contains("Features 11–20 of "));
    assert!(second.contains("rel=\"prev\""));
    assert!(second.contains("<code>faction=isil</code>"));
}

#[actix_web::test]
async fn an_html_page_has_its_own_etag_and_is_not_sent_twice() {
    let dir = small_dir();
    let (_db, index) = index_of(dir.path());
    let app = app(index).await;
    let (_, html_headers, _) = get(&app, "/ogc/collections", Some(BROWSER)).await;
    let (_, json_headers, _) = get(&app, "/ogc/collections", None).await;
    let etag = html_headers.get("etag").unwrap();
    assert_ne!(Some(etag), json_headers.get("etag"));
    let again = test::TestRequest::get()
        .uri("/ogc/collections")
        .insert_header(("Accept", BROWSER))
        .insert_header(("If-None-Match", etag.clone()))
        .to_request();
    assert_eq!(test::call_service(&app, again).await.status(), 304);
}

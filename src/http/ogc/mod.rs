//! OGC API – Features at `/ogc`: Part 1 (core, GeoJSON, OpenAPI 3.0), Part 2 (CRS, with CRS84
//! as the only CRS) and Part 3 queryables as simple equality filters.
//!
//! Three collections: `districts` (no time), `control` (one feature per control state) and
//! `frontline` (one feature per stretch of front and interval). `datetime` selects features whose
//! half-open validity shares an instant with the requested period, so `control?datetime=T` is
//! exactly the map at T (at a hand-over instant, the newer state only).
//!
//! Every resource is also an HTML page for browsers (`f=html`, or an `Accept` that prefers
//! `text/html`); see the `html` module.

mod collections;
mod cql;
mod features;
mod html;
mod items;
mod meta;
mod openapi;
mod query;
mod values;

use actix_web::{HttpRequest, web};
use serde::Serialize;

pub use collections::Collection;

use crate::error::AppError;

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
pub const EPSG4326: &str = "http://www.opengis.net/def/crs/EPSG/0/4326";
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
pub const SCHEMA_JSON: &str = "application/schema+json";

/// Registers `/ogc` and everything under it. Cross-origin GETs are allowed from anywhere: the data
/// are public, and browser GIS clients live on other origins.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let cors = super::cors();
    macro_rules! get {
        ($path:literal, $handler:expr) => {
            web::resource($path)
                .route(web::get().to($handler))
                .route(web::head().to($handler))
        };
    }
    cfg.service(
        web::scope("/ogc")
            .wrap(actix_web::middleware::from_fn(
                super::knowledge::take_parameter,
            ))
            .wrap(cors)
            .service(get!("", meta::landing))
            .service(get!("/", meta::landing))
            .service(get!("/conformance", meta::conformance))
            .service(get!("/api", openapi::document))
            .service(get!("/collections", meta::collections))
            .service(get!("/collections/{collection}", meta::collection))
            .service(get!(
                "/collections/{collection}/queryables",
                meta::queryables
            ))
            .service(get!("/collections/{collection}/sortables", meta::sortables))
            .service(get!("/collections/{collection}/schema", meta::schema))
            .service(get!("/collections/{collection}/items", items::items))
            .service(get!(
                "/collections/{collection}/items/{feature}",
                items::item
            ))
            .default_service(web::to(no_such_resource)),
    );
}

/// A link as OGC API documents carry them: every link says its media type.
#[derive(Debug, Serialize)]
pub struct Link {
    pub href: String,
    pub rel: &'static str,
    #[serde(rename = "type")]
    pub media_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Link {
    pub fn new(href: impl Into<String>, rel: &'static str, media_type: &'static str) -> Self {
        Self {
            href: href.into(),
            rel,
            media_type,
            title: None,
        }
    }

    #[must_use]
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// The API's root URL: the server's public URL (`--public-url`, else its listen address), never
/// what a request's `Host` or `X-Forwarded-*` headers claim, so a caching proxy cannot be made to
/// store links to somewhere else.
pub fn base_url(req: &HttpRequest) -> String {
    let public = req
        .app_data::<web::Data<crate::http::AppState>>()
        .and_then(|s| s.public_url.clone());
    match public {
        Some(root) => format!("{root}/ogc"),
        // Only the test route table runs without a public URL.
        None => {
            let info = req.connection_info();
            format!("{}://{}/ogc", info.scheme(), info.host())
        }
    }
}

/// Query parameters in order, decoded, for endpoints that validate them by hand.
pub type Pairs = Vec<(String, String)>;

/// `f` selects the encoding: JSON (`GeoJSON` for features), or HTML for a browser.
pub fn check_format(value: &str) -> Result<(), AppError> {
    match value {
        "json" | "geojson" | "application/json" | "application/geo+json" => Ok(()),
        f if html::is_html(f) => Ok(()),
        other => Err(AppError::invalid(
            "f",
            format!("format '{other}' is not offered: use f=json (GeoJSON for features) or f=html"),
        )),
    }
}

/// The CRSs features are offered in: WGS 84 with longitude first (CRS84, as stored) or with
/// latitude first (EPSG:4326, whose axis order says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Crs84,
    Epsg4326,
}

impl Crs {
    pub const ALL: [Crs; 2] = [Crs::Crs84, Crs::Epsg4326];

    #[must_use]
    pub fn uri(self) -> &'static str {
        match self {
            Crs::Crs84 => CRS84,
            Crs::Epsg4326 => EPSG4326,
        }
    }
}

/// `crs`, `bbox-crs` and `filter-crs`: CRS84 or EPSG:4326, as a URI, a CURIE or a short code.
///
/// # Errors
/// A 400 listing the CRSs offered.
pub fn parse_crs(parameter: &str, value: &str) -> Result<Crs, AppError> {
    let trimmed = value
        .trim()
        .trim_start_matches(['<', '['])
        .trim_end_matches(['>', ']']);
    let https = trimmed.replacen("https://", "http://", 1);
    match https.as_str() {
        CRS84 | "OGC:CRS84" | "urn:ogc:def:crs:OGC:1.3:CRS84" | "urn:ogc:def:crs:OGC::CRS84" => {
            Ok(Crs::Crs84)
        }
        EPSG4326 | "EPSG:4326" | "urn:ogc:def:crs:EPSG::4326" | "urn:ogc:def:crs:EPSG:6.6:4326" => {
            Ok(Crs::Epsg4326)
        }
        _ => Err(AppError::invalid(
            parameter,
            format!(
                "CRS '{value}' is not offered: use {CRS84} (longitude, latitude; the default) or \
                 {EPSG4326} (latitude, longitude)"
            ),
        )),
    }
}

/// Rejects everything but `f` (and what `allowed` names) on metadata endpoints.
pub fn only(pairs: &Pairs, allowed: &[&str]) -> Result<(), AppError> {
    for (name, value) in pairs {
        match name.as_str() {
            "f" => check_format(value)?,
            n if allowed.contains(&n) => {}
            n => {
                let mut valid = vec!["f"];
                valid.extend_from_slice(allowed);
                return Err(AppError::invalid(
                    n,
                    format!(
                        "unknown parameter `{n}`: this resource accepts {}",
                        valid.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

async fn no_such_resource(req: HttpRequest) -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound(format!(
        "no resource at {}: start at /ogc (landing page), /ogc/collections or /ogc/api",
        req.path()
    )))
}

//! OGC API – Features at `/ogc`: Part 1 (core, GeoJSON, OpenAPI 3.0), Part 2 (CRS, with CRS84
//! as the only CRS) and Part 3 queryables as simple equality filters.
//!
//! Three collections: `districts` (no time), `control` (one feature per control state) and
//! `frontline` (one feature per stretch of front and interval). `datetime` selects features whose
//! half-open validity shares an instant with the requested period, so `control?datetime=T` is
//! exactly the map at T (at a hand-over instant, the newer state only).

mod collections;
mod features;
mod items;
mod meta;
mod openapi;

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use serde::Serialize;

pub use collections::Collection;

use crate::error::AppError;

pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
pub const OPENAPI_JSON: &str = "application/vnd.oai.openapi+json;version=3.0";
pub const SCHEMA_JSON: &str = "application/schema+json";

/// Registers `/ogc` and everything under it. Cross-origin GETs are allowed from anywhere: the data
/// are public, and browser GIS clients live on other origins.
pub fn routes(cfg: &mut web::ServiceConfig) {
    let cors = Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "HEAD"])
        .allow_any_header()
        .expose_headers([header::ETAG, header::HeaderName::from_static("content-crs")])
        .max_age(86_400);
    macro_rules! get {
        ($path:literal, $handler:expr) => {
            web::resource($path)
                .route(web::get().to($handler))
                .route(web::head().to($handler))
        };
    }
    cfg.service(
        web::scope("/ogc")
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

/// The API's root URL as the client sees it (honours `Forwarded` / `X-Forwarded-*`).
pub fn base_url(req: &HttpRequest) -> String {
    let info = req.connection_info();
    format!("{}://{}/ogc", info.scheme(), info.host())
}

/// Query parameters in order, decoded, for endpoints that validate them by hand.
pub type Pairs = Vec<(String, String)>;

/// `f` selects the encoding; JSON (GeoJSON for features) is the only one.
pub fn check_format(value: &str) -> Result<(), AppError> {
    match value {
        "json" | "geojson" | "application/json" | "application/geo+json" => Ok(()),
        other => Err(AppError::invalid(
            "f",
            format!("format '{other}' is not offered: use f=json (GeoJSON for features)"),
        )),
    }
}

/// `crs` and `bbox-crs`: CRS84 is the only CRS offered.
pub fn check_crs(parameter: &str, value: &str) -> Result<(), AppError> {
    let trimmed = value.trim_start_matches('<').trim_end_matches('>');
    if trimmed == CRS84 || trimmed == "[OGC:CRS84]" {
        Ok(())
    } else {
        Err(AppError::invalid(
            parameter,
            format!("CRS '{value}' is not offered: the only CRS is {CRS84}"),
        ))
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

//! Report maps: `GET /api/maps/report.{svg,png,pdf}?at=&since=&bbox=&width=&height=&title=`.
//! The drawing is CPU work (tens to hundreds of milliseconds), so it runs on the blocking pool,
//! not on the async executor.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Deserializer};

use super::AppState;
use super::respond;
use crate::domain::geometry::Bbox;
use crate::domain::time::Instant;
use crate::error::{AppError, Result};
use crate::render::{self, Format, MAX_SIDE, MIN_SIDE, ReportRequest};

/// Parses a parameter with `FromStr`, naming it in the error.
fn parsed<'de, D, T>(d: D, name: &str) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let s = String::deserialize(d)?;
    s.parse::<T>()
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("parameter `{name}`: {e}")))
}

fn at<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
    parsed(d, "at")
}

fn since<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Instant>, D::Error> {
    parsed(d, "since")
}

fn bbox<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bbox>, D::Error> {
    parsed(d, "bbox")
}

fn pixels<'de, D: Deserializer<'de>>(d: D, name: &str) -> Result<Option<u32>, D::Error> {
    let s = String::deserialize(d)?;
    s.trim().parse::<u32>().map(Some).map_err(|_| {
        serde::de::Error::custom(format!(
            "parameter `{name}`: '{s}' is not valid: expected a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}"
        ))
    })
}

fn width<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    pixels(d, "width")
}

fn height<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    pixels(d, "height")
}

/// `?at=&since=&bbox=&width=&height=&title=`; `at` defaults to now, the size to 1600 × 1200.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    #[serde(default, deserialize_with = "at")]
    pub at: Option<Instant>,
    #[serde(default, deserialize_with = "since")]
    pub since: Option<Instant>,
    #[serde(default, deserialize_with = "bbox")]
    pub bbox: Option<Bbox>,
    #[serde(default, deserialize_with = "width")]
    pub width: Option<u32>,
    #[serde(default, deserialize_with = "height")]
    pub height: Option<u32>,
    #[serde(default)]
    pub title: Option<String>,
}

pub async fn report(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: web::Path<String>,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse> {
    let format: Format = format.parse()?;
    let q = q.into_inner();
    let request = ReportRequest {
        at: q
            .at
            .unwrap_or_else(|| Instant(chrono::Utc::now().timestamp_millis())),
        since: q.since,
        bbox: q.bbox,
        width: q.width.unwrap_or(render::DEFAULT_WIDTH),
        height: q.height.unwrap_or(render::DEFAULT_HEIGHT),
        title: q.title,
    };
    let index = state.current();
    let bytes = web::block(move || render::render(&index, &request, format))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))??;
    Ok(respond::bytes(&req, format.content_type(), bytes))
}

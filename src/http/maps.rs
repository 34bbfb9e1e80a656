//! Report maps: `GET /api/maps/report.{svg,png,pdf}?at=&since=&bbox=&title=&standfirst=&events=` with
//! `width=&height=` or `paper=&orientation=&dpi=`.
//! The drawing is CPU work (tens to hundreds of milliseconds), so it runs on the blocking pool,
//! not on the async executor.

use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::params::ReportQuery;
use super::respond;
use crate::domain::time::Instant;
use crate::error::{AppError, Result};
use crate::render::{self, Format, PageSize, ReportRequest};

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
        size: PageSize::from_options(q.width, q.height, q.paper, q.orientation, q.dpi)?,
        title: q.title,
        standfirst: q.standfirst,
        events: q.events,
    };
    let index = state.view(&req);
    // The turn goes with the drawing: if the client leaves, the drawing still holds it.
    let turn = state.heavy.turn("report maps").await?;
    let bytes = web::block(move || {
        let _turn = turn;
        render::render(&index, &request, format)
    })
    .await
    .map_err(|e| AppError::Unexpected(anyhow::Error::new(e)))??;
    Ok(respond::bytes(&req, format.content_type(), bytes))
}

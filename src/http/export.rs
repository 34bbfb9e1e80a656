//! `GET /api/export/{format}`: the whole history as a file to download (GeoPackage, KML, CSV or
//! the GeoJSON timeline), written off the async executor.

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};

use super::AppState;
use super::params::NoQuery;
use super::respond;
use crate::error::{AppError, Result};
use crate::export::{self, Format};

pub async fn export(
    req: HttpRequest,
    state: web::Data<AppState>,
    format: web::Path<String>,
    _q: web::Query<NoQuery>,
) -> Result<HttpResponse> {
    let format = parse(&format)?;
    let index = state.current();
    let body = web::block(move || export::to_bytes(&index, format))
        .await
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("the export task failed: {e}")))?
        .map_err(|e| AppError::Unexpected(anyhow::Error::new(e).context("export failed")))?;
    let mut response = respond::bytes(&req, format.media_type(), body);
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format.download_name())],
        }
        .to_string()
        .parse()
        .expect("a file name of ASCII letters is a valid header value"),
    );
    Ok(response)
}

/// A file format; `dir` is a command-line format only.
fn parse(format: &str) -> Result<Format> {
    let invalid = || {
        AppError::invalid(
            "format",
            format!(
                "'{format}' is not a valid export format: expected one of {}",
                Format::list(&Format::FILES)
            ),
        )
    };
    format
        .parse::<Format>()
        .ok()
        .filter(|f| Format::FILES.contains(f))
        .ok_or_else(invalid)
}

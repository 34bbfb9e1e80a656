//! Errors of every layer, and the one place they become HTTP responses
//! (`application/problem+json`, RFC 9457).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::dataset::Invalid;
use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A request parameter is malformed or out of range; `detail` says what is valid.
    #[error("{detail}")]
    InvalidParameter { parameter: String, detail: String },
    /// The request names something that does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The server is doing as much heavy work as it may; the client should retry later.
    #[error("{detail}")]
    Busy { retry_after_s: u32, detail: String },
    /// A data set failed validation.
    #[error(transparent)]
    InvalidDataset(#[from] Invalid),
    /// A write without a valid token (none, unknown or revoked).
    #[error("{0}")]
    Unauthorized(String),
    /// A write whose token has too low a role.
    #[error("{0}")]
    Forbidden(String),
    /// A write whose body is understood but wrong: every problem, each naming its field.
    #[error("{detail}")]
    Unprocessable { detail: String, errors: Vec<String> },
    /// A body that is not JSON, or not sent as JSON.
    #[error("{0}")]
    UnsupportedBody(String),
    /// `If-Match` names a version that is no longer the current one.
    #[error("{0}")]
    PreconditionFailed(String),
    /// The write conflicts with what is stored (a duplicate id).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn invalid(parameter: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter: parameter.into(),
            detail: detail.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<String>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::InvalidParameter { .. } => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::InvalidDataset(_) | Self::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::UnsupportedBody(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Storage(StorageError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Storage(_) | Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (title, detail, parameter, errors) = match self {
            Self::InvalidParameter { parameter, detail } => (
                "Invalid parameter",
                detail.clone(),
                Some(parameter.as_str()),
                vec![],
            ),
            Self::NotFound(detail) => ("Not found", detail.clone(), None, vec![]),
            Self::Busy { detail, .. } => ("Busy", detail.clone(), None, vec![]),
            Self::InvalidDataset(invalid) => (
                "Invalid data set",
                format!("the data set has {} problem(s)", invalid.0.len()),
                None,
                invalid.0.iter().map(ToString::to_string).collect(),
            ),
            Self::Unauthorized(d) => ("Unauthorized", d.clone(), None, vec![]),
            Self::Forbidden(d) => ("Forbidden", d.clone(), None, vec![]),
            Self::Unprocessable { detail, errors } => {
                ("Invalid edit", detail.clone(), None, errors.clone())
            }
            Self::UnsupportedBody(d) => ("Unsupported body", d.clone(), None, vec![]),
            Self::PreconditionFailed(d) => ("Precondition failed", d.clone(), None, vec![]),
            Self::Conflict(d) => ("Conflict", d.clone(), None, vec![]),
            Self::Storage(StorageError::Unavailable(cause)) => {
                tracing::warn!(cause = %cause, "a request needed the database, which is unavailable");
                (
                    "Database unavailable",
                    "the database cannot be reached just now, so nothing was written; reads are \
                     still served; retry in a few seconds"
                        .to_owned(),
                    None,
                    vec![],
                )
            }
            Self::Storage(_) | Self::Unexpected(_) => {
                tracing::error!(error = ?self, "request failed");
                (
                    "Internal error",
                    "the server failed to answer; the cause is in its log".to_owned(),
                    None,
                    vec![],
                )
            }
        };
        let body = Problem {
            kind: "about:blank",
            title,
            status: status.as_u16(),
            detail,
            parameter,
            errors,
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Self::Busy { retry_after_s, .. } = self {
            response.insert_header((header::RETRY_AFTER, retry_after_s.to_string()));
        }
        if let Self::Storage(StorageError::Unavailable(_)) = self {
            response.insert_header((header::RETRY_AFTER, "5"));
        }
        if let Self::Unauthorized(_) = self {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"frontline\""));
        }
        response.body(serde_json::to_vec(&body).expect("a problem serialises"))
    }
}

/// A report request the renderer refuses is the client's mistake (400, naming the parameter);
/// an empty data set is a 404; a failed conversion is ours (500, logged).
impl From<crate::render::RenderError> for AppError {
    fn from(e: crate::render::RenderError) -> Self {
        use crate::render::RenderError;
        match e {
            RenderError::InvalidParameter { parameter, detail } => Self::invalid(parameter, detail),
            RenderError::NoData => Self::NotFound(e.to_string()),
            other => Self::Unexpected(anyhow::Error::new(other)),
        }
    }
}

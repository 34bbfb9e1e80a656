//! Who may write: `Authorization: Bearer TOKEN`, checked against the store's token hashes.
//! Reads need no token. Tokens are never logged.

use std::sync::{Arc, Mutex};

use actix_web::HttpRequest;
use actix_web::http::header;

use crate::domain::index::Index;
use crate::error::{AppError, Result};
use crate::storage::{AnyStore, DbLocation, Reader, Role};

/// The server's single writer connection, the database it writes, and reads beside it.
pub struct Writer {
    pub db: DbLocation,
    pub store: Mutex<AnyStore>,
    /// Token checks and the audit, which do not wait for the writer.
    pub reader: Reader,
}

/// The writer who sent a request: the token's name and role.
#[derive(Debug, Clone)]
pub struct Signed {
    pub name: String,
    pub role: Role,
}

/// The bearer token of `req`, if it sent one.
///
/// # Errors
/// 401 when the `Authorization` header is there but is not a bearer token.
pub fn bearer(req: &HttpRequest) -> Result<Option<String>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    match token {
        Some(t) => Ok(Some(t.to_owned())),
        None => Err(AppError::Unauthorized(
            "the Authorization header must be `Bearer TOKEN`".into(),
        )),
    }
}

/// Checks that `token` belongs to a writer with at least role `need`. Blocking: it reads the
/// store.
///
/// # Errors
/// 401 without a token or with an unknown or revoked one; 403 when its role is too low.
pub fn authorise(writer: &Writer, token: Option<&str>, need: Role, what: &str) -> Result<Signed> {
    let Some(token) = token else {
        return Err(AppError::Unauthorized(format!(
            "{what} needs a token: send `Authorization: Bearer TOKEN` (an admin creates one with \
             `frontline token create`); reads need none"
        )));
    };
    let Some((name, role)) = writer.reader.authenticate(token)? else {
        return Err(AppError::Unauthorized(
            "the token is not valid: it is unknown or has been revoked".into(),
        ));
    };
    if role < need {
        return Err(AppError::Forbidden(format!(
            "{what} needs an {} token; token '{name}' is an {}'s",
            need.as_str(),
            role.as_str()
        )));
    }
    Ok(Signed { name, role })
}

/// The writer of a server that has one.
///
/// # Errors
/// 403 for a server started without a database (tests, tools): it is read-only.
pub fn writer(state: &super::AppState) -> Result<Arc<Writer>> {
    state.writer.clone().ok_or_else(|| {
        AppError::Forbidden("this server is read-only: it was started without a database".into())
    })
}

/// Installs `index` unless the one in place is newer (a reload and an edit may race).
pub fn install(state: &super::AppState, index: Index) -> Arc<Index> {
    let index = Arc::new(index);
    if index.revision >= state.current().revision {
        state.index.store(index.clone());
        if let Some(warm) = &state.warm {
            let _ = warm.send(());
        }
    }
    index
}

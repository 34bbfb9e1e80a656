//! `GET /api/edits[?since=T&limit=N]`: every change to the data, newest first: when, by whom,
//! why, and each state before and after.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::auth;
use super::respond::{self, JSON};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;
use crate::error::{AppError, Result};
use crate::storage::RowInfo;

/// Most edits one answer lists, and most states shown on each side of one edit.
pub const MAX_EDITS: usize = 1000;
pub const STATES_PER_EDIT: usize = 1000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditsQuery {
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    limit: Option<String>,
}

#[derive(Serialize)]
struct StateOut<'a> {
    id: String,
    row: i64,
    district: &'a str,
    status: &'static str,
    factions: &'a [String],
    valid_from: Instant,
    valid_to: Option<Instant>,
    confidence: &'static str,
    sources: &'a [String],
    note: &'a str,
    recorded_at: Instant,
    superseded_at: Option<Instant>,
}

impl<'a> StateOut<'a> {
    fn of((s, row): &'a (ControlState, RowInfo)) -> Self {
        Self {
            id: format!("{}@{}", s.district, s.valid_from),
            row: row.id,
            district: &s.district,
            status: s.status.as_str(),
            factions: &s.factions,
            valid_from: s.valid_from,
            valid_to: s.valid_to,
            confidence: s.confidence.as_str(),
            sources: &s.sources,
            note: &s.note,
            recorded_at: row.recorded_at,
            superseded_at: row.superseded_at,
        }
    }
}

#[derive(Serialize)]
struct EditOut<'a> {
    id: i64,
    at: Instant,
    author: &'a str,
    kind: &'a str,
    comment: &'a str,
    before: Vec<StateOut<'a>>,
    before_count: usize,
    after: Vec<StateOut<'a>>,
    after_count: usize,
}

pub async fn edits(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<EditsQuery>,
) -> Result<HttpResponse> {
    let since = q
        .since
        .as_deref()
        .map(|s| {
            s.parse::<Instant>()
                .map_err(|e| AppError::invalid("since", format!("parameter `since`: {e}")))
        })
        .transpose()?;
    let limit = match q.limit.as_deref() {
        None => 100,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_EDITS).contains(n))
            .ok_or_else(|| {
                AppError::invalid(
                    "limit",
                    format!("parameter `limit`: '{l}' is not valid: expected a whole number from 1 to {MAX_EDITS}"),
                )
            })?,
    };
    let writer = auth::writer(&state)?;
    let records = web::block(move || writer.reader.edits(since, limit, STATES_PER_EDIT))
        .await
        .map_err(|e| AppError::Unexpected(e.into()))??;
    let body: Vec<EditOut<'_>> = records
        .iter()
        .map(|e| EditOut {
            id: e.id,
            at: e.at,
            author: &e.author,
            kind: &e.kind,
            comment: &e.comment,
            before: e.before.iter().map(StateOut::of).collect(),
            before_count: e.before_count,
            after: e.after.iter().map(StateOut::of).collect(),
            after_count: e.after_count,
        })
        .collect();
    Ok(respond::json(
        &req,
        JSON,
        &serde_json::json!({ "edits": body }),
    ))
}

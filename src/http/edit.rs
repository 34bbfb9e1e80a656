//! Writes: record a district's control for a period, withdraw a state, add a source, faction or
//! district; and the audit of every edit. Each write is one store transaction, and answers only
//! once the index it installs reflects it (read your writes).

use std::collections::HashSet;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AppState;
use super::api::{history_body, unknown_district};
use super::auth::{self, Signed, Writer};
use super::respond::{self, JSON};
use super::views::HistoryEntry;
use crate::domain::edit::{self, Plan};
use crate::domain::index::Index;
use crate::domain::time::Instant;
use crate::error::{AppError, Result};
use crate::storage::{Author, Change, Committed, EditKind, NewRecord, Role, WriteError};

/// How many times a write is tried again after another process changed the store under it.
const RETRIES: usize = 3;

fn now() -> Instant {
    Instant(chrono::Utc::now().timestamp_millis())
}

/// The JSON body of a write, refusing other media types.
fn json_body(req: &HttpRequest, body: &[u8]) -> Result<Value> {
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = media.split(';').next().unwrap_or("").trim();
    if essence != JSON && !essence.ends_with("+json") {
        return Err(AppError::UnsupportedBody(format!(
            "the body must be JSON, sent with `Content-Type: application/json` (got '{media}')"
        )));
    }
    serde_json::from_slice(body)
        .map_err(|e| AppError::UnsupportedBody(format!("the body is not valid JSON: {e}")))
}

fn invalid(problems: Vec<String>) -> AppError {
    AppError::Unprocessable {
        detail: format!(
            "the edit has {} problem(s); nothing was changed",
            problems.len()
        ),
        errors: problems,
    }
}

/// The strong ETag a district's history has now.
fn history_tag(index: &Index, d: u32) -> String {
    format!(
        "\"{:032x}\"",
        xxhash_rust::xxh3::xxh3_128(&history_body(index, d, false))
    )
}

/// `If-Match` of a write: `None` when absent (the write is unconditional).
fn if_match(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

/// Plans an edit against the index as of now: the plan and the edit's comment.
type Planner<'a> = dyn Fn(&Index, u32) -> Result<(Plan, String)> + 'a;

/// What a write of district control needs beside its plan.
struct StateWrite {
    token: Option<String>,
    if_match: Option<String>,
    district: String,
    kind: EditKind,
}

/// Plans, commits and installs an edit of one district's control: under the single writer
/// lock, against the index as of now (reloaded when another process wrote), checking `If-Match`
/// against the district's history. `plan` sees the index and returns the plan and the comment.
fn write_states(
    state: &AppState,
    writer: &Writer,
    w: &StateWrite,
    plan: &Planner<'_>,
) -> Result<(Arc<Index>, Committed, Plan)> {
    let mut store = writer.store.lock().expect("the writer is not poisoned");
    let signed: Signed = auth::authorise(
        writer,
        w.token.as_deref(),
        Role::Editor,
        "recording control",
    )?;
    for _ in 0..RETRIES {
        let index = state.current();
        let d = index
            .district_index(&w.district)
            .ok_or_else(|| unknown_district(&w.district))?;
        if let Some(expected) = &w.if_match {
            let tag = history_tag(&index, d);
            if expected != "*" && !expected.split(',').any(|t| t.trim() == tag) {
                return Err(AppError::PreconditionFailed(format!(
                    "the history of district '{}' has changed since {expected}: it is now {tag}; \
                     GET /api/districts/{}/history again and retry",
                    w.district, w.district
                )));
            }
        }
        let (plan, comment) = plan(&index, d)?;
        let close: Vec<i64> = plan.close.iter().map(|&i| index.states[i].id).collect();
        let author = Author {
            name: &signed.name,
            comment: &comment,
        };
        let change = Change {
            kind: w.kind,
            expected_revision: index.revision,
            close: &close,
            insert: &plan.insert,
        };
        match store.change_states(author, &change, now()) {
            Ok(committed) => {
                let next = apply(&index, d, &plan, &committed);
                return Ok((auth::install(state, next), committed, plan));
            }
            Err(WriteError::Stale { .. }) => {
                let fresh = Index::from_stored(store.load()?);
                auth::install(state, fresh);
            }
            Err(WriteError::Duplicate(d)) => return Err(AppError::Conflict(d)),
            Err(WriteError::Storage(e)) => return Err(e.into()),
        }
    }
    Err(AppError::Busy {
        retry_after_s: 1,
        detail: "other writers kept changing the store; try again".into(),
    })
}

/// The index after a committed edit of district `d`.
fn apply(index: &Index, d: u32, plan: &Plan, committed: &Committed) -> Index {
    let closed: HashSet<usize> = plan.close.iter().copied().collect();
    let start = index.states.offset(d as usize);
    let mut current: Vec<_> = index
        .history(d)
        .iter()
        .enumerate()
        .filter(|(i, _)| !closed.contains(&(start + i)))
        .map(|(_, s)| s.clone())
        .collect();
    current.extend(
        plan.insert
            .iter()
            .zip(&committed.inserted)
            .filter_map(|(s, row)| index.entry(s, row)),
    );
    let superseded = plan
        .close
        .iter()
        .map(|&i| {
            let mut s = index.states[i].clone();
            s.superseded_at = Some(committed.edit.at);
            s
        })
        .collect();
    let mut next = index.with_district(d, current, superseded, committed.revision);
    next.last_edit = committed.edit.id;
    next
}

#[derive(Serialize)]
struct Written<'a> {
    edit: i64,
    #[serde(flatten)]
    state: HistoryEntry<'a>,
}

/// `POST /api/districts/{id}/states`: sets the district's control for `[valid_from, valid_to)`.
pub async fn record_state(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let body = json_body(&req, &body)?;
    let writer = auth::writer(&state)?;
    let w = StateWrite {
        token: auth::bearer(&req)?,
        if_match: if_match(&req),
        district: id.into_inner(),
        kind: EditKind::Record,
    };
    let st = state.clone();
    let (index, committed, plan, w) = web::block(move || {
        let planner = |index: &Index, d: u32| {
            let e = edit::parse_state(index, &w.district, &body).map_err(invalid)?;
            Ok((edit::plan_set(index, d, e.state), e.comment))
        };
        write_states(&st, &writer, &w, &planner).map(|(i, c, p)| (i, c, p, w))
    })
    .await
    .map_err(|e| AppError::Unexpected(e.into()))??;
    let d = index
        .district_index(&w.district)
        .expect("the district was just written");
    let row = plan
        .new
        .and_then(|i| committed.inserted.get(i))
        .expect("a recorded state has a row");
    let s = index
        .history(d)
        .iter()
        .find(|s| s.id == row.id)
        .expect("the installed index holds the recorded state");
    let entry = HistoryEntry::of(&index, s);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/states/{}", entry.id)))
        .insert_header((header::ETAG, history_tag(&index, d)))
        .content_type(JSON)
        .body(
            serde_json::to_vec(&Written {
                edit: committed.edit.id,
                state: entry,
            })
            .expect("views serialise"),
        ))
}

/// `?comment=` of a withdrawal (or a JSON body `{"comment": …}`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractQuery {
    #[serde(default)]
    comment: Option<String>,
}

/// `DELETE /api/states/{id}`: withdraws a state that should never have been believed; its
/// period becomes unknown.
pub async fn retract_state(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<RetractQuery>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let comment = match (&q.comment, body.is_empty()) {
        (Some(c), _) => c.clone(),
        (None, false) => json_body(&req, &body)?
            .get("comment")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        (None, true) => String::new(),
    };
    let writer = auth::writer(&state)?;
    let token = auth::bearer(&req)?;
    let state_id = id.into_inner();
    let district = state_id
        .rsplit_once('@')
        .map(|(d, _)| d.to_owned())
        .unwrap_or_default();
    let w = StateWrite {
        token,
        if_match: if_match(&req),
        district,
        kind: EditKind::Retract,
    };
    let st = state.clone();
    let sid = state_id.clone();
    let (index, committed, plan) = web::block(move || {
        let planner = |index: &Index, _d: u32| {
            let position = index.state_by_id(&sid).ok_or_else(|| no_such_state(&sid))?;
            let comment = comment.trim();
            if comment.is_empty() {
                return Err(invalid(vec![
                    "`comment`: missing: say why the state is withdrawn (?comment=…)".into(),
                ]));
            }
            Ok((edit::plan_retract(position), comment.to_owned()))
        };
        if st.current().state_by_id(&sid).is_none() {
            return Err(no_such_state(&sid));
        }
        write_states(&st, &writer, &w, &planner)
    })
    .await
    .map_err(|e| AppError::Unexpected(e.into()))??;
    debug_assert_eq!(plan.close.len(), 1);
    let d = index
        .district_index(state_id.rsplit_once('@').map_or("", |(d, _)| d))
        .expect("the district was just written");
    let withdrawn = index
        .past_of(d)
        .iter()
        .find(|s| s.superseded_at == Some(committed.edit.at))
        .expect("the withdrawn state is in the past");
    Ok(HttpResponse::Ok().content_type(JSON).body(
        serde_json::to_vec(&Written {
            edit: committed.edit.id,
            state: HistoryEntry::of(&index, withdrawn),
        })
        .expect("views serialise"),
    ))
}

fn no_such_state(id: &str) -> AppError {
    AppError::NotFound(format!(
        "no state believed now has id '{id}': ids are DISTRICT@VALID_FROM, as GET /api/districts/{{id}}/history lists them"
    ))
}

/// `GET /api/states/{id}`: one state believed now.
pub async fn state_by_id(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _q: web::Query<super::params::NoQuery>,
) -> Result<HttpResponse> {
    let index = state.view(&req);
    let s = index.state_by_id(&id).ok_or_else(|| no_such_state(&id))?;
    Ok(respond::json(
        &req,
        JSON,
        &HistoryEntry::of(&index, &index.states[s]),
    ))
}

/// `POST /api/sources` (editor), `POST /api/factions` and `POST /api/districts` (admin).
pub async fn add_record(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse> {
    let body = json_body(&req, &body)?;
    let writer = auth::writer(&state)?;
    let token = auth::bearer(&req)?;
    let what = req.path().trim_start_matches("/api/").to_owned();
    let st = state.clone();
    let (location, view) = web::block(move || -> Result<(String, Value)> {
        let mut store = writer.store.lock().expect("the writer is not poisoned");
        let need = if what == "sources" {
            Role::Editor
        } else {
            Role::Admin
        };
        let signed = auth::authorise(&writer, token.as_deref(), need, &format!("adding {what}"))?;
        let index = st.current();
        let (source, faction, district, comment);
        let record = match what.as_str() {
            "sources" => {
                (source, comment) = edit::parse_source(&body).map_err(invalid)?;
                NewRecord::Source(&source)
            }
            "factions" => {
                (faction, comment) = edit::parse_faction(&body).map_err(invalid)?;
                NewRecord::Faction(&faction)
            }
            _ => {
                (district, comment) =
                    super::edit_district::parse(&index, &body).map_err(invalid)?;
                NewRecord::District(&district)
            }
        };
        let author = Author {
            name: &signed.name,
            comment: &comment,
        };
        let added = match store.add_record(author, record, now()) {
            Ok(r) => r,
            Err(WriteError::Duplicate(d)) => return Err(AppError::Conflict(d)),
            Err(WriteError::Stale { .. }) => unreachable!("adding a record checks no revision"),
            Err(WriteError::Storage(e)) => return Err(e.into()),
        };
        let (location, view) = match record {
            NewRecord::Source(s) => {
                let mut sources = index.sources.clone();
                sources.push(s.clone());
                auth::install(
                    st.as_ref(),
                    index.with_lists(
                        index.factions.clone(),
                        sources,
                        added.revision,
                        added.edit.id,
                    ),
                );
                (format!("/api/sources#{}", s.id), serde_json::to_value(s))
            }
            NewRecord::Faction(f) => {
                let mut factions = index.factions.clone();
                factions.push(f.clone());
                auth::install(
                    st.as_ref(),
                    index.with_lists(
                        factions,
                        index.sources.clone(),
                        added.revision,
                        added.edit.id,
                    ),
                );
                (format!("/api/factions#{}", f.id), serde_json::to_value(f))
            }
            NewRecord::District(d) => {
                // A new outline changes borders, tiles and the spatial index: build afresh.
                auth::install(st.as_ref(), Index::from_stored(store.load()?));
                (
                    format!("/api/districts/{}/history", d.id),
                    Ok(serde_json::json!({"id": d.id, "name": d.name})),
                )
            }
        };
        Ok((location, view.expect("records serialise")))
    })
    .await
    .map_err(|e| AppError::Unexpected(e.into()))??;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .content_type(JSON)
        .body(serde_json::to_vec(&view).expect("values serialise")))
}

/// `GET /api/me`: who the bearer token belongs to, for a page that signs an editor in.
pub async fn me(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse> {
    let writer = auth::writer(&state)?;
    let token = auth::bearer(&req)?;
    let signed =
        web::block(move || auth::authorise(&writer, token.as_deref(), Role::Editor, "signing in"))
            .await
            .map_err(|e| AppError::Unexpected(e.into()))??;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "name": signed.name, "role": signed.role.as_str() })))
}

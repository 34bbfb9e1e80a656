//! `known_at=T` on every read: the answer the server would have given at T. A middleware takes
//! the parameter off the query (so each handler's own parameters stay strict) and leaves the
//! instant in the request; [`AppState::view`] gives the handler the index as known then.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};

use super::AppState;
use crate::domain::index::Index;
use crate::domain::time::Instant;
use crate::error::AppError;

/// The parameter's name.
pub const PARAMETER: &str = "known_at";

/// How many views of earlier knowledge are kept.
pub const VIEWS_KEPT: usize = 8;

/// The `known_at` instant of a request.
#[derive(Debug, Clone, Copy)]
pub struct KnownAt(pub Instant);

/// Takes `known_at` off the query string into the request's extensions; a malformed one is a 400.
///
/// # Errors
/// A problem naming `known_at` when its value is not an instant.
pub async fn take_parameter(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(query) = req.uri().query().filter(|q| q.contains(PARAMETER)) {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
        let (known, rest): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == PARAMETER);
        if let Some((_, value)) = known.last() {
            let t: Instant = value.parse().map_err(|e| {
                AppError::invalid(PARAMETER, format!("parameter `{PARAMETER}`: {e}"))
            })?;
            if known.len() > 1 {
                return Err(
                    AppError::invalid(PARAMETER, "parameter `known_at` is given twice").into(),
                );
            }
            let rest = serde_urlencoded::to_string(&rest).expect("pairs encode");
            let path = req.uri().path().to_owned();
            let uri = if rest.is_empty() {
                path
            } else {
                format!("{path}?{rest}")
            };
            req.head_mut().uri = uri.parse().expect("a path and query re-encoded parse");
            req.extensions_mut().insert(KnownAt(t));
        }
    }
    next.call(req).await
}

/// The request's `known_at`, if it gave one.
#[must_use]
pub fn known_at(req: &HttpRequest) -> Option<Instant> {
    req.extensions().get::<KnownAt>().map(|k| k.0)
}

impl AppState {
    /// The index a read answers from: as known at the request's `known_at`, or as now believed.
    ///
    /// # Runtime
    /// A cached view is free; a new one costs about a build of the state tables.
    #[must_use]
    pub fn view(&self, req: &HttpRequest) -> Arc<Index> {
        let current = self.current();
        let Some(KnownAt(t)) = req.extensions().get::<KnownAt>().copied() else {
            return current;
        };
        // Every instant between two changes of knowledge shows the same map: key the view by the
        // last change at or before `t`.
        let (mut basis, mut latest) = (None::<Instant>, None::<Instant>);
        for u in current
            .states
            .iter()
            .chain(current.past.iter())
            .flat_map(|s| [Some(s.recorded_at), s.superseded_at])
            .flatten()
        {
            latest = latest.max(Some(u));
            if u <= t {
                basis = basis.max(Some(u));
            }
        }
        if basis.is_some() && basis == latest {
            return current;
        }
        let basis = basis.unwrap_or(Instant(i64::MIN));
        let key = (current.revision, basis.0);
        let mut views = self.views.lock().expect("the view cache is not poisoned");
        if let Some(view) = views.get(&key) {
            return view.clone();
        }
        drop(views);
        let view = Arc::new(current.known_at(basis));
        self.views
            .lock()
            .expect("the view cache is not poisoned")
            .put(key, view.clone());
        view
    }
}

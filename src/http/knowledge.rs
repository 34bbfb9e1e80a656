//! `known_at=T` on every read: the answer the server would have given at T. A middleware takes
//! the parameter off the query (so each handler's own parameters stay strict) and leaves the
//! instant in the request; [`AppState::view`] gives the handler the index as known then.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest};
use lru::LruCache;

use super::AppState;
use crate::domain::index::Index;
use crate::domain::time::Instant;
use crate::error::AppError;

/// The parameter's name.
pub const PARAMETER: &str = "known_at";

/// How many views of earlier knowledge are kept.
pub const VIEWS_KEPT: usize = 8;

/// How many requested instants are remembered with the change of knowledge they fall after.
const BASES_KEPT: usize = 256;

/// Views of earlier knowledge, by revision and the last change of knowledge they show; and, by
/// revision and requested instant, that change (`None`: the view is the current one), so a
/// page asking many times with one `known_at` does not look through every state each time.
pub struct Views {
    views: Mutex<LruCache<(i64, i64), Arc<Index>>>,
    bases: Mutex<LruCache<(i64, i64), Option<Instant>>>,
}

impl Default for Views {
    fn default() -> Self {
        fn kept<V>(n: usize) -> LruCache<(i64, i64), V> {
            LruCache::new(NonZeroUsize::new(n).expect("non-zero"))
        }
        Self {
            views: Mutex::new(kept(VIEWS_KEPT)),
            bases: Mutex::new(kept(BASES_KEPT)),
        }
    }
}

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
        let asked = (current.revision, t.0);
        let known = self
            .views
            .bases
            .lock()
            .expect("not poisoned")
            .get(&asked)
            .copied();
        let basis = known.unwrap_or_else(|| {
            let basis = current.knowledge_basis(t);
            self.views
                .bases
                .lock()
                .expect("not poisoned")
                .put(asked, basis);
            basis
        });
        let Some(basis) = basis else {
            return current;
        };
        let key = (current.revision, basis.0);
        if let Some(view) = self.views.views.lock().expect("not poisoned").get(&key) {
            return view.clone();
        }
        let view = Arc::new(current.known_at(basis));
        self.views
            .views
            .lock()
            .expect("not poisoned")
            .put(key, view.clone());
        view
    }
}

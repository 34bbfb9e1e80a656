//! The access log: every server error, and one in N other requests (`--access-log-sample`), so
//! a flood of requests cannot fill the disk with log lines. Each line has the method, path and
//! query, status, body size when known, and time taken.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::{BodySize, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};

/// Log one in this many requests that are not server errors (0: none).
#[derive(Debug, Clone, Copy)]
pub struct Sample(pub u64);

static SEEN: AtomicU64 = AtomicU64::new(0);

/// The middleware (`middleware::from_fn(log)`).
///
/// # Errors
/// Whatever the wrapped service returns.
pub async fn log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let every = req.app_data::<web::Data<Sample>>().map_or(1, |s| s.0);
    let line = format!(
        "{} {}{}",
        req.method(),
        req.path(),
        if req.query_string().is_empty() {
            String::new()
        } else {
            format!("?{}", req.query_string())
        }
    );
    let start = Instant::now();
    let res = next.call(req).await?;
    let status = res.status();
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    let size = match res.response().body().size() {
        BodySize::Sized(n) => n.to_string(),
        _ => "-".to_owned(),
    };
    if status.is_server_error() {
        tracing::error!(target: "frontline::http", "{line} {} {size} {ms:.1}ms", status.as_u16());
    } else if every > 0 && SEEN.fetch_add(1, Ordering::Relaxed).is_multiple_of(every) {
        tracing::info!(target: "frontline::http", "{line} {} {size} {ms:.1}ms", status.as_u16());
    }
    Ok(res)
}

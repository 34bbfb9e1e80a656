//! Deterministic JSON responses with a strong ETag, honouring `If-None-Match`.

use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";

/// Serialises `body` and answers 200 with an ETag derived from its bytes, or 304 when the client
/// already has them.
pub fn json(req: &HttpRequest, content_type: &str, body: &impl Serialize) -> HttpResponse {
    let bytes = serde_json::to_vec(body).expect("response views serialise");
    let digest = Sha256::digest(&bytes);
    let tag = EntityTag::new_strong(digest[..12].iter().map(|b| format!("{b:02x}")).collect());
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(items)) => items.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(tag))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Encoding"));
    if fresh {
        response.finish()
    } else {
        response.content_type(content_type).body(bytes)
    }
}

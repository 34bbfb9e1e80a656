//! Deterministic JSON responses with a strong ETag, honouring `If-None-Match`.

use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use serde::Serialize;

pub const JSON: &str = "application/json";
pub const GEOJSON: &str = "application/geo+json";

/// Serialises `body` and answers 200 with an ETag derived from its bytes, or 304 when the client
/// already has them.
pub fn json(req: &HttpRequest, content_type: &str, body: &impl Serialize) -> HttpResponse {
    bytes(
        req,
        content_type,
        serde_json::to_vec(body).expect("response views serialise"),
    )
}

/// The strong ETag of a body: its xxh3 digest, which hashes at memory speed (a 20 MB snapshot
/// costs milliseconds, not tens of them).
#[must_use]
pub fn etag_of(bytes: &[u8]) -> EntityTag {
    EntityTag::new_strong(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes)))
}

/// Whether the client already has the body tagged `tag` (`If-None-Match`).
#[must_use]
pub fn is_fresh(req: &HttpRequest, tag: &EntityTag) -> bool {
    match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(items)) => items.iter().any(|t| t.weak_eq(tag)),
        None => false,
    }
}

/// Like [`json`], for a body already serialised.
pub fn bytes(req: &HttpRequest, content_type: &str, bytes: Vec<u8>) -> HttpResponse {
    let tag = etag_of(&bytes);
    let fresh = is_fresh(req, &tag);
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

//! Report maps of Mosul on 3 June 2017: what the images show, checked against the index, and the
//! formats (`images`); the bad requests, the defaults and the CLI (`requests`).

mod events;
mod images;
mod requests;

use std::sync::OnceLock;

use actix_web::test as atest;
use frontline::domain::index::Index;
use frontline::domain::time::Instant;
use tempfile::TempDir;

use crate::helpers::{index_of, mosul_dir};

pub fn index() -> &'static Index {
    static INDEX: OnceLock<(TempDir, Index)> = OnceLock::new();
    &INDEX.get_or_init(|| index_of(&mosul_dir())).1
}

pub fn day(s: &str) -> Instant {
    s.parse().unwrap()
}

/// GET `uri`; the status, the content type, the ETag and the body.
pub async fn get(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    uri: &str,
) -> (u16, String, String, Vec<u8>) {
    let resp = atest::call_service(app, atest::TestRequest::get().uri(uri).to_request()).await;
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (status, content_type, etag) = (
        resp.status().as_u16(),
        header("content-type"),
        header("etag"),
    );
    (
        status,
        content_type,
        etag,
        atest::read_body(resp).await.to_vec(),
    )
}

pub fn rgb(hex: &str) -> [u8; 3] {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [c(1), c(3), c(5)]
}

pub fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 2)
}

//! The web map's start-up reads are made and compressed once per revision and sent in the
//! encoding each client accepts: through the real server (and its compressing middleware) each
//! encoding decodes to the same bytes under one ETag, a client that has them gets a 304, an
//! edit brings new bytes, and the map as known before the edit still gets the old ones.

use std::io::Read;

use serde_json::json;

use crate::editing::post_state;
use crate::writes::{Answer, Served, bearer, get, send, serve_small};

const READS: [&str; 6] = [
    "/api/districts.bin",
    "/api/districts?geometry=none",
    "/api/regions",
    "/api/states.bin",
    "/api/borders.bin",
    "/api/blocks.bin",
];

fn fetch(s: &Served, path: &str, headers: &[&str]) -> Answer {
    let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    send(s.port, "GET", path, &headers, None)
}

/// The body of `a`, decoded as its Content-Encoding says.
fn decoded(a: &Answer) -> Vec<u8> {
    let mut out = Vec::new();
    match a.header("content-encoding").as_deref() {
        Some("br") => {
            brotli::Decompressor::new(a.body.as_slice(), 1 << 16)
                .read_to_end(&mut out)
                .unwrap();
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(a.body.as_slice())
                .read_to_end(&mut out)
                .unwrap();
        }
        None => out.clone_from(&a.body),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    out
}

#[test]
fn each_start_up_read_comes_in_the_encoding_asked_for_with_one_etag() {
    let s = serve_small();
    for path in READS {
        let plain = fetch(&s, path, &[]);
        assert_eq!(plain.status, 200, "{path}");
        assert_eq!(
            plain.header("content-encoding"),
            None,
            "{path}: none asked for"
        );
        assert!(!plain.body.is_empty());
        let tag = plain.header("etag").unwrap();
        for (asked, sent) in [
            ("Accept-Encoding: gzip, deflate, br, zstd", "br"),
            ("Accept-Encoding: gzip", "gzip"),
            ("Accept-Encoding: br;q=0, gzip", "gzip"),
        ] {
            let a = fetch(&s, path, &[asked]);
            assert_eq!(a.status, 200);
            assert_eq!(
                a.header("content-encoding").as_deref(),
                Some(sent),
                "{path} {asked}"
            );
            assert_eq!(decoded(&a), plain.body, "{path} {asked}: the same bytes");
            assert_eq!(a.header("etag").as_ref(), Some(&tag));
            assert!(a.header("vary").unwrap().contains("accept-encoding"));
        }
        let again = fetch(
            &s,
            path,
            &[&format!("If-None-Match: {tag}"), "Accept-Encoding: br"],
        );
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
    }
}

#[test]
fn an_edit_brings_new_bytes_and_the_map_as_known_before_keeps_the_old() {
    let s = serve_small();
    let before = get(s.port, "/api/states.bin");
    let edited_at_least = chrono::Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let tag = send(s.port, "GET", "/api/districts/east/history", &[], None)
        .header("etag")
        .unwrap();
    let posted = post_state(
        &s,
        "east",
        &[bearer(&s.editor), format!("If-Match: {tag}")],
        &json!({
            "status": "held", "factions": ["blue"], "valid_from": "2020-03-01",
            "confidence": "confirmed", "sources": ["wire-2"], "note": "", "comment": "east went over"
        }),
    );
    assert_eq!(posted.status, 201, "{}", posted.json);
    let after = get(s.port, "/api/states.bin");
    assert_ne!(after.header("etag"), before.header("etag"));
    assert_ne!(after.body, before.body, "one more hand-over in the stream");
    let then = edited_at_least.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let old = get(s.port, &format!("/api/states.bin?known_at={then}"));
    assert_eq!(old.status, 200);
    // The same hand-overs; the header names the revision the view was made at (bytes 24–31).
    assert_eq!(old.body.len(), before.body.len());
    assert_eq!(old.body[..24], before.body[..24]);
    assert_eq!(
        old.body[32..],
        before.body[32..],
        "the stream as known before the edit"
    );
}

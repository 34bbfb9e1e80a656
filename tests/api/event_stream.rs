//! `/api/events.bin` decoded by its documented byte layout must say what `/api/events` says for
//! the same parameters: on Mosul's events, month by month, with filters and as known earlier, and
//! on a generated data set of thousands of events.

use actix_web::test;
use frontline::dataset;
use frontline::domain::synth;
use serde_json::Value;
use tempfile::TempDir;

use crate::helpers::{app, get_json, index_of, mosul_dir};

/// One decoded event, as the JSON writes it.
#[derive(Debug, PartialEq)]
struct Dot {
    id: String,
    lon: f64,
    lat: f64,
    kind: String,
    grade: String,
    responsible: Option<String>,
    date_start: String,
    date_end: String,
    largest: Option<u64>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
}
fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}
fn i32_at(b: &[u8], at: usize) -> i64 {
    i64::from(i32::from_le_bytes(b[at..at + 4].try_into().unwrap()))
}
fn f64_at(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

fn day(days: i64) -> String {
    frontline::domain::time::Instant(days * 86_400_000).date_string()
}

/// The events of a stream, by the README's layout; panics on any byte out of place.
fn decode(b: &[u8]) -> Vec<Dot> {
    assert_eq!(&b[..4], b"FLEV");
    assert_eq!(u16_at(b, 4), 1, "version");
    let (n, id_bytes) = (u32_at(b, 8), u32_at(b, 12));
    let mut at = 16;
    let mut lists = Vec::new();
    for _ in 0..3 {
        let count = u16_at(b, at);
        at += 2;
        let mut names = Vec::new();
        for _ in 0..count {
            let len = usize::from(b[at]);
            names.push(
                std::str::from_utf8(&b[at + 1..at + 1 + len])
                    .unwrap()
                    .to_owned(),
            );
            at += 1 + len;
        }
        lists.push(names);
    }
    assert!(
        b[at..at.div_ceil(8) * 8].iter().all(|&z| z == 0),
        "zero padding"
    );
    at = at.div_ceil(8) * 8;
    let col = |k: usize, width: usize| at + k * width;
    let (lon, lat, largest) = (col(0, 8 * n), col(1, 8 * n), col(2, 8 * n));
    let (first, last, id_end) = (
        24 * n + col(0, 4 * n),
        24 * n + col(1, 4 * n),
        24 * n + col(2, 4 * n),
    );
    let responsible = 36 * n + at;
    let (kind, grade, ids) = (38 * n + at, 39 * n + at, 40 * n + at);
    assert_eq!(b.len(), ids + id_bytes, "the ids end the stream");
    (0..n)
        .map(|i| {
            let start = if i == 0 {
                0
            } else {
                u32_at(b, id_end + 4 * (i - 1))
            };
            let end = u32_at(b, id_end + 4 * i);
            let figure = f64_at(b, largest + 8 * i);
            let side = usize::from(u16_at(b, responsible + 2 * i));
            Dot {
                id: std::str::from_utf8(&b[ids + start..ids + end])
                    .unwrap()
                    .to_owned(),
                lon: f64_at(b, lon + 8 * i),
                lat: f64_at(b, lat + 8 * i),
                kind: lists[0][usize::from(b[kind + i])].clone(),
                grade: lists[1][usize::from(b[grade + i])].clone(),
                responsible: (side > 0).then(|| lists[2][side - 1].clone()),
                date_start: day(i32_at(b, first + 4 * i)),
                date_end: day(i32_at(b, last + 4 * i)),
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a count"
                )]
                largest: (!figure.is_nan()).then_some(figure as u64),
            }
        })
        .collect()
}

/// The same events as `/api/events` gives them.
fn dots_of(json: &Value) -> Vec<Dot> {
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    json["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            let c = &f["geometry"]["coordinates"];
            Dot {
                id: text(&f["id"]),
                lon: c[0].as_f64().unwrap(),
                lat: c[1].as_f64().unwrap(),
                kind: text(&p["kind"]),
                grade: text(&p["grade"]),
                responsible: p["responsible"].as_str().map(str::to_owned),
                date_start: text(&p["date_start"]),
                date_end: text(&p["date_end"]),
                largest: p["largest"].as_u64(),
            }
        })
        .collect()
}

async fn both(
    app: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
    >,
    query: &str,
) -> (Vec<Dot>, Vec<Dot>) {
    let resp = test::call_service(
        app,
        test::TestRequest::get()
            .uri(&format!("/api/events.bin?{query}"))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), 200, "{query}");
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/vnd.frontline.events"
    );
    assert!(resp.headers().contains_key("etag"));
    let bin = decode(&test::read_body(resp).await);
    let (status, _, json) = get_json(app, &format!("/api/events?{query}")).await;
    assert_eq!(status, 200, "{query}");
    (bin, dots_of(&json))
}

#[actix_web::test]
async fn mosul_month_by_month_and_filtered_the_stream_says_what_the_geojson_says() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (all, json) = both(&app, "").await;
    assert_eq!(all, json);
    assert!(all.len() >= 30, "Mosul has its events: {}", all.len());
    assert!(all.iter().any(|d| d.largest.is_some()) && all.iter().any(|d| d.largest.is_none()));
    assert!(all.iter().any(|d| d.responsible.is_none()));
    assert!(
        all.iter().any(|d| d.date_start != d.date_end),
        "multi-day events"
    );
    let mut seen = 0;
    for (y, m) in (10..=12)
        .map(|m| (2016, m))
        .chain((1..=7).map(|m| (2017, m)))
    {
        let until = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let period = format!(
            "datetime={y}-{m:02}-01T00:00:00Z/{}-{:02}-01T00:00:00Z",
            until.0, until.1
        );
        let (bin, json) = both(&app, &period).await;
        assert_eq!(bin, json, "{period}");
        seen += bin.len();
    }
    assert!(seen >= all.len(), "every event is in some month");
    for query in [
        "kind=airstrike,vbied",
        "grade=confirmed",
        "bbox=43.0,36.3,43.2,36.4&datetime=2017-03-01/2017-03-31",
        "district=zanjili",
        "known_at=2016-01-01",
    ] {
        let (bin, json) = both(&app, query).await;
        assert_eq!(bin, json, "{query}");
    }
    let (filtered, _) = both(&app, "kind=airstrike").await;
    assert!(!filtered.is_empty() && filtered.len() < all.len());
}

#[actix_web::test]
async fn thousands_of_generated_events_decode_to_what_the_geojson_says() {
    let tmp = TempDir::new().unwrap();
    let data = synth::generate(&synth::Params {
        districts: 400,
        states: 4_000,
        seed: 11,
        river_m: 0.0,
        events: 5_000,
    });
    dataset::write_dir(&data, tmp.path()).unwrap();
    let (_db, index) = index_of(tmp.path());
    let app = app(index).await;
    let (bin, json) = both(&app, "").await;
    assert_eq!(bin.len(), 5_000);
    assert_eq!(bin, json);
}

#[actix_web::test]
async fn a_bad_parameter_is_a_400_that_says_what_is_valid() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    for (query, says) in [
        ("kind=bombing", "airstrike"),
        ("datetime=March", "datetime"),
        ("properties=id", "properties"),
        ("bbox=1,2,3", "bbox"),
    ] {
        let (status, content_type, body) =
            get_json(&app, &format!("/api/events.bin?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(content_type, "application/problem+json");
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{query}: {detail}");
    }
    let (status, _, body) = get_json(&app, "/api/events.bin?district=nowhere").await;
    assert_eq!(status, 404);
    assert!(body["detail"].as_str().unwrap().contains("nowhere"));
}

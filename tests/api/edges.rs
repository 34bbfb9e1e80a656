//! The small ways a server or an import could be broken from outside: what the web root serves,
//! where links point, empty and oversized data sets, follow-on errors, and two imports at once.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use frontline::config::ServeArgs;
use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::server::Application;
use frontline::storage::Store;
use tempfile::TempDir;

use crate::helpers::{small_dir, synth_dir, write_small};

/// A raw HTTP/1.1 request; the head (lower-cased) and the body.
fn get(port: u16, path: &str, headers: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
    (head.to_lowercase(), body.to_owned())
}

fn serve(web: &Path, public_url: Option<&str>) -> (TempDir, TempDir, u16) {
    let tmp = TempDir::new().unwrap();
    let seed = small_dir();
    let args = ServeArgs {
        db: tmp.path().join("served.db").into(),
        listen: "127.0.0.1:0".parse().unwrap(),
        seed_data: seed.path().to_owned(),
        web: web.to_owned(),
        tiles: None,
        tiles_attribution: String::new(),
        reload_interval: 1.0,
        public_url: public_url.map(|u| frontline::config::parse_public_url(u).unwrap()),
        access_log_sample: 1,
        stall_timeout: 60.0,
    };
    let app = Application::build(&args).expect("the server starts");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run()));
    (tmp, seed, port)
}

#[test]
fn the_web_root_serves_the_page_and_its_scripts_and_nothing_else() {
    let web = TempDir::new().unwrap();
    let w = web.path();
    std::fs::create_dir_all(w.join("js")).unwrap();
    std::fs::create_dir_all(w.join("node_modules/maplibre-gl/dist")).unwrap();
    std::fs::create_dir_all(w.join("node_modules/other/dist")).unwrap();
    std::fs::write(w.join("index.html"), "<!doctype html><title>map</title>").unwrap();
    std::fs::write(w.join("style.css"), "body{}").unwrap();
    std::fs::write(w.join("js/app.js"), "export const a = 1;").unwrap();
    std::fs::write(w.join("package.json"), r#"{"name":"private"}"#).unwrap();
    std::fs::write(w.join("package-lock.json"), "{}").unwrap();
    std::fs::write(
        w.join("node_modules/maplibre-gl/dist/maplibre-gl.mjs"),
        "export const Map = 1;",
    )
    .unwrap();
    std::fs::write(w.join("node_modules/other/dist/other.js"), "x").unwrap();
    let (_db, _seed, port) = serve(w, None);

    for (path, marker) in [
        ("/", "<title>map"),
        ("/index.html", "<title>map"),
        ("/style.css", "body{}"),
        ("/js/app.js", "export const a"),
        ("/vendor/maplibre-gl/maplibre-gl.mjs", "export const Map"),
    ] {
        let (head, body) = get(port, path, "");
        assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
        assert!(body.contains(marker), "{path}: {body}");
    }
    for path in [
        "/package.json",
        "/package-lock.json",
        "/node_modules/maplibre-gl/dist/maplibre-gl.mjs",
        "/vendor/other/dist/other.js",
        "/js/missing.js",
        "/js/../package.json",
        "/nothing-here.png",
    ] {
        let (head, body) = get(port, path, "");
        assert!(head.starts_with("http/1.1 404"), "{path} is served: {head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{path}: {head}"
        );
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(problem["status"], 404, "{path}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("the web map is at /"),
            "the error says what is served: {problem}"
        );
    }
}

#[test]
fn ogc_links_use_the_public_url_and_never_the_request_s_host_headers() {
    let no_web = Path::new("/nonexistent");
    let forged = "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: http\r\nForwarded: host=evil.example\r\n";
    let (_db, _seed, port) = serve(no_web, Some("https://maps.example.org/frontline/"));
    let (_, body) = get(port, "/ogc/collections/control/items?limit=1", forged);
    let items: serde_json::Value = serde_json::from_str(&body).unwrap();
    let links = items["links"].as_array().unwrap();
    assert!(links.len() >= 2, "{items}");
    for link in links {
        let href = link["href"].as_str().unwrap();
        assert!(
            href.starts_with("https://maps.example.org/frontline/ogc/"),
            "{href}"
        );
    }

    // Without a public URL, links name the address the server listens on.
    let (_db2, _seed2, port2) = serve(no_web, None);
    let (_, body) = get(port2, "/ogc", forged);
    assert!(!body.contains("evil.example"), "{body}");
    assert!(
        body.contains(&format!("http://127.0.0.1:{port2}/ogc")),
        "{body}"
    );
}

#[test]
fn a_public_url_that_is_not_an_http_url_is_refused_with_what_is_valid() {
    for bad in ["maps.example.org", "ftp://x.org", "https://x.org/?a=1", ""] {
        let e = frontline::config::parse_public_url(bad).unwrap_err();
        assert!(e.contains("http"), "{bad}: {e}");
    }
}

#[test]
fn an_empty_data_set_is_refused_and_a_stored_one_is_never_re_seeded() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("factions.csv"), "id,name,color\n").unwrap();
    std::fs::write(
        dir.path().join("sources.csv"),
        "id,title,publisher,published,url\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("districts.geojson"),
        r#"{"type":"FeatureCollection","features":[]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("control.csv"),
        "district,status,factions,valid_from,valid_to,confidence,sources,note\n",
    )
    .unwrap();
    let e = dataset::read_dir(dir.path()).unwrap_err().to_string();
    assert!(e.contains("no districts"), "{e}");
    assert!(e.contains("no factions"), "{e}");

    // A database holding a data set keeps it when a server starts with other seed data.
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("f.db");
    let small = dataset::read_dir(small_dir().path()).unwrap();
    Store::open(&db)
        .unwrap()
        .import(&small, Instant::from_ymd(2024, 1, 1))
        .unwrap();
    let other = synth_dir(20, 40, 3);
    let index = frontline::server::open_index(&(&db).into(), Some(other.path())).unwrap();
    assert_eq!(index.districts_in(None).len(), small.districts.len());
}

#[test]
fn a_broken_file_gives_one_error_with_line_and_column_and_no_follow_on_errors() {
    let dir = small_dir();
    let path = dir.path().join("districts.geojson");
    let text = std::fs::read_to_string(&path).unwrap();
    // Break the second line (the first feature) with a missing comma.
    std::fs::write(
        &path,
        text.replacen(r#""name":"West","#, r#""name":"West" "#, 1),
    )
    .unwrap();
    let issues = dataset::read_dir(dir.path()).unwrap_err().0;
    // One problem, and one line saying the checks across files wait for it: no follow-on
    // errors about states of districts that could not be read.
    assert_eq!(issues.len(), 2, "{issues:#?}");
    assert_eq!(issues[1].file, "data set", "{issues:#?}");
    assert!(
        issues[1]
            .message
            .contains("once districts.geojson can be read")
    );
    let message = issues[0].to_string();
    assert!(message.contains("districts.geojson"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("column"), "{message}");
}

#[test]
fn oversized_fields_are_refused_with_the_limit_named() {
    let dir = small_dir();
    let control = dir.path().join("control.csv");
    let mut text = std::fs::read_to_string(&control).unwrap();
    text = text.replacen("street fighting", &"x".repeat(50_000_000), 1);
    std::fs::write(&control, text).unwrap();
    let districts = dir.path().join("districts.geojson");
    let geo = std::fs::read_to_string(&districts).unwrap();
    let big = format!(r#""kind":"{}""#, "y".repeat(200_000));
    std::fs::write(&districts, geo.replacen(r#""kind":"test""#, &big, 1)).unwrap();

    let e = dataset::read_dir(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("control.csv line 4"),
        "{}",
        &e[..e.len().min(2000)]
    );
    assert!(
        e.contains("note") && e.contains("4000"),
        "{}",
        &e[..e.len().min(2000)]
    );
    assert!(
        e.contains("properties") && e.contains("16384"),
        "{}",
        &e[..e.len().min(2000)]
    );
    assert!(e.len() < 5_000, "the message does not repeat the field");
}

#[test]
fn two_imports_at_once_both_land_one_after_the_other() {
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("f.db");
    let dir = TempDir::new().unwrap();
    write_small(dir.path());
    let small = dataset::read_dir(dir.path()).unwrap();
    let big = dataset::read_dir(synth_dir(2_000, 40_000, 9).path()).unwrap();
    Store::open(&db)
        .unwrap()
        .import(&small, Instant::from_ymd(2024, 1, 1))
        .unwrap();
    let results: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = [&big, &small, &big]
            .into_iter()
            .map(|data| {
                let db = db.clone();
                s.spawn(move || {
                    Store::open(&db)
                        .and_then(|mut st| st.import(data, Instant::from_ymd(2024, 2, 1)))
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    for r in &results {
        assert!(r.is_ok(), "an import failed: {r:?}");
    }
    let loaded = Store::open(&db).unwrap().load().unwrap();
    assert_eq!(loaded.revision, 4);
    assert!(
        loaded.dataset.states.len() == small.states.len()
            || loaded.dataset.states.len() == big.states.len()
    );
}

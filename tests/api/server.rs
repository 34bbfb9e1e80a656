//! The whole server over real sockets: seeding a new database, compression, and picking up an
//! import made by another process while it runs.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant as Clock};

use frontline::config::ServeArgs;
use frontline::server::Application;
use tempfile::TempDir;

use crate::helpers::{small_dir, synth_dir};

/// A raw HTTP/1.1 GET; returns the head (lower-cased) and the body bytes.
fn get(port: u16, path: &str, headers: &str) -> (String, Vec<u8>) {
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
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    (
        String::from_utf8_lossy(&raw[..split]).to_lowercase(),
        raw[split + 4..].to_vec(),
    )
}

fn args(db: &std::path::Path, seed: &std::path::Path) -> ServeArgs {
    ServeArgs {
        db: db.to_owned(),
        listen: "127.0.0.1:0".parse().unwrap(),
        seed_data: seed.to_owned(),
        web: "/nonexistent".into(),
        tiles: None,
        tiles_attribution: String::new(),
        reload_interval: 0.2,
    }
}

#[test]
fn a_new_server_seeds_its_database_compresses_and_reloads_after_an_import() {
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("served.db");
    let seed = small_dir();
    let app = Application::build(&args(&db, seed.path())).expect("the server starts");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run()));

    let (head, body) = get(port, "/api/meta", "");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    let meta: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(meta["districts"], 3, "seeded from the seed directory");
    assert_eq!(meta["revision"], 1);

    let (head, _) = get(
        port,
        "/api/snapshot?at=2020-01-28",
        "Accept-Encoding: gzip\r\n",
    );
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let (head, _) = get(
        port,
        "/api/snapshot?at=2020-01-28",
        "Accept-Encoding: br\r\n",
    );
    assert!(head.contains("content-encoding: br"), "{head}");

    // Another process imports a different data set into the same database.
    let other = synth_dir(40, 200, 5);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .arg("import")
        .arg(other.path())
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let deadline = Clock::now() + Duration::from_secs(10);
    loop {
        let meta: serde_json::Value =
            serde_json::from_slice(&get(port, "/api/meta", "").1).unwrap();
        if meta["revision"] == 2 {
            assert_eq!(meta["districts"], 40);
            break;
        }
        assert!(
            Clock::now() < deadline,
            "the server did not pick up the import: {meta}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_server_whose_seed_data_is_missing_says_so() {
    let tmp = TempDir::new().unwrap();
    let err = Application::build(&args(&tmp.path().join("x.db"), &tmp.path().join("missing")))
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("cannot seed the new database") && text.contains("factions.csv"),
        "{text}"
    );
}

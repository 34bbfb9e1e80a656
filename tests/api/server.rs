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
        db: db.into(),
        listen: "127.0.0.1:0".parse().unwrap(),
        seed_data: seed.to_owned(),
        web: "/nonexistent".into(),
        tiles: None,
        tiles_attribution: String::new(),
        reload_interval: 0.2,
        public_url: None,
        access_log_sample: 1,
        stall_timeout: 60.0,
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

/// A raw HTTP/1.1 request of any method; returns the head (lower-cased) and the body bytes.
fn request(port: u16, method: &str, path: &str, headers: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
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

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .map(str::trim)
}

#[test]
fn exports_open_as_remote_layers_with_head_byte_ranges_and_cors() {
    let seed = small_dir();
    let (_tmp, port) = crate::helpers::serve(seed.path());
    let (head, whole) = request(port, "GET", "/api/export/gpkg", "");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert_eq!(&whole[..16], b"SQLite format 3\0");
    assert_eq!(header(&head, "accept-ranges"), Some("bytes"), "{head}");

    // HEAD answers with the length and no body, on exports and on every other read.
    let (head, body) = request(port, "HEAD", "/api/export/gpkg", "");
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(body.is_empty());
    let length = whole.len().to_string();
    assert_eq!(
        header(&head, "content-length"),
        Some(length.as_str()),
        "{head}"
    );
    for path in [
        "/api/meta",
        "/api/snapshot?at=2024-03-01",
        "/api/export/csv",
        "/ogc/collections",
    ] {
        let (head, body) = request(port, "HEAD", path, "");
        assert!(head.starts_with("http/1.1 200"), "HEAD {path}: {head}");
        assert!(body.is_empty(), "HEAD {path}");
    }

    // A byte range is a 206 with exactly those bytes, uncompressed.
    let (head, part) = request(
        port,
        "GET",
        "/api/export/gpkg",
        "Range: bytes=100-1123\r\nAccept-Encoding: gzip, br\r\n",
    );
    assert!(head.starts_with("http/1.1 206"), "{head}");
    assert_eq!(part, whole[100..1124]);
    assert!(
        header(&head, "content-range")
            .unwrap()
            .starts_with("bytes 100-1123/")
    );

    // A browser tool on another origin may read the snapshot and the exports.
    for path in [
        "/api/snapshot?at=2024-03-01",
        "/api/export/gpkg",
        "/ogc/collections",
    ] {
        let (head, _) = request(port, "GET", path, "Origin: https://kepler.gl\r\n");
        let allowed = header(&head, "access-control-allow-origin");
        assert!(
            matches!(allowed, Some("*" | "https://kepler.gl")),
            "{path}: {head}"
        );
        let exposed = header(&head, "access-control-expose-headers").unwrap_or_default();
        assert!(exposed.contains("etag"), "{path}: {head}");
    }
    let (head, _) = request(
        port,
        "OPTIONS",
        "/api/export/gpkg",
        "Origin: https://kepler.gl\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range\r\n",
    );
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(
        header(&head, "access-control-allow-headers")
            .unwrap_or_default()
            .contains("range"),
        "{head}"
    );
}

/// The server's end of a connection sends each piece of a response at once (`TCP_NODELAY`). With
/// Nagle's algorithm the last piece of a response waited for the client's delayed ACK of the one
/// before, up to 40 ms on every request of a reused keep-alive connection. The option is read
/// from the server's own socket, found among this process's descriptors by its two addresses.
#[cfg(target_os = "linux")]
#[test]
fn the_server_sends_without_waiting_for_acks() {
    use std::os::fd::BorrowedFd;

    let tmp = TempDir::new().unwrap();
    let seed = small_dir();
    let app = Application::build(&args(&tmp.path().join("served.db"), seed.path()))
        .expect("the server starts");
    let port = app.port();
    std::thread::spawn(move || actix_web::rt::System::new().block_on(app.run()));

    // A keep-alive request, answered in full, so the server has accepted the connection.
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(client, "GET /api/meta HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    client.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let (ours, theirs) = (client.local_addr().unwrap(), client.peer_addr().unwrap());

    let mut found = None;
    for entry in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if !std::fs::read_link(entry.path())
            .is_ok_and(|l| l.to_string_lossy().starts_with("socket:"))
        {
            continue;
        }
        // SAFETY: the descriptor was listed open just now and is only borrowed for the calls
        // below; a descriptor closed and reused meanwhile fails the address check.
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        let sock = socket2::SockRef::from(&borrowed);
        let addrs = (sock.local_addr(), sock.peer_addr());
        if let (Ok(local), Ok(peer)) = addrs
            && local.as_socket() == Some(theirs)
            && peer.as_socket() == Some(ours)
        {
            found = Some(sock.tcp_nodelay().unwrap());
        }
    }
    assert_eq!(
        found,
        Some(true),
        "the server's end of the connection {ours} → {theirs} has TCP_NODELAY"
    );
}

//! A raw HTTP/1.1 client for write tests, and a served small data set with tokens.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, DbLocation, Role};
use serde_json::Value;
use tempfile::TempDir;

/// A response: status, head (lower-cased), the body as JSON (`Null` when empty or not JSON) and
/// as bytes.
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub json: Value,
    pub body: Vec<u8>,
}

impl Answer {
    /// A header's value, if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}: ", name.to_lowercase());
        self.head
            .lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(|v| v.trim().to_owned())
    }
}

/// Sends one request with `headers` (each `Name: value`) and `body` (JSON when given).
pub fn send(port: u16, method: &str, path: &str, headers: &[String], body: Option<&str>) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    let body = body.unwrap_or("");
    if !body.is_empty()
        && !headers
            .iter()
            .any(|h| h.to_lowercase().starts_with("content-type"))
    {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = head[9..12].parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Answer {
        status,
        head,
        json: serde_json::from_slice(&body).unwrap_or(Value::Null),
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[..line]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[line + 2..line + 2 + size]);
        raw = &raw[line + 2 + size + 2..];
    }
}

pub fn get(port: u16, path: &str) -> Answer {
    send(port, "GET", path, &[], None)
}

/// `Authorization: Bearer TOKEN`.
pub fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}

/// The small data set served from a new database, with an editor, an admin and a revoked token.
pub struct Served {
    pub _tmp: TempDir,
    pub _seed: TempDir,
    pub db: DbLocation,
    pub port: u16,
    pub editor: String,
    pub admin: String,
    pub revoked: String,
}

pub fn serve_small() -> Served {
    serve_small_every(0.2)
}

/// [`serve_small`], looking for other processes' writes every `reload_interval` seconds.
pub fn serve_small_every(reload_interval: f64) -> Served {
    serve_seeded(crate::helpers::small_dir(), reload_interval)
}

/// A server seeded from the data set in `seed`, with the tokens of [`Served`].
pub fn serve_seeded(seed: TempDir, reload_interval: f64) -> Served {
    let (tmp, db, port) = crate::helpers::serve_every(seed.path(), reload_interval);
    let mut store = AnyStore::open(&db).unwrap();
    let now = Instant(chrono::Utc::now().timestamp_millis());
    let editor = store.create_token("ed", Role::Editor, now).unwrap();
    let admin = store.create_token("boss", Role::Admin, now).unwrap();
    let revoked = store.create_token("gone", Role::Editor, now).unwrap();
    store.revoke_token("gone", now).unwrap();
    Served {
        _tmp: tmp,
        _seed: seed,
        db,
        port,
        editor,
        admin,
        revoked,
    }
}

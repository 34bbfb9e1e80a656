//! The reload watcher: another process's write is picked up, and the server's own edits are not
//! taken for one (a reload of the whole data set per edit would halve a large server's capacity).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, DbLocation};

use crate::editing::{contested_week, post_state};
use crate::helpers::serve_db;
use crate::writes::{bearer, get, send, serve_small_every};

/// What the servers of this test binary log about reloads.
fn reload_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        struct Capture(Arc<Mutex<Vec<u8>>>);
        impl Write for Capture {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let log = Arc::new(Mutex::new(Vec::new()));
        let shared = log.clone();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("frontline::server=info"))
            .with_ansi(false)
            .with_writer(move || Capture(shared.clone()))
            .try_init()
            .expect("no other test of this binary sets a subscriber");
        log
    })
    .clone()
}

/// The reloads logged for the database at `db`.
fn reloads_of(log: &Mutex<Vec<u8>>, db: &DbLocation) -> usize {
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let db = db.to_string();
    text.lines()
        .filter(|l| l.contains("reloaded the index") && l.contains(&db))
        .count()
}

#[test]
fn a_servers_own_edits_are_not_reloaded_and_another_processs_import_is() {
    let log = reload_log();
    // Looking every millisecond, as many times as there are edits: a look between an edit's
    // commit and the swap of its index would take the edit for another process's write.
    let s = serve_small_every(0.001);
    // A count, not a time: enough looks fall between commits and swaps however busy the machine.
    let edits = 300;
    for _ in 0..edits {
        let a = post_state(&s, "middle", &[bearer(&s.editor)], &contested_week());
        assert_eq!(a.status, 201, "{}", a.json);
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(reloads_of(&log, &s.db), 0, "after {edits} edits of its own");

    // Another process imports a changed data set: picked up, and said so.
    let before = get(s.port, "/api/meta").json["revision"].as_i64().unwrap();
    let mut data = dataset::read_dir(s._seed.path()).unwrap();
    data.states[0].note = "revised by the desk".into();
    let now = Instant(chrono::Utc::now().timestamp_millis());
    AnyStore::open(&s.db).unwrap().import(&data, now).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while get(s.port, "/api/meta").json["revision"].as_i64().unwrap() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the import was not picked up"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(reloads_of(&log, &s.db), 1);
}

/// What a server serves of the data set's control: every state (with its knowledge) and the
/// map on three dates.
fn control_of(port: u16) -> Vec<serde_json::Value> {
    let mut paths = vec!["/api/states".to_owned(), "/api/edits".to_owned()];
    for at in ["2020-01-05", "2020-02-12", "2020-03-01"] {
        paths.push(format!("/api/snapshot?at={at}"));
    }
    for d in ["west", "middle", "east"] {
        paths.push(format!("/api/districts/{d}/history?include=superseded"));
    }
    paths
        .iter()
        .map(|p| {
            let a = get(port, p);
            assert_eq!(a.status, 200, "{p}: {}", a.json);
            a.json
        })
        .collect()
}

#[test]
fn another_servers_edits_of_control_are_applied_as_changes_and_equal_a_whole_load() {
    let log = reload_log();
    let a = serve_small_every(2.0);
    let b = serve_db(&a.db, a._seed.path(), 0.05);
    let revision = |port| get(port, "/api/meta").json["revision"].as_i64().unwrap();
    let until_has = |port: u16, want: i64| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while revision(port) != want {
            assert!(
                std::time::Instant::now() < deadline,
                "the server on {port} never reached revision {want}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    let until_b_has = |want: i64| until_has(b, want);
    // Records in two districts, a state withdrawn: each a change of control through A.
    let mut west = contested_week();
    west["valid_from"] = serde_json::json!("2020-01-20");
    west["valid_to"] = serde_json::json!("2020-03-01");
    for (district, body) in [("middle", contested_week()), ("west", west)] {
        let r = post_state(&a, district, &[bearer(&a.editor)], &body);
        assert_eq!(r.status, 201, "{}", r.json);
    }
    let r = send(
        a.port,
        "DELETE",
        "/api/states/east@2020-01-01?comment=withdrawn",
        &[bearer(&a.editor)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.json);
    until_b_has(revision(a.port));
    assert_eq!(
        control_of(b),
        control_of(a.port),
        "B's changes equal A's index"
    );
    // And both equal a server that loads the store whole.
    let c = serve_db(&a.db, a._seed.path(), 2.0);
    assert_eq!(control_of(b), control_of(c));
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    let db = a.db.to_string();
    let applied = text
        .lines()
        .filter(|l| {
            l.contains("applied the states other servers' edits changed") && l.contains(&db)
        })
        .count();
    assert!(applied >= 1, "B applied the changes: {text}");
    assert_eq!(reloads_of(&log, &a.db), 0, "and loaded nothing whole");

    // A new source is more than control: B (and C, woken at once on PostgreSQL) load the store
    // whole, and serve it.
    let source = serde_json::json!({
        "id": "un-3", "title": "Flash update", "publisher": "UN OCHA", "published": "2020-02-12",
        "url": "https://example.org/un-3", "kind": "un", "comment": "new report"
    });
    let r = send(
        a.port,
        "POST",
        "/api/sources",
        &[bearer(&a.editor)],
        Some(&source.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.json);
    until_b_has(revision(a.port));
    assert!(reloads_of(&log, &a.db) >= 1);
    assert!(get(b, "/api/sources").json.to_string().contains("un-3"));

    // A knows its own new source's edit: the next change of control, made through B, is applied
    // by A (and C) as a change, not by loading the store whole.
    until_has(c, revision(a.port));
    std::thread::sleep(Duration::from_millis(100));
    let whole = reloads_of(&log, &a.db);
    let mut east = contested_week();
    east["valid_from"] = serde_json::json!("2020-02-20");
    east["valid_to"] = serde_json::json!("2020-02-24");
    let r = send(
        b,
        "POST",
        "/api/districts/east/states",
        &[bearer(&a.editor)],
        Some(&east.to_string()),
    );
    assert_eq!(r.status, 201, "{}", r.json);
    until_has(a.port, revision(b));
    until_has(c, revision(b));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        reloads_of(&log, &a.db),
        whole,
        "A and C applied B's edit as a change"
    );
    assert_eq!(control_of(a.port), control_of(b));
}

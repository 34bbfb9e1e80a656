//! The reload watcher: another process's write is picked up, and the server's own edits are not
//! taken for one (a reload of the whole data set per edit would halve a large server's capacity).

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, DbLocation};

use crate::editing::{contested_week, post_state};
use crate::writes::{bearer, get, serve_small_every};

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
    let start = std::time::Instant::now();
    let mut edits = 0;
    while start.elapsed() < Duration::from_secs(2) {
        let a = post_state(&s, "middle", &[bearer(&s.editor)], &contested_week());
        assert_eq!(a.status, 201, "{}", a.json);
        edits += 1;
    }
    assert!(edits > 200, "only {edits} edits in 2 s");
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

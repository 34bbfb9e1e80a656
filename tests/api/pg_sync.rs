//! PostgreSQL only: several servers on one database stay in sync, GIS tools read the tables, and
//! the documented "map at a date" query agrees with `/api/snapshot`. Skipped, saying so, when
//! `FRONTLINE_TEST_PG` is unset (`scripts/test-pg` sets it).

use std::time::{Duration, Instant as Clock};

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, DbLocation, Role};
use serde_json::Value;

use crate::editing::{contested_week, post_state};
use crate::helpers::{fresh_pg, pg_template, serve_db, small_dir};
use crate::writes::{Served, bearer, get};

/// A fresh PostgreSQL database holding the small data set and an editor token; `None` (after
/// saying why) without a test cluster.
fn seeded(test: &str) -> Option<(DbLocation, tempfile::TempDir, String)> {
    let Some(template) = pg_template() else {
        eprintln!("{test}: skipped: FRONTLINE_TEST_PG is unset (scripts/test-pg sets it)");
        return None;
    };
    let db = fresh_pg(&template);
    let seed = small_dir();
    let mut store = AnyStore::open(&db).unwrap();
    let data = dataset::read_dir(seed.path()).unwrap();
    store.import(&data, Instant::from_ymd(2024, 1, 1)).unwrap();
    let editor = store
        .create_token("ed", Role::Editor, Instant::from_ymd(2024, 1, 1))
        .unwrap();
    Some((db, seed, editor))
}

/// A server on `port` over `db`, as the write helpers take it.
fn served(db: &DbLocation, editor: &str, port: u16) -> Served {
    Served {
        _tmp: tempfile::TempDir::new().unwrap(),
        _seed: small_dir(),
        db: db.clone(),
        port,
        editor: editor.to_owned(),
        admin: String::new(),
        revoked: String::new(),
    }
}

fn history(port: u16) -> Value {
    get(port, "/api/districts/middle/history").json
}

/// Waits until server `port` serves `want` as middle's history; how long it took.
fn until_served(port: u16, want: &Value, limit: Duration) -> Duration {
    let start = Clock::now();
    while history(port) != *want {
        assert!(
            start.elapsed() < limit,
            "not served by :{port} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    start.elapsed()
}

#[test]
fn pg_an_edit_through_one_server_is_served_by_the_other_within_a_second() {
    let Some((db, seed, editor)) = seeded("pg_an_edit_through_one_server") else {
        return;
    };
    let a = serve_db(&db, seed.path(), 2.0);
    let b = serve_db(&db, seed.path(), 2.0);
    let sa = served(&db, &editor, a);
    for round in 0..3 {
        let posted = post_state(&sa, "middle", &[bearer(&editor)], &contested_week());
        assert_eq!(posted.status, 201, "round {round}: {}", posted.json);
        let want = history(a);
        let lag = until_served(b, &want, Duration::from_secs(1));
        eprintln!("round {round}: served by the other server after {lag:?}");
    }
    // If-Match across servers: a tag read from B before A's edit is refused by B afterwards.
    let tag = crate::writes::send(b, "GET", "/api/districts/middle/history", &[], None)
        .header("etag")
        .unwrap();
    let sb = served(&db, &editor, b);
    assert_eq!(
        post_state(&sa, "middle", &[bearer(&editor)], &contested_week()).status,
        201
    );
    let stale = post_state(
        &sb,
        "middle",
        &[bearer(&editor), format!("If-Match: {tag}")],
        &contested_week(),
    );
    assert_eq!(stale.status, 412, "{}", stale.json);
}

#[test]
fn pg_killing_one_server_does_not_disturb_the_other() {
    let Some((db, seed, editor)) = seeded("pg_killing_one_server") else {
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let DbLocation::Postgres(url) = &db else {
        unreachable!()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["serve", "--web", "/nonexistent", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--db")
        .arg(url.as_secret_str())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let start = Clock::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "no server");
        std::thread::sleep(Duration::from_millis(20));
    }
    let b = serve_db(&db, seed.path(), 2.0);
    child.kill().unwrap();
    child.wait().unwrap();
    let sb = served(&db, &editor, b);
    let posted = post_state(&sb, "middle", &[bearer(&editor)], &contested_week());
    assert_eq!(posted.status, 201, "{}", posted.json);
    assert_eq!(get(b, "/api/meta").status, 200);
}

/// `FRONTLINE_TEST_PG_CTL ARGS`: stops or starts the test cluster.
fn pg_ctl(action: &str) {
    let ctl = std::env::var("FRONTLINE_TEST_PG_CTL").expect("scripts/test-pg sets it");
    let mode = if action == "stop" { " -m fast" } else { "" };
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{ctl} {action}{mode} >/dev/null"))
        .status()
        .unwrap();
    assert!(status.success(), "pg_ctl {action}");
}

#[test]
fn pg_outage_writes_fail_with_503_while_the_database_is_down_and_both_servers_recover() {
    let Some((db, seed, editor)) = seeded("pg_outage") else {
        return;
    };
    if std::env::var("FRONTLINE_TEST_PG_CTL").is_err() {
        eprintln!("pg_outage: skipped: FRONTLINE_TEST_PG_CTL is unset");
        return;
    }
    let a = serve_db(&db, seed.path(), 2.0);
    let b = serve_db(&db, seed.path(), 2.0);
    let (sa, sb) = (served(&db, &editor, a), served(&db, &editor, b));
    pg_ctl("stop");
    let down = post_state(&sa, "middle", &[bearer(&editor)], &contested_week());
    assert_eq!(down.status, 503, "{}", down.json);
    assert!(
        down.head.contains("application/problem+json"),
        "{}",
        down.head
    );
    assert!(
        down.json["detail"]
            .as_str()
            .unwrap()
            .contains("database cannot be reached"),
        "{}",
        down.json
    );
    assert_eq!(
        get(b, "/api/meta").status,
        200,
        "reads are served from memory"
    );
    pg_ctl("start");
    // Both recover without a restart: a write through each is accepted and served by the other.
    for (from, to) in [(&sa, b), (&sb, a)] {
        let start = Clock::now();
        loop {
            let w = post_state(from, "middle", &[bearer(&editor)], &contested_week());
            if w.status == 201 {
                break;
            }
            assert_eq!(w.status, 503, "{}", w.json);
            assert!(start.elapsed() < Duration::from_secs(20), "no recovery");
            std::thread::sleep(Duration::from_millis(200));
        }
        until_served(to, &history(from.port), Duration::from_secs(10));
    }
}

#[test]
fn pg_gdal_reads_the_tables_and_the_documented_query_is_the_snapshot() {
    let Some((db, seed, _)) = seeded("pg_gdal") else {
        return;
    };
    let DbLocation::Postgres(url) = &db else {
        unreachable!()
    };
    for table in ["districts", "control_states", "events"] {
        let out = std::process::Command::new("ogrinfo")
            .args(["-ro", "-so"])
            .arg(format!("PG:{}", url.conninfo()))
            .arg(table)
            .output()
            .expect("ogrinfo (gdal-bin) is installed");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{table}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(&format!("Layer name: {table}")), "{text}");
    }
    let port = serve_db(&db, seed.path(), 2.0);
    let mut client = postgres::Client::connect(url.as_secret_str(), postgres::NoTls).unwrap();
    for day in ["2020-01-10", "2020-01-28", "2020-03-01"] {
        let snap = get(port, &format!("/api/snapshot?at={day}")).json;
        let mut from_api: Vec<(String, String, Vec<String>)> = snap["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    f["id"].as_str().unwrap().to_owned(),
                    p["status"].as_str().unwrap().to_owned(),
                    p["factions"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap().to_owned())
                        .collect(),
                )
            })
            .collect();
        from_api.sort();
        let rows = client.query(MAP_AT, &[&day]).unwrap();
        let from_sql: Vec<(String, String, Vec<String>)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(from_sql, from_api, "{day}");
    }
}

/// The map at a date, as docs/postgres.md gives it.
const MAP_AT: &str = "
SELECT d.id, COALESCE(s.status, 'unknown') AS status, COALESCE(s.factions, '{}') AS factions
FROM districts d
LEFT JOIN control_states s
  ON s.district = d.id AND s.superseded_by IS NULL
 AND s.valid_from <= ($1::text || ' 00:00+00')::timestamptz
 AND (s.valid_to IS NULL OR s.valid_to > ($1::text || ' 00:00+00')::timestamptz)
WHERE NOT d.retired
ORDER BY d.id COLLATE \"C\"";

//! PostgreSQL only: connections are encrypted, and checked as `sslmode` asks, against the test
//! cluster's own CA (`scripts/test-pg` makes it, and `FRONTLINE_TEST_PG_TLS` names its
//! directory). Its server certificate is for 127.0.0.1 and pg.frontline.test, not localhost.

use std::path::PathBuf;

use frontline::storage::pg::PgStore;
use frontline::storage::{DbLocation, PgUrl};

use crate::helpers::{fresh_pg, pg_template, small_dir};

/// A fresh database, and the directory of the cluster's certificates; `None` (after saying
/// why) without a test cluster.
fn cluster(test: &str) -> Option<(PgUrl, PathBuf)> {
    let (Some(template), Ok(tls)) = (pg_template(), std::env::var("FRONTLINE_TEST_PG_TLS")) else {
        eprintln!("{test}: skipped: FRONTLINE_TEST_PG(_TLS) unset (scripts/test-pg sets them)");
        return None;
    };
    let DbLocation::Postgres(url) = fresh_pg(&template) else {
        unreachable!()
    };
    Some((url, PathBuf::from(tls)))
}

/// `url` with `query` appended and, when `host` is given, that host instead of 127.0.0.1.
fn with(url: &PgUrl, host: Option<&str>, query: &str) -> Result<PgUrl, String> {
    let mut s = url.as_secret_str().to_owned();
    if let Some(h) = host {
        s = s.replace("@127.0.0.1:", &format!("@{h}:"));
    }
    s.push(if s.contains('?') { '&' } else { '?' });
    s.push_str(query);
    match s.parse::<DbLocation>()? {
        DbLocation::Postgres(u) => Ok(u),
        DbLocation::Sqlite(_) => unreachable!(),
    }
}

/// What the database says of the connection (`TLSv1.3, certificate …` or `not encrypted`),
/// or why it could not be made.
fn open(url: &PgUrl) -> Result<String, String> {
    let url = url.clone();
    std::thread::spawn(move || {
        PgStore::open(&url)
            .and_then(|mut s| s.encryption())
            .map_err(|e| e.to_string())
    })
    .join()
    .unwrap()
}

#[test]
fn pg_tls_connections_are_encrypted_and_checked_as_sslmode_asks() {
    let Some((url, tls)) = cluster("pg_tls") else {
        return;
    };
    let ca = tls.join("ca.pem");
    let other = tls.join("other-ca.pem");
    let ca = ca.display();
    let other = other.display();
    // By default, as libpq: encrypted when the server can, the certificate not checked.
    let plain = open(&url).unwrap();
    assert!(
        plain.starts_with("TLSv1.3, certificate not checked"),
        "{plain}"
    );
    assert_eq!(
        open(&with(&url, None, "sslmode=disable").unwrap()).unwrap(),
        "not encrypted"
    );
    let full = format!("sslmode=verify-full&sslrootcert={ca}");
    assert_eq!(
        open(&with(&url, None, &full).unwrap()).unwrap(),
        "TLSv1.3, certificate chain and host name checked"
    );
    // The certificate is not for localhost: verify-full refuses, verify-ca accepts.
    let err = open(&with(&url, Some("localhost"), &full).unwrap()).unwrap_err();
    assert!(err.contains("not valid for name"), "{err}");
    let chain = format!("sslmode=verify-ca&sslrootcert={ca}");
    assert_eq!(
        open(&with(&url, Some("localhost"), &chain).unwrap()).unwrap(),
        "TLSv1.3, certificate chain checked"
    );
    // A root given to `require` is checked, as libpq does; another CA's root is refused.
    for mode in ["verify-ca", "require"] {
        let q = format!("sslmode={mode}&sslrootcert={other}");
        let err = open(&with(&url, None, &q).unwrap()).unwrap_err();
        assert!(err.contains("UnknownIssuer"), "{mode}: {err}");
    }
}

#[test]
fn pg_tls_a_client_certificate_logs_in_without_a_password() {
    let Some((url, tls)) = cluster("pg_tls_client") else {
        return;
    };
    let as_cert = url
        .as_secret_str()
        .replace("://frontline@", "://frontline_cert@");
    let as_cert = match as_cert.parse::<DbLocation>().unwrap() {
        DbLocation::Postgres(u) => u,
        DbLocation::Sqlite(_) => unreachable!(),
    };
    let err = open(&as_cert).unwrap_err();
    assert!(err.contains("frontline_cert"), "{err}");
    let q = format!(
        "sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
        tls.join("ca.pem").display(),
        tls.join("client.pem").display(),
        tls.join("client.key").display()
    );
    let with_cert = with(&as_cert, None, &q).unwrap();
    assert_eq!(
        open(&with_cert).unwrap(),
        "TLSv1.3, certificate chain and host name checked"
    );
    // The whole command line over it: import, then the log says how the connection is made.
    let seed = small_dir();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["import", "--db", with_cert.as_secret_str()])
        .arg(seed.path())
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(
        log.contains("TLSv1.3, certificate chain and host name checked"),
        "{log}"
    );
    // The libpq form handed to GDAL carries the same options.
    assert!(
        with_cert
            .conninfo()
            .contains("sslmode=verify-full sslrootcert=")
    );
}

#[test]
fn bad_tls_options_are_refused_at_the_edge_saying_what_is_valid() {
    let base = "postgres://u@127.0.0.1:1/db";
    let refuse = |q: &str| {
        format!("{base}?{q}")
            .parse::<DbLocation>()
            .map(|_| ())
            .unwrap_err()
    };
    let err = refuse("sslmode=sometimes");
    assert!(err.contains("verify-full"), "{err}");
    assert!(refuse("sslmode=allow").contains("not supported"));
    let err = refuse("sslmode=verify-full&sslrootcert=/no/such/ca.pem");
    assert!(
        err.contains("sslrootcert '/no/such/ca.pem' cannot be read"),
        "{err}"
    );
    let err = refuse("sslrootcert=Cargo.toml");
    assert!(err.contains("holds no certificate"), "{err}");
    assert!(refuse("sslcert=Cargo.toml").contains("give both or neither"));
    // Options the client knows stay: a time limit beside a mode.
    let ok = format!("{base}?connect_timeout=2&sslmode=disable")
        .parse::<DbLocation>()
        .unwrap();
    let DbLocation::Postgres(u) = ok else {
        unreachable!()
    };
    assert!(
        u.conninfo().ends_with("sslmode=disable"),
        "{}",
        u.conninfo()
    );
}

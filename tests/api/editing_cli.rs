//! Editing from the command line: a re-import records its differences as one edit (and an
//! unchanged one records nothing), and tokens are made, listed and revoked by `frontline token`.

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::{AnyStore, Reader};

use crate::editing::{contested_week, post_state};
use crate::helpers::{db_arg, test_db};
use crate::writes::{bearer, serve_small};

#[test]
fn a_reimport_records_its_differences_as_one_edit_and_an_unchanged_one_records_nothing() {
    let dir = crate::helpers::small_dir();
    let tmp = tempfile::TempDir::new().unwrap();
    let db = test_db(&tmp, "f.db");
    let mut store = AnyStore::open(&db).unwrap();
    let data = dataset::read_dir(dir.path()).unwrap();
    let first = store.import(&data, Instant::from_ymd(2024, 1, 1)).unwrap();
    assert_eq!(first.edit, Some(1));
    let same = store.import(&data, Instant::from_ymd(2024, 2, 1)).unwrap();
    assert_eq!(
        (same.edit, same.unchanged_states, same.superseded_states),
        (None, 5, 0)
    );
    let mut changed = data.clone();
    changed.states[0].note = "revised".into();
    changed.states.pop();
    let third = store
        .import(&changed, Instant::from_ymd(2024, 3, 1))
        .unwrap();
    assert_eq!(
        (third.edit, third.unchanged_states, third.superseded_states),
        (Some(2), 3, 2)
    );
    let stored = store.load().unwrap();
    assert_eq!(stored.dataset.states.len(), 4);
    assert_eq!(
        stored.past.len(),
        2,
        "what the re-import replaced is kept as past knowledge"
    );
    assert!(
        stored
            .past
            .iter()
            .all(|(_, r)| r.superseded_at == Some(Instant::from_ymd(2024, 3, 1)))
    );
    let index = frontline::domain::index::Index::from_stored(stored);
    let then = index.known_at(Instant::from_ymd(2024, 2, 15));
    assert_eq!(
        then.states.len(),
        5,
        "known in February: the first import whole"
    );
    let edits = Reader::open(&db).unwrap().edits(None, 10, 10).unwrap();
    assert_eq!(edits.len(), 2);
    assert_eq!(
        (
            edits[0].author.as_str(),
            edits[0].before_count,
            edits[0].after_count
        ),
        ("import", 2, 1)
    );
}

#[test]
fn tokens_are_made_listed_and_revoked_from_the_command_line_and_stored_only_as_hashes() {
    let s = serve_small();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
            .args(args)
            .arg("--db")
            .arg(db_arg(&s.db))
            .output()
            .unwrap()
    };
    let out = run(&["token", "create", "--name", "desk", "--role", "editor"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.lines().last().unwrap().to_owned();
    assert!(token.starts_with("fl_") && token.len() == 67, "{token}");
    assert!(
        !stored_text(&s.db).contains(&token),
        "the token itself is not stored"
    );
    assert_eq!(
        post_state(&s, "east", &[bearer(&token)], &contested_week()).status,
        201
    );
    let again = run(&["token", "create", "--name", "desk", "--role", "admin"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let bad_role = run(&["token", "create", "--name", "x", "--role", "god"]);
    assert!(!bad_role.status.success());
    let list = String::from_utf8(run(&["token", "list"]).stdout).unwrap();
    assert!(
        list.contains("desk\teditor") && list.contains("gone\teditor") && !list.contains("fl_"),
        "{list}"
    );
    assert!(run(&["token", "revoke", "desk"]).status.success());
    assert!(!run(&["token", "revoke", "desk"]).status.success());
    assert_eq!(
        post_state(&s, "east", &[bearer(&token)], &contested_week()).status,
        401
    );
    assert!(list.contains("revoked"));
}

/// Everything the store holds of its tokens, as text: the SQLite file's bytes, or every row of
/// PostgreSQL's `tokens` table.
fn stored_text(db: &frontline::storage::DbLocation) -> String {
    match db {
        frontline::storage::DbLocation::Sqlite(path) => {
            String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
        }
        frontline::storage::DbLocation::Postgres(url) => {
            let url = url.clone();
            // The PostgreSQL client runs a runtime of its own: not on the test's thread.
            std::thread::spawn(move || {
                let mut client =
                    postgres::Client::connect(url.as_secret_str(), postgres::NoTls).unwrap();
                let row = client
                    .query_one("SELECT string_agg(t::text, ' ') FROM tokens t", &[])
                    .unwrap();
                row.get::<_, Option<String>>(0).unwrap_or_default()
            })
            .join()
            .unwrap()
        }
    }
}

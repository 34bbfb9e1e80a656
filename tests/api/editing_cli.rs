//! Editing from the command line: a re-import records its differences as one edit (and an
//! unchanged one records nothing), and tokens are made, listed and revoked by `frontline token`.

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::Store;

use crate::editing::{contested_week, post_state};
use crate::writes::{bearer, serve_small};

#[test]
fn a_reimport_records_its_differences_as_one_edit_and_an_unchanged_one_records_nothing() {
    let dir = crate::helpers::small_dir();
    let tmp = tempfile::TempDir::new().unwrap();
    let mut store = Store::open(&tmp.path().join("f.db")).unwrap();
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
    let edits = frontline::storage::audit::edits(&tmp.path().join("f.db"), None, 10, 10).unwrap();
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
            .arg(s.db.sqlite_path().expect("this test reads the SQLite file"))
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
    let db_bytes = std::fs::read(s.db.sqlite_path().unwrap()).unwrap();
    assert!(
        !db_bytes.windows(token.len()).any(|w| w == token.as_bytes()),
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

//! A server that cannot be broken from outside: loads that see one data set whole, imports that
//! leave old-or-new data, and bad input that gets a clear answer.

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::Store;
use tempfile::TempDir;

use crate::helpers::{small_dir, synth_dir};

#[test]
fn a_load_sees_one_data_set_whole_even_when_an_import_commits_between_its_steps() {
    let db_dir = TempDir::new().unwrap();
    let db = db_dir.path().join("f.db");
    let small = dataset::read_dir(small_dir().path()).unwrap();
    let other = dataset::read_dir(synth_dir(30, 90, 5).path()).unwrap();
    Store::open(&db)
        .unwrap()
        .import(&small, Instant::from_ymd(2024, 1, 1))
        .unwrap();

    for step in ["revision", "factions", "sources", "districts", "states"] {
        let reader = Store::open(&db).unwrap();
        let mut importer = Store::open(&db).unwrap();
        let before = reader.revision().unwrap();
        let next = if before % 2 == 1 { &other } else { &small };
        let mut fired = false;
        let loaded = reader
            .load_observed(&mut |at| {
                if at == step {
                    importer
                        .import(next, Instant::from_ymd(2024, 2, 1))
                        .unwrap();
                    fired = true;
                }
            })
            .unwrap();
        assert!(fired);
        // What was loaded is the data set of the revision it says, not a mix.
        let expected = if before % 2 == 1 { &small } else { &other };
        assert_eq!(
            loaded.revision, before,
            "an import between steps ({step}) is not seen"
        );
        assert_eq!(
            loaded.dataset.districts.len(),
            expected.districts.len(),
            "after {step}"
        );
        assert_eq!(
            loaded.dataset.states.len(),
            expected.states.len(),
            "after {step}"
        );
        assert_eq!(loaded.dataset.factions, expected.factions, "after {step}");
        // The next load sees the new one, whole.
        let again = reader.load().unwrap();
        assert_eq!(again.revision, before + 1);
        assert_eq!(again.dataset.states.len(), next.states.len());
    }
}

//! Reading the events files of the small data set: every malformed field is rejected with its
//! file and line and nothing is written, every problem comes in one run, and what is read writes
//! back byte for byte. (The API and re-imports: `events`.)

use std::fs;
use std::path::Path;

use frontline::dataset;
use frontline::domain::time::Instant;
use frontline::storage::AnyStore;
use rstest::rstest;
use tempfile::TempDir;

use crate::helpers::{db_arg, small_dir, stored_bytes, test_db, write_small_events};

pub(crate) fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} does not contain {from:?}");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

pub(crate) fn small_with_events() -> TempDir {
    let dir = small_dir();
    write_small_events(dir.path());
    dir
}

#[rstest]
#[case::bad_kind(
    "events.csv",
    "strike,airstrike",
    "strike,bombing",
    "events.csv line 2: kind: 'bombing' is not a valid event kind: expected one of `offensive_start`"
)]
#[case::bad_date(
    "events.csv",
    "2020-01-26,,day",
    "2020-01-32,,day",
    "events.csv line 2: date_start: '2020-01-32' is not a date: expected YYYY-MM-DD"
)]
#[case::end_before_start(
    "events.csv",
    "2020-01-20,2020-01-27",
    "2020-01-20,2020-01-19",
    "events.csv line 3: date_end 2020-01-19 is before date_start 2020-01-20"
)]
#[case::bad_precision(
    "events.csv",
    ",day,",
    ",exactly,",
    "events.csv line 2: date_precision: 'exactly' is not a valid date precision: expected one of `day` `range` `approximate`"
)]
#[case::bad_location_precision(
    "events.csv",
    ",street,",
    ",gps,",
    "events.csv line 2: location_precision: 'gps' is not a valid location precision"
)]
#[case::lon_not_a_number(
    "events.csv",
    "43.015,36.005,street",
    "east,36.005,street",
    "events.csv line 2: lon: 'east' is not a number"
)]
#[case::lat_out_of_range(
    "events.csv",
    "43.015,36.005,street",
    "43.015,96.005,street",
    "events.csv line 2: lat 96.005 is out of range"
)]
#[case::unknown_faction(
    "events.csv",
    "blue;red,blue",
    "blue;green,blue",
    "events.csv line 2: factions: faction 'green' is not in factions.csv"
)]
#[case::responsible_not_involved(
    "events.csv",
    "blue;red,blue",
    "red,blue",
    "events.csv line 2: responsible 'blue' is not among the event's factions (red)"
)]
#[case::bad_grade(
    "events.csv",
    ",fair,",
    ",likely,",
    "events.csv line 2: grade: 'likely' is not a valid grade: expected one of `confirmed` `fair` `weak` `contested` `discounted`"
)]
#[case::no_source(
    "events.csv",
    "confirmed,wire-1,",
    "confirmed,,",
    "events.csv line 3: sources is empty"
)]
#[case::unknown_source(
    "events.csv",
    "fair,wire-1;wire-2",
    "fair,wire-1;wire-9",
    "events.csv line 2: sources: source 'wire-9' is not in sources.csv"
)]
#[case::duplicate_id(
    "events.csv",
    "flight,displacement",
    "strike,displacement",
    "events.csv line 3: event id 'strike' is used twice"
)]
#[case::bad_id(
    "events.csv",
    "flight,displacement",
    "flight one,displacement",
    "events.csv line 3: id 'flight one' is not valid"
)]
#[case::empty_title(
    "events.csv",
    "Strike on the market",
    "",
    "events.csv line 2: title is empty"
)]
#[case::short_row(
    "events.csv",
    ",day,43.015",
    ",day",
    "events.csv line 2: has 15 fields: expected 16"
)]
#[case::bad_header(
    "events.csv",
    "id,kind,title",
    "id,type,title",
    "events.csv line 1: header is 'id,type,title"
)]
#[case::figure_unknown_event(
    "event_figures.csv",
    "flight,displaced",
    "fligth,displaced",
    "event_figures.csv line 4: event: 'fligth' is not an id in events.csv"
)]
#[case::figure_bad_metric(
    "event_figures.csv",
    "strike,killed,civilians,12",
    "strike,dead,civilians,12",
    "event_figures.csv line 2: metric: 'dead' is not a valid metric: expected one of `killed`"
)]
#[case::figure_bad_group(
    "event_figures.csv",
    "killed,civilians,12",
    "killed,bystanders,12",
    "event_figures.csv line 2: group: 'bystanders' is not a valid group"
)]
#[case::figure_negative(
    "event_figures.csv",
    "12,12,Blue",
    "-12,12,Blue",
    "event_figures.csv line 2: min: '-12' is not a whole number ≥ 0"
)]
#[case::figure_fraction(
    "event_figures.csv",
    "12,12,Blue",
    "12,12.5,Blue",
    "event_figures.csv line 2: max: '12.5' is not a whole number ≥ 0"
)]
#[case::figure_min_over_max(
    "event_figures.csv",
    "30,80,local",
    "90,80,local",
    "event_figures.csv line 3: min 90 is greater than max 80"
)]
#[case::figure_no_number(
    "event_figures.csv",
    "30,80,local",
    ",,local",
    "event_figures.csv line 3: min and max are both empty"
)]
#[case::figure_unknown_source(
    "event_figures.csv",
    "Blue Force,wire-2",
    "Blue Force,wire-7",
    "event_figures.csv line 2: source: source 'wire-7' is not in sources.csv"
)]
#[case::figure_no_claimant(
    "event_figures.csv",
    "Blue Force,wire-2",
    ",wire-2",
    "event_figures.csv line 2: claimant is empty"
)]
#[case::site_bad_kind(
    "sites.csv",
    "camp-east,camp",
    "camp-east,tents",
    "sites.csv line 2: kind: 'tents' is not a valid site kind"
)]
#[case::site_closed_before_opened(
    "sites.csv",
    "2020-01-21,2020-03-31",
    "2020-01-21,2020-01-01",
    "sites.csv line 2: closed 2020-01-01 is before opened 2020-01-21"
)]
#[case::site_bad_opened(
    "sites.csv",
    "2020-01-21,2020",
    "21/01/2020,2020",
    "sites.csv line 2: opened: '21/01/2020' is not a date"
)]
#[case::site_no_source(
    "sites.csv",
    "2020-03-31,wire-1,",
    "2020-03-31,,",
    "sites.csv line 2: sources is empty"
)]
#[case::observation_unknown_site(
    "site_observations.csv",
    "camp-east,2020-01-28",
    "camp-west,2020-01-28",
    "site_observations.csv line 2: site: 'camp-west' is not an id in sites.csv"
)]
#[case::observation_bad_metric(
    "site_observations.csv",
    "2020-01-28,population",
    "2020-01-28,people",
    "site_observations.csv line 2: metric: 'people' is not a valid site metric: expected one of `population` `households` `arrivals` `capacity`"
)]
#[case::observation_unknown_source(
    "site_observations.csv",
    "4000,wire-2",
    "4000,wire-3",
    "site_observations.csv line 2: source: source 'wire-3' is not in sources.csv"
)]
fn a_malformed_event_or_site_field_is_rejected_with_file_and_line_and_nothing_is_written(
    #[case] file: &str,
    #[case] from: &str,
    #[case] to: &str,
    #[case] expected: &str,
) {
    let dir = small_with_events();
    let db_dir = TempDir::new().unwrap();
    let db = test_db(&db_dir, "f.db");
    let mut store = AnyStore::open(&db).unwrap();
    store
        .import(
            &dataset::read_dir(dir.path()).unwrap(),
            Instant::from_ymd(2024, 1, 1),
        )
        .unwrap();
    drop(store);
    let before = stored_bytes(db.clone());

    edit(dir.path(), file, from, to);
    let err = dataset::read_dir(dir.path()).unwrap_err().to_string();
    assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args(["import", "--db"])
        .arg(db_arg(&db))
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
    assert_eq!(
        stored_bytes(db.clone()),
        before,
        "a refused import changed the store"
    );
}

#[test]
fn every_problem_in_the_events_files_is_reported_in_one_run() {
    let dir = small_with_events();
    edit(
        dir.path(),
        "events.csv",
        "strike,airstrike",
        "strike,bombing",
    );
    edit(
        dir.path(),
        "event_figures.csv",
        "30,80,local",
        "90,80,local",
    );
    edit(dir.path(), "sites.csv", ",wire-1,\n", ",wire-5,\n");
    let err = dataset::read_dir(dir.path()).unwrap_err();
    let files: Vec<&str> = err.0.iter().map(|i| i.file.as_ref()).collect();
    assert!(files.contains(&"events.csv"), "{err}");
    assert!(files.contains(&"event_figures.csv"), "{err}");
    assert!(files.contains(&"sites.csv"), "{err}");
}

#[test]
fn events_and_sites_survive_write_and_read_byte_for_byte() {
    let dir = small_with_events();
    let data = dataset::read_dir(dir.path()).unwrap();
    assert_eq!(data.events.len(), 2);
    assert_eq!(data.events[0].figures.len(), 2);
    // Observations are kept by date, whatever the order of the file.
    let dates: Vec<String> = data.sites[0]
        .observations
        .iter()
        .map(|o| o.date.to_string())
        .collect();
    assert_eq!(dates, ["2020-01-22", "2020-01-22", "2020-01-28"]);
    let a = TempDir::new().unwrap();
    let b = TempDir::new().unwrap();
    dataset::write_dir(&data, a.path()).unwrap();
    let again = dataset::read_dir(a.path()).unwrap();
    // Written by date, then id.
    let mut sorted = data.clone();
    sorted.events.reverse();
    assert_eq!(again, sorted);
    dataset::write_dir(&again, b.path()).unwrap();
    for f in [
        "events.csv",
        "event_figures.csv",
        "sites.csv",
        "site_observations.csv",
    ] {
        assert_eq!(
            fs::read(a.path().join(f)).unwrap(),
            fs::read(b.path().join(f)).unwrap(),
            "{f} differs"
        );
    }
}

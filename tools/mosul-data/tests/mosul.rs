//! The shipped data set agrees with what was reported, and regenerating it gives the same bytes.

use std::fs;
use std::path::Path;

use frontline::dataset::{ControlState, Dataset, Instant, Status, read_dir};
use geo::{Area, BooleanOps, BoundingRect, Contains, Intersects, MultiPolygon, Point};
use mosul_data::default_dir;

fn shipped() -> Dataset {
    read_dir(&default_dir()).unwrap_or_else(|e| panic!("data/mosul does not read back: {e}"))
}

fn day(s: &str) -> Instant {
    s.parse().expect("a date")
}

/// The state of `district` at `at`, if any.
fn state_at<'a>(data: &'a Dataset, district: &str, at: &str) -> Option<&'a ControlState> {
    let t = day(at);
    data.states
        .iter()
        .find(|s| s.district == district && s.valid_from <= t && s.valid_to.is_none_or(|to| t < to))
}

fn holder<'a>(data: &'a Dataset, district: &str, at: &str) -> (&'a Status, Vec<&'a str>) {
    let s =
        state_at(data, district, at).unwrap_or_else(|| panic!("{district} has no state on {at}"));
    (&s.status, s.factions.iter().map(String::as_str).collect())
}

fn is_held_by(data: &Dataset, district: &str, at: &str, faction: &str) -> bool {
    holder(data, district, at) == (&Status::Held, vec![faction])
}

fn ids_in<'a>(data: &'a Dataset, groups: &[&str]) -> Vec<&'a str> {
    data.districts
        .iter()
        .filter(|d| groups.contains(&d.group.as_deref().unwrap_or("")))
        .map(|d| d.id.as_str())
        .collect()
}

fn is_old_city(data: &Dataset, id: &str) -> bool {
    let d = data
        .districts
        .iter()
        .find(|d| d.id == id)
        .expect("a district");
    d.properties.get("area").and_then(|v| v.as_str()) == Some("Old City")
}

#[test]
fn regenerating_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().expect("a temp dir");
    let raw = tmp.path().join("raw");
    fs::create_dir(&raw).expect("raw dir");
    for entry in fs::read_dir(default_dir().join("raw")).expect("raw inputs") {
        let entry = entry.expect("an entry");
        fs::copy(entry.path(), raw.join(entry.file_name())).expect("copy");
    }
    mosul_data::generate(tmp.path()).expect("generation succeeds");
    for file in [
        "factions.csv",
        "sources.csv",
        "districts.geojson",
        "control.csv",
    ] {
        let want = fs::read(default_dir().join(file)).expect("shipped file");
        let got = fs::read(tmp.path().join(file)).expect("generated file");
        assert!(
            want == got,
            "{file} differs from a fresh generation: run `cargo run -p mosul-data --release`"
        );
    }
}

#[test]
fn the_data_set_has_the_districts_the_reports_name() {
    let data = shipped();
    assert!(ids_in(&data, &["East Mosul", "West Mosul"]).len() >= 60);
    for id in [
        "rashidiya",
        "sihha",
        "shifa",
        "medical-city",
        "zanjili",
        "old-city-farouq",
        "old-city-mashahda",
        "old-city-ras-al-jadda",
        "old-city-nuri-mosque",
        "old-city-bab-al-saray",
        "old-city-qleiat",
        "bartella",
        "qaraqosh",
        "bashiqa",
        "hammam-al-alil",
        "tel-kaif",
        "airport",
        "ghazlani",
        "tabqa-dam",
        "raqqa",
    ] {
        assert!(data.districts.iter().any(|d| d.id == id), "{id} is missing");
    }
    for d in &data.districts {
        let quality = d
            .properties
            .get("geometry_quality")
            .and_then(|v| v.as_str());
        assert!(
            matches!(quality, Some("approximate" | "admin-boundary")),
            "{}: geometry_quality {quality:?}",
            d.id
        );
    }
}

#[test]
fn every_mosul_district_was_held_by_isil_on_1_october_2016() {
    let data = shipped();
    for id in ids_in(&data, &["East Mosul", "West Mosul", "Outskirts"]) {
        assert!(is_held_by(&data, id, "2016-10-01", "isil"), "{id}");
    }
}

#[test]
fn east_mosul_was_fully_retaken_by_24_january_2017_rashidiya_last() {
    let data = shipped();
    assert!(!is_held_by(&data, "rashidiya", "2017-01-23", "isf"));
    assert!(is_held_by(&data, "rashidiya", "2017-01-24", "isf"));
    assert!(is_held_by(&data, "rashidiya", "2017-02-01", "isf"));
    for id in ids_in(&data, &["East Mosul"]) {
        for at in ["2017-01-24", "2017-03-01", "2017-07-31"] {
            assert!(is_held_by(&data, id, at, "isf"), "{id} on {at}");
        }
    }
}

#[test]
fn nothing_on_the_west_bank_changed_before_the_offensive_of_19_february_2017() {
    let data = shipped();
    for id in ids_in(&data, &["West Mosul"])
        .into_iter()
        .chain(["airport", "ghazlani"])
    {
        for s in data
            .states
            .iter()
            .filter(|s| s.district == id && s.valid_from > day("2016-10-01"))
        {
            assert!(
                s.valid_from >= day("2017-02-19"),
                "{id} changes on {}",
                s.valid_from
            );
        }
    }
}

#[test]
fn on_3_june_2017_is_held_only_zanjili_the_old_city_and_shifa() {
    let data = shipped();
    assert!(
        is_held_by(&data, "sihha", "2017-06-03", "isf"),
        "Sihha was captured on 2 June"
    );
    assert!(!is_held_by(&data, "sihha", "2017-06-01", "isf"));
    for id in ids_in(&data, &["West Mosul", "Outskirts", "East Mosul"]) {
        let not_isf = !is_held_by(&data, id, "2017-06-03", "isf");
        let allowed = id == "zanjili"
            || id == "shifa"
            || id == "medical-city"
            || is_old_city(&data, id)
            || id == "bashiqa";
        if allowed && id != "bashiqa" {
            assert!(
                not_isf,
                "{id} should still have been held or contested by IS on 3 June 2017"
            );
            assert!(holder(&data, id, "2017-06-03").1.contains(&"isil"), "{id}");
        } else if not_isf {
            assert!(
                id == "bashiqa" && is_held_by(&data, id, "2017-06-03", "peshmerga"),
                "{id} is not ISF on 3 June 2017"
            );
        }
    }
}

#[test]
fn zanjili_was_contested_on_10_june_and_isf_from_13_june_2017() {
    let data = shipped();
    assert_eq!(
        holder(&data, "zanjili", "2017-06-10"),
        (&Status::Contested, vec!["isf", "isil"])
    );
    assert!(is_held_by(&data, "zanjili", "2017-06-13", "isf"));
    assert!(is_held_by(&data, "zanjili", "2017-06-14", "isf"));
}

#[test]
fn all_of_mosul_was_held_by_isf_on_10_july_2017() {
    let data = shipped();
    for id in ids_in(&data, &["East Mosul", "West Mosul"]) {
        assert!(is_held_by(&data, id, "2017-07-10", "isf"), "{id}");
    }
    assert!(!is_held_by(&data, "old-city-qleiat", "2017-07-09", "isf"));
}

#[test]
fn the_sdf_took_the_tabqa_dam_on_10_may_2017() {
    let data = shipped();
    assert!(is_held_by(&data, "tabqa-dam", "2017-05-10", "sdf"));
    assert_eq!(
        holder(&data, "tabqa-dam", "2017-05-09").0,
        &Status::Contested
    );
    assert!(is_held_by(&data, "bashiqa", "2017-07-31", "peshmerga"));
}

#[test]
fn every_district_has_sourced_states_without_gaps_from_october_2016_to_july_2017() {
    let data = shipped();
    for d in &data.districts {
        let mut states: Vec<&ControlState> =
            data.states.iter().filter(|s| s.district == d.id).collect();
        states.sort_by_key(|s| s.valid_from);
        assert_eq!(states[0].valid_from, day("2016-10-01"), "{}", d.id);
        for pair in states.windows(2) {
            assert_eq!(
                pair[0].valid_to,
                Some(pair[1].valid_from),
                "{}: a gap or overlap",
                d.id
            );
        }
        assert!(
            states
                .last()
                .expect("a state")
                .valid_to
                .is_none_or(|t| t > day("2017-07-31")),
            "{}",
            d.id
        );
        for s in &states {
            assert!(!s.sources.is_empty(), "{}", d.id);
            let firm = matches!(s.confidence, frontline::dataset::Confidence::Confirmed);
            assert!(
                firm || !s.note.is_empty(),
                "{}: a state that is not confirmed says why",
                d.id
            );
        }
    }
}

fn shape(data: &Dataset, id: &str) -> MultiPolygon {
    match &data
        .districts
        .iter()
        .find(|d| d.id == id)
        .expect("a district")
        .geometry
    {
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        geo::Geometry::MultiPolygon(m) => m.clone(),
        other => panic!("{id}: {other:?}"),
    }
}

#[test]
fn neighbourhoods_hold_their_point_and_do_not_overlap() {
    let data = shipped();
    let shapes: Vec<(&str, MultiPolygon)> = data
        .districts
        .iter()
        .map(|d| (d.id.as_str(), shape(&data, &d.id)))
        .collect();
    for d in data
        .districts
        .iter()
        .filter(|d| d.properties.contains_key("bank"))
    {
        let p = d.properties["point"].as_array().expect("a point");
        let point = Point::new(p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat"));
        assert!(
            shape(&data, &d.id).contains(&point),
            "{} does not contain its point",
            d.id
        );
    }
    for (i, (a, sa)) in shapes.iter().enumerate() {
        for (b, sb) in &shapes[i + 1..] {
            let (ra, rb) = (
                sa.bounding_rect().expect("bbox"),
                sb.bounding_rect().expect("bbox"),
            );
            if ra.intersects(&rb) {
                // 1e-10 deg² is about 1 m²: only rounding dust may be shared.
                let shared = sa.intersection(sb).unsigned_area();
                assert!(shared < 1e-10, "{a} and {b} overlap by {shared} deg²");
            }
        }
    }
}

#[test]
fn the_old_city_lies_on_the_west_bank_by_the_river() {
    let data = shipped();
    let old: Vec<&str> = data
        .districts
        .iter()
        .filter(|d| is_old_city(&data, &d.id))
        .map(|d| d.id.as_str())
        .collect();
    assert!(old.len() >= 10);
    let river = mosul_data::city::River::new(
        csv::Reader::from_path(Path::new(&default_dir()).join("raw/tigris.csv"))
            .expect("tigris.csv")
            .records()
            .map(|r| {
                let r = r.expect("a row");
                geo::Coord {
                    x: r[1].parse().expect("lon"),
                    y: r[2].parse().expect("lat"),
                }
            })
            .collect(),
    );
    for id in &old {
        let p = data
            .districts
            .iter()
            .find(|d| d.id == *id)
            .expect("district")
            .properties["point"]
            .clone();
        let c = geo::Coord {
            x: p[0].as_f64().expect("lon"),
            y: p[1].as_f64().expect("lat"),
        };
        assert_eq!(river.bank(c), mosul_data::city::Bank::West, "{id}");
        assert!(
            river.distance(c) < 0.02,
            "{id} is within ~2 km of the river"
        );
    }
}

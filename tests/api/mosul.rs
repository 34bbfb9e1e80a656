//! The facts the Mosul data set must agree with, checked through the index (the query layer the
//! API answers from) and, for a few, through the HTTP routes.

use std::sync::OnceLock;

use frontline::domain::index::Index;
use frontline::domain::model::Status;
use frontline::domain::time::Instant;
use geo::Centroid;
use tempfile::TempDir;

use crate::helpers::{app, get_json, index_of, mosul, mosul_dir};

fn index() -> &'static Index {
    static INDEX: OnceLock<(TempDir, Index)> = OnceLock::new();
    &INDEX.get_or_init(|| index_of(&mosul_dir())).1
}

fn day(s: &str) -> Instant {
    s.parse().unwrap()
}

/// `held:FACTION`, `contested:A;B` (sorted) or `unknown`.
fn side(id: &str, at: &str) -> String {
    let index = index();
    let d = index
        .district_index(id)
        .unwrap_or_else(|| panic!("no district '{id}'"));
    match index.state_at(d, day(at)).map(|s| &index.states[s]) {
        None => "unknown".into(),
        Some(s) => {
            let mut f: Vec<&str> = s
                .factions
                .iter()
                .map(|&i| index.factions[i as usize].id.as_str())
                .collect();
            if s.status == Status::Contested {
                f.sort_unstable();
            }
            format!("{}:{}", s.status, f.join(";"))
        }
    }
}

fn city_districts() -> Vec<&'static str> {
    index()
        .districts
        .iter()
        .filter(|d| {
            matches!(
                d.district.group.as_deref(),
                Some("East Mosul" | "West Mosul")
            )
        })
        .map(|d| d.district.id.as_str())
        .collect()
}

fn group(name: &str) -> Vec<&'static str> {
    index()
        .districts
        .iter()
        .filter(|d| d.district.group.as_deref() == Some(name))
        .map(|d| d.district.id.as_str())
        .collect()
}

fn is_old_city(id: &str) -> bool {
    id.starts_with("old-city-")
}

#[test]
fn sihha_was_taken_on_2_june_2017() {
    assert_ne!(side("sihha", "2017-06-01T23:59:59Z"), "held:isf");
    assert_eq!(side("sihha", "2017-06-02"), "held:isf");
}

#[test]
fn sihha_was_held_by_isf_on_3_june_2017() {
    assert_eq!(side("sihha", "2017-06-03"), "held:isf");
}

#[test]
fn rashidiya_was_held_by_isf_on_1_february_2017() {
    assert_eq!(side("rashidiya", "2017-02-01"), "held:isf");
}

#[test]
fn east_mosul_was_fully_retaken_by_24_january_2017_with_rashidiya_last() {
    let east = group("East Mosul");
    assert!(east.len() >= 40, "East Mosul has {} districts", east.len());
    for id in &east {
        assert_eq!(side(id, "2017-01-24"), "held:isf", "{id} on 24 Jan 2017");
    }
    assert_ne!(side("rashidiya", "2017-01-23"), "held:isf");
    let last_taken = east
        .iter()
        .filter(|id| side(id, "2017-01-23") != "held:isf")
        .collect::<Vec<_>>();
    assert_eq!(
        last_taken,
        [&"rashidiya"],
        "Rashidiya was the last east-bank district"
    );
}

#[test]
fn all_of_mosul_was_held_by_isil_on_1_october_2016() {
    for id in city_districts().into_iter().chain(group("Outskirts")) {
        assert_eq!(side(id, "2016-10-01"), "held:isil", "{id}");
    }
}

#[test]
fn the_western_offensive_began_on_19_february_2017() {
    let west: Vec<&str> = group("West Mosul")
        .into_iter()
        .chain(["airport", "ghazlani"])
        .collect();
    for id in &west {
        assert_eq!(
            side(id, "2017-02-18T23:59:59Z"),
            "held:isil",
            "{id} before the western offensive"
        );
    }
    let moved = west
        .iter()
        .filter(|id| side(id, "2017-02-28") != "held:isil")
        .count();
    assert!(
        moved >= 3,
        "the offensive moved within ten days: {moved} districts"
    );
}

#[test]
fn on_3_june_2017_isil_held_only_zanjili_the_old_city_and_shifa() {
    let holdouts: Vec<&str> = city_districts()
        .into_iter()
        .filter(|id| side(id, "2017-06-03") != "held:isf")
        .collect();
    for id in &holdouts {
        assert!(
            *id == "zanjili" || *id == "shifa" || *id == "medical-city" || is_old_city(id),
            "{id} was not held by isf on 3 June 2017 but is not Zanjili, the Old City or Shifa"
        );
        assert!(
            ["held:isil", "contested:isf;isil"].contains(&side(id, "2017-06-03").as_str()),
            "{id}"
        );
    }
    assert!(holdouts.contains(&"zanjili") && holdouts.contains(&"shifa"));
    assert!(
        holdouts.iter().filter(|id| is_old_city(id)).count() >= 8,
        "{holdouts:?}"
    );
}

#[test]
fn zanjili_was_taken_between_10_and_13_june_2017() {
    assert_eq!(side("zanjili", "2017-06-10"), "contested:isf;isil");
    assert_eq!(side("zanjili", "2017-06-14"), "held:isf");
    let index = index();
    let d = index.district_index("zanjili").unwrap();
    let taken = index
        .history(d)
        .iter()
        .find(|s| s.status == Status::Held && index.factions[s.factions[0] as usize].id == "isf");
    let at = taken.unwrap().interval.from;
    assert!(day("2017-06-10") <= at && at <= day("2017-06-13"), "{at}");
}

#[test]
fn mosul_was_declared_liberated_on_9_to_10_july_2017() {
    let not_yet: Vec<&str> = city_districts()
        .into_iter()
        .filter(|id| side(id, "2017-07-01") != "held:isf")
        .collect();
    assert!(!not_yet.is_empty(), "fighting went on into July");
    for id in city_districts() {
        assert_eq!(side(id, "2017-07-10"), "held:isf", "{id} on 10 July 2017");
    }
}

#[test]
fn the_tabqa_dam_was_taken_by_the_sdf_on_10_may_2017() {
    assert_ne!(side("tabqa-dam", "2017-05-09"), "held:sdf");
    assert_eq!(side("tabqa-dam", "2017-05-10"), "held:sdf");
}

#[test]
fn every_district_has_a_state_from_17_october_2016_to_31_july_2017() {
    let index = index();
    for (d, entry) in index.districts.iter().enumerate() {
        let mut t = day("2016-10-17");
        for s in index.history(d as u32) {
            if s.interval.to.is_some_and(|to| to <= t) {
                continue;
            }
            assert!(
                s.interval.from <= t,
                "{} has a gap at {t}",
                entry.district.id
            );
            match s.interval.to {
                Some(to) => t = to,
                None => t = day("2100-01-01"),
            }
        }
        assert!(t >= day("2017-07-31"), "{} ends at {t}", entry.district.id);
    }
}

#[test]
fn every_state_cites_a_known_source() {
    let data = mosul();
    let known: std::collections::HashSet<&str> =
        data.sources.iter().map(|s| s.id.as_str()).collect();
    for s in &data.states {
        assert!(
            !s.sources.is_empty(),
            "{} from {} cites nothing",
            s.district,
            s.valid_from
        );
        for id in &s.sources {
            assert!(
                known.contains(id.as_str()),
                "{} cites unknown source {id}",
                s.district
            );
        }
    }
    for s in &data.sources {
        assert!(
            s.url.starts_with("https://") || s.url.starts_with("http://"),
            "{}: {}",
            s.id,
            s.url
        );
        assert!(!s.publisher.is_empty(), "{} has no publisher", s.id);
    }
}

#[test]
fn approximate_dates_say_why() {
    for s in mosul()
        .states
        .iter()
        .filter(|s| s.confidence != frontline::dataset::Confidence::Confirmed)
    {
        assert!(
            !s.note.trim().is_empty(),
            "{} from {} is {} without a note",
            s.district,
            s.valid_from,
            s.confidence
        );
    }
}

#[test]
fn east_bank_districts_lie_east_of_the_tigris_and_the_old_city_west() {
    let river: Vec<(f64, f64)> = csv::Reader::from_path(mosul_dir().join("raw/tigris.csv"))
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[1].parse().unwrap(), r[2].parse().unwrap())
        })
        .collect();
    // The river runs north to south: its longitude at a latitude, by linear interpolation.
    let river_lon = |lat: f64| {
        let w = river
            .windows(2)
            .find(|w| (w[1].1..=w[0].1).contains(&lat))
            .expect("latitude within the river line");
        let f = (lat - w[0].1) / (w[1].1 - w[0].1);
        w[0].0 + f * (w[1].0 - w[0].0)
    };
    for d in index().districts.iter() {
        let bank = d.district.group.as_deref();
        if !matches!(bank, Some("East Mosul" | "West Mosul")) {
            continue;
        }
        let c = d.district.geometry.centroid().unwrap();
        let east = c.x() > river_lon(c.y());
        assert_eq!(
            east,
            bank == Some("East Mosul"),
            "{} ({bank:?}) at {:?}",
            d.district.id,
            c
        );
    }
    let old_city: Vec<_> = index()
        .districts
        .iter()
        .filter(|d| is_old_city(&d.district.id))
        .collect();
    assert!(old_city.len() >= 8);
    for d in old_city {
        let c = d.district.geometry.centroid().unwrap();
        let km_from_river = (river_lon(c.y()) - c.x()) * 111.32 * c.y().to_radians().cos();
        assert!(
            (0.0..2.5).contains(&km_from_river),
            "{} is {km_from_river:.2} km west of the river",
            d.district.id
        );
    }
}

#[actix_web::test]
async fn the_api_shows_the_3_june_2017_map() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (status, _, body) = get_json(&app, "/api/snapshot?at=2017-06-03").await;
    assert_eq!(status, 200);
    let feature = |id: &str| {
        body["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(feature("sihha")["properties"]["faction"], "isf");
    assert_eq!(feature("rashidiya")["properties"]["faction"], "isf");
    assert!(
        feature("zanjili")["properties"]["factions"]
            .as_array()
            .unwrap()
            .contains(&"isil".into())
    );
    let (_, _, front) = get_json(&app, "/api/frontline?at=2017-06-03").await;
    let ids: Vec<&str> = front["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    // Zanjili is fought over: it is the front zone, and the front line runs along the Old City's
    // river bank across the Tigris.
    assert!(
        front["front_zone"]
            .as_array()
            .unwrap()
            .contains(&"zanjili".into()),
        "{front}"
    );
    assert!(
        ids.iter().any(|id| id.contains("old-city")),
        "the front runs along the Old City: {ids:?}"
    );
    let (_, _, who) = get_json(&app, "/api/who?lon=43.2&lat=36.36&at=2016-10-01").await;
    assert_eq!(who["state"]["faction"], "isil");
}

#[test]
fn the_shipped_files_are_in_canonical_form() {
    let out = TempDir::new().unwrap();
    frontline::dataset::write_dir(&mosul(), out.path()).unwrap();
    for f in [
        "factions.csv",
        "sources.csv",
        "districts.geojson",
        "control.csv",
        "dataset.json",
        "context/water.geojson",
        "context/bridges.geojson",
        "context/landmarks.geojson",
        "context/places.geojson",
        "context/admin.geojson",
        "context/locator.geojson",
    ] {
        let shipped = std::fs::read(mosul_dir().join(f)).unwrap();
        assert!(
            shipped == std::fs::read(out.path().join(f)).unwrap(),
            "{f}: export would rewrite it"
        );
    }
}

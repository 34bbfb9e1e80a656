//! The history of knowledge against a brute-force model: a seeded random sequence of edits
//! (sets that trim and split, withdrawals, re-imports by another writer) through the real server,
//! and at random `(at, known_at)` pairs the served snapshot equals the model's. And several
//! writers and readers at once: no lost edit, and every read a committed prefix of the edits.

use std::collections::{HashMap, HashSet};

use frontline::dataset;
use frontline::domain::model::{Confidence, ControlState, Status};
use frontline::domain::time::Instant;
use frontline::storage::AnyStore;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::writes::{Served, bearer, get, send, serve_small};

const DISTRICTS: [&str; 3] = ["west", "middle", "east"];
const DAY: i64 = 86_400_000;

/// One version of a state in the model: its content and its span of transaction time.
#[derive(Debug, Clone)]
struct Version {
    state: ControlState,
    recorded: Instant,
    superseded: Option<Instant>,
}

fn instant(v: &Value) -> Instant {
    v.as_str().unwrap().parse().unwrap()
}

/// The model's answer: per district, status and factions at `at` as known at `known`.
fn model_map(model: &[Version], at: Instant, known: Instant) -> Vec<(String, String, Vec<String>)> {
    DISTRICTS
        .iter()
        .map(|d| {
            let held: Vec<&Version> = model
                .iter()
                .filter(|v| v.state.district == *d)
                .filter(|v| v.recorded <= known && v.superseded.is_none_or(|s| known < s))
                .filter(|v| v.state.interval().contains(at))
                .collect();
            assert!(held.len() <= 1, "the model overlaps: {held:?}");
            match held.first() {
                Some(v) => (
                    (*d).to_owned(),
                    v.state.status.to_string(),
                    v.state.factions.clone(),
                ),
                None => ((*d).to_owned(), "unknown".into(), vec![]),
            }
        })
        .collect()
}

fn served_map(s: &Served, at: Instant, known: Instant) -> Vec<(String, String, Vec<String>)> {
    let snap = get(
        s.port,
        &format!(
            "/api/snapshot?at={}&known_at={}",
            at.to_rfc3339(),
            known.to_rfc3339()
        ),
    )
    .json;
    let mut out: Vec<_> = snap["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                f["id"].as_str().unwrap().to_owned(),
                p["status"].as_str().unwrap().to_owned(),
                serde_json::from_value(p["factions"].clone()).unwrap(),
            )
        })
        .collect();
    out.sort_by_key(|(d, ..)| DISTRICTS.iter().position(|x| x == d));
    out
}

fn random_state(rng: &mut ChaCha8Rng, district: &str) -> ControlState {
    let start = Instant::from_ymd(2020, 1, 1).0;
    let from = Instant(start + rng.random_range(0..90) * DAY);
    let to = rng
        .random_bool(0.8)
        .then(|| Instant(from.0 + rng.random_range(1..30) * DAY));
    let (status, factions) = match rng.random_range(0..3) {
        0 => (Status::Held, vec!["red".to_owned()]),
        1 => (Status::Held, vec!["blue".to_owned()]),
        _ => (Status::Contested, vec!["blue".to_owned(), "red".to_owned()]),
    };
    ControlState {
        district: district.to_owned(),
        status,
        factions,
        valid_from: from,
        valid_to: to,
        confidence: Confidence::Reported,
        sources: vec!["wire-1".into()],
        note: format!("n{}", rng.random_range(0..1_000_000)),
    }
}

fn body_of(s: &ControlState) -> Value {
    json!({
        "status": s.status.as_str(), "factions": s.factions,
        "valid_from": s.valid_from.to_rfc3339(), "valid_to": s.valid_to.map(Instant::to_rfc3339),
        "confidence": s.confidence.as_str(), "sources": s.sources, "note": s.note,
        "comment": "oracle"
    })
}

/// The model after setting `new` at instant `at`: what it overlaps is superseded, the parts
/// outside it kept.
fn model_set(model: &mut Vec<Version>, new: ControlState, at: Instant) {
    let span = new.interval();
    let mut leftovers = Vec::new();
    for v in model
        .iter_mut()
        .filter(|v| v.superseded.is_none() && v.state.district == new.district)
    {
        if !v.state.interval().overlaps(&span) {
            continue;
        }
        v.superseded = Some(at);
        if v.state.valid_from < new.valid_from {
            leftovers.push(ControlState {
                valid_to: Some(new.valid_from),
                ..v.state.clone()
            });
        }
        if let Some(b) = new.valid_to
            && v.state.valid_to.is_none_or(|t| t > b)
        {
            leftovers.push(ControlState {
                valid_from: b,
                ..v.state.clone()
            });
        }
    }
    for state in leftovers.into_iter().chain([new]) {
        model.push(Version {
            state,
            recorded: at,
            superseded: None,
        });
    }
}

fn served_revision(s: &Served) -> i64 {
    get(s.port, "/api/meta").json["revision"].as_i64().unwrap()
}

#[test]
fn random_edits_and_reimports_match_a_brute_force_bitemporal_model() {
    let s = serve_small();
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    let mut model: Vec<Version> = Vec::new();
    for d in DISTRICTS {
        let h = get(s.port, &format!("/api/districts/{d}/history")).json;
        let stored = AnyStore::open(&s.db).unwrap().load().unwrap();
        for st in h["states"].as_array().unwrap() {
            let state = stored
                .dataset
                .states
                .iter()
                .find(|x| x.district == d && x.valid_from == instant(&st["valid_from"]))
                .unwrap()
                .clone();
            model.push(Version {
                state,
                recorded: instant(&st["recorded_at"]),
                superseded: None,
            });
        }
    }
    let base = dataset::read_dir(s._seed.path()).unwrap();
    let mut instants = vec![Instant(model[0].recorded.0 - 1)];
    let (mut sets, mut retractions, mut imports) = (0, 0, 0);
    // Half the instants asked are among the last few changes: the views a reader right after
    // an edit asks for, built from knowledge the edits extended rather than rebuilt.
    let check = |model: &[Version], instants: &[Instant], probes: usize, rng: &mut ChaCha8Rng| {
        for p in 0..probes {
            let from = if p % 2 == 0 {
                0
            } else {
                instants.len().saturating_sub(8)
            };
            let k = instants[rng.random_range(from..instants.len())];
            let known = Instant(k.0 + rng.random_range(-1..=1));
            let at =
                Instant(Instant::from_ymd(2019, 12, 20).0 + rng.random_range(0..130) * DAY / 2);
            assert_eq!(
                served_map(&s, at, known),
                model_map(model, at, known),
                "at {at}, known_at {known}"
            );
        }
    };
    for step in 0..1200 {
        let roll = rng.random_range(0..100);
        if roll < 75 {
            let d = DISTRICTS[rng.random_range(0..3)];
            let new = random_state(&mut rng, d);
            let a = send(
                s.port,
                "POST",
                &format!("/api/districts/{d}/states"),
                &[bearer(&s.editor)],
                Some(&body_of(&new).to_string()),
            );
            assert_eq!(a.status, 201, "step {step}: {}", a.json);
            let at = instant(&a.json["recorded_at"]);
            model_set(&mut model, new, at);
            instants.push(at);
            sets += 1;
        } else if roll < 93 {
            let current: Vec<usize> = (0..model.len())
                .filter(|&i| model[i].superseded.is_none())
                .collect();
            if current.is_empty() {
                continue;
            }
            let i = current[rng.random_range(0..current.len())];
            let id = format!(
                "{}@{}",
                model[i].state.district,
                model[i].state.valid_from.to_rfc3339()
            );
            let a = send(
                s.port,
                "DELETE",
                &format!("/api/states/{id}?comment=oracle"),
                &[bearer(&s.editor)],
                None,
            );
            assert_eq!(a.status, 200, "step {step}: {id}: {}", a.json);
            let at = instant(&a.json["superseded_at"]);
            model[i].superseded = Some(at);
            instants.push(at);
            retractions += 1;
        } else {
            // Another writer re-imports what is believed, with one note changed.
            let mut data = base.clone();
            data.states = model
                .iter()
                .filter(|v| v.superseded.is_none())
                .map(|v| v.state.clone())
                .collect();
            if let Some(first) = data.states.first_mut() {
                first.note = format!("reimported {step}");
            }
            let summary = AnyStore::open(&s.db)
                .unwrap()
                .import(&data, Instant(chrono::Utc::now().timestamp_millis()))
                .unwrap();
            let edit = frontline::storage::Reader::open(&s.db)
                .unwrap()
                .edits(None, 1, 0)
                .unwrap();
            let at = edit[0].at;
            assert_eq!(summary.edit, Some(edit[0].id));
            let wanted: HashSet<String> = data.states.iter().map(|st| format!("{st:?}")).collect();
            let mut kept = HashSet::new();
            for v in model.iter_mut().filter(|v| v.superseded.is_none()) {
                let key = format!("{:?}", v.state);
                if wanted.contains(&key) {
                    kept.insert(key);
                } else {
                    v.superseded = Some(at);
                }
            }
            for st in data
                .states
                .iter()
                .filter(|st| !kept.contains(&format!("{st:?}")))
            {
                model.push(Version {
                    state: st.clone(),
                    recorded: at,
                    superseded: None,
                });
            }
            instants.push(at);
            // The server picks the import up on its own.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            while served_revision(&s) != summary.revision {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the import was not picked up"
                );
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            imports += 1;
        }
        if step % 10 == 9 {
            check(&model, &instants, 4, &mut rng);
        }
    }
    check(&model, &instants, 12, &mut rng);
    assert!(
        sets > 800 && retractions > 150 && imports > 50,
        "{sets} {retractions} {imports}"
    );
    let past = model.iter().filter(|v| v.superseded.is_some()).count();
    assert!(past > 1000, "the sequence corrected a lot: {past}");
}

#[test]
fn racing_writers_lose_no_edit_and_readers_see_only_committed_prefixes() {
    let s = serve_small();
    let port = s.port;
    let token = s.editor.clone();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let done = done.clone();
            std::thread::spawn(move || {
                let mut seen: Vec<HashSet<String>> = Vec::new();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    let h = get(port, "/api/districts/middle/history");
                    assert_eq!(h.status, 200);
                    let states = h.json["states"].as_array().unwrap();
                    for pair in states.windows(2) {
                        assert!(
                            instant(&pair[0]["valid_to"]) <= instant(&pair[1]["valid_from"]),
                            "overlap in a read"
                        );
                    }
                    seen.push(
                        states
                            .iter()
                            .filter_map(|st| {
                                st["note"]
                                    .as_str()
                                    .filter(|n| n.starts_with('w'))
                                    .map(str::to_owned)
                            })
                            .collect(),
                    );
                }
                seen
            })
        })
        .collect();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let token = token.clone();
            std::thread::spawn(move || {
                let mut conflicts = 0;
                for i in 0..20 {
                    // Writer w's i-th edit takes its own day in March 2020.
                    let from = Instant(Instant::from_ymd(2020, 3, 1).0 + (w * 20 + i) * DAY);
                    let body = json!({
                        "status": "held", "factions": ["red"], "valid_from": from.to_rfc3339(),
                        "valid_to": Instant(from.0 + DAY).to_rfc3339(), "confidence": "reported",
                        "sources": ["wire-1"], "note": format!("w{w}-{i}"), "comment": "race"
                    });
                    loop {
                        let tag = send(port, "GET", "/api/districts/middle/history", &[], None)
                            .header("etag")
                            .unwrap();
                        let a = send(
                            port,
                            "POST",
                            "/api/districts/middle/states",
                            &[bearer(&token), format!("If-Match: {tag}")],
                            Some(&body.to_string()),
                        );
                        match a.status {
                            201 => break,
                            412 => conflicts += 1,
                            other => panic!("writer {w}: {other} {}", a.json),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    let conflicts: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let reads: Vec<Vec<HashSet<String>>> = readers.into_iter().map(|r| r.join().unwrap()).collect();

    let h = get(port, "/api/districts/middle/history").json;
    let notes: HashSet<String> = h["states"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|st| st["note"].as_str().map(str::to_owned))
        .filter(|n| n.starts_with('w'))
        .collect();
    assert_eq!(notes.len(), 80, "every edit survives");
    // The edits in commit order; each read holds exactly the notes of a prefix of them.
    let edits = get(port, "/api/edits?limit=1000").json;
    let mut order: Vec<String> = edits["edits"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .filter(|e| e["comment"] == "race")
        .map(|e| {
            let after = e["after"].as_array().unwrap();
            after
                .iter()
                .find_map(|st| {
                    st["note"]
                        .as_str()
                        .filter(|n| n.starts_with('w'))
                        .map(str::to_owned)
                })
                .unwrap()
        })
        .collect();
    order.dedup();
    assert_eq!(order.len(), 80);
    let prefixes: HashMap<usize, HashSet<String>> = (0..=80)
        .map(|k| (k, order[..k].iter().cloned().collect()))
        .collect();
    let mut total = 0;
    for reader in &reads {
        let mut last = 0;
        for read in reader {
            assert_eq!(
                read,
                &prefixes[&read.len()],
                "a read is not a committed prefix"
            );
            assert!(read.len() >= last, "reads go forward");
            last = read.len();
            total += 1;
        }
    }
    assert!(
        total > 30,
        "the readers read while writers wrote: {total} reads, {conflicts} conflicts"
    );
}

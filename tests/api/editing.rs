//! Live editing over real sockets: every status code a write can get, each rejected write
//! leaving the data exactly as it was; splits, withdrawals, `known_at`, the audit.

use serde_json::{Value, json};

use crate::writes::{Answer, Served, bearer, get, send, serve_small};

/// Everything a reader can see of the data: the states and their history of knowledge, the
/// lists, and the audit.
fn everything(s: &Served) -> Vec<Value> {
    let mut all: Vec<Value> = ["/api/states", "/api/sources", "/api/factions", "/api/edits"]
        .iter()
        .map(|p| get(s.port, p).json)
        .collect();
    for d in ["west", "middle", "east"] {
        all.push(
            get(
                s.port,
                &format!("/api/districts/{d}/history?include=superseded"),
            )
            .json,
        );
    }
    all
}

pub(crate) fn post_state(s: &Served, district: &str, headers: &[String], body: &Value) -> Answer {
    send(
        s.port,
        "POST",
        &format!("/api/districts/{district}/states"),
        headers,
        Some(&body.to_string()),
    )
}

pub(crate) fn contested_week() -> Value {
    json!({
        "status": "contested", "factions": ["red", "blue"],
        "valid_from": "2020-02-10", "valid_to": "2020-02-17",
        "confidence": "reported", "sources": ["wire-2"],
        "note": "clashes reported", "comment": "second wire report"
    })
}

fn problem(a: &Answer, status: u16) -> String {
    assert_eq!(a.status, status, "{}", a.json);
    assert!(
        a.head.contains("content-type: application/problem+json"),
        "{}",
        a.head
    );
    a.json["detail"].as_str().unwrap().to_owned()
}

#[test]
fn every_rejected_write_gets_its_status_and_changes_nothing() {
    let s = serve_small();
    let before = everything(&s);
    let body = contested_week();

    let detail = problem(&post_state(&s, "middle", &[], &body), 401);
    assert!(detail.contains("Authorization: Bearer"), "{detail}");
    let a = post_state(&s, "middle", &[bearer("fl_nonsense")], &body);
    assert!(problem(&a, 401).contains("unknown or has been revoked"));
    assert_eq!(
        a.header("www-authenticate").as_deref(),
        Some("bearer realm=\"frontline\"")
    );
    problem(&post_state(&s, "middle", &[bearer(&s.revoked)], &body), 401);
    problem(
        &post_state(&s, "middle", &["Authorization: Basic eDp5".into()], &body),
        401,
    );

    let faction = json!({"id": "green", "name": "Green", "color": "#2ca02c"});
    let a = send(
        s.port,
        "POST",
        "/api/factions",
        &[bearer(&s.editor)],
        Some(&faction.to_string()),
    );
    assert!(
        problem(&a, 403).contains("needs an admin token"),
        "{}",
        a.json
    );

    let a = send(
        s.port,
        "POST",
        "/api/districts/middle/states",
        &[bearer(&s.editor), "Content-Type: text/plain".into()],
        Some("status=held"),
    );
    problem(&a, 415);
    let a = send(
        s.port,
        "POST",
        "/api/districts/middle/states",
        &[bearer(&s.editor)],
        Some("{not json"),
    );
    assert!(problem(&a, 415).contains("not valid JSON"));

    problem(&post_state(&s, "nowhere", &[bearer(&s.editor)], &body), 404);

    let bad = json!({
        "status": "held", "factions": ["red", "green"], "valid_from": "2020-03-01",
        "valid_to": "2020-02-01", "confidence": "sure", "sources": ["wire-9"], "comment": " ",
        "colour": "red"
    });
    let a = post_state(&s, "middle", &[bearer(&s.editor)], &bad);
    assert!(problem(&a, 422).contains("nothing was changed"));
    let errors: Vec<&str> = a.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    for expected in [
        "`colour`: unknown field",
        "`confidence`: 'sure' is not a valid confidence",
        "`factions`: unknown faction 'green'",
        "`factions`: status 'held' needs exactly one faction, found 2",
        "`sources`: unknown source 'wire-9'",
        "`valid_to`: 2020-02-01 is not after valid_from 2020-03-01",
        "`comment`: empty",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "{expected} in {errors:?}"
        );
    }
    let a = post_state(
        &s,
        "middle",
        &[bearer(&s.editor)],
        &json!({"status": "held"}),
    );
    let errors = a.json["errors"].to_string();
    for missing in ["factions", "valid_from", "confidence", "sources", "comment"] {
        assert!(
            errors.contains(&format!("`{missing}`: missing")),
            "{missing}: {errors}"
        );
    }

    let a = post_state(
        &s,
        "middle",
        &[
            bearer(&s.editor),
            "If-Match: \"0123456789abcdef0123456789abcdef\"".into(),
        ],
        &body,
    );
    assert!(problem(&a, 412).contains("has changed since"));

    let source = json!({
        "id": "wire-1", "title": "Again", "publisher": "Wire", "published": "2020-01-01",
        "url": "https://example.org/again"
    });
    let a = send(
        s.port,
        "POST",
        "/api/sources",
        &[bearer(&s.editor)],
        Some(&source.to_string()),
    );
    assert!(problem(&a, 409).contains("exists already"));
    let a = send(
        s.port,
        "DELETE",
        "/api/states/middle@2020-02-01",
        &[bearer(&s.editor)],
        None,
    );
    assert!(problem(&a, 422).contains("nothing was changed"));
    problem(
        &send(
            s.port,
            "DELETE",
            "/api/states/middle@2020-02-02?comment=x",
            &[bearer(&s.editor)],
            None,
        ),
        404,
    );

    assert_eq!(everything(&s), before, "a rejected write changed something");
}

#[test]
fn a_recorded_state_splits_what_was_believed_and_the_earlier_knowledge_stays_readable() {
    let s = serve_small();
    let history = send(s.port, "GET", "/api/districts/middle/history", &[], None);
    let tag = history.header("etag").unwrap();
    let before_edit = get(s.port, "/api/edits").json["edits"][0]["at"]
        .as_str()
        .unwrap()
        .to_owned();
    std::thread::sleep(std::time::Duration::from_millis(5));

    let a = post_state(
        &s,
        "middle",
        &[bearer(&s.editor), format!("If-Match: {tag}")],
        &contested_week(),
    );
    assert_eq!(a.status, 201, "{}", a.json);
    assert_eq!(
        a.header("location").as_deref(),
        Some("/api/states/middle@2020-02-10")
    );
    assert_eq!(a.json["status"], "contested");
    let recorded = a.json["recorded_at"].as_str().unwrap().to_owned();
    // The new ETag is the history's, so a second edit can chain on it; the old one is stale.
    let now = send(s.port, "GET", "/api/districts/middle/history", &[], None);
    assert_eq!(a.header("etag"), now.header("etag"));
    let again = post_state(
        &s,
        "middle",
        &[bearer(&s.editor), format!("If-Match: {tag}")],
        &contested_week(),
    );
    assert_eq!(again.status, 412);

    // Blue held middle from 1 February, open-ended: now it is split around the week.
    let spans: Vec<(String, String, Value)> = now.json["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|st| {
            (
                st["status"].as_str().unwrap().to_owned(),
                st["valid_from"].as_str().unwrap()[..10].to_owned(),
                st["valid_to"].clone(),
            )
        })
        .collect();
    assert_eq!(
        spans,
        vec![
            (
                "held".into(),
                "2020-01-01".into(),
                json!("2020-01-25T00:00:00Z")
            ),
            (
                "contested".into(),
                "2020-01-25".into(),
                json!("2020-02-01T00:00:00Z")
            ),
            (
                "held".into(),
                "2020-02-01".into(),
                json!("2020-02-10T00:00:00Z")
            ),
            (
                "contested".into(),
                "2020-02-10".into(),
                json!("2020-02-17T00:00:00Z")
            ),
            ("held".into(), "2020-02-17".into(), Value::Null),
        ]
    );
    // The leftover keeps what the old state said.
    assert_eq!(now.json["states"][4]["sources"], json!(["wire-2"]));
    let with_past = get(s.port, "/api/districts/middle/history?include=superseded").json;
    let past = with_past["superseded"].as_array().unwrap();
    assert_eq!(past.len(), 1);
    assert_eq!(past[0]["valid_from"], "2020-02-01T00:00:00Z");
    assert_eq!(past[0]["valid_to"], Value::Null);
    assert_eq!(past[0]["superseded_at"].as_str(), Some(recorded.as_str()));

    // What the map says of 12 February now, and what it said before the edit.
    let side = |path: &str| {
        let snap = get(s.port, path).json;
        let f = snap["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "middle")
            .unwrap()
            .clone();
        f["properties"]["status"].as_str().unwrap().to_owned()
    };
    assert_eq!(side("/api/snapshot?at=2020-02-12"), "contested");
    assert_eq!(
        side(&format!(
            "/api/snapshot?at=2020-02-12&known_at={before_edit}"
        )),
        "held"
    );
    assert_eq!(
        side(&format!("/api/snapshot?at=2020-02-12&known_at={recorded}")),
        "contested"
    );
    let old = get(
        s.port,
        &format!("/api/districts/middle/history?known_at={before_edit}"),
    )
    .json;
    assert_eq!(old["states"].as_array().unwrap().len(), 3);
    assert_eq!(
        old["states"][2]["superseded_at"].as_str(),
        Some(recorded.as_str()),
        "marked as corrected later"
    );
    let who = get(
        s.port,
        &format!("/api/who?lon=43.015&lat=36.005&at=2020-02-12&known_at={before_edit}"),
    )
    .json;
    assert_eq!(who["state"]["status"], "held", "{who}");
    let ogc = get(
        s.port,
        &format!("/ogc/collections/control/items?district=middle&known_at={before_edit}&limit=2"),
    )
    .json;
    let next = ogc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .expect("a next page");
    assert!(
        next["href"].as_str().unwrap().contains("known_at="),
        "{next}"
    );
    let timeline = |known: &str| {
        get(s.port, &format!("/api/timeline{known}"))
            .json
            .to_string()
    };
    assert_ne!(timeline(""), timeline(&format!("?known_at={before_edit}")));
    assert_eq!(
        get(s.port, "/api/snapshot?known_at=2000-01-01").json["features"][0]["properties"]["status"],
        "unknown"
    );
    let bad = get(s.port, "/api/snapshot?known_at=last%20week");
    assert_eq!(bad.status, 400);
    assert_eq!(bad.json["parameter"], "known_at");

    // The audit: newest first, by token name, with the states before and after.
    let edits = get(s.port, "/api/edits").json;
    let e = &edits["edits"][0];
    assert_eq!(e["author"], "ed");
    assert_eq!(e["kind"], "record");
    assert_eq!(e["comment"], "second wire report");
    assert_eq!(e["before_count"], 1);
    assert_eq!(e["after_count"], 3);
    assert_eq!(e["before"][0]["id"], "middle@2020-02-01");
    assert_eq!(edits["edits"][1]["author"], "import");
    let since = get(s.port, &format!("/api/edits?since={before_edit}")).json;
    assert_eq!(since["edits"].as_array().unwrap().len(), 1);
}

#[test]
fn a_withdrawn_state_leaves_its_period_unknown_and_sources_factions_and_districts_can_be_added() {
    let s = serve_small();
    // The outline tiles' URLs name their version: edits of states leave them cached; a new
    // district does not.
    let outlines = || {
        get(s.port, "/tiles/districts.json").json["tiles"][0]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let first_outlines = outlines();
    let a = send(
        s.port,
        "DELETE",
        "/api/states/middle@2020-01-25?comment=the%20report%20was%20about%20another%20town",
        &[bearer(&s.editor)],
        None,
    );
    assert_eq!(a.status, 200, "{}", a.json);
    assert_eq!(a.json["id"], "middle@2020-01-25");
    assert!(a.json["superseded_at"].is_string());
    let snap = get(s.port, "/api/snapshot?at=2020-01-28").json;
    let middle = snap["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "middle")
        .unwrap();
    assert_eq!(middle["properties"]["status"], "unknown");
    assert_eq!(
        get(s.port, "/api/edits").json["edits"][0]["kind"],
        "retract"
    );
    assert_eq!(get(s.port, "/api/states/middle@2020-01-25").status, 404);

    let source = json!({
        "id": "un-3", "title": "Flash update", "publisher": "UN OCHA", "published": "2020-02-12",
        "url": "https://example.org/un-3", "kind": "un", "comment": "new report"
    });
    let a = send(
        s.port,
        "POST",
        "/api/sources",
        &[bearer(&s.editor)],
        Some(&source.to_string()),
    );
    assert_eq!(a.status, 201, "{}", a.json);
    let mut body = contested_week();
    body["sources"] = json!(["un-3"]);
    body["confidence"] = json!("confirmed");
    assert_eq!(
        post_state(&s, "east", &[bearer(&s.editor)], &body).status,
        201
    );
    let bad_source =
        json!({"id": "x y", "title": "T", "publisher": "P", "published": "June", "url": "ftp://x"});
    let a = send(
        s.port,
        "POST",
        "/api/sources",
        &[bearer(&s.editor)],
        Some(&bad_source.to_string()),
    );
    assert_eq!(a.status, 422);
    assert_eq!(a.json["errors"].as_array().unwrap().len(), 3, "{}", a.json);

    let faction = json!({"id": "green", "name": "Green Brigade", "color": "#2ca02c", "comment": "a third side"});
    let a = send(
        s.port,
        "POST",
        "/api/factions",
        &[bearer(&s.admin)],
        Some(&faction.to_string()),
    );
    assert_eq!(a.status, 201, "{}", a.json);
    assert_eq!(outlines(), first_outlines);
    let district = json!({
        "type": "Feature", "id": "far-east",
        "properties": {"name": "Far East", "comment": "outline from the municipality"},
        "geometry": {"type": "Polygon", "coordinates": [[[43.03,36.0],[43.04,36.0],[43.04,36.01],[43.03,36.01],[43.03,36.0]]]}
    });
    let a = send(
        s.port,
        "POST",
        "/api/districts",
        &[bearer(&s.admin)],
        Some(&district.to_string()),
    );
    assert_eq!(a.status, 201, "{}", a.json);
    assert_ne!(outlines(), first_outlines);
    let overlapping = json!({
        "type": "Feature", "id": "overlap", "properties": {"name": "Overlap"},
        "geometry": {"type": "Polygon", "coordinates": [[[43.005,36.0],[43.015,36.0],[43.015,36.01],[43.005,36.01],[43.005,36.0]]]}
    });
    let a = send(
        s.port,
        "POST",
        "/api/districts",
        &[bearer(&s.admin)],
        Some(&overlapping.to_string()),
    );
    assert_eq!(a.status, 422);
    assert!(
        a.json["errors"][0]
            .as_str()
            .unwrap()
            .contains("overlaps district 'west'"),
        "{}",
        a.json
    );
    let held = json!({
        "status": "held", "factions": ["green"], "valid_from": "2020-02-01", "valid_to": null,
        "confidence": "reported", "sources": ["un-3"], "comment": "first report of the new district"
    });
    assert_eq!(
        post_state(&s, "far-east", &[bearer(&s.editor)], &held).status,
        201
    );
    let who = get(s.port, "/api/who?lon=43.035&lat=36.005&at=2020-03-01").json;
    assert_eq!(who["state"]["faction"], "green", "{who}");
}

//! GDAL's OGC API – Features client (`ogrinfo`, `ogr2ogr` from Debian's gdal-bin) against the
//! real server with the Mosul data: the layers, their fields and counts, a full copy into a
//! GeoPackage, and the bbox and datetime GDAL sends.

use std::collections::BTreeSet;
use std::process::Command;

use frontline::domain::geometry::Bbox;
use frontline::domain::time::Instant;
use tempfile::TempDir;

use crate::helpers::{index_of, mosul_dir, serve};

/// Runs a GDAL tool; panics (failing the test) when it is missing or fails.
fn gdal(tool: &str, args: &[&str]) -> (String, String) {
    let out = Command::new(tool)
        .args(args)
        .env("CPL_DEBUG", "ON")
        .output()
        .unwrap_or_else(|e| panic!("{tool} (Debian package gdal-bin) must be installed: {e}"));
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "{tool} {args:?} failed:\n{stderr}");
    (stdout, stderr)
}

#[test]
fn ogrinfo_lists_the_control_layer_with_typed_fields_and_the_exact_count() {
    let (_db, index) = index_of(&mosul_dir());
    let (_server, port) = serve(&mosul_dir());
    let url = format!("OAPIF:http://127.0.0.1:{port}/ogc");

    let (layers, _) = gdal("ogrinfo", &["-ro", "-q", &url]);
    for layer in ["districts", "control", "frontline"] {
        assert!(
            layers.contains(&format!(": {layer} (")),
            "{layer} in {layers}"
        );
    }
    let (summary, _) = gdal("ogrinfo", &["-ro", "-so", &url, "control"]);
    assert!(
        summary.contains(&format!("Feature Count: {}", index.states.len())),
        "{summary}"
    );
    for field in [
        "district: String",
        "status: String",
        "faction: String",
        "factions: String",
        "valid_from: DateTime",
        "valid_to: DateTime",
        "confidence: String",
        "sources: String",
    ] {
        assert!(summary.contains(field), "{field} in {summary}");
    }
    assert!(!summary.contains("StringList"), "lists are text: {summary}");
    assert!(
        summary.contains("TEMPORAL_INTERVAL_MIN=2016-10-01T00:00:00Z"),
        "{summary}"
    );
}

#[test]
fn ogr2ogr_copies_every_control_state_into_a_geopackage() {
    let (_db, index) = index_of(&mosul_dir());
    let (_server, port) = serve(&mosul_dir());
    let out = TempDir::new().unwrap();
    let gpkg = out.path().join("control.gpkg");
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            gpkg.to_str().unwrap(),
            &format!("OAPIF:http://127.0.0.1:{port}/ogc"),
            "control",
        ],
    );

    let db = rusqlite::Connection::open(&gpkg).unwrap();
    let mut stmt = db
        .prepare("SELECT id, valid_from, valid_to, status FROM control")
        .unwrap();
    let copied: BTreeSet<(String, Instant, Option<Instant>, String)> = stmt
        .query_map([], |r| {
            let from: String = r.get(1)?;
            let to: Option<String> = r.get(2)?;
            Ok((
                r.get(0)?,
                from.parse().unwrap(),
                to.map(|t| t.parse().unwrap()),
                r.get(3)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected: BTreeSet<(String, Instant, Option<Instant>, String)> = (0..index.states.len())
        .map(|s| {
            let state = &index.states[s];
            (
                index.state_id(s),
                state.interval.from,
                state.interval.to,
                state.status.to_string(),
            )
        })
        .collect();
    assert_eq!(copied.len(), index.states.len());
    assert_eq!(copied, expected);
}

#[test]
fn a_spatial_filter_and_the_plain_time_filter_reach_the_server_and_select_the_map_then() {
    let (_db, index) = index_of(&mosul_dir());
    let (_server, port) = serve(&mosul_dir());
    // West Mosul around the Old City, on 3 June 2017 and at the instant Zanjili changed hands.
    let bbox = "43.10,36.32,43.15,36.36";
    for at in ["2017-06-03", "2017-06-10T00:00:00Z"] {
        // The filter as anyone would write it: GDAL sends it whole as CQL2 text and the server
        // evaluates it, nulls included.
        let filter = format!("valid_from <= '{at}' AND (valid_to IS NULL OR valid_to > '{at}')");
        let (stdout, stderr) = gdal(
            "ogrinfo",
            &[
                "-ro",
                "-q",
                &format!("OAPIF:http://127.0.0.1:{port}/ogc"),
                "control",
                "-spat",
                "43.10",
                "36.32",
                "43.15",
                "36.36",
                "-where",
                &filter,
            ],
        );
        let sent = stderr
            .lines()
            .rfind(|l| l.contains("Fetch(") && l.contains("/items?"))
            .unwrap_or_else(|| panic!("no items request in {stderr}"));
        assert!(sent.contains("bbox=43.1"), "{sent}");
        assert!(
            sent.contains("filter=") && sent.contains("filter-lang=cql-text"),
            "{sent}"
        );
        assert!(!stderr.contains("ERROR"), "{stderr}");
        let found: BTreeSet<String> = stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix("district (String) = "))
            .map(str::to_owned)
            .collect();
        let t: Instant = at.parse().unwrap();
        let expected: BTreeSet<String> = index
            .districts_in(Some(&bbox.parse::<Bbox>().unwrap()))
            .into_iter()
            .filter(|&d| index.state_at(d, t).is_some())
            .map(|d| index.districts[d as usize].district.id.clone())
            .collect();
        assert!(
            expected.contains("zanjili") && expected.len() > 10,
            "{expected:?}"
        );
        assert_eq!(found, expected, "at {at}");
        // One state per district: at a hand-over only the newer one.
        let states = stdout
            .lines()
            .filter(|l| l.trim().starts_with("district (String) = "))
            .count();
        assert_eq!(states, expected.len(), "at {at}");
    }
}

/// The districts (one per state) GDAL lists.
fn districts_listed(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("district (String) = "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_documented_time_filters_give_the_snapshot_on_every_source() {
    use frontline::export::{self, Format};
    let (tmp, index) = index_of(&mosul_dir());
    let (_server, port) = serve(&mosul_dir());
    let oapif = format!("OAPIF:http://127.0.0.1:{port}/ogc");
    let mut sources = vec![(oapif, "control".to_owned())];
    for format in [Format::Gpkg, Format::Csv, Format::Geojson] {
        let path = tmp.path().join(format!("frontline.{format}"));
        export::write_file(&index, format, &path).unwrap();
        let layer = if format == Format::Gpkg {
            "control"
        } else {
            "frontline"
        };
        sources.push((path.display().to_string(), layer.to_owned()));
    }
    let handover = index.states.iter().map(|s| s.interval.from).max().unwrap();
    for t in [
        Instant::from_ymd(2016, 10, 17),
        Instant::from_ymd(2017, 1, 24),
        handover,
    ] {
        let at = t.to_rfc3339();
        let expected: Vec<String> = {
            let mut v: Vec<String> = (0..index.districts.len() as u32)
                .filter(|&d| index.state_at(d, t).is_some())
                .map(|d| index.districts[d as usize].district.id.clone())
                .collect();
            v.sort();
            v
        };
        for (source, layer) in &sources {
            // The one form that works on every source (README, "Time filters in GDAL").
            let sql = format!(
                "SELECT district FROM \"{layer}\" WHERE valid_from <= '{at}' AND \
                 (valid_to IS NULL OR valid_to > '{at}' OR valid_to < '0')"
            );
            let mut args = vec!["-ro", "-q"];
            if source.starts_with("OAPIF") {
                // The fast way through a large layer: pages of 10,000, not GDAL's 10.
                args.extend(["-oo", "PAGE_SIZE=10000"]);
            }
            args.extend([source.as_str(), "-dialect", "SQLite", "-sql", &sql]);
            let (stdout, _) = gdal("ogrinfo", &args);
            let mut found = districts_listed(&stdout);
            found.sort();
            assert_eq!(found, expected, "{source} at {at}");
        }
        // The plain filter, on the OGC API (evaluated by the server) and the GeoPackage.
        for (source, layer) in &sources[..2] {
            let filter =
                format!("valid_from <= '{at}' AND (valid_to IS NULL OR valid_to > '{at}')");
            let (stdout, stderr) =
                gdal("ogrinfo", &["-ro", "-q", source, layer, "-where", &filter]);
            assert!(!stderr.contains("ERROR"), "{source}: {stderr}");
            let mut found = districts_listed(&stdout);
            found.sort();
            assert_eq!(found, expected, "{source} -where at {at}");
        }
    }
}

#[test]
fn ogrinfo_reads_the_events_and_sites_as_point_layers_and_filters_them_by_time() {
    let (_db, index) = index_of(&mosul_dir());
    let (_server, port) = serve(&mosul_dir());
    let url = format!("OAPIF:http://127.0.0.1:{port}/ogc");
    let events = index
        .events
        .events(&frontline::domain::events::EventQuery::default())
        .count();
    let (summary, _) = gdal("ogrinfo", &["-ro", "-so", &url, "events"]);
    assert!(summary.contains("Geometry: Point"), "{summary}");
    assert!(
        summary.contains(&format!("Feature Count: {events}")),
        "{summary}"
    );
    for field in [
        "kind: String",
        "valid_from: DateTime",
        "valid_to: DateTime",
        "largest: Integer",
        "figures: String",
    ] {
        assert!(summary.contains(field), "{field} in {summary}");
    }
    // The strike of 17 March 2017 in al-Jadida, by the server's filter on the time dimension.
    let (found, stderr) = gdal(
        "ogrinfo",
        &[
            "-ro",
            "-q",
            &url,
            "events",
            "-where",
            "valid_from <= '2017-03-17' AND valid_to > '2017-03-17' AND kind = 'airstrike'",
        ],
    );
    assert!(!stderr.contains("ERROR"), "{stderr}");
    assert!(found.contains("2017-03-17-jadida-strike"), "{found}");
    assert!(found.contains("killed civilians 125–370"), "{found}");
    assert_eq!(found.matches("OGRFeature(events)").count(), 1, "{found}");

    let (sites, _) = gdal("ogrinfo", &["-ro", "-so", &url, "sites"]);
    assert!(sites.contains("Geometry: Point"), "{sites}");
    assert!(sites.contains("Feature Count: 12"), "{sites}");
    assert!(sites.contains("peak_population: Integer"), "{sites}");
}

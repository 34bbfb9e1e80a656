//! The outline tiles zoomed out: districts wide enough on screen stay themselves, the others are
//! drawn in blocks by cell, whose ids, members and borders a client works out from
//! `/api/blocks.bin` and `/api/borders.bin` as the README documents them.

use std::collections::{BTreeSet, HashMap};

use actix_web::test;
use frontline::domain::blocks::{self, GROUP_BASE};
use frontline::domain::geometry::Bbox;
use frontline::domain::index::Index;
use frontline::domain::merge;
use frontline::domain::tiles::{self, TileId};
use geo::{Area, Euclidean, Length};

use crate::helpers::{app, index_of, mosul_dir, mvt_layers, synth_dir};

/// The block table decoded from its documented layout: last zoom, first zoom alone, cells.
struct Table {
    last: u8,
    solo_from: Vec<u8>,
    cells: Vec<(u16, u16)>,
}

fn decode(bytes: &[u8]) -> Table {
    assert_eq!(&bytes[..4], b"FLBK");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), 1);
    let count = u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    assert_eq!(bytes.len(), 12 + 5 * count);
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    Table {
        last: bytes[6],
        solo_from: bytes[12..12 + count].to_vec(),
        cells: (0..count)
            .map(|d| (u16_at(12 + count + 4 * d), u16_at(14 + count + 4 * d)))
            .collect(),
    }
}

impl Table {
    /// District `d`'s block at zoom `z`, by the README's rule.
    fn block(&self, d: usize, z: u8) -> u64 {
        if self.solo_from[d] <= z {
            return d as u64;
        }
        let (x, y) = self.cells[d];
        let shift = self.last - z;
        (1u64 << 40) + (u64::from(z) << 32) + (u64::from(y >> shift) << 16) + u64::from(x >> shift)
    }
}

async fn tile(index: Index, uri: &str) -> (Vec<u8>, Vec<u8>) {
    let service = app(index).await;
    let get = |uri: String| {
        let service = &service;
        async move {
            let resp =
                test::call_service(service, test::TestRequest::get().uri(&uri).to_request()).await;
            assert_eq!(resp.status().as_u16(), 200, "{uri}");
            test::read_body(resp).await.to_vec()
        }
    };
    (
        get(uri.to_owned()).await,
        get("/api/blocks.bin".to_owned()).await,
    )
}

#[actix_web::test]
async fn zoomed_out_a_tile_holds_each_block_once_under_the_id_the_table_gives() {
    let (_db, index) = index_of(&mosul_dir());
    // Zoom 6 holds the whole city in blocks of 6 px (at zoom 5 it is a dozen, with too few
    // borders between them to count); at zoom 7 its bigger districts stand alone.
    for (z, x, y) in [(6u8, 39, 25), (7, 79, 50)] {
        let uri = format!("/tiles/districts/{z}/{x}/{y}.mvt");
        let (body, table) = tile(index_of(&mosul_dir()).1, &uri).await;
        let table = decode(&table);
        assert_eq!(table.last, blocks::LAST_ZOOM);
        let layers = mvt_layers(&body);
        let ids = |name: &str| -> Vec<u64> {
            let (_, _, features) = layers.iter().find(|(n, _, _)| n == name).unwrap();
            features
                .iter()
                .map(|(id, props)| {
                    assert!(props.is_empty(), "{name}: no names zoomed out");
                    id.unwrap()
                })
                .collect()
        };
        let drawn = ids("districts");
        let bounds = TileId::new(u32::from(z), x, y)
            .unwrap()
            .bounds(tiles::BUFFER);
        let expected: BTreeSet<u64> = index
            .districts_in(Some(&Bbox(bounds)))
            .into_iter()
            .map(|d| table.block(d as usize, z))
            .collect();
        assert_eq!(
            drawn.iter().copied().collect::<BTreeSet<_>>(),
            expected,
            "zoom {z}"
        );
        assert_eq!(drawn.len(), expected.len(), "zoom {z}: each block once");
        assert!(
            expected.len() < index.districts.len(),
            "zoom {z}: some districts are grouped"
        );
        if z == 7 {
            assert!(
                expected.iter().any(|&b| b < GROUP_BASE),
                "zoom 7: some stand alone"
            );
        }
        // Each border between blocks is named after the first district border between them, and
        // drawn when the front runs along one of those at some instant.
        let borders = index.borders();
        let mut first: HashMap<(u64, u64), usize> = HashMap::new();
        let mut on: HashMap<(u64, u64), bool> = HashMap::new();
        for (i, b) in borders.iter().enumerate() {
            let (p, q) = (table.block(b.a as usize, z), table.block(b.b as usize, z));
            if p != q {
                let pair = (p.min(q), p.max(q));
                first.entry(pair).or_insert(i);
                *on.entry(pair).or_default() |= index.ever_on_front()[i];
            }
        }
        let expected: BTreeSet<u64> = first
            .iter()
            .filter(|(pair, _)| on[pair])
            .map(|(_, &i)| (u64::from(z) + 1) * (1 << 32) + i as u64)
            .collect();
        let drawn: BTreeSet<u64> = ids("borders").into_iter().collect();
        assert!(!expected.is_empty(), "zoom {z}: a front between blocks");
        assert!(
            drawn.is_subset(&expected),
            "zoom {z}: {:?}",
            drawn.difference(&expected).collect::<Vec<_>>()
        );
        // Only borders under a pixel long at the zoom are left out.
        let pixel = 360.0 / f64::from(1u32 << z) / 512.0;
        let length = |id: u64| -> f64 {
            let pair = first
                .iter()
                .find(|(_, i)| (u64::from(z) + 1) * (1 << 32) + **i as u64 == id)
                .unwrap()
                .0;
            borders
                .iter()
                .filter(|b| {
                    let (p, q) = (table.block(b.a as usize, z), table.block(b.b as usize, z));
                    (p.min(q), p.max(q)) == *pair
                })
                .flat_map(|b| b.lines.iter())
                .map(|l| Euclidean.length(l))
                .sum()
        };
        for &id in expected.difference(&drawn) {
            assert!(
                length(id) < pixel,
                "zoom {z}: border {id} ({} px) is not drawn",
                length(id) / pixel
            );
        }
        assert!(
            drawn.len() * 10 >= expected.len() * 9,
            "zoom {z}: {} of {} drawn",
            drawn.len(),
            expected.len()
        );
    }
}

#[actix_web::test]
async fn the_table_is_what_the_index_groups_by() {
    let (_db, index) = index_of(&mosul_dir());
    let (_, bytes) = tile(index_of(&mosul_dir()).1, "/tiles/districts/5/19/12.mvt").await;
    let table = decode(&bytes);
    let membership = index.block_membership();
    for z in 0..=blocks::LAST_ZOOM {
        for d in 0..index.districts.len() {
            assert_eq!(
                table.block(d, z),
                membership.block(d as u32, z),
                "district {d}, zoom {z}"
            );
        }
    }
}

#[actix_web::test]
async fn blocks_cover_their_members_and_neighbours_stay_closed() {
    let dir = synth_dir(3_000, 6_000, 5);
    let (_db, index) = index_of(dir.path());
    let area = |m: &geo::MultiPolygon<f64>| m.unsigned_area();
    let perimeter = |m: &geo::MultiPolygon<f64>| -> f64 {
        m.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| Euclidean.length(r))
            .sum()
    };
    for z in [3u8, 5, 7] {
        // Merged outlines are simplified again to a quarter pixel: each side moves by at most that.
        let tolerance = 360.0 / f64::from(1u32 << z) / 512.0 / 4.0;
        let level = index.blocks_at(z).unwrap();
        let outlines = index.outlines_at(z).unwrap();
        let mut grouped = 0;
        for block in &level.blocks {
            let members: f64 = block
                .members
                .iter()
                .map(|&d| area(&outlines[d as usize]))
                .sum();
            let drawn = area(&block.outline);
            assert!(
                (drawn - members).abs() <= perimeter(&block.outline) * tolerance,
                "zoom {z}, block {}: {drawn} drawn for {members} of members",
                block.id
            );
            if block.id >= GROUP_BASE {
                grouped += block.members.len();
            } else {
                assert_eq!(block.members, [u32::try_from(block.id).unwrap()]);
            }
        }
        assert!(grouped > 0, "zoom {z}: the generated cells are grouped");
        let all: usize = level.blocks.iter().map(|b| b.members.len()).sum();
        assert_eq!(
            all,
            index.districts.len(),
            "zoom {z}: every district in one block"
        );
        // No gap or sliver between neighbouring blocks: the blocks merge into as few rings as
        // the districts do.
        let whole = |parts: Vec<&geo::MultiPolygon<f64>>| {
            let merged = merge::union(parts);
            (
                merged.0.len(),
                merged.0.iter().map(|p| p.interiors().len()).sum::<usize>(),
            )
        };
        assert_eq!(
            whole(level.blocks.iter().map(|b| &b.outline).collect()),
            whole(outlines.iter().collect()),
            "zoom {z}"
        );
    }
}

#[actix_web::test]
async fn zoomed_out_the_dated_tiles_give_each_group_the_side_holding_most_of_its_area() {
    let (_db, index) = index_of(&mosul_dir());
    let at = frontline::domain::time::Instant::from_ymd(2017, 1, 24);
    let (body, _) = tile(
        index_of(&mosul_dir()).1,
        "/tiles/control/5/19/12.mvt?at=2017-01-24",
    )
    .await;
    let layers = mvt_layers(&body);
    let membership = index.block_membership();
    // Each district's side key at the instant, as the web map writes them.
    let side = |d: u32| -> String {
        let Some(s) = index.state_at(d, at).map(|s| &index.states[s]) else {
            return "unknown".to_owned();
        };
        let mut ids: Vec<&str> = s
            .factions
            .iter()
            .map(|&f| index.factions[usize::from(f)].id.as_str())
            .collect();
        if s.factions.len() == 1 && s.status.as_str() == "held" {
            return ids[0].to_owned();
        }
        ids.sort_unstable();
        format!("contested:{}", ids.join("+"))
    };
    let mut majority: HashMap<u64, (usize, String)> = HashMap::new();
    {
        let mut sums: HashMap<u64, std::collections::BTreeMap<String, f64>> = HashMap::new();
        for d in 0..index.districts.len() as u32 {
            let b = membership.block(d, 5);
            *sums.entry(b).or_default().entry(side(d)).or_default() +=
                index.districts[d as usize].area_km2;
        }
        for (b, m) in sums {
            let n = (0..index.districts.len() as u32)
                .filter(|&d| membership.block(d, 5) == b)
                .count();
            let mut best = (f64::NEG_INFINITY, String::new());
            for (k, a) in m {
                if a > best.0 + 1e-12 {
                    best = (a, k);
                }
            }
            majority.insert(b, (n, best.1));
        }
    }
    let (_, _, control) = layers.iter().find(|(n, _, _)| n == "control").unwrap();
    assert_eq!(control.len(), majority.len(), "one feature per block");
    let mut sides = BTreeSet::new();
    for (id, props) in control {
        let id = id.unwrap();
        let (n, key) = &majority[&id];
        let drawn = match props.get("status").map(String::as_str) {
            None => "unknown".to_owned(),
            Some("held") => props["faction"].clone(),
            Some(_) => {
                let mut f: Vec<&str> = props["factions"].split(';').collect();
                f.sort_unstable();
                format!("contested:{}", f.join("+"))
            }
        };
        assert_eq!(&drawn, key, "block {id}");
        sides.insert(drawn);
        if id >= GROUP_BASE {
            assert_eq!(props["districts"], n.to_string(), "block {id}");
            assert!(!props.contains_key("id"));
        } else {
            assert_eq!(props["id"], index.districts[id as usize].district.id);
        }
    }
    assert!(
        sides.len() >= 2,
        "more than one side in January 2017: {sides:?}"
    );
    // The front runs only between blocks of hostile sides.
    let (_, _, front) = layers.iter().find(|(n, _, _)| n == "frontline").unwrap();
    assert!(!front.is_empty(), "a front in the city on 24 January 2017");
    for (id, props) in front {
        assert!(id.unwrap() >= 6 << 32, "a border between blocks of zoom 5");
        assert_ne!(props["side_a"], props["side_b"]);
        assert!(props["side_a"] != "contested" && props["side_b"] != "contested");
        assert!(props["length_km"].parse::<f64>().unwrap() > 0.0);
    }
}

#[actix_web::test]
async fn within_blocks_a_dated_tile_gives_a_district_its_side_and_past_them_its_name_and_dates() {
    let (_db, index) = index_of(&mosul_dir());
    let at = frontline::domain::time::Instant::from_ymd(2017, 1, 24);
    // The tile of each zoom holding the Old City (the Mosul data set's opening view).
    let tile_at = |z: u32| {
        let (lon, lat) = (43.13f64, 36.34f64.to_radians());
        let n = f64::from(1u32 << z);
        let x = ((lon + 180.0) / 360.0 * n).floor();
        let y =
            ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor();
        format!("/tiles/control/{z}/{x}/{y}.mvt?at=2017-01-24")
    };
    let last = u32::from(blocks::LAST_ZOOM);
    for (z, full) in [(last, false), (last + 1, true)] {
        let (body, _) = tile(index_of(&mosul_dir()).1, &tile_at(z)).await;
        let layers = mvt_layers(&body);
        let (_, _, control) = layers.iter().find(|(n, _, _)| n == "control").unwrap();
        let alone: Vec<_> = control
            .iter()
            .filter(|(id, _)| id.unwrap() < GROUP_BASE)
            .collect();
        assert!(
            alone.len() > 20,
            "zoom {z}: {} districts alone",
            alone.len()
        );
        for (id, props) in alone {
            let d = id.unwrap() as u32;
            let district = &index.districts[d as usize].district;
            assert_eq!(props["id"], district.id, "zoom {z}");
            let state = index.state_at(d, at).map(|s| &index.states[s]);
            assert_eq!(
                props.get("status").map(String::as_str),
                state.map(|s| s.status.as_str()),
                "zoom {z}: {}",
                district.id
            );
            assert_eq!(props.contains_key("name"), full, "zoom {z}: {props:?}");
            match state.filter(|_| full) {
                Some(s) => assert_eq!(props["valid_from"], s.interval.from.to_rfc3339()),
                None => assert!(!props.contains_key("valid_from"), "zoom {z}: {props:?}"),
            }
        }
    }
}

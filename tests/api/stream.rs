//! The binary state stream: decoded by its documented layout and replayed forwards and backwards,
//! it gives every district's side at every instant, as the index does.

use actix_web::test;
use frontline::domain::index::{Index, Side};
use frontline::domain::time::Instant;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::helpers::{app, index_of, mosul_dir, synth_dir};

struct Stream {
    districts: usize,
    factions: usize,
    contested: Vec<Vec<u16>>,
    records: Vec<(f64, u32, u16, u16)>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

fn f64_at(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Reads the stream exactly as the README lays it out.
fn decode(b: &[u8]) -> Stream {
    assert_eq!(&b[0..4], b"FLSS");
    assert_eq!(u16_at(b, 4), 1, "version 1");
    let (districts, factions, c, n) = (u32_at(b, 8), u32_at(b, 12), u32_at(b, 16), u32_at(b, 20));
    let mut at = 32;
    let mut contested = Vec::new();
    for _ in 0..c {
        let k = usize::from(u16_at(b, at));
        contested.push((0..k).map(|i| u16_at(b, at + 2 + 2 * i)).collect());
        at += 2 + 2 * k;
    }
    at = at.div_ceil(8) * 8;
    assert_eq!(b.len(), at + 16 * n, "the records fill the rest");
    let records = (0..n)
        .map(|i| {
            let r = at + 16 * i;
            (
                f64_at(b, r),
                u32_at(b, r + 8) as u32,
                u16_at(b, r + 12),
                u16_at(b, r + 14),
            )
        })
        .collect();
    Stream {
        districts,
        factions,
        contested,
        records,
    }
}

/// A district's side at `t` in the stream's codes, from the index.
fn code(index: &Index, s: &Stream, d: u32, t: Instant) -> u16 {
    match index.state_at(d, t).map(|i| index.states[i].side()) {
        None => 0,
        Some(Side::Held(f)) => 1 + f,
        Some(Side::Contested(list)) => {
            let c = s
                .contested
                .iter()
                .position(|x| x[..] == list[..])
                .expect("a listed side");
            (1 + s.factions + c) as u16
        }
    }
}

async fn stream_of(index: Index) -> Vec<u8> {
    let service = app(index).await;
    let resp = test::call_service(
        &service,
        test::TestRequest::get().uri("/api/states.bin").to_request(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers().get("content-type").unwrap(),
        "application/vnd.frontline.states"
    );
    test::read_body(resp).await.to_vec()
}

/// Replays to each of `instants` forwards from the start and backwards from the end, and checks
/// every district against the index.
fn check_replays(index: &Index, s: &Stream, instants: &[Instant]) {
    assert_eq!(s.districts, index.districts.len());
    assert!(
        s.records
            .windows(2)
            .all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1)),
        "time-sorted"
    );
    for &t in instants {
        #[allow(clippy::cast_precision_loss)]
        let ms = t.0 as f64;
        let mut forward = vec![0u16; s.districts];
        for &(_, d, before, after) in s.records.iter().take_while(|r| r.0 <= ms) {
            assert_eq!(
                forward[d as usize], before,
                "the side before is the one replayed"
            );
            forward[d as usize] = after;
        }
        let mut backward: Vec<u16> = vec![0u16; s.districts];
        for &(_, d, _, after) in &s.records {
            backward[d as usize] = after;
        }
        for &(_, d, before, _) in s.records.iter().rev().take_while(|r| r.0 > ms) {
            backward[d as usize] = before;
        }
        for d in 0..s.districts {
            let truth = code(index, s, d as u32, t);
            assert_eq!(forward[d], truth, "forwards to {t}: district {d}");
            assert_eq!(backward[d], truth, "backwards to {t}: district {d}");
        }
    }
}

#[actix_web::test]
async fn mosul_replayed_to_every_hand_over_and_between_them_matches_the_index() {
    let (_db, index) = index_of(&mosul_dir());
    let s = decode(&stream_of(index_of(&mosul_dir()).1).await);
    let mut instants: Vec<Instant> = index.timeline().ticks.iter().map(|t| t.at).collect();
    instants.extend(index.timeline().ticks.iter().map(|t| Instant(t.at.0 - 1)));
    instants.push(Instant::from_ymd(2017, 1, 24));
    check_replays(&index, &s, &instants);
    assert!(!s.contested.is_empty(), "Mosul has contested districts");
}

#[actix_web::test]
async fn a_generated_data_set_replayed_to_random_instants_matches_the_index() {
    let dir = synth_dir(2000, 40_000, 8);
    let (_db, index) = index_of(dir.path());
    let bytes = stream_of(index_of(dir.path()).1).await;
    let s = decode(&bytes);
    let (first, last) = index.timeline().range().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let instants: Vec<Instant> = (0..40)
        .map(|_| Instant(rng.random_range(first.0 - 1..=last.0 + 1)))
        .collect();
    check_replays(&index, &s, &instants);
    assert!(
        bytes.len() < 17 * 40_000 + 1024,
        "about 16 bytes per hand-over: {}",
        bytes.len()
    );
}

//! In-process benchmarks on a generated 50,000-district / 1,000,000-state data set:
//! `who` (point and instant to district and state), a full uncached snapshot, serialised, the
//! timeline built and derived after an edit, and dated tiles.
//! Override the size with FRONTLINE_BENCH_DISTRICTS / FRONTLINE_BENCH_STATES.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use frontline::domain::index::Index;
use frontline::domain::synth;
use frontline::domain::time::Instant;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn index() -> Index {
    let params = synth::Params {
        districts: size("FRONTLINE_BENCH_DISTRICTS", 50_000),
        states: size("FRONTLINE_BENCH_STATES", 1_000_000),
        seed: 1,
        river_m: 0.0,
        events: 0,
    };
    Index::build(synth::generate(&params), &[], 0)
}

fn benches(c: &mut Criterion) {
    let index = index();
    let extent = index.extent().unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (t0, t1) = (
        Instant::from_ymd(2020, 1, 1).0,
        Instant::from_ymd(2023, 1, 1).0,
    );
    let queries: Vec<(f64, f64, Instant)> = (0..10_000)
        .map(|_| {
            (
                rng.random_range(extent.min().x..extent.max().x),
                rng.random_range(extent.min().y..extent.max().y),
                Instant(rng.random_range(t0..t1)),
            )
        })
        .collect();
    let mut n = 0;
    c.bench_function("who", |b| {
        b.iter(|| {
            let (lon, lat, t) = queries[n % queries.len()];
            n += 1;
            black_box(index.who(lon, lat, t))
        });
    });
    let mut n = 0;
    c.bench_function("who/district_only", |b| {
        b.iter(|| {
            let (lon, lat, _) = queries[n % queries.len()];
            n += 1;
            black_box(index.district_at(lon, lat))
        });
    });
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("full_serialised", |b| {
        b.iter(|| {
            black_box(
                frontline::http::snapshot_json(&index, Instant::from_ymd(2021, 6, 1), None).len(),
            )
        });
    });
    group.finish();
    timeline_benches(c, &index);
    tile_benches(c, &index);
}

/// The timeline (what `/api/meta`, `/api/timeline` and the area figures read): built whole, and
/// derived after an edit of one district from the timeline before it.
fn timeline_benches(c: &mut Criterion, index: &Index) {
    let mut group = c.benchmark_group("timeline");
    group.sample_size(10);
    let area: Vec<f64> = index.districts.iter().map(|d| d.area_km2).collect();
    group.bench_function("build", |b| {
        b.iter(|| {
            let built =
                frontline::domain::changes::build(&index.states, &area, index.factions.len());
            black_box(built.events.len())
        });
    });
    index.timeline();
    let d = 1234;
    let mut states = index.history(d).to_vec();
    states.pop();
    group.bench_function("one_edit_alone", |b| {
        b.iter(|| {
            let next = index.with_district(d, states.clone(), Vec::new(), index.revision + 1);
            black_box(next.revision)
        });
    });
    group.bench_function("after_one_edit", |b| {
        b.iter(|| {
            let next = index.with_district(d, states.clone(), Vec::new(), index.revision + 1);
            black_box(next.timeline().events.len())
        });
    });
    group.finish();
}

/// Dated vector tiles: the tile that holds the whole data set (every district, most of them
/// under a pixel), and tiles 3, 5 and 7 zooms deeper at its centre. Prints each tile's size.
fn tile_benches(c: &mut Criterion, index: &Index) {
    use frontline::domain::tiles::TileId;
    let extent = index.extent().unwrap();
    let centre = extent.center();
    let at = Instant::from_ymd(2021, 6, 1);
    let tile_at = |z: u32| {
        let probe = TileId::new(z, 0, 0).unwrap();
        let p = probe.project(centre);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        TileId::new(z, (p.x / 4096.0) as u32, (p.y / 4096.0) as u32).unwrap()
    };
    // The deepest zoom whose one tile still holds the whole extent.
    let whole = (0..12)
        .rev()
        .find(|&z| {
            let t = tile_at(z);
            let b = t.bounds(0);
            b.min().x <= extent.min().x
                && b.max().x >= extent.max().x
                && b.min().y <= extent.min().y
                && b.max().y >= extent.max().y
        })
        .unwrap_or(0);
    let mut group = c.benchmark_group("tile");
    group.sample_size(10);
    for z in [whole, whole + 3, whole + 5, whole + 7] {
        let tile = tile_at(z);
        let bytes = frontline::tiles::control_tile(index, tile, at)
            .unwrap()
            .unwrap_or_default();
        println!(
            "tile {}/{}/{}: {} bytes",
            tile.z,
            tile.x,
            tile.y,
            bytes.len()
        );
        group.bench_function(format!("z{z}"), |b| {
            b.iter(|| black_box(frontline::tiles::control_tile(index, tile, at).unwrap()));
        });
    }
    group.finish();
    let stream = frontline::tiles::stream::encode(index);
    println!("state stream: {} bytes", stream.len());
    let mut group = c.benchmark_group("state_stream");
    group.sample_size(10);
    group.bench_function("encode", |b| {
        b.iter(|| black_box(frontline::tiles::stream::encode(index).len()));
    });
    group.finish();
}

criterion_group!(core, benches);
criterion_main!(core);

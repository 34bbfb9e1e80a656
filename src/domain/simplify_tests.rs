use std::collections::{HashMap, HashSet};
use std::f64::consts::{PI, TAU};

use geo::{Area, coord};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rstest::rstest;

use super::*;

/// A closed ring through `points`.
fn ring(points: &[(f64, f64)]) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.iter().map(|&(x, y)| coord! { x: x, y: y }).collect();
    coords.push(coords[0]);
    LineString::new(coords)
}

fn district(exterior: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> MultiPolygon<f64> {
    let holes = holes.iter().map(|h| ring(h)).collect();
    MultiPolygon::new(vec![Polygon::new(ring(exterior), holes)])
}

fn rings(d: &MultiPolygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    d.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

fn vertex_keys(d: &MultiPolygon<f64>) -> HashSet<u128> {
    rings(d).flat_map(|r| r.0.iter().map(|&c| key(c))).collect()
}

/// Vertices of all rings, closing positions not counted.
fn vertex_count(ds: &[MultiPolygon<f64>]) -> usize {
    ds.iter()
        .flat_map(rings)
        .map(|r| r.0.len().saturating_sub(1))
        .sum()
}

/// Every vertex that several districts used before is kept by all of them or by none.
fn assert_shared_vertices_match(before: &[MultiPolygon<f64>], after: &[MultiPolygon<f64>]) {
    let mut users: HashMap<u128, Vec<usize>> = HashMap::new();
    for (i, d) in before.iter().enumerate() {
        for k in vertex_keys(d) {
            users.entry(k).or_default().push(i);
        }
    }
    let kept: Vec<HashSet<u128>> = after.iter().map(vertex_keys).collect();
    for (k, users) in users.iter().filter(|(_, u)| u.len() > 1) {
        let by: Vec<bool> = users.iter().map(|&d| kept[d].contains(k)).collect();
        assert!(
            by.iter().all(|&b| b == by[0]),
            "vertex {k:x} kept by some of districts {users:?} only: {by:?}"
        );
    }
}

/// The simplified districts still tile: every edge is some other ring's edge reversed, except
/// between two points of the outer frame `[x0, x1] × [y0, y1]`.
#[expect(clippy::float_cmp, reason = "the frame's coordinates are exact")]
fn assert_edges_paired(after: &[MultiPolygon<f64>], (x0, x1, y0, y1): (f64, f64, f64, f64)) {
    let edges: HashSet<(u128, u128)> = after
        .iter()
        .flat_map(rings)
        .flat_map(|r| r.0.windows(2).map(|w| (key(w[0]), key(w[1]))))
        .collect();
    for r in after.iter().flat_map(rings) {
        for w in r.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let framed = |c: Coord<f64>| c.x == x0 || c.x == x1 || c.y == y0 || c.y == y1;
            let on_frame = framed(a) && framed(b);
            assert!(
                on_frame || edges.contains(&(key(b), key(a))),
                "edge {a:?} → {b:?} has no neighbour along it"
            );
        }
    }
}

/// Whether two closed rings are the same cycle of points, in either direction.
fn same_cycle(a: &LineString<f64>, b: &LineString<f64>) -> bool {
    let (a, b) = (&a.0[..a.0.len() - 1], &b.0[..b.0.len() - 1]);
    let n = a.len();
    n == b.len()
        && (0..n).any(|s| {
            (0..n).all(|i| a[(s + i) % n] == b[i]) || (0..n).all(|i| a[(s + n - i) % n] == b[i])
        })
}

fn area(ds: &[MultiPolygon<f64>]) -> f64 {
    ds.iter().map(Area::unsigned_area).sum()
}

/// A zigzag from (1, 0) up to (1, 1), 0.001 either side, on a bump 0.2 high: the border of two
/// squares side by side.
fn zigzag() -> Vec<(f64, f64)> {
    (1..80)
        .map(|i| {
            let t = f64::from(i) / 80.0;
            let zig = if i % 2 == 0 { 0.001 } else { -0.001 };
            (1.0 + 0.2 * (PI * t).sin() + zig, t)
        })
        .collect()
}

#[test]
fn two_squares_keep_the_same_vertices_along_their_jagged_border() {
    let edge = zigzag();
    let mut a = vec![(0.0, 0.0), (1.0, 0.0)];
    a.extend(&edge);
    a.extend([(1.0, 1.0), (0.0, 1.0)]);
    let mut b = vec![(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0)];
    b.extend(edge.iter().rev());
    let before = [district(&a, &[]), district(&b, &[])];

    let after = simplify_shared(&before, 0.01);

    let shared: HashSet<u128> = vertex_keys(&before[0])
        .intersection(&vertex_keys(&before[1]))
        .copied()
        .collect();
    let on_border = |d: &MultiPolygon<f64>| -> HashSet<u128> {
        vertex_keys(d).intersection(&shared).copied().collect()
    };
    assert_eq!(on_border(&after[0]), on_border(&after[1]));
    // The zigzag is gone, the bump is not.
    let kept = on_border(&after[0]).len();
    assert!((5..20).contains(&kept), "{kept} of {} kept", shared.len());
    assert_edges_paired(&after, (0.0, 2.0, 0.0, 1.0));
}

/// A line from `a` to `b` with 20 points in between, 0.001 off to alternate sides.
fn jagged(a: (f64, f64), b: (f64, f64)) -> Vec<(f64, f64)> {
    (1..20)
        .map(|i| {
            let t = f64::from(i) / 20.0;
            let zig = if i % 2 == 0 { 0.001 } else { -0.001 };
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            (a.0 + dx * t - dy * zig, a.1 + dy * t + dx * zig)
        })
        .collect()
}

fn chain(parts: &[&[(f64, f64)]]) -> Vec<(f64, f64)> {
    parts.concat()
}

#[test]
fn three_districts_meeting_at_a_t_junction_all_keep_it() {
    // South spans the whole width; west and east sit on it and meet at (1, 1), which lies on
    // the straight line of south's northern side.
    let (t, east_top) = ((1.0, 1.0), (1.0, 2.0));
    let west_half = jagged((0.0, 1.0), t);
    let east_half = jagged(t, (2.0, 1.0));
    let middle = jagged(t, east_top);
    let rev = |v: &[(f64, f64)]| v.iter().rev().copied().collect::<Vec<_>>();
    let south = chain(&[
        &[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0)],
        &rev(&east_half),
        &[t],
        &rev(&west_half),
        &[(0.0, 1.0)],
    ]);
    let west = chain(&[
        &[(0.0, 1.0)],
        &west_half,
        &[t],
        &middle,
        &[east_top, (0.0, 2.0)],
    ]);
    let east = chain(&[
        &[t],
        &east_half,
        &[(2.0, 1.0), (2.0, 2.0), east_top],
        &rev(&middle),
    ]);
    let before = [
        district(&south, &[]),
        district(&west, &[]),
        district(&east, &[]),
    ];

    let after = simplify_shared(&before, 0.05);

    for d in &after {
        assert!(vertex_keys(d).contains(&key(coord! { x: 1.0, y: 1.0 })));
    }
    // Everything else along the borders is gone.
    assert_eq!(vertex_count(&after), 5 + 4 + 4);
    assert_shared_vertices_match(&before, &after);
    assert_edges_paired(&after, (0.0, 2.0, 0.0, 2.0));
}

/// A wobbly circle of `n` points around (5, 5), counter-clockwise from angle 0.
fn island(n: u32, radius: f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = TAU * f64::from(i) / f64::from(n);
            let r = radius * (1.0 + 0.05 * (7.0 * a).sin());
            (5.0 + r * a.cos(), 5.0 + r * a.sin())
        })
        .collect()
}

/// A 10 × 10 square district with `island` as a hole, clockwise and starting elsewhere, and
/// the island as a district of its own.
fn enclave(island: &[(f64, f64)]) -> [MultiPolygon<f64>; 2] {
    let mut hole: Vec<(f64, f64)> = island.iter().rev().copied().collect();
    hole.rotate_left(island.len() / 3);
    let square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
    [district(&square, &[&hole]), district(island, &[])]
}

#[rstest]
#[case::a_little(0.01, 40)]
#[case::down_to_four_points(1.5, 4)]
fn an_enclave_and_the_hole_around_it_stay_identical(
    #[case] tolerance: f64,
    #[case] at_most: usize,
) {
    let before = enclave(&island(120, 1.0));

    let after = simplify_shared(&before, tolerance);

    let hole = &after[0].0[0].interiors()[0];
    let island = after[1].0[0].exterior();
    assert!(same_cycle(hole, island), "{hole:?} vs {island:?}");
    // An island wider than the tolerance keeps at least four corners.
    let corners = island.0.len() - 1;
    assert!((4..=at_most).contains(&corners), "{corners} corners");
}

#[test]
fn a_district_smaller_than_the_tolerance_is_dropped_and_its_neighbour_keeps_its_shape() {
    let tiny = [(5.0, 5.0), (5.1, 5.0), (5.1, 5.1), (5.0, 5.1)];
    let before = enclave(&tiny);

    let after = simplify_shared(&before, 0.5);

    assert!(after[1].0.is_empty());
    assert_eq!(after[0].0.len(), 1);
    assert!(same_cycle(
        after[0].0[0].exterior(),
        before[0].0[0].exterior()
    ));
    assert!(after[0].0[0].interiors().is_empty(), "the hole is filled");
}

#[test]
fn a_sliver_between_two_neighbours_collapses_and_they_close_over_it() {
    let (lo, tip, hi) = ((1.0, 0.4), (1.01, 0.5), (1.0, 0.6));
    let before = [
        district(
            &[(0.0, 0.0), (1.0, 0.0), lo, hi, (1.0, 1.0), (0.0, 1.0)],
            &[],
        ),
        district(
            &[(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), hi, tip, lo],
            &[],
        ),
        district(&[lo, tip, hi], &[]),
    ];

    let after = simplify_shared(&before, 0.05);

    assert!(after[2].0.is_empty());
    assert!(same_cycle(
        after[0].0[0].exterior(),
        before[0].0[0].exterior()
    ));
    assert_eq!(vertex_count(&after[1..2]), 6);
    assert_edges_paired(&after, (0.0, 2.0, 0.0, 1.0));
}

#[test]
fn a_district_keeps_its_large_part_when_a_tiny_part_is_dropped() {
    let big = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]);
    let speck = ring(&[(3.0, 3.0), (3.01, 3.0), (3.0, 3.01)]);
    let before = [MultiPolygon::new(vec![
        Polygon::new(big.clone(), vec![]),
        Polygon::new(speck, vec![]),
    ])];

    let after = simplify_shared(&before, 0.1);

    assert_eq!(after[0].0.len(), 1);
    assert!(same_cycle(after[0].0[0].exterior(), &big));
}

#[test]
fn a_tolerance_of_zero_changes_nothing() {
    let before = enclave(&island(30, 1.0));
    assert_eq!(simplify_shared(&before, 0.0), before.to_vec());
}

const CELL: f64 = 0.01;
const ORIGIN: (f64, f64) = (38.0, 34.0);

/// A `cols × rows` grid of about 1 km cells with jittered corners, whose edges wander between
/// them through 4 to 14 points (20 to 60 vertices a cell); the outer frame is straight.
#[expect(clippy::cast_precision_loss, reason = "grid indices are small")]
fn jagged_grid(cols: usize, rows: usize, seed: u64) -> Vec<MultiPolygon<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let corner: Vec<Vec<Coord<f64>>> = (0..=rows)
        .map(|r| {
            (0..=cols)
                .map(|c| {
                    let frame = r == 0 || c == 0 || r == rows || c == cols;
                    let j = if frame { 0.0 } else { 0.3 };
                    coord! {
                        x: ORIGIN.0 + (c as f64 + rng.random_range(-j..=j)) * CELL,
                        y: ORIGIN.1 + (r as f64 + rng.random_range(-j..=j)) * CELL,
                    }
                })
                .collect()
        })
        .collect();
    let mut edge = |a: Coord<f64>, b: Coord<f64>, frame: bool| -> Vec<Coord<f64>> {
        let k = rng.random_range(4..=14);
        let bend = if frame {
            0.0
        } else {
            rng.random_range(-1.0..1.0)
        };
        let d = b - a;
        (1..=k)
            .map(|i| {
                let t = f64::from(i) / f64::from(k + 1);
                let wiggle = if frame {
                    0.0
                } else {
                    0.2 * bend * (PI * t).sin() + rng.random_range(-0.01..0.01)
                };
                a + d * t + coord! { x: -d.y, y: d.x } * wiggle
            })
            .collect()
    };
    let east: Vec<Vec<Vec<Coord<f64>>>> = (0..=rows)
        .map(|r| {
            (0..cols)
                .map(|c| edge(corner[r][c], corner[r][c + 1], r == 0 || r == rows))
                .collect()
        })
        .collect();
    let north: Vec<Vec<Vec<Coord<f64>>>> = (0..rows)
        .map(|r| {
            (0..=cols)
                .map(|c| edge(corner[r][c], corner[r + 1][c], c == 0 || c == cols))
                .collect()
        })
        .collect();
    let mut cells = Vec::with_capacity(cols * rows);
    for r in 0..rows {
        for c in 0..cols {
            let mut outline = vec![corner[r][c]];
            outline.extend(&east[r][c]);
            outline.push(corner[r][c + 1]);
            outline.extend(&north[r][c + 1]);
            outline.push(corner[r + 1][c + 1]);
            outline.extend(east[r + 1][c].iter().rev());
            outline.push(corner[r + 1][c]);
            outline.extend(north[r][c].iter().rev());
            outline.push(corner[r][c]);
            cells.push(MultiPolygon::new(vec![Polygon::new(
                LineString::new(outline),
                vec![],
            )]));
        }
    }
    cells
}

/// Half a pixel of a 512-pixel tile at zoom `z`, degrees.
fn tolerance_at(z: i32) -> f64 {
    360.0 / 2f64.powi(z) / 512.0 / 2.0
}

#[rstest]
#[case::zoom_5(5, 0.11)]
#[case::zoom_8(8, 0.2)]
#[case::zoom_12(12, 0.6)]
fn a_jagged_grid_keeps_its_area_and_shared_borders_with_far_fewer_vertices(
    #[case] zoom: i32,
    #[case] vertices_at_most: f64,
) {
    let (cols, rows) = (40_u32, 30_u32);
    let before = jagged_grid(cols as usize, rows as usize, 7);

    let after = simplify_shared(&before, tolerance_at(zoom));

    let (area_before, area_after) = (area(&before), area(&after));
    assert!(
        (area_after / area_before - 1.0).abs() < 0.01,
        "{area_before} → {area_after}"
    );
    let (count_before, count_after) = (vertex_count(&before), vertex_count(&after));
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let ratio = count_after as f64 / count_before as f64;
    assert!(ratio <= vertices_at_most, "{count_before} → {count_after}");
    assert!(after.iter().all(|d| d.0.len() == 1), "no cell vanishes");
    assert_shared_vertices_match(&before, &after);
    let far = (
        ORIGIN.0 + f64::from(cols) * CELL,
        ORIGIN.1 + f64::from(rows) * CELL,
    );
    assert_edges_paired(&after, (ORIGIN.0, far.0, ORIGIN.1, far.1));
}

#[test]
fn the_order_of_the_districts_does_not_change_the_result() {
    let before = jagged_grid(12, 10, 3);
    let reversed: Vec<MultiPolygon<f64>> = before.iter().rev().cloned().collect();

    let forwards = simplify_shared(&before, tolerance_at(8));
    let mut backwards = simplify_shared(&reversed, tolerance_at(8));
    backwards.reverse();

    assert_eq!(forwards, backwards);
}

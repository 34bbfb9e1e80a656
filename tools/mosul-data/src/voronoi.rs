//! Voronoi cells by half-plane clipping, in a metric plane.
//!
//! The cell of seed *i* is the set of points closer to *i* than to any other seed: the frame
//! rectangle cut by the half-plane of every bisector. With the few dozen seeds per bank this is
//! simple, exact up to floating point and deterministic (no hashing, no randomness).
//!
//! # Runtime
//! O(n² · k) for n seeds and cells of at most k vertices; n ≈ 50 here.

use geo::{Coord, LineString, Polygon, Rect};

/// The Voronoi cell of every seed, clipped to `frame`, in seed order. A cell is empty (no
/// exterior coordinates) only when two seeds coincide.
#[must_use]
pub fn cells(seeds: &[Coord], frame: Rect) -> Vec<Polygon> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let mut ring: Vec<Coord> = frame.to_polygon().exterior().coords().copied().collect();
            ring.pop(); // open ring while clipping
            for (j, &t) in seeds.iter().enumerate() {
                if i != j {
                    ring = clip_closer_to(&ring, s, t);
                }
            }
            close(ring)
        })
        .collect()
}

/// Keeps the part of the convex ring `ring` (open, no repeated first vertex) that is at least as
/// close to `s` as to `t` (Sutherland–Hodgman against the bisector of `s` and `t`).
fn clip_closer_to(ring: &[Coord], s: Coord, t: Coord) -> Vec<Coord> {
    let normal = t - s;
    let mid = Coord {
        x: f64::midpoint(s.x, t.x),
        y: f64::midpoint(s.y, t.y),
    };
    // ≤ 0: on s's side of the bisector.
    let side = |p: Coord| (p.x - mid.x) * normal.x + (p.y - mid.y) * normal.y;
    let mut out = Vec::with_capacity(ring.len() + 1);
    for (k, &a) in ring.iter().enumerate() {
        let b = ring[(k + 1) % ring.len()];
        let (da, db) = (side(a), side(b));
        if da <= 0.0 {
            out.push(a);
        }
        if (da < 0.0 && db > 0.0) || (da > 0.0 && db < 0.0) {
            let f = da / (da - db);
            out.push(Coord {
                x: a.x + (b.x - a.x) * f,
                y: a.y + (b.y - a.y) * f,
            });
        }
    }
    out
}

fn close(mut ring: Vec<Coord>) -> Polygon {
    if ring.len() < 3 {
        return Polygon::new(LineString::new(vec![]), vec![]);
    }
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, BooleanOps, Contains, coord};

    fn frame() -> Rect {
        Rect::new(coord! { x: 0.0, y: 0.0 }, coord! { x: 100.0, y: 100.0 })
    }

    #[test]
    fn two_seeds_split_the_frame_along_their_bisector() {
        let c = cells(
            &[coord! { x: 25.0, y: 50.0 }, coord! { x: 75.0, y: 50.0 }],
            frame(),
        );
        assert!((c[0].unsigned_area() - 5000.0).abs() < 1e-9);
        assert!((c[1].unsigned_area() - 5000.0).abs() < 1e-9);
        assert!(c[0].contains(&coord! { x: 49.0, y: 99.0 }));
        assert!(!c[0].contains(&coord! { x: 51.0, y: 1.0 }));
    }

    #[test]
    fn cells_contain_their_seed_tile_the_frame_and_do_not_overlap() {
        // A fixed, irregular set of seeds (no RNG): a small lattice, sheared and jittered.
        let seeds: Vec<Coord> = (0..30)
            .map(|i| {
                let (row, col) = (f64::from(i / 6), f64::from(i % 6));
                coord! { x: 8.0 + col * 16.0 + row * 2.3, y: 10.0 + row * 19.0 + (col * 7.0) % 5.0 }
            })
            .collect();
        let c = cells(&seeds, frame());
        let total: f64 = c.iter().map(Area::unsigned_area).sum();
        assert!(
            (total - 10_000.0).abs() < 1e-6,
            "cells cover the frame once: {total}"
        );
        for (i, cell) in c.iter().enumerate() {
            assert!(cell.contains(&seeds[i]), "seed {i} is inside its own cell");
            for other in &c[i + 1..] {
                assert!(cell.intersection(other).unsigned_area() < 1e-6);
            }
        }
    }
}

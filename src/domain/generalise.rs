//! District outlines generalised per zoom level for tiles: each zoom up to [`LAST_ZOOM`] gets the
//! whole set simplified once, to a quarter of a screen pixel, keeping shared borders shared
//! ([`simplify::simplify_shared`]); deeper zooms use the outlines as they are. Computed on first
//! use of a zoom and kept with the index.

use std::sync::OnceLock;

use geo::MultiPolygon;

use super::geometry;
use super::index::Index;
use super::simplify;

/// The deepest zoom whose outlines are simplified: at zoom 12 a quarter pixel of a 512-pixel
/// tile is under 5 m, finer than any boundary in the data.
pub const LAST_ZOOM: u8 = 12;

/// The tolerance of zoom `z` in degrees: a quarter of a pixel of a 512-pixel tile.
#[must_use]
pub fn tolerance(z: u8) -> f64 {
    360.0 / f64::from(1u32 << z) / 512.0 / 4.0
}

/// The lazily filled outline sets, one per zoom 0..=LAST_ZOOM.
#[derive(Debug, Default)]
pub struct Generalised {
    levels: [OnceLock<Vec<MultiPolygon<f64>>>; LAST_ZOOM as usize + 1],
}

impl Index {
    /// Every district's outline as drawn at zoom `z`, by district index; `None` past
    /// [`LAST_ZOOM`], where the outlines are used as they are.
    ///
    /// # Runtime
    /// The first call for a zoom simplifies every district (about a second for 50,000 districts
    /// of a few dozen vertices); later ones are free.
    pub fn outlines_at(&self, z: u8) -> Option<&[MultiPolygon<f64>]> {
        let level = self.generalised.levels.get(usize::from(z))?;
        Some(level.get_or_init(|| {
            let outlines: Vec<MultiPolygon<f64>> = self
                .districts
                .iter()
                .map(|d| geometry::as_multi_polygon(&d.district.geometry))
                .collect();
            simplify::simplify_shared(&outlines, tolerance(z))
        }))
    }

    /// By border index, whether the front runs along it at some instant of the history as it is
    /// believed now or as it was known at any earlier time: the only borders a map of any date,
    /// as published on any date, must be able to draw as front line.
    pub fn ever_on_front(&self) -> &[bool] {
        &self.on_front().borders
    }

    /// What the outline tiles show, as a non-negative number for their URLs: the outlines
    /// ([`Index::outline_version`]) and the borders the front ever runs along. An edit of states
    /// that brings the front to a border it never ran along changes it; other edits do not.
    pub fn tiles_version(&self) -> i64 {
        self.on_front().version
    }

    fn on_front(&self) -> &OnFront {
        self.on_front.get_or_init(|| {
            let mut on = vec![false; self.borders().len()];
            for piece in self.fronts() {
                on[piece.border as usize] = true;
            }
            // A map as known earlier holds some of the states believed now and some no longer
            // believed: where a district has states of the second kind, every pair of them may
            // have been on the map together.
            for (i, border) in self.borders().iter().enumerate() {
                let revised = |d: u32| !self.past.district(d as usize).is_empty();
                if !on[i] && (revised(border.a) || revised(border.b)) {
                    on[i] = self.ever_hostile(border.a, border.b);
                }
            }
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            h.update(&self.outline_version.to_le_bytes());
            for chunk in on.chunks(64) {
                let bits = chunk
                    .iter()
                    .enumerate()
                    .fold(0u64, |w, (i, &b)| w | (u64::from(b) << i));
                h.update(&bits.to_le_bytes());
            }
            #[expect(clippy::cast_possible_wrap, reason = "shifted right: below 2^63")]
            let version = (h.digest() >> 1) as i64;
            OnFront {
                borders: on,
                version,
            }
        })
    }
}

impl Index {
    /// Whether some state of district `a` and some state of `b`, believed now or no longer,
    /// overlap in time and are held by hostile sides.
    ///
    /// # Runtime
    /// O(m·n) for their m and n states, believed or not.
    fn ever_hostile(&self, a: u32, b: u32) -> bool {
        let all = |d: u32| self.history(d).iter().chain(self.past.district(d as usize));
        all(a).any(|x| {
            all(b).any(|y| x.interval.overlaps(&y.interval) && self.hostile(&x.side(), &y.side()))
        })
    }
}

/// By border, whether the front ever runs along it, and the outline tiles' version from that.
#[derive(Debug)]
pub struct OnFront {
    borders: Vec<bool>,
    version: i64,
}

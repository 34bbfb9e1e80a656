//! The view the web map opens on, and the outline tiles it asks for first: the server frames
//! the map (so the page draws its first tiles at the right zoom, with no second framing once
//! the district list is in) and prepares those tiles before the first visitor comes.

use geo::{Coord, Rect};

use super::index::Index;
use super::tiles::{MAX_ZOOM, TileId};

/// The map's tiles are 512 pixels a side (MapLibre's zoom z draws tiles of zoom ⌊z⌋).
const TILE_PX: f64 = 512.0;

/// The padding, in pixels, the page leaves around the view it opens on when the data set sets
/// none (`default_view` is shown edge to edge).
pub const PADDING_PX: f64 = 8.0;

/// Map sizes in pixels from a phone to a large desktop screen (the map under the page's bar).
const SCREENS: [(f64, f64); 5] = [
    (360.0, 560.0),
    (768.0, 900.0),
    (1280.0, 740.0),
    (1920.0, 1000.0),
    (2560.0, 1340.0),
];

/// At most this many tiles are prepared per zoom.
const MAX_TILES_PER_ZOOM: usize = 64;

impl Index {
    /// The view the web map opens on and reports frame when no box is asked for, and the padding
    /// the web map leaves around it: the data set's `default_view` edge to edge (it knows where
    /// its story is), else its core ([`Index::core_extent`]) with [`PADDING_PX`].
    #[must_use]
    pub fn opening_view(&self) -> Option<(Rect<f64>, f64)> {
        match self.meta.default_view {
            Some([w, s, e, n]) => {
                Some((Rect::new(Coord { x: w, y: s }, Coord { x: e, y: n }), 0.0))
            }
            None => self.core_extent().map(|r| (r, PADDING_PX)),
        }
    }

    /// The data set's core: the box of the districts whose envelope centre lies within four
    /// times the median distance of the median centre and whose area is at most ten times the
    /// median district's. Not simply every district: a data set may carry far-off places
    /// (Mosul's has the Tabqa dam and Raqqa, 400 km away in Syria) and huge context polygons (the
    /// five towns around Mosul are whole sub-districts, 15–60 times a city district); framing
    /// those shrinks the city to a corner. For an evenly sized data set (a grid, a country's
    /// provinces) it is every district. It does not depend on the date.
    #[must_use]
    pub fn core_extent(&self) -> Option<Rect<f64>> {
        let centres: Vec<Coord<f64>> = self.districts.iter().map(|d| d.envelope.center()).collect();
        let mid = Coord {
            x: median(centres.iter().map(|c| c.x)),
            y: median(centres.iter().map(|c| c.y)),
        };
        let distance: Vec<f64> = centres
            .iter()
            .map(|c| (c.x - mid.x).hypot(c.y - mid.y))
            .collect();
        let limit = (4.0 * median(distance.iter().copied())).max(1e-9);
        let area_limit = 10.0 * median(self.districts.iter().map(|d| d.area_km2));
        self.districts
            .iter()
            .zip(&distance)
            .filter(|(d, far)| **far <= limit && d.area_km2 <= area_limit)
            .map(|(d, _)| d.envelope)
            .reduce(|a, b| {
                Rect::new(
                    Coord {
                        x: a.min().x.min(b.min().x),
                        y: a.min().y.min(b.min().y),
                    },
                    Coord {
                        x: a.max().x.max(b.max().x),
                        y: a.max().y.max(b.max().y),
                    },
                )
            })
    }
}

/// The upper median (deterministic, no averaging); 0 for nothing.
fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Web Mercator: `lat` as a fraction of the world's height from the north edge.
fn world_y(lat: f64) -> f64 {
    let r = lat
        .clamp(-85.051_128_779_806_6, 85.051_128_779_806_6)
        .to_radians();
    (1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0
}

/// The tile zooms a map framed on `view` with `padding` pixels around it draws first, on
/// screens from a phone to a large desktop, lowest first.
#[must_use]
pub fn opening_zooms(view: Rect<f64>, padding: f64) -> Vec<u8> {
    let wide = ((view.max().x - view.min().x) / 360.0).max(1e-9);
    let tall = (world_y(view.min().y) - world_y(view.max().y)).max(1e-9);
    let mut zooms: Vec<u8> = SCREENS
        .iter()
        .map(|&(w, h)| {
            let fit = ((w - 2.0 * padding) / (TILE_PX * wide))
                .min((h - 2.0 * padding) / (TILE_PX * tall));
            // Truncation after the clamp is the floor of a zoom within 0..=MAX_ZOOM.
            #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let z = fit.log2().clamp(0.0, f64::from(MAX_ZOOM)) as u8;
            z
        })
        .collect();
    zooms.sort_unstable();
    zooms.dedup();
    zooms
}

/// The tiles of zoom `z` that `view` touches, row by row; none when there are more than
/// [`MAX_TILES_PER_ZOOM`].
#[must_use]
pub fn tiles_over(view: Rect<f64>, z: u8) -> Vec<TileId> {
    let n = 1u32 << z;
    let top = f64::from(n) - 1.0;
    // Clamped to the tile grid before the truncation to a column or row.
    #[expect(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let cell = |f: f64| (f * f64::from(n)).floor().clamp(0.0, top) as u32;
    let (x0, x1) = (
        cell((view.min().x + 180.0) / 360.0),
        cell((view.max().x + 180.0) / 360.0),
    );
    let (y0, y1) = (cell(world_y(view.max().y)), cell(world_y(view.min().y)));
    let count = (x1 - x0 + 1) as usize * (y1 - y0 + 1) as usize;
    if count > MAX_TILES_PER_ZOOM {
        return Vec::new();
    }
    (y0..=y1)
        .flat_map(|y| (x0..=x1).map(move |x| TileId { z, x, y }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(w: f64, s: f64, e: f64, n: f64) -> Rect<f64> {
        Rect::new(Coord { x: w, y: s }, Coord { x: e, y: n })
    }

    #[test]
    fn a_city_opens_at_street_zooms_and_a_region_further_out() {
        // Mosul's districts: about 0.2° across.
        let city = opening_zooms(rect(43.05, 36.25, 43.27, 36.45), PADDING_PX);
        assert_eq!(city, vec![10, 11]);
        // 2.24° across, as `frontline synth` makes it: the bench's 1280 × 800 page asks for z7.
        let region = opening_zooms(rect(38.0, 34.0, 40.24, 36.24), PADDING_PX);
        assert_eq!(region, vec![6, 7, 8]);
    }

    #[test]
    fn the_tiles_over_a_view_are_the_ones_it_touches_and_never_too_many() {
        let view = rect(38.0, 34.0, 40.24, 36.24);
        let z7 = tiles_over(view, 7);
        assert_eq!(
            z7,
            vec![
                TileId { z: 7, x: 77, y: 50 },
                TileId { z: 7, x: 78, y: 50 },
                TileId { z: 7, x: 77, y: 51 },
                TileId { z: 7, x: 78, y: 51 },
            ]
        );
        // Every tile touched covers part of the view.
        for t in tiles_over(view, 9) {
            let b = t.bounds(0);
            assert!(b.max().x > view.min().x && b.min().x < view.max().x);
            assert!(b.max().y > view.min().y && b.min().y < view.max().y);
        }
        assert!(tiles_over(view, 12).is_empty(), "over 64 tiles: none");
        assert_eq!(tiles_over(rect(-180.0, -85.0, 180.0, 85.0), 0).len(), 1);
    }
}

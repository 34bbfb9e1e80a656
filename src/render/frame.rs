//! Where on the page a place is drawn: the projection and the map frame.
//!
//! Reports use **spherical Web Mercator (EPSG:3857)**, the projection of the web map, so a report
//! and the screen look alike; north is up everywhere. It is conformal, so shapes are right, and at
//! city scale its scale varies by well under 1 % across the frame (it grows with 1 / cos φ: from
//! 36.29° N to 36.43° N by 0.2 %). The scale bar is computed at the frame's centre latitude.

use geo::Rect;

use super::layout::PxRect;
use crate::domain::index::Index;

/// The sphere Web Mercator is defined on, metres.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Web Mercator's latitude limit: the square world map's edge.
pub const MAX_LAT: f64 = 85.051_128_78;

/// Projects lon/lat degrees to Web Mercator metres (y grows northwards).
#[must_use]
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    (
        EARTH_RADIUS_M * lon.to_radians(),
        EARTH_RADIUS_M * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// The inverse of [`mercator`].
#[must_use]
pub fn unmercator(x: f64, y: f64) -> (f64, f64) {
    let lat = 2.0 * (y / EARTH_RADIUS_M).exp().atan() - std::f64::consts::FRAC_PI_2;
    ((x / EARTH_RADIUS_M).to_degrees(), lat.to_degrees())
}

/// The lon/lat extent a report frames when no `bbox` is asked for: the data set's
/// `default_view` when it has one, else its core ([`Index::core_extent`]), the view the web map
/// opens on. For Mosul's core that is the 99 city districts with the airport; the towns around are
/// drawn where they reach into the frame. The frame does not depend on the date, so a series of
/// reports of one place at several dates shares one frame and can be compared sheet by sheet.
#[must_use]
pub fn default_extent(index: &Index) -> Option<Rect<f64>> {
    index.opening_view().map(|(view, _)| view)
}

/// The map frame: a lon/lat extent fitted, centred and uniformly scaled, into a rectangle of the
/// page. Anything outside `map` is clipped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// The map's rectangle on the page, px.
    pub map: PxRect,
    /// px per Web Mercator metre.
    scale: f64,
    /// Web Mercator coordinates of the map's top-left corner.
    left: f64,
    top: f64,
}

impl Frame {
    /// Fits `extent` into `map`, keeping `padding` px free on every side, centred on the extent.
    /// The map shows more than the extent along the axis with room to spare.
    #[must_use]
    pub fn fit(extent: Rect<f64>, map: PxRect, padding: f64) -> Self {
        let (x0, y0) = mercator(extent.min().x, extent.min().y);
        let (x1, y1) = mercator(extent.max().x, extent.max().y);
        let (dx, dy) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let inner_w = (map.w - 2.0 * padding).max(1.0);
        let inner_h = (map.h - 2.0 * padding).max(1.0);
        let scale = (inner_w / dx).min(inner_h / dy);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        Self {
            map,
            scale,
            left: cx - map.w / 2.0 / scale,
            top: cy + map.h / 2.0 / scale,
        }
    }

    /// Page position (px, y down) of a lon/lat.
    #[must_use]
    pub fn to_px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = mercator(lon, lat);
        (
            self.map.x + (x - self.left) * self.scale,
            self.map.y + (self.top - y) * self.scale,
        )
    }

    /// The lon/lat drawn at a page position.
    #[must_use]
    pub fn to_lonlat(&self, px: f64, py: f64) -> (f64, f64) {
        unmercator(
            self.left + (px - self.map.x) / self.scale,
            self.top - (py - self.map.y) / self.scale,
        )
    }

    /// The lon/lat rectangle the map shows.
    #[must_use]
    pub fn extent(&self) -> Rect<f64> {
        let (w, n) = self.to_lonlat(self.map.x, self.map.y);
        let (e, s) = self.to_lonlat(self.map.right(), self.map.bottom());
        Rect::new(geo::coord! { x: w, y: s }, geo::coord! { x: e, y: n })
    }

    /// Ground metres per px at the frame's centre latitude.
    #[must_use]
    pub fn metres_per_px(&self) -> f64 {
        let (_, lat) = self.to_lonlat(self.map.x + self.map.w / 2.0, self.map.y + self.map.h / 2.0);
        lat.to_radians().cos() / self.scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn web_mercator_matches_known_values_and_inverts() {
        let (x, y) = mercator(180.0, 0.0);
        assert_relative_eq!(x, 20_037_508.342_789_244, epsilon = 1e-6);
        assert_relative_eq!(y, 0.0, epsilon = 1e-9);
        // EPSG:3857 northing of 36.34° N: R · ln tan(45° + φ/2).
        assert_relative_eq!(mercator(43.13, 36.34).1, 4_347_506.27, epsilon = 0.01);
        let (lon, lat) = unmercator(mercator(43.13, 36.34).0, mercator(43.13, 36.34).1);
        assert_relative_eq!(lon, 43.13, epsilon = 1e-9);
        assert_relative_eq!(lat, 36.34, epsilon = 1e-9);
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect<f64> {
        Rect::new(geo::coord! { x: x0, y: y0 }, geo::coord! { x: x1, y: y1 })
    }

    #[test]
    fn a_frame_centres_the_extent_and_keeps_north_up_and_the_padding() {
        let map = PxRect::new(100.0, 50.0, 800.0, 400.0);
        let frame = Frame::fit(rect(43.0, 36.0, 43.2, 36.1), map, 10.0);
        let (x0, y0) = frame.to_px(43.0, 36.1);
        let (x1, y1) = frame.to_px(43.2, 36.0);
        assert!(x0 < x1 && y0 < y1, "west is left and north is up");
        // The extent is wider than tall (0.2° by 0.1°, about 18 km by 11 km), so it meets the
        // padding at the top and bottom and is centred left to right.
        assert_relative_eq!(y0, 60.0, epsilon = 1e-6);
        assert_relative_eq!(y1, 440.0, epsilon = 1e-6);
        assert_relative_eq!((x0 + x1) / 2.0, 500.0, epsilon = 1e-6);
        let (lon, lat) = frame.to_lonlat(x1, y1);
        assert_relative_eq!(lon, 43.2, epsilon = 1e-9);
        assert_relative_eq!(lat, 36.0, epsilon = 1e-9);
        let shown = frame.extent();
        assert!(shown.min().x < 43.0 && shown.max().x > 43.2);
    }

    #[test]
    fn metres_per_px_shrink_by_the_cosine_of_the_latitude() {
        let map = PxRect::new(0.0, 0.0, 1000.0, 1000.0);
        let equator = Frame::fit(rect(0.0, -0.05, 0.1, 0.05), map, 0.0);
        // 0.1° of longitude at the equator is 11.13 km over 1000 px.
        assert_relative_eq!(equator.metres_per_px(), 11.132, epsilon = 1e-3);
        // 0.1° of longitude at 36.35° N fills the width: it is shorter on the ground by cos φ.
        let mosul = Frame::fit(rect(43.0, 36.345, 43.1, 36.355), map, 0.0);
        assert_relative_eq!(
            mosul.metres_per_px(),
            11.132 * 36.35_f64.to_radians().cos(),
            epsilon = 1e-2
        );
    }
}

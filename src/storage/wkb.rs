//! Geometry in and out of the store: one WKB newtype, little-endian, 2D.

use geo_traits::to_geo::ToGeoGeometry;

/// Well-known binary for one district geometry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wkb(pub Vec<u8>);

impl Wkb {
    /// Encodes a geometry.
    ///
    /// # Panics
    /// Never for finite geometries: writing to a `Vec` cannot fail.
    #[must_use]
    pub fn encode(geometry: &geo::Geometry<f64>) -> Self {
        let mut buf = Vec::with_capacity(wkb::writer::geometry_wkb_size(geometry));
        wkb::writer::write_geometry(&mut buf, geometry, &wkb::writer::WriteOptions::default())
            .expect("writing WKB to memory");
        Self(buf)
    }

    /// Decodes to a `geo` geometry.
    ///
    /// # Errors
    /// A message when the bytes are not WKB.
    pub fn decode(&self) -> Result<geo::Geometry<f64>, String> {
        let parsed = wkb::reader::read_wkb(&self.0).map_err(|e| e.to_string())?;
        Ok(parsed.to_geometry())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, polygon};

    #[test]
    fn polygons_survive_the_round_trip_bit_for_bit() {
        let p = Geometry::Polygon(
            polygon![(x: 43.1, y: 36.3), (x: 43.2, y: 36.3), (x: 43.123456789, y: 36.41)],
        );
        assert_eq!(Wkb::encode(&p).decode().unwrap(), p);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Wkb(vec![1, 2, 3]).decode().is_err());
    }
}

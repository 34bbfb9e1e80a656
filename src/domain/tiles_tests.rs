use geo::{Contains, Geometry, polygon};

use super::*;

fn square(x0: f64, y0: f64, s: f64) -> Geometry<f64> {
    Geometry::Polygon(
        polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)],
    )
}

#[test]
fn tiles_outside_the_grid_say_what_is_valid() {
    assert_eq!(
        TileId::new(21, 0, 0).unwrap_err(),
        "zoom 21 is outside the served range 0–20"
    );
    assert_eq!(
        TileId::new(2, 4, 0).unwrap_err(),
        "tile 2/4/0 does not exist: at zoom 2 columns and rows run 0–3"
    );
    assert!(TileId::new(20, (1 << 20) - 1, 0).is_ok());
}

#[test]
fn the_world_tile_spans_the_mercator_world_and_mosul_falls_in_its_tile() {
    let world = TileId::new(0, 0, 0).unwrap();
    let b = world.bounds(0);
    assert_eq!((b.min().x, b.max().x), (-180.0, 180.0));
    assert!((b.max().y - 85.051_128_78).abs() < 1e-6 && (b.min().y + 85.051_128_78).abs() < 1e-6);
    let centre = world.project(Coord { x: 0.0, y: 0.0 });
    assert!((centre.x - 2048.0).abs() < 1e-9 && (centre.y - 2048.0).abs() < 1e-9);
    // The Nuri mosque, 43.1268 E 36.3427 N, is in tile 12/2538/1603.
    let tile = TileId::new(12, 2538, 1603).unwrap();
    let p = tile.project(Coord {
        x: 43.1268,
        y: 36.3427,
    });
    assert!(
        (0.0..4096.0).contains(&p.x) && (0.0..4096.0).contains(&p.y),
        "{p:?}"
    );
    assert!(tile.bounds(0).contains(&Coord {
        x: 43.1268,
        y: 36.3427
    }));
}

#[test]
fn neighbours_keep_the_same_points_along_their_border_at_every_zoom() {
    let (west, east) = (square(43.10, 36.30, 0.05), square(43.15, 36.30, 0.05));
    for z in [6u8, 9, 12, 15] {
        let n = 1u32 << z;
        let tile = |lon: f64, lat: f64| {
            let x = ((lon + 180.0) / 360.0 * f64::from(n)) as u32;
            let lat_r = f64::to_radians(lat);
            let y = ((1.0 - (lat_r.tan() + 1.0 / lat_r.cos()).ln() / std::f64::consts::PI) / 2.0
                * f64::from(n)) as u32;
            TileId::new(u32::from(z), x, y).unwrap()
        };
        let t = tile(43.15, 36.32);
        let on_border = |g: &Geometry<f64>| {
            let border_x = t.project(Coord { x: 43.15, y: 36.3 }).x.round() as i32;
            let mut pts: Vec<Coord<i32>> = t
                .cut(g)
                .into_iter()
                .flatten()
                .flatten()
                .filter(|c| c.x == border_x)
                .collect();
            pts.sort_by_key(|c| c.y);
            pts.dedup();
            pts
        };
        let (a, b) = (on_border(&west), on_border(&east));
        assert!(a.len() >= 2, "z{z}: the border is in the tile");
        assert_eq!(a, b, "z{z}: both sides of the border have the same points");
    }
}

#[test]
fn a_district_larger_than_the_tile_is_cut_to_the_tile_and_its_buffer() {
    let tile = TileId::new(12, 2538, 1603).unwrap();
    let cut = tile.cut(&square(42.0, 35.0, 2.0));
    assert_eq!(cut.len(), 1);
    let ring = &cut[0][0];
    let (lo, hi) = (-BUFFER, EXTENT as i32 + BUFFER);
    assert!(
        ring.iter()
            .all(|c| (lo..=hi).contains(&c.x) && (lo..=hi).contains(&c.y))
    );
    assert_eq!(ring.len(), 5, "the buffered tile square, closed: {ring:?}");
}

#[test]
fn a_district_under_a_pixel_is_left_out_and_a_hole_is_kept() {
    let world = TileId::new(0, 0, 0).unwrap();
    assert!(
        world.cut(&square(43.1, 36.3, 0.01)).is_empty(),
        "1 km is under a pixel at zoom 0"
    );
    let tile = TileId::new(12, 2538, 1603).unwrap();
    let b = tile.bounds(0);
    let (x0, y0) = (b.min().x, b.min().y);
    let (w, h) = (b.width(), b.height());
    let donut = Geometry::Polygon(Polygon::new(
        LineString::from(vec![
            (x0 + 0.1 * w, y0 + 0.1 * h),
            (x0 + 0.9 * w, y0 + 0.1 * h),
            (x0 + 0.9 * w, y0 + 0.9 * h),
            (x0 + 0.1 * w, y0 + 0.9 * h),
            (x0 + 0.1 * w, y0 + 0.1 * h),
        ]),
        vec![LineString::from(vec![
            (x0 + 0.4 * w, y0 + 0.4 * h),
            (x0 + 0.6 * w, y0 + 0.4 * h),
            (x0 + 0.6 * w, y0 + 0.6 * h),
            (x0 + 0.4 * w, y0 + 0.6 * h),
            (x0 + 0.4 * w, y0 + 0.4 * h),
        ])],
    ));
    let cut = tile.cut(&donut);
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].len(), 2, "exterior and hole");
}

#[test]
fn a_line_through_the_tile_is_cut_at_the_buffer_and_a_line_outside_is_dropped() {
    let tile = TileId::new(12, 2538, 1603).unwrap();
    let b = tile.bounds(0);
    let (y, w) = ((b.min().y + b.max().y) / 2.0, b.width());
    // West to east across the whole tile, with a bend in the middle.
    let across = geo::MultiLineString::new(vec![LineString::from(vec![
        (b.min().x - w, y),
        (b.min().x + w / 2.0, y + b.height() / 4.0),
        (b.max().x + w, y),
    ])]);
    let cut = tile.cut_lines(&across);
    assert_eq!(cut.len(), 1, "one stretch: {cut:?}");
    let line = &cut[0];
    assert_eq!(line.len(), 3, "entry, bend, exit: {line:?}");
    assert_eq!(line[0].x, -BUFFER);
    assert_eq!(line[2].x, EXTENT as i32 + BUFFER);
    let far = geo::MultiLineString::new(vec![LineString::from(vec![(0.0, 0.0), (1.0, 1.0)])]);
    assert!(tile.cut_lines(&far).is_empty());
}

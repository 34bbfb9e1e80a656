//! `/api/districts.bin`, the district list the web map starts from, decoded by hand from the
//! layout the README documents: the same districts, in the same order, with the same names as
//! the data set, boxes that hold each district, and label points inside them.

use actix_web::test;
use frontline::domain::index::Index;

use crate::helpers::{app, index_of, mosul_dir, synth_dir};

/// One district as the table gives it.
struct Row {
    bbox: [f64; 4],
    label: [f64; 2],
    area_km2: f32,
    names: Vec<String>,
}

fn decode(bytes: &[u8]) -> Vec<Row> {
    assert_eq!(&bytes[..4], b"FLDL");
    assert_eq!(u16::from_le_bytes([bytes[4], bytes[5]]), 1);
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
    let i32_at =
        |at: usize| f64::from(i32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())) / 1e6;
    let count = u32_at(8) as usize;
    let text_length = u32_at(12) as usize;
    let text_at = 16 + 28 * count + (2 * count).div_ceil(4) * 4;
    assert_eq!(
        bytes.len(),
        text_at + text_length,
        "the text ends the table"
    );
    let text: Vec<String> = serde_json::from_slice(&bytes[text_at..]).unwrap();
    let mut next = 0;
    let rows = (0..count)
        .map(|d| {
            let alts = usize::from(u16::from_le_bytes([
                bytes[16 + 28 * count + 2 * d],
                bytes[17 + 28 * count + 2 * d],
            ]));
            let names = text[next..next + 2 + alts].to_vec();
            next += 2 + alts;
            let at = 16 + 16 * d;
            Row {
                bbox: [i32_at(at), i32_at(at + 4), i32_at(at + 8), i32_at(at + 12)],
                label: [
                    i32_at(16 + 16 * count + 8 * d),
                    i32_at(20 + 16 * count + 8 * d),
                ],
                area_km2: f32::from_le_bytes(
                    bytes[16 + 24 * count + 4 * d..][..4].try_into().unwrap(),
                ),
                names,
            }
        })
        .collect();
    assert_eq!(next, text.len(), "every string belongs to a district");
    rows
}

/// The content type and body of `uris` over `index`.
async fn bodies(index: Index, uris: &[&str]) -> Vec<(String, Vec<u8>)> {
    let service = app(index).await;
    let mut out = Vec::new();
    for uri in uris {
        let resp =
            test::call_service(&service, test::TestRequest::get().uri(uri).to_request()).await;
        assert_eq!(resp.status().as_u16(), 200, "{uri}");
        let kind = resp
            .headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        out.push((kind, test::read_body(resp).await.to_vec()));
    }
    out
}

#[actix_web::test]
async fn the_district_table_holds_every_district_with_its_names_box_label_and_area() {
    let (_db, index) = index_of(&mosul_dir());
    let (kind, bytes) = bodies(index_of(&mosul_dir()).1, &["/api/districts.bin"])
        .await
        .remove(0);
    assert_eq!(kind, "application/vnd.frontline.districts");
    let rows = decode(&bytes);
    assert_eq!(rows.len(), index.districts.len());
    let mut with_alts = 0;
    for (row, entry) in rows.iter().zip(index.districts.iter()) {
        let d = &entry.district;
        let mut names = vec![d.id.clone(), d.name.clone()];
        names.extend(d.alt_names.iter().cloned());
        assert_eq!(
            row.names, names,
            "{}: id, name and other names in order",
            d.id
        );
        with_alts += usize::from(!d.alt_names.is_empty());
        // The box holds the district, and is its envelope to 10⁻⁶ degrees (11 cm at most).
        let (lo, hi) = (entry.envelope.min(), entry.envelope.max());
        let outline = [lo.x, lo.y, hi.x, hi.y];
        for (k, (got, exact)) in row.bbox.iter().zip(outline).enumerate() {
            let outward = if k < 2 { *got <= exact } else { *got >= exact };
            assert!(
                outward && (got - exact).abs() < 1.01e-6,
                "{}: box side {k} {got} for {exact}",
                d.id
            );
        }
        let point = geo::Point::new(row.label[0], row.label[1]);
        assert!(
            geo::Intersects::intersects(&d.geometry, &point),
            "{}: the label point is inside the district",
            d.id
        );
        let area = f64::from(row.area_km2);
        assert!(
            (area - entry.area_km2).abs() <= 1e-6 * entry.area_km2,
            "{}: {area} km² for {}",
            d.id,
            entry.area_km2
        );
    }
    assert!(
        with_alts > 20,
        "Mosul's districts have other names: {with_alts}"
    );
    assert!(
        rows.iter().flat_map(|r| &r.names).any(|n| !n.is_ascii()),
        "names in Arabic script come through"
    );
}

#[actix_web::test]
async fn the_district_table_is_under_a_third_of_the_geojson_list_at_scale() {
    let dir = synth_dir(5_000, 20_000, 7);
    let (_db, index) = index_of(dir.path());
    let count = index.districts.len();
    let mut got = bodies(
        index,
        &["/api/districts.bin", "/api/districts?geometry=none"],
    )
    .await;
    let (list, bytes) = (got.pop().unwrap().1, got.pop().unwrap().1);
    let rows = decode(&bytes);
    assert_eq!(rows.len(), count);
    assert!(
        bytes.len() * 3 < list.len(),
        "{} bytes against the list's {}",
        bytes.len(),
        list.len()
    );
}

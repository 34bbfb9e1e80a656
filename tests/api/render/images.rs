//! What the Mosul report of 3 June 2017 shows, checked against the index, in each format.

use std::sync::OnceLock;

use actix_web::test as atest;
use frontline::domain::index::Side;
use frontline::render::{self, Format, ReportRequest};
use geo::{Centroid, Contains};
use resvg::tiny_skia::Pixmap;
use tempfile::TempDir;

use super::{day, get, index, near, rgb};
use crate::helpers::{app, index_of, mosul_dir};

/// The colours under a 17 × 17 px window near the centre of district `id`: the nearest to its
/// centroid that lies well inside the district and clear of every label (labels sit at the
/// centre by design, and their glyphs are not the fill).
fn fill_near_centre(report: &render::Report, png: &Pixmap, id: &str) -> Vec<[u8; 3]> {
    let index = index();
    let d = index.district_index(id).unwrap();
    let geometry = &index.districts[d as usize].district.geometry;
    let centre = geometry.centroid().unwrap();
    let (cx, cy) = report.frame.to_px(centre.x(), centre.y());
    let half = 8.0;
    let clear = |x: f64, y: f64| {
        let window = render::PxRect::centred(x, y, 2.0 * half + 1.0, 2.0 * half + 1.0);
        let inside = [-1.0, 0.0, 1.0].iter().all(|&i| {
            [-1.0, 0.0, 1.0].iter().all(|&j| {
                let (lon, lat) = report
                    .frame
                    .to_lonlat(x + i * (half + 6.0), y + j * (half + 6.0));
                geometry.contains(&geo::Point::new(lon, lat))
            })
        });
        inside
            && !report
                .labels
                .iter()
                .any(|l| l.rect.grow(3.0).intersects(&window))
    };
    let (x, y) = (0..40)
        .flat_map(|r| {
            let r = f64::from(r) * 2.0;
            (0..16).map(move |k| {
                let a = f64::from(k) * std::f64::consts::PI / 8.0;
                (cx + r * a.cos(), cy + r * a.sin())
            })
        })
        .find(|&(x, y)| clear(x, y))
        .unwrap_or_else(|| panic!("no clear window near the centre of {id}"));
    let mut colours = Vec::new();
    for py in (y - half) as u32..=(y + half) as u32 {
        for px in (x - half) as u32..=(x + half) as u32 {
            let p = png.pixel(px, py).unwrap();
            colours.push([p.red(), p.green(), p.blue()]);
        }
    }
    colours
}

fn report_on_3_june_2017() -> &'static (render::Report, Pixmap) {
    static REPORT: OnceLock<(render::Report, Pixmap)> = OnceLock::new();
    REPORT.get_or_init(|| {
        let req = ReportRequest {
            size: frontline::render::PageSize::Pixels {
                width: 2000,
                height: 1400,
            },
            ..ReportRequest::new(day("2017-06-03"))
        };
        let report = render::draw(index(), &req).unwrap();
        let png = render::to_png(&report.svg).unwrap();
        let pixmap = Pixmap::decode_png(&png).unwrap();
        (report, pixmap)
    })
}

/// The side district `id` is on at `at`, from the index: faction colours of the holder(s).
fn expected_colours(id: &str, at: &str) -> (Side, Vec<String>) {
    let index = index();
    let s = index
        .state_at(index.district_index(id).unwrap(), day(at))
        .unwrap();
    let state = &index.states[s];
    let colours = state
        .factions
        .iter()
        .map(|&f| index.factions[f as usize].color.clone())
        .collect();
    (state.side(), colours)
}

#[test]
fn sihha_is_drawn_in_isf_colour_on_3_june_2017() {
    let (side, colours) = expected_colours("sihha", "2017-06-03");
    let isf = index().faction_index("isf").unwrap();
    assert_eq!(
        side,
        Side::Held(isf),
        "the data: Sihha was taken on 2 June 2017"
    );
    let (report, png) = report_on_3_june_2017();
    let pixels = fill_near_centre(report, png, "sihha");
    assert!(
        pixels.iter().all(|&p| p == rgb(&colours[0])),
        "every pixel at Sihha's centre is {}: {:?}",
        colours[0],
        &pixels[..4]
    );
}

#[test]
fn zanjili_is_drawn_hatched_in_isf_and_isil_colours_on_3_june_2017() {
    let (side, colours) = expected_colours("zanjili", "2017-06-03");
    assert!(
        matches!(side, Side::Contested(_)),
        "the data: Zanjili was fought over from 30 May to 13 June 2017"
    );
    let (report, png) = report_on_3_june_2017();
    let pixels = fill_near_centre(report, png, "zanjili");
    let share = |hex: &str| {
        pixels.iter().filter(|&&p| near(p, rgb(hex))).count() as f64 / pixels.len() as f64
    };
    // Each band is a third of the stripes; anti-aliased band edges blend, so at least 8 % of
    // the pixels are each colour exactly.
    for c in &colours {
        assert!(
            share(c) > 0.08,
            "{c} makes up {:.0} % of the stripes",
            share(c) * 100.0
        );
    }
    for other in index()
        .factions
        .iter()
        .filter(|f| !colours.contains(&f.color))
    {
        assert_eq!(share(&other.color), 0.0, "no {} at Zanjili", other.id);
    }
}

#[actix_web::test]
async fn a_png_report_decodes_at_the_asked_size() {
    let (_db, index) = index_of(&mosul_dir());
    let app = app(index).await;
    let (status, content_type, _, body) = get(
        &app,
        "/api/maps/report.png?at=2017-06-03&width=1000&height=700",
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "image/png");
    let png = Pixmap::decode_png(&body).unwrap();
    assert_eq!((png.width(), png.height()), (1000, 700));
}

/// The legend's figure for `side` (`data-area`), as printed.
fn legend_figure(svg: &roxmltree::Document<'_>, attr: &str, side: &str) -> Option<f64> {
    svg.descendants()
        .find(|n| n.attribute(attr) == Some(side))
        .and_then(|n| n.text())
        .map(|t| {
            // "189 · 96 %": the km² before the share.
            t.split(" · ")
                .next()
                .unwrap_or(t)
                .replace([',', '+'], "")
                .replace('−', "-")
                .replace('–', "0")
                .parse()
                .unwrap()
        })
}

/// Whether a printed figure is `exact` rounded the way the legend rounds.
fn rounds_to(printed: f64, exact: f64) -> bool {
    let step = if exact.abs() >= 100.0 { 1.0 } else { 0.1 };
    (printed - exact).abs() <= step / 2.0 + 1e-9
}

#[actix_web::test]
async fn the_svg_parses_and_its_legend_gives_each_sides_area_in_the_frame_from_the_index() {
    let (_db, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let (status, content_type, _, body) = get(&app, "/api/maps/report.svg?at=2017-06-03").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml");
    let text = String::from_utf8(body).unwrap();
    let svg = roxmltree::Document::parse(&text).expect("the SVG is well-formed XML");
    let index = index();
    let frame = render::draw(index, &ReportRequest::new(day("2017-06-03")))
        .unwrap()
        .frame
        .extent();
    let region = index
        .region(&frontline::domain::regions::Selector::Bbox(
            frontline::domain::geometry::Bbox(frame),
        ))
        .unwrap();
    let row = index.area_in(&region, day("2017-06-03"));
    for (f, faction) in index.factions.iter().enumerate() {
        if row.held[f] > 0.0 {
            let printed = legend_figure(&svg, "data-area", &faction.id)
                .unwrap_or_else(|| panic!("no legend figure for {}", faction.id));
            assert!(
                rounds_to(printed, row.held[f]),
                "{}: {printed} vs {}",
                faction.id,
                row.held[f]
            );
        }
    }
    let contested = legend_figure(&svg, "data-area", "contested").unwrap();
    assert!(rounds_to(contested, row.contested));
    assert!(text.contains("3 June 2017"), "the date is on the map");
    assert!(text.contains("data-source="), "the sources are listed");
    assert!(text.contains("km</text>"), "the scale bar is in km");
}

#[actix_web::test]
async fn since_emphasises_the_changes_and_tabulates_gains_and_losses_from_the_index() {
    let (_db, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let (status, _, _, body) =
        get(&app, "/api/maps/report.svg?at=2017-06-03&since=2017-05-01").await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    let svg = roxmltree::Document::parse(&text).unwrap();
    assert!(
        text.contains("class=\"changed\""),
        "changed districts are outlined"
    );
    let index = index();
    let mut req = ReportRequest::new(day("2017-06-03"));
    req.since = Some(day("2017-05-01"));
    let frame = render::draw(index, &req).unwrap().frame.extent();
    let region = index
        .region(&frontline::domain::regions::Selector::Bbox(
            frontline::domain::geometry::Bbox(frame),
        ))
        .unwrap();
    let totals = index.gains_and_losses_in(&region, day("2017-05-01"), day("2017-06-03"));
    let isf = index.faction_index("isf").unwrap() as usize;
    let gained = svg
        .descendants()
        .find(|n| {
            n.attribute("data-change") == Some("isf")
                && n.attribute("data-column") == Some("gained")
        })
        .and_then(|n| n.text())
        .unwrap();
    let printed: f64 = gained
        .trim_start_matches('+')
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(totals[isf].gained_km2 > 0.0);
    assert!(
        rounds_to(printed, totals[isf].gained_km2),
        "{printed} vs {}",
        totals[isf].gained_km2
    );
}

#[actix_web::test]
async fn the_same_request_gives_the_same_bytes_and_a_304_with_its_etag() {
    let (_db, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let uri = "/api/maps/report.svg?at=2017-06-03&since=2017-05-01&width=900&height=700";
    let (_, _, etag, first) = get(&app, uri).await;
    let (_, _, etag_again, second) = get(&app, uri).await;
    assert_eq!(first, second);
    assert_eq!(etag, etag_again);
    let resp = atest::call_service(
        &app,
        atest::TestRequest::get()
            .uri(uri)
            .insert_header(("If-None-Match", etag))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 304);
}

#[test]
fn the_pdf_converts_to_an_image_with_pdftoppm() {
    let req = ReportRequest::new(day("2017-06-03"));
    let pdf = render::render(index(), &req, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("report.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "48", "-singlefile"])
        .arg(&file)
        .arg(tmp.path().join("page"))
        .output()
        .expect("pdftoppm runs: install Debian's poppler-utils (scripts/test does)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = Pixmap::load_png(tmp.path().join("page.png")).unwrap();
    // 1600 × 1200 px at 96 px to the inch is 16.7 × 12.5 in: 800 × 600 px at 48 dpi.
    assert_eq!((page.width(), page.height()), (800, 600));
    let isf = rgb(&index().factions[index().faction_index("isf").unwrap() as usize].color);
    let reddish = page
        .pixels()
        .iter()
        .filter(|p| near([p.red(), p.green(), p.blue()], isf))
        .count();
    assert!(
        reddish > 10_000,
        "the PDF shows the map, not a blank page ({reddish} px)"
    );
}

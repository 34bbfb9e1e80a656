//! Bad report requests, the title, the default frame, the font, tiny and empty data sets, and
//! the command line.

use frontline::domain::index::Index;
use frontline::render::{self, ReportRequest};
use geo::Intersects;
use resvg::tiny_skia::Pixmap;
use rstest::rstest;
use tempfile::TempDir;

use super::{day, get, index};
use crate::helpers::{app, index_of, mosul_dir, small_dir};

#[rstest]
#[case::unknown_format("/api/maps/report.gif?at=2017-06-03", "format", "svg, png or pdf")]
#[case::zero_width(
    "/api/maps/report.png?at=2017-06-03&width=0",
    "width",
    "from 400 to 5000"
)]
#[case::huge_height(
    "/api/maps/report.png?at=2017-06-03&height=100000",
    "height",
    "from 400 to 5000"
)]
#[case::word_for_a_size(
    "/api/maps/report.png?at=2017-06-03&width=big",
    "width",
    "whole number"
)]
#[case::bbox_outside_the_data(
    "/api/maps/report.svg?at=2017-06-03&bbox=0,0,1,1",
    "bbox",
    "the data lie within"
)]
#[case::empty_bbox(
    "/api/maps/report.svg?at=2017-06-03&bbox=43.1,36.3,43.1,36.4",
    "bbox",
    "empty"
)]
#[case::since_after_at(
    "/api/maps/report.svg?at=2017-06-03&since=2017-07-01",
    "since",
    "at or before at"
)]
#[case::malformed_at("/api/maps/report.svg?at=2017-13-01", "at", "YYYY-MM-DD")]
#[case::events_in_weeks("/api/maps/report.svg?at=2017-06-03&events=1w", "events", "such as 7d")]
#[case::events_too_long(
    "/api/maps/report.svg?at=2017-06-03&events=400d",
    "events",
    "1d to 366d"
)]
#[case::unknown_parameter(
    "/api/maps/report.svg?at=2017-06-03&zoom=3",
    "zoom",
    "unknown parameter"
)]
#[actix_web::test]
async fn bad_report_requests_are_400_problems_that_say_what_is_valid(
    #[case] uri: &str,
    #[case] parameter: &str,
    #[case] says: &str,
) {
    let (_db, served) = index_of(small_dir().path());
    let app = app(served).await;
    let (status, content_type, _, body) = get(&app, uri).await;
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["parameter"], parameter, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains(says),
        "{problem}"
    );
}

#[test]
fn a_too_long_title_is_refused_and_a_short_one_is_drawn_escaped() {
    let long = ReportRequest {
        title: Some("x".repeat(200)),
        ..ReportRequest::new(day("2017-06-03"))
    };
    let err = render::report_svg(index(), &long).unwrap_err().to_string();
    assert!(err.contains("at most 120"), "{err}");
    let short = ReportRequest {
        title: Some("Mosul <west> & east".into()),
        ..ReportRequest::new(day("2017-06-03"))
    };
    let svg = render::report_svg(index(), &short).unwrap();
    assert!(svg.contains("Mosul &lt;west&gt; &amp; east"));
}

#[test]
fn the_default_frame_is_the_city_not_syria_nor_the_whole_of_the_towns_around() {
    let index = index();
    let extent = render::default_extent(index).unwrap();
    for d in index.districts.iter() {
        let e = d.envelope;
        let in_frame = extent.min().x <= e.min().x
            && extent.min().y <= e.min().y
            && e.max().x <= extent.max().x
            && e.max().y <= extent.max().y;
        match d.district.group.as_deref() {
            Some("East Mosul" | "West Mosul") => assert!(in_frame, "{} is framed", d.district.id),
            Some("Syria") => assert!(!e.intersects(&extent), "{} is left out", d.district.id),
            _ => {}
        }
    }
    assert!(extent.width() < 0.3 && extent.height() < 0.2, "{extent:?}");
}

#[test]
fn every_mosul_name_and_source_is_set_in_the_shipped_latin_font() {
    let index = index();
    for d in index.districts.iter() {
        assert!(render::font_covers(&d.district.name), "{}", d.district.name);
    }
    for s in &index.sources {
        let text = format!("{}, {}: {}", s.publisher, s.published, s.title);
        assert!(render::font_covers(&text), "{text}");
    }
}

#[test]
fn a_tiny_data_set_renders_its_three_districts_and_an_empty_one_is_not_found() {
    let dir = small_dir();
    let (_db, small) = index_of(dir.path());
    let svg = render::report_svg(&small, &ReportRequest::new(day("2020-01-28"))).unwrap();
    assert_eq!(svg.matches("data-district=").count(), 3);
    assert!(
        svg.contains("url(#hatch-"),
        "middle is contested on 28 January 2020"
    );
    let empty = Index::build(Default::default(), &[], 0);
    let err = render::report_svg(&empty, &ReportRequest::new(day("2020-01-28"))).unwrap_err();
    assert!(matches!(err, render::RenderError::NoData));
}

#[test]
fn the_cli_writes_the_whole_file_or_leaves_the_old_one() {
    let tmp = TempDir::new().unwrap();
    let db = tmp.path().join("mosul.db");
    let bin = env!("CARGO_BIN_EXE_frontline");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(
        run(&[
            "import",
            mosul_dir().to_str().unwrap(),
            "--db",
            db.to_str().unwrap()
        ])
        .status
        .success()
    );
    let out = tmp.path().join("maps/mosul.png");
    std::fs::create_dir(tmp.path().join("maps")).unwrap();
    let ok = run(&[
        "render",
        "--db",
        db.to_str().unwrap(),
        "--at",
        "2017-06-03",
        "--out",
        out.to_str().unwrap(),
        "--width",
        "800",
        "--height",
        "600",
        "--since",
        "2017-05-01",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let png = Pixmap::load_png(&out).unwrap();
    assert_eq!((png.width(), png.height()), (800, 600));
    let before = std::fs::read(&out).unwrap();
    let refused = run(&[
        "render",
        "--db",
        db.to_str().unwrap(),
        "--at",
        "2017-06-03",
        "--since",
        "2017-07-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("since"));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        before,
        "the old map is untouched"
    );
    let names: Vec<_> = std::fs::read_dir(tmp.path().join("maps"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["mosul.png"], "no temporary file is left behind");
    let gif = run(&[
        "render",
        "--db",
        db.to_str().unwrap(),
        "--at",
        "2017-06-03",
        "--out",
        "map.gif",
    ]);
    assert!(!gif.status.success());
    assert!(String::from_utf8_lossy(&gif.stderr).contains(".svg, .png or .pdf"));
}

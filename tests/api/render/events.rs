//! Report maps with the events of a window (`events=7d`): numbered circles where they happened,
//! a key with every claim, and the reports behind them in the sources list.

use frontline::render::{self, ReportRequest};
use resvg::tiny_skia::Pixmap;

use super::{day, get, index, near, rgb};
use crate::helpers::{app, index_of, mosul_dir};

fn with_events(at: &str, days: u32) -> render::Report {
    let req = ReportRequest {
        events: Some(days),
        ..ReportRequest::new(day(at))
    };
    render::draw(index(), &req).unwrap()
}

#[test]
fn the_week_of_the_jadida_strike_shows_it_numbered_keyed_and_sourced() {
    let report = with_events("2017-03-17", 7);
    let svg = &report.svg;
    assert!(
        svg.contains("data-event=\"2017-03-17-jadida-strike\""),
        "the circle"
    );
    assert!(
        svg.contains("data-event-key=\"2017-03-17-jadida-strike\""),
        "the key row"
    );
    assert!(
        svg.contains("Events, 11 March 2017 – 17 March 2017"),
        "the window in words"
    );
    // Both claims, side by side, in the key.
    assert!(
        svg.contains("105 (CENTCOM investigation"),
        "{}",
        &svg[svg.find("data-event-key").unwrap()..][..600]
    );
    // The investigation published in May is listed: the key quotes it.
    assert!(svg.contains("data-source=\"centcom-2017-05-25-jadida\""));
    // Drawn in the coalition's colour, where the strike was.
    let png = render::to_png(svg).unwrap();
    let pixmap = Pixmap::decode_png(&png).unwrap();
    // Where the circle went (beside its point when another event shares the point).
    let circle = &svg[svg.find("data-event=\"2017-03-17-jadida-strike\"").unwrap()..];
    let attr = |name: &str| -> f64 {
        let from = circle.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        circle[from..].split('"').next().unwrap().parse().unwrap()
    };
    let (x, y) = (attr("cx"), attr("cy"));
    let event = index()
        .events
        .event("2017-03-17-jadida-strike", None)
        .unwrap()
        .event()
        .clone();
    let (px, py) = report.frame.to_px(event.lon, event.lat);
    assert!((px - x).hypot(py - y) < 80.0, "near its point");
    let colour = |x: f64, y: f64| {
        let p = pixmap.pixel(x.round() as u32, y.round() as u32).unwrap();
        [p.red(), p.green(), p.blue()]
    };
    // Beside the number in its middle, the circle's fill.
    let found = [(-5.0, 0.0), (5.0, 0.0), (0.0, -5.0), (0.0, 5.0)]
        .iter()
        .any(|(dx, dy)| near(colour(x + dx, y + dy), rgb("#3a6ea5")));
    assert!(found, "the coalition's blue around ({x}, {y})");
}

#[test]
fn events_outside_the_window_or_without_the_option_are_not_drawn() {
    let none = render::draw(index(), &ReportRequest::new(day("2017-03-17"))).unwrap();
    assert!(!none.svg.contains("data-event="), "no events unless asked");
    // One day, the day after: the strike of the 17th is outside.
    let next_day = with_events("2017-03-18", 1);
    assert!(!next_day.svg.contains("2017-03-17-jadida-strike"));
    // The first week of June: the killings of people fleeing al-Zanjili are in it.
    let june = with_events("2017-06-07", 7);
    assert!(june.svg.contains("Events, 1 June 2017 – 7 June 2017"));
    let keyed = june.svg.matches("data-event-key=").count();
    assert!(keyed >= 1, "the June killings are keyed");
}

#[actix_web::test]
async fn the_http_report_takes_events_7d() {
    let (_db, served) = index_of(&mosul_dir());
    let app = app(served).await;
    let (status, content_type, _, body) =
        get(&app, "/api/maps/report.svg?at=2017-03-17&events=7d").await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "image/svg+xml");
    let svg = String::from_utf8(body).unwrap();
    assert!(svg.contains("data-event=\"2017-03-17-jadida-strike\""));
}

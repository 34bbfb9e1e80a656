//! Report maps: a print-ready, dated, sourced map of any instant, optionally with what changed
//! hands since an earlier one, as SVG, PNG or PDF.
//!
//! The SVG is written here from the domain types (districts projected to Web Mercator, see
//! `frame`), with the shipped font (see `font`); PNG and PDF are made from it in process by resvg
//! and svg2pdf. The same index and request give the same SVG bytes: nothing reads the clock,
//! iterates a hash map or draws at random.
//!
//! ```text
//! report_svg(index, request) → SVG ─┬→ to_png → PNG
//!                                    └→ to_pdf → PDF
//! ```

mod context;
mod events;
mod font;
mod frame;
mod furniture;
mod labels;
mod layout;
mod legend;
mod map;
mod page_size;
mod raster;
mod scene;
mod sheet;
mod svg;

use std::fmt::Write;
use std::path::Path;
use std::str::FromStr;

use geo::Rect;

pub use font::covers as font_covers;
pub use frame::{Frame, default_extent, mercator};
pub use labels::Placed as PlacedLabel;
pub use layout::{Page, PxRect};
pub use legend::format_km2;
pub use page_size::{Orientation, PageSize, Paper};
pub use raster::{to_pdf, to_png};

use crate::domain::geometry::Bbox;
use crate::domain::index::Index;
use crate::domain::time::Instant;

/// Smallest and largest page side, px. Below 400 px the legend cannot be read; 5000 px is more
/// than A3 at 300 dpi and keeps a PNG's pixel buffer under 100 MB.
pub const MIN_SIDE: u32 = 400;
pub const MAX_SIDE: u32 = 5000;
pub const DEFAULT_WIDTH: u32 = 1600;
pub const DEFAULT_HEIGHT: u32 = 1200;
pub const MAX_TITLE_CHARS: usize = 120;
/// A standfirst is one line under the title.
pub const MAX_STANDFIRST_CHARS: usize = 200;
/// The resolution assumed for pixel sizes: the CSS pixel, 96 to the inch.
pub const SCREEN_DPI: u32 = 96;
/// Resolutions a paper size may be asked at, and the default.
pub const MIN_DPI: u32 = 72;
pub const MAX_DPI: u32 = 600;
pub const DEFAULT_DPI: u32 = 150;

/// What to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    /// The instant whose control is shown.
    pub at: Instant,
    /// With it, districts that changed hands in `(since, at]` are emphasised and the legend gains a
    /// gained / lost table. Must not be after `at`.
    pub since: Option<Instant>,
    /// The lon/lat area to frame; by default the data set's view (see [`default_extent`]).
    pub bbox: Option<Bbox>,
    /// Page size; in px each side in [`MIN_SIDE`]..=[`MAX_SIDE`].
    pub size: PageSize,
    /// Replaces the default title (the place and the date, from the data set's `dataset.json`);
    /// at most [`MAX_TITLE_CHARS`] characters.
    pub title: Option<String>,
    /// One line under the title; at most [`MAX_STANDFIRST_CHARS`] characters.
    pub standfirst: Option<String>,
    /// With a number of days (1 to 366), the events of that many days up to `at`'s day are
    /// drawn, keyed and sourced.
    pub events: Option<u32>,
}

impl ReportRequest {
    /// A request for `at` with every other option at its default.
    #[must_use]
    pub fn new(at: Instant) -> Self {
        Self {
            at,
            since: None,
            bbox: None,
            size: PageSize::default(),
            title: None,
            standfirst: None,
            events: None,
        }
    }
}

/// `7d` (or `7`): an events window of 7 days, as `events=` and `--events` take it.
///
/// # Errors
/// A message saying what is valid.
pub fn parse_event_window(s: &str) -> Result<u32, String> {
    let t = s.trim();
    let digits = t.strip_suffix('d').unwrap_or(t);
    digits
        .parse::<u32>()
        .ok()
        .filter(|d| (1..=events::MAX_WINDOW_DAYS).contains(d))
        .ok_or_else(|| {
            format!(
                "'{s}' is not an events window: expected a number of days from 1d to {}d, such as 7d",
                events::MAX_WINDOW_DAYS
            )
        })
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Png,
    Pdf,
}

impl Format {
    pub const VALID: &'static str = "svg, png or pdf";

    #[must_use]
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Svg => "image/svg+xml",
            Self::Png => "image/png",
            Self::Pdf => "application/pdf",
        }
    }

    /// The format a file name's extension asks for (`map.PNG` is PNG).
    ///
    /// # Errors
    /// When the extension is missing or not one of [`Format::VALID`].
    pub fn from_path(path: &Path) -> Result<Self, RenderError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        ext.to_ascii_lowercase().parse().map_err(|_| {
            RenderError::invalid(
                "out",
                format!(
                    "'{}' has no report format extension: expected a file name ending in .svg, .png or .pdf",
                    path.display()
                ),
            )
        })
    }
}

impl FromStr for Format {
    type Err = RenderError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "svg" => Ok(Self::Svg),
            "png" => Ok(Self::Png),
            "pdf" => Ok(Self::Pdf),
            other => Err(RenderError::invalid(
                "format",
                format!("'{other}' is not a report format: expected {}", Self::VALID),
            )),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The request asks for something impossible; `detail` says what is valid.
    #[error("{detail}")]
    InvalidParameter {
        parameter: &'static str,
        detail: String,
    },
    #[error("there is nothing to draw: the data set has no districts; import one first")]
    NoData,
    #[error("the report's SVG does not parse: {0}")]
    Svg(#[from] usvg::Error),
    #[error("cannot make the PNG: {0}")]
    Png(String),
    #[error("cannot make the PDF: {0}")]
    Pdf(String),
}

impl RenderError {
    fn invalid(parameter: &'static str, detail: impl Into<String>) -> Self {
        Self::InvalidParameter {
            parameter,
            detail: detail.into(),
        }
    }
}

/// A drawn report, with where things went on the page (for tests and tools that point at parts
/// of the image).
#[derive(Debug, Clone)]
pub struct Report {
    pub svg: String,
    pub page: Page,
    pub frame: Frame,
    pub labels: Vec<PlacedLabel>,
}

/// What every part of the drawing needs to know.
struct Context<'a> {
    index: &'a Index,
    at: Instant,
    since: Option<Instant>,
    /// Page scale factor (see [`Page::s`]).
    s: f64,
}

/// Draws the report as SVG.
///
/// # Errors
/// [`RenderError::InvalidParameter`] for an impossible request, [`RenderError::NoData`] for an
/// empty data set.
pub fn report_svg(index: &Index, req: &ReportRequest) -> Result<String, RenderError> {
    Ok(draw(index, req)?.svg)
}

/// Draws the report in `format`.
///
/// # Errors
/// As [`report_svg`], and when the conversion to PNG or PDF fails.
pub fn render(index: &Index, req: &ReportRequest, format: Format) -> Result<Vec<u8>, RenderError> {
    let svg = report_svg(index, req)?;
    let (_, _, dpi) = req.size.pixels();
    match format {
        Format::Svg => Ok(svg.into_bytes()),
        Format::Png => to_png(&svg),
        Format::Pdf => to_pdf(&svg, dpi),
    }
}

/// Draws the report and says where its parts went.
///
/// # Errors
/// As [`report_svg`].
pub fn draw(index: &Index, req: &ReportRequest) -> Result<Report, RenderError> {
    let extent = validate(index, req)?;
    let (width, height, _) = req.size.pixels();
    let standfirst = req
        .standfirst
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    let page = Page::with_standfirst(width, height, standfirst);
    let cx = Context {
        index,
        at: req.at,
        since: req.since,
        s: page.s,
    };
    let frame = Frame::fit(extent, page.map, 12.0 * page.s);
    // An empty `title=` asks for no title of its own: the default one.
    let title = req.title.as_deref().filter(|t| !t.trim().is_empty());
    let scene = scene::build(index, &frame, req.at, req.since, req.events);
    let mut out = String::with_capacity(256 * 1024);
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{}\">\n<title>{}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n<defs>",
        font::FAMILY,
        svg::escape(&title.map_or_else(|| sheet::default_title(&cx), str::to_owned)),
        w = width,
        h = height,
    )
    .expect("String");
    map::pattern(&mut out, "hatch-legend", &["#666666".to_owned()], page.s);
    out.push_str("</defs>\n");
    // Bottom to top: ground, grey context areas, districts, water and bridges, changes, the front
    // line; then the furniture, the locator, key terrain and place names, and the district labels.
    map::ground(&mut out, &frame);
    context::under(&mut out, &cx, &frame);
    map::districts(&mut out, &cx, &scene);
    context::over(&mut out, &cx, &frame);
    map::changes(&mut out, &cx, &scene);
    map::front_line(&mut out, index, &frame, req.at, page.s);
    let mut obstacles = vec![
        furniture::scale_bar(&mut out, &frame, page.s),
        furniture::north_arrow(&mut out, &frame, page.s),
    ];
    obstacles.extend(context::locator(&mut out, &cx, &frame));
    let mut placed = obstacles.clone();
    context::names(&mut out, &cx, &frame, &mut placed);
    let labels = map::draw_labels(&mut out, &cx, &frame, &scene, &placed);
    // Events over the names: they are what the reader asked to see.
    events::draw(&mut out, &cx, &scene);
    map::passe_partout(&mut out, &page.map, page.width, page.height, page.s);
    sheet::header(&mut out, &cx, &page, title, req.standfirst.as_deref());
    let mut flow = legend::Flow::new(page.columns.clone());
    legend::legend(&mut out, &cx, &scene, &mut flow);
    events::key(&mut out, &cx, &scene, &mut flow);
    sheet::sources(&mut out, &cx, &scene, &mut flow);
    sheet::footer(
        &mut out,
        &cx,
        &page,
        &scene,
        &context::credited(&cx, &frame),
    );
    out.push_str("</svg>\n");
    Ok(Report {
        svg: out,
        page,
        frame,
        labels,
    })
}

/// Checks the request against the limits and the data; returns the lon/lat extent to frame.
fn validate(index: &Index, req: &ReportRequest) -> Result<Rect<f64>, RenderError> {
    let (width, height, dpi) = req.size.pixels();
    if let PageSize::Paper { paper, .. } = req.size {
        if !(MIN_DPI..=MAX_DPI).contains(&dpi) {
            return Err(RenderError::invalid(
                "dpi",
                format!("dpi {dpi} is out of range: expected {MIN_DPI} to {MAX_DPI}"),
            ));
        }
        if width.max(height) > MAX_SIDE {
            let most =
                (f64::from(MAX_SIDE) / f64::from(width.max(height)) * f64::from(dpi)).floor();
            return Err(RenderError::invalid(
                "dpi",
                format!(
                    "{paper:?} at {dpi} dpi is {width} × {height} px, more than {MAX_SIDE} px a side: ask for at most {most} dpi"
                ),
            ));
        }
    }
    for (parameter, v) in [("width", width), ("height", height)] {
        if !(MIN_SIDE..=MAX_SIDE).contains(&v) {
            return Err(RenderError::invalid(
                parameter,
                format!(
                    "{parameter} {v} is out of range: expected a whole number of pixels from {MIN_SIDE} to {MAX_SIDE}"
                ),
            ));
        }
    }
    if let Some(standfirst) = &req.standfirst {
        let chars = standfirst.chars().count();
        if chars > MAX_STANDFIRST_CHARS || standfirst.chars().any(char::is_control) {
            return Err(RenderError::invalid(
                "standfirst",
                format!(
                    "the standfirst has {chars} characters or control characters: expected at most {MAX_STANDFIRST_CHARS} printable characters"
                ),
            ));
        }
    }
    if let Some(since) = req.since
        && since > req.at
    {
        return Err(RenderError::invalid(
            "since",
            format!(
                "since {since} is after at {}: since must be at or before at",
                req.at
            ),
        ));
    }
    if let Some(days) = req.events
        && !(1..=events::MAX_WINDOW_DAYS).contains(&days)
    {
        return Err(RenderError::invalid(
            "events",
            format!(
                "an events window of {days} days is out of range: expected 1d to {}d",
                events::MAX_WINDOW_DAYS
            ),
        ));
    }
    if let Some(title) = &req.title {
        let chars = title.chars().count();
        if chars > MAX_TITLE_CHARS || title.chars().any(char::is_control) {
            return Err(RenderError::invalid(
                "title",
                format!(
                    "the title has {chars} characters or control characters: expected at most {MAX_TITLE_CHARS} printable characters"
                ),
            ));
        }
    }
    let data = index.extent().ok_or(RenderError::NoData)?;
    let Some(bbox) = req.bbox else {
        return default_extent(index).ok_or(RenderError::NoData);
    };
    let r = bbox.0;
    if r.width() <= 0.0 || r.height() <= 0.0 {
        return Err(RenderError::invalid(
            "bbox",
            format!(
                "bbox {bbox} is empty: expected a minimum smaller than the maximum on both axes"
            ),
        ));
    }
    if r.min().y.abs() >= frame::MAX_LAT || r.max().y.abs() >= frame::MAX_LAT {
        return Err(RenderError::invalid(
            "bbox",
            format!(
                "bbox {bbox} reaches the poles: Web Mercator maps latitudes within ±85.05° only"
            ),
        ));
    }
    if index.districts_in(Some(&bbox)).is_empty() {
        return Err(RenderError::invalid(
            "bbox",
            format!(
                "bbox {bbox} contains no district: the data lie within {}",
                Bbox(data)
            ),
        ));
    }
    Ok(r)
}

/// "3 June 2017", or "3 June 2017, 12:30 UTC" for an instant that is not midnight.
fn long_date(t: Instant) -> String {
    t.long_date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_names_and_extensions_and_others_say_what_is_valid() {
        assert_eq!("png".parse::<Format>().unwrap(), Format::Png);
        assert_eq!(
            Format::from_path(Path::new("a/map.PDF")).unwrap(),
            Format::Pdf
        );
        let err = "gif".parse::<Format>().unwrap_err().to_string();
        assert!(err.contains("svg, png or pdf"), "{err}");
        let err = Format::from_path(Path::new("map")).unwrap_err().to_string();
        assert!(err.contains(".svg, .png or .pdf"), "{err}");
    }

    #[test]
    fn dates_read_as_words() {
        assert_eq!(long_date(Instant::from_ymd(2017, 6, 3)), "3 June 2017");
        let noon: Instant = "2017-06-03T12:30:00Z".parse().unwrap();
        assert_eq!(long_date(noon), "3 June 2017, 12:30 UTC");
    }
}

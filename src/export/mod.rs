//! Time-aware exports of the whole history, for GIS tools: a GeoPackage (layers `districts`,
//! `control`, `frontline`), KML with a `<TimeSpan>` per state, CSV with WKT geometry, the GeoJSON
//! timeline, FlatGeobuf of the `control` layer with a spatial index, and GeoParquet of the
//! `control` layer; the `events` and `sites` layers in the GeoPackage and the KML, and on their own
//! as CSV and GeoJSON (`events-csv`, `events-geojson`, `sites-csv`, `sites-geojson`). Every writer takes an [`Index`] and knows nothing of HTTP or the store.
//!
//! The layers and their attributes carry the same names in every format (and in the OGC API):
//! see [`ControlRecord`] and [`FrontRecord`]. Times are UTC.

pub mod events;
mod fgb;
mod geoparquet;
mod gpkg;
mod kml;
mod kml_events;
pub(crate) mod records;
mod timeline;
mod wkt_csv;

use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::domain::index::Index;
use crate::domain::time::Instant;

pub use fgb::write_fgb;
pub use geoparquet::write_geoparquet;
pub use gpkg::write_gpkg;
pub use kml::write_kml;
pub use records::{
    ControlRecord, FrontRecord, control_records, front_record, front_records, label as side_label,
};
pub use timeline::write_geojson;
pub use wkt_csv::write_csv;

/// What an export writes: the data set directory `import` reads, or one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `factions.csv`, `sources.csv`, `districts.geojson`, `control.csv`: the import format.
    Dir,
    /// GeoPackage with layers `districts`, `control` and `frontline`.
    Gpkg,
    /// KML 2.2 with a `<TimeSpan>` per control state and front piece.
    Kml,
    /// One row per control state, district geometry as WKT in the first column.
    Csv,
    /// The GeoJSON timeline: a FeatureCollection of every control state.
    Geojson,
    /// FlatGeobuf of the `control` layer: a MultiPolygon per control state, packed Hilbert R-tree.
    Fgb,
    /// GeoParquet 1.1 of the `control` layer: a row per control state, WKB MultiPolygons.
    Parquet,
    /// The `events` layer as CSV, a WKT point per event.
    EventsCsv,
    /// The `events` layer as a GeoJSON FeatureCollection of points.
    EventsGeojson,
    /// The `sites` layer as CSV, a WKT point per site.
    SitesCsv,
    /// The `sites` layer as a GeoJSON FeatureCollection of points.
    SitesGeojson,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Dir,
        Format::Gpkg,
        Format::Kml,
        Format::Csv,
        Format::Geojson,
        Format::Fgb,
        Format::Parquet,
        Format::EventsCsv,
        Format::EventsGeojson,
        Format::SitesCsv,
        Format::SitesGeojson,
    ];
    /// The formats that are one file (all but [`Format::Dir`]): what HTTP serves.
    pub const FILES: [Format; 10] = [
        Format::Gpkg,
        Format::Kml,
        Format::Csv,
        Format::Geojson,
        Format::Fgb,
        Format::Parquet,
        Format::EventsCsv,
        Format::EventsGeojson,
        Format::SitesCsv,
        Format::SitesGeojson,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Dir => "dir",
            Format::Gpkg => "gpkg",
            Format::Kml => "kml",
            Format::Csv => "csv",
            Format::Geojson => "geojson",
            Format::Fgb => "fgb",
            Format::Parquet => "parquet",
            Format::EventsCsv => "events-csv",
            Format::EventsGeojson => "events-geojson",
            Format::SitesCsv => "sites-csv",
            Format::SitesGeojson => "sites-geojson",
        }
    }

    /// The file name extension, for the file formats.
    #[must_use]
    pub fn extension(self) -> Option<&'static str> {
        match self {
            Format::Dir => None,
            Format::EventsCsv | Format::SitesCsv => Some("csv"),
            Format::EventsGeojson | Format::SitesGeojson => Some("geojson"),
            other => Some(other.as_str()),
        }
    }

    /// The format a file name's extension names, if any (case-insensitive).
    #[must_use]
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::FILES
            .into_iter()
            .find(|f| f.extension() == Some(ext.as_str()))
    }

    /// The media type HTTP serves the format with.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Dir => "inode/directory",
            Format::Gpkg => "application/geopackage+sqlite3",
            Format::Kml => "application/vnd.google-earth.kml+xml",
            Format::Csv | Format::EventsCsv | Format::SitesCsv => "text/csv; charset=utf-8",
            Format::Geojson | Format::EventsGeojson | Format::SitesGeojson => {
                "application/geo+json"
            }
            Format::Fgb => "application/vnd.flatgeobuf",
            Format::Parquet => "application/vnd.apache.parquet",
        }
    }

    /// The file name a download is offered under: CSV, GeoJSON, FlatGeobuf and GeoParquet hold
    /// the control states only.
    #[must_use]
    pub fn download_name(self) -> String {
        match self {
            Format::Csv | Format::Geojson | Format::Fgb | Format::Parquet => {
                format!("frontline-control.{}", self.as_str())
            }
            Format::Dir | Format::Gpkg | Format::Kml => format!("frontline.{}", self.as_str()),
            Format::EventsCsv => "frontline-events.csv".into(),
            Format::EventsGeojson => "frontline-events.geojson".into(),
            Format::SitesCsv => "frontline-sites.csv".into(),
            Format::SitesGeojson => "frontline-sites.geojson".into(),
        }
    }

    /// The valid values of `formats`, for error messages: `` `gpkg` `kml` ``.
    #[must_use]
    pub fn list(formats: &[Format]) -> String {
        let quoted: Vec<String> = formats.iter().map(|f| format!("`{f}`")).collect();
        quoted.join(" ")
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a valid export format: expected one of {}",
                    Format::list(&Format::ALL)
                )
            })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the `dir` format writes a directory, not one file")]
    NotAFile,
    #[error("directory {} does not exist", .0.display())]
    NoDirectory(PathBuf),
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("writing the GeoPackage failed")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;

/// Writes `index` as `format` to the file `path`, atomically: the export goes to a temporary file
/// beside `path` that is renamed over it when complete, so a failure leaves nothing half-written
/// (and an older export at `path` as it was).
///
/// # Errors
/// [`ExportError::NotAFile`] for [`Format::Dir`]; any I/O or SQLite error, e.g. when the
/// directory of `path` does not exist.
pub fn write_file(index: &Index, format: Format, path: &Path) -> Result<()> {
    if format == Format::Dir {
        return Err(ExportError::NotAFile);
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir.filter(|d| !d.is_dir()) {
        return Err(ExportError::NoDirectory(dir.to_owned()));
    }
    crate::files::write_replacing(path, |tmp| write_to(index, format, tmp))
}

fn write_to(index: &Index, format: Format, path: &Path) -> Result<()> {
    if format == Format::Gpkg {
        return write_gpkg(index, path);
    }
    // The file exists (a private temporary file made for this write): fill it, do not create it.
    let mut out = BufWriter::new(
        fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)?,
    );
    write_stream(index, format, &mut out)?;
    out.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .sync_all()?;
    Ok(())
}

fn write_stream(index: &Index, format: Format, out: &mut (impl Write + Send)) -> io::Result<()> {
    match format {
        Format::Kml => write_kml(index, out),
        Format::Csv => write_csv(index, out),
        Format::Geojson => write_geojson(index, out),
        Format::Fgb => write_fgb(index, out),
        Format::Parquet => write_geoparquet(index, out),
        Format::EventsCsv => events::write_events_csv(index, out),
        Format::EventsGeojson => events::write_events_geojson(index, out),
        Format::SitesCsv => events::write_sites_csv(index, out),
        Format::SitesGeojson => events::write_sites_geojson(index, out),
        Format::Dir | Format::Gpkg => unreachable!("not a stream format"),
    }
}

/// A UTC date-time as the GeoPackage DATETIME format has it: `2017-06-10T00:00:00.000Z`.
#[must_use]
pub fn gpkg_datetime(t: Instant) -> String {
    chrono::DateTime::from_timestamp_millis(t.millis())
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// XML character data and double-quoted attribute values: `&`, `<`, `>` and `"` escaped (so the
/// result is also safe HTML inside KML descriptions), and the control characters XML 1.0 forbids
/// replaced by U+FFFD.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A faction's `#rrggbb` as red, green, blue; grey for anything else (validation allows only
/// `#rrggbb`, so that is for robustness).
pub(crate) fn rgb(hex: &str) -> [u8; 3] {
    let hex = hex.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|c| u8::from_str_radix(c, 16).ok())
    };
    match (hex.len(), channel(0), channel(2), channel(4)) {
        (6, Some(r), Some(g), Some(b)) => [r, g, b],
        _ => [128, 128, 128],
    }
}

/// Rounds km² or km to metre-scale precision, as the API does.
fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_reject_others_with_the_valid_list() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
        }
        let err = "shp".parse::<Format>().unwrap_err();
        assert!(
            err.contains("`dir` `gpkg` `kml` `csv` `geojson` `fgb` `parquet`"),
            "{err}"
        );
    }

    #[test]
    fn a_known_extension_names_its_format() {
        assert_eq!(
            Format::from_extension(Path::new("out/mosul.GPKG")),
            Some(Format::Gpkg)
        );
        assert_eq!(
            Format::from_extension(Path::new("a.geojson")),
            Some(Format::Geojson)
        );
        assert_eq!(
            Format::from_extension(Path::new("frontline-control.fgb")),
            Some(Format::Fgb)
        );
        assert_eq!(Format::from_extension(Path::new("out/mosul")), None);
        assert_eq!(Format::from_extension(Path::new("a.shp")), None);
    }

    #[test]
    fn markup_and_forbidden_control_characters_are_escaped() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; 'd'&gt;\u{fffd}\n"
        );
    }

    #[test]
    fn gpkg_datetimes_have_milliseconds_and_a_z() {
        assert_eq!(
            gpkg_datetime(Instant::from_ymd(2017, 6, 10)),
            "2017-06-10T00:00:00.000Z"
        );
        assert_eq!(
            gpkg_datetime(Instant(Instant::from_ymd(2017, 6, 10).millis() + 1_250)),
            "2017-06-10T00:00:01.250Z"
        );
    }
}

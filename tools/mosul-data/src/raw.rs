//! The raw tables in `data/mosul/raw/`, read as they are written.

use std::path::Path;

use anyhow::{Context, Result, bail};
use geo::Coord;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A row of `points.csv`: a neighbourhood centre, landmark or town (WGS 84).
#[derive(Debug, Clone, Deserialize)]
pub struct Point {
    pub name: String,
    /// `; `-separated spelling variants.
    pub variants: String,
    /// `E`, `W` or `outskirts`.
    pub bank: String,
    pub lon: f64,
    pub lat: f64,
    /// `A` (a source states it), `B` (derived from a landmark), `C` (estimated, ±0.5–1.5 km).
    pub confidence: String,
    pub source: String,
}

impl Point {
    #[must_use]
    pub fn coord(&self) -> Coord {
        Coord {
            x: self.lon,
            y: self.lat,
        }
    }
}

/// A vertex of the Tigris centreline, `tigris.csv`, ordered north to south (downstream).
#[derive(Debug, Clone, Deserialize)]
pub struct RiverVertex {
    pub seq: u32,
    pub lon: f64,
    pub lat: f64,
}

/// How a district's polygon is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A Voronoi cell of its point, on its bank, inside the urban outline.
    Seed,
    /// A town outside the city: a circle of `radius_km` around its point, inside the COD-AB
    /// sub-district `admin_pcode` (which is drawn as context, not as control).
    Town,
    /// A circle of `radius_km` around its point (no boundary data available).
    Circle,
}

/// A row of `districts.csv`: which district to make and from what.
#[derive(Debug, Clone, Deserialize)]
pub struct DistrictRow {
    pub id: String,
    pub name: String,
    pub group: String,
    pub kind: Kind,
    /// The `name` of its row in `points.csv`.
    pub point: String,
    pub admin_pcode: String,
    /// `Old City` for the Old City quarters, otherwise empty.
    pub area: String,
    pub radius_km: Option<f64>,
}

/// A row of `timeline.csv`: when a district was fought over and taken, and by whom.
#[derive(Debug, Clone, Deserialize)]
pub struct TimelineRow {
    pub district: String,
    /// First day of fighting the reports describe; empty when they give only the day it was taken.
    pub contested_from: String,
    pub taken: String,
    pub holder: String,
    pub contested_confidence: String,
    pub confidence: String,
    /// `;`-separated source ids of the contested state; empty: the same as `sources`.
    pub contested_sources: String,
    /// `;`-separated source ids of the state from `taken` on.
    pub sources: String,
    pub note: String,
    /// The rows of `timeline.md` (or its cross-checks) this comes from.
    pub timeline_rows: String,
}

/// A row of `raw/sources.csv`: a report, what kind of publisher it is, and what is known to be
/// missing from its record.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceRow {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub url: String,
    pub kind: String,
    pub note: String,
}

/// A row of `bridges.csv`, north to south.
#[derive(Debug, Clone, Deserialize)]
pub struct Bridge {
    pub name: String,
    pub variants: String,
    pub lon: f64,
    pub lat: f64,
    pub confidence: String,
    pub source: String,
}

/// Everything the generator reads.
#[derive(Debug, Clone)]
pub struct Raw {
    pub points: Vec<Point>,
    pub river: Vec<Coord>,
    pub districts: Vec<DistrictRow>,
    pub timeline: Vec<TimelineRow>,
    pub sources: Vec<SourceRow>,
    pub bridges: Vec<Bridge>,
    pub admin: geojson::FeatureCollection,
    /// Country outlines for the locator (`natural-earth-countries.geojson`).
    pub countries: geojson::FeatureCollection,
}

/// The COD-AB ADM3 extract, written by `mosul-data cut-cod-ab`.
pub const ADMIN_FILE: &str = "cod-ab-adm3-mosul.geojson";
/// Natural Earth country outlines, written by `tools/mosul-data/locator` (`npm run build`).
pub const COUNTRIES_FILE: &str = "natural-earth-countries.geojson";

impl Raw {
    /// Reads every table in `dir` (`data/mosul/raw`).
    ///
    /// # Errors
    /// A missing file, or a row that does not parse (with file and line).
    pub fn read(dir: &Path) -> Result<Self> {
        let mut river: Vec<RiverVertex> = read_csv(&dir.join("tigris.csv"))?;
        river.sort_by_key(|v| v.seq);
        let admin_text = std::fs::read_to_string(dir.join(ADMIN_FILE)).with_context(|| {
            format!(
                "reading {}: run `mosul-data cut-cod-ab` first",
                dir.join(ADMIN_FILE).display()
            )
        })?;
        let admin: geojson::FeatureCollection =
            admin_text.parse().context("parsing the COD-AB extract")?;
        let countries: geojson::FeatureCollection =
            std::fs::read_to_string(dir.join(COUNTRIES_FILE))
                .with_context(|| format!("reading {}", dir.join(COUNTRIES_FILE).display()))?
                .parse()
                .context("parsing the Natural Earth outlines")?;
        Ok(Self {
            points: read_csv(&dir.join("points.csv"))?,
            river: river.iter().map(|v| Coord { x: v.lon, y: v.lat }).collect(),
            districts: read_csv(&dir.join("districts.csv"))?,
            timeline: read_csv(&dir.join("timeline.csv"))?,
            sources: read_csv(&dir.join("sources.csv"))?,
            bridges: read_csv(&dir.join("bridges.csv"))?,
            admin,
            countries,
        })
    }

    /// The `points.csv` row called `name`.
    ///
    /// # Errors
    /// When there is none.
    pub fn point(&self, name: &str) -> Result<&Point> {
        match self.points.iter().find(|p| p.name == name) {
            Some(p) => Ok(p),
            None => bail!("districts.csv names point '{name}', which is not in points.csv"),
        }
    }
}

fn read_csv<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| row.with_context(|| format!("{} line {}", path.display(), i + 2)))
        .collect()
}

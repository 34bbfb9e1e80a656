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
    /// A COD-AB ADM3 sub-district, minus the urban outline.
    Admin,
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
    /// `;`-separated source ids.
    pub sources: String,
    pub note: String,
    /// The rows of `timeline.md` (or its cross-checks) this comes from.
    pub timeline_rows: String,
}

/// A row of `raw/sources.csv`: a report, with the `timeline.md` rows that cite it.
#[derive(Debug, Clone, Deserialize)]
pub struct SourceRow {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    pub url: String,
    pub timeline_rows: String,
}

/// Everything the generator reads.
#[derive(Debug, Clone)]
pub struct Raw {
    pub points: Vec<Point>,
    pub river: Vec<Coord>,
    pub districts: Vec<DistrictRow>,
    pub timeline: Vec<TimelineRow>,
    pub sources: Vec<SourceRow>,
    pub admin: geojson::FeatureCollection,
}

/// The COD-AB ADM3 extract, written by `mosul-data cut-cod-ab`.
pub const ADMIN_FILE: &str = "cod-ab-adm3-mosul.geojson";

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
        Ok(Self {
            points: read_csv(&dir.join("points.csv"))?,
            river: river.iter().map(|v| Coord { x: v.lon, y: v.lat }).collect(),
            districts: read_csv(&dir.join("districts.csv"))?,
            timeline: read_csv(&dir.join("timeline.csv"))?,
            sources: read_csv(&dir.join("sources.csv"))?,
            admin,
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

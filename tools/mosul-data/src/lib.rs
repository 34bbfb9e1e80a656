//! Generates the Mosul data set (`data/mosul/`) from the raw tables in `data/mosul/raw/`.
//!
//! See `data/mosul/README.md` for what goes in and how the polygons are made. The output depends
//! only on the raw files: no clocks, no randomness, no hash-map order.
#![forbid(unsafe_code)]

pub mod city;
pub mod cod_ab;
pub mod districts;
pub mod project;
pub mod raw;
pub mod timeline;
pub mod voronoi;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use frontline::dataset::{Dataset, Faction, Source};

/// `data/mosul` in this repository.
#[must_use]
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/mosul")
}

/// The four factions of this conflict.
#[must_use]
pub fn factions() -> Vec<Faction> {
    [
        ("isf", "Iraqi security forces and allies", "#d1495b"),
        ("isil", "Islamic State", "#333333"),
        ("peshmerga", "Kurdish Peshmerga", "#e8c547"),
        ("sdf", "Syrian Democratic Forces", "#8cb369"),
    ]
    .into_iter()
    .map(|(id, name, color)| Faction {
        id: id.into(),
        name: name.into(),
        color: color.into(),
    })
    .collect()
}

/// Builds the whole data set from the raw tables in `raw_dir`.
///
/// # Errors
/// Anything wrong in the raw tables (with file and row).
pub fn build(raw_dir: &Path) -> Result<Dataset> {
    let raw = raw::Raw::read(raw_dir)?;
    let districts = districts::build(&raw)?;
    let mut states = Vec::new();
    for row in &raw.districts {
        states.extend(timeline::states(row, &raw.timeline)?);
    }
    let sources = raw
        .sources
        .iter()
        .map(|s| Source {
            id: s.id.clone(),
            title: s.title.clone(),
            publisher: s.publisher.clone(),
            published: s.published.clone(),
            url: s.url.clone(),
        })
        .collect();
    Ok(Dataset {
        factions: factions(),
        sources,
        districts,
        states,
    })
}

/// Builds from `dir/raw`, validates, and writes the four files into `dir`.
///
/// # Errors
/// Build errors, validation problems, I/O.
pub fn generate(dir: &Path) -> Result<Dataset> {
    let dataset = build(&dir.join("raw"))?;
    frontline::dataset::validate(&dataset).map_err(|e| anyhow::anyhow!("{e}"))?;
    frontline::dataset::write_dir(&dataset, dir)
        .with_context(|| format!("writing {}", dir.display()))?;
    Ok(dataset)
}

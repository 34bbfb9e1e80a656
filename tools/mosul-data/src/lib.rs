//! Generates the Mosul data set (`data/mosul/`) from the raw tables in `data/mosul/raw/`.
//!
//! See `data/mosul/README.md` for what goes in and how the polygons are made. The output depends
//! only on the raw files: no clocks, no randomness, no hash-map order.
#![forbid(unsafe_code)]

pub mod city;
pub mod cod_ab;
pub mod context;
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

/// The four factions of this conflict. The Iraqi forces, the Peshmerga and the SDF all fought
/// the Islamic State as partners of the US-led coalition: one side, with no front between them.
#[must_use]
pub fn factions() -> Vec<Faction> {
    [
        (
            "isf",
            "Iraqi security forces and allies",
            "#d1495b",
            Some(COALITION),
        ),
        ("isil", "Islamic State", "#333333", None),
        ("peshmerga", "Kurdish Peshmerga", "#e8c547", Some(COALITION)),
        (
            "sdf",
            "Syrian Democratic Forces",
            "#8cb369",
            Some(COALITION),
        ),
        (
            "cjtf-oir",
            "US-led coalition (CJTF-OIR)",
            "#3a6ea5",
            Some(COALITION),
        ),
    ]
    .into_iter()
    .map(|(id, name, color, alliance)| Faction {
        id: id.into(),
        name: name.into(),
        color: color.into(),
        alliance: alliance.map(str::to_owned),
    })
    .collect()
}

/// The alliance of the forces fighting the Islamic State.
pub const COALITION: &str = "coalition";

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
        .map(|s| {
            Ok(Source {
                id: s.id.clone(),
                title: s.title.clone(),
                publisher: s.publisher.clone(),
                published: s.published.clone(),
                url: s.url.clone(),
                kind: Some(
                    s.kind
                        .parse()
                        .map_err(anyhow::Error::msg)
                        .with_context(|| format!("sources.csv: {}", s.id))?,
                ),
                note: s.note.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let (meta, layers) = context::build(&raw, &districts)?;
    let (events, sites) = frontline::dataset::read_events(raw_dir)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the events and sites tables")?;
    Ok(Dataset {
        factions: factions(),
        sources,
        districts,
        states,
        meta,
        layers,
        events,
        sites,
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

//! The OCHA COD-AB sub-district (ADM3) boundaries we use, cut from the full Iraq file.
//!
//! `mosul-data cut-cod-ab <irq_admbnda_adm3_cso_20190603.geojson>` checks the file's sha256
//! against the one recorded in `shared/data/mosul/cod-ab/SOURCES.md`, then writes the features
//! listed in [`PCODES`] unchanged (geometry and properties) to `raw/cod-ab-adm3-mosul.geojson`,
//! with the attribution and the hash of the file they were cut from.

use std::path::Path;

use anyhow::{Context, Result, bail};
use geo::{MultiPolygon, Polygon};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// sha256 of `irq_admbnda_adm3_cso_20190603.geojson` (1 035 453 bytes) as published.
pub const ADM3_SHA256: &str = "d82e75782c9bb8d3037bb43b46d4a52539f9cc41d92a597064f59aaee2766485";

/// The sub-districts kept: the five around the city named in the reports, and Al-Muhamadath (the
/// sub-district that contains the city; kept for reference and maps, not shipped as a district).
pub const PCODES: [&str; 6] = [
    "IQG15Q03N02", // Bartilla
    "IQG15Q03N03", // Markaz Al-Hamdaniya (Qaraqosh / Bakhdida)
    "IQG15Q05N02", // Hammam Al-Alil
    "IQG15Q05N03", // Bashiqa
    "IQG15Q05N04", // Al-Muhamadath (contains Mosul city)
    "IQG15Q09N01", // Markaz Tilkaef
];

pub const ATTRIBUTION: &str = "Administrative boundaries: OCHA / Iraq Central Statistical Organization (CSO) / ITOS, \
via HDX (cod-ab-irq), CC BY-IGO";

/// Cuts [`PCODES`] out of the full ADM3 file at `input` into `output`.
///
/// # Errors
/// I/O, a hash that does not match [`ADM3_SHA256`], or a missing feature.
pub fn cut(input: &Path, output: &Path) -> Result<()> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let hash = hex(&Sha256::digest(&bytes));
    if hash != ADM3_SHA256 {
        bail!(
            "{} has sha256 {hash}, expected {ADM3_SHA256}: not the COD-AB release this data set was cut from",
            input.display()
        );
    }
    let full: Value = serde_json::from_slice(&bytes).context("parsing the ADM3 GeoJSON")?;
    let features = full["features"].as_array().context("no features")?;
    let mut kept = Vec::new();
    for pcode in PCODES {
        let feature = features
            .iter()
            .find(|f| f["properties"]["ADM3_PCODE"] == pcode)
            .with_context(|| format!("{pcode} is not in {}", input.display()))?;
        kept.push(serde_json::to_string(feature)?);
    }
    let header = json!({
        "type": "FeatureCollection",
        "name": "irq_admbnda_adm3_cso_20190603 (Mosul extract)",
        "attribution": ATTRIBUTION,
        "licence": "CC BY-IGO",
        "cut_from": "irq_admbnda_adm3_cso_20190603.geojson, from github.com/lawenhunar/map-visualization @68fd55ced767e183529a60f288e19472643e951d (map shapefiles/), a GeoJSON copy of the OCHA COD-AB release of 2019-06-03",
        "cut_from_sha256": ADM3_SHA256,
        "cut_by": "cargo run -p mosul-data --release -- cut-cod-ab <that file>; features copied unchanged",
    });
    let header = serde_json::to_string(&header)?;
    // One feature per line, so diffs of the extract stay readable.
    let text = format!(
        "{},\"features\":[\n{}\n]}}\n",
        &header[..header.len() - 1],
        kept.join(",\n")
    );
    std::fs::write(output, text).with_context(|| format!("writing {}", output.display()))?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The feature `pcode` of the extract: its outer boundary (lon/lat) and its properties.
///
/// # Errors
/// A missing feature or one that is not a `Polygon` / `MultiPolygon`.
pub fn feature(
    admin: &geojson::FeatureCollection,
    pcode: &str,
) -> Result<(MultiPolygon, Map<String, Value>)> {
    let f = admin
        .features
        .iter()
        .find(|f| f.property("ADM3_PCODE").and_then(Value::as_str) == Some(pcode))
        .with_context(|| format!("{pcode} is not in the COD-AB extract"))?;
    let geometry = f
        .geometry
        .as_ref()
        .with_context(|| format!("{pcode} has no geometry"))?;
    let shape: geo::Geometry = geometry
        .value
        .clone()
        .try_into()
        .with_context(|| format!("{pcode}: bad geometry"))?;
    let multi = match shape {
        geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        geo::Geometry::MultiPolygon(m) => m,
        other => bail!("{pcode} is a {other:?}, not a polygon"),
    };
    // Holes in these simplified admin rings carry no meaning for us; keep the outer rings only.
    let outer = multi
        .0
        .iter()
        .map(|p| Polygon::new(p.exterior().clone(), vec![]))
        .collect();
    Ok((
        MultiPolygon::new(outer),
        f.properties.clone().unwrap_or_default(),
    ))
}

//! `mosul-data [DIR]`: regenerate the Mosul data set in DIR (default: this repository's
//! `data/mosul`). `mosul-data cut-cod-ab ADM3.geojson [DIR]`: refresh `DIR/raw/` 's COD-AB extract.

use std::path::PathBuf;

use anyhow::Result;
use mosul_data::{cod_ab, default_dir, generate, raw};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("cut-cod-ab") => {
            let Some(input) = args.get(1) else {
                anyhow::bail!("usage: mosul-data cut-cod-ab ADM3.geojson [DIR]")
            };
            let dir = args.get(2).map_or_else(default_dir, PathBuf::from);
            let output = dir.join("raw").join(raw::ADMIN_FILE);
            cod_ab::cut(input.as_ref(), &output)?;
            println!("wrote {}", output.display());
        }
        Some("-h" | "--help") => {
            println!("usage: mosul-data [DIR] | mosul-data cut-cod-ab ADM3.geojson [DIR]");
        }
        other => {
            let dir = other.map_or_else(default_dir, PathBuf::from);
            let dataset = generate(&dir)?;
            let mut groups: Vec<(&str, usize)> = Vec::new();
            for d in &dataset.districts {
                let g = d.group.as_deref().unwrap_or("");
                match groups.iter_mut().find(|(name, _)| *name == g) {
                    Some((_, n)) => *n += 1,
                    None => groups.push((g, 1)),
                }
            }
            println!(
                "wrote {}: {} districts ({}), {} states, {} sources",
                dir.display(),
                dataset.districts.len(),
                groups
                    .iter()
                    .map(|(g, n)| format!("{g}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                dataset.states.len(),
                dataset.sources.len()
            );
        }
    }
    Ok(())
}

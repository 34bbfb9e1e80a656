//! Default QGIS styles stored in the GeoPackage, so `control` and `frontline` open in QGIS with
//! the temporal controller already on.
//!
//! What QGIS detects by itself (QGIS source, `QgsVectorLayer` constructor and
//! `QgsVectorLayerTemporalProperties::guessDefaultsFromFields`): the OGR provider reports no
//! temporal capabilities for a GeoPackage, so a new layer's time handling starts *inactive*; QGIS
//! then only pre-selects fields: the first Date/DateTime fields whose names contain
//! `start`/`begin`/`from` and `end`/`last`/`to` become start and end, mode "separate start and end
//! fields". That is why `valid_from`/`valid_to` are DATETIME columns with those names: the
//! Temporal tab comes up filled in. It never switches itself on ("NEVER auto enable temporal
//! properties here").
//!
//! What switches it on: right after adding a layer, QGIS desktop (`QgsAppLayerHandling::
//! postProcessAddedLayer`) and QField load the layer's default style, and for a GeoPackage that is
//! the row of its `layer_styles` table (the table QGIS itself writes with "Save as default") with
//! `useAsDefault` set. A style's `<temporal>` element carries the temporal properties, so each
//! time-aware layer gets one, active, in mode 4: start and end from *expressions*,
//! `to_datetime("valid_from")` and `coalesce(to_datetime("valid_to"), make_datetime(9999,…))` (a
//! NULL end is open), which QGIS evaluates as date-times (`start <= frame end AND end > frame
//! start`: our half-open intervals). Mode 2, start and end from fields, looks the same but is
//! wrong at every hand-over instant: QGIS 3.22 hands the filter to the OGR provider as SQL, which
//! compares the stored DATETIME text (`2017-06-03T00:00:00.000Z`) with a literal without the `Z`
//! (`2017-06-03T00:00:00`) as strings, so the state ending at T matches and the one starting
//! there does not. The temporal controller works in the QGIS process's time zone, so the day
//! frames match the UTC data exactly when QGIS runs in UTC.
//! The `control` style also colours districts by faction and hatches contested ones.

use std::fmt::Write as _;

use rusqlite::{Transaction, params};

use crate::domain::index::Index;
use crate::export::Result;
use crate::export::{rgb, xml_escape as attr};

/// The table as QGIS creates it through GDAL (`QgsOgrUtils::saveStyle`), registered as attributes.
const LAYER_STYLES: &str = r#"
CREATE TABLE "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
"#;

/// The temporal element every style carries; see the module docs.
const TEMPORAL: &str = r#" <temporal enabled="1" mode="4" limitMode="0" startField="valid_from" endField="valid_to" startExpression="to_datetime(&quot;valid_from&quot;)" endExpression="coalesce(to_datetime(&quot;valid_to&quot;), make_datetime(9999,12,31,0,0,0))" durationField="" durationUnit="min" fixedDuration="0" accumulate="0">
  <fixedRange><start></start><end></end></fixedRange>
 </temporal>
"#;

/// Creates `layer_styles` and stores the default styles of `control` and `frontline`.
///
/// # Errors
/// Any SQLite error.
pub(super) fn write_layer_styles(
    tx: &Transaction<'_>,
    index: &Index,
    update_time: &str,
) -> Result<()> {
    tx.execute_batch(LAYER_STYLES)?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) \
         VALUES ('layer_styles', 'attributes', 'layer_styles', \
         'Default QGIS styles: time control on valid_from/valid_to, colours by faction', ?1)",
        [update_time],
    )?;
    for (table, qml, description) in [
        (
            "control",
            control_style(index),
            "Districts by faction; time from valid_from/valid_to",
        ),
        (
            "frontline",
            frontline_style(),
            "The front line; time from valid_from/valid_to",
        ),
    ] {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
             f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, \
             update_time) VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, '', ?4)",
            params![table, qml, description, update_time],
        )?;
    }
    Ok(())
}

/// Held districts in their faction's colour, contested ones hatched.
fn control_style(index: &Index) -> String {
    let mut categories = String::new();
    let mut symbols = String::new();
    for (i, f) in index.factions.iter().enumerate() {
        let rgb = qgis_rgb(&f.color);
        writeln!(
            categories,
            "   <category render=\"true\" symbol=\"{i}\" value=\"{}\" label=\"{}\"/>",
            attr(&f.id),
            attr(&f.name)
        )
        .expect("writing to a String");
        symbols.push_str(&fill_symbol(
            i,
            &format!("{rgb},190"),
            "80,80,80,255",
            "0.2",
            "solid",
        ));
    }
    let n = index.factions.len();
    writeln!(
        categories,
        "   <category render=\"true\" symbol=\"{n}\" value=\"contested\" label=\"Contested\"/>"
    )
    .expect("writing to a String");
    symbols.push_str(&fill_symbol(
        n,
        "60,60,60,255",
        "60,60,60,255",
        "0.6",
        "b_diagonal",
    ));
    // A held state names its faction; every contested state falls in one category.
    let attr_expr = attr(r#"CASE WHEN "status" = 'held' THEN "faction" ELSE 'contested' END"#);
    format!(
        "{HEAD}{TEMPORAL} <renderer-v2 type=\"categorizedSymbol\" attr=\"{attr_expr}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  <categories>\n{categories}  </categories>\n  <symbols>\n{symbols}  </symbols>\n </renderer-v2>\n <layerGeometryType>2</layerGeometryType>\n</qgis>\n"
    )
}

fn frontline_style() -> String {
    format!(
        "{HEAD}{TEMPORAL} <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n  <symbols>\n   <symbol type=\"line\" name=\"0\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n    <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n     <Option type=\"Map\">\n      {}\n      {}\n      {}\n     </Option>\n    </layer>\n   </symbol>\n  </symbols>\n </renderer-v2>\n <layerGeometryType>1</layerGeometryType>\n</qgis>\n",
        option("line_color", "255,128,0,255"),
        option("line_width", "0.8"),
        option("capstyle", "round"),
    )
}

const HEAD: &str = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology|Temporal\">\n";

fn fill_symbol(name: usize, color: &str, outline: &str, width: &str, style: &str) -> String {
    format!(
        "   <symbol type=\"fill\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n    <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n     <Option type=\"Map\">\n      {}\n      {}\n      {}\n      {}\n     </Option>\n    </layer>\n   </symbol>\n",
        option("color", color),
        option("outline_color", outline),
        option("outline_width", width),
        option("style", style),
    )
}

fn option(name: &str, value: &str) -> String {
    format!(
        "<Option type=\"QString\" name=\"{name}\" value=\"{}\"/>",
        attr(value)
    )
}

/// A faction colour as QGIS's `r,g,b`.
fn qgis_rgb(hex: &str) -> String {
    let [r, g, b] = rgb(hex);
    format!("{r},{g},{b}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_become_qgis_rgb() {
        assert_eq!(qgis_rgb("#d1495b"), "209,73,91");
        assert_eq!(qgis_rgb("#zz0000"), "128,128,128");
    }
}

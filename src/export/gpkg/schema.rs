//! The GeoPackage tables: the core ones the spec requires, and the five feature tables with
//! their registration and R*Tree spatial index.

use geo::Rect;
use rusqlite::{Transaction, params};

use super::SRS_ID;
use crate::export::Result;

/// The core tables, with the two undefined reference systems the spec requires and WGS 84.
pub(super) const SCHEMA: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
"#;

/// A feature table: its name, description, geometry type and attribute columns (name, SQL type).
pub(super) struct Layer {
    name: &'static str,
    description: &'static str,
    geometry_type: &'static str,
    columns: &'static [(&'static str, &'static str)],
}

pub(super) const DISTRICTS: Layer = Layer {
    name: "districts",
    description: "Districts whose control is tracked, with no time",
    geometry_type: "MULTIPOLYGON",
    columns: &[
        ("id", "TEXT NOT NULL UNIQUE"),
        ("name", "TEXT NOT NULL"),
        ("alt_names", "TEXT"),
        ("group", "TEXT"),
        ("area_km2", "DOUBLE"),
    ],
};

pub(super) const CONTROL: Layer = Layer {
    name: "control",
    description: "Who held each district when: one feature per control state, valid over [valid_from, valid_to), valid_to NULL while it still holds",
    geometry_type: "MULTIPOLYGON",
    columns: &[
        ("id", "TEXT NOT NULL UNIQUE"),
        ("district", "TEXT NOT NULL"),
        ("name", "TEXT NOT NULL"),
        ("status", "TEXT NOT NULL"),
        ("faction", "TEXT"),
        ("factions", "TEXT NOT NULL"),
        ("valid_from", "DATETIME NOT NULL"),
        ("valid_to", "DATETIME"),
        ("confidence", "TEXT NOT NULL"),
        ("sources", "TEXT NOT NULL"),
        ("note", "TEXT NOT NULL"),
    ],
};

pub(super) const FRONTLINE: Layer = Layer {
    name: "frontline",
    description: "The front line through time: borders between districts held by different sides, valid over [valid_from, valid_to)",
    geometry_type: "MULTILINESTRING",
    columns: &[
        ("id", "TEXT NOT NULL UNIQUE"),
        ("district_a", "TEXT NOT NULL"),
        ("district_b", "TEXT NOT NULL"),
        ("side_a", "TEXT NOT NULL"),
        ("side_b", "TEXT NOT NULL"),
        ("factions_a", "TEXT NOT NULL"),
        ("factions_b", "TEXT NOT NULL"),
        ("valid_from", "DATETIME NOT NULL"),
        ("valid_to", "DATETIME"),
        ("length_km", "DOUBLE"),
    ],
};

pub(super) const EVENTS: Layer = Layer {
    name: "events",
    description: "Dated, located, sourced incidents: a point (the centre of a circle of uncertainty_km) per event, over [valid_from, valid_to) = the days date_start..date_end; figures holds every claim with its claimant and source",
    geometry_type: "POINT",
    columns: &[
        ("id", "TEXT NOT NULL UNIQUE"),
        ("kind", "TEXT NOT NULL"),
        ("title", "TEXT NOT NULL"),
        ("summary", "TEXT NOT NULL"),
        ("date_start", "DATE NOT NULL"),
        ("date_end", "DATE NOT NULL"),
        ("date_precision", "TEXT NOT NULL"),
        ("valid_from", "DATETIME NOT NULL"),
        ("valid_to", "DATETIME NOT NULL"),
        ("place", "TEXT NOT NULL"),
        ("location_precision", "TEXT NOT NULL"),
        ("uncertainty_km", "DOUBLE NOT NULL"),
        ("factions", "TEXT NOT NULL"),
        ("responsible", "TEXT"),
        ("grade", "TEXT NOT NULL"),
        ("largest", "INTEGER"),
        ("figures", "TEXT NOT NULL"),
        ("districts", "TEXT NOT NULL"),
        ("sources", "TEXT NOT NULL"),
        ("note", "TEXT NOT NULL"),
    ],
};

pub(super) const SITES: Layer = Layer {
    name: "sites",
    description: "Camps and other sites for the displaced, open over [valid_from, valid_to) (NULL: not known or still open), with every sourced population count",
    geometry_type: "POINT",
    columns: &[
        ("id", "TEXT NOT NULL UNIQUE"),
        ("kind", "TEXT NOT NULL"),
        ("name", "TEXT NOT NULL"),
        ("operator", "TEXT NOT NULL"),
        ("location_precision", "TEXT NOT NULL"),
        ("uncertainty_km", "DOUBLE NOT NULL"),
        ("opened", "DATE"),
        ("closed", "DATE"),
        ("valid_from", "DATETIME"),
        ("valid_to", "DATETIME"),
        ("latest_population", "INTEGER"),
        ("latest_observed", "DATE"),
        ("peak_population", "INTEGER"),
        ("observations", "TEXT NOT NULL"),
        ("sources", "TEXT NOT NULL"),
        ("note", "TEXT NOT NULL"),
    ],
};

/// Creates the feature table, registers it, and creates its (empty) R*Tree.
pub(super) fn create(
    tx: &Transaction<'_>,
    layer: &Layer,
    extent: Option<Rect<f64>>,
    last_change: &str,
) -> Result<()> {
    let columns: Vec<String> = layer
        .columns
        .iter()
        .map(|(name, ty)| format!("\"{name}\" {ty}"))
        .collect();
    let (name, geometry_type) = (layer.name, layer.geometry_type);
    tx.execute_batch(&format!(
        "CREATE TABLE \"{name}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {geometry_type}, {});
         CREATE VIRTUAL TABLE \"rtree_{name}_geom\" USING rtree(id, minx, maxx, miny, maxy);",
        columns.join(", ")
    ))?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            name,
            layer.description,
            last_change,
            extent.map(|e| e.min().x),
            extent.map(|e| e.min().y),
            extent.map(|e| e.max().x),
            extent.map(|e| e.max().y),
            SRS_ID
        ],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![name, geometry_type, SRS_ID],
    )?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![name],
    )?;
    Ok(())
}

pub(super) type Insert<'s> =
    dyn FnMut(&Rect<f64>, &[&dyn rusqlite::ToSql]) -> rusqlite::Result<()> + 's;

/// Runs `fill` with a function that inserts one feature (fid, geometry, then the layer's columns)
/// and its envelope into the R*Tree.
pub(super) fn insert_rows(
    tx: &Transaction<'_>,
    layer: &Layer,
    fill: impl FnOnce(&mut Insert<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let names: Vec<String> = layer
        .columns
        .iter()
        .map(|(n, _)| format!("\"{n}\""))
        .collect();
    let slots: Vec<String> = (3..3 + names.len()).map(|i| format!("?{i}")).collect();
    let mut feature = tx.prepare(&format!(
        "INSERT INTO \"{}\" (fid, geom, {}) VALUES (?1, ?2, {})",
        layer.name,
        names.join(", "),
        slots.join(", ")
    ))?;
    let mut rtree = tx.prepare(&format!(
        "INSERT INTO \"rtree_{}_geom\" VALUES (?1, ?2, ?3, ?4, ?5)",
        layer.name
    ))?;
    fill(&mut |env: &Rect<f64>, values: &[&dyn rusqlite::ToSql]| {
        feature.execute(values)?;
        let fid = tx.last_insert_rowid();
        rtree.execute(params![
            fid,
            env.min().x,
            env.max().x,
            env.min().y,
            env.max().y
        ])?;
        Ok(())
    })?;
    Ok(())
}

/// The spec's triggers that keep the R*Tree in step with later edits (in QGIS, say). They call
/// the `ST_*` functions that GeoPackage readers such as GDAL provide, so they are created after
/// this writer's own inserts, which fill the index directly.
pub(super) fn index_triggers(tx: &Transaction<'_>, layer: &Layer) -> Result<()> {
    let t = layer.name;
    let r = format!("rtree_{t}_geom");
    let values =
        "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)";
    tx.execute_batch(&format!(
        "CREATE TRIGGER \"{r}_insert\" AFTER INSERT ON \"{t}\"
           WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN INSERT OR REPLACE INTO \"{r}\" VALUES ({values}); END;
         CREATE TRIGGER \"{r}_update1\" AFTER UPDATE OF geom ON \"{t}\"
           WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN INSERT OR REPLACE INTO \"{r}\" VALUES ({values}); END;
         CREATE TRIGGER \"{r}_update2\" AFTER UPDATE OF geom ON \"{t}\"
           WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM \"{r}\" WHERE id = OLD.fid; END;
         CREATE TRIGGER \"{r}_update3\" AFTER UPDATE ON \"{t}\"
           WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM \"{r}\" WHERE id = OLD.fid; INSERT OR REPLACE INTO \"{r}\" VALUES ({values}); END;
         CREATE TRIGGER \"{r}_update4\" AFTER UPDATE ON \"{t}\"
           WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
         BEGIN DELETE FROM \"{r}\" WHERE id IN (OLD.fid, NEW.fid); END;
         CREATE TRIGGER \"{r}_delete\" AFTER DELETE ON \"{t}\" WHEN old.geom NOT NULL
         BEGIN DELETE FROM \"{r}\" WHERE id = OLD.fid; END;"
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    #[test]
    fn the_bundled_sqlite_has_the_rtree_module() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
            .expect("SQLite built with SQLITE_ENABLE_RTREE");
    }
}

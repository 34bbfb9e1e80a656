//! Storing what a data set says of itself and its context layers.

use rusqlite::{Connection, Transaction, params};

use super::{Result, StorageError};
use crate::domain::meta::{ContextLayer, LayerKind, Meta};
use crate::domain::model::Dataset;

pub fn insert(tx: &Transaction<'_>, data: &Dataset) -> Result<()> {
    if data.meta != Meta::default() {
        tx.execute(
            "INSERT INTO dataset_meta (id, document) VALUES (1, ?1)",
            [serde_json::to_string(&data.meta).expect("meta serialises")],
        )?;
    }
    let mut layer = tx.prepare_cached(
        "INSERT INTO context_layers (id, ord, kind, name, attribution, features)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (ord, l) in data.layers.iter().enumerate() {
        layer.execute(params![
            l.id,
            ord,
            l.kind.as_str(),
            l.name,
            l.attribution,
            serde_json::to_string(&l.features).expect("features serialise"),
        ])?;
    }
    Ok(())
}

pub fn load(c: &Connection) -> Result<(Meta, Vec<ContextLayer>)> {
    let document: Option<String> = c
        .query_row("SELECT document FROM dataset_meta WHERE id = 1", [], |r| {
            r.get(0)
        })
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    let meta = match document {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StorageError::CorruptRow(format!("dataset_meta: {e}")))?,
        None => Meta::default(),
    };
    let mut stmt =
        c.prepare("SELECT id, kind, name, attribution, features FROM context_layers ORDER BY ord")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut layers = Vec::new();
    for row in rows {
        let (id, kind, name, attribution, features) = row?;
        let corrupt =
            |what: String| StorageError::CorruptRow(format!("context layer '{id}': {what}"));
        let kind: LayerKind = serde_json::from_value(serde_json::Value::String(kind.clone()))
            .map_err(|_| corrupt(format!("kind '{kind}'")))?;
        let features = serde_json::from_str(&features).map_err(|e| corrupt(e.to_string()))?;
        layers.push(ContextLayer {
            id,
            kind,
            name,
            attribution,
            features,
        });
    }
    Ok((meta, layers))
}

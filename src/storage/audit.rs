//! The audit trail: every edit, newest first, with the states it superseded and recorded.

use std::path::Path;

use rusqlite::{Connection, params};

use super::load::RowInfo;
use super::{Result, StorageError};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;

/// One edit as the audit shows it.
#[derive(Debug, Clone)]
pub struct EditRecord {
    pub id: i64,
    pub at: Instant,
    pub author: String,
    pub kind: String,
    pub comment: String,
    /// States this edit stopped believing (at most `per_edit` of them).
    pub before: Vec<(ControlState, RowInfo)>,
    pub before_count: usize,
    /// States this edit recorded (at most `per_edit` of them).
    pub after: Vec<(ControlState, RowInfo)>,
    pub after_count: usize,
}

/// The edits recorded after `since` (all when `None`), newest first, at most `limit`; each with
/// at most `per_edit` states on either side. Reads through its own read-only connection.
///
/// # Errors
/// When the store cannot be read.
pub fn edits(
    db: &Path,
    since: Option<Instant>,
    limit: usize,
    per_edit: usize,
) -> Result<Vec<EditRecord>> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let tx = conn.unchecked_transaction()?;
    let mut stmt = tx.prepare(
        "SELECT id, at, author, kind, comment FROM edits WHERE at > ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let heads = stmt
        .query_map(
            params![
                since.map_or(i64::MIN, |t| t.0),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )?
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::with_capacity(heads.len());
    for (id, at, author, kind, comment) in heads {
        let (before, before_count) = states_of(&tx, "superseded_by", id, per_edit)?;
        let (after, after_count) = states_of(&tx, "edit", id, per_edit)?;
        out.push(EditRecord {
            id,
            at: Instant(at),
            author,
            kind,
            comment,
            before,
            before_count,
            after,
            after_count,
        });
    }
    Ok(out)
}

/// The states whose `column` is `edit`, ordered by district and start, at most `limit`, and how
/// many there are in all.
fn states_of(
    c: &Connection,
    column: &str,
    edit: i64,
    limit: usize,
) -> Result<(Vec<(ControlState, RowInfo)>, usize)> {
    let count: i64 = c.query_row(
        &format!("SELECT COUNT(*) FROM control_states WHERE {column} = ?1"),
        [edit],
        |r| r.get(0),
    )?;
    let mut stmt = c.prepare(&format!(
        "SELECT s.id, s.district, s.status, s.valid_from, s.valid_to, s.confidence, s.note,
                s.recorded_at, s.superseded_at,
                (SELECT group_concat(faction, ';') FROM
                    (SELECT faction FROM state_factions WHERE state = s.id ORDER BY pos)),
                (SELECT group_concat(source, ';') FROM
                    (SELECT source FROM state_sources WHERE state = s.id ORDER BY pos))
         FROM control_states s WHERE s.{column} = ?1
         ORDER BY s.district, s.valid_from, s.id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(
        params![edit, i64::try_from(limit).unwrap_or(i64::MAX)],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, Option<i64>>(8)?,
                r.get::<_, Option<String>>(9)?,
                r.get::<_, Option<String>>(10)?,
            ))
        },
    )?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split(';').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for row in rows {
        let (id, district, status, from, to, confidence, note, recorded, superseded, f, s) = row?;
        out.push((
            ControlState {
                district,
                status: status.parse().map_err(StorageError::CorruptRow)?,
                factions: split(f),
                valid_from: Instant(from),
                valid_to: to.map(Instant),
                confidence: confidence.parse().map_err(StorageError::CorruptRow)?,
                sources: split(s),
                note,
            },
            RowInfo {
                id,
                recorded_at: Instant(recorded),
                superseded_at: superseded.map(Instant),
            },
        ));
    }
    Ok((out, usize::try_from(count).unwrap_or(0)))
}

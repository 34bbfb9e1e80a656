//! The audit trail on PostgreSQL: every edit, newest first, with the states it superseded and
//! recorded (see `storage::audit`).

use postgres::GenericClient;

use super::load::{STATE_COLUMNS, state_of};
use super::{PgStore, instant, ts};
use crate::domain::model::ControlState;
use crate::domain::time::Instant;
use crate::storage::Result;
use crate::storage::audit::EditRecord;
use crate::storage::load::RowInfo;

impl PgStore {
    /// The edits recorded after `since` (all when `None`), newest first, at most `limit`; each
    /// with at most `per_edit` states on either side. One repeatable-read transaction.
    ///
    /// # Errors
    /// When the store cannot be read.
    pub fn edits(
        &mut self,
        since: Option<Instant>,
        limit: usize,
        per_edit: usize,
    ) -> Result<Vec<EditRecord>> {
        let mut tx = self.read_transaction()?;
        let since = since.map(ts).transpose()?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let heads = tx.query(
            "SELECT id, at, author, kind, comment FROM edits
             WHERE $1::timestamptz IS NULL OR at > $1 ORDER BY id DESC LIMIT $2",
            &[&since, &limit],
        )?;
        let per_edit = i64::try_from(per_edit).unwrap_or(i64::MAX);
        let mut out = Vec::with_capacity(heads.len());
        for h in heads {
            let id: i64 = h.get(0);
            let (before, before_count) = states_of(&mut tx, "superseded_by", id, per_edit)?;
            let (after, after_count) = states_of(&mut tx, "edit", id, per_edit)?;
            out.push(EditRecord {
                id,
                at: instant(h.get(1)),
                author: h.get(2),
                kind: h.get(3),
                comment: h.get(4),
                before,
                before_count,
                after,
                after_count,
            });
        }
        tx.commit()?;
        Ok(out)
    }
}

/// The states whose `column` is `edit`, ordered by district and start, at most `limit`, and how
/// many there are in all.
fn states_of(
    c: &mut impl GenericClient,
    column: &str,
    edit: i64,
    limit: i64,
) -> Result<(Vec<(ControlState, RowInfo)>, usize)> {
    let count: i64 = c
        .query_one(
            &format!("SELECT COUNT(*) FROM control_states WHERE {column} = $1"),
            &[&edit],
        )?
        .get(0);
    let states = c
        .query(
            &format!(
                "SELECT {STATE_COLUMNS} FROM control_states s WHERE s.{column} = $1
                 ORDER BY s.district COLLATE \"C\", s.valid_from, s.id LIMIT $2"
            ),
            &[&edit, &limit],
        )?
        .iter()
        .map(state_of)
        .collect::<Result<Vec<_>>>()?;
    Ok((states, usize::try_from(count).unwrap_or(0)))
}

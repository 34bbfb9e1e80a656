//! Bearer tokens on PostgreSQL: stored as their SHA-256 only, as in the SQLite store.

use chrono::{DateTime, Utc};

use super::{PgStore, instant, ts};
use crate::domain::time::Instant;
use crate::storage::tokens::{Role, TokenError, TokenInfo, hash, new_token};
use crate::storage::{Result, StorageError};

fn storage(e: postgres::Error) -> TokenError {
    TokenError::Storage(e.into())
}

impl PgStore {
    /// Creates a token named `name`; returns the token, which is stored only as its hash.
    ///
    /// # Errors
    /// When the name is taken or malformed, or on a database error.
    pub fn create_token(
        &mut self,
        name: &str,
        role: Role,
        now: Instant,
    ) -> Result<String, TokenError> {
        let token = new_token(name)?;
        let mut tx = self.client()?.transaction().map_err(storage)?;
        // Names are unique: a second server creating the same name waits, then sees it.
        tx.execute("LOCK TABLE tokens IN SHARE ROW EXCLUSIVE MODE", &[])
            .map_err(storage)?;
        let taken: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM tokens WHERE name = $1)",
                &[&name],
            )
            .map_err(storage)?
            .get(0);
        if taken {
            return Err(TokenError::Exists(name.to_owned()));
        }
        tx.execute(
            "INSERT INTO tokens (name, role, sha256, created_at) VALUES ($1, $2, $3, $4)",
            &[&name, &role.as_str(), &hash(&token), &ts(now)?],
        )
        .map_err(storage)?;
        tx.commit().map_err(storage)?;
        Ok(token)
    }

    /// Every token, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub fn tokens(&mut self) -> Result<Vec<TokenInfo>> {
        self.client()?
            .query(
                "SELECT name, role, created_at, revoked_at FROM tokens ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(TokenInfo {
                    name: r.get(0),
                    role: r
                        .get::<_, &str>(1)
                        .parse()
                        .map_err(StorageError::CorruptRow)?,
                    created_at: instant(r.get(2)),
                    revoked_at: r.get::<_, Option<DateTime<Utc>>>(3).map(instant),
                })
            })
            .collect()
    }

    /// Revokes the token named `name` from `now` on.
    ///
    /// # Errors
    /// When no such token exists or it is revoked already.
    pub fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError> {
        let client = self.client()?;
        let revoked = client
            .query_opt("SELECT revoked_at FROM tokens WHERE name = $1", &[&name])
            .map_err(storage)?
            .map(|r| r.get::<_, Option<DateTime<Utc>>>(0));
        match revoked {
            None => Err(TokenError::Unknown(name.to_owned())),
            Some(Some(_)) => Err(TokenError::Revoked(name.to_owned())),
            Some(None) => {
                client
                    .execute(
                        "UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                        &[&name, &ts(now)?],
                    )
                    .map_err(storage)?;
                Ok(())
            }
        }
    }

    /// Who a presented token belongs to: its name and role, or `None` when it is unknown or
    /// revoked.
    ///
    /// # Errors
    /// On a database error.
    pub fn authenticate(&mut self, token: &str) -> Result<Option<(String, Role)>> {
        self.client()?
            .query_opt(
                "SELECT name, role FROM tokens WHERE sha256 = $1 AND revoked_at IS NULL",
                &[&hash(token)],
            )?
            .map(|r| {
                Ok((
                    r.get(0),
                    r.get::<_, &str>(1)
                        .parse()
                        .map_err(StorageError::CorruptRow)?,
                ))
            })
            .transpose()
    }
}

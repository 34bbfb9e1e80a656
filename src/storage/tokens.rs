//! Bearer tokens for writers. A token is shown once, when created; the store keeps only its
//! SHA-256, so a copy of the database gives nobody the right to write.

use std::path::Path;

use rand::RngCore;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Result, Store};
use crate::domain::time::Instant;

/// What a token allows: an editor records and corrects control; an admin also adds districts
/// and factions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err(format!("'{s}' is not a role: expected `editor` or `admin`")),
        }
    }
}

/// A token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub created_at: Instant,
    pub revoked_at: Option<Instant>,
}

/// Why a token could not be created or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token named '{0}' exists already: names are unique (revoked ones included)")]
    Exists(String),
    #[error("no token is named '{0}'")]
    Unknown(String),
    #[error("token '{0}' is revoked already")]
    Revoked(String),
    #[error("'{0}' is not a valid token name: expected 1 to 100 characters of A-Z a-z 0-9 . _ - @")]
    BadName(String),
    #[error(transparent)]
    Storage(#[from] super::StorageError),
}

pub(super) fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new random token for `name`, once the name is checked.
pub(super) fn new_token(name: &str) -> Result<String, TokenError> {
    let valid = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if !valid {
        return Err(TokenError::BadName(name.to_owned()));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Ok(format!(
        "fl_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ))
}

impl Store {
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
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(super::StorageError::from)?;
        let taken: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM tokens WHERE name = ?1)",
                [name],
                |r| r.get(0),
            )
            .map_err(super::StorageError::from)?;
        if taken {
            return Err(TokenError::Exists(name.to_owned()));
        }
        tx.execute(
            "INSERT INTO tokens (name, role, sha256, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role.as_str(), hash(&token), now.0],
        )
        .map_err(super::StorageError::from)?;
        tx.commit().map_err(super::StorageError::from)?;
        Ok(token)
    }

    /// Every token, oldest first.
    ///
    /// # Errors
    /// On a database error.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, created_at, revoked_at FROM tokens ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created, revoked) = row?;
            out.push(TokenInfo {
                name,
                role: role.parse().map_err(super::StorageError::CorruptRow)?,
                created_at: Instant(created),
                revoked_at: revoked.map(Instant),
            });
        }
        Ok(out)
    }

    /// Revokes the token named `name` from `now` on.
    ///
    /// # Errors
    /// When no such token exists or it is revoked already.
    pub fn revoke_token(&mut self, name: &str, now: Instant) -> Result<(), TokenError> {
        let revoked: Option<Option<i64>> = self
            .conn
            .query_row(
                "SELECT revoked_at FROM tokens WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(super::StorageError::from)?;
        match revoked {
            None => Err(TokenError::Unknown(name.to_owned())),
            Some(Some(_)) => Err(TokenError::Revoked(name.to_owned())),
            Some(None) => {
                self.conn
                    .execute(
                        "UPDATE tokens SET revoked_at = ?2 WHERE name = ?1",
                        params![name, now.0],
                    )
                    .map_err(super::StorageError::from)?;
                Ok(())
            }
        }
    }
}

/// Who a presented token belongs to: its name and role, or `None` when it is unknown or revoked.
///
/// # Errors
/// On a database error.
pub fn authenticate(db: &Path, token: &str) -> Result<Option<(String, Role)>> {
    let conn = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, role FROM tokens WHERE sha256 = ?1 AND revoked_at IS NULL",
            [hash(token)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(name, role)| Ok((name, role.parse().map_err(super::StorageError::CorruptRow)?)))
        .transpose()
}

//! Watching a PostgreSQL store for other servers' writes: `LISTEN` on the revision channel, with
//! a poll of the revision as a fallback, and reconnection with backoff when the connection is
//! lost.

use std::time::Duration;

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::{CHANNEL, connect, revision_of};
use crate::storage::location::PgUrl;
use crate::storage::{Result, StorageError};

/// The longest wait between two attempts to reconnect.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
const FIRST_BACKOFF: Duration = Duration::from_millis(250);

/// A listening connection of its own.
pub struct PgWatch {
    url: PgUrl,
    client: Option<Client>,
    /// The longest wait for a notification before the revision is read anyway.
    every: Duration,
    backoff: Duration,
    connected_before: bool,
    reconnected: bool,
}

impl PgWatch {
    /// A watcher of the database at `url` that reads the revision at least every `every`.
    /// Connects on first use.
    #[must_use]
    pub fn new(url: &PgUrl, every: Duration) -> Self {
        Self {
            url: url.clone(),
            client: None,
            every,
            backoff: Duration::ZERO,
            connected_before: false,
            reconnected: false,
        }
    }

    /// Blocks until another server notifies a commit or `every` has passed.
    ///
    /// # Errors
    /// [`StorageError::Unavailable`] when the connection is lost or cannot be made again (after
    /// waiting the current backoff, which doubles with each failure up to 8 s).
    pub fn wait(&mut self) -> Result<()> {
        let Some(client) = self.client.as_mut() else {
            return self.reconnect();
        };
        let failed = {
            let mut notes = client.notifications();
            // A burst of commits is one reload: take whatever else has arrived with the first.
            notes.timeout_iter(self.every).next().is_err() || notes.iter().count().is_err()
        };
        if failed || client.is_closed() {
            self.client = None;
            return Err(StorageError::Unavailable(format!(
                "lost the listening connection to {}",
                self.url
            )));
        }
        Ok(())
    }

    /// The store's revision, read through the listening connection.
    ///
    /// # Errors
    /// When the connection is down or the read fails.
    pub fn revision(&mut self) -> Result<i64> {
        let Some(client) = self.client.as_mut() else {
            return Err(StorageError::Unavailable(format!(
                "not connected to {}",
                self.url
            )));
        };
        let r = revision_of(client);
        if r.is_err() && client.is_closed() {
            self.client = None;
        }
        r
    }

    /// Whether the connection was made again since the last call (the first connection is not a
    /// reconnection).
    pub fn take_reconnected(&mut self) -> bool {
        std::mem::take(&mut self.reconnected)
    }

    fn reconnect(&mut self) -> Result<()> {
        std::thread::sleep(self.backoff);
        let attempt = connect(&self.url).and_then(|mut c| {
            c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
            Ok(c)
        });
        match attempt {
            Ok(client) => {
                self.client = Some(client);
                self.reconnected |= self.connected_before;
                self.connected_before = true;
                self.backoff = Duration::ZERO;
                Ok(())
            }
            Err(e) => {
                self.backoff = (self.backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF);
                Err(e)
            }
        }
    }
}

//! Encoded tiles kept in memory, least recently used first out, within a byte budget. A tile is
//! the same for every instant between two changes of the data, so it is keyed by the data
//! revision, the tile and the instant of the last change at or before the one asked for: scrubbing
//! a date inside one interval, or many readers of one date, cost one encoding. Outline tiles,
//! the same at every instant, are keyed by the outline version instead, so edits of states keep
//! them.

use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::domain::index::Index;
use crate::domain::tiles::TileId;
use crate::domain::time::Instant;

/// What a cached tile is the answer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The data revision; for outline tiles (`since` is `i64::MAX`), the outline version.
    pub revision: i64,
    /// The index's `knowledge` instant (`i64::MAX` for what is believed now).
    pub knowledge: i64,
    pub tile: TileId,
    /// The last change at or before the instant asked for (`i64::MIN` before the first).
    pub since: i64,
}

impl Key {
    /// The key of `tile` at `at` in `index`.
    #[must_use]
    pub fn new(index: &Index, tile: TileId, at: Instant) -> Self {
        let ticks = &index.timeline().ticks;
        let after = ticks.partition_point(|t| t.at <= at);
        Self {
            revision: index.revision,
            knowledge: index.knowledge.map_or(i64::MAX, |t| t.0),
            tile,
            since: after.checked_sub(1).map_or(i64::MIN, |i| ticks[i].at.0),
        }
    }

    /// The key of the geometry tile `tile` of `index` ([`super::geometry`]), the same at every
    /// instant and whatever is known: keyed by the tiles' version ([`Index::tiles_version`]),
    /// `since` is `i64::MAX`, after every change.
    #[must_use]
    pub fn geometry(index: &Index, tile: TileId) -> Self {
        Self {
            revision: index.tiles_version(),
            knowledge: i64::MAX,
            tile,
            since: i64::MAX,
        }
    }
}

/// An encoded tile; `None` for an empty one.
pub type Tile = Arc<Option<Vec<u8>>>;

/// The cache: tiles by [`Key`], at most `budget` bytes of them.
#[derive(Debug)]
pub struct TileCache {
    inner: Mutex<Inner>,
    budget: usize,
}

#[derive(Debug)]
struct Inner {
    tiles: LruCache<Key, Tile>,
    bytes: usize,
}

fn size(tile: &Tile) -> usize {
    tile.as_ref().as_ref().map_or(0, Vec::len) + 64
}

impl TileCache {
    /// A cache of at most `budget` bytes of tiles.
    #[must_use]
    pub fn new(budget: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                tiles: LruCache::unbounded(),
                bytes: 0,
            }),
            budget,
        }
    }

    /// The tile for `key`, made by `make` when it is not kept. Two requests that miss at once
    /// both make it; the second one's copy is kept.
    ///
    /// # Errors
    /// What `make` returns.
    pub fn get_or_make<E>(
        &self,
        key: Key,
        make: impl FnOnce() -> Result<Option<Vec<u8>>, E>,
    ) -> Result<Tile, E> {
        if let Some(tile) = self.lock().tiles.get(&key) {
            return Ok(tile.clone());
        }
        let tile: Tile = Arc::new(make()?);
        let mut inner = self.lock();
        inner.bytes += size(&tile);
        if let Some(old) = inner.tiles.put(key, tile.clone()) {
            inner.bytes -= size(&old);
        }
        while inner.bytes > self.budget {
            let Some((_, old)) = inner.tiles.pop_lru() else {
                break;
            };
            inner.bytes -= size(&old);
        }
        Ok(tile)
    }

    /// How many tiles and bytes are kept.
    #[must_use]
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.tiles.len(), inner.bytes)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map consistent: recover it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(since: i64) -> Key {
        Key {
            revision: 1,
            knowledge: i64::MAX,
            tile: TileId::new(3, 1, 1).unwrap(),
            since,
        }
    }

    #[test]
    fn a_kept_tile_is_not_made_again_and_the_budget_drops_the_oldest() {
        let cache = TileCache::new(3 * (1000 + 64));
        let mut made = 0;
        for round in 0..2 {
            for since in 0..3 {
                cache
                    .get_or_make(key(since), || {
                        made += 1;
                        Ok::<_, ()>(Some(vec![0; 1000]))
                    })
                    .unwrap();
            }
            assert_eq!(made, 3, "round {round}: three tiles made once");
        }
        cache
            .get_or_make(key(9), || Ok::<_, ()>(Some(vec![0; 1000])))
            .unwrap();
        assert_eq!(cache.usage(), (3, 3 * 1064), "the least recently used went");
        cache
            .get_or_make(key(0), || {
                made += 1;
                Ok::<_, ()>(None)
            })
            .unwrap();
        assert_eq!(made, 4, "tile 0 was the one dropped");
    }
}

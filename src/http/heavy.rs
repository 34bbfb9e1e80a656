//! Bounds on heavy work (report maps, exports): at most as many at once as the machine has cores,
//! a short queue behind them, and past that a 503 with `Retry-After`, so a burst of large requests
//! slows the server down instead of exhausting its memory.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::AppError;

/// The limiter every heavy handler goes through.
#[derive(Debug)]
pub struct Heavy {
    running: Semaphore,
    waiting: AtomicUsize,
    /// How many requests may wait for a turn.
    queue: usize,
    /// How long a request waits for its turn before it is turned away.
    patience: Duration,
}

/// How long a client is told to wait before trying again, seconds.
pub const RETRY_AFTER_S: u32 = 5;

impl Heavy {
    /// `running` at once (at least one), `queue` more waiting up to `patience` each.
    #[must_use]
    pub fn new(running: usize, queue: usize, patience: Duration) -> Self {
        Self {
            running: Semaphore::new(running.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
            patience,
        }
    }

    /// As many at once as the machine has cores, eight more in the queue, waiting up to 20 s.
    #[must_use]
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Self::new(cores, 8, Duration::from_secs(20))
    }

    /// A turn at heavy work, held until the returned permit is dropped.
    ///
    /// # Errors
    /// [`AppError::Busy`] when the queue is full or the wait runs out.
    pub async fn turn(&self, what: &str) -> Result<SemaphorePermit<'_>, AppError> {
        if let Ok(permit) = self.running.try_acquire() {
            return Ok(permit);
        }
        let busy = || AppError::Busy {
            retry_after_s: RETRY_AFTER_S,
            detail: format!(
                "the server is making as many {what} as it can at once: try again in {RETRY_AFTER_S} seconds"
            ),
        };
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        let permit = tokio::time::timeout(self.patience, self.running.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match permit {
            Ok(Ok(p)) => Ok(p),
            _ => Err(busy()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn past_the_running_and_the_queue_a_request_is_turned_away() {
        let heavy = Heavy::new(1, 1, Duration::from_millis(50));
        let first = heavy.turn("maps").await.unwrap();
        // One waits its turn and times out; with the queue full, a third is refused at once.
        let (second, third) = tokio::join!(heavy.turn("maps"), async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            heavy.turn("maps").await
        });
        assert!(matches!(second, Err(AppError::Busy { .. })));
        assert!(matches!(third, Err(AppError::Busy { .. })));
        drop(first);
        assert!(heavy.turn("maps").await.is_ok(), "a turn is free again");
    }
}

//! Bounds on heavy work (report maps, exports): at most as many at once as the machine has cores,
//! a short queue behind them, and past that a 503 with `Retry-After`, so a burst of large requests
//! slows the server down instead of exhausting its memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// The limiter every heavy handler goes through.
#[derive(Debug)]
pub struct Heavy {
    running: Arc<Semaphore>,
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
            running: Arc::new(Semaphore::new(running.max(1))),
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

    /// A turn at heavy work, held until the returned permit is dropped: move it into the
    /// blocking task that does the work, so that a client who leaves does not free the turn
    /// while its work still runs. A request that leaves while waiting gives up its place.
    ///
    /// # Errors
    /// [`AppError::Busy`] when the queue is full or the wait runs out.
    pub async fn turn(&self, what: &str) -> Result<OwnedSemaphorePermit, AppError> {
        if let Ok(permit) = self.running.clone().try_acquire_owned() {
            return Ok(permit);
        }
        let busy = || AppError::Busy {
            retry_after_s: RETRY_AFTER_S,
            detail: format!(
                "the server is making as many {what} as it can at once: try again in {RETRY_AFTER_S} seconds"
            ),
        };
        let _place = Waiting::join(&self.waiting, self.queue).ok_or_else(busy)?;
        let permit =
            tokio::time::timeout(self.patience, self.running.clone().acquire_owned()).await;
        match permit {
            Ok(Ok(p)) => Ok(p),
            _ => Err(busy()),
        }
    }
}

/// A place in the queue, given up when dropped: after the wait, or when the request waiting is
/// dropped because its client left.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn join(waiting: &'a AtomicUsize, queue: usize) -> Option<Self> {
        if waiting.fetch_add(1, Ordering::SeqCst) >= queue {
            waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Self(waiting))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
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

    #[actix_web::test]
    async fn a_request_that_leaves_while_waiting_gives_up_its_place() {
        let heavy = Heavy::new(1, 1, Duration::from_secs(10));
        let first = heavy.turn("maps").await.unwrap();
        for _ in 0..3 {
            // The client leaves after a moment in the queue: the request future is dropped.
            let left = tokio::time::timeout(Duration::from_millis(10), heavy.turn("maps")).await;
            assert!(left.is_err(), "it was still waiting");
        }
        assert_eq!(heavy.waiting.load(Ordering::SeqCst), 0, "no place is kept");
        let (waited, ()) = tokio::join!(heavy.turn("maps"), async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(first);
        });
        assert!(waited.is_ok(), "the queue still takes a request");
    }

    #[actix_web::test]
    async fn a_turn_moved_into_the_work_is_held_until_the_work_ends() {
        let heavy = Heavy::new(1, 0, Duration::from_millis(10));
        let turn = heavy.turn("maps").await.unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let work = std::thread::spawn(move || {
            let _turn = turn;
            rx.recv().ok();
        });
        assert!(heavy.turn("maps").await.is_err(), "the work holds the turn");
        tx.send(()).unwrap();
        work.join().unwrap();
        assert!(heavy.turn("maps").await.is_ok());
    }
}

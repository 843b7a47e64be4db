//! Following the log: a [`Subscription`] hands out durable events in global order from a
//! starting position, waiting for new appends when it has caught up.

use tokio::sync::watch;

use crate::store::log::{EventLog, ReadError, RecordedEvent};

/// A reader that follows the log from a position.
#[derive(Debug)]
pub struct Subscription {
    log: EventLog,
    next: u64,
    durable: watch::Receiver<u64>,
}

impl EventLog {
    /// Follow the log from `position` (1 for everything).
    pub fn subscribe(&self, position: u64) -> Subscription {
        Subscription {
            log: self.clone(),
            next: position.max(1),
            durable: self.inner.store.subscribe(),
        }
    }
}

impl Subscription {
    /// The next position this subscription will hand out.
    pub fn position(&self) -> u64 {
        self.next
    }

    /// Up to `limit` events, waiting until at least one is durable. `None` once the log is
    /// closed and everything durable was handed out.
    pub async fn next_batch(
        &mut self,
        limit: usize,
    ) -> Option<Result<Vec<RecordedEvent>, ReadError>> {
        loop {
            let durable = *self.durable.borrow_and_update();
            if self.next <= durable {
                return Some(self.take(limit));
            }
            if self.durable.changed().await.is_err() {
                let durable = *self.durable.borrow();
                return (self.next <= durable).then(|| self.take(limit));
            }
        }
    }

    /// Whatever is durable now, without waiting (empty when caught up).
    pub fn poll_batch(&mut self, limit: usize) -> Result<Vec<RecordedEvent>, ReadError> {
        self.take(limit)
    }

    fn take(&mut self, limit: usize) -> Result<Vec<RecordedEvent>, ReadError> {
        let events = self.log.read_from(self.next, limit)?;
        if let Some(last) = events.last() {
            self.next = last.position + 1;
        }
        Ok(events)
    }
}

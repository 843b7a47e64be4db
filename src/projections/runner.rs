//! The projection runner: one task follows the log from position 1 and applies every event
//! to every projection, then publishes the position it has applied. Handlers that just
//! appended wait for their position ([`Projections::wait_for`]) so a user always reads her
//! own writes; `/readyz` is ready once the runner has caught up with the log's head.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::watch;

use crate::projections::cases::CaseIndex;
use crate::projections::registry::Registry;
use crate::store::log::EventLog;

/// How many events the runner takes from the log at a time.
const BATCH: usize = 4096;

/// Every projection, and how far they have got.
#[derive(Debug)]
pub struct Projections {
    pub registry: Registry,
    pub cases: CaseIndex,
    applied: watch::Sender<u64>,
    /// Set when a projection could not apply an event: it then serves nothing.
    failed: AtomicBool,
}

impl Projections {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            registry: Registry::default(),
            cases: CaseIndex::default(),
            applied: watch::Sender::new(0),
            failed: AtomicBool::new(false),
        })
    }

    /// The last position applied.
    pub fn applied(&self) -> u64 {
        *self.applied.borrow()
    }

    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// Wait until `position` is applied (or the runner failed or stopped).
    pub async fn wait_for(&self, position: u64) -> Result<(), ProjectionError> {
        let mut applied = self.applied.subscribe();
        loop {
            if self.has_failed() {
                return Err(ProjectionError::Failed);
            }
            if *applied.borrow_and_update() >= position {
                return Ok(());
            }
            if applied.changed().await.is_err() {
                return Err(ProjectionError::Stopped);
            }
        }
    }

    /// Apply everything durable now, synchronously (start-up catch-up, tests, the CLI).
    pub fn catch_up(&self, log: &EventLog) -> Result<u64, ProjectionError> {
        let mut subscription = log.subscribe(self.applied() + 1);
        loop {
            let batch = subscription.poll_batch(BATCH).map_err(|error| {
                tracing::error!(%error, "a projection cannot read the log");
                ProjectionError::Failed
            })?;
            if batch.is_empty() {
                return Ok(self.applied());
            }
            self.apply_batch(&batch)?;
        }
    }

    /// Follow the log until it closes. Run this as a task after [`Projections::catch_up`].
    pub async fn follow(self: Arc<Self>, log: EventLog) {
        let mut subscription = log.subscribe(self.applied() + 1);
        while let Some(batch) = subscription.next_batch(BATCH).await {
            let applied = match batch {
                Ok(batch) => self.apply_batch(&batch),
                Err(error) => {
                    tracing::error!(%error, "a projection cannot read the log");
                    Err(ProjectionError::Failed)
                }
            };
            if applied.is_err() {
                return;
            }
        }
    }

    fn apply_batch(
        &self,
        batch: &[crate::store::log::RecordedEvent],
    ) -> Result<(), ProjectionError> {
        for event in batch {
            let result = self
                .registry
                .apply(event)
                .and_then(|()| self.cases.apply(event));
            if let Err(error) = result {
                // Never serve a view that silently skipped an event.
                self.failed.store(true, Ordering::SeqCst);
                self.applied.send_modify(|_| {});
                tracing::error!(position = event.position, %error, "a projection cannot apply an event");
                return Err(ProjectionError::Failed);
            }
            self.applied.send_replace(event.position);
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProjectionError {
    #[error("a projection failed and serves nothing until the server restarts")]
    Failed,
    #[error("the projections stopped")]
    Stopped,
}

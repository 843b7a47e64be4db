//! The checkpoint task of a running server: saves the projections' checkpoint every so many
//! applied events, or after a quiet spell when something was applied since the last save, and
//! once more at shutdown. Saving runs on a blocking thread; the projections keep following
//! the log meanwhile (the snapshot is taken between two batches).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::projections::checkpoint;
use crate::projections::runner::Projections;
use crate::store::log::EventLog;

/// When to save.
#[derive(Clone, Copy, Debug)]
pub struct CheckpointPolicy {
    /// Save once this many events were applied since the last save.
    pub every_events: u64,
    /// Save when anything was applied and this long has passed since the last save.
    pub every: Duration,
}

impl Default for CheckpointPolicy {
    fn default() -> Self {
        Self {
            every_events: 100_000,
            every: Duration::from_secs(60),
        }
    }
}

/// Saves checkpoints for one server.
#[derive(Debug, Clone)]
pub struct Checkpointer {
    data_dir: PathBuf,
    log: EventLog,
    projections: Arc<Projections>,
    policy: CheckpointPolicy,
}

impl Checkpointer {
    pub fn new(
        data_dir: PathBuf,
        log: EventLog,
        projections: Arc<Projections>,
        policy: CheckpointPolicy,
    ) -> Self {
        Self {
            data_dir,
            log,
            projections,
            policy,
        }
    }

    /// Run until the projections stop; `saved` is the position of the checkpoint the server
    /// started from (0 if none).
    pub async fn run(self, mut saved: u64) {
        let mut applied = self.projections.watch_applied();
        let mut quiet = tokio::time::interval(self.policy.every);
        quiet.tick().await;
        loop {
            let due = tokio::select! {
                changed = applied.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let now = *applied.borrow_and_update();
                    now.saturating_sub(saved) >= self.policy.every_events
                }
                _ = quiet.tick() => self.projections.applied() > saved,
            };
            // A case set aside refuses a checkpoint (a restart must meet its event again):
            // trying on every applied event would only repeat the warning.
            if due && !self.projections.has_failed() && self.projections.set_aside.is_empty() {
                let this = self.clone();
                match tokio::task::spawn_blocking(move || this.save()).await {
                    Ok(Some(position)) => saved = position,
                    Ok(None) => {}
                    Err(_) => tracing::error!("the checkpoint task failed"),
                }
            }
        }
    }

    /// Save now (also at shutdown). Returns the position saved, `None` if it failed (logged:
    /// a failed checkpoint costs only a longer start).
    pub fn save(&self) -> Option<u64> {
        if self.projections.has_failed() {
            return None;
        }
        match checkpoint::save(&self.data_dir, &self.log, &self.projections) {
            Ok(position) => {
                tracing::debug!(position, "projection checkpoint saved");
                Some(position)
            }
            Err(error) => {
                tracing::warn!(%error, "the projection checkpoint was not saved");
                None
            }
        }
    }
}

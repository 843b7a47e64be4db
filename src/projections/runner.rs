//! The projection runner: one task follows the log from position 1 and applies every event
//! to every projection, then publishes the position it has applied. Handlers that just
//! appended wait for their position ([`Projections::wait_for`]) so a user always reads her
//! own writes; `/readyz` is ready once the runner has caught up with the log's head.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::watch;

use crate::domain::codec::DecodeError;
use crate::domain::ids::CaseId;
use crate::projections::cases::{CaseIndex, CaseTable};
use crate::projections::event::{Projected, ProjectedEvent, pii_needed};
use crate::projections::held::{HeldIndex, HeldTable};
use crate::projections::registry::{Registry, RegistryData};
use crate::projections::set_aside::SetAside;
use crate::projections::stats::{StatsProjection, StatsSnapshot};
use crate::stats::data::StatsData;
use crate::store::log::{EventLog, RecordedEvent};

/// How many events the runner takes from the log at a time.
const BATCH: usize = 4096;

/// Every projection, and how far they have got.
#[derive(Debug)]
pub struct Projections {
    pub registry: Registry,
    pub cases: CaseIndex,
    /// The offline outbox's held records, without what she wrote.
    pub held: HeldIndex,
    pub stats: StatsProjection,
    /// Case streams holding an event that cannot be decoded: not applied, the rest is.
    pub set_aside: SetAside,
    applied: watch::Sender<u64>,
    /// Set when a projection could not apply an event: it then serves nothing.
    failed: AtomicBool,
    /// Held while a batch is applied, so a snapshot sees every projection at one position.
    applying: Mutex<()>,
}

impl Projections {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            registry: Registry::default(),
            cases: CaseIndex::default(),
            held: HeldIndex::default(),
            stats: StatsProjection::default(),
            set_aside: SetAside::default(),
            applied: watch::Sender::new(0),
            failed: AtomicBool::new(false),
            applying: Mutex::new(()),
        })
    }

    /// The last position applied.
    pub fn applied(&self) -> u64 {
        *self.applied.borrow()
    }

    /// A receiver that sees every new applied position.
    pub fn watch_applied(&self) -> watch::Receiver<u64> {
        self.applied.subscribe()
    }

    pub fn has_failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    /// **Fault injection for tests only**: the projections fail as if one could not apply an
    /// event, so a test can fail what comes after an append. Never used by tincay itself.
    #[doc(hidden)]
    pub fn fail_for_tests(&self) {
        self.failed.store(true, Ordering::SeqCst);
        self.applied.send_modify(|_| {});
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

    /// Apply everything durable now, synchronously (start-up catch-up, rebuild, tests, the
    /// CLI). The log is read, decrypted and decoded one batch ahead on other threads while
    /// this one applies, so a rebuild keeps both cores busy.
    ///
    /// From nothing applied, this is a replay of the whole log, which takes the cases' keys
    /// from one scan of the key tree ([`EventLog::replay_mapped`]). Its callers then have the
    /// log to themselves (a rebuild, a start before the server listens, a CLI command); were
    /// a case erased during the replay, its `case_erased` event, later in the log, would
    /// still remove what the replay opened with the scanned key.
    pub fn catch_up(&self, log: &EventLog) -> Result<u64, ProjectionError> {
        // Decoded on the reading threads, where each event's decrypted buffers are dropped.
        let decode = |recorded: RecordedEvent| decode_recorded(&recorded);
        let from = self.applied() + 1;
        let batches = if from == 1 {
            log.replay_mapped(BATCH, pii_needed, decode)
                .map_err(|error| {
                    tracing::error!(%error, "a projection cannot read the log's keys");
                    ProjectionError::Failed
                })?
        } else {
            log.read_ahead_mapped(from, BATCH, pii_needed, decode)
        };
        for batch in batches {
            let batch = batch.map_err(|error| {
                tracing::error!(%error, "a projection cannot read the log");
                ProjectionError::Failed
            })?;
            self.apply_decoded(batch)?;
        }
        Ok(self.applied())
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

    /// Apply a batch in order: each event is decoded once and given to every projection.
    pub fn apply_batch(&self, batch: &[RecordedEvent]) -> Result<(), ProjectionError> {
        self.apply_decoded(batch.iter().map(decode_recorded))
    }

    /// Apply decoded events in order. An event of a case stream that did not decode sets
    /// that stream aside ([`SetAside`]): it and the stream's later events are skipped, and
    /// counted, never silently. Any other event that did not decode stops every projection:
    /// after it, they refuse to serve (never a view that silently skipped an event).
    fn apply_decoded(
        &self,
        batch: impl IntoIterator<Item = Result<ProjectedEvent, Undecodable>>,
    ) -> Result<(), ProjectionError> {
        let _applying = self.applying.lock().unwrap_or_else(PoisonError::into_inner);
        let mut last = None;
        for event in batch {
            let event = match event {
                Ok(event) => event,
                Err(Undecodable {
                    position,
                    case: Some(case),
                    error,
                }) => {
                    self.set_aside.set_aside(case, position);
                    tracing::error!(
                        position,
                        %error,
                        "an event of a case stream cannot be decoded: that case is set aside \
                         (503 case_unavailable) until a binary that reads it rebuilds"
                    );
                    last = Some(position);
                    continue;
                }
                Err(Undecodable {
                    position, error, ..
                }) => {
                    self.failed.store(true, Ordering::SeqCst);
                    self.applied.send_modify(|_| {});
                    tracing::error!(position, %error, "a projection cannot decode an event");
                    return Err(ProjectionError::Failed);
                }
            };
            if let Projected::Case { id, .. } = &event.body {
                if self.set_aside.exclude(id) {
                    last = Some(event.position);
                    continue;
                }
            }
            self.registry.apply(&event);
            self.cases.apply(&event);
            self.held.apply(&event);
            self.stats.apply(&event);
            last = Some(event.position);
        }
        if let Some(last) = last {
            self.applied.send_replace(last);
        }
        Ok(())
    }

    /// Start from a checkpoint's state at `position` (before any event is applied).
    pub fn restore(&self, position: u64, restored: Restored) {
        self.registry.restore(restored.registry);
        self.cases.restore(restored.cases);
        self.held.restore(restored.held);
        self.stats.restore_data(restored.stats);
        self.applied.send_replace(position);
    }

    /// Every projection's state, and the position it reflects. Taken between batches, so
    /// all projections are at the same position.
    pub fn snapshot(&self) -> (u64, Snapshot) {
        let _applying = self.applying.lock().unwrap_or_else(PoisonError::into_inner);
        (
            self.applied(),
            Snapshot {
                registry: self.registry.snapshot(),
                cases: self.cases.snapshot(),
                held: self.held.snapshot(),
                stats: self.stats.snapshot(),
            },
        )
    }
}

/// An event no projection could decode, where it is, and its case if it is a case's.
struct Undecodable {
    position: u64,
    case: Option<CaseId>,
    error: DecodeError,
}

fn decode_recorded(recorded: &RecordedEvent) -> Result<ProjectedEvent, Undecodable> {
    ProjectedEvent::decode(recorded).map_err(|error| Undecodable {
        position: recorded.position,
        case: recorded.stream.uuid_of("case").map(CaseId::from_uuid),
        error,
    })
}

/// The state of every projection, as a checkpoint saves it (before encryption).
#[derive(Debug)]
pub struct Snapshot {
    pub registry: RegistryData,
    pub cases: CaseTable,
    pub held: HeldTable,
    pub stats: StatsSnapshot,
}

/// The state of every projection, as a checkpoint restores it.
#[derive(Debug)]
pub struct Restored {
    pub registry: RegistryData,
    pub cases: CaseTable,
    pub held: HeldTable,
    pub stats: StatsData,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProjectionError {
    #[error("a projection failed and serves nothing until the server restarts")]
    Failed,
    #[error("the projections stopped")]
    Stopped,
}

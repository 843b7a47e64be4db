//! The statistics projection: the log's case events, in global order, folded into the
//! statistics' table of facts ([`crate::stats::data`]), which queries read through a
//! consistent view. The pure core (rows, disclosure control, queries) is [`crate::stats`].
//!
//! SECURITY-SENSITIVE: it holds the statistics secret and, through the table, every record
//! key. They leave it only inside the encrypted checkpoint, never in `Debug`.

use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard};

use crate::projections::event::{Projected, ProjectedEvent};
use crate::stats::data::StatsData;
use crate::stats::disclosure::StatisticsSecret;
pub use crate::stats::snapshot::StatsSnapshot;

/// The statistics projection.
#[derive(Debug, Default)]
pub struct StatsProjection {
    data: RwLock<StatsData>,
    /// Derives events' record keys; rows applied before it is set get their keys when it is.
    secret: OnceLock<StatisticsSecret>,
}

impl StatsProjection {
    /// Give the deployment's statistics secret (once; later calls are ignored) and derive
    /// the keys of every row applied without it.
    pub fn set_secret(&self, secret: StatisticsSecret) {
        if self.secret.set(secret).is_err() {
            return;
        }
        let Some(secret) = self.secret.get() else {
            return;
        };
        let mut data = self.write();
        if data.unkeyed > 0 {
            data.key_all(secret);
        }
    }

    pub fn apply(&self, event: &ProjectedEvent) {
        let Projected::Case { id, event: body } = &event.body else {
            return;
        };
        let mut data = self.write();
        let version = u32::try_from(event.stream_version).unwrap_or(u32::MAX);
        data.apply(self.secret.get(), *id, version, body);
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot::of(&self.read())
    }

    pub fn restore(&self, snapshot: StatsSnapshot) {
        self.restore_data(snapshot.into_data());
    }

    /// Replace the state with one unpacked from a checkpoint.
    pub fn restore_data(&self, mut restored: StatsData) {
        if let Some(secret) = self.secret.get() {
            restored.key_all(secret);
        }
        *self.write() = restored;
    }

    /// A consistent view for a query.
    pub fn read(&self) -> RwLockReadGuard<'_, StatsData> {
        self.data.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, StatsData> {
        self.data.write().unwrap_or_else(PoisonError::into_inner)
    }
}

//! The statistics projection: the facts of every case and of the events counted in
//! statistics, gathered from the log in global order. Facts only, so it survives erasure and
//! holds nothing personal.

use serde::{Deserialize, Serialize};

use crate::projections::event::ProjectedEvent;

/// The statistics projection.
#[derive(Debug, Default)]
pub struct StatsProjection {}

/// Its checkpoint form.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StatsSnapshot {}

impl StatsProjection {
    pub fn apply(&self, _event: &ProjectedEvent) {}

    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {}
    }

    pub fn restore(&self, _snapshot: StatsSnapshot) {}
}

//! [`StatsSettings`]: the statistics' suppression threshold, query budget and the ledger of
//! who asked for what in the rolling window (filled from the access log at start).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::access_log;
use crate::stats::budget::{Ledger, Normalised, WINDOW};
use crate::stats::disclosure::K;
use crate::store::log::EventLog;

/// The deployment's statistics settings.
#[derive(Clone, Debug)]
pub struct StatsSettings {
    /// The suppression threshold (API.md: 5 by default, never below 3).
    pub k: K,
    /// Distinct tables a reporting officer may ask for per rolling 30 days.
    pub budget: u32,
    /// Who asked for what in the window (filled from the access log at start).
    pub ledger: Arc<Ledger>,
}

impl StatsSettings {
    /// The settings with `budget`, the ledger filled from the access log's statistics
    /// queries of the window ending `now`.
    pub fn new(log: &EventLog, budget: u32, now: OffsetDateTime) -> Self {
        let ledger = Ledger::default();
        match access_log::queries_since(log, now - WINDOW, now) {
            Ok(recorded) => ledger.load(
                recorded
                    .into_iter()
                    .map(|(user, at, query)| (user, at, Normalised(query))),
            ),
            Err(error) => tracing::error!(%error, "the statistics ledger cannot be filled"),
        }
        Self {
            k: K::default(),
            budget,
            ledger: Arc::new(ledger),
        }
    }
}

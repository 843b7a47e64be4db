//! [`App`]: what a use case works with, borrowed from the server's state: the event log,
//! the projections, the access recorder, the sessions and the sign-in throttle, the
//! statistics settings, the lists' cursor key and the clock. Nothing of HTTP.

use std::sync::Arc;

use crate::access_log::AccessRecorder;
use crate::app::stats::settings::StatsSettings;
use crate::auth::sessions::Sessions;
use crate::auth::throttle::Throttle;
use crate::clock::Clock;
use crate::projections::runner::Projections;
use crate::store::crypto::DataKey;
use crate::store::log::EventLog;

/// The parts of the service a use case reads and appends to.
#[derive(Clone, Copy, Debug)]
pub struct App<'a> {
    pub log: &'a EventLog,
    /// Shared, so a long computation (a statistics table) can take it to the blocking pool.
    pub projections: &'a Arc<Projections>,
    /// Records case reads, sharing appends among those that arrive together.
    pub access: &'a Arc<AccessRecorder>,
    /// Signed-in sessions: a deactivated account's, or one whose password changed, end.
    pub sessions: &'a Sessions,
    /// Failed sign-ins per (name, client) and per client.
    pub throttle: &'a Throttle,
    /// The statistics' threshold, budget and ledger.
    pub stats: &'a StatsSettings,
    /// Seals the case list's cursors, which hold the day a case was opened (personal data).
    pub cursors: &'a DataKey,
    /// Repeated reads of one case by one user within this window are one access-log item.
    pub access_log_window: time::Duration,
    pub clock: &'a dyn Clock,
}

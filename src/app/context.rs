//! [`App`]: what a use case works with, borrowed from the server's state: the event log,
//! the projections, the access recorder and the clock. Nothing of HTTP.

use std::sync::Arc;

use crate::access_log::AccessRecorder;
use crate::clock::Clock;
use crate::projections::runner::Projections;
use crate::store::log::EventLog;

/// The parts of the service a use case reads and appends to.
#[derive(Clone, Copy, Debug)]
pub struct App<'a> {
    pub log: &'a EventLog,
    pub projections: &'a Projections,
    /// Records case reads, sharing appends among those that arrive together.
    pub access: &'a Arc<AccessRecorder>,
    pub clock: &'a dyn Clock,
}

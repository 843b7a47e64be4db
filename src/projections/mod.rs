//! Projections: in-memory views derived from the log, kept up to date by one task that
//! follows the log in global order.
//!
//! - [`event`]: an event decoded once and tagged with its entity, as every projection reads it.
//! - [`registry`]: areas (with their hierarchy and successions), trusted addresses, users.
//! - [`cases`]: the case index behind case views, case lists and the follow-up queue.
//! - [`held`]: the offline outbox's held records (no personal data), behind the case list's
//!   "records need attention" and the list of them.
//! - [`stats`]: the statistics projection, feeding the statistics' table of facts
//!   ([`crate::stats::data`]).
//! - [`runner`]: the follower task, the applied position, and waiting for it
//!   (read-your-writes: a handler that just appended waits until its position is applied).
//! - [`set_aside`]: case streams holding an event that cannot be decoded, set aside so the
//!   rest keeps working.
//! - [`checkpoint`]: every projection's state at one position, saved encrypted in the data
//!   directory; [`checkpointer`]: when a running server saves it.
//!
//! They hold personal data (user names, trusted address names, the day a case was opened),
//! so they live in memory; on disk only inside the encrypted checkpoint, where each case's
//! personal part is sealed again under that case's key, so erasure shreds it there too. At
//! start the projections load the checkpoint (if it belongs to this log) and catch up from
//! its position; `tincay rebuild` replays everything from the first event.

pub mod cases;
pub mod checkpoint;
pub mod checkpointer;
pub mod event;
pub mod held;
pub mod registry;
pub mod runner;
pub mod set_aside;
pub mod stats;

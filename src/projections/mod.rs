//! Projections: in-memory views derived from the log, kept up to date by one task that
//! follows the log in global order.
//!
//! - [`registry`]: areas (with their hierarchy and successions), trusted addresses, users.
//! - [`cases`]: the case index behind case lists and the follow-up queue.
//! - [`runner`]: the follower task, the applied position, and waiting for it
//!   (read-your-writes: a handler that just appended waits until its position is applied).
//!
//! They hold personal data (user names, trusted address names), so they live in memory
//! only and are rebuilt from the log at every start.

pub mod cases;
pub mod checkpoint;
pub mod checkpointer;
pub mod event;
pub mod registry;
pub mod runner;

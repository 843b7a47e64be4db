//! The registry use cases: areas, trusted addresses and user accounts. Each takes the acting
//! user as the role that may give it ([`Admin`](crate::app::actor::Admin); a supervisor
//! approves or refuses accounts),
//! its preconditions (the idempotency key) and its body, goes through the domain's `decide`,
//! and is appended with an expected version; a retry under the same key writes nothing and
//! answers as the first did, the key with another body is refused.
//!
//! - [`areas`]: define an area.
//! - [`retire`]: retire one; [`merge`]: communes merge into a new commune or one of them,
//!   from an effective date.
//! - [`accounts`]: create, deactivate, reset a password (admin); approve or refuse a
//!   pending account (supervisor).
//! - [`addresses`]: establish a trusted address; the addresses within a user's reach.
//! - [`parse`]: request fields into domain values.
//! - [`write`]: append, wait for the projections, type the domain's rejections.

pub mod accounts;
pub mod addresses;
pub mod areas;
pub mod merge;
pub mod parse;
pub mod retire;
pub mod write;

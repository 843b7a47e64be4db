//! The domain: pure Rust, no I/O, no clock, no randomness drawn implicitly.
//!
//! A command and the current state of a case give either events or a typed rejection
//! ([`case::decide`]); applying events gives the state ([`case::CaseState::apply`]). Every
//! event has a coded, non-identifying `facts` part and an optional personal `pii` part, kept as
//! separate types so the store can encrypt them under different keys.
//!
//! - [`vocab`]: the closed code lists with Vietnamese and English labels.
//! - [`ids`]: identifiers (case, referral, follow-up, user, trusted address, area code).
//! - [`codec`]: how an event becomes `(type, version, facts, pii)` bytes and back, including
//!   upcasting of old versions.
//! - [`case`]: the case stream: events, commands, state, lifecycle rules.
//! - [`registry`]: areas, trusted addresses and users, event-sourced too.

pub mod case;
pub mod codec;
pub mod ids;
pub mod registry;
pub mod vocab;

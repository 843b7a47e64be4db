//! The domain: pure Rust, no I/O, no clock, no randomness drawn implicitly.
//!
//! A command and the current state of a case give either events or a typed rejection
//! ([`case::decide`]); applying events gives the state ([`case::CaseState::apply`]). Every
//! event has a coded, non-identifying `facts` part and an optional personal `pii` part, kept as
//! separate types so the store can encrypt them under different keys. Identifiers, random
//! record keys and `today` arrive as arguments.
//!
//! - [`vocab`]: the closed code lists with Vietnamese and English labels.
//! - [`ids`]: identifiers (case, referral, follow-up, user, trusted address, area code).
//! - [`id_map`]: the small id-ordered map a case keeps its referrals and follow-ups in.
//! - [`bounds`]: the ranges and lengths every value a client sends is parsed against.
//! - [`calendar`]: how dates and months are written in events (`YYYY-MM-DD`, `YYYY-MM`).
//! - [`codec`]: how an event becomes `(type, version, facts, pii)` bytes and back, including
//!   upcasting of old versions; [`parts`] holds the helpers every codec shares.
//! - [`catalogue`]: the JSON Schemas of every catalogued event type and version.
//! - [`rejection`]: how a refused command maps onto the HTTP problem types.
//! - [`case`]: the case stream: events, commands, state, lifecycle rules.
//! - [`registry`]: areas, trusted addresses and users, event-sourced too.
//! - [`username`]: the one form of a username, and the look-alikes refused.

#[macro_use]
mod macros;

pub mod access;
pub mod bounds;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod codec;
pub mod held;
pub mod id_map;
pub mod ids;
pub mod parts;
pub mod registry;
pub mod rejection;
pub mod username;
pub mod vocab;

//! The case stream: one stream per survivor's case (`case-<uuid>`).
//!
//! - [`events`]: [`CaseEvent`], its type names and current versions; [`facts`] and [`pii`]
//!   hold the two parts of each event; [`upcast`] reads old versions; [`codec`] implements the
//!   [`EventCodec`](crate::domain::codec::EventCodec).
//! - [`command`]: [`CaseCommand`], what users ask, already parsed.
//! - [`state`]: [`CaseState`], folded from events.
//! - [`decide()`] (with [`record`]): the lifecycle rules, refusing with a typed [`Rejection`].

pub mod codec;
pub mod command;
pub mod decide;
pub mod events;
pub mod facts;
pub mod pii;
pub mod record;
pub mod rejection;
pub mod retention;
pub mod state;
pub mod upcast;

#[cfg(test)]
mod tests;

pub use command::*;
pub use decide::decide;
pub use events::CaseEvent;
pub use facts::*;
pub use pii::*;
pub use rejection::Rejection;
pub use state::{CaseState, CaseStatus, ClosureRequest, FollowUp, Referral};
pub use upcast::CaseOpenedFactsV1;

//! The application core: one function per use case, between the domain, the store and the
//! projections below and the two adapters above (`http`, which speaks JSON and
//! problem+json, and `web`, which speaks forms and pages). A use case takes the acting user
//! (authenticated, typed by role: [`actor`]), typed ids, its preconditions (expected
//! version, idempotency key) and its body, and answers a typed outcome or a typed
//! [`AppError`](error::AppError). The scope check, idempotency, read-your-writes and the
//! access log live here, once ([`cases::flow`]); neither adapter repeats them.
//!
//! - [`context`]: [`App`](context::App), what a use case works with (log, projections,
//!   access recorder, clock).
//! - [`actor`]: the acting user and the role types a use case asks for.
//! - [`error`]: [`AppError`](error::AppError) and [`FieldError`](error::FieldError).
//! - [`held`]: the offline outbox's records the server could not apply ("needs attention").
//! - [`input`]: a command's body as received ([`Body`](input::Body)), its preconditions and
//!   the one idempotency-key limit.
//! - [`scope`]: whose cases and addresses a user may reach (out of scope is not found).
//! - [`sign_in`]: the one sign-in check (throttle, Argon2, access log).
//! - [`validate`]: [`Checks`](validate::Checks), the field checks every body's parsing uses.
//! - [`cases`]: the case use cases.
//! - [`lists`]: the lists (cases, the follow-up queue, a case's access log).
//! - [`registry`]: the registry use cases (areas, trusted addresses).
//! - [`stats`]: the statistics use cases (tables, the programme report, the audit).

pub mod actor;
pub mod cases;
pub mod context;
pub mod error;
pub mod held;
pub mod input;
pub mod lists;
pub mod registry;
pub mod scope;
pub mod sign_in;
pub mod stats;
pub mod validate;

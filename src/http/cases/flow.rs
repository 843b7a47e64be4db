//! A recorded command in HTTP: its answer ([`Created`]: `201 {"id"?, "version"}` with
//! `ETag`) is shared with the web app's outbox, in [`crate::edge::recorded`]. How a command
//! runs (scope, idempotency, `If-Match`, decide, append with retry, read-your-writes) is the
//! application core's
//! ([`crate::app::cases::flow`]); the helpers below put its pieces in the API's terms for the
//! routes that are not use cases of their own yet (the registry's idempotent commands).

use crate::app::actor::CurrentUser;
use crate::app::cases::flow as core;
pub use crate::app::cases::flow::fields_fingerprint;
use crate::app::error::AppError;
use crate::app::input::Preconditions;
pub use crate::edge::recorded::{CommandResult, Created, etag};
use crate::http::error::ApiError;
use crate::store::log::{AppendError, Idempotency};

/// The log's idempotency key for a client's key ([`core::idempotency`]).
pub fn idempotency(
    user: &CurrentUser,
    route: &str,
    preconditions: &Preconditions,
    fingerprint: [u8; 32],
) -> Option<Idempotency> {
    core::idempotency(user, route, preconditions, fingerprint)
}

/// What a failed append is in HTTP ([`core::append_error`]).
pub fn append_error(error: AppendError) -> ApiError {
    core::append_error(error).into()
}

/// 422 for an `Idempotency-Key` sent again with another request.
pub fn key_reused() -> ApiError {
    AppError::key_reused().into()
}

/// An internal failure; its message (never personal data: store and codec errors name
/// positions and types only) is logged, not sent.
pub fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(error.to_string())
}

//! A recorded command in HTTP: `201 {"id"?, "version"}` with `ETag: "VERSION"` (and
//! `Location` for a new case). How a command runs (scope, idempotency, `If-Match`, decide,
//! append with retry, read-your-writes) is the application core's
//! ([`crate::app::cases::flow`]); the helpers below put its pieces in the API's terms for the
//! routes that are not use cases of their own yet (the registry's idempotent commands).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::actor::CurrentUser;
pub use crate::app::cases::flow::fields_fingerprint;
use crate::app::cases::flow::{self as core, Recorded};
use crate::app::error::AppError;
use crate::app::input::Preconditions;
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

/// `201 {"id"?, "version"}` with `ETag: "VERSION"`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommandResult {
    /// The referral, follow-up or case the command created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The case's version after the command.
    pub version: u64,
}

/// A command's success response.
#[derive(Debug)]
pub struct Created {
    pub body: CommandResult,
    /// `Location` of a new case.
    pub location: Option<String>,
}

impl From<Recorded> for Created {
    fn from(recorded: Recorded) -> Self {
        Self {
            body: CommandResult {
                id: recorded.id,
                version: recorded.version,
            },
            location: None,
        }
    }
}

/// `ETag` for a case version.
pub fn etag(version: u64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{version}\"")).ok()
}

impl IntoResponse for Created {
    fn into_response(self) -> Response {
        let mut response = (StatusCode::CREATED, axum::Json(&self.body)).into_response();
        let headers = response.headers_mut();
        if let Some(value) = etag(self.body.version) {
            headers.insert(header::ETAG, value);
        }
        if let Some(value) = self
            .location
            .and_then(|location| HeaderValue::from_str(&location).ok())
        {
            headers.insert(header::LOCATION, value);
        }
        response
    }
}

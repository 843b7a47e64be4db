//! A recorded command's JSON answer: `201 {"id"?, "version"}` with `ETag: "VERSION"` (and
//! `Location` for a new case), which the API's commands and the web app's `POST /outbox`
//! both give.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::cases::flow::Recorded;

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

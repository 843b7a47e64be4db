//! `POST /areas/{code}/retire` (admin): an area ceases to exist, its territory taken over by
//! a successor of the same level (or by none, as when the 2025 reform abolished districts).
//!
//! The use case is the application core's ([`crate::app::registry::retire`]).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

pub use crate::app::registry::retire::RetireArea;
use crate::domain::ids::AreaCode;
use crate::edge::state::AppState;
use crate::http::auth::Admin;
use crate::http::cases::extract::Preconditions;
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;

/// Retire an area.
#[utoipa::path(
    post,
    path = "/areas/{code}/retire",
    tag = "registry",
    security(("bearer" = [])),
    params(
        ("code" = String, Path, description = "The area"),
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body retires nothing again and answers the same"),
    ),
    request_body = RetireArea,
    responses(
        (status = 204, description = "Retired"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such area", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad date or successor, the area is already retired, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn retire_area(
    State(state): State<AppState>,
    admin: Admin,
    code: Result<Path<String>, PathRejection>,
    preconditions: Preconditions,
    Json(body): Json<RetireArea>,
) -> Result<StatusCode, ApiError> {
    // A code that does not parse names no area.
    let code = code
        .ok()
        .and_then(|Path(raw)| AreaCode::parse(&raw).ok())
        .ok_or(ApiError::NotFound)?;
    crate::app::registry::retire::retire_area(&state.app(), &admin, &code, &preconditions, &body)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `POST /areas` (admin): define a province, district or commune
//! ([`crate::app::registry::areas`]).
//!
//! It takes an `Idempotency-Key`, as the case commands and `POST /trusted-addresses` do: a
//! retry after a lost answer defines nothing new and answers the same code; the key with
//! another body is refused (422 on `Idempotency-Key`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;

pub use crate::app::registry::areas::NewArea;
use crate::edge::state::AppState;
use crate::http::auth::Admin;
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::error::{ApiError, Problem};

/// `POST /areas` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaCreated {
    pub code: String,
}

/// Define an area.
#[utoipa::path(
    post,
    path = "/areas",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewArea,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body defines nothing new and answers the same code"),
    ),
    responses(
        (status = 201, description = "Defined (or, for a retry, had been)", body = AreaCreated),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, the parent is wrong, the code exists, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn define_area(
    State(state): State<AppState>,
    admin: Admin,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<(StatusCode, axum::Json<AreaCreated>), ApiError> {
    let code =
        crate::app::registry::areas::define_area(&state.app(), &admin, &preconditions, &body)
            .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(AreaCreated {
            code: code.as_str().to_owned(),
        }),
    ))
}

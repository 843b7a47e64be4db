//! Trusted addresses: `POST /trusted-addresses` (admin) and `GET /trusted-addresses`, which
//! each role sees within its reach: an admin all of them, a supervisor or reporting officer
//! those in her area, a volunteer her own.
//!
//! `POST` takes an optional `Idempotency-Key`, as the case commands do. What an address
//! needs and who sees which is the application core's ([`crate::app::registry::addresses`]).

use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use crate::app::registry::addresses as core;
pub use crate::app::registry::addresses::NewTrustedAddress;
use crate::domain::calendar::iso_day;
use crate::edge::state::AppState;
use crate::http::auth::{Admin, CurrentUser};
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::error::{ApiError, Problem};

/// The id of what was created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// One trusted address.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustedAddressView {
    pub id: Uuid,
    /// `null` if it can no longer be read.
    #[schema(required = true)]
    pub name: Option<String>,
    pub commune: String,
    #[schema(format = Date)]
    pub established_on: String,
    #[schema(format = Date, required = true)]
    pub closed_on: Option<String>,
}

/// `GET /trusted-addresses` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustedAddressList {
    pub items: Vec<TrustedAddressView>,
}

/// Establish a trusted address.
#[utoipa::path(
    post,
    path = "/trusted-addresses",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewTrustedAddress,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body establishes nothing new and answers the same id"),
    ),
    responses(
        (status = 201, description = "Established (or, for a retry, had been)", body = Created),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such commune, a date in the future, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn establish(
    State(state): State<AppState>,
    admin: Admin,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    let id = core::establish(&state.app(), &admin, &preconditions, &body).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Created { id: *id.as_uuid() }),
    ))
}

/// The trusted addresses within the caller's reach.
#[utoipa::path(
    get,
    path = "/trusted-addresses",
    tag = "registry",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The addresses the caller may see", body = TrustedAddressList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> axum::Json<TrustedAddressList> {
    let items = core::list(&state.app(), &user)
        .into_iter()
        .map(|address| TrustedAddressView {
            id: *address.id.as_uuid(),
            name: address.name,
            commune: address.commune.as_str().to_owned(),
            established_on: iso_day(address.established_on),
            closed_on: address.closed_on.map(iso_day),
        })
        .collect();
    axum::Json(TrustedAddressList { items })
}

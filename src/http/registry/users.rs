//! `POST /users`, `DELETE /users/{id}` and `POST /users/{id}/password` (admin). The work is
//! in [`accounts`](super::accounts), shared with the control socket.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::ids::UserId;
use crate::http::auth::Admin;
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;
use crate::http::registry::accounts::{self, NewUser, Password};
use crate::http::registry::addresses::Created;
use crate::http::state::AppState;

/// `POST /users/{id}/password` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// At least 10 characters.
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// Create an account.
#[utoipa::path(
    post,
    path = "/users",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = Created),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Username taken, password too short, unknown role, area or address, or a binding the role does not use", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    let id = accounts::create_user(&state, Some(admin.id), body).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Created { id: *id.as_uuid() }),
    ))
}

/// Deactivate an account; its sessions end at once.
#[utoipa::path(
    delete,
    path = "/users/{id}",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Already deactivated, or the admin's own account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn deactivate(
    State(state): State<AppState>,
    Admin(admin): Admin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(id)?;
    if id == admin.id {
        return Err(ApiError::RuleViolated(
            "an admin cannot deactivate her own account".into(),
        ));
    }
    accounts::deactivate(&state, admin.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset an account's password; its sessions end at once.
#[utoipa::path(
    post,
    path = "/users/{id}/password",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user")),
    request_body = NewPassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Password too short, or the account is deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    id: Result<Path<String>, PathRejection>,
    Json(body): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(id)?;
    accounts::reset_password(&state, admin.id, id, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A path segment that is not a user id names no user.
fn user_id(raw: Result<Path<String>, PathRejection>) -> Result<UserId, ApiError> {
    raw.ok()
        .and_then(|Path(raw)| Uuid::parse_str(&raw).ok())
        .map(UserId::from_uuid)
        .ok_or(ApiError::NotFound)
}

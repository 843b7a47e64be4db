//! `POST /users`, `DELETE /users/{id}` and `POST /users/{id}/password` (admin);
//! `POST /users/{id}/approve` and `POST /users/{id}/refuse` (a supervisor whose area contains
//! the account's scope). The use cases are the application core's
//! ([`crate::app::registry::accounts`]), shared with the control socket and the web app.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Serialize;
use uuid::Uuid;

use crate::app::input::path_id;
use crate::app::registry::accounts;
pub use crate::app::registry::accounts::{NewPassword, NewUser};
use crate::domain::ids::UserId;
use crate::edge::state::AppState;
use crate::http::auth::{Admin, Supervisor};
use crate::http::cases::extract::Preconditions;
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;

/// `POST /users` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserCreated {
    pub id: Uuid,
    /// `pending` (a volunteer or supervisor, until a supervisor approves it) or `active`.
    #[schema(example = "pending")]
    pub status: &'static str,
}

/// Create an account. A volunteer or supervisor account waits for a supervisor's approval.
#[utoipa::path(
    post,
    path = "/users",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewUser,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body creates nothing new and answers the same account"),
    ),
    responses(
        (status = 201, description = "Created", body = UserCreated),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Username taken, password too short, unknown role, area or address, a binding the role does not use, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    admin: Admin,
    preconditions: Preconditions,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, axum::Json<UserCreated>), ApiError> {
    let created = accounts::create(&state.app(), &admin, &preconditions, body).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(UserCreated {
            id: *created.id.as_uuid(),
            status: if created.pending { "pending" } else { "active" },
        }),
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
    admin: Admin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    accounts::deactivate(&state.app(), &admin, user_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Approve a pending account (or its new password): it may sign in.
#[utoipa::path(
    post,
    path = "/users/{id}/approve",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The pending account")),
    responses(
        (status = 204, description = "Approved"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor, or the supervisor's own account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the supervisor's area", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The account is not waiting for approval, or is deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    supervisor: Supervisor,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    accounts::approve(&state.app(), &supervisor, user_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuse a pending account (or its new password): it is deactivated.
#[utoipa::path(
    post,
    path = "/users/{id}/refuse",
    tag = "registry",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The pending account")),
    responses(
        (status = 204, description = "Refused and deactivated"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor, or the supervisor's own account", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account in the supervisor's area", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The account is not waiting for approval, or is deactivated", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refuse(
    State(state): State<AppState>,
    supervisor: Supervisor,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    accounts::refuse(&state.app(), &supervisor, user_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset an account's password; its sessions end at once. A volunteer's or supervisor's new
/// password waits for a supervisor's approval.
#[utoipa::path(
    post,
    path = "/users/{id}/password",
    tag = "registry",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The user"),
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body changes nothing again (the account does not wait for a second approval)"),
    ),
    request_body = NewPassword,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Password too short, the account is deactivated, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_password(
    State(state): State<AppState>,
    admin: Admin,
    id: Result<Path<String>, PathRejection>,
    preconditions: Preconditions,
    Json(body): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(id)?;
    accounts::reset_password(&state.app(), &admin, id, &preconditions, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A path segment that is not a user id names no user ([`path_id`]).
pub fn user_id(raw: Result<Path<String>, PathRejection>) -> Result<UserId, ApiError> {
    let Path(raw) = raw.map_err(|_| ApiError::NotFound)?;
    Ok(UserId::from_uuid(path_id(&raw)?))
}

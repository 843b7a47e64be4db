//! `POST /users`, `DELETE /users/{id}` and `POST /users/{id}/password` (admin);
//! `POST /users/{id}/approve` and `POST /users/{id}/refuse` (a supervisor whose area contains
//! the account's scope). The work is in [`accounts`](super::accounts), shared with the
//! control socket and the web app.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::ids::UserId;
use crate::http::auth::{Admin, Supervisor};
use crate::http::cases::extract::Preconditions;
use crate::http::cases::flow::{fields_fingerprint, idempotency};
use crate::http::error::{ApiError, Problem};
use crate::http::json::Json;
use crate::http::registry::accounts::{self, NewUser, Password};
use crate::http::state::AppState;

/// `POST /users/{id}/password` body.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPassword {
    /// At least 10 characters, and not easy to guess (`weak_password`).
    #[schema(value_type = String, format = Password)]
    pub password: Password,
}

impl NewPassword {
    /// The fingerprint of the request for its idempotency key (the log keeps only a keyed
    /// hash of it).
    pub fn fingerprint(&self) -> [u8; 32] {
        fields_fingerprint(&[Some(self.password.as_str())])
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// `POST /users` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserCreated {
    pub id: Uuid,
    /// `pending` (a volunteer or supervisor, until a supervisor approves it) or `active`.
    #[schema(example = "pending")]
    pub status: &'static str,
}

/// The route an `Idempotency-Key` of `POST /users` is scoped to (with the user).
const CREATE_ROUTE: &str = "POST /users";

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
    Admin(admin): Admin,
    preconditions: Preconditions,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, axum::Json<UserCreated>), ApiError> {
    let idempotency = idempotency(&admin, CREATE_ROUTE, &preconditions, body.fingerprint());
    let creator = accounts::Creator::Admin(admin.id);
    let id = accounts::create_user(&state, creator, body, idempotency).await?;
    let pending = state
        .projections
        .registry
        .user(&id)
        .is_some_and(|user| user.pending);
    Ok((
        StatusCode::CREATED,
        axum::Json(UserCreated {
            id: *id.as_uuid(),
            status: if pending { "pending" } else { "active" },
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
    Admin(admin): Admin,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(id)?;
    if id == admin.id {
        return Err(ApiError::RuleViolated(
            crate::domain::rejection::RuleCode::OwnAccount,
            "an admin cannot deactivate her own account".into(),
        ));
    }
    accounts::deactivate(&state, admin.id, id).await?;
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
    Supervisor(supervisor): Supervisor,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    accounts::approve(&state, supervisor.id, user_id(id)?).await?;
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
    Supervisor(supervisor): Supervisor,
    id: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    accounts::refuse(&state, supervisor.id, user_id(id)?).await?;
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
    Admin(admin): Admin,
    id: Result<Path<String>, PathRejection>,
    preconditions: Preconditions,
    Json(body): Json<NewPassword>,
) -> Result<StatusCode, ApiError> {
    let id = user_id(id)?;
    // Scoped to the account too: the key of one account's reset is not another's.
    let route = format!("POST /users/{}/password", id.as_uuid());
    let idempotency = idempotency(&admin, &route, &preconditions, body.fingerprint());
    accounts::reset_password(&state, admin.id, id, body.password, idempotency).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A path segment that is not a user id names no user.
fn user_id(raw: Result<Path<String>, PathRejection>) -> Result<UserId, ApiError> {
    raw.ok()
        .and_then(|Path(raw)| Uuid::parse_str(&raw).ok())
        .map(UserId::from_uuid)
        .ok_or(ApiError::NotFound)
}

//! The commands only a supervisor may give (a volunteer gets 403): reviewing a case
//! (approving a requested closure closes it), transferring it to another trusted address in
//! her area, and reopening a closed case; and their bodies.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::bounds::Accepts;
use crate::domain::bounds::{self, FieldCode};
use crate::domain::case::{CaseCommand, ReopenCase, ReviewCase, TransferCase};
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::ReviewDecision;
use crate::http::auth::{CurrentUser, Supervisor};
use crate::http::cases::commands::command;
use crate::http::cases::docs::{AuthErrors, BodyErrors, CaseErrors, CommandHeaders, VersionErrors};
use crate::http::cases::extract::{Ids, Preconditions, RawBody};
use crate::http::cases::flow::{CommandResult, Created, execute};
use crate::http::cases::validate::Checks;
use crate::http::error::ApiError;
use crate::http::openapi_bounds::FieldBounds;
use crate::http::scope::may_access_address;
use crate::http::state::AppState;

/// Review a case: `approved` closes a case whose closure a volunteer requested;
/// `action_requested` sends such a case back to `open`.
#[utoipa::path(post, path = "/cases/{id}/reviews", tag = "cases", request_body = ReviewBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn review_case(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/reviews");
    let command = command(&user, id, path, preconditions, &body);
    execute(&state, command, |_| body.parse::<ReviewBody>()?.parse()).await
}

/// Move a case to another open trusted address in the supervisor's area.
#[utoipa::path(post, path = "/cases/{id}/transfer", tag = "cases", request_body = TransferBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Transferred", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn transfer_case(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/transfer");
    let command = command(&user, id, path, preconditions, &body);
    execute(&state, command, |_| {
        transfer(&state, &user, body.parse::<TransferBody>()?)
    })
    .await
}

/// The transfer, once the new address is known to be open and in the supervisor's area.
fn transfer(
    state: &AppState,
    user: &CurrentUser,
    body: TransferBody,
) -> Result<CaseCommand, ApiError> {
    let mut checks = Checks::default();
    let uuid = checks.uuid("trusted_address", &body.trusted_address);
    let reason = checks.text("reason", body.reason, bounds::NOTES);
    let (Some(uuid), Some(reason)) = (uuid, reason) else {
        return Err(checks.into_error());
    };
    let address = TrustedAddressId::from_uuid(uuid);
    let registry = &state.projections.registry;
    match registry.trusted_address(&address) {
        Some(found)
            if found.closed_on.is_none() && may_access_address(user, &address, registry) =>
        {
            Ok(TransferCase {
                trusted_address: address,
                commune: found.commune,
                reason,
            }
            .into())
        }
        _ => Err(ApiError::invalid(
            "trusted_address",
            FieldCode::Unknown,
            "is not an open trusted address in your area",
        )),
    }
}

/// Reopen a closed case.
#[utoipa::path(post, path = "/cases/{id}/reopen", tag = "cases", request_body = ReopenBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Reopened", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn reopen_case(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/reopen");
    let command = command(&user, id, path, preconditions, &body);
    execute(&state, command, |_| body.parse::<ReopenBody>()?.parse()).await
}

/// A supervisor's review.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `approved` (closes a case whose closure was requested) or `action_requested`.
    #[schema(example = "approved")]
    pub decision: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A transfer to another trusted address in the supervisor's area.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// The new trusted address (id).
    pub trusted_address: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Reopening a closed case.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenBody {
    pub reason: String,
}

opaque_debug!(ReviewBody, TransferBody, ReopenBody);

impl ReviewBody {
    pub fn parse(self) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        let decision = checks.code("decision", &self.decision, ReviewDecision::parse);
        let comment = checks.text("comment", self.comment, bounds::NOTES);
        let (Some(decision), Some(comment)) = (decision, comment) else {
            return Err(checks.into_error());
        };
        Ok(ReviewCase { decision, comment }.into())
    }
}

impl ReopenBody {
    pub fn parse(self) -> Result<CaseCommand, ApiError> {
        let mut checks = Checks::default();
        match checks.required_text("reason", self.reason, bounds::NOTES) {
            Some(reason) => Ok(ReopenCase { reason }.into()),
            None => Err(checks.into_error()),
        }
    }
}

// What each field accepts, for the OpenAPI document: the bounds `parse` checks above.
impl ReviewBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("decision", Accepts::code(ReviewDecision::CODES)),
            ("comment", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl TransferBody {
    pub fn accepts() -> FieldBounds {
        vec![
            ("trusted_address", Accepts::Id),
            ("reason", Accepts::Text(bounds::NOTES)),
        ]
    }
}

impl ReopenBody {
    pub fn accepts() -> FieldBounds {
        vec![("reason", Accepts::RequiredText(bounds::NOTES))]
    }
}

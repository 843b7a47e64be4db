//! The commands only a supervisor may give (a volunteer gets 403): reviewing a case
//! (approving a requested closure closes it), transferring it to another trusted address in
//! her area, and reopening a closed case. Each hands its body to its use case
//! ([`crate::app::cases::commands`]).

use axum::extract::State;
use uuid::Uuid;

use crate::app::cases::bodies::{ReopenBody, ReviewBody, TransferBody};
use crate::app::cases::commands as use_case;
use crate::domain::ids::CaseId;
use crate::edge::state::AppState;
use crate::http::auth::Supervisor;
use crate::http::cases::docs::{AuthErrors, BodyErrors, CaseErrors, CommandHeaders, VersionErrors};
use crate::http::cases::extract::{Ids, Preconditions, RawBody};
use crate::http::cases::flow::{CommandResult, Created};
use crate::http::error::ApiError;

/// Review a case: `approved` closes a case whose closure a volunteer requested;
/// `action_requested` sends such a case back to `open`.
#[utoipa::path(post, path = "/cases/{id}/reviews", tag = "cases", request_body = ReviewBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn review_case(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let case = CaseId::from_uuid(id);
    Ok(
        use_case::review_case(&state.app(), &supervisor, case, &given, &body)
            .await?
            .into(),
    )
}

/// Move a case to another open trusted address in the supervisor's area.
#[utoipa::path(post, path = "/cases/{id}/transfer", tag = "cases", request_body = TransferBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Transferred", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn transfer_case(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let case = CaseId::from_uuid(id);
    Ok(
        use_case::transfer_case(&state.app(), &supervisor, case, &given, &body)
            .await?
            .into(),
    )
}

/// Reopen a closed case.
#[utoipa::path(post, path = "/cases/{id}/reopen", tag = "cases", request_body = ReopenBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Reopened", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn reopen_case(
    State(state): State<AppState>,
    supervisor: Supervisor,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let case = CaseId::from_uuid(id);
    Ok(
        use_case::reopen_case(&state.app(), &supervisor, case, &given, &body)
            .await?
            .into(),
    )
}

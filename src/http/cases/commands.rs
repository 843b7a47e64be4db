//! The commands that record work on a case, open to volunteers and supervisors alike:
//! support, referrals and their outcomes, follow-ups and their completion, notes, risk, and
//! closing (a volunteer's close is a request a supervisor approves). Each hands its body to
//! its use case ([`crate::app::cases::commands`]) and answers `201 {"id"?, "version"}` with
//! the new `ETag`.

use axum::extract::State;
use uuid::Uuid;

use crate::app::cases::bodies::*;
use crate::app::cases::commands as use_case;
use crate::domain::ids::{CaseId, FollowUpId, ReferralId};
use crate::edge::state::AppState;
use crate::http::auth::CaseWorker;
use crate::http::cases::docs::{AuthErrors, BodyErrors, CaseErrors, CommandHeaders, VersionErrors};
use crate::http::cases::extract::{Ids, Preconditions, RawBody};
use crate::http::cases::flow::{CommandResult, Created};
use crate::http::error::ApiError;

/// Record support given.
#[utoipa::path(post, path = "/cases/{id}/support", tag = "cases", request_body = SupportBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn provide_support(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::record_support(&state.app(), &worker, CaseId::from_uuid(id), &given, &body)
            .await?;
    Ok(recorded.into())
}

/// Refer the survivor to another service; answers with the referral's `id`. Refused
/// (`rule_violated`) without her consent to referral.
#[utoipa::path(post, path = "/cases/{id}/referrals", tag = "cases", request_body = ReferralBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded; `id` is the referral's", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn make_referral(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::make_referral(&state.app(), &worker, CaseId::from_uuid(id), &given, &body)
            .await?;
    Ok(recorded.into())
}

/// Record what became of a referral.
#[utoipa::path(post, path = "/cases/{id}/referrals/{rid}/outcome", tag = "cases",
    request_body = ReferralOutcomeBody,
    params(("id" = Uuid, Path, description = "The case"),
        ("rid" = Uuid, Path, description = "The referral"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn record_referral_outcome(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids((id, sub)): Ids<(Uuid, Uuid)>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let (case, sub) = (CaseId::from_uuid(id), ReferralId::from_uuid(sub));
    let recorded =
        use_case::record_referral_outcome(&state.app(), &worker, case, sub, &given, &body).await?;
    Ok(recorded.into())
}

/// Schedule a follow-up; answers with the follow-up's `id`.
#[utoipa::path(post, path = "/cases/{id}/follow-ups", tag = "cases", request_body = FollowUpBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Scheduled; `id` is the follow-up's", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn schedule_follow_up(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::schedule_follow_up(&state.app(), &worker, CaseId::from_uuid(id), &given, &body)
            .await?;
    Ok(recorded.into())
}

/// Record a follow-up as done.
#[utoipa::path(post, path = "/cases/{id}/follow-ups/{fid}/complete", tag = "cases",
    request_body = CompleteFollowUpBody,
    params(("id" = Uuid, Path, description = "The case"),
        ("fid" = Uuid, Path, description = "The follow-up"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn complete_follow_up(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids((id, sub)): Ids<(Uuid, Uuid)>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let (case, sub) = (CaseId::from_uuid(id), FollowUpId::from_uuid(sub));
    let recorded =
        use_case::complete_follow_up(&state.app(), &worker, case, sub, &given, &body).await?;
    Ok(recorded.into())
}

/// Add a note.
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "cases", request_body = NoteBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn add_note(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::add_note(&state.app(), &worker, CaseId::from_uuid(id), &given, &body).await?;
    Ok(recorded.into())
}

/// Assess the risk again, as of today.
#[utoipa::path(post, path = "/cases/{id}/risk", tag = "cases", request_body = RiskBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn assess_risk(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::assess_risk(&state.app(), &worker, CaseId::from_uuid(id), &given, &body).await?;
    Ok(recorded.into())
}

/// Close a case: a volunteer's close asks a supervisor (`closure_requested`); a
/// supervisor's closes it (`closed`).
#[utoipa::path(post, path = "/cases/{id}/close", tag = "cases", request_body = CloseBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Closed, or closure requested", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn close_case(
    State(state): State<AppState>,
    worker: CaseWorker,
    Ids(id): Ids<Uuid>,
    given: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let recorded =
        use_case::close_case(&state.app(), &worker, CaseId::from_uuid(id), &given, &body).await?;
    Ok(recorded.into())
}

//! The commands that record work on a case, open to volunteers and supervisors alike:
//! support, referrals and their outcomes, follow-ups and their completion, notes, risk, and
//! closing (a volunteer's close is a request a supervisor approves). Each runs through
//! [`flow::execute`](super::flow::execute) and answers `201 {"id"?, "version"}` with the new
//! `ETag`.

use axum::extract::State;
use uuid::Uuid;

use crate::domain::case::Actor;
use crate::domain::ids::{CaseId, FollowUpId, ReferralId};
use crate::domain::vocab::Role;
use crate::http::auth::{CaseWorker, CurrentUser};
use crate::http::cases::bodies::*;
use crate::http::cases::docs::{AuthErrors, BodyErrors, CaseErrors, CommandHeaders, VersionErrors};
use crate::http::cases::extract::{Ids, Preconditions, RawBody};
use crate::http::cases::flow::{Command, CommandResult, Created, execute};
use crate::http::error::ApiError;
use crate::http::state::AppState;

/// The [`Command`] for `POST {path}` on case `id`.
pub fn command<'a>(
    user: &'a CurrentUser,
    id: Uuid,
    path: String,
    preconditions: Preconditions,
    body: &RawBody,
) -> Command<'a> {
    Command {
        user,
        case: CaseId::from_uuid(id),
        route: format!("POST {path}"),
        preconditions,
        fingerprint: body.fingerprint(),
        erase: false,
    }
}

/// Record support given.
#[utoipa::path(post, path = "/cases/{id}/support", tag = "cases", request_body = SupportBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn provide_support(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/support");
    let command = command(&user, id, path, preconditions, &body);
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<SupportBody>()?.parse(today)
    })
    .await
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
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/referrals");
    let command = command(&user, id, path, preconditions, &body);
    let referral = ReferralId::from_uuid(Uuid::new_v4());
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<ReferralBody>()?.parse(referral, today)
    })
    .await
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
    CaseWorker(user): CaseWorker,
    Ids((id, rid)): Ids<(Uuid, Uuid)>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/referrals/{rid}/outcome");
    let command = command(&user, id, path, preconditions, &body);
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<ReferralOutcomeBody>()?
            .parse(ReferralId::from_uuid(rid), today)
    })
    .await
}

/// Schedule a follow-up; answers with the follow-up's `id`.
#[utoipa::path(post, path = "/cases/{id}/follow-ups", tag = "cases", request_body = FollowUpBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Scheduled; `id` is the follow-up's", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn schedule_follow_up(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/follow-ups");
    let command = command(&user, id, path, preconditions, &body);
    let follow_up = FollowUpId::from_uuid(Uuid::new_v4());
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<FollowUpBody>()?.parse(follow_up, today)
    })
    .await
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
    CaseWorker(user): CaseWorker,
    Ids((id, fid)): Ids<(Uuid, Uuid)>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/follow-ups/{fid}/complete");
    let command = command(&user, id, path, preconditions, &body);
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<CompleteFollowUpBody>()?
            .parse(FollowUpId::from_uuid(fid), today)
    })
    .await
}

/// Add a note.
#[utoipa::path(post, path = "/cases/{id}/notes", tag = "cases", request_body = NoteBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn add_note(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/notes");
    let command = command(&user, id, path, preconditions, &body);
    execute(&state, command, |_| body.parse::<NoteBody>()?.parse()).await
}

/// Assess the risk again, as of today.
#[utoipa::path(post, path = "/cases/{id}/risk", tag = "cases", request_body = RiskBody,
    params(("id" = Uuid, Path, description = "The case"), CommandHeaders),
    responses((status = 201, description = "Recorded", body = CommandResult,
        headers(("ETag" = String, description = "The new case version"))),
        AuthErrors, CaseErrors, VersionErrors, BodyErrors))]
pub async fn assess_risk(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/risk");
    let command = command(&user, id, path, preconditions, &body);
    let today = state.clock.today();
    execute(&state, command, |_| body.parse::<RiskBody>()?.parse(today)).await
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
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let path = format!("/cases/{id}/close");
    let by = match user.role {
        Role::Supervisor => Actor::Supervisor,
        _ => Actor::Volunteer,
    };
    let command = command(&user, id, path, preconditions, &body);
    let today = state.clock.today();
    execute(&state, command, |_| {
        body.parse::<CloseBody>()?.parse(by, today)
    })
    .await
}

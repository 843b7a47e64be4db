//! `POST /outbox`: one record a phone sealed while offline, sent once the network is back.
//! SECURITY-SENSITIVE.
//!
//! The record is checked in this order, and a refusal at any step writes nothing:
//! the session (401 `unauthorized`), the CSRF token in `X-CSRF-Token` (403 `forbidden`), the
//! role (403), the body's shape (400 `bad_request`), the key it was sealed to (400: a key
//! this server does not hold), the seal itself (400: any altered byte of the ciphertext, the
//! tag, the nonce, the ephemeral key or the associated data), the associated data's canonical
//! form (400), and its user, who must be the one signed in (403: a record another volunteer
//! sealed on a shared phone is never submitted as hers; her browser keeps it for her).
//!
//! Anyone holding the public key can seal a record, so the seal proves nothing about who
//! sent it: the session does. The seal keeps the record unreadable on the phone and binds
//! its routing facts (who, which form, which case, which version, which idempotency key) to
//! its content, so none can be changed on the way.
//!
//! The opened form then runs through the very function its page's form runs through
//! ([`crate::web::cases::commands::run`], the application core's use case, and
//! [`crate::app::cases::open::open_case`]), with the record's idempotency key, so the scope
//! check, the rules, the access log and the versions are a normal submission's, and a record
//! sent twice is recorded once. The answer is the command's own: `201 {"id"?, "version"}`,
//! or its problem. A record refused because the case moved on, was closed, transferred or
//! erased, or its referral's outcome was recorded meanwhile ([`hold`]) is not refused but
//! held on the server for the "needs attention" list: `202 {"held", "reason"}`; the phone
//! drops it either way, and nothing she sealed is lost.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::actor::CaseWorker;
use crate::app::cases::open;
use crate::app::error::AppError;
use crate::app::held;
use crate::app::input::{Body, Preconditions};
use crate::domain::held::HeldReason;
use crate::domain::ids::CaseId;
use crate::edge::problem::{ApiError, Problem};
use crate::edge::recorded::{CommandResult, Created};
use crate::edge::state::AppState;
use crate::web::cases::command_forms::CaseForm;
use crate::web::cases::commands::{self, command_body};

use crate::web::cases::opening::opening_body;
use crate::web::error::WebError;
use crate::web::form::FormFields;
use crate::web::outbox::aad::{OutboxAad, Target};
use crate::web::outbox::hold;
use crate::web::outbox::record::SealedRecordBody;
use crate::web::session::{SESSION_COOKIE, SESSION_PURPOSE, WebUser, cookie};

/// The header the page's CSRF token travels in (a JSON body has no form field for it).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The header `POST /outbox` takes besides the session cookie.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct OutboxHeaders {
    /// The CSRF token of the page the record is sent from (its forms' `_csrf`).
    #[param(rename = "X-CSRF-Token")]
    pub csrf: String,
}

/// Send one record the phone sealed while offline (the web app's session, not a bearer
/// token). Recorded: the command's own answer. Refused because the case moved on and the
/// form does not commute, or was closed, transferred or erased, or the referral's outcome was
/// recorded meanwhile: held on the server for the "needs attention" list (202). Either way
/// the phone drops its copy.
#[utoipa::path(post, path = "/outbox", tag = "outbox",
    params(OutboxHeaders),
    request_body(content = SealedRecordBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Recorded, as its form would be", body = CommandResult),
        (status = 202, description = "Held for the \"needs attention\" list (`/outbox/held`)", body = HeldAnswer),
        (status = 400, description = "`bad_request`: malformed, sealed to a key this server does not hold, altered (it does not open), or its associated data not canonical", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`: no web session, or an expired one (the phone keeps the record)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: no or a wrong CSRF token, a role that works on no case, or a record another user sealed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such case (or referral, or follow-up), or not in the caller's scope.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`gone`: the case was erased.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: the body is over the limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a field of the form out of its vocabulary or range", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    signed_in: Result<WebUser, WebError>,
    headers: HeaderMap,
    body: Body,
) -> Result<Sent, ApiError> {
    let user = signed_in.map_err(api_error)?;
    check_csrf(&state, &headers)?;
    let worker: CaseWorker = user.as_role().map_err(api_error)?;
    let record: SealedRecordBody = body.parse()?;
    let decoded = record
        .decode()
        .map_err(|malformed| ApiError::BadRequest(malformed.to_string()))?;
    if decoded.kid != state.outbox.kid() {
        return Err(ApiError::BadRequest(
            "the record is sealed to a key this server does not hold".into(),
        ));
    }
    let plaintext = state.outbox.open(decoded.parts()).map_err(|_| {
        ApiError::BadRequest(
            "the sealed record does not open: a byte was altered, or it was sealed to another key"
                .into(),
        )
    })?;
    let aad =
        OutboxAad::parse(decoded.aad()).map_err(|error| ApiError::BadRequest(error.to_string()))?;
    if aad.user != *user.user.id.as_uuid() {
        return Err(ApiError::Forbidden);
    }
    let fields = FormFields::parse(plaintext.as_bytes());
    drop(plaintext);
    let app = state.app();
    let error = match run(&state, &worker, &aad, &fields).await {
        Ok(created) => return Ok(Sent::Recorded(created)),
        Err(error) => error,
    };
    let held = hold::reason(&app, &worker.0, &aad, &error)
        .and_then(|reason| hold::held(&app, &worker.0, &aad, reason, &fields));
    let Some((facts, pii)) = held else {
        return Err(error.into());
    };
    let reason = facts.reason;
    let id = held::hold(&app, facts, pii).await?;
    Ok(Sent::Held(HeldAnswer { held: id, reason }))
}

/// What `POST /outbox` answers when the record was taken: recorded (201, the command's own
/// answer), or held for the "needs attention" list (202). Either way the phone drops it.
#[derive(Debug)]
pub enum Sent {
    Recorded(Created),
    Held(HeldAnswer),
}

/// `202`: the record is held on the server, encrypted, until the volunteer or her supervisor
/// applies, adjusts or discards it (`/outbox/held`).
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldAnswer {
    /// The held record.
    pub held: Uuid,
    /// Why it was not applied.
    #[schema(value_type = String, example = "closed")]
    pub reason: HeldReason,
}

impl IntoResponse for Sent {
    fn into_response(self) -> Response {
        match self {
            Sent::Recorded(created) => created.into_response(),
            Sent::Held(answer) => (StatusCode::ACCEPTED, axum::Json(answer)).into_response(),
        }
    }
}

/// The record's form, run as its page runs it: a case page's form through its use case
/// ([`commands::run`]), the new-case form through its use case ([`open::open_case`]).
async fn run(
    state: &AppState,
    worker: &CaseWorker,
    aad: &OutboxAad,
    fields: &FormFields,
) -> Result<Created, AppError> {
    match aad.target {
        Target::NewCase => {
            let body = opening_body(fields).map_err(AppError::Invalid)?;
            let (app, given) = (state.app(), given(aad, None));
            let recorded = open::open_case(&app, worker, &given, &Body::of(&body)?).await?;
            let mut created = Created::from(recorded);
            created.location = recorded.id.map(|id| format!("/api/v1/cases/{id}"));
            Ok(created)
        }
        Target::Command {
            case,
            form,
            version,
        } => {
            let body = command_body(form, fields).map_err(AppError::Invalid)?;
            let expected = (!commutes(form)).then_some(version);
            let given = given(aad, expected);
            let case = CaseId::from_uuid(case);
            let app = state.app();
            let recorded =
                commands::run(&app, worker, form, case, &given, &Body::of(&body)?).await?;
            Ok(Created::from(recorded))
        }
    }
}

/// Whether a form's command may be applied to a case that moved on since the version it was
/// written against: adding a note, a support record or a follow-up changes nothing anyone
/// else recorded. Every other command is checked against its version (412 when the case moved
/// on), as its page does.
pub fn commutes(form: CaseForm) -> bool {
    matches!(
        form,
        CaseForm::Note | CaseForm::Support | CaseForm::FollowUp
    )
}

fn given(aad: &OutboxAad, if_match: Option<u64>) -> Preconditions {
    Preconditions {
        if_match,
        idempotency_key: Some(aad.idempotency_key.clone()),
    }
}

/// The token the page's forms carry, sent in [`CSRF_HEADER`].
fn check_csrf(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = cookie(headers, SESSION_COOKIE).unwrap_or_default();
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if state.web.csrf_matches(SESSION_PURPOSE, token, given) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// A page's refusal as the API's: this endpoint answers problem+json, never a page.
fn api_error(error: WebError) -> ApiError {
    match error {
        WebError::SignIn { .. } => ApiError::Unauthorized,
        WebError::Csrf(_) => ApiError::Forbidden,
        WebError::App(error, _) => error.into(),
        WebError::RateLimited(limited, _) => limited.into(),
        WebError::Status(status, _) if status.as_u16() == 413 => ApiError::PayloadTooLarge,
        WebError::Status(..) => ApiError::BadRequest("the request cannot be read".into()),
    }
}

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
//! check, the rules, the access log and the versions are a normal submission's, and a record sent twice is recorded once. The answer is the
//! command's own: `201 {"id"?, "version"}`, or its problem.

use axum::extract::State;
use axum::http::HeaderMap;

use crate::app::cases::open;
use crate::app::input::{Body, Preconditions};
use crate::domain::ids::CaseId;
use crate::http::auth::CaseWorker;
use crate::http::cases::extract::RawBody;
use crate::http::cases::flow::Created;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::web::cases::command_forms::CaseForm;
use crate::web::cases::commands::{self, command_body};

use crate::web::cases::opening::opening_body;
use crate::web::error::WebError;
use crate::web::form::FormFields;
use crate::web::outbox::aad::{OutboxAad, Target};
use crate::web::outbox::record::SealedRecordBody;
use crate::web::session::{SESSION_COOKIE, SESSION_PURPOSE, WebUser, cookie};

/// The header the page's CSRF token travels in (a JSON body has no form field for it).
pub const CSRF_HEADER: &str = "x-csrf-token";

pub async fn submit(
    State(state): State<AppState>,
    signed_in: Result<WebUser, WebError>,
    headers: HeaderMap,
    body: RawBody,
) -> Result<Created, ApiError> {
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
    run(&state, worker, &aad, &fields).await
}

/// The record's form, run as its page runs it: a case page's form through its use case
/// ([`commands::run`]), the new-case form through its use case ([`open::open_case`]).
async fn run(
    state: &AppState,
    worker: CaseWorker,
    aad: &OutboxAad,
    fields: &FormFields,
) -> Result<Created, ApiError> {
    match aad.target {
        Target::NewCase => {
            let body = opening_body(fields).map_err(ApiError::Validation)?;
            let (app, given) = (state.app(), given(aad, None));
            let recorded = open::open_case(&app, &worker, &given, &Body::of(&body)?).await?;
            let mut created = Created::from(recorded);
            created.location = recorded.id.map(|id| format!("/api/v1/cases/{id}"));
            Ok(created)
        }
        Target::Command {
            case,
            form,
            version,
        } => {
            let body = command_body(form, fields).map_err(ApiError::Validation)?;
            let expected = (!commutes(form)).then_some(version);
            let given = given(aad, expected);
            let case = CaseId::from_uuid(case);
            let app = state.app();
            let recorded =
                commands::run(&app, &worker, form, case, &given, &Body::of(&body)?).await?;
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
        WebError::Api(error, _) => error,
        WebError::Status(status, _) if status.as_u16() == 413 => ApiError::PayloadTooLarge,
        WebError::Status(..) => ApiError::BadRequest("the request cannot be read".into()),
    }
}

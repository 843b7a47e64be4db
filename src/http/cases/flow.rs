//! The one way every command on an existing case runs ([`execute`]):
//!
//! 1. take the case from the projection as a first guess, or from its stream (the log is
//!    the truth: a refusal is only answered on the stream's word, see [`execute`]);
//! 2. scope: no such case, or not the caller's, is 404; an erased case is 410;
//! 3. an `Idempotency-Key` already used by this user on this path answers with the first
//!    result, writing nothing (checked before anything is decided, so a retry is answered
//!    even after the case moved on); the same key with another body is 422;
//! 4. `If-Match` naming another version is 412;
//! 5. the body becomes a domain command (400 / 422), `decide` judges it on today's date;
//! 6. the events are appended at exactly the version decided on. If another writer got there
//!    first, a conditional request is 412; an unconditional one is reloaded, re-checked and
//!    re-decided, so concurrent commands never fail spuriously;
//! 7. the handler answers once the projections have applied the append (read-your-writes).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::bounds::FieldCode;
use crate::domain::case::{CaseCommand, CaseEvent, CaseState, CaseStatus, Rejection, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::CaseId;
use crate::domain::rejection::{RejectionKind, RuleCode};
use crate::http::auth::CurrentUser;
use crate::http::cases::extract::Preconditions;
use crate::http::error::ApiError;
use crate::http::scope::{CaseLocation, may_access_case};
use crate::http::state::AppState;
use crate::store::log::{
    AppendError, AppendOutcome, AppendRequest, ExpectedVersion, Idempotency, RecordedEvent,
};
use crate::store::stream::StreamId;

/// How many times an unconditional command is re-decided after losing a race. Every round
/// some contender wins, so this is only reached under a pile-up of this many writers.
const MAX_ATTEMPTS: usize = 64;

/// The case as its stream says now, as `user` may see it (see [`load_events`]).
pub fn load(state: &AppState, user: &CurrentUser, id: &CaseId) -> Result<CaseState, ApiError> {
    load_events(state, user, id).map(|(case, _)| case)
}

/// The case as its stream says now, and the stream's decrypted events. A stream holding an
/// event this binary cannot decode is 503 `case_unavailable` to whoever may see the case
/// (judged on the events before it; 404 to anyone else), never a view that skipped it.
pub fn load_events(
    state: &AppState,
    user: &CurrentUser,
    id: &CaseId,
) -> Result<(CaseState, Vec<RecordedEvent>), ApiError> {
    let events = state
        .log
        .read_stream(&StreamId::case(id))
        .map_err(internal)?;
    let mut case = CaseState::default();
    for recorded in &events {
        match recorded.decode::<CaseEvent>() {
            Ok(event) => case.apply(&event),
            Err(error) => {
                tracing::error!(
                    position = recorded.position,
                    %error,
                    "a case holds an event this server cannot decode"
                );
                check_access(state, user, &case)?;
                return Err(ApiError::CaseUnavailable);
            }
        }
    }
    Ok((case, events))
}

/// 404 unless the case exists and `user` may see it; then 410 if it was erased.
pub fn check_access(
    state: &AppState,
    user: &CurrentUser,
    case: &CaseState,
) -> Result<(), ApiError> {
    let (Some(trusted_address), Some(commune)) = (case.trusted_address, case.commune.clone())
    else {
        return Err(ApiError::NotFound);
    };
    let location = CaseLocation {
        trusted_address,
        commune,
    };
    if !may_access_case(user, &location, &state.projections.registry) {
        return Err(ApiError::NotFound);
    }
    if case.status == Some(CaseStatus::Erased) {
        return Err(ApiError::Gone);
    }
    Ok(())
}

/// The case as `user` may see it now: the projection's state if it passes the scope check,
/// else the stream's word (404 not hers or no such case, 410 erased), as a command judges
/// it. For pages that show a case's state without reading its personal data.
pub fn accessible(
    state: &AppState,
    user: &CurrentUser,
    id: &CaseId,
) -> Result<CaseState, ApiError> {
    let mut case = Known::guess(state, user, id)?;
    case.judge(state, user, |case| check_access(state, user, case))?;
    Ok(case.state)
}

/// The log's idempotency key for a client's key: scoped to the user and the route, so two
/// users (or two paths) can never collide; the fingerprint is the body's SHA-256.
pub fn idempotency(
    user: &CurrentUser,
    route: &str,
    preconditions: &Preconditions,
    fingerprint: [u8; 32],
) -> Option<Idempotency> {
    let key = preconditions.idempotency_key.as_deref()?;
    let scoped = Sha256::new()
        .chain_update(user.id.as_uuid().as_bytes())
        .chain_update((route.len() as u64).to_be_bytes())
        .chain_update(route.as_bytes())
        .chain_update(key.as_bytes())
        .finalize();
    Some(Idempotency {
        key: scoped.to_vec(),
        fingerprint,
    })
}

/// The fingerprint of a typed request body, for its idempotency key: SHA-256 over its fields
/// in order, each tagged (absent or present) and length-prefixed, so no two different bodies
/// share one. For bodies read typed rather than as bytes (a password is never serialized
/// again); the log keeps only a keyed hash of it.
pub fn fields_fingerprint(fields: &[Option<&str>]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for field in fields {
        match field {
            None => hash.update([0]),
            Some(text) => {
                hash.update([1]);
                hash.update((text.len() as u64).to_be_bytes());
                hash.update(text.as_bytes());
            }
        }
    }
    hash.finalize().into()
}

/// What a command needs besides its body.
#[derive(Debug)]
pub struct Command<'a> {
    pub user: &'a CurrentUser,
    pub case: CaseId,
    /// The method and path with ids filled in, e.g. `POST /cases/{uuid}/notes`.
    pub route: String,
    pub preconditions: Preconditions,
    pub fingerprint: [u8; 32],
    /// Destroy the case's data key with this append (erasure).
    pub erase: bool,
}

/// Runs a command (see the module documentation). `parse` turns the body into the domain
/// command once the case is found, in scope and at the expected version.
///
/// The first guess of the case is the in-memory projection, which folds the same events
/// (`CaseIndex`), so a command does not read and decrypt its whole stream. The log stays the
/// truth: the append expects exactly the guessed version, so a stale guess only costs a
/// reload, and nothing is refused (404, 410, 412, 422) on the guess's word: a refusal is
/// judged again on the stream before it is answered.
pub async fn execute(
    state: &AppState,
    command: Command<'_>,
    parse: impl FnOnce(&CaseState) -> Result<CaseCommand, ApiError>,
) -> Result<Created, ApiError> {
    let user = command.user;
    let mut case = Known::guess(state, user, &command.case)?;
    case.judge(state, user, |case| check_access(state, user, case))?;
    let idempotency = idempotency(
        command.user,
        &command.route,
        &command.preconditions,
        command.fingerprint,
    );
    if let Some(given) = &idempotency {
        if let Some(outcome) = state.log.idempotent_outcome(given).map_err(append_error)? {
            return replayed(state, &outcome).await;
        }
    }
    let if_match = command.preconditions.if_match;
    if let Some(expected) = if_match {
        case.judge(state, user, |case| {
            check_access(state, user, case)?;
            if expected == case.version {
                Ok(())
            } else {
                Err(stale(case.version))
            }
        })?;
    }
    let domain_command = parse(&case.state)?;
    for _ in 0..MAX_ATTEMPTS {
        let today = state.clock.today();
        let events = case.judge(state, user, |case| {
            check_access(state, user, case)?;
            decide(case, domain_command.clone(), today).map_err(rejected)
        })?;
        let created_id = events.first().and_then(created_id);
        let encoded = events
            .iter()
            .map(EventCodec::encode)
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        let appended = state
            .log
            .append(AppendRequest {
                stream: StreamId::case(&command.case),
                expected: ExpectedVersion::Exact(case.state.version),
                events: encoded,
                idempotency: idempotency.clone(),
                actor: Some(*command.user.id.as_uuid()),
                recorded_at: state.clock.now(),
                erase: command.erase,
            })
            .await;
        match appended {
            Ok(outcome) if outcome.replayed => return replayed(state, &outcome).await,
            Ok(outcome) => return answered(state, &outcome, created_id).await,
            // The If-Match version was the stream's (checked on the stream if the guess
            // disagreed), and the stream has moved on since.
            Err(AppendError::WrongVersion { actual }) if if_match.is_some() => {
                return Err(stale(actual));
            }
            Err(AppendError::WrongVersion { .. }) => case.reload(state, user, &command.case)?,
            Err(error) => return Err(append_error(error)),
        }
    }
    Err(ApiError::Overloaded {
        retry_after_secs: 1,
    })
}

/// The case a command works on, and whether it is the stream's word or the projection's
/// guess.
struct Known {
    id: CaseId,
    state: CaseState,
    from_log: bool,
}

impl Known {
    /// The projection's state of the case, or the stream's if the projection has none or
    /// has set the case aside.
    fn guess(state: &AppState, user: &CurrentUser, id: &CaseId) -> Result<Self, ApiError> {
        let projected = match state.projections.set_aside.get(id) {
            Some(_) => None,
            None => state.projections.cases.get(id),
        };
        let (case, from_log) = match projected {
            Some(case) => (case, false),
            None => (load(state, user, id)?, true),
        };
        Ok(Self {
            id: *id,
            state: case,
            from_log,
        })
    }

    fn reload(
        &mut self,
        state: &AppState,
        user: &CurrentUser,
        id: &CaseId,
    ) -> Result<(), ApiError> {
        self.state = load(state, user, id)?;
        self.from_log = true;
        Ok(())
    }

    /// `check` on the case; a refusal of a guess is checked again on the stream, and only
    /// the stream's refusal is answered.
    fn judge<T>(
        &mut self,
        state: &AppState,
        user: &CurrentUser,
        check: impl Fn(&CaseState) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        match check(&self.state) {
            Ok(value) => Ok(value),
            Err(refusal) if self.from_log => Err(refusal),
            Err(_) => {
                let id = self.id;
                self.reload(state, user, &id)?;
                check(&self.state)
            }
        }
    }
}

/// What `decide`'s refusal is in HTTP.
pub fn rejected(rejection: Rejection) -> ApiError {
    match rejection.kind() {
        RejectionKind::NotFound => ApiError::NotFound,
        RejectionKind::Gone => ApiError::Gone,
        RejectionKind::Conflict => {
            ApiError::RuleViolated(RuleCode::AlreadyExists, rejection.to_string())
        }
        RejectionKind::Rule(rule) => ApiError::RuleViolated(rule, rejection.to_string()),
        RejectionKind::Validation { field, code } => {
            ApiError::invalid(field, code, rejection.to_string())
        }
    }
}

/// What a failed append is in HTTP.
pub fn append_error(error: AppendError) -> ApiError {
    match error {
        AppendError::IdempotencyMismatch => key_reused(),
        AppendError::WrongVersion { actual } => stale(actual),
        AppendError::StreamErased => ApiError::Gone,
        other => internal(other),
    }
}

/// What a 422 says of an `Idempotency-Key` sent again with another request.
pub const KEY_REUSED: &str = "this key was already used with a different request";

/// 422 for an `Idempotency-Key` sent again with another request.
pub fn key_reused() -> ApiError {
    ApiError::invalid("Idempotency-Key", FieldCode::KeyReused, KEY_REUSED)
}

fn stale(version: u64) -> ApiError {
    ApiError::PreconditionFailed(format!("case is at version {version}"))
}

/// An internal failure; its message (never personal data: store and codec errors name
/// positions and types only) is logged, not sent.
pub fn internal(error: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(error.to_string())
}

/// The referral or follow-up an event creates.
fn created_id(event: &CaseEvent) -> Option<Uuid> {
    match event {
        CaseEvent::ReferralMade { facts, .. } => Some(*facts.referral_id.as_uuid()),
        CaseEvent::FollowUpScheduled { facts } => Some(*facts.follow_up_id.as_uuid()),
        _ => None,
    }
}

/// The answer to a retry: the first append's version, and the id it created.
pub async fn replayed(state: &AppState, outcome: &AppendOutcome) -> Result<Created, ApiError> {
    let first = state
        .log
        .read_from(outcome.first_position, 1)
        .map_err(internal)?;
    let created = match first.first() {
        Some(recorded) => created_id(&recorded.decode::<CaseEvent>().map_err(internal)?),
        None => None,
    };
    answered(state, outcome, created).await
}

/// Waits until the projections show the append, then answers 201; if they cannot (they
/// failed), still answers 201 with the append's result, since it is durable.
pub async fn answered(
    state: &AppState,
    outcome: &AppendOutcome,
    id: Option<Uuid>,
) -> Result<Created, ApiError> {
    // The append is durable: whatever fails now, the answer is its result, never a 5xx a
    // client would take for "not written" (a retry with the same key would only replay it).
    if let Err(error) = state.projections.wait_for(outcome.last_position).await {
        tracing::error!(%error, position = outcome.last_position,
            "the append is durable but the projections cannot show it: answered without read-your-writes");
    }
    Ok(Created {
        body: CommandResult {
            id,
            version: outcome.stream_version,
        },
        location: None,
    })
}

/// `201 {"id"?, "version"}` with `ETag: "VERSION"`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommandResult {
    /// The referral, follow-up or case the command created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    /// The case's version after the command.
    pub version: u64,
}

/// A command's success response.
#[derive(Debug)]
pub struct Created {
    pub body: CommandResult,
    /// `Location` of a new case.
    pub location: Option<String>,
}

/// `ETag` for a case version.
pub fn etag(version: u64) -> Option<HeaderValue> {
    HeaderValue::from_str(&format!("\"{version}\"")).ok()
}

impl IntoResponse for Created {
    fn into_response(self) -> Response {
        let mut response = (StatusCode::CREATED, axum::Json(&self.body)).into_response();
        let headers = response.headers_mut();
        if let Some(value) = etag(self.body.version) {
            headers.insert(header::ETAG, value);
        }
        if let Some(value) = self
            .location
            .and_then(|location| HeaderValue::from_str(&location).ok())
        {
            headers.insert(header::LOCATION, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::fields_fingerprint;

    #[test]
    fn fields_split_differently_or_absent_are_another_fingerprint() {
        // Bodies whose fields run together the same way must not share a fingerprint, or a
        // key could replay one request as another.
        assert_ne!(
            fields_fingerprint(&[Some("ab"), Some("c")]),
            fields_fingerprint(&[Some("a"), Some("bc")])
        );
        assert_ne!(
            fields_fingerprint(&[None, Some("a")]),
            fields_fingerprint(&[Some(""), Some("a")])
        );
        assert_eq!(
            fields_fingerprint(&[Some("a"), None]),
            fields_fingerprint(&[Some("a"), None])
        );
    }
}

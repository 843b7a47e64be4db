//! Writing registry events: append with an expected version, wait until the projections
//! show the write (so the caller reads it at once), and map the domain's rejections onto the
//! contract's errors.

use crate::domain::bounds::FieldCode;
use crate::domain::codec::EventCodec;
use crate::domain::ids::UserId;
use crate::domain::registry::RegistryRejection;
use crate::domain::rejection::RejectionKind;
use crate::http::cases::flow::{append_error, key_reused};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::log::{AppendError, AppendOutcome, AppendRequest, ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// How many times a command is decided again when another task wrote to its stream first.
pub const ATTEMPTS: usize = 3;

/// Why an append did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The stream is not at the expected version: decide again on fresh state.
    Conflict,
    Failed(ApiError),
}

impl From<WriteError> for ApiError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict => {
                ApiError::Internal("a registry stream kept changing under a command".into())
            }
            WriteError::Failed(error) => error,
        }
    }
}

/// Append `events` to `stream` if it is at `expected`; resolves once the write is durable
/// and applied to the projections.
pub async fn append<E: EventCodec>(
    state: &AppState,
    stream: StreamId,
    expected: ExpectedVersion,
    events: &[E],
    actor: Option<UserId>,
) -> Result<(), WriteError> {
    append_once(state, stream, expected, events, actor, None)
        .await
        .map(|_| ())
}

/// [`append`] under the client's idempotency key, if it gave one: a retry of a request that
/// was already written writes nothing and answers the first append's outcome (its stream
/// names what was created); the same key with another body is refused.
pub async fn append_once<E: EventCodec>(
    state: &AppState,
    stream: StreamId,
    expected: ExpectedVersion,
    events: &[E],
    actor: Option<UserId>,
    idempotency: Option<Idempotency>,
) -> Result<AppendOutcome, WriteError> {
    let events = events
        .iter()
        .map(EventCodec::encode)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| WriteError::Failed(internal("encode", &error)))?;
    let outcome = state
        .log
        .append(AppendRequest {
            stream,
            expected,
            events,
            idempotency,
            actor: actor.map(|user| *user.as_uuid()),
            recorded_at: state.clock.now(),
            erase: false,
        })
        .await
        .map_err(|error| match error {
            AppendError::WrongVersion { .. } => WriteError::Conflict,
            AppendError::IdempotencyMismatch => WriteError::Failed(key_reused()),
            other => WriteError::Failed(internal("append", &other)),
        })?;
    applied(state, &outcome).await?;
    Ok(outcome)
}

/// The outcome of a request already written under this idempotency key, once the projections
/// show it (a retry is answered from it and writes nothing); `None` for a request not seen
/// before, or without a key. The key with another body is the key-reused refusal.
pub async fn already_written(
    state: &AppState,
    idempotency: Option<&Idempotency>,
) -> Result<Option<AppendOutcome>, ApiError> {
    let Some(given) = idempotency else {
        return Ok(None);
    };
    let Some(outcome) = state.log.idempotent_outcome(given).map_err(append_error)? else {
        return Ok(None);
    };
    applied(state, &outcome).await?;
    Ok(Some(outcome))
}

/// Resolves once the projections show `outcome` (so the caller reads its write at once).
/// The append is durable: if the projections cannot show it (they failed), that is logged
/// and the append's result is still the answer, never a 5xx a client would take for "not
/// written".
pub async fn applied(state: &AppState, outcome: &AppendOutcome) -> Result<(), WriteError> {
    if let Err(error) = state.projections.wait_for(outcome.last_position).await {
        tracing::error!(%error, position = outcome.last_position,
            "the append is durable but the projections cannot show it: answered without read-your-writes");
    }
    Ok(())
}

/// Wait until the projections have applied everything durable, before deciding again.
pub async fn catch_up(state: &AppState) -> Result<(), ApiError> {
    let head = state.log.head().map_or(0, |head| head.position);
    state
        .projections
        .wait_for(head)
        .await
        .map_err(|error| internal("projections", &error))
}

/// The contract's answer to a refused registry command. `duplicate` names the field that
/// makes the object unique (answered as a validation failure on that field).
pub fn rejected(rejection: &RegistryRejection, duplicate: &'static str) -> ApiError {
    match rejection.kind() {
        RejectionKind::NotFound => ApiError::NotFound,
        RejectionKind::Gone => ApiError::Gone,
        RejectionKind::Conflict => ApiError::invalid(duplicate, FieldCode::Taken, "already exists"),
        RejectionKind::Validation { field, code } => {
            let message = match rejection {
                RegistryRejection::Invalid { reason, .. } => (*reason).to_owned(),
                RegistryRejection::FutureDate { .. } => "is in the future".to_owned(),
                other => other.to_string(),
            };
            ApiError::invalid(field, code, message)
        }
        RejectionKind::Rule(rule) => ApiError::RuleViolated(rule, rejection.to_string()),
    }
}

fn internal(what: &str, error: &dyn std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("registry {what}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_map_onto_the_contract() {
        let cases = [
            (RegistryRejection::NotFound("user"), 404, None),
            (RegistryRejection::AlreadyExists("area"), 422, Some("code")),
            (
                RegistryRejection::FutureDate {
                    field: "established_on",
                },
                422,
                Some("established_on"),
            ),
            (RegistryRejection::UserAlreadyDeactivated, 422, None),
        ];
        for (rejection, status, field) in cases {
            let error = rejected(&rejection, "code");
            assert_eq!(error.status_and_code().0.as_u16(), status, "{rejection:?}");
            if let (ApiError::Validation(errors), Some(field)) = (&error, field) {
                assert_eq!(errors[0].field, field);
            }
        }
        assert!(matches!(
            rejected(&RegistryRejection::UserAlreadyDeactivated, "x"),
            ApiError::RuleViolated(
                crate::domain::rejection::RuleCode::UserAlreadyDeactivated,
                _
            )
        ));
    }
}

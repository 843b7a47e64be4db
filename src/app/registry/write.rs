//! Writing registry events: append with an expected version under the client's idempotency
//! key, wait until the projections show the write (so the caller reads it at once), and put
//! the domain's rejections in the core's typed terms ([`rejected`]).

use crate::app::context::App;
use crate::app::error::AppError;
use crate::domain::bounds::FieldCode;
use crate::domain::codec::EventCodec;
use crate::domain::ids::UserId;
use crate::domain::registry::RegistryRejection;
use crate::domain::rejection::RejectionKind;
use crate::store::log::{AppendError, AppendOutcome, AppendRequest, ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// How many times a command is decided again when another task wrote to its stream first.
pub const ATTEMPTS: usize = 3;

/// Why an append did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The stream is not at the expected version: decide again on fresh state.
    Conflict,
    Failed(AppError),
}

impl From<WriteError> for AppError {
    fn from(error: WriteError) -> Self {
        match error {
            WriteError::Conflict => {
                AppError::internal("a registry stream kept changing under a command")
            }
            WriteError::Failed(error) => error,
        }
    }
}

/// Append `events` to `stream` if it is at `expected` (no idempotency key: the import of a
/// list of units); resolves once the write is durable and applied to the projections.
pub async fn append<E: EventCodec>(
    app: &App<'_>,
    stream: StreamId,
    expected: ExpectedVersion,
    events: &[E],
    actor: Option<UserId>,
) -> Result<(), WriteError> {
    append_once(app, stream, expected, events, actor, None)
        .await
        .map(|_| ())
}

/// Append `events` to `stream` if it is at `expected`, under the client's idempotency key if
/// it gave one: a retry of a request that was already written writes nothing and answers the
/// first append's outcome (its stream names what was created); the same key with another
/// body is refused. Resolves once the write is durable and applied to the projections.
pub async fn append_once<E: EventCodec>(
    app: &App<'_>,
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
    let outcome = app
        .log
        .append(AppendRequest {
            stream,
            expected,
            events,
            idempotency,
            actor: actor.map(|user| *user.as_uuid()),
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await
        .map_err(|error| match error {
            AppendError::WrongVersion { .. } => WriteError::Conflict,
            AppendError::IdempotencyMismatch => WriteError::Failed(AppError::key_reused()),
            other => WriteError::Failed(internal("append", &other)),
        })?;
    applied(app, &outcome).await;
    Ok(outcome)
}

/// The outcome of a request already written under this idempotency key, once the projections
/// show it (a retry is answered from it and writes nothing); `None` for a request not seen
/// before, or without a key. The key with another body is the key-reused refusal.
pub async fn already_written(
    app: &App<'_>,
    idempotency: Option<&Idempotency>,
) -> Result<Option<AppendOutcome>, AppError> {
    let Some(given) = idempotency else {
        return Ok(None);
    };
    let Some(outcome) = app
        .log
        .idempotent_outcome(given)
        .map_err(crate::app::cases::flow::append_error)?
    else {
        return Ok(None);
    };
    applied(app, &outcome).await;
    Ok(Some(outcome))
}

/// Resolves once the projections show `outcome` (so the caller reads its write at once).
/// The append is durable: if the projections cannot show it (they failed), that is logged
/// and the append's result is still the answer, never a failure a client would take for
/// "not written".
async fn applied(app: &App<'_>, outcome: &AppendOutcome) {
    if let Err(error) = app.projections.wait_for(outcome.last_position).await {
        tracing::error!(%error, position = outcome.last_position,
            "the append is durable but the projections cannot show it: answered without read-your-writes");
    }
}

/// Decide on the current state and append what was decided, deciding again once the
/// projections have caught up if another task wrote to the stream meanwhile (at most
/// [`ATTEMPTS`] times). `decide` names the stream, the version it decided on and the events.
pub async fn decide_and_append<E: EventCodec>(
    app: &App<'_>,
    actor: UserId,
    idempotency: Option<Idempotency>,
    decide: impl Fn() -> Result<(StreamId, ExpectedVersion, Vec<E>), AppError>,
) -> Result<(), AppError> {
    for _ in 0..ATTEMPTS {
        let (stream, expected, events) = decide()?;
        let appended = append_once(
            app,
            stream,
            expected,
            &events,
            Some(actor),
            idempotency.clone(),
        );
        match appended.await {
            Ok(_) => return Ok(()),
            Err(WriteError::Conflict) => catch_up(app).await?,
            Err(WriteError::Failed(error)) => return Err(error),
        }
    }
    Err(WriteError::Conflict.into())
}

/// Wait until the projections have applied everything durable, before deciding again.
pub async fn catch_up(app: &App<'_>) -> Result<(), AppError> {
    let head = app.log.head().map_or(0, |head| head.position);
    app.projections
        .wait_for(head)
        .await
        .map_err(|error| internal("projections", &error))
}

/// A refused registry command, typed. `duplicate` names the field that makes the object
/// unique (a duplicate is a refusal of that field, `taken`).
pub fn rejected(rejection: &RegistryRejection, duplicate: &'static str) -> AppError {
    match rejection.kind() {
        RejectionKind::NotFound => AppError::NotFound,
        RejectionKind::Gone => AppError::Gone,
        RejectionKind::Conflict => AppError::invalid(duplicate, FieldCode::Taken, "already exists"),
        RejectionKind::Validation { field, code } => {
            let message = match rejection {
                RegistryRejection::Invalid { reason, .. } => (*reason).to_owned(),
                RegistryRejection::FutureDate { .. } => "is in the future".to_owned(),
                other => other.to_string(),
            };
            AppError::invalid(field, code, message)
        }
        RejectionKind::Rule(rule) => AppError::Rule(rule, rejection.to_string()),
    }
}

fn internal(what: &str, error: &dyn std::fmt::Display) -> AppError {
    AppError::Internal(format!("registry {what}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rejection::RuleCode;

    #[test]
    fn rejections_are_typed() {
        assert!(matches!(
            rejected(&RegistryRejection::NotFound("user"), "code"),
            AppError::NotFound
        ));
        let taken = rejected(&RegistryRejection::AlreadyExists("area"), "code");
        assert_eq!(taken.fields()[0].field, "code");
        assert_eq!(taken.fields()[0].code, FieldCode::Taken);
        let future = rejected(
            &RegistryRejection::FutureDate {
                field: "established_on",
            },
            "code",
        );
        assert_eq!(future.fields()[0].field, "established_on");
        assert!(matches!(
            rejected(&RegistryRejection::UserAlreadyDeactivated, "x"),
            AppError::Rule(RuleCode::UserAlreadyDeactivated, _)
        ));
    }
}

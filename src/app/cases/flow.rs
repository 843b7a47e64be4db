//! The one way every command on an existing case runs ([`execute`]):
//!
//! 1. take the case from the projection as a first guess, or from its stream (the log is
//!    the truth: a refusal is only answered on the stream's word, see [`execute`]);
//! 2. scope: no such case, or not the actor's, is not found; an erased case is gone;
//! 3. an idempotency key already used by this user on this route answers with the first
//!    result, writing nothing (checked before anything is decided, so a retry is answered
//!    even after the case moved on); the same key with another body is `key_reused`;
//! 4. an expected version that is not the case's is [`AppError::Stale`];
//! 5. the body becomes a domain command (malformed / invalid), `decide` judges it on
//!    today's date;
//! 6. the events are appended at exactly the version decided on. If another writer got there
//!    first, a conditional command is stale; an unconditional one is reloaded, re-checked
//!    and re-decided, so concurrent commands never fail spuriously;
//! 7. the outcome is answered once the projections have applied the append
//!    (read-your-writes).

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::app::actor::CurrentUser;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::Preconditions;
use crate::app::scope::{CaseLocation, may_access_case};
use crate::domain::case::{CaseCommand, CaseEvent, CaseState, CaseStatus, Rejection, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::CaseId;
use crate::domain::rejection::{RejectionKind, RuleCode};
use crate::store::log::{
    AppendError, AppendOutcome, AppendRequest, ExpectedVersion, Idempotency, RecordedEvent,
};
use crate::store::stream::StreamId;

/// How many times an unconditional command is re-decided after losing a race. Every round
/// some contender wins, so this is only reached under a pile-up of this many writers.
const MAX_ATTEMPTS: usize = 64;

/// A recorded command: the case's version after it, and the referral, follow-up or case it
/// created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub id: Option<Uuid>,
    pub version: u64,
}

/// The case as its stream says now, as `user` may see it (see [`load_events`]).
pub fn load(app: &App<'_>, user: &CurrentUser, id: &CaseId) -> Result<CaseState, AppError> {
    load_events(app, user, id).map(|(case, _)| case)
}

/// The case as its stream says now, and the stream's decrypted events. A stream holding an
/// event this binary cannot decode is `case_unavailable` to whoever may see the case
/// (judged on the events before it; not found to anyone else), never a view that skipped
/// it.
pub fn load_events(
    app: &App<'_>,
    user: &CurrentUser,
    id: &CaseId,
) -> Result<(CaseState, Vec<RecordedEvent>), AppError> {
    let events = app
        .log
        .read_stream(&StreamId::case(id))
        .map_err(AppError::internal)?;
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
                check_access(app, user, &case)?;
                return Err(AppError::CaseUnavailable);
            }
        }
    }
    Ok((case, events))
}

/// Not found unless the case exists and `user` may see it; then gone if it was erased.
pub fn check_access(app: &App<'_>, user: &CurrentUser, case: &CaseState) -> Result<(), AppError> {
    let (Some(trusted_address), Some(commune)) = (case.trusted_address, case.commune.clone())
    else {
        return Err(AppError::NotFound);
    };
    let location = CaseLocation {
        trusted_address,
        commune,
    };
    if !may_access_case(user, &location, &app.projections.registry) {
        return Err(AppError::NotFound);
    }
    if case.status == Some(CaseStatus::Erased) {
        return Err(AppError::Gone);
    }
    Ok(())
}

/// The case as `user` may see it now: the projection's state if it passes the scope check,
/// else the stream's word (not hers or no such case: not found; erased: gone), as a command
/// judges it. For pages that show a case's state without reading its personal data.
pub fn accessible(app: &App<'_>, user: &CurrentUser, id: &CaseId) -> Result<CaseState, AppError> {
    let mut case = Known::guess(app, user, id)?;
    case.judge(app, user, |case| check_access(app, user, case))?;
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
    /// The method and path with ids filled in, e.g. `POST /cases/{uuid}/notes`: what an
    /// idempotency key is scoped to.
    pub route: String,
    pub preconditions: &'a Preconditions,
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
/// reload, and nothing is refused (not found, gone, stale, invalid) on the guess's word: a
/// refusal is judged again on the stream before it is answered.
pub async fn execute(
    app: &App<'_>,
    command: Command<'_>,
    parse: impl FnOnce(&CaseState) -> Result<CaseCommand, AppError>,
) -> Result<Recorded, AppError> {
    let user = command.user;
    let mut case = Known::guess(app, user, &command.case)?;
    case.judge(app, user, |case| check_access(app, user, case))?;
    let idempotency = idempotency(
        command.user,
        &command.route,
        command.preconditions,
        command.fingerprint,
    );
    if let Some(given) = &idempotency {
        if let Some(outcome) = app.log.idempotent_outcome(given).map_err(append_error)? {
            return replayed(app, &outcome).await;
        }
    }
    let if_match = command.preconditions.if_match;
    if let Some(expected) = if_match {
        case.judge(app, user, |case| {
            check_access(app, user, case)?;
            if expected == case.version {
                Ok(())
            } else {
                Err(AppError::Stale {
                    version: case.version,
                })
            }
        })?;
    }
    let domain_command = parse(&case.state)?;
    for _ in 0..MAX_ATTEMPTS {
        let today = app.clock.today();
        let events = case.judge(app, user, |case| {
            check_access(app, user, case)?;
            decide(case, domain_command.clone(), today).map_err(rejected)
        })?;
        let created_id = events.first().and_then(created_id);
        let encoded = events
            .iter()
            .map(EventCodec::encode)
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::internal)?;
        let appended = app
            .log
            .append(AppendRequest {
                stream: StreamId::case(&command.case),
                expected: ExpectedVersion::Exact(case.state.version),
                events: encoded,
                idempotency: idempotency.clone(),
                actor: Some(*command.user.id.as_uuid()),
                recorded_at: app.clock.now(),
                erase: command.erase,
            })
            .await;
        match appended {
            Ok(outcome) if outcome.replayed => return replayed(app, &outcome).await,
            Ok(outcome) => return answered(app, &outcome, created_id).await,
            // The expected version was the stream's (checked on the stream if the guess
            // disagreed), and the stream has moved on since.
            Err(AppendError::WrongVersion { actual }) if if_match.is_some() => {
                return Err(AppError::Stale { version: actual });
            }
            Err(AppendError::WrongVersion { .. }) => case.reload(app, user, &command.case)?,
            Err(error) => return Err(append_error(error)),
        }
    }
    Err(AppError::Overloaded {
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
    fn guess(app: &App<'_>, user: &CurrentUser, id: &CaseId) -> Result<Self, AppError> {
        let projected = match app.projections.set_aside.get(id) {
            Some(_) => None,
            None => app.projections.cases.get(id),
        };
        let (case, from_log) = match projected {
            Some(case) => (case, false),
            None => (load(app, user, id)?, true),
        };
        Ok(Self {
            id: *id,
            state: case,
            from_log,
        })
    }

    fn reload(&mut self, app: &App<'_>, user: &CurrentUser, id: &CaseId) -> Result<(), AppError> {
        self.state = load(app, user, id)?;
        self.from_log = true;
        Ok(())
    }

    /// `check` on the case; a refusal of a guess is checked again on the stream, and only
    /// the stream's refusal is answered.
    fn judge<T>(
        &mut self,
        app: &App<'_>,
        user: &CurrentUser,
        check: impl Fn(&CaseState) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        match check(&self.state) {
            Ok(value) => Ok(value),
            Err(refusal) if self.from_log => Err(refusal),
            Err(_) => {
                let id = self.id;
                self.reload(app, user, &id)?;
                check(&self.state)
            }
        }
    }
}

/// What `decide`'s refusal is, typed.
pub fn rejected(rejection: Rejection) -> AppError {
    match rejection.kind() {
        RejectionKind::NotFound => AppError::NotFound,
        RejectionKind::Gone => AppError::Gone,
        RejectionKind::Conflict => AppError::Rule(RuleCode::AlreadyExists, rejection.to_string()),
        RejectionKind::Rule(rule) => AppError::Rule(rule, rejection.to_string()),
        RejectionKind::Validation { field, code } => {
            AppError::invalid(field, code, rejection.to_string())
        }
    }
}

/// What a failed append is, typed.
pub fn append_error(error: AppendError) -> AppError {
    match error {
        AppendError::IdempotencyMismatch => AppError::key_reused(),
        AppendError::WrongVersion { actual } => AppError::Stale { version: actual },
        AppendError::StreamErased => AppError::Gone,
        other => AppError::internal(other),
    }
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
pub async fn replayed(app: &App<'_>, outcome: &AppendOutcome) -> Result<Recorded, AppError> {
    let first = app
        .log
        .read_from(outcome.first_position, 1)
        .map_err(AppError::internal)?;
    let created = match first.first() {
        Some(recorded) => created_id(&recorded.decode::<CaseEvent>().map_err(AppError::internal)?),
        None => None,
    };
    answered(app, outcome, created).await
}

/// Waits until the projections show the append, then answers; if they cannot (they
/// failed), still answers with the append's result, since it is durable.
pub async fn answered(
    app: &App<'_>,
    outcome: &AppendOutcome,
    id: Option<Uuid>,
) -> Result<Recorded, AppError> {
    // The append is durable: whatever fails now, the answer is its result, never a failure
    // a client would take for "not written" (a retry with the same key would only replay it).
    if let Err(error) = app.projections.wait_for(outcome.last_position).await {
        tracing::error!(%error, position = outcome.last_position,
            "the append is durable but the projections cannot show it: answered without read-your-writes");
    }
    Ok(Recorded {
        id,
        version: outcome.stream_version,
    })
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

//! Opening a case ([`open_case`]). A volunteer opens it at her own trusted address; a
//! supervisor names an open trusted address in her area. The case id and the secret record
//! key are drawn from the OS's random source, and the address's commune is recorded from
//! the registry. With an idempotency key, a retry answers with the first case and creates
//! nothing.

use rand_core::{OsRng, RngCore};
use uuid::Uuid;

use crate::app::actor::{CaseWorker, CurrentUser};
use crate::app::cases::flow::{Recorded, answered, append_error, idempotency, rejected};
use crate::app::cases::opening::OpenCaseBody;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::{Body, Preconditions};
use crate::app::scope::may_access_address;
use crate::domain::bounds::FieldCode;
use crate::domain::case::{CaseState, OpenCase, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId};
use crate::domain::vocab::Role;
use crate::store::log::{AppendOutcome, AppendRequest, ExpectedVersion};
use crate::store::stream::StreamId;

/// The route an idempotency key of an opening is scoped to.
const ROUTE: &str = "POST /cases";

/// Open a case from `body` (an [`OpenCaseBody`]); the outcome names the new case.
pub async fn open_case(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    given: &Preconditions,
    body: &Body,
) -> Result<Recorded, AppError> {
    let idempotency = idempotency(user, ROUTE, given, body.fingerprint());
    if let Some(given) = &idempotency {
        if let Some(outcome) = app.log.idempotent_outcome(given).map_err(append_error)? {
            return opened(app, &outcome).await;
        }
    }
    let today = app.clock.today();
    let parsed = body.parse::<OpenCaseBody>()?.parse(today)?;
    let (trusted_address, commune) = place(app, user, parsed.trusted_address)?;
    let case_id = CaseId::from_uuid(Uuid::new_v4());
    let command = OpenCase {
        case_id,
        record_key: OsRng.next_u32(),
        trusted_address,
        commune,
        opened_on: parsed.opened_on,
        referred_by: parsed.referred_by,
        survivor: parsed.survivor,
        violence_types: parsed.violence_types,
        perpetrator: parsed.perpetrator,
        risk_level: parsed.risk_level,
        consent: parsed.consent,
        informant: parsed.informant,
        narrative: parsed.narrative,
    };
    let events = decide(&CaseState::default(), command.into(), today).map_err(rejected)?;
    let encoded = events
        .iter()
        .map(EventCodec::encode)
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::internal)?;
    let outcome = app
        .log
        .append(AppendRequest {
            stream: StreamId::case(&case_id),
            expected: ExpectedVersion::NoStream,
            events: encoded,
            idempotency,
            actor: Some(*user.id.as_uuid()),
            recorded_at: app.clock.now(),
            erase: false,
        })
        .await
        .map_err(append_error)?;
    opened(app, &outcome).await
}

/// Where the case opens: the trusted address and its commune. A volunteer may only name
/// her own address; a supervisor must name an open one in her area.
fn place(
    app: &App<'_>,
    user: &CurrentUser,
    named: Option<Uuid>,
) -> Result<(TrustedAddressId, AreaCode), AppError> {
    let named = named.map(TrustedAddressId::from_uuid);
    let address = match (user.role, named) {
        (Role::Volunteer, _) => {
            let own = user.trusted_address.ok_or(AppError::Forbidden)?;
            if named.is_some_and(|named| named != own) {
                return Err(AppError::invalid(
                    "trusted_address",
                    FieldCode::Inconsistent,
                    "a volunteer opens cases at her own trusted address",
                ));
            }
            own
        }
        (_, Some(named)) => named,
        (_, None) => {
            return Err(AppError::invalid(
                "trusted_address",
                FieldCode::Required,
                "name the trusted address the case opens at",
            ));
        }
    };
    let registry = &app.projections.registry;
    match registry.trusted_address(&address) {
        Some(found)
            if found.closed_on.is_none() && may_access_address(user, &address, registry) =>
        {
            Ok((address, found.commune))
        }
        _ => Err(AppError::invalid(
            "trusted_address",
            FieldCode::Unknown,
            "is not an open trusted address in your area",
        )),
    }
}

/// The case `outcome` opened (or, for a retry, had opened).
async fn opened(app: &App<'_>, outcome: &AppendOutcome) -> Result<Recorded, AppError> {
    let id = outcome.stream.uuid_of("case").ok_or_else(|| {
        AppError::internal("an idempotent create points at a stream that is not a case")
    })?;
    answered(app, outcome, Some(id)).await
}

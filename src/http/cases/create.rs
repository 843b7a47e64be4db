//! `POST /cases`: open a case. A volunteer opens it at her own trusted address; a supervisor
//! names a trusted address in her area. The server draws the case id and the secret record
//! key from the OS's random source, and records the address's commune from the registry.
//! With an `Idempotency-Key`, a retry answers with the first case and creates nothing.

use rand_core::{OsRng, RngCore};
use uuid::Uuid;

use crate::app::cases::flow::{answered, idempotency, rejected};
use crate::app::scope::may_access_address;
use crate::domain::bounds::FieldCode;
use crate::domain::case::{CaseState, OpenCase, decide};
use crate::domain::codec::EventCodec;
use crate::domain::ids::{AreaCode, CaseId, TrustedAddressId};
use crate::domain::vocab::Role;
use crate::http::auth::{CaseWorker, CurrentUser};
use crate::http::cases::docs::{AuthErrors, BodyErrors};
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::cases::flow::{CommandResult, Created, append_error, internal};
use crate::http::cases::request::OpenCaseBody;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::log::{AppendOutcome, AppendRequest, ExpectedVersion};
use crate::store::stream::StreamId;

const ROUTE: &str = "POST /cases";

/// Open a case.
#[utoipa::path(
    post,
    path = "/cases",
    tag = "cases",
    request_body = OpenCaseBody,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the first result")
    ),
    responses(
        (status = 201, description = "Opened", body = CommandResult, headers(
            ("Location" = String, description = "The new case"),
            ("ETag" = String, description = "The case version, \"1\"")
        )),
        AuthErrors,
        BodyErrors
    )
)]
pub async fn open_case(
    axum::extract::State(state): axum::extract::State<AppState>,
    CaseWorker(user): CaseWorker,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<Created, ApiError> {
    let idempotency = idempotency(&user, ROUTE, &preconditions, body.fingerprint());
    if let Some(given) = &idempotency {
        if let Some(outcome) = state.log.idempotent_outcome(given).map_err(append_error)? {
            return opened(&state, &outcome).await;
        }
    }
    let today = state.clock.today();
    let parsed = body.parse::<OpenCaseBody>()?.parse(today)?;
    let (trusted_address, commune) = place(&state, &user, parsed.trusted_address)?;
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
    let events = decide(&CaseState::default(), command.into(), today)
        .map_err(|rejection| ApiError::from(rejected(rejection)))?;
    let encoded = events
        .iter()
        .map(EventCodec::encode)
        .collect::<Result<Vec<_>, _>>()
        .map_err(internal)?;
    let outcome = state
        .log
        .append(AppendRequest {
            stream: StreamId::case(&case_id),
            expected: ExpectedVersion::NoStream,
            events: encoded,
            idempotency,
            actor: Some(*user.id.as_uuid()),
            recorded_at: state.clock.now(),
            erase: false,
        })
        .await
        .map_err(append_error)?;
    opened(&state, &outcome).await
}

/// Where the case opens: the trusted address and its commune. A volunteer may only name
/// her own address; a supervisor must name an open one in her area.
fn place(
    state: &AppState,
    user: &CurrentUser,
    named: Option<Uuid>,
) -> Result<(TrustedAddressId, AreaCode), ApiError> {
    let named = named.map(TrustedAddressId::from_uuid);
    let address = match (user.role, named) {
        (Role::Volunteer, _) => {
            let own = user.trusted_address.ok_or(ApiError::Forbidden)?;
            if named.is_some_and(|named| named != own) {
                return Err(ApiError::invalid(
                    "trusted_address",
                    FieldCode::Inconsistent,
                    "a volunteer opens cases at her own trusted address",
                ));
            }
            own
        }
        (_, Some(named)) => named,
        (_, None) => {
            return Err(ApiError::invalid(
                "trusted_address",
                FieldCode::Required,
                "name the trusted address the case opens at",
            ));
        }
    };
    let registry = &state.projections.registry;
    match registry.trusted_address(&address) {
        Some(found)
            if found.closed_on.is_none() && may_access_address(user, &address, registry) =>
        {
            Ok((address, found.commune))
        }
        _ => Err(ApiError::invalid(
            "trusted_address",
            FieldCode::Unknown,
            "is not an open trusted address in your area",
        )),
    }
}

/// 201 for the case `outcome` opened (or, for a retry, had opened).
async fn opened(state: &AppState, outcome: &AppendOutcome) -> Result<Created, ApiError> {
    let id = outcome
        .stream
        .uuid_of("case")
        .ok_or_else(|| internal("an idempotent create points at a stream that is not a case"))?;
    let mut created = Created::from(answered(&state.app(), outcome, Some(id)).await?);
    created.location = Some(format!("/api/v1/cases/{id}"));
    Ok(created)
}

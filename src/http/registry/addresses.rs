//! Trusted addresses: `POST /trusted-addresses` (admin) and `GET /trusted-addresses`, which
//! each role sees within its reach: an admin all of them, a supervisor or reporting officer
//! those in her area, a volunteer her own.
//!
//! An address has nothing unique to refuse a second one by, so `POST` takes an optional
//! `Idempotency-Key`, as the case commands do: a retry after a lost answer establishes
//! nothing new and answers the first address's id.
//!
//! An address is established in a commune in force, or in a retired one that still existed
//! on its `established_on` date: offices enter the paper records of addresses from before
//! the 2025 merger, whose cases count in the commune of the time and in its successor.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use time::Date;

use crate::domain::bounds::Accepts;
use crate::domain::bounds::{self, FieldCode, Refused};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::registry::trusted_address::{
    self, TrustedAddressCommand, TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii,
    TrustedAddressState,
};
use crate::domain::vocab::{AreaLevel, Role};
use crate::http::auth::{Admin, CurrentUser};
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::cases::flow::idempotency;
use crate::http::error::{ApiError, Problem};
use crate::http::openapi_bounds::FieldBounds;
use crate::http::registry::parse::{self, Fields};
use crate::http::registry::write::{already_written, append_once, rejected};
use crate::http::state::AppState;
use crate::projections::registry::{Area, Registry, TrustedAddress};
use crate::store::log::{AppendOutcome, ExpectedVersion};
use crate::store::stream::StreamId;

/// The route an `Idempotency-Key` is scoped to (with the user).
const ROUTE: &str = "POST /trusted-addresses";

/// `POST /trusted-addresses` body.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrustedAddress {
    /// How the address is known locally (often the host's name): personal data.
    pub name: String,
    /// The code of the commune it is in.
    #[schema(example = "23284")]
    pub commune: String,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(format = Date, example = "2025-08-01")]
    pub established_on: String,
}

/// The id of what was created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: Uuid,
}

/// One trusted address.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustedAddressView {
    pub id: Uuid,
    /// `null` if it can no longer be read.
    #[schema(required = true)]
    pub name: Option<String>,
    pub commune: String,
    #[schema(format = Date)]
    pub established_on: String,
    #[schema(format = Date, required = true)]
    pub closed_on: Option<String>,
}

/// `GET /trusted-addresses` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TrustedAddressList {
    pub items: Vec<TrustedAddressView>,
}

/// Establish a trusted address.
#[utoipa::path(
    post,
    path = "/trusted-addresses",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewTrustedAddress,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body establishes nothing new and answers the same id"),
    ),
    responses(
        (status = 201, description = "Established (or, for a retry, had been)", body = Created),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such commune, a date in the future, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn establish(
    State(state): State<AppState>,
    Admin(admin): Admin,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    let idempotency = idempotency(&admin, ROUTE, &preconditions, body.fingerprint());
    if let Some(outcome) = already_written(&state, idempotency.as_ref()).await? {
        return established(&outcome);
    }
    let body: NewTrustedAddress = body.parse()?;
    let registry = &state.projections.registry;
    let mut fields = Fields::default();
    let day = parse::date(&body.established_on).ok();
    let commune = fields.check("commune", {
        parse::area_code(&body.commune)
            .and_then(|code| commune_on(registry, &code, day))
            .and_then(|area| match area.level {
                AreaLevel::Commune => Ok(area.code),
                _ => Err(Refused::new(FieldCode::WrongLevel, "is not a commune")),
            })
    });
    let established_on = fields.check("established_on", parse::date(&body.established_on));
    fields.check("name", bounds::NAME.check(&body.name));
    fields.finish()?;
    let (Some(commune), Some(established_on)) = (commune, established_on) else {
        return Err(ApiError::Internal("a checked field is missing".into()));
    };
    let id = TrustedAddressId::from_uuid(Uuid::new_v4());
    let command = TrustedAddressCommand::Establish {
        facts: TrustedAddressEstablishedFacts {
            commune,
            established_on,
        },
        pii: TrustedAddressEstablishedPii { name: body.name },
    };
    let events = trusted_address::decide(
        &TrustedAddressState::default(),
        command,
        state.clock.today(),
    )
    .map_err(|rejection| rejected(&rejection, "id"))?;
    let outcome = append_once(
        &state,
        StreamId::trusted_address(&id),
        ExpectedVersion::NoStream,
        &events,
        Some(admin.id),
        idempotency,
    )
    .await?;
    established(&outcome)
}

/// The area an address established on `day` lies in: one in force, or a retired one that
/// still existed that day (an office entering the paper records of an address from before a
/// merger; its cases then count in the commune of the time and in its successor).
fn commune_on(registry: &Registry, code: &AreaCode, day: Option<Date>) -> Result<Area, Refused> {
    let area = registry
        .area(code)
        .ok_or(Refused::new(FieldCode::Unknown, "no such area"))?;
    match (area.valid_to, day) {
        (Some(valid_to), Some(day)) if day <= valid_to => Ok(area),
        (Some(_), _) => Err(Refused::new(FieldCode::Retired, "the area is retired")),
        (None, _) => Ok(area),
    }
}

/// 201 with the id of the address `outcome` established (or, for a retry, had established).
fn established(outcome: &AppendOutcome) -> Result<(StatusCode, axum::Json<Created>), ApiError> {
    let id = outcome.stream.uuid_of("address").ok_or_else(|| {
        ApiError::Internal(
            "an idempotent establish points at a stream that is not an address".into(),
        )
    })?;
    Ok((StatusCode::CREATED, axum::Json(Created { id })))
}

/// The trusted addresses within the caller's reach.
#[utoipa::path(
    get,
    path = "/trusted-addresses",
    tag = "registry",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The addresses the caller may see", body = TrustedAddressList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> axum::Json<TrustedAddressList> {
    let registry = &state.projections.registry;
    let items = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| within_reach(&user, address, registry))
        .map(|address| TrustedAddressView {
            id: *address.id.as_uuid(),
            name: address.name,
            commune: address.commune.as_str().to_owned(),
            established_on: parse::iso_date(address.established_on),
            closed_on: address.closed_on.map(parse::iso_date),
        })
        .collect();
    axum::Json(TrustedAddressList { items })
}

fn within_reach(user: &CurrentUser, address: &TrustedAddress, registry: &Registry) -> bool {
    match user.role {
        Role::Admin => true,
        Role::Supervisor | Role::Reporting => user
            .area
            .as_ref()
            .is_some_and(|area| registry.area_contains(area, &address.commune)),
        Role::Volunteer => user.trusted_address == Some(address.id),
    }
}

impl NewTrustedAddress {
    /// What each field accepts, for the OpenAPI document: the bounds checked above.
    pub fn accepts() -> FieldBounds {
        vec![
            ("name", Accepts::RequiredText(bounds::NAME)),
            (
                "commune",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("established_on", Accepts::AnyDay),
        ]
    }
}

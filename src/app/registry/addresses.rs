//! Trusted addresses: establishing one (admin), and the addresses each role sees within its
//! reach ([`within_reach`]): an admin all of them, a supervisor or reporting officer those
//! in her area, a volunteer her own.
//!
//! An address has nothing unique to refuse a second one by, so establishing one takes an
//! idempotency key, as the case commands do: a retry after a lost answer establishes nothing
//! new and answers the first address's id.
//!
//! An address is established in a commune in force, or in a retired one that still existed
//! on its `established_on` date: offices enter the paper records of addresses from before
//! the 2025 merger, whose cases count in the commune of the time and in its successor.

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::app::actor::{Admin, CurrentUser};
use crate::app::cases::flow::idempotency;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::{Body, Preconditions};
use crate::app::registry::parse;
use crate::app::registry::write::{already_written, append_once, rejected};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{self, Accepts, FieldCode, Refused};
use crate::domain::ids::{AreaCode, TrustedAddressId};
use crate::domain::registry::trusted_address::{
    self, TrustedAddressCommand, TrustedAddressEstablishedFacts, TrustedAddressEstablishedPii,
    TrustedAddressState,
};
use crate::domain::vocab::{AreaLevel, Role};
use crate::projections::registry::{Area, Registry, TrustedAddress};
use crate::store::log::{AppendOutcome, ExpectedVersion};
use crate::store::stream::StreamId;

/// The route an idempotency key is scoped to (with the user).
pub const ROUTE: &str = "POST /trusted-addresses";

/// A new trusted address, as `POST /trusted-addresses` and the admin's form send it.
#[derive(Deserialize, Serialize, utoipa::ToSchema)]
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

opaque_debug!(NewTrustedAddress);

/// Establish a trusted address (`body`: a [`NewTrustedAddress`]); answers its id once the
/// registry shows it, or, for a retry, the id the first request established.
pub async fn establish(
    app: &App<'_>,
    Admin(admin): &Admin,
    given: &Preconditions,
    body: &Body,
) -> Result<TrustedAddressId, AppError> {
    let idempotency = idempotency(admin, ROUTE, given, body.fingerprint());
    if let Some(outcome) = already_written(app, idempotency.as_ref()).await? {
        return established(&outcome);
    }
    let body: NewTrustedAddress = body.parse()?;
    let registry = &app.projections.registry;
    let mut fields = Checks::default();
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
        return Err(AppError::internal("a checked field is missing"));
    };
    let id = TrustedAddressId::from_uuid(Uuid::new_v4());
    let command = TrustedAddressCommand::Establish {
        facts: TrustedAddressEstablishedFacts {
            commune,
            established_on,
        },
        pii: TrustedAddressEstablishedPii { name: body.name },
    };
    let events =
        trusted_address::decide(&TrustedAddressState::default(), command, app.clock.today())
            .map_err(|rejection| rejected(&rejection, "id"))?;
    let outcome = append_once(
        app,
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

/// The address `outcome` established (or, for a retry, had established).
fn established(outcome: &AppendOutcome) -> Result<TrustedAddressId, AppError> {
    outcome
        .stream
        .uuid_of("address")
        .map(TrustedAddressId::from_uuid)
        .ok_or_else(|| {
            AppError::internal("an idempotent establish points at a stream that is not an address")
        })
}

/// The trusted addresses within `user`'s reach.
pub fn list(app: &App<'_>, user: &CurrentUser) -> Vec<TrustedAddress> {
    let registry = &app.projections.registry;
    registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| within_reach(user, address, registry))
        .collect()
}

/// Whether `user` may see `address` in the registry (not its cases: that is
/// [`crate::app::scope`]'s).
pub fn within_reach(user: &CurrentUser, address: &TrustedAddress, registry: &Registry) -> bool {
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

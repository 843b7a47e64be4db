//! Retiring an area (admin): it ceases to exist, its territory taken over by a successor of
//! the same level (or by none, as when the 2025 reform abolished districts).
//!
//! The domain's `decide` records `area_retired`; the projection then follows the successor,
//! so cases recorded in the retired unit count within it (scope checks and statistics alike).

use serde::Deserialize;
use time::Date;

use crate::app::actor::Admin;
use crate::app::cases::flow::{fields_fingerprint, idempotency};
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::Preconditions;
use crate::app::registry::parse;
use crate::app::registry::write::{already_written, decide_and_append, rejected};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode, Refused};
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::area::{
    self, AreaCommand, AreaDefinedFacts, AreaRetiredFacts, AreaState,
};
use crate::projections::registry::{Area, Registry};
use crate::store::log::{ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// `POST /areas/{code}/retire` body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetireArea {
    /// The last day the area exists (`YYYY-MM-DD`); may lie ahead, as reforms are announced
    /// before they take effect.
    #[schema(format = Date, example = "2026-06-30")]
    pub valid_to: String,
    /// The code of the area, of the same level and in force, that takes over its territory.
    #[serde(default)]
    #[schema(example = "23290")]
    pub successor: Option<String>,
}

/// What a successor must be: in force, and of the retired area's level.
pub const SUCCESSOR_LEVEL: &str = "must be of the same level";

/// Retire the area `code` (not found if there is none). A retry under the same key and body
/// retires nothing again.
pub async fn retire_area(
    app: &App<'_>,
    Admin(admin): &Admin,
    code: &AreaCode,
    given: &Preconditions,
    body: &RetireArea,
) -> Result<(), AppError> {
    let registry = &app.projections.registry;
    let area = registry.area(code).ok_or(AppError::NotFound)?;
    let route = format!("POST /areas/{}/retire", area.code.as_str());
    let idempotency = idempotency(admin, &route, given, body.fingerprint());
    // A retry of a retirement already made: the area is retired as it asked.
    if already_written(app, idempotency.as_ref()).await?.is_some() {
        return Ok(());
    }
    let mut fields = Checks::default();
    let valid_to = fields.check("valid_to", parse::date(&body.valid_to));
    let successor = fields.check_optional("successor", body.successor.as_deref(), |raw| {
        successor_of(registry, &area, raw)
    });
    fields.finish()?;
    let (Some(valid_to), Some(successor)) = (valid_to, successor) else {
        return Err(AppError::internal("a checked field is missing"));
    };
    let facts = AreaRetiredFacts {
        valid_to,
        successor,
    };
    retire(app, admin.id, &area.code, &facts, idempotency).await
}

/// A successor for `area`: an area in force, of the same level.
fn successor_of(registry: &Registry, area: &Area, raw: &str) -> Result<AreaCode, Refused> {
    let code = parse::area_code(raw)?;
    let successor = parse::current_area(registry, &code)?;
    if successor.level != area.level {
        return Err(Refused::new(FieldCode::Inconsistent, SUCCESSOR_LEVEL));
    }
    Ok(successor.code)
}

/// Decide the retirement on the area's current state and record it, deciding again if
/// another task wrote to the area meanwhile. (Retiring an area and the merge of communes
/// share it.)
pub async fn retire(
    app: &App<'_>,
    actor: UserId,
    code: &AreaCode,
    facts: &AreaRetiredFacts,
    idempotency: Option<Idempotency>,
) -> Result<(), AppError> {
    decide_and_append(app, actor, idempotency, || {
        let found = app
            .projections
            .registry
            .area(code)
            .ok_or(AppError::NotFound)?;
        let current = state_of(&found);
        let events = area::decide(&current, AreaCommand::Retire(facts.clone()))
            .map_err(|rejection| rejected(&rejection, "code"))?;
        Ok((
            StreamId::area(code),
            ExpectedVersion::Exact(current.version),
            events,
        ))
    })
    .await
}

/// The domain's state of an area, from the registry. An area stream holds its definition
/// and at most one retirement (the domain refuses a second), so its version follows from
/// whether it is retired; a wrong guess is a version conflict, decided again.
pub fn state_of(found: &Area) -> AreaState {
    let retired = found.valid_to.map(|valid_to| AreaRetiredFacts {
        valid_to,
        successor: found.successor.clone(),
    });
    AreaState {
        version: if retired.is_some() { 2 } else { 1 },
        defined: Some(AreaDefinedFacts {
            code: found.code.clone(),
            name: found.name.clone(),
            level: found.level,
            parent: found.parent.clone(),
            valid_from: found.valid_from,
        }),
        retired,
    }
}

/// Whether `found` is already retired on `valid_to` into `successor` (a merge sent again).
pub fn retired_as(found: &Area, valid_to: Date, successor: &AreaCode) -> bool {
    found.valid_to == Some(valid_to) && found.successor.as_ref() == Some(successor)
}

impl RetireArea {
    /// The fingerprint of the request for its idempotency key.
    pub fn fingerprint(&self) -> [u8; 32] {
        let RetireArea {
            valid_to,
            successor,
        } = self;
        fields_fingerprint(&[Some(valid_to), successor.as_deref()])
    }

    /// What each field accepts, for the OpenAPI document: the bounds checked above.
    pub fn accepts() -> FieldBounds {
        vec![
            ("valid_to", Accepts::AnyDay),
            (
                "successor",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
        ]
    }
}

//! Defining an area (admin): a province, district or commune.
//!
//! A unit's parent must exist, be in force and be of a higher level: a district's is a
//! province; a commune's is a district or, since the 2025 reform abolished districts, a
//! province. The code's length must fit the level (2, 3 or 5 digits; the domain checks it).
//! Under an idempotency key a retry after a lost answer defines nothing new and answers the
//! same code; the key with another body is refused.

use serde::{Deserialize, Serialize};

use crate::app::actor::Admin;
use crate::app::cases::flow::idempotency;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::input::{Body, Preconditions};
use crate::app::registry::parse;
use crate::app::registry::write::{WriteError, already_written, append_once, rejected};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{self, Accepts, FieldCode};
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::area::{self, AreaCommand, AreaDefinedFacts, AreaState};
use crate::domain::vocab::AreaLevel;
use crate::store::log::{ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// A new area, as `POST /areas` and the admin's form send it.
#[derive(Debug, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArea {
    /// 2 digits for a province, 3 for a district, 5 for a commune.
    #[schema(example = "23284")]
    pub code: String,
    #[schema(example = "Xã Đăk Hà")]
    pub name: String,
    /// `province`, `district` or `commune`.
    #[schema(example = "commune")]
    pub level: String,
    /// The code of the unit it belongs to; none for a province.
    #[serde(default)]
    pub parent: Option<String>,
    /// From when the unit exists (`YYYY-MM-DD`); today if left out.
    #[serde(default)]
    #[schema(format = Date)]
    pub valid_from: Option<String>,
}

/// The route an idempotency key is scoped to (with the user).
pub const ROUTE: &str = "POST /areas";

/// Define an area (`body`: a [`NewArea`]); answers its code once the registry shows it, or,
/// for a retry under the same key and body, the code that body defined.
pub async fn define_area(
    app: &App<'_>,
    Admin(admin): &Admin,
    given: &Preconditions,
    body: &Body,
) -> Result<AreaCode, AppError> {
    let idempotency = idempotency(admin, ROUTE, given, body.fingerprint());
    let body: NewArea = body.parse()?;
    match already_written(app, idempotency.as_ref()).await? {
        // The same key and the same body: the code this body defined.
        Some(_) => parse::area_code(&body.code)
            .map_err(|_| AppError::internal("a defined area's code does not parse")),
        None => define(app, admin.id, body, idempotency).await,
    }
}

/// Check a new area against the registry and record it (under the client's idempotency key,
/// if any); returns its code once the registry shows it. (Defining an area and the merge of
/// communes share it.)
pub async fn define(
    app: &App<'_>,
    actor: UserId,
    body: NewArea,
    idempotency: Option<Idempotency>,
) -> Result<AreaCode, AppError> {
    let registry = &app.projections.registry;
    let mut fields = Checks::default();
    let code = fields.check("code", parse::area_code(&body.code));
    let level = fields.check("level", parse::area_level(&body.level));
    let parent = fields.check_optional("parent", body.parent.as_deref(), |raw| {
        let code = parse::area_code(raw)?;
        parse::current_area(registry, &code)
    });
    fields.check("name", bounds::NAME.check(&body.name));
    let valid_from = fields
        .check_optional("valid_from", body.valid_from.as_deref(), parse::date)
        .map(|date| date.unwrap_or_else(|| app.clock.today()));
    fields.finish()?;
    let (Some(code), Some(level), Some(parent), Some(valid_from)) =
        (code, level, parent, valid_from)
    else {
        return Err(AppError::internal("a checked field is missing"));
    };
    if registry.area(&code).is_some() {
        return Err(taken());
    }
    if let Some(parent) = &parent {
        let fits = matches!(
            (level, parent.level),
            (AreaLevel::District, AreaLevel::Province)
                | (
                    AreaLevel::Commune,
                    AreaLevel::District | AreaLevel::Province
                )
        );
        if !fits {
            return Err(AppError::invalid(
                "parent",
                FieldCode::WrongLevel,
                "must be the unit one level up (a commune's may be its province)",
            ));
        }
    }
    let facts = AreaDefinedFacts {
        code: code.clone(),
        name: body.name,
        level,
        parent: parent.map(|parent| parent.code),
        valid_from,
    };
    let events = area::decide(&AreaState::default(), AreaCommand::Define(facts))
        .map_err(|rejection| rejected(&rejection, "code"))?;
    append_once(
        app,
        StreamId::area(&code),
        ExpectedVersion::NoStream,
        &events,
        Some(actor),
        idempotency,
    )
    .await
    .map_err(|error| match error {
        WriteError::Conflict => taken(),
        WriteError::Failed(error) => error,
    })?;
    Ok(code)
}

fn taken() -> AppError {
    AppError::invalid("code", FieldCode::Taken, "already exists")
}

impl NewArea {
    /// What each field accepts, for the OpenAPI document: the bounds checked above.
    pub fn accepts() -> FieldBounds {
        vec![
            (
                "code",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("name", Accepts::RequiredText(bounds::NAME)),
            ("level", Accepts::code(AreaLevel::CODES)),
            (
                "parent",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("valid_from", Accepts::AnyDay),
        ]
    }
}

//! `POST /areas` (admin): define a province, district or commune.
//!
//! A unit's parent must exist, be in force and be of a higher level: a district's is a
//! province; a commune's is a district or, since the 2025 reform abolished districts, a
//! province. The code's length must fit the level (2, 3 or 5 digits; the domain checks it).
//!
//! It takes an `Idempotency-Key`, as the case commands and `POST /trusted-addresses` do: a
//! retry after a lost answer defines nothing new and answers the same code; the key with
//! another body is refused (422 on `Idempotency-Key`).

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::domain::bounds::Accepts;
use crate::domain::bounds::{self, FieldCode};
use crate::domain::ids::{AreaCode, UserId};
use crate::domain::registry::area::{self, AreaCommand, AreaDefinedFacts, AreaState};
use crate::domain::vocab::AreaLevel;
use crate::http::auth::Admin;
use crate::http::cases::extract::{Preconditions, RawBody};
use crate::http::cases::flow::idempotency;
use crate::http::error::{ApiError, Problem};
use crate::http::openapi_bounds::FieldBounds;
use crate::http::registry::parse::{self, Fields};
use crate::http::registry::write::{WriteError, already_written, append_once, rejected};
use crate::http::state::AppState;
use crate::store::log::{ExpectedVersion, Idempotency};
use crate::store::stream::StreamId;

/// `POST /areas` body.
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

/// `POST /areas` answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AreaCreated {
    pub code: String,
}

/// The route an `Idempotency-Key` is scoped to (with the user).
const ROUTE: &str = "POST /areas";

/// Define an area.
#[utoipa::path(
    post,
    path = "/areas",
    tag = "registry",
    security(("bearer" = [])),
    request_body = NewArea,
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 characters; a retry with the same key and body defines nothing new and answers the same code"),
    ),
    responses(
        (status = 201, description = "Defined (or, for a retry, had been)", body = AreaCreated),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, the parent is wrong, the code exists, or an Idempotency-Key already used with another body", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn define_area(
    State(state): State<AppState>,
    Admin(admin): Admin,
    preconditions: Preconditions,
    body: RawBody,
) -> Result<(StatusCode, axum::Json<AreaCreated>), ApiError> {
    let idempotency = idempotency(&admin, ROUTE, &preconditions, body.fingerprint());
    let body: NewArea = body.parse()?;
    let code = match already_written(&state, idempotency.as_ref()).await? {
        // The same key and the same body: the code this body defined.
        Some(_) => parse::area_code(&body.code)
            .map_err(|_| ApiError::Internal("a defined area's code does not parse".into()))?,
        None => define(&state, admin.id, body, idempotency).await?,
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(AreaCreated {
            code: code.as_str().to_owned(),
        }),
    ))
}

/// Check a new area against the registry and record it (under the client's idempotency key,
/// if any); returns its code once the registry shows it. (`POST /areas` and the merge of
/// communes share it.)
pub async fn define(
    state: &AppState,
    actor: UserId,
    body: NewArea,
    idempotency: Option<Idempotency>,
) -> Result<AreaCode, ApiError> {
    let registry = &state.projections.registry;
    let mut fields = Fields::default();
    let code = fields.check("code", parse::area_code(&body.code));
    let level = fields.check("level", parse::area_level(&body.level));
    let parent = fields.check_optional("parent", body.parent.as_deref(), |raw| {
        let code = parse::area_code(raw)?;
        parse::current_area(registry, &code)
    });
    fields.check("name", bounds::NAME.check(&body.name));
    let valid_from = fields
        .check_optional("valid_from", body.valid_from.as_deref(), parse::date)
        .map(|date| date.unwrap_or_else(|| state.clock.today()));
    fields.finish()?;
    let (Some(code), Some(level), Some(parent), Some(valid_from)) =
        (code, level, parent, valid_from)
    else {
        return Err(ApiError::Internal("a checked field is missing".into()));
    };
    if registry.area(&code).is_some() {
        return Err(ApiError::invalid(
            "code",
            FieldCode::Taken,
            "already exists",
        ));
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
            return Err(ApiError::invalid(
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
        state,
        StreamId::area(&code),
        ExpectedVersion::NoStream,
        &events,
        Some(actor),
        idempotency,
    )
    .await
    .map_err(|error| match error {
        WriteError::Conflict => ApiError::invalid("code", FieldCode::Taken, "already exists"),
        WriteError::Failed(error) => error,
    })?;
    Ok(code)
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

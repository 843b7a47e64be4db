//! `GET /follow-ups`: the follow-up queue. Follow-ups not yet done, of cases not closed or
//! erased, that the caller may see (a volunteer: her trusted address's; a supervisor: her
//! area's, or a part of it named by `area`), most overdue first, then highest risk first.
//! An `area` outside the caller's scope is 404, as if it did not exist.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::app::scope::{CaseLocation, may_access_case};
use crate::app::validate::Checks;
use crate::domain::bounds::Accepts;
use crate::domain::bounds::FieldCode;
use crate::domain::calendar::IsoDate;
use crate::domain::ids::AreaCode;
use crate::domain::vocab::{RiskLevel, Role};
use crate::http::auth::{CaseWorker, CurrentUser};
use crate::http::cases::docs::{AuthErrors, QueryErrors};
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::openapi_bounds::FieldBounds;
use crate::http::state::AppState;
use crate::projections::cases::{Due, FollowUpQuery, QueuedFollowUp};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(follow_up_queue))
}

/// Filters; all optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `due` (due today or later) or `overdue` (past the due date); without it, both.
    pub status: Option<String>,
    /// An area code within the caller's scope.
    pub area: Option<String>,
    /// `YYYY-MM-DD`: only follow-ups due before this day.
    pub before: Option<String>,
}

/// The queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpQueue {
    pub items: Vec<FollowUpItem>,
}

/// A follow-up waiting to be done.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpItem {
    pub case_id: Uuid,
    pub follow_up_id: Uuid,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    pub trusted_address: Uuid,
    /// Days past the due date; 0 if not overdue.
    pub days_overdue: i64,
    #[schema(value_type = Option<String>)]
    pub risk_level: Option<RiskLevel>,
}

/// The follow-up queue.
#[utoipa::path(get, path = "/follow-ups", tag = "cases", params(QueueQuery),
    responses((status = 200, description = "Follow-ups to do, most overdue first", body = FollowUpQueue),
        AuthErrors, QueryErrors,
        (status = 404, description = "`not_found`: `area` is not within the caller's scope",
            body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up_queue(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(raw) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    Ok(private(axum::Json(queue(&state, &user, raw)?), None))
}

/// The queue `user` may see, filtered by `raw` (the typed core of [`follow_up_queue`], for
/// the web app's dashboard).
pub fn queue(
    state: &AppState,
    user: &CurrentUser,
    raw: QueueQuery,
) -> Result<FollowUpQueue, ApiError> {
    let mut checks = Checks::default();
    let due = checks.optional_code("status", raw.status.as_deref(), |code| match code {
        "due" => Some(Due::NotYetOverdue),
        "overdue" => Some(Due::Overdue),
        _ => None,
    });
    let before = match raw.before.as_deref() {
        None => Some(None),
        Some(text) => checks.day("before", text).map(Some),
    };
    let area = match raw.area.as_deref().map(AreaCode::parse) {
        None => Some(None),
        Some(Ok(area)) => Some(Some(area)),
        Some(Err(_)) => {
            checks.fail(
                "area",
                FieldCode::InvalidFormat,
                "must be an area code (2 to 5 digits)",
            );
            None
        }
    };
    let (Some(due), Some(before), Some(area)) = (due, before, area) else {
        return Err(checks.into_error().into());
    };
    checks.finish()?;
    if let Some(area) = &area {
        in_scope(state, user, area)?;
    }
    let registry = &state.projections.registry;
    let query = FollowUpQuery {
        today: state.clock.today(),
        due,
        before,
    };
    let items = state
        .projections
        .cases
        .follow_ups(&query, |address, commune| {
            let location = CaseLocation {
                trusted_address: *address,
                commune: commune.clone(),
            };
            may_access_case(user, &location, registry)
                && area
                    .as_ref()
                    .is_none_or(|area| registry.area_contains(area, commune))
        })
        .into_iter()
        .map(item)
        .collect();
    Ok(FollowUpQueue { items })
}

/// 404 unless `area` exists and lies within what `user` may see: for a supervisor, within
/// her area; for a volunteer, an area her trusted address lies in.
fn in_scope(state: &AppState, user: &CurrentUser, area: &AreaCode) -> Result<(), ApiError> {
    let registry = &state.projections.registry;
    if registry.area(area).is_none() {
        return Err(ApiError::NotFound);
    }
    let visible = match user.role {
        Role::Supervisor => user
            .area
            .as_ref()
            .is_some_and(|own| registry.area_contains(own, area)),
        Role::Volunteer => user
            .trusted_address
            .and_then(|address| registry.trusted_address(&address))
            .is_some_and(|address| registry.area_contains(area, &address.commune)),
        Role::Admin | Role::Reporting => false,
    };
    if visible {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

fn item(queued: QueuedFollowUp) -> FollowUpItem {
    FollowUpItem {
        case_id: *queued.case_id.as_uuid(),
        follow_up_id: *queued.follow_up_id.as_uuid(),
        due_on: queued.due_on,
        trusted_address: *queued.trusted_address.as_uuid(),
        days_overdue: queued.days_overdue,
        risk_level: queued.risk_level,
    }
}

impl QueueQuery {
    /// What each parameter accepts, for the OpenAPI document: what the handler checks.
    pub fn accepts() -> FieldBounds {
        vec![
            ("status", Accepts::code(&["due", "overdue"])),
            (
                "area",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("before", Accepts::AnyDay),
        ]
    }
}

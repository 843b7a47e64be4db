//! The follow-up queue: follow-ups not yet done, of cases not closed or erased, that the
//! user may see (a volunteer: her trusted address's; a supervisor: her area's, or a part of
//! it named by `area`), most overdue first, then highest risk first. An `area` outside her
//! scope is not found, as if it did not exist.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::actor::{CaseWorker, CurrentUser};
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::scope::{CaseLocation, may_access_case};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode};
use crate::domain::calendar::IsoDate;
use crate::domain::ids::AreaCode;
use crate::domain::vocab::{RiskLevel, Role};
use crate::projections::cases::{Due, FollowUpQuery, QueuedFollowUp};

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

/// The queue `worker` may see, filtered by `raw`.
pub fn follow_up_queue(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    raw: QueueQuery,
) -> Result<FollowUpQueue, AppError> {
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
        return Err(checks.into_error());
    };
    checks.finish()?;
    if let Some(area) = &area {
        in_scope(app, user, area)?;
    }
    let registry = &app.projections.registry;
    let query = FollowUpQuery {
        today: app.clock.today(),
        due,
        before,
    };
    let items = app
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

/// Not found unless `area` exists and lies within what `user` may see: for a supervisor,
/// within her area; for a volunteer, an area her trusted address lies in.
fn in_scope(app: &App<'_>, user: &CurrentUser, area: &AreaCode) -> Result<(), AppError> {
    let registry = &app.projections.registry;
    if registry.area(area).is_none() {
        return Err(AppError::NotFound);
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
        Err(AppError::NotFound)
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
    /// What each parameter accepts, for the OpenAPI document: what the use case checks.
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

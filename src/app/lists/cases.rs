//! The case list: the cases a user may see (a volunteer: her trusted address's; a
//! supervisor: her area's), newest first, 50 to a page, from the case index. Without
//! `status`, erased cases are left out. `next` is the [`cursor`] of the next page (sealed,
//! bound to the user), none on the last page. Every listing is recorded in the access log
//! (`case_listed`), once, here.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access_log::AccessEntry;
use crate::app::actor::{CaseWorker, CurrentUser};
use crate::app::context::App;
use crate::app::error::{AppError, FieldError};
use crate::app::lists::cursor;
use crate::app::scope::{CaseLocation, may_access_address, may_access_case};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode, Range};
use crate::domain::calendar::{IsoDate, iso_day};
use crate::domain::case::CaseStatus;
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::{AccessAction, RiskLevel};
use crate::projections::cases::{CaseQuery, CaseSummary};

/// Cases per page unless `limit` says otherwise.
pub const PAGE: usize = 50;
/// The largest page.
pub const MAX_PAGE: i64 = 200;

/// Filters; all optional.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open`, `closure_requested`, `closed` or `erased`; without it, all but erased.
    pub status: Option<String>,
    /// A trusted address (id) the caller may see.
    pub trusted_address: Option<String>,
    /// `low`, `medium` or `high`.
    pub risk_level: Option<String>,
    /// `true`: only cases with a follow-up past its due date.
    pub overdue: Option<String>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// Cases per page, 1 to 200 (50 by default).
    pub limit: Option<String>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub items: Vec<CaseListItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next: Option<String>,
}

/// One case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseListItem {
    pub id: Uuid,
    #[schema(value_type = String, example = "open")]
    pub status: CaseStatus,
    pub trusted_address: Uuid,
    #[serde(with = "IsoDate")]
    #[schema(value_type = String, format = Date)]
    pub opened_on: Date,
    #[schema(value_type = Option<String>)]
    pub risk_level: Option<RiskLevel>,
    /// The earliest due date of a follow-up not yet done.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_follow_up: Option<String>,
}

/// What the refusal of a cursor says (never what was sent).
pub const FOREIGN_CURSOR: &str = "the cursor is not one this server issued";

/// The page of cases `worker` may see that `raw` asks for, the listing recorded in the
/// access log (`from`: where the request came from). A filter out of its vocabulary is
/// [`AppError::Invalid`]; a trusted address she may not see is not found; a cursor this
/// server did not give her is [`AppError::BadParameter`] (`cursor`, `invalid_format`). A
/// refusal records nothing.
pub async fn list_cases(
    app: &App<'_>,
    CaseWorker(user): &CaseWorker,
    from: Option<String>,
    raw: ListQuery,
) -> Result<CaseList, AppError> {
    let query = parse(app, user, raw)?;
    let registry = &app.projections.registry;
    let page = app.projections.cases.list(&query, |address, commune| {
        let location = CaseLocation {
            trusted_address: *address,
            commune: commune.clone(),
        };
        may_access_case(user, &location, registry)
    });
    record_listing(app, user, from).await?;
    Ok(CaseList {
        items: page.items.into_iter().map(item).collect(),
        next: page
            .next
            .map(|next| cursor::seal(app.cursors, &user.id, next)),
    })
}

/// Records in the access log that `user` looked at the cases she may see (`case_listed`):
/// a list, or a page that shows cases of her scope at a glance (the supervisor's dashboard).
pub async fn record_listing(
    app: &App<'_>,
    user: &CurrentUser,
    from: Option<String>,
) -> Result<(), AppError> {
    app.access
        .record(AccessEntry {
            actor: Some(user.id),
            action: AccessAction::CaseListed,
            case: None,
            from,
            username: None,
            at: app.clock.now(),
        })
        .await
        .map_err(AppError::internal)
}

fn parse(app: &App<'_>, user: &CurrentUser, raw: ListQuery) -> Result<CaseQuery, AppError> {
    let mut checks = Checks::default();
    let status = checks.optional_code("status", raw.status.as_deref(), status_of);
    let risk_level =
        checks.optional_code("risk_level", raw.risk_level.as_deref(), RiskLevel::parse);
    let address = raw
        .trusted_address
        .as_deref()
        .map(|text| checks.uuid("trusted_address", text));
    let overdue = checks.optional_code("overdue", raw.overdue.as_deref(), |text| match text {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    });
    let limit = match raw.limit.as_deref().map(str::parse::<i64>) {
        None => Some(PAGE),
        Some(Ok(limit)) => checks.number(
            "limit",
            limit,
            Range {
                min: 1,
                max: MAX_PAGE,
            },
        ),
        Some(Err(_)) => {
            checks.fail(
                "limit",
                FieldCode::OutOfRange,
                format!("must be from 1 to {MAX_PAGE}"),
            );
            None
        }
    };
    let (Some(status), Some(risk_level), Some(overdue), Some(limit)) =
        (status, risk_level, overdue, limit)
    else {
        return Err(checks.into_error());
    };
    let trusted_address = match address {
        None => None,
        Some(None) => return Err(checks.into_error()),
        Some(Some(uuid)) => Some(TrustedAddressId::from_uuid(uuid)),
    };
    checks.finish()?;
    if let Some(address) = &trusted_address {
        if !may_access_address(user, address, &app.projections.registry) {
            return Err(AppError::NotFound);
        }
    }
    let after = match raw.cursor.as_deref() {
        None => None,
        Some(text) => Some(cursor::open(app.cursors, &user.id, text).ok_or_else(|| {
            AppError::BadParameter(FieldError::new(
                "cursor",
                FieldCode::InvalidFormat,
                FOREIGN_CURSOR,
            ))
        })?),
    };
    Ok(CaseQuery {
        status,
        trusted_address,
        risk_level,
        overdue_on: overdue
            .filter(|overdue| *overdue)
            .map(|_| app.clock.today()),
        after,
        limit,
    })
}

fn status_of(code: &str) -> Option<CaseStatus> {
    match code {
        "open" => Some(CaseStatus::Open),
        "closure_requested" => Some(CaseStatus::ClosureRequested),
        "closed" => Some(CaseStatus::Closed),
        "erased" => Some(CaseStatus::Erased),
        _ => None,
    }
}

fn item(case: CaseSummary) -> CaseListItem {
    CaseListItem {
        id: *case.id.as_uuid(),
        status: case.status,
        trusted_address: *case.trusted_address.as_uuid(),
        opened_on: case.opened_on,
        risk_level: case.risk_level,
        next_follow_up: case.next_follow_up.map(iso_day),
    }
}

impl ListQuery {
    /// What each parameter accepts, for the OpenAPI document: what `parse` checks above.
    pub fn accepts() -> FieldBounds {
        vec![
            (
                "status",
                Accepts::code(&["open", "closure_requested", "closed", "erased"]),
            ),
            ("trusted_address", Accepts::Id),
            ("risk_level", Accepts::code(RiskLevel::CODES)),
            ("overdue", Accepts::code(&["true", "false"])),
            (
                "limit",
                Accepts::Pattern("^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$"),
            ),
        ]
    }
}

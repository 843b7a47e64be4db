//! `GET /stats/usage`: the statistics audit for supervisors and admins (API.md,
//! "Statistics"): each officer's statistics queries in the rolling 30 days — distinct
//! tables (what the budget counts), queries with repeats, and the communes on which she
//! asked for more than 20 distinct tables, flagged. A supervisor sees the officers whose
//! area lies within hers; an admin sees every officer.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::vocab::Role;
use crate::http::auth::StatsAuditor;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::state::AppState;
use crate::stats::budget::{FLAG_TABLES_ON_ONE_COMMUNE, WINDOW};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(usage))
}

/// The audit.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UsageReport {
    /// The rolling window, in days.
    pub window_days: i64,
    /// Distinct tables a reporting officer may ask for in the window.
    pub budget: u32,
    /// More distinct tables than this on one commune flags an officer.
    pub flag_threshold: usize,
    pub officers: Vec<OfficerUsage>,
}

/// One officer's use.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct OfficerUsage {
    pub user: uuid::Uuid,
    pub username: String,
    pub role: String,
    /// Distinct tables in the window (the budget counts these).
    pub tables: usize,
    /// Queries in the window, repeats included.
    pub queries: usize,
    /// Whether any commune is flagged.
    pub flagged: bool,
    pub communes: Vec<CommuneUsage>,
}

/// A commune on which the officer asked for more than the threshold of distinct tables.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CommuneUsage {
    pub commune: String,
    pub tables: usize,
}

/// Statistics query volumes per officer.
#[utoipa::path(get, path = "/stats/usage", tag = "statistics",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Each officer's statistics queries in the rolling 30 days", body = UsageReport),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a supervisor or an admin",
            body = Problem, content_type = "application/problem+json")))]
pub async fn usage(
    State(state): State<AppState>,
    StatsAuditor(user): StatsAuditor,
) -> Result<axum::response::Response, ApiError> {
    Ok(private(Json(report(&state, &user)), None))
}

/// The audit as `user` may see it (the web page uses it too).
pub fn report(state: &AppState, user: &crate::http::auth::CurrentUser) -> UsageReport {
    let registry = &state.projections.registry;
    let officers = state
        .stats
        .ledger
        .usage(state.clock.now())
        .into_iter()
        .filter_map(|usage| {
            let officer = registry.user(&usage.user)?;
            let visible = match (user.role, &user.area, &officer.area) {
                (Role::Admin, _, _) => true,
                (_, Some(mine), Some(theirs)) => registry.area_contains(mine, theirs),
                _ => false,
            };
            visible.then(|| OfficerUsage {
                user: *usage.user.as_uuid(),
                username: officer.username,
                role: officer.role.code().to_owned(),
                tables: usage.tables,
                queries: usage.queries,
                flagged: !usage.flagged.is_empty(),
                communes: usage
                    .flagged
                    .into_iter()
                    .map(|(commune, tables)| CommuneUsage {
                        commune: commune.as_str().to_owned(),
                        tables,
                    })
                    .collect(),
            })
        })
        .collect();
    UsageReport {
        window_days: WINDOW.whole_days(),
        budget: state.stats.budget,
        flag_threshold: FLAG_TABLES_ON_ONE_COMMUNE,
        officers,
    }
}

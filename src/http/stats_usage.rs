//! `GET /stats/usage`: the statistics audit for supervisors and admins (API.md,
//! "Statistics"): each officer's statistics queries in the rolling 30 days — distinct
//! tables (what the budget counts), queries with repeats, and the communes on which she
//! asked for more than 20 distinct tables, flagged. A supervisor sees the officers whose
//! area lies within hers; an admin sees every officer.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use crate::app::stats::usage::{CommuneUsage, OfficerUsage, UsageReport};
use crate::edge::state::AppState;
use crate::http::auth::StatsAuditor;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(usage))
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
    auditor: StatsAuditor,
) -> Result<axum::response::Response, ApiError> {
    let report = crate::app::stats::usage::report(&state.app(), &auditor);
    Ok(private(Json(report), None))
}

//! `GET /follow-ups`: the follow-up queue as JSON. The use case (scope, filters, order) is
//! the application core's ([`crate::app::lists::follow_ups`]); this maps the query in and
//! the queue out.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::actor::CaseWorker;
pub use crate::app::lists::follow_ups::{FollowUpItem, FollowUpQueue, QueueQuery};
use crate::edge::state::AppState;
use crate::http::cases::docs::{AuthErrors, QueryErrors};
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(follow_up_queue))
}

/// The follow-up queue.
#[utoipa::path(get, path = "/follow-ups", tag = "cases", params(QueueQuery),
    responses((status = 200, description = "Follow-ups to do, most overdue first", body = FollowUpQueue),
        AuthErrors, QueryErrors,
        (status = 404, description = "`not_found`: `area` is not within the caller's scope",
            body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up_queue(
    State(state): State<AppState>,
    worker: CaseWorker,
    query: Result<Query<QueueQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(raw) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    let queue = crate::app::lists::follow_ups::follow_up_queue(&state.app(), &worker, raw)?;
    Ok(private(axum::Json(queue), None))
}

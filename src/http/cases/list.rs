//! `GET /cases`: the cases the caller may see, a page at a time, as JSON. The use case
//! (scope, filters, the sealed cursor, the access log) is the application core's
//! ([`crate::app::lists::cases`]); this maps the query in and the page out.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};

use crate::app::actor::CaseWorker;
use crate::app::lists::cases::list_cases as use_case;
pub use crate::app::lists::cases::{CaseList, CaseListItem, ListQuery};
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::cases::docs::{AuthErrors, QueryErrors};
use crate::http::cases::view::private;
use crate::http::error::ApiError;

/// List cases.
#[utoipa::path(get, path = "/cases", tag = "cases", params(ListQuery),
    responses((status = 200, description = "A page of cases", body = CaseList),
        AuthErrors, QueryErrors,
        (status = 404, description = "`not_found`: `trusted_address` is not one the caller may see",
            body = crate::http::error::Problem, content_type = "application/problem+json")))]
pub async fn list_cases(
    State(state): State<AppState>,
    worker: CaseWorker,
    ClientAddr(from): ClientAddr,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(raw) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    let list = use_case(&state.app(), &worker, from, raw).await?;
    Ok(private(axum::Json(list), None))
}

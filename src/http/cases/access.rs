//! `GET /cases/{id}/access-log` (supervisor): a page of a case's access log as JSON. The use
//! case (scope, recording this read first, folding, the cursor) is the application core's
//! ([`crate::app::lists::access`]).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use uuid::Uuid;

pub use crate::app::lists::access::{AccessItem, AccessLogQuery, AccessLogView};
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::auth::Supervisor;
use crate::http::cases::docs::{AuthErrors, CaseErrors};
use crate::http::cases::extract::Ids;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};

/// Read a case's access log, a page at a time.
#[utoipa::path(get, path = "/cases/{id}/access-log", tag = "cases",
    params(("id" = Uuid, Path, description = "The case"), AccessLogQuery),
    responses((status = 200, description = "A page of the case's access log", body = AccessLogView),
        (status = 400, description = "`bad_request`: a cursor this server did not issue, or an unknown parameter", body = Problem, content_type = "application/problem+json"),
        AuthErrors, CaseErrors))]
pub async fn read_access_log(
    State(state): State<AppState>,
    reader: Supervisor,
    Ids(id): Ids<Uuid>,
    ClientAddr(from): ClientAddr,
    query: Result<Query<AccessLogQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    let case = CaseId::from_uuid(id);
    let view = crate::app::lists::access::read_access_log(&state.app(), &reader, case, from, query)
        .await?;
    Ok(private(axum::Json(view), None))
}

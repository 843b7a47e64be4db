//! `GET /cases/{id}`: the whole case, for a volunteer of its trusted address or a
//! supervisor of its area. The read is recorded in the case's access log, durably, before a
//! byte of the case is sent; if it cannot be recorded, nothing is sent (the use case
//! [`read_case`]).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::app::cases::read::read_case;
use crate::app::cases::view::CaseView;
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::auth::CaseWorker;
use crate::http::cases::docs::{AuthErrors, CaseErrors};
use crate::http::cases::extract::Ids;
use crate::http::cases::flow::etag;
use crate::http::error::ApiError;

/// Read a case.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The case", body = CaseView,
        headers(("ETag" = String, description = "The case version, as \"7\""))),
        AuthErrors, CaseErrors))]
pub async fn get_case(
    State(state): State<AppState>,
    reader: CaseWorker,
    Ids(id): Ids<Uuid>,
    ClientAddr(from): ClientAddr,
) -> Result<Response, ApiError> {
    let view = read_case(&state.app(), &reader, CaseId::from_uuid(id), from).await?;
    let version = view.version;
    Ok(private(axum::Json(view), Some(version)))
}

/// A response with case content: never cached, with the case's `ETag` if given.
pub fn private(body: impl IntoResponse, version: Option<u64>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(value) = version.and_then(etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

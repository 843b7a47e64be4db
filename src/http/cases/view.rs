//! `GET /cases/{id}`: the whole case, for a volunteer of its trusted address or a
//! supervisor of its area. The read is recorded in the case's access log, durably, before a
//! byte of the case is sent; if it cannot be recorded, nothing is sent.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::access_log::AccessEntry;
use crate::app::cases::flow::{check_access, load_events};
use crate::domain::ids::CaseId;
use crate::domain::vocab::AccessAction;
use crate::http::auth::{CaseWorker, CurrentUser};
use crate::http::cases::case_view::CaseView;
use crate::http::cases::docs::{AuthErrors, CaseErrors};
use crate::http::cases::extract::{ClientAddr, Ids};
use crate::http::cases::flow::{etag, internal};
use crate::http::error::ApiError;
use crate::http::state::AppState;

/// Read a case.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The case", body = CaseView,
        headers(("ETag" = String, description = "The case version, as \"7\""))),
        AuthErrors, CaseErrors))]
pub async fn get_case(
    State(state): State<AppState>,
    CaseWorker(user): CaseWorker,
    Ids(id): Ids<Uuid>,
    ClientAddr(from): ClientAddr,
) -> Result<Response, ApiError> {
    let view = read_case(&state, &user, id, from).await?;
    let version = view.version;
    Ok(private(axum::Json(view), Some(version)))
}

/// The typed core of `GET /cases/{id}` (the web app's case page reads through it too):
/// loads the case, checks `user` may see it (404, or 410 if erased), records the read in
/// its access log, and only then builds the view. `view.version` is the case's version.
pub async fn read_case(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    from: Option<String>,
) -> Result<CaseView, ApiError> {
    let case_id = CaseId::from_uuid(id);
    let app = state.app();
    let (case, events) = load_events(&app, user, &case_id)?;
    check_access(&app, user, &case)?;
    state
        .access
        .record(AccessEntry {
            actor: Some(user.id),
            action: AccessAction::CaseRead,
            case: Some(case_id),
            from,
            username: None,
            at: state.clock.now(),
        })
        .await
        .map_err(internal)?;
    CaseView::build(id, &events)
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

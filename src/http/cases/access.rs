//! `GET /cases/{id}/access-log` (supervisor): who read, exported or erased the case, and
//! when. Reading the access log is itself recorded first, so it shows this read too.

use axum::extract::State;
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access_log::{self, AccessEntry};
use crate::domain::ids::CaseId;
use crate::domain::vocab::AccessAction;
use crate::http::auth::{CurrentUser, Supervisor};
use crate::http::cases::docs::{AuthErrors, CaseErrors};
use crate::http::cases::extract::{ClientAddr, Ids};
use crate::http::cases::flow::{check_access, internal, load};
use crate::http::cases::view::private;
use crate::http::error::ApiError;
use crate::http::state::AppState;

/// The access history of a case, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogView {
    pub items: Vec<AccessItem>,
}

/// One access.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessItem {
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// The user who acted.
    pub user: Option<Uuid>,
    /// `case_read`, `access_log_read`, `case_erased`, …
    #[schema(value_type = String, example = "case_read")]
    pub action: AccessAction,
    /// The client's IP address, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// Read a case's access log.
#[utoipa::path(get, path = "/cases/{id}/access-log", tag = "cases",
    params(("id" = Uuid, Path, description = "The case")),
    responses((status = 200, description = "The case's access log", body = AccessLogView),
        AuthErrors, CaseErrors))]
pub async fn read_access_log(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    ClientAddr(from): ClientAddr,
) -> Result<axum::response::Response, ApiError> {
    let view = access_log(&state, &user, id, from).await?;
    Ok(private(axum::Json(view), None))
}

/// Case `id`'s access log as `user` may read it, this read recorded first (the typed core of
/// [`read_access_log`], for the web app).
pub async fn access_log(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    from: Option<String>,
) -> Result<AccessLogView, ApiError> {
    let case_id = CaseId::from_uuid(id);
    let case = load(state, user, &case_id)?;
    check_access(state, user, &case)?;
    state
        .access
        .record(AccessEntry {
            actor: Some(user.id),
            action: AccessAction::AccessLogRead,
            case: Some(case_id),
            from,
            username: None,
            at: state.clock.now(),
        })
        .await
        .map_err(internal)?;
    let items = access_log::for_case(&state.log, &case_id)
        .map_err(internal)?
        .into_iter()
        .map(|record| AccessItem {
            at: record.at,
            user: record.user,
            action: record.action,
            from: record.from,
        })
        .collect();
    Ok(AccessLogView { items })
}

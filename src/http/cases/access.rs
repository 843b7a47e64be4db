//! `GET /cases/{id}/access-log` (supervisor): who read, exported or erased the case, and
//! when. Reading the access log is itself recorded first, so it shows this read too.
//! Repeated reads by one user within the window (`--access-log-window-minutes`) are one item
//! with a count and the first and last time, and items come in pages behind a cursor
//! ([`crate::access_log::page`]).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access_log::page::{self, AccessGroup};
use crate::access_log::{self, AccessEntry, Logged};
use crate::app::cases::flow::{check_access, load};
use crate::domain::ids::CaseId;
use crate::domain::vocab::AccessAction;
use crate::http::auth::{CurrentUser, Supervisor};
use crate::http::cases::docs::{AuthErrors, CaseErrors};
use crate::http::cases::extract::{ClientAddr, Ids};
use crate::http::cases::flow::internal;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::state::AppState;

/// `GET /cases/{id}/access-log` parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccessLogQuery {
    /// The `next` of the previous page.
    pub cursor: Option<String>,
}

/// One page of the access history of a case, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessLogView {
    pub items: Vec<AccessItem>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next: Option<String>,
}

/// One access, or repeated reads of the case by one user from one address within the
/// window, folded together.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessItem {
    /// When it happened (the first read, for folded reads).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// The user who acted.
    pub user: Option<Uuid>,
    /// `case_read`, `access_log_read`, `case_erased`, …, `held_record_discarded`
    #[schema(value_type = String, example = "case_read")]
    pub action: Logged,
    /// How many times: more than 1 for repeated reads folded together.
    #[schema(example = 18)]
    pub count: u32,
    /// The first time (the same as `at`).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub first: OffsetDateTime,
    /// The last time (the same as `first` when `count` is 1).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub last: OffsetDateTime,
    /// The client's IP address, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The held record of the offline outbox it concerns (`held_record_discarded`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held: Option<Uuid>,
}

impl From<AccessGroup> for AccessItem {
    fn from(group: AccessGroup) -> Self {
        Self {
            at: group.first,
            user: group.user,
            action: group.action,
            count: group.count,
            first: group.first,
            last: group.last,
            from: group.from,
            held: group.held,
        }
    }
}

/// Read a case's access log, a page at a time.
#[utoipa::path(get, path = "/cases/{id}/access-log", tag = "cases",
    params(("id" = Uuid, Path, description = "The case"), AccessLogQuery),
    responses((status = 200, description = "A page of the case's access log", body = AccessLogView),
        (status = 400, description = "`bad_request`: a cursor this server did not issue, or an unknown parameter", body = Problem, content_type = "application/problem+json"),
        AuthErrors, CaseErrors))]
pub async fn read_access_log(
    State(state): State<AppState>,
    Supervisor(user): Supervisor,
    Ids(id): Ids<Uuid>,
    ClientAddr(from): ClientAddr,
    query: Result<Query<AccessLogQuery>, QueryRejection>,
) -> Result<axum::response::Response, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::BadRequest("malformed query".into()))?;
    let cursor = parse_cursor(query.cursor.as_deref())?;
    let view = access_log(&state, &user, id, from, cursor).await?;
    Ok(private(axum::Json(view), None))
}

/// A `cursor` parameter: `None` for the first page; 400 for one this server never issued.
pub fn parse_cursor(raw: Option<&str>) -> Result<Option<usize>, ApiError> {
    raw.map(|text| {
        page::decode_cursor(text)
            .ok_or_else(|| ApiError::BadRequest("the cursor is not one this server issued".into()))
    })
    .transpose()
}

/// A page of case `id`'s access log as `user` may read it, this read recorded first (the
/// typed core of [`read_access_log`], for the web app).
pub async fn access_log(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    from: Option<String>,
    cursor: Option<usize>,
) -> Result<AccessLogView, ApiError> {
    let case_id = CaseId::from_uuid(id);
    let app = state.app();
    let case = load(&app, user, &case_id)?;
    check_access(&app, user, &case)?;
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
    let records = access_log::for_case(&state.log, &case_id).map_err(internal)?;
    let groups = page::fold(records, state.settings.access_log_window);
    let found = page::page(groups, cursor);
    Ok(AccessLogView {
        items: found.items.into_iter().map(AccessItem::from).collect(),
        next: found.next,
    })
}

//! A case's access log as a supervisor reads it: who read, exported or erased the case, and
//! when. Reading it is itself recorded first, here, once, so it shows this read too.
//! Repeated reads by one user within the window ([`App::access_log_window`]) are one item
//! with a count and the first and last time, and items come in pages behind a cursor
//! ([`crate::access_log::page`]).
//!
//! [`App::access_log_window`]: crate::app::context::App

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::access_log::page::{self, AccessGroup};
use crate::access_log::{self, AccessEntry, Logged};
use crate::app::actor::Supervisor;
use crate::app::cases::flow::{check_access, load};
use crate::app::context::App;
use crate::app::error::{AppError, FieldError};
use crate::app::lists::cases::FOREIGN_CURSOR;
use crate::domain::bounds::FieldCode;
use crate::domain::ids::CaseId;
use crate::domain::vocab::AccessAction;

/// The access log's query.
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

/// A page of case `case`'s access log as `reader` may read it, this read recorded first
/// (`from`: where the request came from). A case out of her area is not found, an erased
/// one gone; a cursor this server never gave out is [`AppError::BadParameter`]. Nothing is
/// recorded for a refusal.
pub async fn read_access_log(
    app: &App<'_>,
    Supervisor(reader): &Supervisor,
    case: CaseId,
    from: Option<String>,
    query: AccessLogQuery,
) -> Result<AccessLogView, AppError> {
    let cursor = query
        .cursor
        .as_deref()
        .map(|text| {
            page::decode_cursor(text).ok_or_else(|| {
                AppError::BadParameter(FieldError::new(
                    "cursor",
                    FieldCode::InvalidFormat,
                    FOREIGN_CURSOR,
                ))
            })
        })
        .transpose()?;
    let state = load(app, reader, &case)?;
    check_access(app, reader, &state)?;
    app.access
        .record(AccessEntry {
            actor: Some(reader.id),
            action: AccessAction::AccessLogRead,
            case: Some(case),
            from,
            username: None,
            at: app.clock.now(),
        })
        .await
        .map_err(AppError::internal)?;
    let records = access_log::for_case(app.log, &case).map_err(AppError::internal)?;
    let groups = page::fold(records, app.access_log_window);
    let found = page::page(groups, cursor);
    Ok(AccessLogView {
        items: found.items.into_iter().map(AccessItem::from).collect(),
        next: found.next,
    })
}

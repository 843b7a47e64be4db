//! `GET /cases/{id}/access-log`: who read, exported or erased a case, and when (Vietnam
//! time, dd/mm/yyyy hh:mm in Vietnamese), from the application core's [`read_access_log`],
//! which records this read first, so the page lists it too.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use time::OffsetDateTime;

use crate::app::actor::Supervisor;
use crate::app::lists::access::{AccessItem, AccessLogQuery, read_access_log};
use crate::clock::VIETNAM;
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};
use crate::web::session::WebUser;
use crate::web::staff;
use crate::web::supervise::gate::{case_at_hand, case_id, supervisor};
use crate::web::supervise::parts::{case_head, respond};

/// `?cursor=`: the API's cursor of the next page.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PageQuery {
    cursor: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    let me = supervisor(&user)?;
    let reader: Supervisor = user.as_role()?;
    let lang = user.lang;
    let id = case_id(&id).map_err(|error| WebError::app(error, lang))?;
    let query = AccessLogQuery {
        cursor: query.cursor,
    };
    let log = read_access_log(&state.app(), &reader, CaseId::from_uuid(id), from, query)
        .await
        .map_err(|error| WebError::app(error, lang))?;
    let case = case_at_hand(&state, &me, id).map_err(|error| WebError::app(error, lang))?;
    let title = tr(lang, "supervise.access.title");
    let body = html! {
        h1 { (title) }
        (case_head(&state, lang, &case, "access-log"))
        p { (tr(lang, "supervise.access.intro")) }
        div.table-wrap {
            table #access-log {
                thead {
                    tr {
                        th scope="col" { (tr(lang, "supervise.col.when")) }
                        th scope="col" { (tr(lang, "supervise.col.who")) }
                        th scope="col" { (tr(lang, "supervise.col.action")) }
                        th scope="col" { (tr(lang, "supervise.col.from")) }
                    }
                }
                tbody {
                    @for item in &log.items {
                        tr data-action=(item.action.code()) data-count=(item.count) {
                            td {
                                (when(lang, item.at))
                                @if item.count > 1 {
                                    br;
                                    span.muted { (times(lang, item)) }
                                }
                            }
                            td { (who(&state, lang, item)) }
                            td { (item.action.label(lang)) }
                            td.muted { (item.from.as_deref().unwrap_or("—")) }
                        }
                    }
                }
            }
        }
        @if let Some(next) = &log.next {
            p { a href={ "/cases/" (id) "/access-log?cursor=" (next) } { (tr(lang, "supervise.access.more")) } }
        }
    };
    Ok(respond(&state, &user, title, StatusCode::OK, body))
}

/// "18 times, until 09:20".
fn times(lang: Lang, item: &AccessItem) -> String {
    tr(lang, "supervise.access.times")
        .replace("{n}", &item.count.to_string())
        .replace("{last}", &when(lang, item.last))
}

/// Who it was: her full name and username ([`staff::named`]), or "unknown".
fn who(state: &AppState, lang: Lang, item: &AccessItem) -> String {
    item.user
        .and_then(|id| staff::named_by_id(&state.projections.registry, id))
        .unwrap_or_else(|| tr(lang, "common.unknown").to_owned())
}

/// An instant in Vietnam time: `dd/mm/yyyy hh:mm` in Vietnamese.
pub fn when(lang: Lang, at: OffsetDateTime) -> String {
    let local = at.to_offset(VIETNAM);
    format!(
        "{} {:02}:{:02}",
        date(lang, local.date()),
        local.hour(),
        local.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn instants_are_shown_in_vietnam_time_day_first() {
        let at = datetime!(2026-11-20 20:05 UTC);
        assert_eq!(when(Lang::Vi, at), "21/11/2026 03:05");
        assert_eq!(when(Lang::En, at), "2026-11-21 03:05");
    }
}

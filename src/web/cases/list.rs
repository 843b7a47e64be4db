//! `GET /cases`: the cases the user may see (a volunteer: her trusted address's; a
//! supervisor: her area's), through the application core's list ([`list_cases`]: scope,
//! cursor and access log), open ones first: without a status filter the list walks the statuses in order
//! (open, awaiting review, closed), each newest first, and a page is filled from the next
//! status when one runs out; on a page, cases with an overdue follow-up come first, the
//! longest overdue first. Each case is a card (a phone's 360 px hold it without scrolling
//! sideways) with only what the API's list shows: its short code ([`case_code`]), status,
//! risk, opening day, next follow-up (marked when overdue) and, for a supervisor, its
//! trusted address.
//!
//! Query: `status` (a filter), `phase` (the status the page starts in, when unfiltered),
//! `cursor` (the API's cursor within that status), and `code`: a search by case code, which
//! walks every page of the user's list and keeps the cases whose code starts with it.

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use crate::app::actor::CaseWorker;
use crate::app::lists::cases::{CaseListItem, ListQuery, list_cases};
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::Role;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::case_code::{CodeSearch, case_code};
use crate::web::cases::badges::{overdue_badge, risk_badge, status_badge};
use crate::web::cases::{case_worker, overdue, parse_iso};
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, encode, render};
use crate::web::session::WebUser;
use crate::web::widgets::{Field, input, select};

/// The statuses a list walks, open ones first.
pub const STATUSES: [&str; 3] = ["open", "closure_requested", "closed"];
/// Cases per page.
pub const PAGE: usize = 50;
/// Cases per page of the API's list when a search by code walks all of them (its largest).
const SEARCH_PAGE: usize = 200;

/// The list's query.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub status: Option<String>,
    pub phase: Option<String>,
    pub cursor: Option<String>,
    pub code: Option<String>,
}

/// Where the next page starts.
#[derive(Debug, PartialEq, Eq)]
struct NextPage {
    status: &'static str,
    cursor: Option<String>,
}

pub async fn case_list(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    user: WebUser,
    query: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, WebError> {
    let worker = case_worker(&user)?;
    let lang = user.lang;
    let bad_request = || WebError::status(StatusCode::BAD_REQUEST, lang);
    let Query(params) = query.map_err(|_| bad_request())?;
    let filter = match params.status.as_deref().filter(|status| !status.is_empty()) {
        None => None,
        Some(status) => Some(known_status(status).ok_or_else(bad_request)?),
    };
    let phases = match (filter, params.phase.as_deref()) {
        (Some(status), _) => vec![status],
        (None, None) => STATUSES.to_vec(),
        (None, Some(phase)) => {
            let start = STATUSES
                .iter()
                .position(|status| *status == phase)
                .ok_or_else(bad_request)?;
            STATUSES.iter().skip(start).copied().collect()
        }
    };
    let typed = params
        .code
        .as_deref()
        .map(str::trim)
        .filter(|code| !code.is_empty());
    let search = typed.map(CodeSearch::parse);
    if let Some(Some(search)) = &search {
        let items = search_by_code(&state, &worker, from, &phases, search, lang).await?;
        let overdue = overdue_of(&state, &items);
        let addresses = (user.user.role == Role::Supervisor).then(|| address_names(&state, &items));
        let body = html! {
            h1 { (tr(lang, "list.title")) }
            (filter_form(lang, filter, Some(&search.shown()), None))
            p #search-result role="status" {
                (tr(lang, "list.code_found")) " " strong { (search.shown()) } ": " (items.len())
            }
            (cards(lang, &items, &overdue, addresses.as_ref()))
            p { a #clear-search href="/cases" { (tr(lang, "list.clear_search")) } }
        };
        return Ok(render(
            &Frame::new(&state, &user, tr(lang, "list.title")),
            body,
        ));
    }
    let code_error = matches!(search, Some(None)).then(|| tr(lang, "list.code_invalid"));
    let mut cursor = params.cursor.filter(|cursor| !cursor.is_empty());
    let mut items: Vec<CaseListItem> = Vec::new();
    let mut next = None;
    for (at, status) in phases.iter().enumerate() {
        let room = PAGE.saturating_sub(items.len());
        let query = ListQuery {
            status: Some((*status).to_owned()),
            cursor: cursor.take(),
            limit: Some(room.to_string()),
            ..ListQuery::default()
        };
        let page = list_cases(&state.app(), &worker, from.clone(), query)
            .await
            .map_err(|error| WebError::app(error, lang))?;
        items.extend(page.items);
        if let Some(cursor) = page.next {
            next = Some(NextPage {
                status,
                cursor: Some(cursor),
            });
            break;
        }
        if items.len() >= PAGE {
            next = phases.get(at + 1).map(|status| NextPage {
                status,
                cursor: None,
            });
            break;
        }
    }
    let overdue = overdue_of(&state, &items);
    let addresses = (user.user.role == Role::Supervisor).then(|| address_names(&state, &items));
    let held = crate::app::held::count(&state.app(), &worker.0);
    let body = html! {
        h1 { (tr(lang, "list.title")) }
        @if held > 0 {
            p.notice #held-waiting {
                a href="/outbox/held" { (tr(lang, "held.waiting").replace("{n}", &held.to_string())) }
            }
        }
        div.actions {
            a #new-case .button href="/cases/new" { (tr(lang, "nav.new_case")) }
        }
        (filter_form(lang, filter, typed, code_error))
        @if items.is_empty() {
            p.notice #no-cases { (tr(lang, "list.empty")) }
        } @else {
            (cards(lang, &items, &overdue, addresses.as_ref()))
        }
        @if let Some(next) = &next {
            p { a #next-page .button.secondary href=(next_link(filter, next)) { (tr(lang, "list.next")) } }
        }
    };
    Ok(render(
        &Frame::new(&state, &user, tr(lang, "list.title")),
        body,
    ))
}

fn known_status(status: &str) -> Option<&'static str> {
    STATUSES.iter().copied().find(|known| *known == status)
}

fn next_link(filter: Option<&str>, next: &NextPage) -> String {
    let mut link = match filter {
        Some(status) => format!("/cases?status={status}"),
        None => format!("/cases?phase={}", next.status),
    };
    if let Some(cursor) = &next.cursor {
        link.push_str("&cursor=");
        link.push_str(&encode(cursor));
    }
    link
}

fn filter_form(
    lang: Lang,
    filter: Option<&str>,
    code: Option<&str>,
    code_error: Option<&str>,
) -> Markup {
    let options = [
        ("open", tr(lang, "case.status.open")),
        (
            "closure_requested",
            tr(lang, "case.status.closure_requested"),
        ),
        ("closed", tr(lang, "case.status.closed")),
    ];
    html! {
        form #case-filter .actions method="get" action="/cases" {
            (input(lang, Field::new("search-code", "code", tr(lang, "list.code"))
                .hint(tr(lang, "list.code_hint")).error(code_error), "search", code.unwrap_or("")))
            (select(lang, Field::new("filter-status", "status", tr(lang, "list.filter")),
                &options, filter, Some(tr(lang, "list.all"))))
            div { button #apply-filter type="submit" { (tr(lang, "list.apply")) } }
        }
    }
}

/// The days overdue of the listed cases that have an overdue follow-up.
fn overdue_of(state: &AppState, items: &[CaseListItem]) -> BTreeMap<Uuid, i64> {
    let listed: Vec<(Uuid, Uuid)> = items
        .iter()
        .map(|item| (item.id, item.trusted_address))
        .collect();
    overdue::by_case(state, &listed)
}

/// Every case of the user's list (in `phases`) whose code starts with `search`: the list
/// walked page by page, so the scope and the access log are the list's own.
async fn search_by_code(
    state: &AppState,
    worker: &CaseWorker,
    from: Option<String>,
    phases: &[&'static str],
    search: &CodeSearch,
    lang: Lang,
) -> Result<Vec<CaseListItem>, WebError> {
    let mut found = Vec::new();
    for status in phases {
        let mut cursor = None;
        loop {
            let query = ListQuery {
                status: Some((*status).to_owned()),
                cursor: cursor.take(),
                limit: Some(SEARCH_PAGE.to_string()),
                ..ListQuery::default()
            };
            let page = list_cases(&state.app(), worker, from.clone(), query)
                .await
                .map_err(|error| WebError::app(error, lang))?;
            found.extend(
                page.items
                    .into_iter()
                    .filter(|item| search.matches(item.id)),
            );
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
    }
    Ok(found)
}

/// The cases as cards, those with an overdue follow-up first (longest overdue first), the
/// others in the list's order.
fn cards(
    lang: Lang,
    items: &[CaseListItem],
    overdue: &BTreeMap<Uuid, i64>,
    addresses: Option<&BTreeMap<Uuid, String>>,
) -> Markup {
    let mut ordered: Vec<&CaseListItem> = items.iter().collect();
    ordered.sort_by_key(|item| std::cmp::Reverse(overdue.get(&item.id).copied().unwrap_or(0)));
    html! {
        ul #case-cards .cards {
            @for item in ordered {
                li id={ "case-" (item.id) } .case-card {
                    a.case-code href={ "/cases/" (item.id) } {
                        span.visually-hidden { (tr(lang, "case.code")) " " }
                        (case_code(item.id))
                    }
                    div.badges {
                        @if let Some(days) = overdue.get(&item.id) { (overdue_badge(lang, *days)) " " }
                        (status_badge(lang, item.status)) " "
                        (risk_badge(lang, item.risk_level))
                    }
                    dl.card-facts {
                        dt { (tr(lang, "list.opened_on")) }
                        dd { (date(lang, item.opened_on)) }
                        @if let Some(due) = item.next_follow_up.as_deref().and_then(parse_iso) {
                            dt { (tr(lang, "list.next_follow_up")) }
                            dd { (date(lang, due)) }
                        }
                        @if let Some(addresses) = addresses {
                            dt { (tr(lang, "case.trusted_address")) }
                            dd { (addresses.get(&item.trusted_address).map_or("", String::as_str)) }
                        }
                    }
                }
            }
        }
    }
}

/// The names of the listed cases' trusted addresses (a supervisor's list names them).
fn address_names(state: &AppState, items: &[CaseListItem]) -> BTreeMap<Uuid, String> {
    let registry = &state.projections.registry;
    items
        .iter()
        .filter_map(|item| {
            let address =
                registry.trusted_address(&TrustedAddressId::from_uuid(item.trusted_address))?;
            Some((item.trusted_address, address.name?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_keeps_the_filter_or_the_phase() {
        let next = NextPage {
            status: "closed",
            cursor: Some("abc=".into()),
        };
        assert_eq!(next_link(None, &next), "/cases?phase=closed&cursor=abc%3D");
        assert_eq!(
            next_link(
                Some("open"),
                &NextPage {
                    status: "open",
                    cursor: None
                }
            ),
            "/cases?status=open"
        );
        assert_eq!(known_status("erased"), None);
    }
}

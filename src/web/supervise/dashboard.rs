//! `GET /dashboard`: the supervisor's area at a glance, with no personal data: (1) open
//! cases and closure requests per trusted address, (2) overdue follow-ups, most overdue
//! first, then highest risk (the application core's follow-up queue), (3) closure requests
//! waiting for her review, (4) accounts waiting for her approval. Like the case list,
//! looking at cases in her area is recorded in the access log (`case_listed`,
//! [`record_listing`]).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use uuid::Uuid;

use crate::app::actor::CaseWorker;
use crate::app::actor::CurrentUser;
use crate::app::lists::cases::record_listing;
use crate::app::lists::follow_ups::{FollowUpItem, QueueQuery, follow_up_queue};
use crate::app::scope::{CaseLocation, may_access_address, may_access_case};
use crate::domain::calendar::YearMonth;
use crate::domain::case::CaseStatus;
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::CloseReason;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, date, tr};
use crate::web::session::WebUser;
use crate::web::supervise::gate::supervisor;
use crate::web::supervise::parts::{address_names, case_link, overdue_badge, respond, risk_badge};

/// How many cases of each kind a trusted address has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Open, including those waiting for a closure review.
    pub open: usize,
    pub awaiting_review: usize,
}

/// A closure request waiting for review.
#[derive(Clone, Debug)]
struct Pending {
    /// The month of the proposed closing.
    month: YearMonth,
    case: Uuid,
    address: TrustedAddressId,
    reason: CloseReason,
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    ClientAddr(from): ClientAddr,
) -> Result<Response, WebError> {
    let me = supervisor(&user)?;
    let worker: CaseWorker = user.as_role()?;
    let lang = user.lang;
    let app = state.app();
    let overdue = follow_up_queue(
        &app,
        &worker,
        QueueQuery {
            status: Some("overdue".to_owned()),
            ..QueueQuery::default()
        },
    )
    .map_err(|error| WebError::app(error, lang))?;
    let (counts, pending) = cases_in_area(&state, &me);
    record_listing(&app, &me, from)
        .await
        .map_err(|error| WebError::app(error, lang))?;
    let title = tr(lang, "supervise.dashboard.title");
    let body = html! {
        h1 { (title) }
        (by_address(&state, lang, &counts))
        (overdue_table(&state, lang, &overdue.items))
        (closure_table(&state, lang, &pending))
        (crate::web::supervise::accounts::pending_table(&state, &user))
    };
    Ok(respond(&state, &user, title, StatusCode::OK, body))
}

/// Counts per trusted address (every open address in her area, and any other holding a
/// case of hers), and the closure requests waiting, oldest month first.
fn cases_in_area(
    state: &AppState,
    me: &CurrentUser,
) -> (BTreeMap<TrustedAddressId, Counts>, Vec<Pending>) {
    let registry = &state.projections.registry;
    let active = state.projections.cases.select(|case| {
        let (Some(status), Some(trusted_address), Some(commune)) =
            (case.status, case.trusted_address, case.commune.clone())
        else {
            return false;
        };
        let location = CaseLocation {
            trusted_address,
            commune,
        };
        matches!(status, CaseStatus::Open | CaseStatus::ClosureRequested)
            && may_access_case(me, &location, registry)
    });
    let mut counts: BTreeMap<TrustedAddressId, Counts> = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| address.closed_on.is_none())
        .filter(|address| may_access_address(me, &address.id, registry))
        .map(|address| (address.id, Counts::default()))
        .collect();
    let mut pending = Vec::new();
    for (id, case) in &active {
        let (Some(status), Some(address)) = (case.status, case.trusted_address) else {
            continue;
        };
        tally(counts.entry(address).or_default(), status);
        if let Some(request) = &case.closure_request {
            pending.push(Pending {
                month: request.facts.month,
                case: *id.as_uuid(),
                address,
                reason: request.facts.reason,
            });
        }
    }
    pending.sort_by_key(|item| (item.month, item.case));
    (counts, pending)
}

/// Counts one active case.
pub fn tally(counts: &mut Counts, status: CaseStatus) {
    match status {
        CaseStatus::Open => counts.open += 1,
        CaseStatus::ClosureRequested => {
            counts.open += 1;
            counts.awaiting_review += 1;
        }
        CaseStatus::Closed | CaseStatus::Erased => {}
    }
}

fn by_address(state: &AppState, lang: Lang, counts: &BTreeMap<TrustedAddressId, Counts>) -> Markup {
    let mut rows: Vec<(Option<String>, String, Counts)> = counts
        .iter()
        .map(|(id, counts)| {
            let (name, commune) = address_names(state, lang, id);
            (commune, name, *counts)
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let head = html! {
        th scope="col" { (tr(lang, "supervise.col.address")) }
        th scope="col" { (tr(lang, "supervise.col.commune")) }
        th.number scope="col" { (tr(lang, "supervise.col.open")) }
        th.number scope="col" { (tr(lang, "supervise.col.awaiting")) }
    };
    let body = (!rows.is_empty()).then(|| {
        html! {
            @for (commune, name, counts) in &rows {
                tr {
                    th scope="row" { (name) }
                    td { (commune.as_deref().unwrap_or("—")) }
                    td.number { (counts.open) }
                    td.number { (counts.awaiting_review) }
                }
            }
        }
    });
    let table = Table {
        id: "open-by-address",
        title: tr(lang, "supervise.dashboard.open_by_address"),
        columns: 4,
        empty: tr(lang, "supervise.dashboard.no_addresses"),
    };
    table.render(head, body)
}

fn overdue_table(state: &AppState, lang: Lang, items: &[FollowUpItem]) -> Markup {
    let head = html! {
        th scope="col" { (tr(lang, "supervise.col.case")) }
        th scope="col" { (tr(lang, "supervise.col.address")) }
        th scope="col" { (tr(lang, "supervise.col.due")) }
        th scope="col" { (tr(lang, "supervise.col.days_overdue")) }
        th scope="col" { (tr(lang, "supervise.col.risk")) }
    };
    let body = (!items.is_empty()).then(|| {
        html! {
            @for item in items {
                @let address = TrustedAddressId::from_uuid(item.trusted_address);
                tr data-follow-up=(item.follow_up_id) {
                    td { (case_link(lang, item.case_id)) }
                    td { (address_names(state, lang, &address).0) }
                    td { (date(lang, item.due_on)) }
                    td { (overdue_badge(lang, item.days_overdue)) }
                    td { (risk_badge(lang, item.risk_level)) }
                }
            }
        }
    });
    let table = Table {
        id: "overdue-follow-ups",
        title: tr(lang, "supervise.dashboard.overdue"),
        columns: 5,
        empty: tr(lang, "supervise.dashboard.overdue_none"),
    };
    table.render(head, body)
}

fn closure_table(state: &AppState, lang: Lang, pending: &[Pending]) -> Markup {
    let head = html! {
        th scope="col" { (tr(lang, "supervise.col.case")) }
        th scope="col" { (tr(lang, "supervise.col.address")) }
        th scope="col" { (tr(lang, "supervise.col.reason")) }
        th scope="col" { span.visually-hidden { (tr(lang, "supervise.col.action")) } }
    };
    let body = (!pending.is_empty()).then(|| {
        html! {
            @for item in pending {
                tr data-case=(item.case) {
                    td { (case_link(lang, item.case)) }
                    td { (address_names(state, lang, &item.address).0) }
                    td { (item.reason.label(lang)) }
                    td { a href={ "/cases/" (item.case) "/review" } { (tr(lang, "supervise.action.review")) } }
                }
            }
        }
    });
    let table = Table {
        id: "closure-requests",
        title: tr(lang, "supervise.dashboard.closures"),
        columns: 4,
        empty: tr(lang, "supervise.dashboard.closures_none"),
    };
    table.render(head, body)
}

/// A section of the dashboard: a heading and a table, which is there even when empty (so
/// its id is stable), with one row saying so.
#[derive(Debug)]
struct Table<'a> {
    id: &'a str,
    title: &'a str,
    columns: usize,
    empty: &'a str,
}

impl Table<'_> {
    fn render(&self, head: Markup, rows: Option<Markup>) -> Markup {
        let heading = format!("{}-heading", self.id);
        html! {
            section aria-labelledby=(heading) {
                h2 id=(heading) { (self.title) }
                div.table-wrap {
                    table id=(self.id) {
                        thead { tr { (head) } }
                        tbody {
                            @match rows {
                                Some(rows) => (rows),
                                None => tr { td.muted id={ (self.id) "-empty" } colspan=(self.columns) { (self.empty) } },
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closure_request_is_open_and_awaiting_review() {
        let mut counts = Counts::default();
        tally(&mut counts, CaseStatus::Open);
        tally(&mut counts, CaseStatus::ClosureRequested);
        tally(&mut counts, CaseStatus::Closed);
        assert_eq!(
            counts,
            Counts {
                open: 2,
                awaiting_review: 1
            }
        );
    }
}

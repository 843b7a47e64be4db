//! `GET /dashboard`: the supervisor's area at a glance, with no personal data: (1) open
//! cases and closure requests per trusted address, (2) overdue follow-ups, most overdue
//! first, then highest risk (the API's follow-up queue), (3) closure requests waiting for
//! her review. Like the API's case list, looking at cases in her area is recorded in the
//! access log (`case_listed`).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use uuid::Uuid;

use crate::access_log::AccessEntry;
use crate::domain::calendar::YearMonth;
use crate::domain::case::CaseStatus;
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::{AccessAction, CloseReason};
use crate::http::auth::CurrentUser;
use crate::http::cases::extract::ClientAddr;
use crate::http::cases::flow::internal;
use crate::http::follow_ups::{FollowUpItem, QueueQuery, queue};
use crate::http::scope::{CaseLocation, may_access_address, may_access_case};
use crate::http::state::AppState;
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
    let lang = user.lang;
    let overdue = queue(
        &state,
        &me,
        QueueQuery {
            status: Some("overdue".to_owned()),
            ..QueueQuery::default()
        },
    )
    .map_err(|error| WebError::api(error, lang))?;
    let (counts, pending) = cases_in_area(&state, &me);
    state
        .access
        .record(AccessEntry {
            actor: Some(me.id),
            action: AccessAction::CaseListed,
            case: None,
            from,
            username: None,
            at: state.clock.now(),
        })
        .await
        .map_err(|error| WebError::api(internal(error), lang))?;
    let title = tr(lang, "supervise.dashboard.title");
    let body = html! {
        h1 { (title) }
        (by_address(&state, lang, &counts))
        (overdue_table(&state, lang, &overdue.items))
        (closure_table(&state, lang, &pending))
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
    html! {
        section aria-labelledby="open-by-address-heading" {
            h2 #open-by-address-heading { (tr(lang, "supervise.dashboard.open_by_address")) }
            @if rows.is_empty() {
                p.muted { (tr(lang, "supervise.dashboard.no_addresses")) }
            } @else {
                div.table-wrap {
                    table #open-by-address {
                        thead { tr {
                            th scope="col" { (tr(lang, "supervise.col.address")) }
                            th scope="col" { (tr(lang, "supervise.col.commune")) }
                            th.number scope="col" { (tr(lang, "supervise.col.open")) }
                            th.number scope="col" { (tr(lang, "supervise.col.awaiting")) }
                        } }
                        tbody {
                            @for (commune, name, counts) in &rows {
                                tr {
                                    th scope="row" { (name) }
                                    td { (commune.as_deref().unwrap_or("—")) }
                                    td.number { (counts.open) }
                                    td.number { (counts.awaiting_review) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn overdue_table(state: &AppState, lang: Lang, items: &[FollowUpItem]) -> Markup {
    html! {
        section aria-labelledby="overdue-heading" {
            h2 #overdue-heading { (tr(lang, "supervise.dashboard.overdue")) }
            @if items.is_empty() {
                p.muted #no-overdue { (tr(lang, "supervise.dashboard.overdue_none")) }
            } @else {
                div.table-wrap {
                    table #overdue-follow-ups {
                        thead { tr {
                            th scope="col" { (tr(lang, "supervise.col.case")) }
                            th scope="col" { (tr(lang, "supervise.col.address")) }
                            th scope="col" { (tr(lang, "supervise.col.due")) }
                            th scope="col" { (tr(lang, "supervise.col.days_overdue")) }
                            th scope="col" { (tr(lang, "supervise.col.risk")) }
                        } }
                        tbody {
                            @for item in items {
                                tr data-follow-up=(item.follow_up_id) {
                                    td { (case_link(lang, item.case_id)) }
                                    td { (address_names(state, lang, &TrustedAddressId::from_uuid(item.trusted_address)).0) }
                                    td { (date(lang, item.due_on)) }
                                    td { (overdue_badge(lang, item.days_overdue)) }
                                    td { (risk_badge(lang, item.risk_level)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn closure_table(state: &AppState, lang: Lang, pending: &[Pending]) -> Markup {
    html! {
        section aria-labelledby="closure-requests-heading" {
            h2 #closure-requests-heading { (tr(lang, "supervise.dashboard.closures")) }
            @if pending.is_empty() {
                p.muted #no-closure-requests { (tr(lang, "supervise.dashboard.closures_none")) }
            } @else {
                div.table-wrap {
                    table #closure-requests {
                        thead { tr {
                            th scope="col" { (tr(lang, "supervise.col.case")) }
                            th scope="col" { (tr(lang, "supervise.col.address")) }
                            th scope="col" { (tr(lang, "supervise.col.reason")) }
                            th scope="col" { span.visually-hidden { (tr(lang, "supervise.col.action")) } }
                        } }
                        tbody {
                            @for item in pending {
                                tr data-case=(item.case) {
                                    td { (case_link(lang, item.case)) }
                                    td { (address_names(state, lang, &item.address).0) }
                                    td { (item.reason.label(lang)) }
                                    td { a href={ "/cases/" (item.case) "/review" } { (tr(lang, "supervise.action.review")) } }
                                }
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

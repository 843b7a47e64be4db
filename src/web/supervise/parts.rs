//! The pieces several supervisor pages show: a case's short name and link, status and risk
//! badges, a trusted address's name and commune, the head of a case page (its state and
//! the supervisor's actions on it), and a page answered with a status.

use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use uuid::Uuid;

use crate::domain::case::CaseStatus;
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::RiskLevel;
use crate::edge::state::AppState;
use crate::web::case_code::case_code;
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, render};
use crate::web::session::WebUser;
use crate::web::supervise::gate::CaseAtHand;

/// "Case 1A2B-3C4D", the code the volunteer sees too, linked to the case's page.
pub fn case_link(lang: Lang, id: Uuid) -> Markup {
    html! { a href={ "/cases/" (id) } { (tr(lang, "supervise.case")) " " (case_code(id)) } }
}

/// The catalogue key of a status.
pub fn status_key(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "supervise.status.open",
        CaseStatus::ClosureRequested => "supervise.status.closure_requested",
        CaseStatus::Closed => "supervise.status.closed",
        CaseStatus::Erased => "supervise.status.erased",
    }
}

pub fn status_badge(lang: Lang, status: CaseStatus) -> Markup {
    let class = match status {
        CaseStatus::Open => "badge open",
        CaseStatus::ClosureRequested => "badge pending",
        CaseStatus::Closed | CaseStatus::Erased => "badge closed",
    };
    html! { span class=(class) { (tr(lang, status_key(status))) } }
}

pub fn risk_badge(lang: Lang, risk: Option<RiskLevel>) -> Markup {
    match risk {
        Some(level) => {
            let class = match level {
                RiskLevel::High => "badge high",
                RiskLevel::Medium => "badge risk-medium",
                RiskLevel::Low => "badge risk-low",
            };
            html! { span class=(class) { (level.label(lang)) } }
        }
        None => html! { span.muted { (tr(lang, "common.unknown")) } },
    }
}

/// "3 days" overdue, as a badge.
pub fn overdue_badge(lang: Lang, days: i64) -> Markup {
    let unit = if days == 1 {
        tr(lang, "supervise.day")
    } else {
        tr(lang, "supervise.days")
    };
    html! { span.badge.overdue { (days) " " (unit) } }
}

/// A trusted address's name (or that it has none) and its commune's name.
pub fn address_names(
    state: &AppState,
    lang: Lang,
    id: &TrustedAddressId,
) -> (String, Option<String>) {
    let registry = &state.projections.registry;
    match registry.trusted_address(id) {
        Some(address) => (
            address
                .name
                .unwrap_or_else(|| tr(lang, "supervise.address.unnamed").to_owned()),
            registry.area(&address.commune).map(|area| area.name),
        ),
        None => (tr(lang, "supervise.address.unnamed").to_owned(), None),
    }
}

/// The supervisor's actions on a case: (path under the case, catalogue key).
const ACTIONS: &[(&str, &str)] = &[
    ("review", "supervise.nav.review"),
    ("transfer", "supervise.nav.transfer"),
    ("reopen", "supervise.nav.reopen"),
    ("erase", "supervise.nav.erase"),
    ("access-log", "supervise.nav.access_log"),
];

/// The head of a case page under its `h1`: the case's state, a link to the whole case, and
/// the supervisor's other actions on it (`current` is this page's). The case is named as the
/// lists name it (code, day opened, trusted address and commune), so the page that erases
/// or moves a case says which one it is; nothing of the survivor is shown.
pub fn case_head(state: &AppState, lang: Lang, case: &CaseAtHand, current: &str) -> Markup {
    let (address, commune) = address_names(state, lang, &case.trusted_address);
    html! {
        dl.case-facts #case-state {
            dt { (tr(lang, "supervise.col.case")) }
            dd { (case_link(lang, case.id)) }
            dt { (tr(lang, "supervise.case.status")) }
            dd #case-status data-status=(status_code(case.status)) { (status_badge(lang, case.status)) }
            dt { (tr(lang, "supervise.case.opened_on")) }
            dd #case-opened-on {
                @match case.opened_on {
                    Some(day) => (date(lang, day)),
                    None => span.muted { (tr(lang, "common.unknown")) },
                }
            }
            dt { (tr(lang, "supervise.col.address")) }
            dd #case-address {
                (address)
                @if let Some(commune) = commune { span.muted { " · " (commune) } }
            }
        }
        nav.case-actions aria-label=(tr(lang, "supervise.nav.label")) {
            ul {
                @for (path, key) in ACTIONS {
                    li {
                        @if *path == current {
                            span aria-current="page" { (tr(lang, key)) }
                        } @else {
                            a href={ "/cases/" (case.id) "/" (path) } { (tr(lang, key)) }
                        }
                    }
                }
            }
        }
    }
}

/// The API's code of a status (for tests and scripts; not shown).
pub fn status_code(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => "open",
        CaseStatus::ClosureRequested => "closure_requested",
        CaseStatus::Closed => "closed",
        CaseStatus::Erased => "erased",
    }
}

/// A page of `user`'s titled `title`, answered with `status`.
pub fn respond(
    state: &AppState,
    user: &WebUser,
    title: &str,
    status: StatusCode,
    body: Markup,
) -> Response {
    let mut response = render(&Frame::new(state, user, title), body);
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_is_linked_by_its_code() {
        let id = Uuid::parse_str("1a2b3c4d-5e6f-4711-8899-aabbccddeeff").unwrap_or_default();
        let link = case_link(Lang::Vi, id).into_string();
        assert!(link.contains("1A2B-3C4D"), "{link}");
    }

    #[test]
    fn every_status_has_words() {
        for status in [
            CaseStatus::Open,
            CaseStatus::ClosureRequested,
            CaseStatus::Closed,
            CaseStatus::Erased,
        ] {
            let key = status_key(status);
            assert_ne!(tr(Lang::Vi, key), key);
            assert_ne!(tr(Lang::En, key), key);
        }
    }

    #[test]
    fn one_day_is_singular() {
        assert!(overdue_badge(Lang::En, 1).into_string().contains("1 day<"));
        assert!(overdue_badge(Lang::En, 3).into_string().contains("3 days<"));
        assert!(overdue_badge(Lang::Vi, 3).into_string().contains("3 ngày<"));
    }
}

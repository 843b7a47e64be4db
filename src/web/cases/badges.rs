//! The small marks the case pages share: a case's status, its risk, and a follow-up's days
//! overdue, each as a `.badge` with its words.

use maud::{Markup, html};

use crate::domain::case::CaseStatus;
use crate::domain::vocab::RiskLevel;
use crate::web::i18n::{Lang, tr};

/// The words for a status.
pub fn status_label(lang: Lang, status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Open => tr(lang, "case.status.open"),
        CaseStatus::ClosureRequested => tr(lang, "case.status.closure_requested"),
        CaseStatus::Closed => tr(lang, "case.status.closed"),
        CaseStatus::Erased => tr(lang, "case.status.erased"),
    }
}

/// A status as a badge: open, waiting for review, closed.
pub fn status_badge(lang: Lang, status: CaseStatus) -> Markup {
    let class = match status {
        CaseStatus::Open => "open",
        CaseStatus::ClosureRequested => "pending",
        CaseStatus::Closed | CaseStatus::Erased => "closed",
    };
    html! { span class={ "badge " (class) } { (status_label(lang, status)) } }
}

/// A risk level; a high one stands out.
pub fn risk_badge(lang: Lang, risk: Option<RiskLevel>) -> Markup {
    html! {
        @match risk {
            Some(RiskLevel::High) => span.badge.high { (RiskLevel::High.label(lang)) },
            Some(level) => span { (level.label(lang)) },
            None => span.muted { (tr(lang, "common.unknown")) },
        }
    }
}

/// "Overdue by N days".
pub fn overdue_badge(lang: Lang, days: i64) -> Markup {
    html! {
        span.badge.overdue {
            (tr(lang, "case.overdue_before")) " " (days) " " (tr(lang, "case.overdue_after"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overdue_badge_says_how_many_days() {
        let html = overdue_badge(Lang::En, 3).into_string();
        assert_eq!(
            html,
            r#"<span class="badge overdue">Overdue by 3 days</span>"#
        );
        let html = overdue_badge(Lang::Vi, 3).into_string();
        assert!(html.contains("Quá hạn 3 ngày"), "{html}");
    }

    #[test]
    fn a_waiting_case_is_marked_pending() {
        let html = status_badge(Lang::En, CaseStatus::ClosureRequested).into_string();
        assert!(html.contains(r#"class="badge pending""#), "{html}");
    }
}

//! What the review page shows of the case before a supervisor decides (issue 24): the
//! closure request whole (reason, day, notes), the risk level, the follow-ups (overdue
//! ones marked), the notes and risk assessments recorded, and a warning when she is about
//! to close a high-risk case opened only days ago.
//!
//! Read through the API's own read path ([`crate::app::cases::read::read_case`]), so this
//! read is in the case's access log like any other.

use maud::{Markup, html};
use time::Date;

use crate::app::cases::view::CaseView;
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::vocab::RiskLevel;
use crate::web::i18n::{Lang, date, tr};
use crate::web::supervise::parts::risk_badge;

/// A high-risk case opened fewer days ago than this is closed only after a warning.
pub const RECENT_DAYS: i64 = 30;

/// Days since a high-risk case was opened, when it is recent enough to warn about.
pub fn recent_high_risk(view: &CaseView, today: Date) -> Option<i64> {
    let days = (today - view.opened_on).whole_days();
    (view.risk_level == Some(RiskLevel::High) && days < RECENT_DAYS).then_some(days)
}

/// The warning shown above the decision, when closing would be hasty.
pub fn warning(lang: Lang, view: &CaseView, today: Date) -> Markup {
    html! {
        @if let Some(days) = recent_high_risk(view, today)
            .filter(|_| view.status == CaseStatus::ClosureRequested) {
            section.erase-warning #high-risk-warning role="alert" {
                h2 { (tr(lang, "supervise.review.high_risk")) }
                p {
                    (tr(lang, "supervise.review.high_risk_before")) " " strong { (days) } " "
                    (tr(lang, "supervise.review.high_risk_after"))
                }
            }
        }
    }
}

/// The case as the supervisor needs it to decide.
pub fn facts(lang: Lang, view: &CaseView, overdue: &dyn Fn(&uuid::Uuid) -> Option<i64>) -> Markup {
    let request = view
        .timeline
        .iter()
        .rev()
        .find_map(|entry| match &entry.event {
            CaseEvent::CaseClosureRequested { pii, .. } => Some(pii),
            _ => None,
        })
        .filter(|_| view.status == CaseStatus::ClosureRequested)
        .and_then(Option::as_ref);
    let notes: Vec<(Date, &str)> = view
        .timeline
        .iter()
        .rev()
        .filter_map(|entry| match &entry.event {
            CaseEvent::NoteAdded { pii: Some(pii), .. } => Some((
                crate::clock::vietnam_date(entry.recorded_at),
                pii.text.as_str(),
            )),
            CaseEvent::RiskAssessed { pii: Some(pii), .. } => {
                pii.notes.as_deref().map(|notes| (pii.assessed_on, notes))
            }
            _ => None,
        })
        .collect();
    html! {
        section #review-case {
            h2 { (tr(lang, "supervise.review.the_case")) }
            dl.case-facts {
                dt { (tr(lang, "case.risk")) }
                dd #review-risk { (risk_badge(lang, view.risk_level)) }
                @if let Some(pii) = request {
                    dt { (tr(lang, "work.closed_on")) }
                    dd { (date(lang, pii.closed_on)) }
                    dt { (tr(lang, "supervise.review.request_notes")) }
                    dd #request-notes {
                        @match pii.notes.as_deref() {
                            Some(notes) => (notes),
                            None => span.muted { (tr(lang, "common.none")) },
                        }
                    }
                }
            }
            h3 { (tr(lang, "case.follow_ups")) }
            @if view.follow_ups.is_empty() {
                p.muted #review-no-follow-ups { (tr(lang, "case.no_follow_ups")) }
            } @else {
                ul #review-follow-ups {
                    @for follow_up in &view.follow_ups {
                        li {
                            (date(lang, follow_up.due_on)) " · " (follow_up.method.label(lang)) " · "
                            @match follow_up.outcome {
                                Some(outcome) => { (tr(lang, "case.follow_up_done")) ": " (outcome.label(lang)) },
                                None => (tr(lang, "case.follow_up_open")),
                            }
                            @if let Some(days) = overdue(&follow_up.id) {
                                " " span.badge.overdue { (tr(lang, "case.overdue_before")) " " (days) " " (tr(lang, "case.overdue_after")) }
                            }
                        }
                    }
                }
            }
            h3 { (tr(lang, "supervise.review.notes")) }
            @if notes.is_empty() {
                p.muted #review-no-notes { (tr(lang, "common.none")) }
            } @else {
                ul #review-notes {
                    @for (day, text) in &notes {
                        li { span.muted { (date(lang, *day)) } " " (text) }
                    }
                }
            }
        }
    }
}

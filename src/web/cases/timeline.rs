//! A case's whole timeline, newest first: each event in words (its type's label from the
//! catalogue, codes by their vocabulary labels, days as dd/mm/yyyy in Vietnamese), when it
//! was recorded and by whom. Read from the typed events of the API's case view.

use maud::{Markup, html};

use crate::app::cases::view::{CaseView, TimelineEntry};
use crate::clock::vietnam_date;
use crate::domain::case::CaseEvent;
use crate::domain::ids::UserId;
use crate::projections::registry::Registry;
use crate::web::cases::case_facts::{fact, yes_no};
use crate::web::i18n::{Lang, date, tr};

/// The timeline section.
pub fn timeline(lang: Lang, view: &CaseView, registry: &Registry) -> Markup {
    html! {
        section #timeline-section {
            h2 { (tr(lang, "timeline.title")) }
            ol.timeline #timeline reversed {
                @for entry in view.timeline.iter().rev() {
                    (item(lang, entry, view, registry))
                }
            }
        }
    }
}

fn item(lang: Lang, entry: &TimelineEntry, view: &CaseView, registry: &Registry) -> Markup {
    let by = entry
        .actor
        .and_then(|actor| registry.user(&UserId::from_uuid(actor)))
        .map(|user| user.username);
    html! {
        li id={ "event-" (entry.version) } {
            strong { (event_label(lang, &entry.event)) }
            " "
            span.muted {
                (date(lang, vietnam_date(entry.recorded_at)))
                @if let Some(by) = by { " · " (by) }
            }
            dl.facts { (details(lang, &entry.event, view, registry)) }
        }
    }
}

/// The words for an event's type.
pub fn event_label(lang: Lang, event: &CaseEvent) -> &'static str {
    match event {
        CaseEvent::CaseOpened { .. } => tr(lang, "event.case_opened"),
        CaseEvent::RiskAssessed { .. } => tr(lang, "event.risk_assessed"),
        CaseEvent::SupportProvided { .. } => tr(lang, "event.support_provided"),
        CaseEvent::ReferralMade { .. } => tr(lang, "event.referral_made"),
        CaseEvent::ReferralOutcomeRecorded { .. } => tr(lang, "event.referral_outcome_recorded"),
        CaseEvent::FollowUpScheduled { .. } => tr(lang, "event.follow_up_scheduled"),
        CaseEvent::FollowUpCompleted { .. } => tr(lang, "event.follow_up_completed"),
        CaseEvent::NoteAdded { .. } => tr(lang, "event.note_added"),
        CaseEvent::CaseReviewed { .. } => tr(lang, "event.case_reviewed"),
        CaseEvent::CaseClosureRequested { .. } => tr(lang, "event.case_closure_requested"),
        CaseEvent::CaseTransferred { .. } => tr(lang, "event.case_transferred"),
        CaseEvent::CaseClosed { .. } => tr(lang, "event.case_closed"),
        CaseEvent::CaseReopened { .. } => tr(lang, "event.case_reopened"),
        CaseEvent::CaseErased { .. } => tr(lang, "event.case_erased"),
    }
}

/// A line for text that may be absent.
fn text(term: &str, value: Option<&str>) -> Markup {
    html! { @if let Some(value) = value { (fact(term, html! { (value) })) } }
}

fn details(lang: Lang, event: &CaseEvent, view: &CaseView, registry: &Registry) -> Markup {
    let day = |term: &str, day| fact(term, html! { (date(lang, day)) });
    let label = |term: &str, words: &str| fact(term, html! { (words) });
    let notes = tr(lang, "work.notes");
    match event {
        CaseEvent::CaseOpened { facts, pii } => html! {
            @if let Some(pii) = pii { (day(tr(lang, "case.opened_on"), pii.opened_on)) }
            (label(tr(lang, "case.risk"), facts.risk_level.label(lang)))
        },
        CaseEvent::RiskAssessed { facts, pii } => html! {
            (label(tr(lang, "work.risk_level"), facts.risk_level.label(lang)))
            @if let Some(pii) = pii {
                (day(tr(lang, "timeline.assessed_on"), pii.assessed_on))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::SupportProvided { facts, pii } => html! {
            (label(tr(lang, "work.support_type"), facts.support_type.label(lang)))
            @if let Some(nights) = facts.nights {
                (fact(tr(lang, "work.nights"), html! { (nights) }))
            }
            @if let Some(pii) = pii {
                (day(tr(lang, "work.provided_on"), pii.provided_on))
                (text(tr(lang, "work.by"), pii.by.as_deref()))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::ReferralMade { facts, pii } => html! {
            (label(tr(lang, "work.referral_target"), facts.target.label(lang)))
            @if let Some(pii) = pii {
                (day(tr(lang, "work.made_on"), pii.made_on))
                (text(tr(lang, "work.organisation"), pii.organisation.as_deref()))
                (text(tr(lang, "work.contact_person"), pii.contact_person.as_deref()))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::ReferralOutcomeRecorded { facts, pii } => html! {
            @if let Some(referral) = view.referrals.iter().find(|r| r.id == *facts.referral_id.as_uuid()) {
                (label(tr(lang, "timeline.referral"), referral.target.label(lang)))
            }
            (label(tr(lang, "work.referral_outcome"), facts.outcome.label(lang)))
            @if let Some(pii) = pii {
                (day(tr(lang, "work.recorded_on"), pii.recorded_on))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::FollowUpScheduled { facts } => html! {
            (day(tr(lang, "work.due_on"), facts.due_on))
            (label(tr(lang, "work.method"), facts.method.label(lang)))
        },
        CaseEvent::FollowUpCompleted { facts, pii } => html! {
            (label(tr(lang, "work.follow_up_outcome"), facts.outcome.label(lang)))
            (label(tr(lang, "timeline.on_time"), yes_no(lang, facts.on_time)))
            @if let Some(pii) = pii {
                (day(tr(lang, "work.completed_on"), pii.completed_on))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::NoteAdded { pii, .. } => html! {
            @if let Some(pii) = pii { (label(tr(lang, "work.note_text"), &pii.text)) }
        },
        CaseEvent::CaseReviewed { facts, pii } => html! {
            (label(tr(lang, "timeline.decision"), facts.decision.label(lang)))
            @if let Some(pii) = pii { (text(tr(lang, "timeline.comment"), pii.comment.as_deref())) }
        },
        CaseEvent::CaseClosureRequested { facts, pii } => html! {
            (label(tr(lang, "work.close_reason"), facts.reason.label(lang)))
            @if let Some(pii) = pii {
                (day(tr(lang, "work.closed_on"), pii.closed_on))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::CaseTransferred { facts, pii } => html! {
            @let name = registry
                .trusted_address(&facts.trusted_address)
                .and_then(|address| address.name);
            (text(tr(lang, "case.trusted_address"), name.as_deref()))
            @if let Some(pii) = pii { (text(tr(lang, "timeline.reason"), pii.reason.as_deref())) }
        },
        CaseEvent::CaseClosed { facts, pii } => html! {
            (label(tr(lang, "work.close_reason"), facts.reason.label(lang)))
            @if let Some(pii) = pii {
                (day(tr(lang, "work.closed_on"), pii.closed_on))
                (text(notes, pii.notes.as_deref()))
            }
        },
        CaseEvent::CaseReopened { pii, .. } => html! {
            @if let Some(pii) = pii { (label(tr(lang, "timeline.reason"), &pii.reason)) }
        },
        CaseEvent::CaseErased { facts } => html! {
            (label(tr(lang, "timeline.reason"), facts.reason.label(lang)))
        },
    }
}

//! The sections of a case's page that show the case as it is now: its summary, the survivor,
//! her consents, the informant and narrative, a closure waiting for review, referrals with
//! their outcomes and follow-ups (overdue ones marked), each referral and open follow-up
//! with its own form; and, for a supervisor, links to her actions on the case.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::Value;
use uuid::Uuid;

use crate::app::cases::view::CaseView;
use crate::domain::case::{CaseEvent, CaseStatus};
use crate::domain::vocab::{ReviewDecision, Vocabulary};
use crate::web::cases::badges::{overdue_badge, risk_badge, status_badge};
use crate::web::cases::command_forms::{self, CaseForm, FormContext};
use crate::web::i18n::{Lang, date, tr};

/// One line of facts: a term and what it is.
pub fn fact(term: &str, value: Markup) -> Markup {
    html! { dt { (term) } dd { (value) } }
}

/// Yes or no, in words.
pub fn yes_no(lang: Lang, answer: bool) -> &'static str {
    if answer {
        tr(lang, "common.yes")
    } else {
        tr(lang, "common.no")
    }
}

/// Labels of several vocabulary values, comma separated.
pub fn labels<V: Vocabulary>(lang: Lang, values: &[V]) -> String {
    values
        .iter()
        .map(|value| value.label(lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text that may be absent.
fn optional(lang: Lang, text: Option<&str>) -> Markup {
    html! {
        @match text {
            Some(text) => (text),
            None => span.muted { (tr(lang, "common.none")) },
        }
    }
}

/// The case at a glance.
pub fn summary(lang: Lang, view: &CaseView, address: Option<&str>) -> Markup {
    html! {
        section #case-summary {
            h2 { (tr(lang, "case.summary")) }
            dl.facts {
                (fact(tr(lang, "case.status"), status_badge(lang, view.status)))
                (fact(tr(lang, "case.opened_on"), html! { (date(lang, view.opened_on)) }))
                (fact(tr(lang, "case.trusted_address"), optional(lang, address)))
                (fact(tr(lang, "case.referred_by"), html! { (view.referred_by.label(lang)) }))
                (fact(tr(lang, "case.risk"), risk_badge(lang, view.risk_level)))
                (fact(tr(lang, "case.violence_types"), html! { (labels(lang, &view.violence_types)) }))
                (fact(tr(lang, "case.perpetrator"), html! { (view.perpetrator.label(lang)) }))
            }
        }
    }
}

/// Who the survivor is.
pub fn survivor(lang: Lang, view: &CaseView) -> Markup {
    let survivor = &view.survivor;
    html! {
        section #survivor {
            h2 { (tr(lang, "case.survivor")) }
            dl.facts {
                (fact(tr(lang, "new.survivor.name"), html! { (survivor.name) }))
                (fact(tr(lang, "new.survivor.birth_year"), html! {
                    (survivor.birth_year) " (" (survivor.age_band.label(lang)) ")"
                }))
                (fact(tr(lang, "new.survivor.sex"), html! { (survivor.sex.label(lang)) }))
                (fact(tr(lang, "new.survivor.ethnicity"), html! { (survivor.ethnicity.label(lang)) }))
                (fact(tr(lang, "case.disability"), html! { (yes_no(lang, survivor.disability)) }))
                (fact(tr(lang, "new.survivor.contact"), optional(lang, survivor.contact.as_deref())))
                (fact(tr(lang, "new.survivor.address"), optional(lang, survivor.address.as_deref())))
                (fact(tr(lang, "new.survivor.children"), html! {
                    @match survivor.children_with_her {
                        Some(children) => (children),
                        None => span.muted { (tr(lang, "common.unknown")) },
                    }
                }))
            }
        }
    }
}

/// Her three consents, as the questions she was asked.
pub fn consent(lang: Lang, view: &CaseView) -> Markup {
    let answers = [
        (
            "consent-services",
            tr(lang, "consent.services"),
            view.consent.services,
        ),
        (
            "consent-referral",
            tr(lang, "consent.referral"),
            view.consent.referral,
        ),
        (
            "consent-reporting",
            tr(lang, "consent.reporting"),
            view.consent.reporting,
        ),
    ];
    html! {
        section #consent {
            h2 { (tr(lang, "new.section.consent")) }
            dl.facts {
                @for (id, question, answer) in answers {
                    dt { (question) }
                    dd id=(id) { strong { (yes_no(lang, answer)) } }
                }
            }
        }
    }
}

/// Who reported the case, and what happened.
pub fn account(lang: Lang, view: &CaseView) -> Markup {
    let informant = |key: &str| {
        view.informant
            .as_ref()
            .and_then(|informant| informant.get(key))
            .and_then(Value::as_str)
    };
    html! {
        section #account {
            h2 { (tr(lang, "case.account")) }
            dl.facts {
                (fact(tr(lang, "new.informant.name"), optional(lang, informant("name"))))
                (fact(tr(lang, "new.informant.contact"), optional(lang, informant("contact"))))
            }
            h3 { (tr(lang, "new.narrative")) }
            @match &view.narrative {
                Some(narrative) => p.narrative #narrative { (narrative) },
                None => p.muted #narrative { (tr(lang, "common.none")) },
            }
        }
    }
}

/// A supervisor's latest review when it asked for action and the case is still being
/// worked on: shown near the top, where the volunteer sees it first, not only in the history.
pub fn review_request(lang: Lang, view: &CaseView) -> Markup {
    let latest = view
        .timeline
        .iter()
        .rev()
        .find_map(|entry| match &entry.event {
            CaseEvent::CaseReviewed { facts, pii } => Some((entry, facts, pii)),
            _ => None,
        });
    let asked = latest
        .filter(|(_, facts, _)| facts.decision == ReviewDecision::ActionRequested)
        .filter(|_| view.status != CaseStatus::Closed);
    html! {
        @if let Some((entry, _, pii)) = asked {
            section.notice #review-request role="note" {
                h2 { (tr(lang, "case.review_request")) }
                p.muted { (date(lang, crate::clock::vietnam_date(entry.recorded_at))) }
                @if let Some(comment) = pii.as_ref().and_then(|pii| pii.comment.as_deref()) {
                    p #review-comment { (comment) }
                }
            }
        }
    }
}

/// The closure waiting for a supervisor's review, if any.
pub fn closure_request(lang: Lang, view: &CaseView) -> Markup {
    let pending = (view.status == CaseStatus::ClosureRequested)
        .then(|| {
            view.timeline
                .iter()
                .rev()
                .find_map(|entry| match &entry.event {
                    CaseEvent::CaseClosureRequested { facts, pii } => Some((facts, pii)),
                    _ => None,
                })
        })
        .flatten();
    html! {
        @if let Some((facts, pii)) = pending {
            section.notice #closure-request {
                h2 { (tr(lang, "case.closure_request")) }
                dl.facts {
                    (fact(tr(lang, "work.close_reason"), html! { (facts.reason.label(lang)) }))
                    @if let Some(pii) = pii {
                        (fact(tr(lang, "work.closed_on"), html! { (date(lang, pii.closed_on)) }))
                        (fact(tr(lang, "work.notes"), optional(lang, pii.notes.as_deref())))
                    }
                }
            }
        }
    }
}

/// Referrals with their latest outcomes; each with the form for its outcome.
pub fn referrals(ctx: &FormContext<'_>) -> Markup {
    let lang = ctx.user.lang;
    html! {
        section #referrals {
            h2 { (tr(lang, "case.referrals")) }
            @if ctx.view.referrals.is_empty() {
                p.muted { (tr(lang, "case.no_referrals")) }
            }
            ul.cards {
                @for referral in &ctx.view.referrals {
                    li id={ "referral-" (referral.id) } {
                        strong { (referral.target.label(lang)) }
                        " · " (date(lang, referral.made_on))
                        dl.facts {
                            (fact(tr(lang, "work.organisation"), optional(lang, referral.organisation.as_deref())))
                            (fact(tr(lang, "work.contact_person"), optional(lang, referral.contact_person.as_deref())))
                            (fact(tr(lang, "work.notes"), optional(lang, referral.notes.as_deref())))
                            (fact(tr(lang, "work.referral_outcome"), html! {
                                @match referral.outcome {
                                    Some(outcome) => (outcome.label(lang)),
                                    None => span.muted { (tr(lang, "case.no_outcome")) },
                                }
                            }))
                        }
                        @if ctx.shows(CaseForm::Outcome(referral.id), ctx.active()) {
                            (command_forms::outcome(ctx, referral.id))
                        }
                    }
                }
            }
        }
    }
}

/// Follow-ups, earliest first; open ones marked when overdue, each with its completion form.
pub fn follow_ups(ctx: &FormContext<'_>, overdue: &BTreeMap<Uuid, i64>) -> Markup {
    let lang = ctx.user.lang;
    html! {
        section #follow-ups {
            h2 { (tr(lang, "case.follow_ups")) }
            @if ctx.view.follow_ups.is_empty() {
                p.muted { (tr(lang, "case.no_follow_ups")) }
            }
            ul.cards {
                @for follow_up in &ctx.view.follow_ups {
                    li id={ "follow-up-" (follow_up.id) } {
                        strong { (date(lang, follow_up.due_on)) }
                        " · " (follow_up.method.label(lang)) " · "
                        @match follow_up.outcome {
                            Some(outcome) => span { (tr(lang, "case.follow_up_done")) ": " (outcome.label(lang)) },
                            None => span { (tr(lang, "case.follow_up_open")) },
                        }
                        @if let Some(days) = overdue.get(&follow_up.id) {
                            " " (overdue_badge(lang, *days))
                        }
                        @if ctx.shows(CaseForm::Complete(follow_up.id),
                            ctx.active() && follow_up.outcome.is_none()) {
                            (command_forms::complete(ctx, follow_up.id))
                        }
                    }
                }
            }
        }
    }
}

/// A supervisor's actions on the case, as links to their pages.
pub fn supervisor_actions(lang: Lang, view: &CaseView) -> Markup {
    let id = view.id;
    html! {
        section #supervisor-actions {
            h2 { (tr(lang, "case.supervisor_actions")) }
            ul.actions {
                @if view.status == CaseStatus::ClosureRequested {
                    li { a #action-review .button href={ "/cases/" (id) "/review" } { (tr(lang, "case.action.review")) } }
                }
                @if view.status == CaseStatus::Closed {
                    li { a #action-reopen .button.secondary href={ "/cases/" (id) "/reopen" } { (tr(lang, "case.action.reopen")) } }
                } @else {
                    li { a #action-transfer .button.secondary href={ "/cases/" (id) "/transfer" } { (tr(lang, "case.action.transfer")) } }
                }
                li { a #action-access-log .button.secondary href={ "/cases/" (id) "/access-log" } { (tr(lang, "case.action.access_log")) } }
                li { a #action-erase .button.danger href={ "/cases/" (id) "/erase" } { (tr(lang, "case.action.erase")) } }
            }
        }
    }
}

//! `/outbox/held`: the "needs attention" list. Records her phone sealed while offline that the
//! server could not apply ([`crate::app::held`]), each shown beside its case as it is now,
//! to the volunteer and her supervisor (scoped as the case is: anyone else gets the 404 page).
//!
//! - `GET /outbox/held`: kind, when sealed, why held, what she sent, the case now;
//! - `POST /outbox/held/{id}/apply`: runs the form as sent on the case as it is now, with the
//!   record's idempotency key;
//! - `GET /outbox/held/{id}/adjust`: the case page with the form open and filled with what
//!   she sent; saving it (a normal submission of that form) resolves the record;
//! - `POST /outbox/held/{id}/discard`: only with its confirmation box ticked; written to the
//!   access log.
//!
//! Resolving destroys the held record's key: what she wrote is then unreadable.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::app::actor::CaseWorker;
use crate::app::cases::flow::accessible;
use crate::app::cases::open;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::held::{self, HeldRecord, HeldSummary};
use crate::app::input::{Body, Preconditions};
use crate::domain::held::{HeldForm, HeldReason, HeldResolution};
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::case_code::case_code;
use crate::web::cases::badges::status_badge;
use crate::web::cases::case_page::{OPENED, refused_page, saved_path};
use crate::web::cases::commands::{self, command_body};
use crate::web::cases::kept::Kept;
use crate::web::cases::opening::opening_body;
use crate::web::cases::{case_worker, path_id};
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, tr};
use crate::web::outbox::hold::case_form;
use crate::web::page::{Frame, csrf_field, render};
use crate::web::refusal::Refusal;
use crate::web::session::WebUser;
use crate::web::supervise::access_log::when;

/// The hidden field an adjusted form carries: the held record it resolves once saved.
pub const HELD_FIELD: &str = "held";
/// The box a discard must have ticked.
const CONFIRM_FIELD: &str = "confirm";

pub async fn list(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let worker = case_worker(&user)?;
    let app = state.app();
    let held = held::list(&app, &worker.0);
    let mut records = Vec::new();
    for summary in held {
        // Listed a moment ago; resolved meanwhile by someone else: not shown.
        if let Ok(record) = held::open(&app, &worker.0, summary.id) {
            records.push(record);
        }
    }
    Ok(list_page(&state, &user, &worker, &records, StatusCode::OK))
}

pub async fn apply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let SignedInForm { user, .. } = form;
    let lang = user.lang;
    let worker = case_worker(&user)?;
    let id = path_id(&id, &user)?;
    let app = state.app();
    let record = held::open(&app, &worker.0, id).map_err(|error| WebError::app(error, lang))?;
    let to = run_as_sent(&app, &worker, &record)
        .await
        .map_err(|error| WebError::app(error, lang))?;
    held::resolve(&app, &worker.0, id, HeldResolution::Applied, None)
        .await
        .map_err(|error| WebError::app(error, lang))?;
    Ok(Redirect::to(&to).into_response())
}

pub async fn adjust(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.lang;
    let worker = case_worker(&user)?;
    let id = path_id(&id, &user)?;
    let app = state.app();
    let record = held::open(&app, &worker.0, id).map_err(|error| WebError::app(error, lang))?;
    let facts = &record.summary.facts;
    let (Some(case), Some(which)) = (facts.case, case_form(facts.form, facts.item)) else {
        return Err(WebError::status(StatusCode::NOT_FOUND, lang));
    };
    let kept = Kept {
        fields: sent_fields(&record, Some(id)),
        refusal: Refusal {
            status: StatusCode::OK,
            summary: "held.adjust_intro",
            fields: Vec::new(),
            conflict: false,
        },
    };
    drop(record);
    refused_page(&state, &user, from, *case.as_uuid(), which, &kept).await
}

pub async fn discard(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let SignedInForm { user, fields } = form;
    let lang = user.lang;
    let worker = case_worker(&user)?;
    let id = path_id(&id, &user)?;
    let app = state.app();
    if !fields.checked(CONFIRM_FIELD) {
        // Not confirmed: nothing happens; the list again, saying why.
        held::open(&app, &worker.0, id).map_err(|error| WebError::app(error, lang))?;
        let mut page = list(State(state.clone()), user).await?;
        *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(page);
    }
    held::resolve(&app, &worker.0, id, HeldResolution::Discarded, from)
        .await
        .map_err(|error| WebError::app(error, lang))?;
    Ok(Redirect::to("/outbox/held?discarded=1").into_response())
}

/// Runs a held record's form as she sent it, on the case as it is now, with its idempotency
/// key; answers where to go next.
async fn run_as_sent(
    app: &App<'_>,
    worker: &CaseWorker,
    record: &HeldRecord,
) -> Result<String, AppError> {
    let fields = sent_fields(record, None);
    let given = Preconditions {
        if_match: None,
        idempotency_key: Some(record.pii.idempotency_key.clone()),
    };
    let facts = &record.summary.facts;
    match (facts.case, case_form(facts.form, facts.item)) {
        (Some(case), Some(which)) => {
            let body = command_body(which, &fields).map_err(AppError::Invalid)?;
            commands::run(app, worker, which, case, &given, &Body::of(&body)?).await?;
            Ok(saved_path(*case.as_uuid(), &which.prefix()))
        }
        (None, None) if facts.form == HeldForm::NewCase => {
            let body = opening_body(&fields).map_err(AppError::Invalid)?;
            let recorded = open::open_case(app, worker, &given, &Body::of(&body)?).await?;
            let id = recorded.id.ok_or(AppError::NotFound)?;
            Ok(saved_path(id, OPENED))
        }
        _ => Err(AppError::NotFound),
    }
}

/// The fields she sent, as a posted form's (and the held record's id, for an adjusted form).
fn sent_fields(record: &HeldRecord, held: Option<Uuid>) -> FormFields {
    let mut sent = form_urlencoded::Serializer::new(String::new());
    for field in &record.pii.fields {
        sent.append_pair(&field.name, &field.value);
    }
    if let Some(id) = held {
        sent.append_pair(HELD_FIELD, &id.to_string());
    }
    let mut encoded = sent.finish();
    let fields = FormFields::parse(encoded.as_bytes());
    zeroize::Zeroize::zeroize(&mut encoded);
    fields
}

fn list_page(
    state: &AppState,
    user: &WebUser,
    worker: &CaseWorker,
    records: &[HeldRecord],
    status: StatusCode,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "held.title");
    let app = state.app();
    let body = html! {
        h1 { (title) }
        p { (tr(lang, "held.intro")) }
        @if records.is_empty() {
            p #held-empty { (tr(lang, "held.empty")) }
        }
        @for record in records {
            (item(&app, user, worker, record))
        }
    };
    let mut response = render(&Frame::new(state, user, title), body);
    *response.status_mut() = status;
    response
}

fn item(app: &App<'_>, user: &WebUser, worker: &CaseWorker, record: &HeldRecord) -> Markup {
    let lang = user.lang;
    let summary = &record.summary;
    let facts = &summary.facts;
    let id = summary.id;
    let now = facts.case.map(|case| accessible(app, &worker.0, &case));
    // Erased, or now at another address: it can only be discarded.
    let workable = !matches!(now, Some(Err(_)));
    html! {
        section.held id={ "held-" (id) } data-reason=(reason_code(facts.reason)) {
            h2 { (form_label(lang, facts.form)) }
            dl {
                dt { (tr(lang, "held.sealed_at")) }
                dd { (sealed_at(lang, summary)) }
                dt { (tr(lang, "held.reason")) }
                dd.held-reason { (reason_label(lang, facts.reason)) }
            }
            div.held-compare {
                div.held-sent {
                    h3 { (tr(lang, "held.sent")) }
                    dl {
                        @for field in record.pii.fields.iter().filter(|f| !f.value.is_empty() && !hidden(&f.name)) {
                            dt { (field.name) }
                            dd { (field.value) }
                        }
                    }
                }
                div.held-now {
                    h3 { (tr(lang, "held.now")) }
                    (case_now(lang, facts.case, now.as_ref()))
                }
            }
            @if workable {
                form method="post" action={ "/outbox/held/" (id) "/apply" } {
                    (csrf_field(user))
                    button.held-apply type="submit" { (tr(lang, "held.apply")) }
                }
                @if facts.case.is_some() && case_form(facts.form, facts.item).is_some() {
                    p { a.button.secondary.held-adjust href={ "/outbox/held/" (id) "/adjust" } { (tr(lang, "held.adjust")) } }
                }
            }
            form.held-discard method="post" action={ "/outbox/held/" (id) "/discard" } autocomplete="off" {
                (csrf_field(user))
                label {
                    input type="checkbox" name=(CONFIRM_FIELD) value="yes" required;
                    " " (tr(lang, "held.confirm_discard"))
                }
                button.danger type="submit" { (tr(lang, "held.discard")) }
            }
        }
    }
}

/// The case as it is now, as far as she may see it.
fn case_now(
    lang: Lang,
    case: Option<CaseId>,
    now: Option<&Result<crate::domain::case::CaseState, AppError>>,
) -> Markup {
    match (case, now) {
        (Some(case), Some(Ok(state))) => html! {
            p {
                a href={ "/cases/" (case.as_uuid()) } { span.case-code { (case_code(*case.as_uuid())) } }
                " "
                @if let Some(status) = state.status { (status_badge(lang, status)) }
            }
            p.muted { (tr(lang, "held.version")) " " (state.version) }
        },
        (_, Some(Err(AppError::Gone))) => html! { p { (tr(lang, "held.now_erased")) } },
        (_, Some(Err(_))) => html! { p { (tr(lang, "held.now_elsewhere")) } },
        _ => html! { p { (tr(lang, "held.now_new")) } },
    }
}

/// The form's own bookkeeping, not what she wrote.
fn hidden(name: &str) -> bool {
    matches!(name, "version" | "idempotency_key" | "_csrf")
}

fn sealed_at(lang: Lang, summary: &HeldSummary) -> String {
    let nanos = i128::from(summary.facts.sealed_at_ms).saturating_mul(1_000_000);
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map_or_else(|_| when(lang, summary.held_at), |at| when(lang, at))
}

fn reason_code(reason: HeldReason) -> &'static str {
    match reason {
        HeldReason::Closed => "closed",
        HeldReason::Transferred => "transferred",
        HeldReason::Erased => "erased",
        HeldReason::OutcomeRecorded => "outcome_recorded",
        HeldReason::Stale => "stale",
        HeldReason::Refused => "refused",
    }
}

fn reason_label(lang: Lang, reason: HeldReason) -> &'static str {
    tr(
        lang,
        match reason {
            HeldReason::Closed => "held.reason.closed",
            HeldReason::Transferred => "held.reason.transferred",
            HeldReason::Erased => "held.reason.erased",
            HeldReason::OutcomeRecorded => "held.reason.outcome_recorded",
            HeldReason::Stale => "held.reason.stale",
            HeldReason::Refused => "held.reason.refused",
        },
    )
}

fn form_label(lang: Lang, form: HeldForm) -> &'static str {
    tr(
        lang,
        match form {
            HeldForm::NewCase => "held.form.new_case",
            HeldForm::Support => "work.support",
            HeldForm::Referral => "work.referral",
            HeldForm::ReferralOutcome => "held.form.outcome",
            HeldForm::FollowUp => "held.form.follow_up",
            HeldForm::CompleteFollowUp => "held.form.complete",
            HeldForm::Note => "held.form.note",
            HeldForm::Risk => "held.form.risk",
            HeldForm::Close => "held.form.close",
        },
    )
}

/// The held record an adjusted form resolves, if it carries one: resolved once the form is
/// saved. A record already resolved (or not hers to see) is left alone: the form was saved.
pub async fn resolve_adjusted(state: &AppState, worker: &CaseWorker, fields: &FormFields) {
    let Some(id) = fields
        .text(HELD_FIELD)
        .and_then(|raw| Uuid::try_parse(raw).ok())
    else {
        return;
    };
    let app = state.app();
    if let Err(error) = held::resolve(&app, &worker.0, id, HeldResolution::Adjusted, None).await {
        tracing::warn!(%error, "an adjusted held record was not resolved");
    }
}

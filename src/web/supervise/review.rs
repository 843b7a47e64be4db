//! `GET`/`POST /cases/{id}/review`: the supervisor reviews a case. When a volunteer asked
//! to close it, the page shows the request and what she needs to judge it
//! ([`review_facts`]: the request's day and notes, risk, follow-ups, notes; that read is in
//! the access log), warns when the case is high-risk and recent, and she approves it, which
//! closes the case, or sends it back, which reopens it for more work. The form goes to the
//! API's [`review_case`]. A refused form is shown again with the request only.

use axum::extract::{Path, State};

use crate::app::actor::CaseWorker;
use crate::app::cases::read::read_case;
use crate::app::cases::view::CaseView;
use crate::domain::ids::CaseId;
use crate::edge::client::ClientAddr;
use crate::web::supervise::review_facts;
use axum::response::Response;
use maud::{Markup, html};
use serde_json::json;

use crate::domain::vocab::{ReviewDecision, Vocabulary};
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::tr;
use crate::web::page::csrf_field;
use crate::web::refusal::{Refusal, field_error, status_of};
use crate::web::session::WebUser;
use crate::web::supervise::command::Posted;
use crate::web::supervise::command::Supervise;
use crate::web::supervise::gate::{CaseAtHand, page_case};
use crate::web::supervise::parts::{case_head, case_link, respond};
use crate::web::supervise::refusal::banner;
use crate::web::widgets::{
    Field, IDEMPOTENCY_FIELD, choices, idempotency_field, textarea, version_field,
};

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
) -> Result<Response, WebError> {
    let (me, case) = page_case(&state, &user, &id)?;
    let reader = CaseWorker(me.clone());
    let view = read_case(&state.app(), &reader, CaseId::from_uuid(case.id), from)
        .await
        .map_err(|error| WebError::app(error, user.lang))?;
    Ok(form(
        &state,
        &user,
        &case,
        &FormFields::default(),
        None,
        Some(&view),
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm { user, fields }: SignedInForm,
) -> Result<Response, WebError> {
    // A blank comment is none (`null`).
    let body = json!({
        "decision": fields.get("decision").unwrap_or_default(),
        "comment": fields.text("comment"),
    });
    let posted = Posted {
        state: &state,
        user: &user,
        fields: &fields,
        case: &id,
        done: crate::web::cases::case_page::REVIEWED,
    };
    posted
        .send(body, Supervise::Review, words, |_, case, refusal| {
            form(&state, &user, case, &fields, Some(refusal), None)
        })
        .await
}

/// The words under each field of the form.
fn words(field: &str) -> Option<&'static str> {
    match field {
        "decision" => Some("supervise.review.decision_error"),
        _ => None,
    }
}

fn form(
    state: &AppState,
    user: &WebUser,
    case: &CaseAtHand,
    kept: &FormFields,
    refusal: Option<&Refusal>,
    view: Option<&CaseView>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "supervise.review.title");
    let today = state.clock.today();
    let overdue =
        crate::web::cases::overdue::by_follow_up(state, case.id, *case.trusted_address.as_uuid());
    let overdue_of = |id: &uuid::Uuid| overdue.get(id).copied();
    let pending = case.closure.is_some();
    let decisions: Vec<(&str, &str)> = if pending {
        vec![
            (
                ReviewDecision::Approved.code(),
                tr(lang, "supervise.review.approve"),
            ),
            (
                ReviewDecision::ActionRequested.code(),
                tr(lang, "supervise.review.send_back"),
            ),
        ]
    } else {
        ReviewDecision::all()
            .map(|decision| (decision.code(), decision.label(lang)))
            .collect()
    };
    let checked: Vec<&str> = kept.get("decision").into_iter().collect();
    let body = html! {
        h1 { (title) }
        (case_head(state, lang, case, "review"))
        (request(user, case))
        @if let Some(view) = view {
            (review_facts::warning(lang, view, today))
            (review_facts::facts(lang, view, &overdue_of))
        }
        (banner(lang, refusal))
        form #review-form .stacked method="post" action={ "/cases/" (case.id) "/review" } data-resilient {
            (csrf_field(user))
            (idempotency_field(kept.get(IDEMPOTENCY_FIELD)))
            (version_field(case.version))
            (choices(lang, Field::new("decision", "decision", tr(lang, "supervise.review.decision"))
                .required()
                .error(field_error(refusal, lang, "decision")),
                false, &decisions, &checked))
            (textarea(lang, Field::new("comment", "comment", tr(lang, "supervise.review.comment")),
                kept.get("comment").unwrap_or_default()))
            div.actions {
                button #review-submit type="submit" { (tr(lang, "supervise.review.submit")) }
            }
        }
    };
    respond(state, user, title, status_of(refusal), body)
}

/// The closure request waiting on the case, or that there is none.
fn request(user: &WebUser, case: &CaseAtHand) -> Markup {
    let lang = user.lang;
    html! {
        @if let Some((reason, _)) = case.closure {
            section #closure-request .closure-request {
                h2 { (tr(lang, "supervise.review.request")) }
                p {
                    (tr(lang, "supervise.review.request_intro")) " "
                    strong #closure-reason data-reason=(reason.code()) { (reason.label(lang)) }
                }
                p.muted {
                    (tr(lang, "supervise.review.details_hint")) " "
                    (case_link(lang, case.id))
                }
            }
        } @else {
            p.notice #no-closure-request { (tr(lang, "supervise.review.no_request")) }
        }
    }
}

//! `GET`/`POST /cases/{id}/reopen`: the supervisor reopens a closed case, saying why. The
//! form goes to the API's [`reopen_case`] (which refuses a case that is not closed).

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use serde_json::json;

use crate::domain::case::CaseStatus;
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
use crate::web::supervise::parts::{case_head, respond};
use crate::web::supervise::refusal::banner;
use crate::web::widgets::{Field, IDEMPOTENCY_FIELD, idempotency_field, textarea, version_field};

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (_, case) = page_case(&state, &user, &id)?;
    Ok(form(&state, &user, &case, &FormFields::default(), None))
}

pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm { user, fields }: SignedInForm,
) -> Result<Response, WebError> {
    let body = json!({ "reason": fields.get("reason").unwrap_or_default() });
    let posted = Posted {
        state: &state,
        user: &user,
        fields: &fields,
        case: &id,
        done: crate::web::cases::case_page::REOPENED,
    };
    posted
        .send(body, Supervise::Reopen, words, |_, case, refusal| {
            form(&state, &user, case, &fields, Some(refusal))
        })
        .await
}

fn words(field: &str) -> Option<&'static str> {
    match field {
        "reason" => Some("supervise.reopen.reason_error"),
        _ => None,
    }
}

fn form(
    state: &AppState,
    user: &WebUser,
    case: &CaseAtHand,
    kept: &FormFields,
    refusal: Option<&Refusal>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "supervise.reopen.title");
    let body = html! {
        h1 { (title) }
        (case_head(state, lang, case, "reopen"))
        (banner(lang, refusal))
        @if case.status != CaseStatus::Closed && refusal.is_none() {
            p.notice #not-closed { (tr(lang, "rule.not_closed")) }
        }
        form #reopen-form .stacked method="post" action={ "/cases/" (case.id) "/reopen" } data-resilient {
            (csrf_field(user))
            (idempotency_field(kept.get(IDEMPOTENCY_FIELD)))
            (version_field(case.version))
            (textarea(lang, Field::new("reason", "reason", tr(lang, "supervise.reopen.reason"))
                .required()
                .error(field_error(refusal, lang, "reason")),
                kept.get("reason").unwrap_or_default()))
            div.actions {
                button #reopen-submit type="submit" { (tr(lang, "supervise.reopen.submit")) }
            }
        }
    };
    respond(state, user, title, status_of(refusal), body)
}

//! `GET`/`POST /cases/{id}/erase`: erasing a case, and `GET /cases/{id}/erased`, where an
//! erasure lands. The page says plainly what cannot be undone (every personal detail of the
//! case is destroyed for good; the statistics stay; the erasure is in the access log), asks
//! why (the API's reason codes) and needs an explicit tick before anything is sent to the
//! use case [`erase_case`]: without it nothing is written.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::app::actor::Supervisor;
use crate::app::cases::commands::erase_case;
use crate::app::error::AppError;
use crate::domain::bounds::FieldCode;
use crate::domain::ids::CaseId;
use crate::domain::vocab::{ErasureReason, Vocabulary};
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::tr;
use crate::web::page::csrf_field;
use crate::web::refusal::{Refusal, field_error, status_of};
use crate::web::session::WebUser;
use crate::web::supervise::command::Answer;
use crate::web::supervise::gate::{CaseAtHand, case_at_hand, case_id, page_case, supervisor};
use crate::web::supervise::parts::{case_head, respond};
use crate::web::supervise::refusal::banner;
use crate::web::widgets::{
    Field, IDEMPOTENCY_FIELD, checkbox, idempotency_field, preconditions, select, version_field,
};

/// The confirmation checkbox.
const CONFIRM: &str = "confirm";

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
    ClientAddr(from): ClientAddr,
    SignedInForm { user, fields }: SignedInForm,
) -> Result<Response, WebError> {
    let me = supervisor(&user)?;
    let id = case_id(&id).map_err(|error| WebError::app(error, user.lang))?;
    let answer = Answer {
        state: &state,
        user: &user,
        me: &me,
        id,
    };
    let again =
        |case: &CaseAtHand, refusal: &Refusal| form(&state, &user, case, &fields, Some(refusal));
    if !fields.checked(CONFIRM) {
        let refusal = Refusal::on_field(CONFIRM, "supervise.erase.confirm_error");
        return answer.again(&refusal, again);
    }
    let reason = fields.text("reason").map(str::to_owned);
    let done = format!("/cases/{id}/erased");
    let given = preconditions(&fields).map_err(|error| WebError::app(error, user.lang))?;
    let (app, supervisor) = (state.app(), Supervisor(me.clone()));
    let case = CaseId::from_uuid(id);
    let erased = erase_case(&app, &supervisor, case, &given, from, reason.as_deref()).await;
    let result = match erased {
        // Already erased (a resent form whose first sending went through): it is done.
        Err(AppError::Gone) => return Ok(Redirect::to(&done).into_response()),
        // The only malformed erasure: no reason given.
        Err(AppError::Malformed(_)) => Err(AppError::invalid(
            "reason",
            FieldCode::Required,
            "a reason is required",
        )),
        other => other,
    };
    answer.to(result, done, words, again)
}

fn words(field: &str) -> Option<&'static str> {
    match field {
        "reason" => Some("supervise.erase.reason_error"),
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
    let title = tr(lang, "supervise.erase.title");
    let reasons: Vec<(&str, &str)> = ErasureReason::all()
        .map(|reason| (reason.code(), reason.label(lang)))
        .collect();
    let body = html! {
        h1 { (title) }
        (case_head(state, lang, case, "erase"))
        section.erase-warning #erase-warning aria-labelledby="erase-warning-heading" {
            h2 #erase-warning-heading { (tr(lang, "supervise.erase.warning_heading")) }
            ul {
                li { strong { (tr(lang, "supervise.erase.destroyed")) } }
                li { (tr(lang, "supervise.erase.after")) }
                li { (tr(lang, "supervise.erase.statistics")) }
                li { (tr(lang, "supervise.erase.logged")) }
            }
        }
        (banner(lang, refusal))
        form #erase-form .stacked method="post" action={ "/cases/" (case.id) "/erase" } data-resilient {
            (csrf_field(user))
            (idempotency_field(kept.get(IDEMPOTENCY_FIELD)))
            (version_field(case.version))
            (select(lang, Field::new("reason", "reason", tr(lang, "supervise.erase.reason"))
                .required()
                .error(field_error(refusal, lang, "reason")),
                &reasons, kept.get("reason"), Some(tr(lang, "supervise.erase.choose"))))
            (checkbox(Field::new(CONFIRM, CONFIRM, tr(lang, "supervise.erase.confirm"))
                .error(field_error(refusal, lang, CONFIRM)), kept.checked(CONFIRM)))
            div.actions {
                button #erase-submit .danger type="submit" { (tr(lang, "supervise.erase.submit")) }
                a.button.secondary href={ "/cases/" (case.id) } { (tr(lang, "form.cancel")) }
            }
        }
    };
    respond(state, user, title, status_of(refusal), body)
}

/// Where an erasure lands: said only to a supervisor who may see the case, and only once
/// it is erased (a case not erased goes to its page).
pub async fn erased(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let me = supervisor(&user)?;
    let lang = user.lang;
    let id = case_id(&id).map_err(|error| WebError::app(error, lang))?;
    match case_at_hand(&state, &me, id) {
        Err(AppError::Gone) => {}
        Ok(_) => return Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(error) => return Err(WebError::app(error, lang)),
    }
    let title = tr(lang, "supervise.erased.title");
    let body = html! {
        h1 { (title) }
        p.notice #erased role="status" { (tr(lang, "supervise.erased.body")) }
        p { a href="/dashboard" { (tr(lang, "supervise.erased.back")) } }
    };
    Ok(respond(&state, &user, title, StatusCode::OK, body))
}

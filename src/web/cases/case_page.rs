//! `GET /cases/{id}`: a case's page, read through the API's own read path
//! ([`read_case`]: scope check, 404 or 410, the read in the access log before anything is
//! shown): the case as it is now, the forms that record work on it, a supervisor's links,
//! and the whole timeline. [`refused_page`] is the same page after a refused form: the
//! case read again (so she sees its new state), that form open with her input.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use uuid::Uuid;

use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::Role;
use crate::http::cases::case_view::CaseView;
use crate::http::cases::extract::ClientAddr;
use crate::http::cases::view::read_case;
use crate::http::state::AppState;
use crate::web::case_code::case_code;
use crate::web::cases::badges::status_badge;
use crate::web::cases::command_forms::{CaseForm, FormContext, record_work};
use crate::web::cases::kept::Kept;
use crate::web::cases::{case_facts, case_worker, iso, overdue, path_id, timeline};
use crate::web::error::WebError;
use crate::web::i18n::tr;
use crate::web::page::{Frame, render};
use crate::web::refusal::FIELDS_REFUSED;
use crate::web::session::WebUser;

pub async fn case_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    user: WebUser,
) -> Result<Response, WebError> {
    let worker = case_worker(&user)?;
    let case = path_id(&id, &user)?;
    let view = read_case(&state, &worker.0, case, from)
        .await
        .map_err(|error| WebError::api(error, user.lang))?;
    Ok(render_case(&state, &user, &view, None))
}

/// The case page after form `which` was refused, with the refusal's status.
pub async fn refused_page(
    state: &AppState,
    user: &WebUser,
    from: Option<String>,
    case: Uuid,
    which: CaseForm,
    kept: &Kept,
) -> Result<Response, WebError> {
    let worker = case_worker(user)?;
    let view = read_case(state, &worker.0, case, from)
        .await
        .map_err(|error| WebError::api(error, user.lang))?;
    let mut response = render_case(state, user, &view, Some((which, kept)));
    *response.status_mut() = kept.refusal.status;
    Ok(response)
}

fn render_case(
    state: &AppState,
    user: &WebUser,
    view: &CaseView,
    reopened: Option<(CaseForm, &Kept)>,
) -> Response {
    let lang = user.lang;
    let today = iso(state.clock.today());
    let ctx = FormContext {
        user,
        view,
        today: &today,
        reopened,
    };
    let registry = &state.projections.registry;
    let address = registry
        .trusted_address(&TrustedAddressId::from_uuid(view.trusted_address))
        .and_then(|address| address.name);
    let overdue = overdue::by_follow_up(state, view.id, view.trusted_address);
    let body = html! {
        h1 { (tr(lang, "case.title")) " " span.case-code { (case_code(view.id)) } " " (status_badge(lang, view.status)) }
        @if let Some((which, kept)) = reopened {
            @if kept.refusal.conflict {
                div.conflict #conflict role="alert" {
                    p { (tr(lang, "error.conflict")) }
                    p { a href={ "#" (which.prefix()) } { (tr(lang, "case.back_to_form")) } }
                }
            } @else {
                div.error-message #refusal role="alert" {
                    p { (tr(lang, kept.message().unwrap_or(FIELDS_REFUSED))) }
                    p { a href={ "#" (which.prefix()) } { (tr(lang, "case.back_to_form")) } }
                }
            }
        }
        div.grid-2 {
            (case_facts::summary(lang, view, address.as_deref()))
            (case_facts::survivor(lang, view))
        }
        (case_facts::consent(lang, view))
        (case_facts::account(lang, view))
        (case_facts::closure_request(lang, view))
        (case_facts::referrals(&ctx))
        (case_facts::follow_ups(&ctx, &overdue))
        (record_work(&ctx))
        @if user.user.role == Role::Supervisor {
            (case_facts::supervisor_actions(lang, view))
        }
        (timeline::timeline(lang, view, registry))
    };
    render(&Frame::new(state, user, tr(lang, "case.title")), body)
}

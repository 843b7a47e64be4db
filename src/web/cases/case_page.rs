//! `GET /cases/{id}`: a case's page, read through the one read use case
//! ([`read_case`]: scope check, 404 or 410, the read in the access log before anything is
//! shown): the case as it is now, the forms that record work on it, a supervisor's links,
//! and the whole timeline. [`refused_page`] is the same page after a refused form: the
//! case read again (so she sees its new state), that form open with her input.
//!
//! Ordered for a phone (issue 24): what needs doing first (a supervisor's request for
//! action, a closure waiting, the follow-ups and referrals, the forms), then, folded, who the
//! survivor is and the whole history. Her name is never on the first screen: the phone may
//! be seen over a shoulder. After a save (`?saved=<form>`, from the form's redirect) the
//! page says "saved" where the form is, and the script brings her back there.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::cases::read::read_case;
use crate::app::cases::view::CaseView;
use crate::domain::ids::CaseId;
use crate::domain::ids::TrustedAddressId;
use crate::domain::vocab::Role;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::web::case_code::case_code;
use crate::web::cases::badges::status_badge;
use crate::web::cases::command_forms::{CaseForm, FormContext, record_work, saved_notice};
use crate::web::cases::kept::Kept;
use crate::web::cases::{case_facts, case_worker, iso, overdue, path_id, timeline};
use crate::web::error::WebError;
use crate::web::i18n::tr;
use crate::web::page::{Frame, render};
use crate::web::refusal::FIELDS_REFUSED;
use crate::web::session::WebUser;

/// The case page's query: which form was just saved (its prefix, or [`OPENED`]).
#[derive(Debug, Default, Deserialize)]
pub struct Shown {
    saved: Option<String>,
}

/// `?saved=` after the new-case form.
pub const OPENED: &str = "opened";
/// `?saved=` after a supervisor's review, transfer and reopening.
pub const REVIEWED: &str = "reviewed";
pub const TRANSFERRED: &str = "transferred";
pub const REOPENED: &str = "reopened";

/// The words of a `?saved=` said at the top of the page (not at one of its forms).
fn saved_at_top(saved: Option<&str>) -> Option<&'static str> {
    match saved? {
        OPENED => Some("work.saved"),
        REVIEWED => Some("case.saved.reviewed"),
        TRANSFERRED => Some("case.saved.transferred"),
        REOPENED => Some("case.saved.reopened"),
        _ => None,
    }
}

pub async fn case_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ClientAddr(from): ClientAddr,
    shown: Result<Query<Shown>, QueryRejection>,
    user: WebUser,
) -> Result<Response, WebError> {
    let worker = case_worker(&user)?;
    let case = path_id(&id, &user)?;
    let view = read_case(&state.app(), &worker, CaseId::from_uuid(case), from)
        .await
        .map_err(|error| WebError::app(error, user.lang))?;
    // A query that is not ours is no notice, not an error.
    let saved = shown.ok().and_then(|Query(shown)| shown.saved);
    Ok(render_case(&state, &user, &view, None, saved.as_deref()))
}

/// Where the case page goes after form `prefix` was saved.
pub fn saved_path(case: Uuid, prefix: &str) -> String {
    format!("/cases/{case}?saved={prefix}#saved")
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
    let view = read_case(&state.app(), &worker, CaseId::from_uuid(case), from)
        .await
        .map_err(|error| WebError::app(error, user.lang))?;
    let mut response = render_case(state, user, &view, Some((which, kept)), None);
    *response.status_mut() = kept.refusal.status;
    Ok(response)
}

fn render_case(
    state: &AppState,
    user: &WebUser,
    view: &CaseView,
    reopened: Option<(CaseForm, &Kept)>,
    saved: Option<&str>,
) -> Response {
    let lang = user.lang;
    let today = iso(state.clock.today());
    let ctx = FormContext {
        user,
        view,
        today: &today,
        reopened,
        saved,
    };
    let registry = &state.projections.registry;
    let address = registry
        .trusted_address(&TrustedAddressId::from_uuid(view.trusted_address))
        .and_then(|address| address.name);
    let overdue = overdue::by_follow_up(state, view.id, view.trusted_address);
    let conflict = reopened.is_some_and(|(_, kept)| kept.refusal.conflict);
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
        @if let Some(words) = saved_at_top(saved) { (saved_notice(lang, words)) }
        (case_facts::review_request(lang, view))
        (case_facts::closure_request(lang, view))
        (case_facts::summary(lang, view, address.as_deref()))
        (case_facts::follow_ups(&ctx, &overdue))
        (case_facts::referrals(&ctx))
        (record_work(&ctx))
        @if user.user.role == Role::Supervisor {
            (case_facts::supervisor_actions(lang, view))
        }
        details #about-survivor {
            summary { (tr(lang, "case.about_survivor")) }
            (case_facts::survivor(lang, view))
            (case_facts::consent(lang, view))
            (case_facts::account(lang, view))
        }
        // After a conflict the history is open: it shows what someone else just recorded.
        details #history open[conflict] {
            summary { (tr(lang, "timeline.title")) " (" (view.timeline.len()) ")" }
            (timeline::timeline(lang, view, registry))
        }
    };
    render(&Frame::new(state, user, tr(lang, "case.title")), body)
}

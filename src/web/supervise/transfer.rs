//! `GET`/`POST /cases/{id}/transfer`: the supervisor moves a case to another open trusted
//! address in her area, with a reason if she gives one. The choices are the addresses the
//! API would accept (open, in her area, not the case's own); the form goes to the API's
//! [`transfer_case`], which checks the address again.

use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use serde_json::json;

use crate::app::actor::CurrentUser;
use crate::app::scope::may_access_address;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, tr};
use crate::web::page::csrf_field;
use crate::web::refusal::{Refusal, field_error, status_of};
use crate::web::session::WebUser;
use crate::web::supervise::command::Posted;
use crate::web::supervise::command::Supervise;
use crate::web::supervise::gate::{CaseAtHand, page_case};
use crate::web::supervise::parts::{address_names, case_head, respond};
use crate::web::supervise::refusal::banner;
use crate::web::widgets::{
    Field, IDEMPOTENCY_FIELD, idempotency_field, select, textarea, version_field,
};

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (me, case) = page_case(&state, &user, &id)?;
    Ok(form(
        &state,
        &user,
        &me,
        &case,
        &FormFields::default(),
        None,
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedInForm { user, fields }: SignedInForm,
) -> Result<Response, WebError> {
    // A blank reason is none (`null`).
    let body = json!({
        "trusted_address": fields.get("trusted_address").unwrap_or_default(),
        "reason": fields.text("reason"),
    });
    let posted = Posted {
        state: &state,
        user: &user,
        fields: &fields,
        case: &id,
        done: crate::web::cases::case_page::TRANSFERRED,
    };
    posted
        .send(body, Supervise::Transfer, words, |me, case, refusal| {
            form(&state, &user, me, case, &fields, Some(refusal))
        })
        .await
}

fn words(field: &str) -> Option<&'static str> {
    match field {
        "trusted_address" => Some("supervise.transfer.address_error"),
        _ => None,
    }
}

/// The open trusted addresses in `me`'s area other than the case's: (id, "name · commune"),
/// in order of commune, then name.
fn destinations(
    state: &AppState,
    lang: Lang,
    me: &CurrentUser,
    case: &CaseAtHand,
) -> Vec<(String, String)> {
    let registry = &state.projections.registry;
    let mut found: Vec<(Option<String>, String, String)> = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| address.closed_on.is_none() && address.id != case.trusted_address)
        .filter(|address| may_access_address(me, &address.id, registry))
        .map(|address| {
            let (name, commune) = address_names(state, lang, &address.id);
            (commune, name, address.id.to_string())
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .map(|(commune, name, id)| match commune {
            Some(commune) => (id, format!("{name} · {commune}")),
            None => (id, name),
        })
        .collect()
}

fn form(
    state: &AppState,
    user: &WebUser,
    me: &CurrentUser,
    case: &CaseAtHand,
    kept: &FormFields,
    refusal: Option<&Refusal>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "supervise.transfer.title");
    let owned = destinations(state, lang, me, case);
    let options: Vec<(&str, &str)> = owned
        .iter()
        .map(|(id, label)| (id.as_str(), label.as_str()))
        .collect();
    let body = html! {
        h1 { (title) }
        (case_head(state, lang, case, "transfer"))
        (banner(lang, refusal))
        @if options.is_empty() {
            p.notice #no-destination { (tr(lang, "supervise.transfer.none")) }
        }
        form #transfer-form .stacked method="post" action={ "/cases/" (case.id) "/transfer" } data-resilient {
            (csrf_field(user))
            (idempotency_field(kept.get(IDEMPOTENCY_FIELD)))
            (version_field(case.version))
            (select(lang, Field::new("trusted_address", "trusted_address", tr(lang, "supervise.transfer.address"))
                .hint(tr(lang, "supervise.transfer.address_hint"))
                .required()
                .error(field_error(refusal, lang, "trusted_address")),
                &options, kept.get("trusted_address"), Some(tr(lang, "supervise.transfer.choose"))))
            (textarea(lang, Field::new("reason", "reason", tr(lang, "supervise.transfer.reason")),
                kept.get("reason").unwrap_or_default()))
            div.actions {
                button #transfer-submit type="submit" { (tr(lang, "supervise.transfer.submit")) }
            }
        }
    };
    respond(state, user, title, status_of(refusal), body)
}

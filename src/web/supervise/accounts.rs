//! The four eyes on accounts, in the web app: the dashboard's table of accounts waiting in
//! the supervisor's area (new volunteers and supervisors an admin made, and reset passwords),
//! and `POST /accounts/{id}/approve` and `POST /accounts/{id}/refuse`, which go through the
//! application core's [`accounts::approve`] and [`accounts::refuse`] (scope, never her own account,
//! access log). Only the username, the full name (so she recognises the person) and the
//! role are shown: nothing about any case.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

use crate::app::actor::Supervisor;
use crate::app::input::path_id;
use crate::app::registry::accounts;
use crate::domain::ids::UserId;
use crate::edge::state::AppState;
use crate::web::error::WebError;
use crate::web::form::SignedInForm;
use crate::web::i18n::tr;
use crate::web::page::csrf_field;
use crate::web::session::WebUser;

/// The dashboard's section of accounts waiting for her approval.
pub fn pending_table(state: &AppState, user: &WebUser) -> Markup {
    let lang = user.lang;
    let waiting = match user.as_role::<Supervisor>() {
        Ok(me) => accounts::pending_for(&state.app(), &me),
        Err(_) => Vec::new(),
    };
    html! {
        section #pending-accounts aria-labelledby="pending-accounts-heading" {
            h2 #pending-accounts-heading { (tr(lang, "supervise.accounts.title")) }
            @if waiting.is_empty() {
                p { (tr(lang, "supervise.accounts.none")) }
            } @else {
                p { (tr(lang, "supervise.accounts.explain")) }
                table {
                    thead { tr {
                        th scope="col" { (tr(lang, "supervise.accounts.username")) }
                        th scope="col" { (tr(lang, "supervise.accounts.full_name")) }
                        th scope="col" { (tr(lang, "supervise.accounts.role")) }
                        th scope="col" { span.visually-hidden { (tr(lang, "supervise.col.action")) } }
                    } }
                    tbody {
                        @for account in &waiting {
                            tr data-account=(account.id) {
                                td { (account.username) }
                                td.full-name { (account.full_name.as_deref().unwrap_or("—")) }
                                td { (account.role.label(lang)) }
                                td {
                                    form method="post" action={ "/accounts/" (account.id) "/approve" } {
                                        (csrf_field(user))
                                        button type="submit" { (tr(lang, "supervise.accounts.approve")) }
                                    }
                                    form method="post" action={ "/accounts/" (account.id) "/refuse" } {
                                        (csrf_field(user))
                                        button.secondary type="submit" { (tr(lang, "supervise.accounts.refuse")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub async fn approve(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    decide(&state, &id, form, Decision::Approve).await
}

pub async fn refuse(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    decide(&state, &id, form, Decision::Refuse).await
}

#[derive(Clone, Copy, Debug)]
enum Decision {
    Approve,
    Refuse,
}

async fn decide(
    state: &AppState,
    id: &str,
    SignedInForm { user, .. }: SignedInForm,
    decision: Decision,
) -> Result<Response, WebError> {
    let me: Supervisor = user.as_role()?;
    let lang = user.lang;
    let id = path_id(id)
        .map(UserId::from_uuid)
        .map_err(|error| WebError::app(error, lang))?;
    let app = state.app();
    let done = match decision {
        Decision::Approve => accounts::approve(&app, &me, id).await,
        Decision::Refuse => accounts::refuse(&app, &me, id).await,
    };
    done.map_err(|error| WebError::app(error, lang))?;
    Ok(Redirect::to("/dashboard").into_response())
}

//! `/admin/users/{id}`: one account (role, binding, status) with its deactivation (behind a
//! confirmation) and its password reset, each through the application core's use case
//! ([`accounts::deactivate`], [`accounts::reset_password`]), which end the account's sessions.
//!
//! SECURITY-SENSITIVE: a new password is never put back into a refused form, never logged,
//! and dropped (zeroized) after use.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};

use crate::app::error::AppError;
use crate::app::input::path_id;
use crate::app::registry::accounts::{self, NewPassword};
use crate::domain::ids::UserId;
use crate::edge::state::AppState;
use crate::projections::registry::User;
use crate::web::admin::refusal::{refusal_of, summary, with_password_length};
use crate::web::admin::users::{PATH, binding, full_name, password_hint, password_of, status};
use crate::web::admin::{Done, Notice, admin_only, notice, redirect};
use crate::web::error::WebError;
use crate::web::form::SignedInForm;
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::refusal::{Refusal, field_error};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field, idempotency_field, preconditions};

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    id: Result<Path<String>, PathRejection>,
    done: Result<Query<Done>, QueryRejection>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let account = account(&state, id, user.lang)?;
    let done = done.map(|Query(done)| done).unwrap_or_default();
    Ok(show(&state, &user, &account, &done, None))
}

pub async fn deactivate(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let account = account(&state, id, form.user.lang)?;
    if !form.fields.checked("confirm") {
        let refusal = Refusal::on_field("confirm", "admin.users.confirm_needed");
        return Ok(show(
            &state,
            &form.user,
            &account,
            &Done::default(),
            Some(&refusal),
        ));
    }
    let outcome = accounts::deactivate(&state.app(), &admin, account.id).await;
    answer(
        &state,
        &form.user,
        &account,
        outcome,
        Notice::UserDeactivated,
    )
}

pub async fn reset_password(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let account = account(&state, id, form.user.lang)?;
    let body = NewPassword {
        password: password_of(&form.fields),
    };
    let preconditions =
        preconditions(&form.fields).map_err(|error| WebError::app(error, form.user.lang))?;
    let outcome =
        accounts::reset_password(&state.app(), &admin, account.id, &preconditions, body).await;
    answer(
        &state,
        &form.user,
        &account,
        outcome.map_err(|error| with_password_length(error, &form.fields)),
        Notice::PasswordReset,
    )
}

/// The account a path names ([`path_id`]), or the 404 page.
fn account(
    state: &AppState,
    raw: Result<Path<String>, PathRejection>,
    lang: Lang,
) -> Result<User, WebError> {
    let not_found = || WebError::app(AppError::NotFound, lang);
    let Path(raw) = raw.map_err(|_| not_found())?;
    let id = path_id(&raw).map_err(|error| WebError::app(error, lang))?;
    state
        .projections
        .registry
        .user(&UserId::from_uuid(id))
        .ok_or_else(not_found)
}

/// A command on the account: back to its page with a notice, or the page again with the
/// refusal.
fn answer(
    state: &AppState,
    user: &WebUser,
    account: &User,
    outcome: Result<(), AppError>,
    done: Notice,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(redirect(&format!("{PATH}/{}", account.id), done)),
        Err(error) => {
            let refusal = refusal_of(error, user.lang)?;
            Ok(show(state, user, account, &Done::default(), Some(&refusal)))
        }
    }
}

fn show(
    state: &AppState,
    user: &WebUser,
    account: &User,
    done: &Done,
    refusal: Option<&Refusal>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.account.title");
    let manageable = account.active && account.id != user.user.id;
    let body = html! {
        p.no-print { a href=(PATH) { (tr(lang, "admin.account.back")) } }
        h1 { (title) ": " (account.username) }
        (notice(lang, done))
        @if let Some(refusal) = refusal { (summary(lang, refusal)) }
        dl #account {
            dt { (tr(lang, "admin.users.full_name")) }
            dd { (full_name(account)) }
            dt { (tr(lang, "admin.users.role")) }
            dd { (account.role.label(lang)) }
            dt { (tr(lang, "admin.users.binding")) }
            dd { (binding(state, lang, account)) }
            dt { (tr(lang, "admin.users.status")) }
            dd { (status(lang, account)) }
        }
        @if manageable {
            (forms(user, account, refusal))
        } @else if account.active {
            p.muted { (tr(lang, "admin.account.own")) }
        }
    };
    let mut response = render(&Frame::new(state, user, title), body);
    if let Some(refusal) = refusal {
        *response.status_mut() = refusal.status;
    }
    response
}

/// The deactivation (behind its confirmation) and the password reset.
fn forms(user: &WebUser, account: &User, refusal: Option<&Refusal>) -> Markup {
    let lang = user.lang;
    let hint = password_hint(lang);
    html! {
        h2 { (tr(lang, "admin.users.reset_password")) }
        form.stacked #reset-password method="post" action={ (PATH) "/" (account.id) "/password" }
            data-resilient {
            (csrf_field(user))
            (idempotency_field(None))
            (widgets::input(lang,
                Field::new("new-password", "password", tr(lang, "admin.users.new_password"))
                    .hint(&hint).error(field_error(refusal, lang, "password")).required(),
                "password", ""))
            div.actions { button.secondary type="submit" { (tr(lang, "admin.users.reset_password")) } }
        }
        h2 { (tr(lang, "admin.users.deactivate")) }
        form.stacked #deactivate method="post" action={ (PATH) "/" (account.id) "/deactivate" }
            data-resilient {
            (csrf_field(user))
            (widgets::checkbox(
                Field::new("confirm", "confirm", tr(lang, "admin.users.confirm_deactivate"))
                    .error(field_error(refusal, lang, "confirm")),
                false,
            ))
            div.actions { button.danger type="submit" { (tr(lang, "admin.users.deactivate")) } }
        }
    }
}

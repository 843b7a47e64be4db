//! `/admin/users`: every account (username, role, what it is bound to, active or not) from
//! the registry, the "new user" form, and each account's deactivation and password reset.
//!
//! SECURITY-SENSITIVE: the forms go through the API's one account code path (Argon2id,
//! the username and password rules, sessions ended on deactivation or reset). A password is
//! never put back into a refused form, never logged, and dropped (zeroized) after use.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::Response;
use maud::{Markup, html};
use uuid::Uuid;

use crate::domain::ids::UserId;
use crate::domain::vocab::{Role, Vocabulary};
use crate::http::error::ApiError;
use crate::http::json::Json;
use crate::http::registry::accounts::{MIN_PASSWORD_CHARS, NewUser, Password};
use crate::http::registry::users::{self as api, NewPassword};
use crate::http::state::AppState;
use crate::projections::registry::User;
use crate::web::admin::refusal::{Refusal, error_of};
use crate::web::admin::{Done, Notice, admin_only, area_label, borrowed, notice, redirect};
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field};

const PATH: &str = "/admin/users";

/// What the "new user" form had, put back after a refusal (never the password).
#[derive(Debug, Default)]
struct NewUserInput {
    username: String,
    role: String,
    area: String,
    trusted_address: String,
}

impl NewUserInput {
    fn from(fields: &FormFields) -> Self {
        let text = |name| fields.text(name).unwrap_or_default().to_owned();
        Self {
            username: fields.get("username").unwrap_or_default().to_owned(),
            role: text("role"),
            area: text("area"),
            trusted_address: text("trusted_address"),
        }
    }
}

/// Which form of the page was refused.
#[derive(Debug)]
enum Refused {
    None,
    NewUser(NewUserInput, Refusal),
    Account(UserId, Refusal),
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    done: Result<Query<Done>, QueryRejection>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let done = done.map(|Query(done)| done).unwrap_or_default();
    Ok(show(&state, &user, &done, &Refused::None))
}

pub async fn create(
    State(state): State<AppState>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let input = NewUserInput::from(&form.fields);
    let body = NewUser {
        username: input.username.clone(),
        password: password_of(&form.fields),
        role: input.role.clone(),
        area: Some(input.area.clone()).filter(|area| !area.is_empty()),
        trusted_address: Some(input.trusted_address.clone()).filter(|id| !id.is_empty()),
    };
    match api::create(State(state.clone()), admin, Json(body)).await {
        Ok(_) => Ok(redirect(PATH, Notice::UserCreated)),
        Err(error) => {
            let refusal = Refusal::of(error, form.user.lang)?;
            let refused = Refused::NewUser(input, refusal);
            Ok(show(&state, &form.user, &Done::default(), &refused))
        }
    }
}

pub async fn deactivate(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let (id, raw) = account(&state, id, form.user.lang)?;
    let outcome = if form.fields.checked("confirm") {
        api::deactivate(State(state.clone()), admin, Ok(Path(raw))).await
    } else {
        let refusal = Refusal::on_field("confirm", "admin.users.confirm_needed");
        return Ok(show(
            &state,
            &form.user,
            &Done::default(),
            &Refused::Account(id, refusal),
        ));
    };
    answer(
        &state,
        &form.user,
        id,
        outcome.map(|_| ()),
        Notice::UserDeactivated,
    )
}

pub async fn reset_password(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let (id, raw) = account(&state, id, form.user.lang)?;
    let body = NewPassword {
        password: password_of(&form.fields),
    };
    let outcome = api::reset_password(State(state.clone()), admin, Ok(Path(raw)), Json(body)).await;
    answer(
        &state,
        &form.user,
        id,
        outcome.map(|_| ()),
        Notice::PasswordReset,
    )
}

/// The password typed, as the API takes it (not trimmed: spaces count).
fn password_of(fields: &FormFields) -> Password {
    Password::new(fields.get("password").unwrap_or_default().to_owned())
}

/// The account a path names, or the 404 page.
fn account(
    state: &AppState,
    raw: Result<Path<String>, PathRejection>,
    lang: Lang,
) -> Result<(UserId, String), WebError> {
    let raw = raw
        .map(|Path(raw)| raw)
        .map_err(|_| WebError::api(ApiError::NotFound, lang))?;
    Uuid::parse_str(&raw)
        .ok()
        .map(UserId::from_uuid)
        .filter(|id| state.projections.registry.user(id).is_some())
        .map(|id| (id, raw))
        .ok_or_else(|| WebError::api(ApiError::NotFound, lang))
}

/// A command on one account: back to the list, or the list again with the refusal.
fn answer(
    state: &AppState,
    user: &WebUser,
    id: UserId,
    outcome: Result<(), ApiError>,
    done: Notice,
) -> Result<Response, WebError> {
    match outcome {
        Ok(()) => Ok(redirect(PATH, done)),
        Err(error) => {
            let refused = Refused::Account(id, Refusal::of(error, user.lang)?);
            Ok(show(state, user, &Done::default(), &refused))
        }
    }
}

/// The page, with the status of a refusal if there was one.
fn show(state: &AppState, user: &WebUser, done: &Done, refused: &Refused) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.users.title");
    let users = state.projections.registry.users();
    let manageable: Vec<&User> = users
        .iter()
        .filter(|account| account.active && account.id != user.user.id)
        .collect();
    let stray = match refused {
        Refused::Account(id, refusal) if !manageable.iter().any(|a| a.id == *id) => Some(refusal),
        _ => None,
    };
    let body = html! {
        h1 { (title) }
        (notice(lang, done))
        h2 { (tr(lang, "admin.users.list")) }
        div.table-wrap {
            table #users {
                thead { tr {
                    th scope="col" { (tr(lang, "admin.users.username")) }
                    th scope="col" { (tr(lang, "admin.users.role")) }
                    th scope="col" { (tr(lang, "admin.users.binding")) }
                    th scope="col" { (tr(lang, "admin.users.status")) }
                } }
                tbody {
                    @for account in &users {
                        tr id={ "user-" (account.id) } {
                            td { (account.username) }
                            td { (account.role.label(lang)) }
                            td { (binding(state, lang, account)) }
                            td { (status(lang, account)) }
                        }
                    }
                }
            }
        }
        h2 { (tr(lang, "admin.users.manage")) }
        @if let Some(refusal) = stray { (refusal.summary(lang)) }
        @for account in &manageable {
            @let refusal = match refused {
                Refused::Account(id, refusal) if *id == account.id => Some(refusal),
                _ => None,
            };
            (account_forms(user, account, refusal))
        }
        h2 { (tr(lang, "admin.users.new")) }
        (new_user_form(state, user, refused))
    };
    let mut response = render(&Frame::new(state, user, title), body);
    if let Refused::NewUser(_, refusal) | Refused::Account(_, refusal) = refused {
        *response.status_mut() = refusal.status;
    }
    response
}

/// What an account is bound to: a volunteer's trusted address, an officer's area.
fn binding(state: &AppState, lang: Lang, account: &User) -> String {
    let registry = &state.projections.registry;
    if let Some(id) = &account.trusted_address {
        return registry
            .trusted_address(id)
            .and_then(|address| address.name)
            .unwrap_or_else(|| tr(lang, "common.unknown").to_owned());
    }
    match &account.area {
        Some(code) => registry
            .area(code)
            .map_or_else(|| code.as_str().to_owned(), |area| area_label(&area)),
        None => tr(lang, "common.none").to_owned(),
    }
}

fn status(lang: Lang, account: &User) -> Markup {
    html! {
        @if account.active {
            span.badge.open { (tr(lang, "admin.users.active")) }
        } @else {
            span.badge.closed { (tr(lang, "admin.users.deactivated")) }
        }
    }
}

/// The password rule, as the API states it.
fn password_hint(lang: Lang) -> String {
    tr(lang, "admin.users.password_hint").replace("{min}", &MIN_PASSWORD_CHARS.to_string())
}

/// One account's deactivation and password reset, folded under its username.
fn account_forms(user: &WebUser, account: &User, refusal: Option<&Refusal>) -> Markup {
    let lang = user.lang;
    let id = account.id;
    let confirm_id = format!("confirm-{id}");
    let password_id = format!("password-{id}");
    let hint = password_hint(lang);
    html! {
        details.account #{ "manage-" (id) } open[refusal.is_some()] {
            summary { (account.username) }
            @if let Some(refusal) = refusal { (refusal.summary(lang)) }
            form.stacked #{ "deactivate-" (id) } method="post"
                action={ (PATH) "/" (id) "/deactivate" } data-resilient {
                (csrf_field(user))
                (widgets::checkbox(
                    Field::new(&confirm_id, "confirm", tr(lang, "admin.users.confirm_deactivate"))
                        .error(error_of(refusal, lang, "confirm")),
                    false,
                ))
                div.actions { button.danger type="submit" { (tr(lang, "admin.users.deactivate")) } }
            }
            form.stacked #{ "password-form-" (id) } method="post"
                action={ (PATH) "/" (id) "/password" } data-resilient {
                (csrf_field(user))
                (widgets::input(lang,
                    Field::new(&password_id, "password", tr(lang, "admin.users.new_password"))
                        .hint(&hint).error(error_of(refusal, lang, "password")).required(),
                    "password", ""))
                div.actions { button.secondary type="submit" { (tr(lang, "admin.users.reset_password")) } }
            }
        }
    }
}

/// The "new user" form, with what was typed put back after a refusal (not the password).
fn new_user_form(state: &AppState, user: &WebUser, refused: &Refused) -> Markup {
    let lang = user.lang;
    let registry = &state.projections.registry;
    let (input, refusal) = match refused {
        Refused::NewUser(input, refusal) => (Some(input), Some(refusal)),
        _ => (None, None),
    };
    let kept = |pick: fn(&NewUserInput) -> &str| input.map_or("", pick);
    let error = |name| error_of(refusal, lang, name);
    let roles: Vec<(&str, &str)> = Role::all().map(|r| (r.code(), r.label(lang))).collect();
    let areas: Vec<(String, String)> = registry
        .areas()
        .into_iter()
        .filter(|area| area.valid_to.is_none())
        .map(|area| (area.code.as_str().to_owned(), area_label(&area)))
        .collect();
    let addresses: Vec<(String, String)> = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| address.closed_on.is_none())
        .map(|address| {
            let name = address
                .name
                .unwrap_or_else(|| tr(lang, "common.unknown").to_owned());
            (
                address.id.to_string(),
                format!("{name} · {}", address.commune.as_str()),
            )
        })
        .collect();
    let area_options = borrowed(&areas);
    let address_options = borrowed(&addresses);
    let hint = password_hint(lang);
    html! {
        form.stacked #new-user method="post" action=(PATH) data-resilient {
            (csrf_field(user))
            @if let Some(refusal) = refusal { (refusal.summary(lang)) }
            (widgets::input(lang,
                Field::new("new-username", "username", tr(lang, "admin.users.username"))
                    .error(error("username")).required(),
                "text", kept(|i| &i.username)))
            (widgets::select(lang,
                Field::new("new-role", "role", tr(lang, "admin.users.role"))
                    .error(error("role")).required(),
                &roles, Some(kept(|i| &i.role)), Some(tr(lang, "admin.choose"))))
            (widgets::select(lang,
                Field::new("new-area", "area", tr(lang, "admin.users.area"))
                    .hint(tr(lang, "admin.users.area_hint")).error(error("area")),
                &area_options, Some(kept(|i| &i.area)), Some(tr(lang, "common.none"))))
            (widgets::select(lang,
                Field::new("new-address", "trusted_address", tr(lang, "admin.users.address"))
                    .hint(tr(lang, "admin.users.address_hint")).error(error("trusted_address")),
                &address_options, Some(kept(|i| &i.trusted_address)), Some(tr(lang, "common.none"))))
            (widgets::input(lang,
                Field::new("new-password", "password", tr(lang, "admin.users.password"))
                    .hint(&hint).error(error("password")).required(),
                "password", ""))
            div.actions { button type="submit" { (tr(lang, "admin.users.create")) } }
        }
    }
}

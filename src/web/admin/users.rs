//! `/admin/users`: every account (username, full name, role, what it is bound to, active or
//! not) from the registry, sorted by username, each linking to its page ([`account`](super::account)),
//! and the "new user" form.
//!
//! SECURITY-SENSITIVE: the form goes through the API's one account code path (Argon2id, the
//! username and password rules). A password is never put back into a refused form, never
//! logged, and dropped (zeroized) after use.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};

use crate::app::registry::accounts::{self, MIN_PASSWORD_CHARS, NewUser, Password};
use crate::domain::vocab::{Role, Vocabulary};
use crate::edge::state::AppState;
use crate::projections::registry::User;
use crate::web::admin::refusal::{refusal_of, summary, with_password_length};
use crate::web::admin::{Done, Notice, admin_only, area_label, borrowed, notice, redirect};
use crate::web::area_picker::AreaPicker;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::refusal::{Refusal, field_error};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field, IDEMPOTENCY_FIELD, idempotency_field, preconditions};

pub const PATH: &str = "/admin/users";

/// What the "new user" form had, put back after a refusal (never the password).
#[derive(Debug, Default)]
struct NewUserInput {
    username: String,
    full_name: String,
    role: String,
    area: String,
    trusted_address: String,
    /// The form's idempotency key, so a corrected or resent form is still one request.
    key: String,
}

impl NewUserInput {
    fn from(fields: &FormFields) -> Self {
        let text = |name| fields.text(name).unwrap_or_default().to_owned();
        Self {
            username: fields.get("username").unwrap_or_default().to_owned(),
            full_name: fields.get("full_name").unwrap_or_default().to_owned(),
            role: text("role"),
            area: text("area"),
            trusted_address: text("trusted_address"),
            key: text(IDEMPOTENCY_FIELD),
        }
    }
}

/// Which form of the page was refused.
#[derive(Debug)]
enum Refused {
    None,
    NewUser(NewUserInput, Refusal),
}

pub async fn page(
    State(state): State<AppState>,
    user: WebUser,
    done: Result<Query<Done>, QueryRejection>,
    search: Result<Query<Searched>, QueryRejection>,
) -> Result<Response, WebError> {
    admin_only(&user)?;
    let done = done.map(|Query(done)| done).unwrap_or_default();
    let search = search.map(|Query(search)| search).unwrap_or_default();
    Ok(show(
        &state,
        &user,
        &done,
        search.area_q.as_deref(),
        &Refused::None,
    ))
}

/// `?area_q=`: what the area picker's search asked for.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Searched {
    #[serde(default)]
    area_q: Option<String>,
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
        // The API trims it, and takes a blank one as none.
        full_name: Some(input.full_name.clone()),
    };
    let preconditions =
        preconditions(&form.fields).map_err(|error| WebError::app(error, form.user.lang))?;
    match accounts::create(&state.app(), &admin, &preconditions, body).await {
        Ok(_) => Ok(redirect(PATH, Notice::UserCreated)),
        Err(error) => {
            let error = with_password_length(error, &form.fields);
            let refusal = refusal_of(error, form.user.lang)?;
            let refused = Refused::NewUser(input, refusal);
            Ok(show(&state, &form.user, &Done::default(), None, &refused))
        }
    }
}

/// The password typed, as the API takes it (not trimmed: spaces count).
pub fn password_of(fields: &FormFields) -> Password {
    Password::new(fields.get("password").unwrap_or_default().to_owned())
}

/// The page, with the status of a refusal if there was one.
fn show(
    state: &AppState,
    user: &WebUser,
    done: &Done,
    search: Option<&str>,
    refused: &Refused,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.users.title");
    let users = state.projections.registry.users();
    let body = html! {
        h1 { (title) }
        (notice(lang, done))
        h2 { (tr(lang, "admin.users.list")) }
        div.table-wrap {
            table #users {
                thead { tr {
                    th scope="col" { (tr(lang, "admin.users.username")) }
                    th scope="col" { (tr(lang, "admin.users.full_name")) }
                    th scope="col" { (tr(lang, "admin.users.role")) }
                    th scope="col" { (tr(lang, "admin.users.binding")) }
                    th scope="col" { (tr(lang, "admin.users.status")) }
                } }
                tbody {
                    @for account in &users {
                        // `data-label`: a phone shows each account as a card, each cell
                        // under its column's name (app.css).
                        tr id={ "user-" (account.id) } {
                            td data-label=(tr(lang, "admin.users.username")) {
                                a href={ (PATH) "/" (account.id) } { (account.username) }
                            }
                            td.full-name data-label=(tr(lang, "admin.users.full_name")) {
                                (full_name(account))
                            }
                            td data-label=(tr(lang, "admin.users.role")) { (account.role.label(lang)) }
                            td data-label=(tr(lang, "admin.users.binding")) {
                                (binding(state, lang, account))
                            }
                            td data-label=(tr(lang, "admin.users.status")) { (status(lang, account)) }
                        }
                    }
                }
            }
        }
        h2 { (tr(lang, "admin.users.new")) }
        (new_user_form(state, user, search, refused))
    };
    let mut response = render(&Frame::new(state, user, title), body);
    if let Refused::NewUser(_, refusal) = refused {
        *response.status_mut() = refusal.status;
    }
    response
}

/// What an account is bound to: a volunteer's trusted address, an officer's area.
pub fn binding(state: &AppState, lang: Lang, account: &User) -> String {
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

/// The account's full name, or a dash.
pub fn full_name(account: &User) -> &str {
    account.full_name.as_deref().unwrap_or("—")
}

/// Active, waiting for a supervisor's approval (it cannot sign in yet), or deactivated.
pub fn status(lang: Lang, account: &User) -> Markup {
    html! {
        @if account.active && account.pending {
            span.badge.pending { (tr(lang, "admin.users.pending")) }
        } @else if account.active {
            span.badge.open { (tr(lang, "admin.users.active")) }
        } @else {
            span.badge.closed { (tr(lang, "admin.users.deactivated")) }
        }
    }
}

/// The password rule, as the API states it.
pub fn password_hint(lang: Lang) -> String {
    tr(lang, "admin.users.password_hint").replace("{min}", &MIN_PASSWORD_CHARS.to_string())
}

/// The "new user" form, with what was typed put back after a refusal (not the password).
fn new_user_form(
    state: &AppState,
    user: &WebUser,
    search: Option<&str>,
    refused: &Refused,
) -> Markup {
    let lang = user.lang;
    let registry = &state.projections.registry;
    let (input, refusal) = match refused {
        Refused::NewUser(input, refusal) => (Some(input), Some(refusal)),
        Refused::None => (None, None),
    };
    let kept = |pick: fn(&NewUserInput) -> &str| input.map_or("", pick);
    let error = |name| field_error(refusal, lang, name);
    // A key the API says was used for another request is dropped: the next send is new.
    let key = input
        .filter(|_| error("Idempotency-Key").is_none())
        .map(|input| input.key.as_str());
    let roles: Vec<(&str, &str)> = Role::all().map(|r| (r.code(), r.label(lang))).collect();
    let all = registry.areas();
    let areas = AreaPicker {
        field: Field::new("new-area", "area", tr(lang, "admin.users.area"))
            .hint(tr(lang, "admin.users.area_hint"))
            .error(error("area")),
        choices: all
            .iter()
            .filter(|area| area.valid_to.is_none())
            .cloned()
            .collect(),
        all: &all,
        selected: Some(kept(|i| &i.area)),
        search,
        blank: Some(tr(lang, "common.none")),
        action: PATH,
    };
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
    let address_options = borrowed(&addresses);
    let hint = password_hint(lang);
    html! {
        (areas.search_form())
        form.stacked #new-user method="post" action=(PATH) data-resilient {
            (csrf_field(user))
            (idempotency_field(key))
            @if let Some(refusal) = refusal { (summary(lang, refusal)) }
            (widgets::input(lang,
                Field::new("new-username", "username", tr(lang, "admin.users.username"))
                    .error(error("username")).required(),
                "text", kept(|i| &i.username)))
            (widgets::input(lang,
                Field::new("new-full-name", "full_name", tr(lang, "admin.users.full_name"))
                    .hint(tr(lang, "admin.users.full_name_hint")).error(error("full_name")),
                "text", kept(|i| &i.full_name)))
            (widgets::select(lang,
                Field::new("new-role", "role", tr(lang, "admin.users.role"))
                    .error(error("role")).required(),
                &roles, Some(kept(|i| &i.role)), Some(tr(lang, "admin.choose"))))
            (areas.render(lang))
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

//! `/admin/addresses`: the trusted addresses (name, commune, established, closed) and the
//! form that establishes one, through the application core's `establish`. (The API has no command that
//! closes an address, so neither has this page.)
//!
//! The form carries an idempotency key (drawn when it is shown, kept after a refusal), so it
//! is sent in the background and retried when the network drops (`data-resilient`): a retry
//! after a lost answer establishes nothing new.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use maud::{Markup, html};

use crate::app::input::Body;
use crate::app::registry::addresses::{self as core, NewTrustedAddress};
use crate::domain::vocab::AreaLevel;
use crate::edge::state::AppState;
use crate::projections::registry::TrustedAddress;
use crate::web::admin::refusal::{refusal_of, summary};
use crate::web::admin::{Done, Notice, admin_only, area_label, notice, redirect};
use crate::web::area_picker::AreaPicker;
use crate::web::error::WebError;
use crate::web::form::{FormFields, SignedInForm};
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::refusal::{Refusal, field_error};
use crate::web::session::WebUser;
use crate::web::widgets::{self, Field, IDEMPOTENCY_FIELD, idempotency_field, preconditions};

const PATH: &str = "/admin/addresses";

/// What the form had, put back after a refusal.
#[derive(Debug, Default)]
struct AddressInput {
    name: String,
    commune: String,
    established_on: String,
    /// The form's idempotency key, so a corrected form is still one request.
    key: String,
}

impl AddressInput {
    fn from(fields: &FormFields) -> Self {
        let text = |name| fields.text(name).unwrap_or_default().to_owned();
        Self {
            name: fields.get("name").unwrap_or_default().to_owned(),
            commune: text("commune"),
            established_on: text("established_on"),
            key: text(IDEMPOTENCY_FIELD),
        }
    }
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
        search.commune_q.as_deref(),
        None,
    ))
}

/// `?commune_q=`: what the commune picker's search asked for.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Searched {
    #[serde(default)]
    commune_q: Option<String>,
}

pub async fn establish(
    State(state): State<AppState>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    let admin = admin_only(&form.user)?;
    let input = AddressInput::from(&form.fields);
    let body = NewTrustedAddress {
        name: input.name.clone(),
        commune: input.commune.clone(),
        established_on: input.established_on.clone(),
    };
    let lang = form.user.lang;
    let given = preconditions(&form.fields).map_err(|error| WebError::app(error, lang))?;
    let body = Body::of(&body).map_err(|error| WebError::app(error, lang))?;
    let sent = core::establish(&state.app(), &admin, &given, &body).await;
    match sent {
        Ok(_) => Ok(redirect(PATH, Notice::AddressEstablished)),
        Err(error) => {
            let refusal = refusal_of(error, lang)?;
            Ok(show(
                &state,
                &form.user,
                &Done::default(),
                None,
                Some((&input, &refusal)),
            ))
        }
    }
}

fn show(
    state: &AppState,
    user: &WebUser,
    done: &Done,
    search: Option<&str>,
    refused: Option<(&AddressInput, &Refusal)>,
) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.addresses.title");
    let addresses = state.projections.registry.trusted_addresses();
    let body = html! {
        h1 { (title) }
        (notice(lang, done))
        h2 { (tr(lang, "admin.addresses.list")) }
        (table(state, lang, &addresses))
        h2 { (tr(lang, "admin.addresses.new")) }
        (form(state, user, search, refused))
    };
    let mut response = render(&Frame::new(state, user, title), body);
    if let Some((_, refusal)) = refused {
        *response.status_mut() = refusal.status;
    }
    response
}

fn table(state: &AppState, lang: Lang, addresses: &[TrustedAddress]) -> Markup {
    let registry = &state.projections.registry;
    html! {
        div.table-wrap {
            table #addresses {
                thead { tr {
                    th scope="col" { (tr(lang, "admin.addresses.name")) }
                    th scope="col" { (tr(lang, "admin.addresses.commune")) }
                    th scope="col" { (tr(lang, "admin.addresses.established_on")) }
                    th scope="col" { (tr(lang, "admin.addresses.status")) }
                } }
                tbody {
                    @for address in addresses {
                        tr id={ "address-" (address.id) } {
                            td { (address.name.as_deref().unwrap_or(tr(lang, "common.unknown"))) }
                            td { (registry.area(&address.commune).map_or_else(
                                || address.commune.as_str().to_owned(), |area| area_label(&area))) }
                            td { (date(lang, address.established_on)) }
                            td {
                                @match address.closed_on {
                                    Some(closed) => { span.badge.closed {
                                        (tr(lang, "admin.addresses.closed_since")) " " (date(lang, closed))
                                    } }
                                    None => { span.badge.open { (tr(lang, "admin.addresses.open")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn form(
    state: &AppState,
    user: &WebUser,
    search: Option<&str>,
    refused: Option<(&AddressInput, &Refusal)>,
) -> Markup {
    let lang = user.lang;
    let input = refused.map(|(input, _)| input);
    let refusal = refused.map(|(_, refusal)| refusal);
    let kept = |pick: fn(&AddressInput) -> &str| input.map_or("", pick);
    let error = |name| field_error(refusal, lang, name);
    // A key the API says was used for another request is dropped: the next send is new.
    let key_reused = error("Idempotency-Key");
    let key = input
        .filter(|_| key_reused.is_none())
        .map(|input| input.key.as_str());
    // Retired communes too: an address of the paper records may predate a merger (the API
    // checks that the commune still existed on the day the address was established).
    let all = state.projections.registry.areas();
    let communes = AreaPicker {
        field: Field::new(
            "address-commune",
            "commune",
            tr(lang, "admin.addresses.commune"),
        )
        .error(error("commune"))
        .required(),
        choices: all
            .iter()
            .filter(|area| area.level == AreaLevel::Commune)
            .cloned()
            .collect(),
        all: &all,
        selected: Some(kept(|i| &i.commune)),
        search,
        blank: Some(tr(lang, "admin.choose")),
        action: PATH,
    };
    html! {
        (communes.search_form())
        form.stacked #new-address method="post" action=(PATH) data-resilient {
            (csrf_field(user))
            (idempotency_field(key))
            @if let Some(refusal) = refusal { (summary(lang, refusal)) }
            @if let Some(reused) = key_reused { p.error-message #key-reused role="alert" { (tr(lang, reused)) } }
            (widgets::input(lang, Field::new("address-name", "name", tr(lang, "admin.addresses.name"))
                .hint(tr(lang, "admin.addresses.name_hint")).error(error("name")).required(),
                "text", kept(|i| &i.name)))
            (communes.render(lang))
            (widgets::input(lang, Field::new("address-established", "established_on", tr(lang, "admin.addresses.established_on"))
                .error(error("established_on")).required(), "date", kept(|i| &i.established_on)))
            div.actions { button type="submit" { (tr(lang, "admin.addresses.button")) } }
        }
    }
}

//! `GET /cases/new` and `POST /cases/new`: the new-case form and its submission, which is
//! the use case of `POST /cases` ([`crate::app::cases::open::open_case`]) with the form's
//! idempotency key, so a retried submission never opens a second case. Opened: 303 to the
//! case's page. Refused: the form again, with her input and the errors under their fields.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;

use crate::app::cases::flow::Recorded;
use crate::app::cases::open;
use crate::app::error::AppError;
use crate::app::input::Body;
use crate::app::scope::may_access_address;
use crate::domain::vocab::Role;
use crate::edge::state::AppState;
use crate::web::cases::case_page::{OPENED, saved_path};
use crate::web::cases::kept::Kept;
use crate::web::cases::new_case_form::{OpeningForm, opening_form, title};
use crate::web::cases::opening::opening_body;
use crate::web::cases::{case_worker, iso};
use crate::web::error::WebError;
use crate::web::form::SignedInForm;
use crate::web::i18n::tr;
use crate::web::page::{Frame, render};
use crate::web::session::WebUser;
use crate::web::widgets::preconditions;

pub async fn new_case_page(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    case_worker(&user)?;
    Ok(page(&state, &user, None))
}

pub async fn open_case(
    State(state): State<AppState>,
    SignedInForm { user, fields }: SignedInForm,
) -> Result<Response, WebError> {
    let worker = case_worker(&user)?;
    let lang = user.lang;
    let body = match opening_body(&fields) {
        Ok(body) => body,
        Err(problems) => {
            let kept = Kept::local(&problems, fields);
            return Ok(page(&state, &user, Some(&kept)));
        }
    };
    let given = preconditions(&fields).map_err(|error| WebError::app(error, lang))?;
    let body = Body::of(&body).map_err(|error| WebError::app(error, lang))?;
    match open::open_case(&state.app(), &worker, &given, &body).await {
        Ok(Recorded { id: Some(id), .. }) => {
            Ok(Redirect::to(&saved_path(id, OPENED)).into_response())
        }
        Ok(_) => Err(WebError::app(
            AppError::internal("an opened case has no id"),
            lang,
        )),
        Err(error) => {
            let kept = Kept::of(error, fields, lang)?;
            Ok(page(&state, &user, Some(&kept)))
        }
    }
}

/// The form page, fresh or after a refusal (with the refusal's status).
fn page(state: &AppState, user: &WebUser, kept: Option<&Kept>) -> Response {
    let lang = user.lang;
    let today = iso(state.clock.today());
    let form = OpeningForm {
        today: &today,
        addresses: addresses(state, user),
        kept,
    };
    let body = html! {
        h1 { (title(lang)) }
        p.muted { (tr(lang, "new.intro")) }
        (opening_form(user, &form))
    };
    let mut response = render(&Frame::new(state, user, title(lang)), body);
    if let Some(kept) = kept {
        *response.status_mut() = kept.refusal.status;
    }
    response
}

/// The open trusted addresses a supervisor may open a case at, by name; `None` for a
/// volunteer.
fn addresses(state: &AppState, user: &WebUser) -> Option<Vec<(String, String)>> {
    if user.user.role != Role::Supervisor {
        return None;
    }
    let registry = &state.projections.registry;
    let unnamed = tr(user.lang, "case.unnamed_address");
    let mut open: Vec<(String, String)> = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| address.closed_on.is_none())
        .filter(|address| may_access_address(&user.user, &address.id, registry))
        .map(|address| {
            let name = address.name.unwrap_or_else(|| unnamed.to_owned());
            (address.id.to_string(), name)
        })
        .collect();
    open.sort_by(|a, b| a.1.cmp(&b.1));
    Some(open)
}

//! The preview of a commune merge (issue 24). `POST /admin/areas/merge` (the merge form)
//! checks the merge exactly as the API will ([`check`]: nothing is written) and shows what
//! it moves: for each commune that ends, the trusted addresses still open in it, the
//! accounts bound to it or to one of those addresses, and its cases still open; counts
//! only, never a name or anything of a case. Under it, a form that sends the same merge to
//! `POST /admin/areas/merge/confirm` ([`super::merge::confirm`]), the only route that runs
//! it. A merge the API would refuse is the areas page with the form's errors, as before.

use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};

use crate::app::registry::merge::{CommunesMerged, check};
use crate::domain::case::state::CaseStatus;
use crate::domain::ids::AreaCode;
use crate::edge::state::AppState;
use crate::web::admin::areas::{PATH, Refused, show};
use crate::web::admin::merge::MergeInput;
use crate::web::admin::refusal::refusal_of;
use crate::web::admin::{Done, admin_only};
use crate::web::error::WebError;
use crate::web::form::SignedInForm;
use crate::web::i18n::{Lang, date, tr};
use crate::web::page::{Frame, csrf_field, render};
use crate::web::session::WebUser;

/// The confirmation's path.
pub const CONFIRM_PATH: &str = "/admin/areas/merge/confirm";

/// What one ending commune passes to its successor, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Moves {
    /// Trusted addresses in it that are not closed.
    pub addresses: usize,
    /// Accounts bound to it, or to one of its trusted addresses (open or closed).
    pub users: usize,
    /// Cases at its trusted addresses that are not closed or erased.
    pub open_cases: usize,
}

impl Moves {
    fn add(self, other: Self) -> Self {
        Self {
            addresses: self.addresses + other.addresses,
            users: self.users + other.users,
            open_cases: self.open_cases + other.open_cases,
        }
    }
}

/// What `commune` holds that the merge moves to its successor.
pub fn moves(state: &AppState, commune: &AreaCode) -> Moves {
    let registry = &state.projections.registry;
    let addresses: Vec<_> = registry
        .trusted_addresses()
        .into_iter()
        .filter(|address| &address.commune == commune)
        .collect();
    let users = registry
        .users()
        .iter()
        .filter(|user| {
            user.area.as_ref() == Some(commune)
                || user
                    .trusted_address
                    .is_some_and(|id| addresses.iter().any(|address| address.id == id))
        })
        .count();
    let open_cases = state
        .projections
        .cases
        .select(|case| {
            matches!(
                case.status,
                Some(CaseStatus::Open | CaseStatus::ClosureRequested)
            ) && case
                .trusted_address
                .is_some_and(|id| addresses.iter().any(|address| address.id == id))
        })
        .len();
    Moves {
        addresses: addresses
            .iter()
            .filter(|address| address.closed_on.is_none())
            .count(),
        users,
        open_cases,
    }
}

/// `POST /admin/areas/merge`: the preview, or the form again with what the API refuses.
pub async fn preview(
    State(state): State<AppState>,
    form: SignedInForm,
) -> Result<Response, WebError> {
    admin_only(&form.user)?;
    let input = MergeInput::from(&form.fields);
    match check(&state.projections.registry, &input.request()) {
        Ok(merged) => Ok(page(&state, &form.user, &input, &merged)),
        Err(error) => {
            let under = AreaCode::parse(&input.under).ok();
            let refused = Refused::Merge(input, refusal_of(error, form.user.lang)?);
            Ok(show(
                &state,
                &form.user,
                &Done::default(),
                under.as_ref(),
                &refused,
            ))
        }
    }
}

/// A commune's name and code, or its code alone (a new commune: the name the form gave).
fn commune_label(state: &AppState, code: &str, new_name: &str) -> String {
    let found = AreaCode::parse(code)
        .ok()
        .and_then(|code| state.projections.registry.area(&code));
    match found {
        Some(area) => format!("{} ({})", area.name, area.code.as_str()),
        None if new_name.trim().is_empty() => code.to_owned(),
        None => format!("{} ({code})", new_name.trim()),
    }
}

fn page(state: &AppState, user: &WebUser, input: &MergeInput, merged: &CommunesMerged) -> Response {
    let lang = user.lang;
    let title = tr(lang, "admin.merge.preview.title");
    let rows: Vec<(String, String, Moves)> = merged
        .retired
        .iter()
        .map(|code| {
            let moved = AreaCode::parse(code)
                .map(|code| moves(state, &code))
                .unwrap_or_default();
            (code.clone(), commune_label(state, code, ""), moved)
        })
        .collect();
    let total = rows
        .iter()
        .fold(Moves::default(), |sum, (_, _, moved)| sum.add(*moved));
    let successor = commune_label(state, &merged.successor, &input.name);
    let effective = crate::domain::bounds::any_day(&input.effective_on)
        .map_or_else(|_| input.effective_on.clone(), |day| date(lang, day));
    let intro = tr(lang, "admin.merge.preview.intro")
        .replace("{date}", &effective)
        .replace("{successor}", &successor);
    let body = html! {
        h1 { (title) }
        p #merge-preview-intro { (intro) }
        div.table-wrap {
            table #merge-preview {
                caption { (tr(lang, "admin.merge.preview.caption")) }
                thead {
                    tr {
                        th scope="col" { (tr(lang, "admin.merge.preview.commune")) }
                        th.number scope="col" { (tr(lang, "admin.merge.preview.addresses")) }
                        th.number scope="col" { (tr(lang, "admin.merge.preview.users")) }
                        th.number scope="col" { (tr(lang, "admin.merge.preview.open_cases")) }
                    }
                }
                tbody {
                    @for (code, label, moved) in &rows {
                        (row(code, label, *moved))
                    }
                }
                tfoot {
                    tr.total { (cells("total", tr(lang, "admin.merge.preview.total"), total)) }
                }
            }
        }
        p.hint { (tr(lang, "admin.merge.preview.counts_only")) }
        (confirm_form(user, input, lang))
    };
    render(&Frame::new(state, user, title), body)
}

fn row(code: &str, label: &str, moved: Moves) -> Markup {
    html! { tr { (cells(code, label, moved)) } }
}

/// A row's heading and its three counts, each with an id (`moves-CODE-addresses`, ...).
fn cells(id: &str, label: &str, moved: Moves) -> Markup {
    html! {
        th scope="row" { (label) }
        td.number id={ "moves-" (id) "-addresses" } { (moved.addresses) }
        td.number id={ "moves-" (id) "-users" } { (moved.users) }
        td.number id={ "moves-" (id) "-open-cases" } { (moved.open_cases) }
    }
}

/// The merge again, every field hidden, to the confirmation; and the way back.
fn confirm_form(user: &WebUser, input: &MergeInput, lang: Lang) -> Markup {
    let back = if input.under.is_empty() {
        PATH.to_owned()
    } else {
        format!("{PATH}?under={}", input.under)
    };
    html! {
        form.stacked #merge-confirm method="post" action=(CONFIRM_PATH) data-resilient {
            (csrf_field(user))
            (input.hidden_fields())
            div.actions {
                button #merge-confirm-button type="submit" { (tr(lang, "admin.merge.preview.confirm")) }
                a.button.secondary #merge-back href=(back) { (tr(lang, "admin.merge.preview.back")) }
            }
        }
    }
}

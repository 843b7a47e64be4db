//! The administrator's pages: users, areas (with commune merges) and trusted addresses.
//! Only an admin sees them (any other role gets the 403 page); they show the registry and
//! never a case.
//!
//! Every form goes through the registry API's own handlers (the account code path, the
//! definition of an area, the merge of communes, the establishment of an address), so the
//! rules are the API's; a page only turns a form into the API's request and its answer into
//! a redirect (303, with a notice) or the same page again with the input kept (never a
//! password) and the errors in words. Establishing an address takes an idempotency key, as
//! the case forms do, since nothing else would tell a retry from a second address; a user, an
//! area or a merge sent twice is refused the second time by what makes it unique (the
//! username, the code, the communes already retired).
//!
//! - [`users`]: `/admin/users` and the new user; [`account`]: one account's page, its
//!   deactivation and password reset.
//! - [`areas`]: `/admin/areas` (the tree of areas, defining one); [`merge`]: the merge form
//!   and its confirmation; [`merge_preview`]: what a merge moves, before it is confirmed.
//! - [`addresses`]: the page `/admin/addresses`.
//! - [`refusal`]: the registry API's field errors in words; [`words`]: the catalogue of
//!   these pages.

pub mod account;
pub mod addresses;
pub mod areas;
pub mod merge;
pub mod merge_preview;
pub mod refusal;
pub mod users;
pub mod words;

use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use crate::app::actor::Admin;
use crate::edge::state::AppState;
use crate::projections::registry::Area;
use crate::web::error::WebError;
use crate::web::i18n::{Lang, tr};
use crate::web::session::WebUser;

pub use words::MESSAGES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users::page).post(users::create))
        .route("/admin/users/{id}", get(account::page))
        .route("/admin/users/{id}/deactivate", post(account::deactivate))
        .route("/admin/users/{id}/password", post(account::reset_password))
        .route("/admin/areas", get(areas::page).post(areas::define))
        .route("/admin/areas/merge", post(merge_preview::preview))
        .route(merge_preview::CONFIRM_PATH, post(merge::confirm))
        .route(
            "/admin/addresses",
            get(addresses::page).post(addresses::establish),
        )
}

/// The page's user as the API's [`Admin`]: the same role check the API's extractor makes.
pub fn admin_only(user: &WebUser) -> Result<Admin, WebError> {
    user.as_role()
}

/// `?done=…`: which command a redirect comes back from (a fixed code, never data).
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    pub done: Option<String>,
}

/// What a command did, as the notice of the page it returns to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    UserCreated,
    UserDeactivated,
    PasswordReset,
    AreaDefined,
    CommunesMerged,
    AddressEstablished,
}

impl Notice {
    const ALL: [(Notice, &'static str); 6] = [
        (Notice::UserCreated, "user_created"),
        (Notice::UserDeactivated, "user_deactivated"),
        (Notice::PasswordReset, "password_reset"),
        (Notice::AreaDefined, "area_defined"),
        (Notice::CommunesMerged, "communes_merged"),
        (Notice::AddressEstablished, "address_established"),
    ];

    fn code(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(notice, _)| *notice == self)
            .map_or("", |(_, code)| code)
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .find(|(_, known)| *known == code)
            .map(|(notice, _)| *notice)
    }

    fn words(self, lang: Lang) -> &'static str {
        match self {
            Notice::UserCreated => tr(lang, "admin.notice.user_created"),
            Notice::UserDeactivated => tr(lang, "admin.notice.user_deactivated"),
            Notice::PasswordReset => tr(lang, "admin.notice.password_reset"),
            Notice::AreaDefined => tr(lang, "admin.notice.area_defined"),
            Notice::CommunesMerged => tr(lang, "admin.notice.communes_merged"),
            Notice::AddressEstablished => tr(lang, "admin.notice.address_established"),
        }
    }
}

/// The notice line of a page a command redirected to (nothing for an unknown code).
pub fn notice(lang: Lang, done: &Done) -> Markup {
    let notice = done.done.as_deref().and_then(Notice::parse);
    html! {
        @if let Some(notice) = notice {
            p.notice #notice role="status" { (notice.words(lang)) }
        }
    }
}

/// Post/redirect/get: back to `path`, which shows `notice`.
pub fn redirect(path: &str, notice: Notice) -> Response {
    Redirect::to(&format!("{path}?done={}", notice.code())).into_response()
}

/// An area as a choice or a cell: "code · name".
pub fn area_label(area: &Area) -> String {
    format!("{} · {}", area.code.as_str(), area.name)
}

/// `(code, label)` pairs as the select and choice widgets take them.
pub fn borrowed(options: &[(String, String)]) -> Vec<(&str, &str)> {
    options
        .iter()
        .map(|(code, label)| (code.as_str(), label.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_round_trips_through_its_code() {
        for (notice, code) in Notice::ALL {
            assert_eq!(Notice::parse(code), Some(notice));
            assert_eq!(notice.code(), code);
            assert!(!notice.words(Lang::Vi).starts_with("admin."));
        }
        assert_eq!(Notice::parse("<script>"), None);
    }
}

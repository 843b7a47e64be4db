//! The web app (served at `/` by `tincay serve`): server-rendered HTML pages for volunteers,
//! supervisors, reporting officers and administrators, Vietnamese first.
//!
//! Pages go through the very handlers and projections the JSON API uses (the rules, the
//! scope checks and the access log have one code path); a page handler only turns a form
//! into the API's request and the API's answer into HTML. Every page works without
//! JavaScript; `assets/app.js` only improves it.
//!
//! - [`session`]: the session and language cookies, CSRF tokens, [`session::WebUser`];
//!   [`form`]: posted forms ([`form::SignedInForm`] checks CSRF first).
//! - [`page`]: the frame of every page and its headers; [`error`]: error pages;
//!   [`i18n`]: the translation catalogue; [`assets`]: the embedded stylesheet and script.
//! - [`case_code`]: a case's short code, shown to volunteers and supervisors and searched by;
//!   [`staff`]: how a staff account is named on a page (full name and username).
//! - [`widgets`]: labelled form fields and the hidden fields of a command; [`area_picker`]:
//!   one unit among thousands (grouped by province, searched when too many); [`refusal`]:
//!   which API refusals a form answers and how (every page's one table).
//! - [`auth_pages`]: sign-in, sign-out, the quick exit, the language switch; [`redirect`]:
//!   where they may send the browser back to (this site only).
//! - [`cases`], [`supervise`], [`reporting`], [`admin`]: each role's pages.
//! - [`outbox`]: the records a phone sealed while offline, opened and run as their forms.

pub mod admin;
pub mod area_picker;
pub mod assets;
pub mod auth_pages;
pub mod case_code;
pub mod cases;
pub mod error;
pub mod form;
pub mod i18n;
pub mod outbox;
pub mod page;
pub mod redirect;
pub mod refusal;
pub mod reporting;
pub mod session;
pub mod staff;
pub mod supervise;
pub mod widgets;

use axum::Router;

use crate::edge::state::AppState;

/// Every page and asset.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth_pages::router())
        .merge(assets::router())
        .merge(cases::router())
        .merge(supervise::router())
        .merge(reporting::router())
        .merge(admin::router())
        .merge(outbox::router())
}

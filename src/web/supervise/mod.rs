//! The supervisor's pages (role `supervisor` only; every other role gets a 403 page):
//!
//! - [`dashboard`]: `GET /dashboard`, her area at a glance: open cases per trusted address,
//!   overdue follow-ups, closure requests waiting for her review.
//! - [`review`], [`transfer`], [`reopen`], [`erase`]: `GET`/`POST /cases/{id}/review`,
//!   `…/transfer`, `…/reopen`, `…/erase` (and `GET …/erased`, where an erasure lands).
//! - [`access_log`]: `GET /cases/{id}/access-log`.
//! - [`accounts`]: the accounts waiting for her approval (on the dashboard), and
//!   `POST /accounts/{id}/approve` or `…/refuse`.
//!
//! Every command goes through the API's own handler (scope check, rules, idempotency,
//! `If-Match`, access log); these pages only turn a form into the API's body and the answer
//! into HTML. [`gate`]: who may use these pages and the case a page is about (its status
//! and version from the case index, never its personal data); [`command`]: a form's
//! body for the API and what follows its answer; [`refusal`]: what stands above a
//! refused form ([`crate::web::refusal`] says which refusals it answers); [`parts`]: the
//! pieces several pages show; [`messages`]: their words.

pub mod access_log;
pub mod accounts;
pub mod command;
pub mod dashboard;
pub mod erase;
pub mod gate;
pub mod messages;
pub mod parts;
pub mod refusal;
pub mod reopen;
pub mod review;
pub mod review_facts;
pub mod transfer;

use axum::Router;
use axum::routing::{get, post};

use crate::edge::state::AppState;

pub use messages::MESSAGES;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard::page))
        .route("/accounts/{id}/approve", post(accounts::approve))
        .route("/accounts/{id}/refuse", post(accounts::refuse))
        .route("/cases/{id}/review", get(review::page).post(review::submit))
        .route(
            "/cases/{id}/transfer",
            get(transfer::page).post(transfer::submit),
        )
        .route("/cases/{id}/reopen", get(reopen::page).post(reopen::submit))
        .route("/cases/{id}/erase", get(erase::page).post(erase::submit))
        .route("/cases/{id}/erased", get(erase::erased))
        .route("/cases/{id}/access-log", get(access_log::page))
}

//! The case routes (`API.md`, "Cases"): opening, listing and reading cases, the commands that
//! record work on them, erasure, and a case's access log. Volunteers and supervisors only:
//! admins and reporting officers get 403 on every path, and never any case content.
//!
//! Security-sensitive: every route goes through the one scope check
//! ([`crate::app::cases::flow::check_access`]; out of scope is 404), personal data never enters an error, a log
//! line or a `Debug` output, and every read of a case is in its access log before the case
//! is sent.
//!
//! - [`create`]: `POST /cases` (its use case [`crate::app::cases::open`]).
//! - [`commands`] (volunteers and supervisors) and [`supervision`] (supervisors): the
//!   commands, each a thin adapter over its use case in [`crate::app::cases`] (which
//!   holds their bodies, the scope check, idempotency, `If-Match`, decide, append with
//!   retry and read-your-writes).
//! - [`flow`]: a recorded command's answer (`201`, `ETag`, `Location`).
//! - [`view`]: `GET /cases/{id}` (its use case [`crate::app::cases::read`]); [`list`]:
//!   `GET /cases`.
//! - [`erase`]: `DELETE /cases/{id}`; [`access`]: `GET /cases/{id}/access-log`.
//! - [`extract`]: body, header, path and client-address extractors; [`docs`]: the error
//!   responses for the OpenAPI document.

pub mod access;
pub mod commands;
pub mod create;
pub mod docs;
pub mod erase;
pub mod extract;
pub mod flow;
pub mod list;
pub mod supervision;
pub mod view;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::edge::state::AppState;

/// Every case route.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create::open_case, list::list_cases))
        .routes(routes!(view::get_case, erase::erase_case))
        .routes(routes!(access::read_access_log))
        .routes(routes!(commands::provide_support))
        .routes(routes!(commands::make_referral))
        .routes(routes!(commands::record_referral_outcome))
        .routes(routes!(commands::schedule_follow_up))
        .routes(routes!(commands::complete_follow_up))
        .routes(routes!(commands::add_note))
        .routes(routes!(commands::assess_risk))
        .routes(routes!(commands::close_case))
        .routes(routes!(supervision::review_case))
        .routes(routes!(supervision::transfer_case))
        .routes(routes!(supervision::reopen_case))
}

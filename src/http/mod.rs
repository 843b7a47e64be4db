//! The HTTP API (`API.md` is the contract): axum handlers, a thin adapter over the
//! application core ([`crate::app`]): they turn requests into its use cases' inputs and map
//! their outcomes to JSON and every error to problem+json.
//!
//! - the state every handler holds, the client's address and the metrics are shared with the
//!   web app, below both: [`crate::edge`] ([`state`] re-exports the state for the library's
//!   users).
//! - [`error`]: the one error type and its status table; [`json`]: the body extractor;
//!   [`exclusions`]: statistics say how many events of set-aside cases they leave out.
//! - [`auth`]: who is calling (bearer token) and role extractors (the scope check is
//!   [`crate::app::scope`]).
//! - one module per resource, each with its own `router()` returning an `OpenApiRouter`, so
//!   the OpenAPI document is generated from the very routes that are served:
//!   [`sessions`], [`registry`], [`cases`], [`follow_ups`], [`stats`], [`reports`], [`ops`].
//! - [`middleware`]: hardening (limits, timeouts, load shedding, security headers), request
//!   ids, logging and request metrics; [`openapi`]: the generated document, with
//!   [`openapi_bounds`]: what each field accepts, and [`openapi_links`]: where what a `POST`
//!   creates can be used next.

pub mod auth;
pub mod cases;
pub mod error;
pub mod exclusions;
pub mod follow_ups;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod openapi_bounds;
pub mod openapi_links;
pub mod ops;
pub mod registry;
pub mod reports;
pub mod sessions;
pub mod state;
pub mod stats;
pub mod stats_usage;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::edge::state::AppState;

/// The API's routes under `/api/v1` with its OpenAPI document, and the operational routes
/// (`/healthz`, `/readyz`, `/metrics`), not yet hardened: the server adds the web app's
/// pages beside them and hardens the whole (`server::routes`).
///
/// `others` is added to the document: the routes the web app serves that it describes
/// (`POST /outbox`), which this layer does not know.
pub fn routes(
    state: &AppState,
    others: utoipa::openapi::OpenApi,
) -> (Router<AppState>, Router<AppState>) {
    let api = OpenApiRouter::new()
        .merge(sessions::router())
        .merge(registry::router())
        .merge(cases::router())
        .merge(follow_ups::router())
        .merge(stats::router())
        .merge(stats_usage::router())
        .merge(reports::router())
        .merge(ops::api_router());
    let (api, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", api)
        .split_for_parts();
    let (ops, ops_document) = ops::router().split_for_parts();
    document.merge(ops_document);
    document.merge(others);
    let api = api.merge(openapi::router(&document, state.clock.today()));
    (api, ops)
}

/// The API and the operational routes alone, hardened (see [`middleware`]); an unknown path
/// is a problem+json 404. The served router, with the web app, is
/// `server::routes::router`.
pub fn router(state: AppState) -> Router {
    let (api, ops) = routes(&state, utoipa::openapi::OpenApiBuilder::new().build());
    middleware::harden(
        api.with_state(state.clone()),
        ops.with_state(state.clone()),
        &state,
    )
}

//! The HTTP API (`API.md` is the contract): axum handlers that turn requests into domain
//! commands and queries, check who may do what, and map every error to problem+json.
//!
//! - [`state`]: [`AppState`](state::AppState), one `Clone` struct of `Arc`s.
//! - [`error`]: the one error type and its status table; [`json`]: the body extractor.
//! - [`auth`]: who is calling (bearer token) and role extractors; [`scope`]: whether a user
//!   may see a case.
//! - one module per resource, each with its own `router()` returning an `OpenApiRouter`, so
//!   the OpenAPI document is generated from the very routes that are served:
//!   [`sessions`], [`registry`], [`cases`], [`follow_ups`], [`ops`].
//! - [`middleware`]: hardening (limits, timeouts, load shedding, security headers), request
//!   ids, metrics.

pub mod auth;
pub mod cases;
pub mod error;
pub mod follow_ups;
pub mod json;
pub mod middleware;
pub mod openapi;
pub mod ops;
pub mod registry;
pub mod scope;
pub mod sessions;
pub mod state;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::state::AppState;

/// Every route: the API under `/api/v1` (and its OpenAPI document), and the operational
/// routes at the root.
pub fn router(state: AppState) -> Router {
    let api = OpenApiRouter::new()
        .merge(sessions::router())
        .merge(registry::router())
        .merge(cases::router())
        .merge(follow_ups::router());
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api/v1", api)
        .split_for_parts();
    let router = api
        .merge(openapi::router(document))
        .merge(ops::router())
        .with_state(state.clone());
    middleware::harden(router, &state)
}

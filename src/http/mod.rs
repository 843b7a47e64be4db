//! The HTTP API (`API.md` is the contract): axum handlers that turn requests into domain
//! commands and queries, check who may do what, and map every error to problem+json.
//!
//! - [`state`]: [`AppState`](state::AppState), one `Clone` struct of `Arc`s.
//! - [`error`]: the one error type and its status table; [`json`]: the body extractor.
//! - [`auth`]: who is calling (bearer token) and role extractors; [`scope`]: whether a user
//!   may see a case.
//! - one module per resource, each with its own `router()`.

pub mod auth;
pub mod error;
pub mod json;
pub mod scope;
pub mod state;

use axum::Router;

use crate::http::state::AppState;

/// Every route under `/api/v1`, plus the operational ones at the root.
pub fn router(state: AppState) -> Router {
    Router::new().with_state(state)
}

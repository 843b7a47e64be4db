//! TODO: hardening layers (being built).

use axum::Router;

use crate::http::state::AppState;

/// Wrap the router in the service's layers.
pub fn harden(router: Router, state: &AppState) -> Router {
    let _ = state;
    router
}

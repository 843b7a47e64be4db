//! TODO: `/healthz`, `/readyz`, `/metrics` (being built).

use axum::Router;

use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}

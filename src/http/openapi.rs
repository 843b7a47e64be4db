//! The OpenAPI 3.1 document, generated from the routes and types (never written by hand),
//! served at `/api/v1/openapi.json` without authentication.

use axum::Router;
use axum::routing::get;
use utoipa::OpenApi;

use crate::http::state::AppState;

#[derive(Debug, OpenApi)]
#[openapi(info(
    title = "tincay",
    description = "The case log for Vietnam's trusted addresses."
))]
pub struct ApiDoc;

pub fn router(document: utoipa::openapi::OpenApi) -> Router<AppState> {
    let document = std::sync::Arc::new(document);
    Router::new().route(
        "/api/v1/openapi.json",
        get(move || {
            let document = std::sync::Arc::clone(&document);
            async move { axum::Json(document.as_ref().clone()) }
        }),
    )
}

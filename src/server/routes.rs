//! Every route the server answers, composed once: the API with its OpenAPI document
//! ([`crate::http::routes`]), the web app's pages ([`crate::web::router`], each under the
//! configured neutral `<title>`), and the operational routes, hardened together
//! ([`crate::http::middleware::harden_with`]). An unknown path is the API's problem+json 404,
//! except for a browser asking for a page outside `/api/`, which gets the web app's page
//! that says so.

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::edge::state::AppState;
use crate::http::middleware::{self, problems};
use crate::web::error::WebError;
use crate::web::session::lang_of;

/// The served router.
pub fn router(state: AppState) -> Router {
    use utoipa::OpenApi;
    let (api, ops) = crate::http::routes(&state, crate::web::outbox::OutboxDoc::openapi());
    let pages = crate::web::router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::web::page::neutral_title,
    ));
    middleware::harden_with(
        api.merge(pages).with_state(state.clone()),
        ops.with_state(state.clone()),
        not_found,
        &state,
    )
}

/// No route has this path: a page for a browser outside the API, else problem+json.
async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if wants_page(&uri, &headers) {
        return WebError::status(StatusCode::NOT_FOUND, lang_of(&headers)).into_response();
    }
    problems::not_found().await
}

/// Whether a request for an unknown path is a browser's, for a page outside the API.
fn wants_page(uri: &Uri, headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
        && !uri.path().starts_with("/api/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_browser_outside_the_api_gets_a_page() {
        let html = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, value.parse().unwrap());
            headers
        };
        let page: Uri = "/nowhere".parse().unwrap();
        let api: Uri = "/api/v1/nowhere".parse().unwrap();
        assert!(wants_page(&page, &html("text/html,*/*")));
        assert!(!wants_page(&api, &html("text/html")));
        assert!(!wants_page(&page, &html("application/json")));
        assert!(!wants_page(&page, &HeaderMap::new()));
    }
}

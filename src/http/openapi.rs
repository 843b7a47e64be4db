//! The OpenAPI 3.1 document, generated from the routes and types (never written by hand),
//! served at `/api/v1/openapi.json` without authentication.
//!
//! Each resource's `router()` is a `utoipa_axum` `OpenApiRouter`, so a route cannot be served
//! without being in the document. A handler that needs a token says so with
//! `security(("bearer" = []))` ([`BEARER`]); errors refer to the [`Problem`] schema.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::edge::state::AppState;
use crate::http::error::{FieldError, Problem};

/// The name of the bearer-token security scheme.
pub const BEARER: &str = "bearer";

/// Where the document is served.
pub const PATH: &str = "/api/v1/openapi.json";

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "tincay",
        version = env!("CARGO_PKG_VERSION"),
        description = "The case log for Vietnam's trusted addresses (địa chỉ tin cậy). \
            Every error is application/problem+json (the Problem schema)."
    ),
    paths(openapi_json),
    components(schemas(Problem, FieldError)),
    modifiers(&BearerScheme),
    tags(
        (name = "operations", description = "Health, readiness, metrics, the chain head, this document"),
    )
)]
pub struct ApiDoc;

/// Adds the `bearer` security scheme: `Authorization: Bearer TOKEN` from `POST /sessions`.
#[derive(Debug)]
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A session token from POST /api/v1/sessions"))
                    .build(),
            ),
        );
    }
}

/// The document, serialized once.
#[derive(Clone, Debug)]
struct Document(axum::body::Bytes);

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
async fn openapi_json(Extension(document): Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document.0)
}

/// The route serving `document`, with what each field accepts stated as of `today`
/// ([`openapi_bounds`](crate::http::openapi_bounds)) and the links from what a `POST`
/// creates to its operations ([`openapi_links`](crate::http::openapi_links)).
pub fn router(document: &utoipa::openapi::OpenApi, today: time::Date) -> Router<AppState> {
    let mut value = serde_json::to_value(document).unwrap_or_default();
    crate::http::openapi_bounds::annotate(&mut value, today);
    crate::http::openapi_links::annotate(&mut value);
    document_rate_limit(&mut value);
    let json = serde_json::to_vec(&value).unwrap_or_default();
    Router::new()
        .route(PATH, get(openapi_json))
        .layer(Extension(Document(json.into())))
}

/// Every operation that takes a token may answer 429 `rate_limited` (the per-user request
/// rate, `--user-requests-per-minute`): said once here for all of them, where a handler's own
/// list does not already say it.
fn document_rate_limit(document: &mut serde_json::Value) {
    let Some(serde_json::Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    let operations = paths
        .values_mut()
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter(|operation| operation.get("security").is_some());
    for operation in operations {
        if let Some(serde_json::Value::Object(responses)) = operation.get_mut("responses") {
            responses.entry("429").or_insert_with(|| {
                serde_json::json!({
                    "description": "`rate_limited`: too many requests from this user; \
                        `Retry-After` says when to try again",
                    "content": {"application/problem+json": {
                        "schema": {"$ref": "#/components/schemas/Problem"}}},
                })
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_with_a_token_documents_the_rate_limit_and_keeps_its_own() {
        let mut document = serde_json::json!({"paths": {
            "/api/v1/me": {"get": {"security": [{"bearer": []}], "responses": {"200": {}}}},
            "/api/v1/cases": {"get": {"security": [{"bearer": []}],
                "responses": {"429": {"description": "own"}}}},
            "/healthz": {"get": {"responses": {"200": {}}}},
        }});
        document_rate_limit(&mut document);
        let paths = &document["paths"];
        assert!(
            paths["/api/v1/me"]["get"]["responses"]["429"]["description"]
                .as_str()
                .unwrap()
                .contains("rate_limited")
        );
        assert_eq!(
            paths["/api/v1/cases"]["get"]["responses"]["429"]["description"],
            "own"
        );
        assert!(paths["/healthz"]["get"]["responses"].get("429").is_none());
    }
}

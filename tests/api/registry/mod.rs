//! The registry (admin): areas, trusted addresses and users, each endpoint's success and
//! error paths (400/401/403/422), what `GET /trusted-addresses` shows each role, and the
//! OpenAPI document of these routes.

mod addresses;
mod areas;
mod idempotency;
mod merge;
mod users;

use crate::requests::*;
use crate::support::*;

#[tokio::test]
async fn the_openapi_document_describes_the_session_and_registry_routes() {
    let app = spawn_app().await;

    let document = get(&app, "/openapi.json", None).await.json;

    for (path, method) in [
        ("/api/v1/sessions", "post"),
        ("/api/v1/sessions/current", "delete"),
        ("/api/v1/me", "get"),
        ("/api/v1/areas", "post"),
        ("/api/v1/trusted-addresses", "post"),
        ("/api/v1/trusted-addresses", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{id}", "delete"),
        ("/api/v1/users/{id}/password", "post"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} missing"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["NewUser"].is_object());
}

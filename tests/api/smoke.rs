//! The server starts on port 0, serves its OpenAPI document and stops cleanly.

use crate::support::*;

#[tokio::test]
async fn the_server_serves_its_openapi_document_and_stops_cleanly() {
    let app = spawn_app().await;
    let world = seed_world(&app).await;
    assert!(app.state.projections.registry.user(&world.admin).is_some());
    let response = app
        .client
        .get(app.api("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: serde_json::Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    app.stop().await;
}

//! The case routes are in the generated OpenAPI document, with their bodies and every
//! error they can answer.

use crate::support::*;

#[tokio::test]
async fn every_case_route_is_documented_with_its_body_and_errors() {
    let app = spawn_app().await;
    let document: serde_json::Value = app
        .client
        .get(app.api("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &document["paths"];
    let command = [
        "201", "400", "401", "403", "404", "410", "412", "413", "422", "429",
    ];
    for path in [
        "support",
        "referrals",
        "referrals/{rid}/outcome",
        "follow-ups",
        "follow-ups/{fid}/complete",
        "notes",
        "risk",
        "reviews",
        "transfer",
        "close",
        "reopen",
    ] {
        let operation = &paths[format!("/api/v1/cases/{{id}}/{path}")]["post"];
        let responses: Vec<&String> = operation["responses"].as_object().unwrap().keys().collect();
        assert_eq!(responses, command, "{path}");
        assert!(
            operation["requestBody"]["content"]["application/json"].is_object(),
            "{path}"
        );
        let headers: Vec<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "header")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(headers, ["If-Match", "Idempotency-Key"], "{path}");
    }
    let open = &paths["/api/v1/cases"]["post"];
    assert_eq!(
        open["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/OpenCaseBody"
    );
    for (path, method, status) in [
        ("/api/v1/cases", "get", "200"),
        ("/api/v1/cases/{id}", "get", "200"),
        ("/api/v1/cases/{id}", "delete", "204"),
        ("/api/v1/cases/{id}/access-log", "get", "200"),
        ("/api/v1/follow-ups", "get", "200"),
    ] {
        let responses = &paths[path][method]["responses"];
        assert!(responses[status].is_object(), "{method} {path}");
        assert_eq!(
            responses["403"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem",
            "{method} {path}"
        );
    }
}

//! The OpenAPI document: what it declares, that every path in it is served, and that every
//! path of API.md the server serves so far is in it.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::*;

/// Every (method, path) API.md names; ids as `{}`.
const CONTRACT: &[(&str, &str)] = &[
    ("POST", "/api/v1/sessions"),
    ("DELETE", "/api/v1/sessions/current"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/areas"),
    ("POST", "/api/v1/trusted-addresses"),
    ("GET", "/api/v1/trusted-addresses"),
    ("POST", "/api/v1/users"),
    ("DELETE", "/api/v1/users/{}"),
    ("POST", "/api/v1/cases"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/cases/{}"),
    ("DELETE", "/api/v1/cases/{}"),
    ("POST", "/api/v1/cases/{}/support"),
    ("POST", "/api/v1/cases/{}/referrals"),
    ("POST", "/api/v1/cases/{}/referrals/{}/outcome"),
    ("POST", "/api/v1/cases/{}/follow-ups"),
    ("POST", "/api/v1/cases/{}/follow-ups/{}/complete"),
    ("POST", "/api/v1/cases/{}/notes"),
    ("POST", "/api/v1/cases/{}/risk"),
    ("POST", "/api/v1/cases/{}/reviews"),
    ("POST", "/api/v1/cases/{}/transfer"),
    ("POST", "/api/v1/cases/{}/close"),
    ("POST", "/api/v1/cases/{}/reopen"),
    ("GET", "/api/v1/cases/{}/access-log"),
    ("GET", "/api/v1/follow-ups"),
    ("GET", "/api/v1/vocabularies"),
    ("GET", "/api/v1/stats"),
    ("GET", "/api/v1/reports/programme"),
    ("GET", "/api/v1/log/head"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `/cases/{id}/referrals/{rid}` → `/cases/{}/referrals/{}`.
fn template(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    out
}

/// The document's (METHOD, templated path) pairs.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                found.insert((method.to_uppercase(), template(path)));
            }
        }
    }
    found
}

async fn document(app: &TestApp) -> Value {
    let response = app
        .client
        .get(app.api("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

/// Whether the router itself refused: an unknown path (the fallback's 404) or method (405).
/// A handler's own 404 (no such case) says something else.
async fn router_refuses(app: &TestApp, method: &str, path: &str) -> Option<String> {
    let url = app.url(&path.replace("{}", &uuid::Uuid::new_v4().to_string()));
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method.clone(), &url);
    if method != reqwest::Method::GET && method != reqwest::Method::DELETE {
        request = request
            .header("content-type", "application/json")
            .body("{}");
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match status {
        405 => Some(format!("{method} {path}: 405")),
        404 if body["detail"] == "there is no such path" => Some(format!("{method} {path}: 404")),
        _ => None,
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_bearer_auth_and_the_problem_schema() {
    let app = spawn_app().await;
    let document = document(&app).await;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["info"]["title"], "tincay");
    assert_eq!(document["info"]["version"], env!("CARGO_PKG_VERSION"));
    let bearer = &document["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http");
    assert_eq!(bearer["scheme"], "bearer");
    let problem = &document["components"]["schemas"]["Problem"]["properties"];
    for field in ["type", "title", "status", "code", "detail"] {
        assert!(problem.get(field).is_some(), "Problem.{field}: {problem}");
    }
    app.stop().await;
}

#[tokio::test]
async fn every_path_in_the_document_is_served() {
    let app = spawn_app().await;
    let document = document(&app).await;
    let operations = operations(&document);
    assert!(operations.len() >= 5, "{operations:?}");
    let mut refused = Vec::new();
    for (method, path) in &operations {
        refused.extend(router_refuses(&app, method, path).await);
    }
    assert!(refused.is_empty(), "documented but not served: {refused:?}");
    app.stop().await;
}

#[tokio::test]
async fn every_contract_path_the_server_serves_is_documented() {
    let app = spawn_app().await;
    let documented = operations(&document(&app).await);
    let mut undocumented = Vec::new();
    for (method, path) in CONTRACT {
        let served = router_refuses(&app, method, path).await.is_none();
        let key = ((*method).to_owned(), (*path).to_owned());
        if served && !documented.contains(&key) {
            undocumented.push(format!("{method} {path}"));
        }
    }
    assert!(
        undocumented.is_empty(),
        "served but not documented: {undocumented:?}"
    );
    // What this branch serves itself must be there whatever else is merged.
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/log/head",
    ] {
        assert!(
            documented.contains(&("GET".to_owned(), path.to_owned())),
            "{path}"
        );
    }
    app.stop().await;
}

//! Calling the API in tests: one request, its whole reply kept (status, headers, raw text
//! and JSON) so tests can check bodies byte for byte.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::support::{PASSWORD, TestApp};

/// A reply, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    /// The problem+json `code`.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or_default()
    }

    /// The fields named by a 422's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|error| error["field"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `METHOD /api/v1{path}` with an optional bearer token and JSON body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut request = app.client.request(method, app.api(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

pub async fn get(app: &TestApp, path: &str, token: Option<&str>) -> Reply {
    call(app, Method::GET, path, token, None).await
}

pub async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> Reply {
    call(app, Method::POST, path, token, Some(body)).await
}

pub async fn delete(app: &TestApp, path: &str, token: Option<&str>) -> Reply {
    call(app, Method::DELETE, path, token, None).await
}

/// `POST /sessions` for `username` with `password`.
pub async fn sign_in(app: &TestApp, username: &str, password: &str) -> Reply {
    let body = serde_json::json!({"username": username, "password": password});
    post(app, "/sessions", None, body).await
}

/// Sign in with the seeded password and return the token.
pub async fn token_of(app: &TestApp, username: &str) -> String {
    let reply = sign_in(app, username, PASSWORD).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json["token"].as_str().unwrap().to_owned()
}

//! The layers around every route: body limit, security headers, request ids, load shedding,
//! timeouts, and problem+json for the errors axum makes itself (404, 405, 413).
//!
//! Where a test needs a handler the API does not have (one that blocks until released, one
//! that reads raw bytes), it serves its own router through the same `harden`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::routing::{get, post};
use tincay::http::middleware::harden;
use tincay::http::state::{AppState, HttpSettings};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Semaphore, mpsc};

use crate::support::*;

const SECURITY_HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("cache-control", "no-store"),
    ("x-frame-options", "DENY"),
];

fn assert_hardened(response: &reqwest::Response) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(
            response.headers().get(name).map(|v| v.to_str().unwrap()),
            Some(value),
            "{name} on {}",
            response.url()
        );
    }
    assert!(response.headers().contains_key("x-request-id"));
}

async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status(), status, "{}", response.url());
    assert_hardened(&response);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["status"], status);
    assert_eq!(problem["code"], code);
    assert_eq!(problem["type"], "about:blank");
    problem
}

/// Serve `api` and the real operational routes through the service's layers, with the
/// state of a running app.
async fn serve_hardened(api: Router, state: &AppState) -> SocketAddr {
    let (ops, _) = tincay::http::ops::router().split_for_parts();
    let router = harden(api, ops.with_state(state.clone()), state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_store() {
    let app = spawn_app().await;
    for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_hardened(&response);
    }
    let missing = app
        .client
        .get(app.api("/nothing/here"))
        .send()
        .await
        .unwrap();
    assert_problem(missing, 404, "not_found").await;
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_path_is_a_404_and_a_wrong_method_a_405_problem() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/path"))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 404, "not_found").await;
    assert_eq!(problem["detail"], "there is no such path");

    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert!(
        response.headers()["allow"]
            .to_str()
            .unwrap()
            .contains("GET")
    );
    assert_problem(response, 405, "method_not_allowed").await;

    let response = app
        .client
        .put(app.api("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 405, "method_not_allowed").await;
    app.stop().await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_problem() {
    let app = spawn_app().await;
    let big = vec![b'x'; 64 * 1024 + 1];
    let response = app
        .client
        .post(app.api("/openapi.json"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_problem(response, 413, "payload_too_large").await;

    // A handler that reads raw bytes, not JSON, is limited the same way.
    let api = Router::new().route(
        "/bytes",
        post(|body: Bytes| async move { body.len().to_string() }),
    );
    let addr = serve_hardened(api, &app.state).await;
    let url = format!("http://{addr}/bytes");
    let response = app.client.post(&url).body(big).send().await.unwrap();
    assert_problem(response, 413, "payload_too_large").await;
    let response = app
        .client
        .post(&url)
        .body(vec![b'x'; 1000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "1000");
    app.stop().await;
}

/// A chunked body announces no length: the limit must stop it while it streams.
#[tokio::test]
async fn a_streamed_body_over_the_limit_is_a_413_problem() {
    let app = spawn_app().await;
    let api = Router::new().route(
        "/bytes",
        post(|body: Bytes| async move { body.len().to_string() }),
    );
    let addr = serve_hardened(api, &app.state).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let chunk = vec![b'y'; 16 * 1024];
    let mut request =
        b"POST /bytes HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            .to_vec();
    for _ in 0..5 {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(&chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(&request).await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert!(
        answer.contains("\"code\":\"payload_too_large\""),
        "{answer}"
    );
    assert!(answer.contains("cache-control: no-store"), "{answer}");
    app.stop().await;
}

#[tokio::test]
async fn a_sane_request_id_is_echoed_and_anything_else_replaced() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-42.a_b")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42.a_b");

    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "not a sane id")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");

    let response = app.client.get(app.url("/nowhere")).send().await.unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(
        uuid::Uuid::parse_str(id).is_ok(),
        "errors get an id too: {id}"
    );
    app.stop().await;
}

#[tokio::test]
async fn requests_over_the_concurrency_limit_are_shed_with_retry_after() {
    let app = spawn_app_with(HttpSettings {
        max_concurrent_requests: 1,
        ..HttpSettings::default()
    })
    .await;
    let (entered, mut inside) = mpsc::unbounded_channel::<()>();
    let release = Arc::new(Semaphore::new(0));
    let gate = Arc::clone(&release);
    let api = Router::new().route(
        "/block",
        get(move || {
            let entered = entered.clone();
            let gate = Arc::clone(&gate);
            async move {
                let _ = entered.send(());
                let _permit = gate.acquire().await.unwrap();
                "released"
            }
        }),
    );
    let addr = serve_hardened(api, &app.state).await;
    let url = format!("http://{addr}/block");

    let blocked = tokio::spawn(app.client.get(&url).send());
    inside.recv().await.unwrap();

    let shed = app.client.get(&url).send().await.unwrap();
    assert_eq!(shed.headers()["retry-after"], "1");
    assert_problem(shed, 503, "unavailable").await;
    // The operational routes are never shed: a busy server is not a dead one.
    let health = app
        .client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);

    release.add_permits(1);
    let first = blocked.await.unwrap().unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.text().await.unwrap(), "released");

    release.add_permits(1);
    let after = app.client.get(&url).send().await.unwrap();
    assert_eq!(after.status(), 200, "the slot is free again");
    app.stop().await;
}

#[tokio::test]
async fn a_request_over_the_timeout_is_a_503_problem() {
    let app = spawn_app_with(HttpSettings {
        request_timeout: Duration::from_millis(200),
        ..HttpSettings::default()
    })
    .await;
    let api = Router::new().route("/forever", get(std::future::pending::<&'static str>));
    let addr = serve_hardened(api, &app.state).await;
    let response = app
        .client
        .get(format!("http://{addr}/forever"))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 503, "unavailable").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("200 ms"),
        "{problem}"
    );
    app.stop().await;
}

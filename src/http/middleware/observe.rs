//! What happened to each request: its id, its span, one log line and the request metrics.
//!
//! Security-sensitive: nothing here may log or label personal data, tokens or passwords. The
//! span and the log line carry the request id, the method, the route *template* (from
//! `MatchedPath`, so `/api/v1/cases/{id}`, never the raw path or its query) and the status;
//! never headers, bodies or query strings.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use uuid::Uuid;

use crate::edge::metrics::{Metrics, RequestLabels, UNMATCHED};

/// The request id header, read and echoed.
pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest incoming request id kept.
const MAX_ID_LEN: usize = 64;

/// The request's id, in its extensions for handlers that want it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// An incoming id is kept if it is 1 to 64 characters of `A-Z a-z 0-9 - _ . :`; anything
/// else (which could forge log lines or carry who knows what) is replaced by a new UUID.
pub fn sane(id: &str) -> bool {
    (1..=MAX_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(&X_REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| sane(id))
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let header = HeaderValue::from_str(&id).ok();
    if let Some(header) = &header {
        request
            .headers_mut()
            .insert(X_REQUEST_ID.clone(), header.clone());
    }
    request.extensions_mut().insert(RequestId(id.clone()));
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let span = tracing::info_span!("request", request_id = %id, method, route = %route);

    let mut response = next.run(request).instrument(span.clone()).await;

    if let Some(header) = header {
        response.headers_mut().insert(X_REQUEST_ID.clone(), header);
    }
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    span.in_scope(|| {
        if response.status().is_server_error() {
            tracing::warn!(status, elapsed_us, "request answered");
        } else {
            tracing::info!(status, elapsed_us, "request answered");
        }
    });
    let labels = RequestLabels {
        method: method.to_owned(),
        route,
        status,
    };
    metrics.observe_request(&labels, elapsed);
    response
}

/// The method as a bounded label: the standard ones, else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::sane;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for good in ["abc", "0f8c-12_3.4:5", &"a".repeat(64)] {
            assert!(sane(good), "{good}");
        }
        for bad in ["", "a b", "x\ny", "Nguyễn", &"a".repeat(65), "a\"b"] {
            assert!(!sane(bad), "{bad}");
        }
    }
}

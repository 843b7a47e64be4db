//! Every error leaves as `application/problem+json` (API.md), even those the handlers never
//! see: axum's rejections (a 405, a 413 from any body extractor, a plain-text 400 from a path
//! or query extractor) and the 404 of an unknown path.
//!
//! Plain-text rejection messages may quote what the client sent (personal data typed into
//! the wrong field), so only 400 and 422 keep theirs, with the quoted values removed
//! ([`without_values`]); every other status gets its standard title only.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::Problem;
use crate::http::json::without_values;

/// The problem content type.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// How much of a plain-text rejection is read to become a problem's `detail`.
const DETAIL_LIMIT: usize = 4096;

/// A problem+json response.
pub fn problem_response(
    status: StatusCode,
    code: &'static str,
    detail: Option<String>,
) -> Response {
    let problem = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        code,
        detail,
        errors: None,
        rule: None,
        renews_on: None,
    };
    let body = serde_json::to_vec(&problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// The API's fallback: no route has this path (the server answers a browser's page request
/// with the web app's page instead, `server::routes`).
pub async fn not_found() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        "not_found",
        Some("there is no such path".into()),
    )
}

/// The problem code of a status (API.md's table, and the statuses only axum produces).
pub fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        410 => "gone",
        411 => "length_required",
        412 => "precondition_failed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "validation_failed",
        429 => "rate_limited",
        503 => "unavailable",
        500..=599 => "internal",
        _ => "error",
    }
}

/// Turn an error response that is not problem+json into one, keeping its status and
/// headers (`Allow`, `Retry-After`). The web app's pages (HTML) are left as they are.
pub async fn problem_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem || is_page {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = match status {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => rejection_text(body).await,
        StatusCode::METHOD_NOT_ALLOWED => Some("this path does not take this method".into()),
        StatusCode::PAYLOAD_TOO_LARGE => Some("the request body is too large".into()),
        _ => None,
    };
    let problem = problem_response(status, code_of(status), detail);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    let (_, body) = problem.into_parts();
    Response::from_parts(parts, body)
}

/// A rejection's message without the values it quotes.
async fn rejection_text(body: Body) -> Option<String> {
    let bytes = to_bytes(body, DETAIL_LIMIT).await.ok()?;
    let text = std::str::from_utf8(&bytes).ok()?.trim();
    (!text.is_empty()).then(|| without_values(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_get_the_codes_of_the_contract() {
        for (status, code) in [
            (StatusCode::BAD_REQUEST, "bad_request"),
            (StatusCode::NOT_FOUND, "not_found"),
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            (StatusCode::BAD_GATEWAY, "internal"),
        ] {
            assert_eq!(code_of(status), code, "{status}");
        }
    }
}

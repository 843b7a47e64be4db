//! Limits on the API routes, outermost first: load shedding once `max_concurrent_requests`
//! are in flight (503 with `Retry-After`, at once, instead of queueing until everything is
//! slow), the request timeout (503), and the body limit (413, whether the body announces its
//! length or streams past the limit).
//!
//! axum layers each route separately, so the concurrency limit shares one semaphore across
//! every route ([`GlobalConcurrencyLimitLayer`]): the limit is the server's, not a route's.
//!
//! A timed-out request is dropped, but an append it had already submitted still completes
//! (the log's writer does not know the caller left): clients retry with the same
//! `Idempotency-Key`, which is what it is for.

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::{BoxError, ServiceBuilder};
use tower_http::limit::RequestBodyLimitLayer;

use crate::edge::state::HttpSettings;
use crate::http::error::ApiError;
use crate::http::middleware::problems::problem_response;

/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECS: u64 = 1;

/// Wrap `router` in the limits of `settings`.
pub fn apply(router: Router, settings: &HttpSettings) -> Router {
    let timeout = settings.request_timeout;
    router.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(move |error: BoxError| async move {
                limit_error(&error, timeout)
            }))
            .load_shed()
            .layer(GlobalConcurrencyLimitLayer::new(
                settings.max_concurrent_requests.max(1),
            ))
            .timeout(timeout)
            .layer(RequestBodyLimitLayer::new(settings.body_limit))
            .layer(DefaultBodyLimit::max(settings.body_limit)),
    )
}

/// The answer when a limit, not the handler, ended the request.
fn limit_error(error: &BoxError, timeout: std::time::Duration) -> Response {
    if error.is::<tower::load_shed::error::Overloaded>() {
        tracing::warn!("shedding a request: too many in flight");
        return ApiError::Overloaded {
            retry_after_secs: RETRY_AFTER_SECS,
        }
        .into_response();
    }
    if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!(
            timeout_ms = timeout.as_millis() as u64,
            "a request timed out"
        );
        return problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Some(format!(
                "the request took longer than {} ms; retry it (with the same Idempotency-Key)",
                timeout.as_millis()
            )),
        );
    }
    ApiError::Internal(format!("a limit layer failed: {error}")).into_response()
}

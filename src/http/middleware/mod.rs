//! Hardening and observation: the layers every response passes through.
//!
//! Security-sensitive. From the outside in:
//!
//! - [`compression`]: gzip or brotli, as the client accepts, so a direct deployment is as
//!   light as one behind a proxy.
//! - [`observe`]: a request id (`x-request-id`: a sane incoming one, else a new UUID; echoed
//!   in the response), the request's tracing span (id, method, route template: never the raw
//!   path or query), one log line per request, and the request metrics.
//! - [`client`](crate::edge::client): who the client is, from a trusted proxy's
//!   `Forwarded`/`X-Forwarded-For`.
//! - [`headers`]: security headers and `Cache-Control: no-store` on every response.
//! - [`problems`]: every error leaves as problem+json, including axum's own plain-text
//!   rejections (405, 413 from any extractor, ...) and the 404 of an unknown path.
//! - [`limits`], on the API routes only: load shedding over `max_concurrent_requests` (503 and
//!   `Retry-After`), the request timeout (503), and the body limit (413).
//!
//! The operational routes (`/healthz`, `/readyz`, `/metrics`) are observed and get the same
//! headers, but are never shed or timed out: a busy server must not look dead to whatever
//! probes it and restart it.

pub mod compression;
pub mod headers;
pub mod limits;
pub mod observe;
pub mod problems;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;

use crate::edge::client;
use crate::edge::state::AppState;

pub use observe::RequestId;

/// Wrap the API routes in the limits, add the operational routes, and wrap everything in
/// the observation, header and problem layers; an unknown path is a problem+json 404.
pub fn harden(api: Router, ops: Router, state: &AppState) -> Router {
    harden_with(api, ops, problems::not_found, state)
}

/// [`harden`], with `fallback` answering an unknown path (the server's answers a browser
/// with a page).
pub fn harden_with<H, T>(api: Router, ops: Router, fallback: H, state: &AppState) -> Router
where
    H: Handler<T, ()>,
    T: 'static,
{
    let proxies = Arc::new(client::TrustedProxies::new(
        state.settings.trusted_proxies.clone(),
    ));
    limits::apply(api, &state.settings)
        .merge(ops)
        .fallback(fallback)
        .layer(axum::middleware::from_fn(problems::problem_bodies))
        .layer(axum::middleware::from_fn_with_state(
            proxies,
            client::resolve,
        ))
        .layer(axum::middleware::map_response(headers::security_headers))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state.metrics),
            observe::observe,
        ))
        .layer(compression::layer())
}

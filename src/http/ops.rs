//! Operations (API.md, "Operations"): `GET /healthz` (200 while the process lives),
//! `GET /readyz` (200 once the projections have applied everything durable in the log and
//! none has failed, else 503), `GET /metrics` (OpenMetrics text; no personal data or ids, so
//! no authentication: restrict it at the proxy), and `GET /api/v1/log/head` (supervisor,
//! admin): the chain head to write down or publish elsewhere, so that truncating the tail of
//! the log is detectable.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::vocab::Role;
use crate::edge::metrics::Positions;
use crate::edge::state::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{ApiError, Problem};
use crate::http::middleware::problems::problem_response;

/// The content type of the OpenMetrics text format, which Prometheus reads.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The operational routes, at the root (outside `/api/v1`, outside the load limits).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// The operational routes that belong to the API (nested under `/api/v1`).
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(log_head))
}

/// What `/healthz` and `/readyz` answer when all is well.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `alive` or `ready`.
    pub status: &'static str,
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Health)))]
async fn healthz() -> axum::Json<Health> {
    axum::Json(Health { status: "alive" })
}

/// Whether requests would see everything acknowledged so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    CatchingUp { applied: u64, head: u64 },
    Failed,
}

impl Readiness {
    pub fn of(positions: Positions) -> Self {
        if positions.failed {
            Readiness::Failed
        } else if positions.applied >= positions.head {
            Readiness::Ready
        } else {
            Readiness::CatchingUp {
                applied: positions.applied,
                head: positions.head,
            }
        }
    }
}

/// The positions of the log and the projections, now.
pub fn positions(state: &AppState) -> Positions {
    Positions {
        head: state.log.head().map_or(0, |head| head.position),
        applied: state.projections.applied(),
        failed: state.projections.has_failed(),
        set_aside: state.projections.set_aside.summary(),
    }
}

/// Ready once the projections have applied the log's durable head and none has failed.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "The projections have caught up", body = Health),
    (status = 503, description = "Catching up, or a projection failed", body = Problem,
        content_type = "application/problem+json"),
))]
async fn readyz(State(state): State<AppState>) -> Response {
    match Readiness::of(positions(&state)) {
        Readiness::Ready => axum::Json(Health { status: "ready" }).into_response(),
        Readiness::CatchingUp { applied, head } => problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Some(format!(
                "the projections are catching up: applied {applied} of {head}"
            )),
        ),
        Readiness::Failed => problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            Some("a projection failed and serves nothing; see the server's log".into()),
        ),
    }
}

/// Prometheus metrics. No personal data or ids in any label.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "OpenMetrics text", body = String,
        content_type = "application/openmetrics-text"),
))]
async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    state
        .metrics
        .observe_stream_keys(state.log.keys().cached_stream_keys());
    let text = state
        .metrics
        .encode(positions(&state))
        .map_err(|_| ApiError::Internal("the metrics cannot be encoded".into()))?;
    let mut response = text.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(OPENMETRICS));
    Ok(response)
}

/// The chain head.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogHeadView {
    /// The last durable position; 0 on an empty log.
    pub position: u64,
    /// Its chain MAC (hex); null on an empty log.
    pub mac: Option<String>,
}

/// The log's chain head (supervisor, admin): write it down or publish it elsewhere, so that
/// a truncated log is detectable.
#[utoipa::path(get, path = "/log/head", tag = "operations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The durable chain head", body = LogHeadView),
        (status = 401, description = "No valid token", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "Not a supervisor or an admin", body = Problem,
            content_type = "application/problem+json"),
    ))]
async fn log_head(
    user: CurrentUser,
    State(state): State<AppState>,
) -> Result<axum::Json<LogHeadView>, ApiError> {
    if !matches!(user.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let head = state.log.head();
    Ok(axum::Json(LogHeadView {
        position: head.map_or(0, |head| head.position),
        mac: head.map(|head| head.mac.to_string()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(head: u64, applied: u64, failed: bool) -> Readiness {
        Readiness::of(Positions {
            head,
            applied,
            failed,
            set_aside: Default::default(),
        })
    }

    #[test]
    fn ready_only_when_caught_up_and_not_failed() {
        assert_eq!(at(0, 0, false), Readiness::Ready);
        assert_eq!(at(5, 5, false), Readiness::Ready);
        // The follower may read a record a moment before its sync is published.
        assert_eq!(at(5, 6, false), Readiness::Ready);
        assert_eq!(
            at(7, 5, false),
            Readiness::CatchingUp {
                applied: 5,
                head: 7
            }
        );
        assert_eq!(at(5, 5, true), Readiness::Failed);
    }
}

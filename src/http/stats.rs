//! `GET /stats`: anonymised statistics for reporting officers and supervisors (API.md,
//! "Statistics"), as JSON or, with `Accept: text/csv`, CSV with the protection stated in
//! the `Tincay-Disclosure-Control` header.
//!
//! - Who: reporting officers (perturbed counts only: `exact=true` is 403) and supervisors;
//!   others 403. `area` (default: the caller's own) must lie within the caller's area, else
//!   404 as if it did not exist.
//! - Period: `period` only (`2026`, `2026-Q1` or `2026-03`); no free ranges. A month (as
//!   the period or `by=month`) needs a district or a province in perturbed mode, and
//!   historical units a whole year ([`crate::stats::period::check`]).
//! - The whole grid: more than 10,000 cells is 422.
//! - Every query is charged to the caller's budget (reporting officers: distinct tables per
//!   rolling 30 days, repeats free; else 429 `budget_exhausted` with `renews_on`) and
//!   recorded in the access log with its normalised form before it is answered.
//!
//! The use case is the application core's ([`crate::app::stats::table`]); this is its JSON
//! and CSV ([`crate::app::stats::csv`]), answered by [`csv_response`], which
//! [`super::reports`] shares.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use crate::app::stats::table::{PERIOD_PATTERN, StatsQuery};
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::auth::StatsReader;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::exclusions;

use crate::app::stats::csv::Csv;
pub use crate::app::stats::csv::DISCLOSURE_HEADER;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(statistics))
}

/// A statistics table (documentation of the JSON shape).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = StatsTable)]
pub struct StatsTableDoc {
    pub measure: String,
    /// `2026`, `2026-Q3` or `2026-07`.
    pub period: String,
    pub area: String,
    pub by: Vec<String>,
    /// The suppression threshold: numbers from fewer than `k` cases are never published.
    pub k: u32,
    /// Whether counts carry cell-key noise (tables need not add up).
    pub perturbed: bool,
    /// `current` or `historical`.
    pub units: String,
    /// One object per cell of the whole grid (every value of every dimension): its value in
    /// each `by` dimension, `count` (null when suppressed: 0 to k−1 cases, or hidden to
    /// protect another) and `suppressed: true` when suppressed.
    pub cells: Vec<serde_json::Value>,
    pub total: CountDoc,
    /// Events of case streams set aside (undecodable) that these figures do not count; also
    /// the `Tincay-Excluded-Events` header.
    pub excluded_events: u64,
}

/// A published number.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PublishedCount)]
pub struct CountDoc {
    /// Null when suppressed.
    pub count: Option<u64>,
    pub suppressed: Option<bool>,
}

/// Statistics.
#[utoipa::path(get, path = "/stats", tag = "statistics", params(StatsQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The protected table (JSON, or CSV with `Accept: text/csv`)",
            headers(("Tincay-Disclosure-Control" = String,
                description = "On CSV: `perturbed; k=5` or `exact; k=5`")),
            content((StatsTableDoc = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`bad_request`: a missing `measure` or period, or an unknown parameter",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a reporting officer or supervisor, or `exact=true` by a reporting officer",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: `area` is not within the caller's area",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a value out of its vocabulary or range, a dimension that does not apply to the measure, a month below district level, historical units for less than a year, or a grid of more than 10,000 cells",
            body = Problem, content_type = "application/problem+json")))]
pub async fn statistics(
    State(state): State<AppState>,
    reader: StatsReader,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(raw) =
        query.map_err(|_| ApiError::BadRequest("malformed or unknown query parameter".into()))?;
    let csv = wants_csv(&headers);
    let table =
        crate::app::stats::table::stats_table(&state.app(), &reader, raw, csv, client).await?;
    let response = if csv {
        csv_response(Csv::stats(&table))
    } else {
        private(axum::Json(exclusions::counted(&state, table)), None)
    };
    Ok(exclusions::with_header(&state, response))
}

/// Whether the client asked for CSV.
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

/// A CSV document with its protection in the `Tincay-Disclosure-Control` header.
pub fn csv_response(csv: Csv) -> Response {
    let mut response = private(csv.body, None).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&csv.disclosure) {
        headers.insert(DISCLOSURE_HEADER, value);
    }
    response
}

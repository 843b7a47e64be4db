//! `GET /reports/programme?year=[&quarter=]&area=[&exact=true]`: the programme indicators of
//! Project 8 for one year or quarter and one area (see [`crate::stats::programme`]), as JSON or, with
//! `Accept: text/csv`, CSV. Same callers, scope, modes and recording as `GET /stats`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::stats::csv::Csv;
pub use crate::app::stats::programme::ProgrammeQuery;
use crate::edge::client::ClientAddr;
use crate::edge::state::AppState;
use crate::http::auth::StatsReader;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::exclusions;
use crate::http::stats::{CountDoc, csv_response, wants_csv};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(programme_report))
}

/// The programme indicators (documentation of the JSON shape).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ProgrammeReport)]
pub struct ProgrammeDoc {
    pub year: i32,
    /// 1..=4 for a quarter's report; absent for a year's.
    pub quarter: Option<u8>,
    pub area: String,
    pub k: u32,
    pub perturbed: bool,
    /// Trusted addresses maintained in the year and newly established in it (exact: not
    /// about people).
    pub trusted_addresses: AddressesDoc,
    /// `{"indicator", "by", "cells", "total"}` per breakdown: people supported by sex,
    /// ethnicity group, ethnicity and age band; support by type; shelter nights; referrals by
    /// target; referral outcomes by outcome; cases closed by reason.
    pub indicators: Vec<serde_json::Value>,
    /// Follow-ups due in the year, those completed on time, and the share (percent, from the
    /// published numbers; null when either is suppressed).
    pub follow_ups_on_time: serde_json::Value,
    pub cases_without_reporting_consent: CountDoc,
    /// Events of case streams set aside (undecodable) that these figures do not count; also
    /// the `Tincay-Excluded-Events` header.
    pub excluded_events: u64,
}

/// Trusted address counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct AddressesDoc {
    pub maintained: u64,
    pub established: u64,
}

/// Programme indicators.
#[utoipa::path(get, path = "/reports/programme", tag = "statistics", params(ProgrammeQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The protected indicators (JSON, or CSV with `Accept: text/csv`)",
            headers(("Tincay-Disclosure-Control" = String,
                description = "On CSV: `perturbed; k=5` or `exact; k=5`")),
            content((ProgrammeDoc = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`bad_request`: no `year`, or an unknown parameter",
            body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`unauthorized`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a reporting officer or supervisor, or `exact=true` by a reporting officer",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: `area` is not within the caller's area",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a value out of its range",
            body = Problem, content_type = "application/problem+json")))]
pub async fn programme_report(
    State(state): State<AppState>,
    reader: StatsReader,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    query: Result<Query<ProgrammeQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(raw) =
        query.map_err(|_| ApiError::BadRequest("malformed or unknown query parameter".into()))?;
    let csv = wants_csv(&headers);
    let report =
        crate::app::stats::programme::programme(&state.app(), &reader, raw, csv, client).await?;
    let response = if csv {
        csv_response(Csv::programme(&report))
    } else {
        private(axum::Json(exclusions::counted(&state, report)), None)
    };
    Ok(exclusions::with_header(&state, response))
}

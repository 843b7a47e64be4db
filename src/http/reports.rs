//! `GET /reports/programme?year=[&quarter=]&area=[&exact=true]`: the programme indicators of
//! Project 8 for one year or quarter and one area (see [`crate::stats::programme`]), as JSON or, with
//! `Accept: text/csv`, CSV. Same callers, scope, modes and recording as `GET /stats`.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::validate::Checks;
use crate::domain::bounds::Accepts;
use crate::domain::bounds::FieldCode;
use crate::http::auth::StatsReader;
use crate::http::cases::extract::ClientAddr;
use crate::http::cases::flow::internal;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::exclusions;
use crate::http::openapi_bounds::FieldBounds;
use crate::http::state::AppState;
use crate::http::stats::{
    CountDoc, area, charge_and_record, csv_response, in_scope, mode, wants_csv,
};
use crate::stats::budget::normalise;
use crate::stats::facts::{Month, day_number};
use crate::stats::period::Period;
use crate::stats::programme::{ProgrammeReport, ProgrammeRequest};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(programme_report))
}

/// The query string.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeQuery {
    /// The year, e.g. `2026`. Required.
    #[param(required = true)]
    pub year: Option<String>,
    /// `1`..`4`: the report for that quarter of the year.
    pub quarter: Option<String>,
    /// An area code within the caller's area (default: the caller's area).
    pub area: Option<String>,
    /// `true`: exact counts with suppression checked by the interval audit (supervisors only;
    /// recorded).
    pub exact: Option<String>,
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
    StatsReader(user): StatsReader,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    query: Result<Query<ProgrammeQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(raw) =
        query.map_err(|_| ApiError::BadRequest("malformed or unknown query parameter".into()))?;
    let csv = wants_csv(&headers);
    let report = programme(&state, &StatsReader(user), raw, csv, client).await?;
    let response = if csv {
        programme_csv(&report)
    } else {
        private(axum::Json(exclusions::counted(&state, report)), None)
    };
    Ok(exclusions::with_header(&state, response))
}

/// The typed core of `GET /reports/programme` (the API's JSON and CSV, and the web app's
/// printable report): check the query, keep it within the caller's area, record it in the
/// access log when it is exact or `csv` (a download), and compute the protected indicators.
pub async fn programme(
    state: &AppState,
    StatsReader(user): &StatsReader,
    raw: ProgrammeQuery,
    csv: bool,
    client: Option<String>,
) -> Result<ProgrammeReport, ApiError> {
    let Some(year) = raw.year.as_deref() else {
        return Err(ApiError::BadRequest("year is required".into()));
    };
    let mut checks = Checks::default();
    let mode = mode(user, raw.exact.as_deref(), &mut checks)?;
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| year.len() == 4 && (2000..=2100).contains(y));
    if year.is_none() {
        checks.fail(
            "year",
            FieldCode::OutOfRange,
            "must be a year from 2000 to 2100",
        );
    }
    let quarter = match raw.quarter.as_deref() {
        None => Some(None),
        Some(text) => {
            let parsed = text
                .parse::<u8>()
                .ok()
                .filter(|q| text.len() == 1 && (1..=4).contains(q));
            if parsed.is_none() {
                checks.fail("quarter", FieldCode::OutOfRange, "must be 1, 2, 3 or 4");
            }
            parsed.map(Some)
        }
    };
    let asked = area(raw.area.as_deref(), &mut checks);
    let (Some(year), Some(quarter), Some(asked)) = (year, quarter, asked) else {
        return Err(checks.into_error().into());
    };
    checks.finish()?;
    let period = match quarter {
        Some(quarter) => Period::Quarter(Month::of_year_month(year, quarter * 3 - 2)),
        None => Period::Year(year),
    };
    let request = ProgrammeRequest {
        period,
        area: in_scope(state, user, asked)?,
        mode,
        k: state.stats.k,
        today: day_number(state.clock.today()),
    };
    let query = normalise(&[
        ("report", "programme".to_owned()),
        ("period", request.period.label()),
        ("area", request.area.as_str().to_owned()),
        (
            "mode",
            if mode == crate::stats::query::Mode::Exact {
                "exact"
            } else {
                "perturbed"
            }
            .to_owned(),
        ),
    ]);
    let projections = state.projections.clone();
    let report = tokio::task::spawn_blocking(move || {
        let data = projections.stats.read();
        if !data.is_keyed() {
            return Err(ApiError::Internal("statistics are not keyed".into()));
        }
        crate::stats::programme::run(&data, &projections.registry, &request).map_err(internal)
    })
    .await
    .map_err(internal)??;
    // The programme report counts as one table.
    charge_and_record(state, user, query, mode, csv, client).await?;
    Ok(report)
}

/// A report as the API's CSV response (the protection in its header).
pub fn programme_csv(report: &ProgrammeReport) -> Response {
    csv_response(
        crate::stats::csv::programme(report),
        report.perturbed,
        report.k,
    )
}

impl ProgrammeQuery {
    /// What each parameter accepts, for the OpenAPI document: what the handler checks.
    pub fn accepts() -> FieldBounds {
        vec![
            ("year", Accepts::Pattern("^(20[0-9]{2}|2100)$")),
            ("quarter", Accepts::code(&["1", "2", "3", "4"])),
            (
                "area",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("exact", Accepts::code(&["true", "false"])),
        ]
    }
}

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
//! The shared parts (scope, mode, recording, the CSV response) are used by
//! [`super::reports`] too.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access_log::{self, AccessEntry};
use crate::app::validate::Checks;
use crate::domain::bounds::{Accepts, FieldCode};
use crate::domain::ids::AreaCode;
use crate::domain::vocab::{AccessAction, AreaLevel, Role};
use crate::http::auth::{CurrentUser, StatsReader};
use crate::http::cases::extract::ClientAddr;
use crate::http::cases::flow::internal;
use crate::http::cases::view::private;
use crate::http::error::{ApiError, Problem};
use crate::http::exclusions;
use crate::http::openapi_bounds::FieldBounds;
use crate::http::state::AppState;
use std::sync::Arc;

use time::OffsetDateTime;

use crate::stats::aggregate::TooLarge;
use crate::stats::areas::Units;
use crate::stats::budget::{Ledger, Normalised, WINDOW, commune_of, normalise};
use crate::stats::dimension::Dimension;
use crate::stats::disclosure::K;
use crate::stats::facts::day_number;
use crate::stats::measure::Measure;
use crate::stats::period::{Period, check};
use crate::stats::query::{Mode, StatsRequest, StatsTable};
use crate::store::log::EventLog;

/// At most this many dimensions.
const MAX_DIMENSIONS: usize = 3;
/// The response header that states the protection of a CSV table.
pub const DISCLOSURE_HEADER: &str = "tincay-disclosure-control";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(statistics))
}

/// The query string; every value is text, parsed below so a bad one is a 422 naming it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// `cases_opened`, `people_supported`, `support_provided`, `shelter_nights`,
    /// `referrals_made`, `referral_outcomes`, `follow_ups_completed`, `follow_ups_overdue` or
    /// `cases_closed`. Required.
    #[param(required = true)]
    pub measure: Option<String>,
    /// A year (`2026`), a quarter (`2026-Q1`) or a month (`2026-03`). Required. A month needs
    /// a district or a province (perturbed mode).
    #[param(required = true)]
    pub period: Option<String>,
    /// An area code within the caller's area (default: the caller's area).
    pub area: Option<String>,
    /// Up to three comma-separated dimensions: `month`, `quarter`, `year`, `province`,
    /// `district`, `commune`, `trusted_address`, `violence_type`, `gbvims_type`,
    /// `support_type`, `referral_target`, `referral_outcome`, `sex`, `age_band`, `ethnicity`,
    /// `ethnicity_group`, `disability`, `referred_by`, `risk_level`, `close_reason`,
    /// `on_time`.
    pub by: Option<String>,
    /// `true`: exact counts with suppression checked by the interval audit (supervisors only;
    /// recorded).
    pub exact: Option<String>,
    /// `current` (default: today's areas, merged communes counted in their successor) or
    /// `historical` (the areas of the time; a whole year only).
    pub units: Option<String>,
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
    StatsReader(user): StatsReader,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    query: Result<Query<StatsQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(raw) =
        query.map_err(|_| ApiError::BadRequest("malformed or unknown query parameter".into()))?;
    let csv = wants_csv(&headers);
    let table = stats_table(&state, &StatsReader(user), raw, csv, client).await?;
    let response = if csv {
        stats_csv(&table)
    } else {
        private(axum::Json(exclusions::counted(&state, table)), None)
    };
    Ok(exclusions::with_header(&state, response))
}

/// The typed core of `GET /stats` (the API's JSON and CSV, and the web app's explorer):
/// parse and check the query, keep it within the caller's area, record it in the access
/// log when it is exact or `csv` (a download), and compute the protected table.
pub async fn stats_table(
    state: &AppState,
    StatsReader(user): &StatsReader,
    raw: StatsQuery,
    csv: bool,
    client: Option<String>,
) -> Result<StatsTable, ApiError> {
    let request = parse(state, user, raw)?;
    let query = normalised(&request);
    let mode = request.mode;
    let projections = state.projections.clone();
    let table = tokio::task::spawn_blocking(move || {
        let data = projections.stats.read();
        if !data.is_keyed() {
            return Err(ApiError::Internal("statistics are not keyed".into()));
        }
        crate::stats::query::run(&data, &projections.registry, &request).map_err(too_large)
    })
    .await
    .map_err(internal)??;
    charge_and_record(state, user, query, mode, csv, client).await?;
    Ok(table)
}

/// A table as the API's CSV response (the protection in its header).
pub fn stats_csv(table: &StatsTable) -> Response {
    csv_response(crate::stats::csv::stats(table), table.perturbed, table.k)
}

fn parse(state: &AppState, user: &CurrentUser, raw: StatsQuery) -> Result<StatsRequest, ApiError> {
    let Some(measure) = raw.measure.as_deref() else {
        return Err(ApiError::BadRequest("measure is required".into()));
    };
    let mut checks = Checks::default();
    let mode = mode(user, raw.exact.as_deref(), &mut checks)?;
    let measure = checks.code("measure", measure, Measure::parse);
    let period = period(&raw, &mut checks)?;
    let units = checks.optional_code("units", raw.units.as_deref(), Units::parse);
    let area = area(raw.area.as_deref(), &mut checks);
    let dims = dimensions(raw.by.as_deref(), measure, &mut checks);
    let (Some(measure), Some(period), Some(units), Some(area), Some(dims)) =
        (measure, period, units, area, dims)
    else {
        return Err(checks.into_error().into());
    };
    checks.finish()?;
    let area = in_scope(state, user, area)?;
    let units = units.unwrap_or(Units::Current);
    let level = state
        .projections
        .registry
        .area(&area)
        .map_or(AreaLevel::Commune, |found| found.level);
    if let Err(rule) = check(period, &dims, units, mode == Mode::Perturbed, level) {
        let mut checks = Checks::default();
        checks.fail(rule.field(), FieldCode::Inconsistent, rule.message());
        return Err(checks.into_error().into());
    }
    Ok(StatsRequest {
        measure,
        period,
        area,
        dims,
        units,
        mode,
        k: state.stats.k,
        today: day_number(state.clock.today()),
    })
}

/// `exact`: `true` or `false` (default). A reporting officer may never ask for exact counts.
pub fn mode(
    user: &CurrentUser,
    exact: Option<&str>,
    checks: &mut Checks,
) -> Result<Mode, ApiError> {
    match exact {
        None | Some("false") => Ok(Mode::Perturbed),
        Some("true") if user.role == Role::Supervisor => Ok(Mode::Exact),
        Some("true") => Err(ApiError::Forbidden),
        Some(_) => {
            checks.fail("exact", FieldCode::InvalidFormat, "must be true or false");
            Ok(Mode::Perturbed)
        }
    }
}

/// `area`, if given: an area code.
pub fn area(raw: Option<&str>, checks: &mut Checks) -> Option<Option<AreaCode>> {
    match raw.map(AreaCode::parse) {
        None => Some(None),
        Some(Ok(area)) => Some(Some(area)),
        Some(Err(_)) => {
            checks.fail(
                "area",
                FieldCode::InvalidFormat,
                "must be an area code (2 to 5 digits)",
            );
            None
        }
    }
}

/// The area to count in: the one asked (which must exist and lie within the caller's area)
/// or the caller's own. Anything else is 404, as if it did not exist.
pub fn in_scope(
    state: &AppState,
    user: &CurrentUser,
    asked: Option<AreaCode>,
) -> Result<AreaCode, ApiError> {
    let registry = &state.projections.registry;
    let own = user.area.clone().ok_or(ApiError::NotFound)?;
    let area = asked.unwrap_or_else(|| own.clone());
    if registry.area(&area).is_some() && registry.area_contains(&own, &area) {
        Ok(area)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The period: required (400 without it); a month, a quarter or a year, else 422.
fn period(raw: &StatsQuery, checks: &mut Checks) -> Result<Option<Period>, ApiError> {
    let Some(text) = raw.period.as_deref() else {
        return Err(ApiError::BadRequest("period is required".into()));
    };
    let parsed = Period::parse(text);
    if parsed.is_none() {
        checks.fail(
            "period",
            FieldCode::InvalidFormat,
            "must be a year (2026), a quarter (2026-Q1) or a month (2026-03)",
        );
    }
    Ok(parsed)
}

/// A grid too large to publish is the caller's 422, naming `by`.
fn too_large(error: TooLarge) -> ApiError {
    let mut checks = Checks::default();
    checks.fail("by", FieldCode::OutOfRange, error.to_string());
    checks.into_error().into()
}

/// `by`: up to three distinct dimensions, each applying to the measure.
fn dimensions(
    raw: Option<&str>,
    measure: Option<Measure>,
    checks: &mut Checks,
) -> Option<Vec<Dimension>> {
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        return Some(Vec::new());
    };
    let mut dims = Vec::new();
    let mut ok = true;
    for code in raw.split(',') {
        match Dimension::parse(code.trim()) {
            None => {
                checks.fail(
                    "by",
                    FieldCode::NotInVocabulary,
                    "names a dimension that does not exist (see the API documentation)",
                );
                ok = false;
            }
            Some(dim) if dims.contains(&dim) => {
                checks.fail("by", FieldCode::Inconsistent, "names a dimension twice");
                ok = false;
            }
            Some(dim) => {
                if measure.is_some_and(|measure| !dim.applies_to(measure)) {
                    checks.fail(
                        "by",
                        FieldCode::Inconsistent,
                        format!("{} does not apply to this measure", dim.code()),
                    );
                    ok = false;
                }
                dims.push(dim);
            }
        }
    }
    if dims.len() > MAX_DIMENSIONS {
        checks.fail("by", FieldCode::OutOfRange, "at most three dimensions");
        ok = false;
    }
    ok.then_some(dims)
}

/// Whether the client asked for CSV.
pub fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"))
}

/// A CSV body with the protection in the `Tincay-Disclosure-Control` header.
pub fn csv_response(body: String, perturbed: bool, k: u32) -> Response {
    let mut response = private(body, None).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let mode = if perturbed { "perturbed" } else { "exact" };
    if let Ok(value) = HeaderValue::from_str(&format!("{mode}; k={k}")) {
        headers.insert(DISCLOSURE_HEADER, value);
    }
    response
}

/// The deployment's statistics settings.
#[derive(Clone, Debug)]
pub struct StatsSettings {
    /// The suppression threshold (API.md: 5 by default, never below 3).
    pub k: K,
    /// Distinct tables a reporting officer may ask for per rolling 30 days.
    pub budget: u32,
    /// Who asked for what in the window (filled from the access log at start).
    pub ledger: Arc<Ledger>,
}

impl StatsSettings {
    /// The settings with `budget`, the ledger filled from the access log's statistics
    /// queries of the window ending `now`.
    pub fn new(log: &EventLog, budget: u32, now: OffsetDateTime) -> Self {
        let ledger = Ledger::default();
        match access_log::queries_since(log, now - WINDOW, now) {
            Ok(recorded) => ledger.load(
                recorded
                    .into_iter()
                    .map(|(user, at, query)| (user, at, Normalised(query))),
            ),
            Err(error) => tracing::error!(%error, "the statistics ledger cannot be filled"),
        }
        Self {
            k: K::default(),
            budget,
            ledger: Arc::new(ledger),
        }
    }
}

/// Charge a query to the caller (reporting officers have a budget; supervisors are only
/// recorded) and record it in the access log, durably, before it is answered. A refused
/// query changes nothing.
pub async fn charge_and_record(
    state: &AppState,
    user: &CurrentUser,
    query: Normalised,
    mode: Mode,
    csv: bool,
    from: Option<String>,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let limit = (user.role == Role::Reporting).then_some(state.stats.budget);
    let commune = commune_of(&query);
    state
        .stats
        .ledger
        .charge(user.id, &query, commune, limit, now)
        .map_err(|exhausted| ApiError::BudgetExhausted {
            renews_on: exhausted.renews_on,
        })?;
    let action = match (mode, csv) {
        (Mode::Exact, _) => AccessAction::ExactStatistics,
        (Mode::Perturbed, true) => AccessAction::Export,
        (Mode::Perturbed, false) => AccessAction::StatsQueried,
    };
    access_log::record_query(
        &state.log,
        AccessEntry {
            actor: Some(user.id),
            action,
            case: None,
            from,
            username: None,
            at: now,
        },
        query.0,
    )
    .await
    .map_err(internal)
}

/// A `GET /stats` request's normalised form: the same table, however it was asked.
pub fn normalised(request: &StatsRequest) -> Normalised {
    let by: Vec<&str> = request.dims.iter().map(|dim| dim.code()).collect();
    normalise(&[
        ("measure", request.measure.code().to_owned()),
        ("period", request.period.label()),
        ("area", request.area.as_str().to_owned()),
        ("by", by.join(",")),
        ("units", request.units.code().to_owned()),
        (
            "mode",
            if request.mode == Mode::Exact {
                "exact"
            } else {
                "perturbed"
            }
            .to_owned(),
        ),
    ])
}

impl StatsQuery {
    /// What each parameter accepts, for the OpenAPI document: what `parse` checks above.
    pub fn accepts() -> FieldBounds {
        let measures = Measure::PUBLIC
            .iter()
            .map(|measure| measure.code())
            .collect();
        vec![
            ("measure", Accepts::Code(measures)),
            ("period", Accepts::Pattern(PERIOD_PATTERN)),
            (
                "area",
                Accepts::Pattern(crate::domain::ids::AREA_CODE_PATTERN),
            ),
            ("by", Accepts::Pattern("^[a-z_]+(,[a-z_]+){0,2}$")),
            ("exact", Accepts::code(&["true", "false"])),
            ("units", Accepts::code(&["current", "historical"])),
        ]
    }
}

/// A year (2000 to 2100), a quarter or a month, as `period` takes it.
pub const PERIOD_PATTERN: &str = "^(20[0-9]{2}|2100)(-Q[1-4]|-(0[1-9]|1[0-2]))?$";

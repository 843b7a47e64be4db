//! A statistics table: the query (every value text, checked here so a bad one is a field
//! problem naming it), its scope and mode ([`record`](super::record)), and the protected
//! table from the disclosure core ([`crate::stats::query::run`]).
//!
//! - Who: reporting officers (perturbed counts only: exact is forbidden) and supervisors.
//!   `area` (default: the caller's own) must lie within the caller's area, else not found.
//! - Period: `period` only (`2026`, `2026-Q1` or `2026-03`); no free ranges. A month (as
//!   the period or `by=month`) needs a district or a province in perturbed mode, and
//!   historical units a whole year ([`crate::stats::period::check`]).
//! - The whole grid: more than 10,000 cells is a field problem of `by`.
//! - Every query is charged to the caller's budget and recorded in the access log with its
//!   normalised form before it is answered.

use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::actor::{CurrentUser, StatsReader};
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::stats::record::{area, charge_and_record, in_scope, mode, mode_code};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode};
use crate::domain::vocab::AreaLevel;
use crate::stats::aggregate::TooLarge;
use crate::stats::areas::Units;
use crate::stats::budget::{Normalised, normalise};
use crate::stats::dimension::Dimension;
use crate::stats::facts::day_number;
use crate::stats::measure::Measure;
use crate::stats::period::{Period, check};
use crate::stats::query::{Mode, StatsRequest, StatsTable};

/// At most this many dimensions.
const MAX_DIMENSIONS: usize = 3;

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

/// A statistics table (the API's `GET /stats` as JSON and CSV, and the web app's
/// explorer): parse and check the query, keep it within the caller's area, charge and record
/// it (`csv`: as a download), and compute the protected table.
pub async fn stats_table(
    app: &App<'_>,
    StatsReader(user): &StatsReader,
    raw: StatsQuery,
    csv: bool,
    client: Option<String>,
) -> Result<StatsTable, AppError> {
    let request = parse(app, user, raw)?;
    let query = normalised(&request);
    let mode = request.mode;
    let projections = std::sync::Arc::clone(app.projections);
    let table = tokio::task::spawn_blocking(move || {
        let data = projections.stats.read();
        if !data.is_keyed() {
            return Err(AppError::internal("statistics are not keyed"));
        }
        crate::stats::query::run(&data, &projections.registry, &request).map_err(too_large)
    })
    .await
    .map_err(AppError::internal)??;
    charge_and_record(app, user, query, mode, csv, client).await?;
    Ok(table)
}

fn parse(app: &App<'_>, user: &CurrentUser, raw: StatsQuery) -> Result<StatsRequest, AppError> {
    let Some(measure) = raw.measure.as_deref() else {
        return Err(AppError::Malformed("measure is required".into()));
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
        return Err(checks.into_error());
    };
    checks.finish()?;
    let area = in_scope(app, user, area)?;
    let units = units.unwrap_or(Units::Current);
    let level = app
        .projections
        .registry
        .area(&area)
        .map_or(AreaLevel::Commune, |found| found.level);
    if let Err(rule) = check(period, &dims, units, mode == Mode::Perturbed, level) {
        let mut checks = Checks::default();
        checks.fail(rule.field(), FieldCode::Inconsistent, rule.message());
        return Err(checks.into_error());
    }
    Ok(StatsRequest {
        measure,
        period,
        area,
        dims,
        units,
        mode,
        k: app.stats.k,
        today: day_number(app.clock.today()),
    })
}

/// The period: required (malformed without it); a month, a quarter or a year.
fn period(raw: &StatsQuery, checks: &mut Checks) -> Result<Option<Period>, AppError> {
    let Some(text) = raw.period.as_deref() else {
        return Err(AppError::Malformed("period is required".into()));
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

/// A grid too large to publish is a field problem of `by`.
fn too_large(error: TooLarge) -> AppError {
    let mut checks = Checks::default();
    checks.fail("by", FieldCode::OutOfRange, error.to_string());
    checks.into_error()
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

/// A `GET /stats` request's normalised form: the same table, however it was asked.
pub fn normalised(request: &StatsRequest) -> Normalised {
    let by: Vec<&str> = request.dims.iter().map(|dim| dim.code()).collect();
    normalise(&[
        ("measure", request.measure.code().to_owned()),
        ("period", request.period.label()),
        ("area", request.area.as_str().to_owned()),
        ("by", by.join(",")),
        ("units", request.units.code().to_owned()),
        ("mode", mode_code(request.mode).to_owned()),
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

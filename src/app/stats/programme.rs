//! The programme report: the indicators of Project 8 for one year or quarter and one area
//! ([`crate::stats::programme`]), with the same callers, scope, modes and recording as a
//! statistics table ([`record`](super::record)).

use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::actor::StatsReader;
use crate::app::context::App;
use crate::app::error::AppError;
use crate::app::stats::record::{area, charge_and_record, in_scope, mode, mode_code};
use crate::app::validate::{Checks, FieldBounds};
use crate::domain::bounds::{Accepts, FieldCode};
use crate::stats::budget::normalise;
use crate::stats::facts::{Month, day_number};
use crate::stats::period::Period;
use crate::stats::programme::{ProgrammeReport, ProgrammeRequest};

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

/// The programme report (the API's JSON and CSV, and the web app's printable report):
/// check the query, keep it within the caller's area, charge and record it (`csv`: as a
/// download), and compute the protected indicators.
pub async fn programme(
    app: &App<'_>,
    StatsReader(user): &StatsReader,
    raw: ProgrammeQuery,
    csv: bool,
    client: Option<String>,
) -> Result<ProgrammeReport, AppError> {
    let Some(year) = raw.year.as_deref() else {
        return Err(AppError::Malformed("year is required".into()));
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
        return Err(checks.into_error());
    };
    checks.finish()?;
    let period = match quarter {
        Some(quarter) => Period::Quarter(Month::of_year_month(year, quarter * 3 - 2)),
        None => Period::Year(year),
    };
    let request = ProgrammeRequest {
        period,
        area: in_scope(app, user, asked)?,
        mode,
        k: app.stats.k,
        today: day_number(app.clock.today()),
    };
    let query = normalise(&[
        ("report", "programme".to_owned()),
        ("period", request.period.label()),
        ("area", request.area.as_str().to_owned()),
        ("mode", mode_code(mode).to_owned()),
    ]);
    let projections = std::sync::Arc::clone(app.projections);
    let report = tokio::task::spawn_blocking(move || {
        let data = projections.stats.read();
        if !data.is_keyed() {
            return Err(AppError::internal("statistics are not keyed"));
        }
        crate::stats::programme::run(&data, &projections.registry, &request)
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)??;
    // The programme report counts as one table.
    charge_and_record(app, user, query, mode, csv, client).await?;
    Ok(report)
}

impl ProgrammeQuery {
    /// What each parameter accepts, for the OpenAPI document: what [`programme`] checks.
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

//! The programme indicators of Project 8 (`GET /reports/programme`): one year, one area,
//! every number protected by the same rules and modes as `GET /stats`.
//!
//! - Trusted addresses maintained in the year (established by its end, not closed before it
//!   began) and newly established in it. Addresses are not people: their registry is known to
//!   the programme, so these two are published exactly.
//! - People supported (distinct cases with support in the year) by sex, by ethnicity group
//!   (Kinh / ethnic minority), by ethnic group (small groups are suppressed: "where counts
//!   allow"), and by GBVIMS age band; support given by type; shelter nights (a sum); referrals
//!   by target; referral outcomes by outcome; cases closed by reason.
//! - Follow-ups that fell due in the year, by whether they were completed on or before their
//!   due date, and the share on time. The share is computed from the two *published* numbers
//!   (on time ÷ due, as a percentage with one decimal, at most 100), so it reveals nothing
//!   they do not; it is null when either is suppressed.
//! - Cases opened in the year without reporting consent: one total, suppressed when small.
//!
//! In exact mode the breakdowns of one measure share their total, and one breakdown can be
//! the sum of another's cells (an ethnicity group is the sum of its groups), so they are
//! protected together as one table: nothing suppressed in one can be derived from the others.

use serde::Serialize;

use crate::domain::ids::AreaCode;
use crate::projections::registry::Registry;
use crate::stats::aggregate::{Aggregate, Spec, aggregate};
use crate::stats::areas::{PlaceMap, Units};
use crate::stats::dimension::Dimension;
use crate::stats::disclosure::{ExactTable, K, Published, TableError, Unit, protect};
use crate::stats::facts::Month;
use crate::stats::measure::Measure;
use crate::stats::projection::StatsData;
use crate::stats::query::{Cell, Mode, label_cells, publish};

/// What to report on.
#[derive(Clone, Debug)]
pub struct ProgrammeRequest {
    pub year: i32,
    pub area: AreaCode,
    pub mode: Mode,
    pub k: K,
    /// Today as a day number.
    pub today: u16,
}

/// One indicator: a measure, broken down by one dimension or not at all.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    pub indicator: &'static str,
    pub by: Option<Dimension>,
    pub cells: Vec<Cell>,
    pub total: Published,
}

/// Trusted addresses in the area.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Addresses {
    pub maintained: u64,
    pub established: u64,
}

/// The on-time share of follow-ups.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OnTime {
    pub on_time: Published,
    pub due: Published,
    pub percent: Option<f64>,
}

/// `GET /reports/programme`'s answer.
#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeReport {
    pub year: i32,
    pub area: String,
    pub k: u32,
    pub perturbed: bool,
    pub trusted_addresses: Addresses,
    pub indicators: Vec<Indicator>,
    pub follow_ups_on_time: OnTime,
    pub cases_without_reporting_consent: Published,
}

/// The sections: a measure and its breakdowns (none: the total only).
const SECTIONS: &[(Measure, &[Dimension])] = &[
    (
        Measure::PeopleSupported,
        &[
            Dimension::Sex,
            Dimension::EthnicityGroup,
            Dimension::Ethnicity,
            Dimension::AgeBand,
        ],
    ),
    (Measure::SupportProvided, &[Dimension::SupportType]),
    (Measure::ShelterNights, &[]),
    (Measure::ReferralsMade, &[Dimension::ReferralTarget]),
    (Measure::ReferralOutcomes, &[Dimension::ReferralOutcome]),
    (Measure::CasesClosed, &[Dimension::CloseReason]),
    (Measure::FollowUpsDue, &[Dimension::OnTime]),
    (Measure::CasesWithoutReportingConsent, &[]),
];

/// Compute the report.
pub fn run(
    data: &StatsData,
    registry: &Registry,
    request: &ProgrammeRequest,
) -> Result<ProgrammeReport, TableError> {
    let places = PlaceMap::resolve(registry, data.places(), &request.area, Units::Current);
    let mut indicators = Vec::new();
    for (measure, breakdowns) in SECTIONS {
        indicators.extend(section(data, &places, request, *measure, breakdowns)?);
    }
    let on_time = on_time(&indicators);
    let without_consent = take_total(&mut indicators, Measure::CasesWithoutReportingConsent);
    indicators.retain(|i| i.indicator != Measure::FollowUpsDue.code());
    Ok(ProgrammeReport {
        year: request.year,
        area: request.area.as_str().to_owned(),
        k: request.k.get(),
        perturbed: request.mode == Mode::Perturbed,
        trusted_addresses: addresses(registry, &request.area, request.year),
        indicators,
        follow_ups_on_time: on_time,
        cases_without_reporting_consent: without_consent,
    })
}

fn spec(request: &ProgrammeRequest, measure: Measure, dims: Vec<Dimension>) -> Spec {
    Spec {
        measure,
        dims,
        from: Month::of_year_month(request.year, 1),
        to: Month::of_year_month(request.year, 12),
        today: request.today,
        units: request.mode == Mode::Exact,
    }
}

/// One measure's indicators (one per breakdown, or the total alone).
fn section(
    data: &StatsData,
    places: &PlaceMap,
    request: &ProgrammeRequest,
    measure: Measure,
    breakdowns: &[Dimension],
) -> Result<Vec<Indicator>, TableError> {
    let shapes: Vec<Vec<Dimension>> = if breakdowns.is_empty() {
        vec![Vec::new()]
    } else {
        breakdowns.iter().map(|dim| vec![*dim]).collect()
    };
    let specs: Vec<Spec> = shapes
        .into_iter()
        .map(|dims| spec(request, measure, dims))
        .collect();
    let gathered: Vec<Aggregate> = specs
        .iter()
        .map(|spec| aggregate(data, places, spec))
        .collect();
    let indicator = |spec: &Spec, cells: Vec<Cell>, total: Published| Indicator {
        indicator: measure.code(),
        by: spec.dims.first().copied(),
        cells,
        total,
    };
    match request.mode {
        Mode::Perturbed => specs
            .iter()
            .zip(&gathered)
            .map(|(spec, table)| {
                let published = publish(table, places, spec, Mode::Perturbed, request.k)?;
                Ok(indicator(spec, published.cells, published.total))
            })
            .collect(),
        Mode::Exact => {
            let (joint, offsets) = joint_table(&gathered)?;
            let release = protect(request.k, &joint);
            let mut values = release.cells.into_iter();
            let mut out = Vec::new();
            for ((spec, table), count) in specs.iter().zip(&gathered).zip(offsets) {
                let cells: Vec<Published> = values.by_ref().take(count).collect();
                let cells = label_cells(table, places, spec, cells);
                out.push(indicator(spec, cells, release.total));
            }
            Ok(out)
        }
    }
}

/// The breakdowns of one measure as one exact table: their cells side by side, each unit
/// counted in its cell of every breakdown. Returns the table and each breakdown's cell count.
fn joint_table(gathered: &[Aggregate]) -> Result<(ExactTable<u32>, Vec<usize>), TableError> {
    let counts: Vec<usize> = gathered.iter().map(|table| table.cells.len()).collect();
    let mut units: Vec<Unit<u32>> = gathered
        .first()
        .map(|table| {
            table
                .units
                .iter()
                .map(|unit| Unit {
                    cells: Vec::new(),
                    ..unit.clone()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut offset = 0;
    for (table, count) in gathered.iter().zip(&counts) {
        // Every breakdown visits the same units in the same order; only their cells differ.
        for (unit, theirs) in units.iter_mut().zip(&table.units) {
            if unit.case != theirs.case {
                return Err(TableError::CaseOutsideTotal { cell: offset });
            }
            unit.cells
                .extend(theirs.cells.iter().map(|cell| cell + offset));
        }
        offset += count;
    }
    Ok((ExactTable::new(offset, Vec::new(), units)?, counts))
}

fn on_time(indicators: &[Indicator]) -> OnTime {
    let due = indicators
        .iter()
        .find(|i| i.indicator == Measure::FollowUpsDue.code());
    let total = due.map_or(Published::Count(0), |i| i.total);
    let on_time = due
        .and_then(|i| {
            i.cells.iter().find(|cell| {
                cell.values.first().is_some_and(|(_, value)| {
                    *value == crate::stats::dimension::DimValue::Bool(true)
                })
            })
        })
        .map_or(Published::Count(0), |cell| cell.value);
    let percent = match (on_time, total) {
        (Published::Count(part), Published::Count(whole)) if whole > 0 => {
            let share = (part.min(whole) as f64) * 1000.0 / (whole as f64);
            Some(share.round() / 10.0)
        }
        _ => None,
    };
    OnTime {
        on_time,
        due: total,
        percent,
    }
}

fn take_total(indicators: &mut Vec<Indicator>, measure: Measure) -> Published {
    let total = indicators
        .iter()
        .find(|i| i.indicator == measure.code())
        .map_or(Published::Count(0), |i| i.total);
    indicators.retain(|i| i.indicator != measure.code());
    total
}

fn addresses(registry: &Registry, area: &AreaCode, year: i32) -> Addresses {
    let mut counts = Addresses {
        maintained: 0,
        established: 0,
    };
    for address in registry.trusted_addresses() {
        if !registry.area_contains(area, &address.commune) {
            continue;
        }
        let established = address.established_on.year();
        let closed_before = address.closed_on.is_some_and(|day| day.year() < year);
        if established <= year && !closed_before {
            counts.maintained += 1;
        }
        if established == year {
            counts.established += 1;
        }
    }
    counts
}

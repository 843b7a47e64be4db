//! The programme indicators of Project 8 (`GET /reports/programme`): one year or one quarter,
//! one area, every number protected by the same rules and modes as `GET /stats`, and every
//! category of every indicator listed (a category with nobody is published exactly like
//! one with a few: suppressed).
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
//! In exact mode each breakdown goes through the interval audit with the measure's total
//! (which every breakdown of it shares). One breakdown is a coarsening of another: Kinh is
//! ethnic group 01 and "minority" is the rest. So when any of Kinh, minority or group 01 is
//! suppressed, all of them and every ethnic group are suppressed: otherwise Kinh (= 01) or
//! minority (= total − 01) would pin a suppressed number. This over-suppresses the ethnicity
//! breakdown in areas with few Kinh cases; exact mode is for supervisors, who may read the
//! cases anyway, so the cost is accepted for a rule that is easy to check.

use serde::Serialize;

use crate::domain::ids::AreaCode;
use crate::stats::aggregate::{Spec, TooLarge, aggregate};
use crate::stats::areas::{AreaTree, PlaceMap, Units};
use crate::stats::data::StatsData;
use crate::stats::dimension::{DimValue, Dimension};
use crate::stats::disclosure::{K, Published, Suppression, protect};
use crate::stats::measure::Measure;
use crate::stats::period::Period;
use crate::stats::query::{Cell, Mode, exact_grid, label_cells, publish};

/// What to report on.
#[derive(Clone, Debug)]
pub struct ProgrammeRequest {
    /// A year, or a quarter.
    pub period: Period,
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
    /// 1..=4 when the report is for a quarter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quarter: Option<u8>,
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
    registry: &dyn AreaTree,
    request: &ProgrammeRequest,
) -> Result<ProgrammeReport, TooLarge> {
    let places = PlaceMap::resolve(registry, data.places(), &request.area, Units::Current);
    let mut indicators = Vec::new();
    for (measure, breakdowns) in SECTIONS {
        indicators.extend(section(data, &places, request, *measure, breakdowns)?);
    }
    let on_time = on_time(&indicators);
    let without_consent = take_total(&mut indicators, Measure::CasesWithoutReportingConsent);
    indicators.retain(|i| i.indicator != Measure::FollowUpsDue.code());
    let first = request.period.first();
    Ok(ProgrammeReport {
        year: first.year(),
        quarter: matches!(request.period, Period::Quarter(_)).then(|| first.quarter()),
        area: request.area.as_str().to_owned(),
        k: request.k.get(),
        perturbed: request.mode == Mode::Perturbed,
        trusted_addresses: addresses(registry, &request.area, first.year()),
        indicators,
        follow_ups_on_time: on_time,
        cases_without_reporting_consent: without_consent,
    })
}

fn spec(request: &ProgrammeRequest, measure: Measure, dims: Vec<Dimension>) -> Spec {
    Spec {
        measure,
        dims,
        from: request.period.first(),
        to: request.period.last(),
        today: request.today,
    }
}

/// One measure's indicators (one per breakdown, or the total alone).
fn section(
    data: &StatsData,
    places: &PlaceMap,
    request: &ProgrammeRequest,
    measure: Measure,
    breakdowns: &[Dimension],
) -> Result<Vec<Indicator>, TooLarge> {
    let shapes: Vec<Vec<Dimension>> = if breakdowns.is_empty() {
        vec![Vec::new()]
    } else {
        breakdowns.iter().map(|dim| vec![*dim]).collect()
    };
    let mut out = Vec::new();
    for dims in shapes {
        let spec = spec(request, measure, dims);
        let gathered = aggregate(data, places, &spec)?;
        let (cells, total) = match request.mode {
            Mode::Perturbed => {
                let table = publish(&gathered, places, &spec, Mode::Perturbed, request.k);
                (table.cells, table.total)
            }
            Mode::Exact => {
                let release = protect(request.k, &exact_grid(&gathered));
                let cells = label_cells(&gathered, places, &spec, release.cells);
                (cells, release.total)
            }
        };
        out.push(Indicator {
            indicator: measure.code(),
            by: spec.dims.first().copied(),
            cells,
            total,
        });
    }
    if request.mode == Mode::Exact {
        link_ethnicity(&mut out);
    }
    Ok(out)
}

/// Kinh is ethnic group 01, minority the rest: if any of the three is suppressed, suppress
/// both groups and every ethnic group (module docs).
fn link_ethnicity(indicators: &mut [Indicator]) {
    let kinh = DimValue::Text("01".to_owned());
    let hidden_in = |indicators: &[Indicator], dim: Dimension, only: Option<&DimValue>| {
        indicators
            .iter()
            .filter(|i| i.by == Some(dim))
            .flat_map(|i| &i.cells)
            .filter(|cell| {
                only.is_none_or(|value| cell.values.first().map(|(_, v)| v) == Some(value))
            })
            .any(|cell| cell.value.is_suppressed())
    };
    let linked = hidden_in(indicators, Dimension::EthnicityGroup, None)
        || hidden_in(indicators, Dimension::Ethnicity, Some(&kinh));
    if !linked {
        return;
    }
    for indicator in indicators
        .iter_mut()
        .filter(|i| matches!(i.by, Some(Dimension::EthnicityGroup | Dimension::Ethnicity)))
    {
        for cell in &mut indicator.cells {
            if !cell.value.is_suppressed() {
                cell.value = Published::Suppressed(Suppression::Complementary);
            }
        }
    }
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

fn addresses(registry: &dyn AreaTree, area: &AreaCode, year: i32) -> Addresses {
    let mut counts = Addresses {
        maintained: 0,
        established: 0,
    };
    for address in registry.addresses() {
        if !registry.contains(area, &address.commune) {
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

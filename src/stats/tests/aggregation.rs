//! The aggregation against a reference folded naïvely from the same random cases: every cell's
//! units, distinct cases, sum and cell key, for random measures, dimensions and periods.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::world::*;
use crate::domain::vocab::{ReferralTarget, Sex, SupportType, ViolenceType};
use crate::projections::stats::StatsProjection;
use crate::stats::aggregate::{Spec, aggregate};
use crate::stats::areas::{PlaceMap, Units};
use crate::stats::dimension::{DimValue, Dimension};
use crate::stats::disclosure::{Published, RecordKey};
use crate::stats::facts::Month;
use crate::stats::measure::Measure;
use crate::stats::query::label_cells;

#[derive(Clone, Debug)]
enum Event {
    Support(SupportType, u8, Option<u16>),
    Referral(ReferralTarget, u8),
}

#[derive(Clone, Debug)]
struct Case {
    survivor: Survivor,
    events: Vec<Event>,
}

const MONTHS: [&str; 6] = [
    "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
];

fn case() -> impl Strategy<Value = Case> {
    let survivor = (
        prop::sample::select(vec![COMMUNE_A, COMMUNE_B, COMMUNE_OLD]),
        0..6_usize,
        prop::sample::select(vec![Sex::Female, Sex::Male]),
        prop::sample::subsequence(
            vec![
                ViolenceType::Physical,
                ViolenceType::Psychological,
                ViolenceType::Economic,
            ],
            1..=3,
        ),
        prop::bool::weighted(0.85),
        any::<u32>(),
    );
    let event = prop_oneof![
        (
            prop::sample::select(vec![
                SupportType::Shelter,
                SupportType::Counselling,
                SupportType::Legal
            ]),
            0..6_u8,
            prop::option::of(0..6_u16),
        )
            .prop_map(|(kind, month, nights)| {
                let nights = if kind == SupportType::Shelter {
                    nights
                } else {
                    None
                };
                Event::Support(kind, month, nights)
            }),
        (
            prop::sample::select(vec![ReferralTarget::Health, ReferralTarget::Police]),
            0..6_u8
        )
            .prop_map(|(target, month)| Event::Referral(target, month)),
    ];
    (survivor, prop::collection::vec(event, 0..5)).prop_map(
        |((commune, month, sex, violence, reporting, key), events)| Case {
            survivor: Survivor {
                commune,
                month: MONTHS[month],
                sex,
                violence,
                risk: crate::domain::vocab::RiskLevel::Medium,
                reporting,
                key,
            },
            events,
        },
    )
}

fn query() -> impl Strategy<Value = (Measure, Vec<Dimension>, usize, usize)> {
    (
        prop::sample::select(vec![
            Measure::CasesOpened,
            Measure::PeopleSupported,
            Measure::SupportProvided,
            Measure::ShelterNights,
            Measure::ReferralsMade,
        ]),
        prop::sample::subsequence(
            vec![
                Dimension::Sex,
                Dimension::ViolenceType,
                Dimension::Month,
                Dimension::Commune,
                Dimension::SupportType,
                Dimension::ReferralTarget,
            ],
            0..=3,
        ),
        0..6_usize,
        0..6_usize,
    )
        .prop_map(|(measure, dims, a, b)| {
            let dims = dims.into_iter().filter(|d| d.applies_to(measure)).collect();
            (measure, dims, a.min(b), a.max(b))
        })
}

/// One cell of the reference: units, cases, nights and keys.
#[derive(Default, Debug, PartialEq, Eq)]
struct Truth {
    units: BTreeSet<(usize, u64)>,
    cases: BTreeSet<usize>,
    sum: u64,
    key: u32,
}

fn label(dim: Dimension, case: &Case, event: Option<&Event>, month: &str) -> Vec<DimValue> {
    let text = |s: &str| DimValue::Text(s.to_owned());
    match dim {
        Dimension::Sex => vec![text(case.survivor.sex.code())],
        Dimension::ViolenceType => {
            let mut all = case.survivor.violence.clone();
            all.sort();
            all.dedup();
            all.iter().map(|v| text(v.code())).collect()
        }
        Dimension::Month => vec![text(month)],
        Dimension::Commune => {
            let current = if case.survivor.commune == COMMUNE_OLD {
                COMMUNE_B
            } else {
                case.survivor.commune
            };
            vec![text(current)]
        }
        Dimension::SupportType => match event {
            Some(Event::Support(kind, ..)) => vec![text(kind.code())],
            _ => vec![DimValue::Null],
        },
        Dimension::ReferralTarget => match event {
            Some(Event::Referral(target, _)) => vec![text(target.code())],
            _ => vec![DimValue::Null],
        },
        _ => vec![DimValue::Null],
    }
}

/// A counted unit (case, version; 0 for the case), its event, month, weight, and its key
/// when it is the case's (the first event of its kind and code).
type Counted<'a> = ((usize, u64), Option<&'a Event>, &'a str, u64, Option<u32>);

fn reference(
    cases: &[Case],
    measure: Measure,
    dims: &[Dimension],
    from: usize,
    to: usize,
) -> BTreeMap<Vec<DimValue>, Truth> {
    let secret = secret();
    let mut cells: BTreeMap<Vec<DimValue>, Truth> = BTreeMap::new();
    for (index, case) in cases.iter().enumerate() {
        if !case.survivor.reporting {
            continue;
        }
        let mut counted: Vec<Counted<'_>> = Vec::new();
        let opened = MONTHS
            .iter()
            .position(|m| *m == case.survivor.month)
            .unwrap_or(0);
        if measure == Measure::CasesOpened && (from..=to).contains(&opened) {
            counted.push(((index, 0), None, case.survivor.month, 1, None));
        }
        let mut seen: BTreeSet<(bool, String)> = BTreeSet::new();
        for (version, event) in (2_u64..).zip(&case.events) {
            // The first event of its kind and code in the case counts with the case's key.
            let code = match event {
                Event::Support(kind, ..) => (true, kind.code().to_owned()),
                Event::Referral(target, _) => (false, target.code().to_owned()),
            };
            let first = seen.insert(code);
            let (month, fits) = match (measure, event) {
                (Measure::PeopleSupported | Measure::SupportProvided, Event::Support(_, m, _)) => {
                    (*m, true)
                }
                (Measure::ShelterNights, Event::Support(SupportType::Shelter, m, Some(n))) => {
                    (*m, *n > 0)
                }
                (Measure::ReferralsMade, Event::Referral(_, m)) => (*m, true),
                _ => (0, false),
            };
            let month = usize::from(month);
            if !fits || !(from..=to).contains(&month) {
                continue;
            }
            let unit = if measure == Measure::PeopleSupported {
                (index, 0)
            } else {
                (index, version)
            };
            let unit_key = if first { Some(case.survivor.key) } else { None };
            let weight = match event {
                Event::Support(_, _, Some(n)) if measure == Measure::ShelterNights => u64::from(*n),
                _ => 1,
            };
            counted.push((unit, Some(event), MONTHS[month], weight, unit_key));
        }
        for (unit, event, month, weight, unit_key) in counted {
            let mut coordinates: Vec<Vec<DimValue>> = vec![Vec::new()];
            for dim in dims {
                let values = label(*dim, case, event, month);
                coordinates = coordinates
                    .into_iter()
                    .flat_map(|base| {
                        values.iter().map(move |v| {
                            let mut next = base.clone();
                            next.push(v.clone());
                            next
                        })
                    })
                    .collect();
            }
            let key = if unit.1 == 0 {
                case.survivor.key
            } else if let Some(key) = unit_key {
                key
            } else {
                secret
                    .event_key(RecordKey::new(case.survivor.key), unit.1)
                    .get()
            };
            for coordinate in coordinates {
                let truth = cells.entry(coordinate).or_default();
                if truth.units.insert(unit) {
                    truth.key = truth.key.wrapping_add(key);
                    truth.sum += weight;
                }
                truth.cases.insert(index);
            }
        }
    }
    cells
}

/// How many values a dimension has in the test world (its grid, not its data).
fn grid_size(dim: &Dimension, places: &PlaceMap, months: usize) -> usize {
    match dim {
        Dimension::Sex => Sex::ALL.len(),
        Dimension::ViolenceType => ViolenceType::ALL.len(),
        Dimension::Month => months,
        Dimension::Commune => places.communes.len(),
        Dimension::SupportType => SupportType::ALL.len(),
        Dimension::ReferralTarget => ReferralTarget::ALL.len() + 1,
        _ => 1,
    }
}

fn events_of(case: &Case) -> Vec<crate::domain::case::CaseEvent> {
    let mut events = vec![case.survivor.opened()];
    for (n, event) in (0_u128..).zip(&case.events) {
        events.push(match event {
            Event::Support(kind, month, nights) => {
                support(*kind, MONTHS[usize::from(*month)], *nights)
            }
            Event::Referral(target, month) => referral(n, *target, MONTHS[usize::from(*month)]),
        });
    }
    events
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_cell_counts_what_a_naive_fold_of_the_same_cases_counts(
        cases in prop::collection::vec(case(), 0..25),
        (measure, dims, from, to) in query(),
    ) {
        let projection = StatsProjection::default();
        projection.set_secret(secret());
        for (n, case) in (1_u128..).zip(&cases) {
            feed(&projection, n << 64, &events_of(case));
        }
        let registry = registry();
        let data = projection.read();
        let places = PlaceMap::resolve(&registry, data.places(), &code(PROVINCE), Units::Current);
        let spec = Spec {
            measure,
            dims: dims.clone(),
            from: Month::of(month(MONTHS[from])),
            to: Month::of(month(MONTHS[to])),
            today: 0,
        };
        let gathered = aggregate(&data, &places, &spec).unwrap();
        // The whole grid: every combination of the dimensions' values, empty or not.
        let sizes: usize = dims.iter().map(|dim| grid_size(dim, &places, to - from + 1)).product();
        prop_assert_eq!(gathered.cells.len(), sizes);
        let labels = label_cells(&gathered, &places, &spec, vec![Published::Count(0); gathered.cells.len()]);
        let mut found = BTreeMap::new();
        for (cell, (_, acc)) in labels.iter().zip(&gathered.cells).filter(|(_, (_, acc))| acc.cases > 0) {
            let coordinates: Vec<DimValue> = cell.values.iter().map(|(_, v)| v.clone()).collect();
            found.insert(coordinates, (acc.count, acc.cases, acc.sum, acc.key.get()));
        }
        let summary = |truth: Truth| {
            (truth.units.len() as u64, truth.cases.len() as u64, truth.sum, truth.key)
        };
        let expected: BTreeMap<Vec<DimValue>, (u64, u64, u64, u32)> =
            reference(&cases, measure, &dims, from, to)
                .into_iter()
                .map(|(coordinates, truth)| (coordinates, summary(truth)))
                .collect();
        prop_assert_eq!(found, expected);
        let total = reference(&cases, measure, &[], from, to).remove(&Vec::new()).map(summary);
        let acc = gathered.total;
        let total_found = (acc.cases > 0).then_some((acc.count, acc.cases, acc.sum, acc.key.get()));
        prop_assert_eq!(total_found, total);
    }
}

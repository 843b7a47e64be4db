//! The projection's rules, given events: follow-ups overdue or cancelled by closure, keys
//! derived after the fact, snapshots, erasure, and merged communes in current or historical
//! units.

use time::macros::date;

use super::world::*;
use crate::domain::vocab::{ReferralOutcome, ReferralTarget, SupportType};
use crate::projections::stats::StatsProjection;
use crate::stats::areas::Units;
use crate::stats::dimension::Dimension;
use crate::stats::disclosure::{K, Published};
use crate::stats::facts::{Month, day_number};
use crate::stats::measure::Measure;
use crate::stats::period::Period;
use crate::stats::query::{Mode, StatsRequest, StatsTable, run};

fn request(measure: Measure, dims: &[Dimension], mode: Mode) -> StatsRequest {
    StatsRequest {
        measure,
        period: Period::Year(2026),
        area: code(PROVINCE),
        dims: dims.to_vec(),
        units: Units::Current,
        mode,
        k: K::new(3).unwrap(),
        today: day_number(date!(2026 - 11 - 20)),
    }
}

fn ask(projection: &StatsProjection, request: &StatsRequest) -> StatsTable {
    run(&projection.read(), &registry(), request).unwrap()
}

fn exact_total(projection: &StatsProjection, measure: Measure) -> Option<u64> {
    ask(projection, &request(measure, &[], Mode::Exact))
        .table
        .total
        .count()
}

/// Five cases, each with the same history: enough to pass k = 3.
fn five(projection: &StatsProjection, history: &[crate::domain::case::CaseEvent]) {
    for n in 0..5_u128 {
        let mut events = vec![Survivor::new(u32::try_from(n).unwrap() * 977).opened()];
        events.extend_from_slice(history);
        // Ids of referrals and follow-ups are unique per case.
        let events: Vec<_> = events.into_iter().map(|event| renumber(event, n)).collect();
        feed(projection, n + 1, &events);
    }
}

fn renumber(event: crate::domain::case::CaseEvent, n: u128) -> crate::domain::case::CaseEvent {
    use crate::domain::case::CaseEvent;
    use crate::domain::ids::{FollowUpId, ReferralId};
    let shift = |id: &uuid::Uuid| uuid::Uuid::from_u128(id.as_u128() + (n << 32));
    match event {
        CaseEvent::FollowUpScheduled { mut facts } => {
            facts.follow_up_id = FollowUpId::from_uuid(shift(facts.follow_up_id.as_uuid()));
            CaseEvent::FollowUpScheduled { facts }
        }
        CaseEvent::FollowUpCompleted { mut facts, pii } => {
            facts.follow_up_id = FollowUpId::from_uuid(shift(facts.follow_up_id.as_uuid()));
            CaseEvent::FollowUpCompleted { facts, pii }
        }
        CaseEvent::ReferralMade { mut facts, pii } => {
            facts.referral_id = ReferralId::from_uuid(shift(facts.referral_id.as_uuid()));
            CaseEvent::ReferralMade { facts, pii }
        }
        CaseEvent::ReferralOutcomeRecorded { mut facts, pii } => {
            facts.referral_id = ReferralId::from_uuid(shift(facts.referral_id.as_uuid()));
            CaseEvent::ReferralOutcomeRecorded { facts, pii }
        }
        other => other,
    }
}

fn keyed() -> StatsProjection {
    let projection = StatsProjection::default();
    projection.set_secret(secret());
    projection
}

#[test]
fn a_follow_up_done_late_or_not_done_by_its_due_date_is_overdue() {
    let late = keyed();
    five(
        &late,
        &[
            scheduled(1, date!(2026 - 03 - 10)),
            completed(1, "2026-03", false),
        ],
    );
    assert_eq!(exact_total(&late, Measure::FollowUpsOverdue), Some(5));

    let on_time = keyed();
    five(
        &on_time,
        &[
            scheduled(1, date!(2026 - 03 - 10)),
            completed(1, "2026-03", true),
        ],
    );
    assert_eq!(
        exact_total(&on_time, Measure::FollowUpsOverdue),
        None,
        "0 is suppressed like 1..k−1"
    );
    assert_eq!(exact_total(&on_time, Measure::FollowUpsCompleted), Some(5));

    let pending_past = keyed();
    five(&pending_past, &[scheduled(1, date!(2026 - 11 - 19))]);
    assert_eq!(
        exact_total(&pending_past, Measure::FollowUpsOverdue),
        Some(5)
    );

    let pending_future = keyed();
    five(&pending_future, &[scheduled(1, date!(2026 - 11 - 20))]);
    assert_eq!(
        exact_total(&pending_future, Measure::FollowUpsOverdue),
        None
    );
}

#[test]
fn closing_a_case_cancels_its_follow_ups_not_yet_due_and_reopening_revives_them() {
    let cancelled = keyed();
    five(
        &cancelled,
        &[scheduled(1, date!(2026 - 05 - 10)), closed("2026-04")],
    );
    assert_eq!(exact_total(&cancelled, Measure::FollowUpsOverdue), None);
    assert_eq!(exact_total(&cancelled, Measure::CasesClosed), Some(5));

    let missed = keyed();
    five(
        &missed,
        &[scheduled(1, date!(2026 - 03 - 10)), closed("2026-04")],
    );
    assert_eq!(exact_total(&missed, Measure::FollowUpsOverdue), Some(5));

    let reopened = keyed();
    let reopen = crate::domain::case::CaseEvent::CaseReopened {
        facts: crate::domain::case::facts::CaseReopenedFacts {},
        pii: None,
    };
    five(
        &reopened,
        &[
            scheduled(1, date!(2026 - 05 - 10)),
            closed("2026-04"),
            reopen,
        ],
    );
    assert_eq!(exact_total(&reopened, Measure::FollowUpsOverdue), Some(5));
}

#[test]
fn an_outcome_counts_under_its_referrals_target() {
    let projection = keyed();
    five(
        &projection,
        &[
            referral(1, ReferralTarget::LegalAid, "2026-02"),
            outcome(1, ReferralOutcome::Accepted, "2026-03"),
        ],
    );
    let table = ask(
        &projection,
        &request(
            Measure::ReferralOutcomes,
            &[Dimension::ReferralTarget],
            Mode::Exact,
        ),
    );
    // Every target is listed; the four empty ones are suppressed, and with them legal aid's
    // 5 (shown, it would pin them all to 0 given the total).
    assert_eq!(table.table.total, Published::Count(5));
    let json = serde_json::to_value(&table.table.cells).unwrap();
    let cells = json.as_array().unwrap();
    assert_eq!(cells.len(), ReferralTarget::ALL.len() + 1);
    assert!(cells.iter().any(|c| c["referral_target"] == "legal_aid"));
    assert!(cells.iter().all(|c| c["suppressed"] == true), "{json}");
    let perturbed = ask(
        &projection,
        &request(
            Measure::ReferralOutcomes,
            &[Dimension::ReferralTarget],
            Mode::Perturbed,
        ),
    );
    let json = serde_json::to_value(&perturbed.table.cells).unwrap();
    let legal_aid = json
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["referral_target"] == "legal_aid")
        .unwrap();
    assert!(
        legal_aid["count"].as_u64().is_some_and(|n| n >= 3),
        "never below k: {json}"
    );
}

#[test]
fn only_shelter_nights_are_summed_and_a_sum_is_rounded_to_five_in_perturbed_mode() {
    let projection = keyed();
    five(
        &projection,
        &[
            support(SupportType::Shelter, "2026-03", Some(3)),
            support(SupportType::Counselling, "2026-03", None),
        ],
    );
    assert_eq!(exact_total(&projection, Measure::ShelterNights), Some(15));
    assert_eq!(exact_total(&projection, Measure::SupportProvided), Some(10));
    let perturbed = ask(
        &projection,
        &request(Measure::ShelterNights, &[], Mode::Perturbed),
    );
    assert_eq!(perturbed.table.total, Published::Count(15));
}

#[test]
fn cases_without_reporting_consent_count_only_in_their_own_total() {
    let projection = keyed();
    five(&projection, &[support(SupportType::Legal, "2026-03", None)]);
    let mut refused = Survivor::new(99);
    refused.reporting = false;
    feed(
        &projection,
        100,
        &[
            refused.opened(),
            support(SupportType::Legal, "2026-03", None),
        ],
    );
    assert_eq!(exact_total(&projection, Measure::CasesOpened), Some(5));
    assert_eq!(exact_total(&projection, Measure::PeopleSupported), Some(5));
    let data = projection.read();
    let without = crate::stats::aggregate::aggregate(
        &data,
        &crate::stats::areas::PlaceMap::resolve(
            &registry(),
            data.places(),
            &code(PROVINCE),
            Units::Current,
        ),
        &crate::stats::aggregate::Spec {
            measure: Measure::CasesWithoutReportingConsent,
            dims: Vec::new(),
            from: Month::of(month("2026-01")),
            to: Month::of(month("2026-12")),
            today: 0,
        },
    )
    .unwrap();
    assert_eq!(without.total.count, 1);
}

fn history() -> Vec<crate::domain::case::CaseEvent> {
    vec![
        support(SupportType::Shelter, "2026-03", Some(2)),
        referral(1, ReferralTarget::Health, "2026-04"),
        scheduled(2, date!(2026 - 05 - 01)),
        completed(2, "2026-05", true),
        closed("2026-06"),
    ]
}

fn every_table(projection: &StatsProjection) -> Vec<String> {
    let mut tables = Vec::new();
    for measure in Measure::PUBLIC {
        for mode in [Mode::Perturbed, Mode::Exact] {
            let table = ask(
                projection,
                &request(*measure, &[Dimension::Month, Dimension::Sex], mode),
            );
            tables.push(serde_json::to_string(&table).unwrap());
        }
    }
    tables
}

#[test]
fn keys_derived_when_the_secret_comes_late_are_the_keys_derived_at_once() {
    let early = keyed();
    five(&early, &history());
    let late = StatsProjection::default();
    five(&late, &history());
    assert!(!late.read().is_keyed());
    late.set_secret(secret());
    assert!(late.read().is_keyed());
    assert_eq!(every_table(&early), every_table(&late));
}

#[test]
fn a_snapshot_restores_the_same_statistics() {
    let projection = keyed();
    five(&projection, &history());
    let json = serde_json::to_string(&projection.snapshot()).unwrap();
    let restored = keyed();
    restored.restore(serde_json::from_str(&json).unwrap());
    assert_eq!(every_table(&projection), every_table(&restored));
    // And it goes on from there exactly as the original does.
    feed(
        &projection,
        1,
        &[renumber(completed(2, "2026-07", false), 0)],
    );
    feed(&restored, 1, &[renumber(completed(2, "2026-07", false), 0)]);
    assert_eq!(every_table(&projection), every_table(&restored));
    assert!(!format!("{:?}", projection.snapshot()).contains(&json));
}

#[test]
fn erasing_a_case_changes_no_statistic() {
    let projection = keyed();
    five(&projection, &history());
    let before = every_table(&projection);
    for n in 1..=5 {
        projection.apply(&crate::projections::event::ProjectedEvent {
            position: 0,
            stream_version: 7,
            recorded_at: time::macros::datetime!(2026-11-20 0:00 UTC),
            body: crate::projections::event::Projected::Case {
                id: crate::domain::ids::CaseId::from_uuid(uuid::Uuid::from_u128(n)),
                event: erased(),
            },
        });
    }
    assert_eq!(before, every_table(&projection));
}

#[test]
fn a_merged_commune_counts_in_its_successor_today_and_in_itself_historically() {
    let projection = keyed();
    for n in 0..4_u32 {
        let mut old = Survivor::new(n);
        old.commune = COMMUNE_OLD;
        feed(&projection, u128::from(n) + 1, &[old.opened()]);
        let mut new = Survivor::new(n + 100);
        new.commune = COMMUNE_B;
        feed(&projection, u128::from(n) + 101, &[new.opened()]);
    }
    let communes = |table: &StatsTable| -> Vec<(String, Option<u64>)> {
        let json = serde_json::to_value(&table.table.cells).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["commune"].as_str().unwrap().to_owned(),
                    c["count"].as_u64(),
                )
            })
            .collect()
    };
    let mut current = request(Measure::CasesOpened, &[Dimension::Commune], Mode::Exact);
    current.k = K::new(3).unwrap();
    // Today's units: every commune of the province as it is now, empty ones suppressed; the
    // merged commune's cases count in its successor.
    let table = ask(&projection, &current);
    let listed: Vec<String> = communes(&table).into_iter().map(|(c, _)| c).collect();
    assert_eq!(listed, [COMMUNE_A, COMMUNE_B]);
    assert_eq!(table.table.total, Published::Count(8));
    current.mode = Mode::Perturbed;
    let perturbed = communes(&ask(&projection, &current));
    assert_eq!(perturbed.first().map(|c| c.1), Some(None));
    assert!(
        perturbed
            .get(1)
            .and_then(|c| c.1)
            .is_some_and(|n| n.abs_diff(8) <= 2)
    );
    // The units of the time: the merged commune is listed, with its own four cases.
    current.units = Units::Historical;
    current.mode = Mode::Exact;
    let table = ask(&projection, &current);
    let listed: Vec<String> = communes(&table).into_iter().map(|(c, _)| c).collect();
    assert_eq!(listed, [COMMUNE_A, COMMUNE_B, COMMUNE_OLD]);
    assert_eq!(table.table.total, Published::Count(8));
    // The successor commune, asked for, holds the merged commune's cases too.
    current.area = code(COMMUNE_B);
    current.units = Units::Current;
    assert_eq!(ask(&projection, &current).table.total, Published::Count(8));
}

/// Rough timings (run by hand: `cargo test --lib stats::tests::projection::timings -- --ignored --nocapture`).
#[test]
#[ignore = "a measurement, not a test"]
#[allow(clippy::print_stdout)]
fn timings() {
    let projection = StatsProjection::default();
    let started = std::time::Instant::now();
    for n in 0..100_000_u128 {
        let mut survivor = Survivor::new(u32::try_from(n).unwrap().wrapping_mul(2_654_435_761));
        survivor.commune = [COMMUNE_A, COMMUNE_B, COMMUNE_OLD][usize::try_from(n % 3).unwrap()];
        let mut events = vec![survivor.opened()];
        for m in 0..9_u128 {
            events.push(match m % 3 {
                0 => support(SupportType::Shelter, "2026-03", Some(2)),
                1 => referral(n << 8 | m, ReferralTarget::Health, "2026-04"),
                _ => scheduled(n << 8 | m, date!(2026 - 05 - 01)),
            });
        }
        feed(&projection, n + 1, &events);
    }
    println!("apply 1,000,000 events: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    projection.set_secret(secret());
    println!("key 900,000 rows: {:?}", started.elapsed());
    let registry = registry();
    let mut request = request(
        Measure::SupportProvided,
        &[Dimension::Commune, Dimension::Month, Dimension::Sex],
        Mode::Perturbed,
    );
    request.k = K::DEFAULT;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let table = run(&projection.read(), &registry, &request).unwrap();
        println!(
            "/stats 3 dims, a year, province: {:?} ({} cells)",
            started.elapsed(),
            table.table.cells.len()
        );
    }
    request.measure = Measure::PeopleSupported;
    let started = std::time::Instant::now();
    run(&projection.read(), &registry, &request).unwrap();
    println!("people supported: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    let json = serde_json::to_string(&projection.snapshot()).unwrap();
    println!("snapshot: {:?}, {} bytes", started.elapsed(), json.len());
}

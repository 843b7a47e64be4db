//! The projections against a reference model: random demo data sets (every kind of case
//! command, through `decide`, written to a real log) are projected by the runner in global
//! order, and the result is compared with the same events folded per case stream in the test.
//! Then the same projections are reached three other ways — restored from a checkpoint taken
//! part-way and caught up, after a restart of the log in the middle of catching up, and by a
//! rebuild from nothing — and must be identical.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::Value;
use time::Date;
use time::macros::date;
use tincay::domain::case::{CaseEvent, CaseState, CaseStatus};
use tincay::domain::ids::CaseId;
use tincay::projections::cases::{CaseQuery, FollowUpQuery};
use tincay::projections::checkpoint;
use tincay::projections::event::{Projected, ProjectedEvent};
use tincay::projections::runner::{Projections, Snapshot};
use tincay::store::log::{EventLog, RecordedEvent};
use tincay::store::stream::StreamId;

use crate::support::{TestLog, now};

const TODAY: Date = date!(2026 - 11 - 20);

/// Write a demo data set of `cases` cases drawn with `seed`; returns the head position.
fn write_demo(log: &EventLog, seed: u64, cases: usize) -> u64 {
    let data =
        tincay::demo::generate(now(), TODAY, seed, cases, &|name| format!("pw-{name}")).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(tincay::demo::load(log, data)).unwrap()
}

fn everything(log: &EventLog) -> Vec<RecordedEvent> {
    log.read_from(1, usize::MAX).unwrap()
}

/// The reference: every case folded from its own stream, in stream order.
fn reference_cases(log: &EventLog) -> BTreeMap<CaseId, CaseState> {
    let mut cases = BTreeMap::new();
    for recorded in everything(log) {
        let event = ProjectedEvent::decode(&recorded).unwrap();
        if let Projected::Case { id, .. } = event.body {
            cases.entry(id).or_insert_with(|| {
                let events: Vec<CaseEvent> = log
                    .read_stream(&StreamId::case(&id))
                    .unwrap()
                    .iter()
                    .map(|recorded| recorded.decode().unwrap())
                    .collect();
                CaseState::from_events(&events)
            });
        }
    }
    cases
}

/// The follow-up queue as a supervisor of everything sees it, computed naïvely.
fn reference_queue(cases: &BTreeMap<CaseId, CaseState>) -> Vec<(CaseId, Date, i64)> {
    let mut queue = Vec::new();
    for (id, case) in cases {
        if !matches!(
            case.status,
            Some(CaseStatus::Open | CaseStatus::ClosureRequested)
        ) {
            continue;
        }
        for follow_up in case.follow_ups.values() {
            if follow_up.outcome.is_none() {
                let overdue = (TODAY - follow_up.due_on).whole_days().max(0);
                queue.push((*id, follow_up.due_on, overdue, case.risk_level));
            }
        }
    }
    queue.sort_by_key(|(id, due, overdue, risk)| (Reverse(*overdue), Reverse(*risk), *due, *id));
    queue
        .into_iter()
        .map(|(id, due, overdue, _)| (id, due, overdue))
        .collect()
}

/// A snapshot as comparable JSON (cases in id order; maps compare regardless of order).
fn comparable(snapshot: Snapshot) -> Value {
    let cases: BTreeMap<_, _> = snapshot
        .cases
        .into_iter()
        .map(|(id, case)| (*id.as_uuid(), (case.state, case.opened_on)))
        .collect();
    let cases: Vec<_> = cases.into_iter().collect();
    serde_json::json!({
        "registry": serde_json::to_value(&snapshot.registry).unwrap(),
        "cases": serde_json::to_value(&cases).unwrap(),
        "stats": serde_json::to_value(&snapshot.stats).unwrap(),
    })
}

fn projected(projections: &Projections) -> Value {
    comparable(projections.snapshot().1)
}

fn check_against_reference(projections: &Projections, log: &EventLog) {
    let reference = reference_cases(log);
    for (id, state) in &reference {
        assert_eq!(
            projections.cases.get(id).as_ref(),
            Some(state),
            "case {id:?}"
        );
    }
    let listed = projections.cases.list(
        &CaseQuery {
            status: None,
            limit: usize::MAX - 1,
            ..CaseQuery::default()
        },
        |_, _| true,
    );
    let expected_listed = reference
        .values()
        .filter(|case| case.status != Some(CaseStatus::Erased))
        .count();
    assert_eq!(listed.items.len(), expected_listed);
    assert!(
        listed
            .items
            .windows(2)
            .all(|pair| pair[0].opened_on >= pair[1].opened_on),
        "newest first"
    );
    let queue: Vec<(CaseId, Date, i64)> = projections
        .cases
        .follow_ups(
            &FollowUpQuery {
                today: TODAY,
                due: None,
                before: None,
            },
            |_, _| true,
        )
        .into_iter()
        .map(|item| (item.case_id, item.due_on, item.days_overdue))
        .collect();
    assert_eq!(queue, reference_queue(&reference));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    #[test]
    fn every_way_of_reaching_the_projections_gives_the_reference(
        seed in any::<u64>(),
        cases in 1_usize..30,
        cut in 0.0_f64..1.0,
        batch in 1_usize..64,
    ) {
        let test = TestLog::new();
        let head = write_demo(&test.log, seed, cases);

        // Straight through, as a server catches up.
        let straight = Projections::new();
        prop_assert_eq!(straight.catch_up(&test.log).unwrap(), head);
        check_against_reference(&straight, &test.log);
        let expected = projected(&straight);

        // Part-way in small batches, checkpointed, restored into fresh projections, caught up.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
        let stop = ((head as f64) * cut) as u64;
        let partial = Projections::new();
        let mut position = 1;
        while position <= stop {
            let limit = usize::try_from((stop - position + 1).min(batch as u64)).unwrap();
            let events = test.log.read_from(position, limit).unwrap();
            partial.apply_batch(&events).unwrap();
            position += events.len() as u64;
        }
        prop_assert_eq!(partial.applied(), stop);
        checkpoint::save(test.dir.path(), &test.log, &partial).unwrap();
        let resumed = Projections::new();
        let restored = checkpoint::load(test.dir.path(), &test.log, &resumed);
        prop_assert_eq!(restored, (stop > 0).then_some(stop));
        resumed.catch_up(&test.log).unwrap();
        prop_assert_eq!(&projected(&resumed), &expected);

        // A restart in the middle of catching up: the log is reopened, the checkpoint is
        // still the part-way one.
        let test = test.reopen();
        let restarted = Projections::new();
        prop_assert_eq!(
            checkpoint::load(test.dir.path(), &test.log, &restarted),
            (stop > 0).then_some(stop)
        );
        restarted.catch_up(&test.log).unwrap();
        check_against_reference(&restarted, &test.log);
        prop_assert_eq!(&projected(&restarted), &expected);

        // A rebuild from nothing.
        checkpoint::remove(test.dir.path()).unwrap();
        let rebuilt = Projections::new();
        prop_assert_eq!(checkpoint::load(test.dir.path(), &test.log, &rebuilt), None);
        rebuilt.catch_up(&test.log).unwrap();
        prop_assert_eq!(&projected(&rebuilt), &expected);
    }
}

#[test]
fn a_checkpoint_from_another_log_is_ignored() {
    let first = TestLog::new();
    write_demo(&first.log, 1, 3);
    let projections = Projections::new();
    projections.catch_up(&first.log).unwrap();
    checkpoint::save(first.dir.path(), &first.log, &projections).unwrap();

    let second = TestLog::new();
    write_demo(&second.log, 2, 3);
    std::fs::copy(
        checkpoint::path(first.dir.path()),
        checkpoint::path(second.dir.path()),
    )
    .unwrap();
    let fresh = Projections::new();
    assert_eq!(
        checkpoint::load(second.dir.path(), &second.log, &fresh),
        None
    );
    assert_eq!(fresh.applied(), 0);
}

/// A catch-up, and saving and loading a checkpoint, touch every case's key once or twice;
/// they must not leave every key in memory (about 1 KiB each: at 100,000 cases, 100 MiB for
/// nothing). Reading one case's stream keeps its key: that case is being worked on.
#[test]
fn a_catch_up_and_a_checkpoint_leave_no_case_keys_in_memory() {
    let test = TestLog::new();
    write_demo(&test.log, 4, 6);
    let test = test.reopen();
    let projections = Projections::new();
    projections.catch_up(&test.log).unwrap();
    let cases = projections.cases.snapshot();
    assert!(!cases.is_empty());
    assert_eq!(test.log.keys().cached_stream_keys(), 0);
    checkpoint::save(test.dir.path(), &test.log, &projections).unwrap();
    assert_eq!(test.log.keys().cached_stream_keys(), 0);
    let some_case = cases.keys().next().unwrap();
    test.log.read_stream(&StreamId::case(some_case)).unwrap();
    assert_eq!(test.log.keys().cached_stream_keys(), 1);

    let test = test.reopen();
    let restored = Projections::new();
    assert!(checkpoint::load(test.dir.path(), &test.log, &restored).is_some());
    assert_eq!(test.log.keys().cached_stream_keys(), 0);
    assert_eq!(projected(&restored), projected(&projections));
}

/// A checkpoint altered anywhere in its sealed state, cut short, or of the first format (one
/// sealed JSON body) is not used, and the projections rebuild to the same state.
#[test]
fn a_damaged_or_old_checkpoint_is_ignored_and_the_projections_rebuild() {
    let test = TestLog::new();
    write_demo(&test.log, 3, 5);
    let projections = Projections::new();
    projections.catch_up(&test.log).unwrap();
    checkpoint::save(test.dir.path(), &test.log, &projections).unwrap();
    let file = checkpoint::path(test.dir.path());
    let saved = std::fs::read(&file).unwrap();
    let header = saved.iter().position(|byte| *byte == b'\n').unwrap() + 1;
    let header_json: Value = serde_json::from_slice(&saved[..header]).unwrap();
    assert_eq!(header_json["format"], 2);

    let flipped_at = |at: usize| {
        let mut bytes = saved.clone();
        bytes[at] ^= 1;
        bytes
    };
    let format_1 = serde_json::to_vec(&serde_json::json!({
        "format": 1,
        "position": header_json["position"],
        "record": header_json["record"],
        "nonce": "AAAAAAAAAAAAAAAA",
        "body": "AAAA",
    }))
    .unwrap();
    let damaged = [
        flipped_at(header + 2),
        flipped_at(header + (saved.len() - header) / 2),
        flipped_at(saved.len() - 1),
        saved[..saved.len() - 1].to_vec(),
        saved[..header + 100].to_vec(),
        saved[..header].to_vec(),
        format_1,
    ];
    for (case, bytes) in damaged.iter().enumerate() {
        std::fs::write(&file, bytes).unwrap();
        let fresh = Projections::new();
        assert_eq!(
            checkpoint::load(test.dir.path(), &test.log, &fresh),
            None,
            "damage {case}"
        );
        assert_eq!(fresh.applied(), 0, "damage {case}");
        fresh.catch_up(&test.log).unwrap();
        assert_eq!(projected(&fresh), projected(&projections), "damage {case}");
    }
    std::fs::write(&file, &saved).unwrap();
    let restored = Projections::new();
    assert!(checkpoint::load(test.dir.path(), &test.log, &restored).is_some());
    assert_eq!(projected(&restored), projected(&projections));
}

#[test]
fn a_case_erased_after_the_checkpoint_loses_its_day_in_the_restored_index() {
    let test = TestLog::new();
    write_demo(&test.log, 4, 12);
    let projections = Projections::new();
    projections.catch_up(&test.log).unwrap();
    let (id, state) = reference_cases(&test.log)
        .into_iter()
        .find(|(_, case)| case.status == Some(CaseStatus::Open))
        .expect("an open case");
    checkpoint::save(test.dir.path(), &test.log, &projections).unwrap();

    // Erase it: the case_erased event and the key's destruction in one append.
    let erased = tincay::domain::case::CaseEvent::CaseErased {
        facts: tincay::domain::case::CaseErasedFacts {
            reason: tincay::domain::vocab::ErasureReason::SurvivorRequest,
        },
    };
    test.append(tincay::store::log::AppendRequest {
        stream: StreamId::case(&id),
        expected: tincay::store::log::ExpectedVersion::Exact(state.version),
        events: vec![tincay::domain::codec::EventCodec::encode(&erased).unwrap()],
        idempotency: None,
        actor: None,
        recorded_at: now(),
        erase: true,
    });

    // The checkpoint still has the case as it was, but its personal part was sealed under the
    // case's key, which is gone: it is restored as erasure leaves a case.
    let restored = Projections::new();
    assert!(checkpoint::load(test.dir.path(), &test.log, &restored).is_some());
    let (_, snapshot) = restored.snapshot();
    assert_eq!(
        snapshot.cases[&id].opened_on,
        state
            .opened_in
            .and_then(tincay::domain::calendar::YearMonth::first_day)
    );
    restored.catch_up(&test.log).unwrap();
    let fresh = Projections::new();
    fresh.catch_up(&test.log).unwrap();
    assert_eq!(projected(&restored), projected(&fresh));
}

#[test]
fn the_checkpoint_holds_no_personal_data_in_clear() {
    let test = TestLog::new();
    write_demo(&test.log, 5, 20);
    let projections = Projections::new();
    projections.catch_up(&test.log).unwrap();
    checkpoint::save(test.dir.path(), &test.log, &projections).unwrap();
    let bytes = std::fs::read(checkpoint::path(test.dir.path())).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    // Every username (registry personal data) and the demo's place names are inside the
    // encrypted body only.
    for user in tincay::demo::users() {
        assert!(!text.contains(user.username), "a username is in clear");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(checkpoint::path(test.dir.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

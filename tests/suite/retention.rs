//! The retention job over a real log: which cases it erases, that a dry run writes nothing,
//! and that an erasure by retention destroys the case's key, is in the access log, and leaves
//! the statistics as they were.

use std::collections::BTreeSet;

use time::macros::datetime;
use tincay::domain::case::CaseStatus;
use tincay::domain::case::retention::{RetentionPeriod, is_due};
use tincay::projections::runner::Projections;
use tincay::retention;
use tincay::store::log::{EventLog, RecordedPii};
use tincay::store::stream::StreamId;

use crate::support::{TestLog, now};

fn demo(log: &EventLog, seed: u64, cases: usize) -> Projections {
    let data = tincay::demo::generate(
        now(),
        time::macros::date!(2026 - 11 - 20),
        seed,
        cases,
        &|name| format!("pw-{name}"),
    )
    .unwrap();
    block_on(tincay::demo::load(log, data)).unwrap();
    let projections = Projections::new();
    projections.catch_up(log).unwrap();
    std::sync::Arc::try_unwrap(projections).unwrap()
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn a_dry_run_lists_exactly_the_cases_closed_before_the_period_and_writes_nothing() {
    let test = TestLog::new();
    let projections = demo(&test.log, 11, 60);
    let head = test.log.head().unwrap().position;
    let one_year = RetentionPeriod::years(1).unwrap();
    let today = time::macros::date!(2026 - 11 - 20);

    let report = block_on(retention::run(
        &test.log,
        &projections,
        now(),
        one_year,
        true,
    ))
    .unwrap();

    let expected: BTreeSet<_> = projections
        .cases
        .select(|case| is_due(case, today, one_year))
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let listed: BTreeSet<_> = report.due.iter().map(|due| due.case).collect();
    assert_eq!(listed, expected);
    assert!(
        !listed.is_empty(),
        "the demo has cases closed over a year ago"
    );
    for (_, case) in projections.cases.select(|_| true) {
        if case.status != Some(CaseStatus::Closed) {
            assert!(!is_due(&case, today, one_year));
        }
    }
    assert_eq!(report.erased, 0);
    assert_eq!(
        test.log.head().unwrap().position,
        head,
        "a dry run writes nothing"
    );
}

#[test]
fn retention_erases_each_due_case_for_good_records_it_and_keeps_the_statistics() {
    let test = TestLog::new();
    let projections = demo(&test.log, 12, 40);
    let stats_before = serde_json::to_value(projections.stats.snapshot()).unwrap();
    let later = datetime!(2040-01-01 00:00 UTC);

    let report = block_on(retention::run(
        &test.log,
        &projections,
        later,
        RetentionPeriod::DEFAULT,
        false,
    ))
    .unwrap();

    assert!(report.erased > 0);
    assert_eq!(report.erased, report.due.len());
    projections.catch_up(&test.log).unwrap();
    for due in &report.due {
        let state = projections.cases.get(&due.case).unwrap();
        assert_eq!(state.status, Some(CaseStatus::Erased));
        let events = test.log.read_stream(&StreamId::case(&due.case)).unwrap();
        assert!(
            events
                .iter()
                .all(|event| !matches!(event.pii, RecordedPii::Present(_))),
            "every personal part is unreadable"
        );
        let access = test
            .log
            .read_stream(&StreamId::case_access(&due.case))
            .unwrap();
        assert!(
            access.iter().any(
                |entry| String::from_utf8_lossy(entry.facts.as_bytes()).contains("case_erased")
            ),
            "the erasure is in the case's access log"
        );
    }
    let stats_after = serde_json::to_value(projections.stats.snapshot()).unwrap();
    assert_eq!(
        stats_before, stats_after,
        "statistics count facts, which erasure keeps"
    );

    // A second run finds nothing more to do.
    let again = block_on(retention::run(
        &test.log,
        &projections,
        later,
        RetentionPeriod::DEFAULT,
        false,
    ))
    .unwrap();
    assert_eq!(again, retention::RetentionReport::default());
}

//! The event log: appends, reads, expected versions, idempotency, erasure, the head.

use serde_json::{Value, json};
use tincay::store::engine::EventStore;
use tincay::store::log::{
    AppendError, ExpectedVersion, Idempotency, OpenError, RecordedEvent, RecordedPii,
};

use crate::support::*;

const CASE_A: &str = "case-0a000000-0000-4000-8000-000000000001";
const CASE_B: &str = "case-0b000000-0000-4000-8000-000000000002";

#[test]
fn appended_events_read_back_decrypted_and_in_order() {
    let t = TestLog::new();
    let outcome = t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![
            event(
                "case_opened",
                json!({"risk": "high"}),
                Some(json!({"name": "An"})),
            ),
            note("first note"),
        ],
    ));
    assert_eq!((outcome.first_position, outcome.last_position), (1, 2));
    assert_eq!(outcome.stream_version, 2);
    assert!(!outcome.replayed);

    let events = t.log.read_stream(&stream(CASE_A)).unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event_type, "case_opened");
    assert_eq!(facts_json(&events[0]), json!({"risk": "high"}));
    assert_eq!(pii_json(&events[0]), Some(json!({"name": "An"})));
    assert_eq!(pii_json(&events[1]), Some(json!({"text": "first note"})));
    assert_eq!(events[1].recorded_at, now());
}

#[test]
fn positions_are_global_and_versions_count_per_stream() {
    let t = TestLog::new();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("a1")]));
    t.append(request(CASE_B, ExpectedVersion::NoStream, vec![note("b1")]));
    let third = t.append(request(CASE_A, ExpectedVersion::Exact(1), vec![note("a2")]));
    assert_eq!(third.first_position, 3);
    assert_eq!(third.stream_version, 2);

    let all = t.log.read_from(1, 100).unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|e| (e.position, e.stream.to_string(), e.stream_version))
        .collect();
    assert_eq!(
        seen,
        vec![
            (1, CASE_A.to_owned(), 1),
            (2, CASE_B.to_owned(), 1),
            (3, CASE_A.to_owned(), 2)
        ]
    );
    assert_eq!(t.log.read_from(3, 100).unwrap().len(), 1);
    assert_eq!(t.log.read_from(1, 2).unwrap().len(), 2);
}

#[test]
fn a_stale_expected_version_is_refused_and_writes_nothing() {
    let t = TestLog::new();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("a1")]));
    t.append(request(CASE_A, ExpectedVersion::Exact(1), vec![note("a2")]));
    let head = t.log.head();

    let stale = t.log.append_blocking(request(
        CASE_A,
        ExpectedVersion::Exact(1),
        vec![note("late")],
    ));
    assert!(
        matches!(stale, Err(AppendError::WrongVersion { actual: 2 })),
        "{stale:?}"
    );
    let again = t.log.append_blocking(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("dup")],
    ));
    assert!(matches!(
        again,
        Err(AppendError::WrongVersion { actual: 2 })
    ));
    assert_eq!(t.log.head(), head);
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 2);
}

#[test]
fn an_append_without_events_is_refused() {
    let t = TestLog::new();
    let empty = t
        .log
        .append_blocking(request(CASE_A, ExpectedVersion::Any, vec![]));
    assert!(matches!(empty, Err(AppendError::Empty)));
    assert_eq!(t.log.head(), None);
}

fn with_key(
    mut req: tincay::store::log::AppendRequest,
    key: &str,
    body: &str,
) -> tincay::store::log::AppendRequest {
    req.idempotency = Some(Idempotency {
        key: key.as_bytes().to_vec(),
        fingerprint: fingerprint(body),
    });
    req
}

#[test]
fn an_idempotent_retry_returns_the_first_result_and_writes_nothing() {
    let t = TestLog::new();
    let first = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "user-1/cases/key-1",
        "body",
    ));
    // The retry would fail its expected version if it were written again.
    let retry = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "user-1/cases/key-1",
        "body",
    ));
    assert!(retry.replayed);
    assert_eq!(
        (
            retry.stream,
            retry.first_position,
            retry.last_position,
            retry.stream_version
        ),
        (
            first.stream,
            first.first_position,
            first.last_position,
            first.stream_version
        )
    );
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 1);
}

#[test]
fn an_idempotent_retry_is_still_recognised_after_a_reopen() {
    let t = TestLog::new();
    let first = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "k",
        "body",
    ));
    let t = t.reopen();
    let retry = t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("once")]),
        "k",
        "body",
    ));
    assert!(retry.replayed);
    assert_eq!(retry.last_position, first.last_position);
}

#[test]
fn the_same_idempotency_key_with_another_request_is_refused() {
    let t = TestLog::new();
    t.append(with_key(
        request(CASE_A, ExpectedVersion::NoStream, vec![note("one")]),
        "k",
        "body one",
    ));
    let other = t.log.append_blocking(with_key(
        request(CASE_A, ExpectedVersion::Any, vec![note("two")]),
        "k",
        "body two",
    ));
    assert!(
        matches!(other, Err(AppendError::IdempotencyMismatch)),
        "{other:?}"
    );
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 1);
}

#[test]
fn erasing_a_stream_makes_its_pii_unreadable_but_keeps_its_facts() {
    let t = TestLog::new();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![event(
            "case_opened",
            json!({"sex": "female"}),
            Some(json!({"name": "An"})),
        )],
    ));
    t.append(request(
        CASE_B,
        ExpectedVersion::NoStream,
        vec![note("other case")],
    ));
    let mut erase = request(
        CASE_A,
        ExpectedVersion::Exact(1),
        vec![event(
            "case_erased",
            json!({"reason": "survivor_request"}),
            None,
        )],
    );
    erase.erase = true;
    t.append(erase);

    let t = t.reopen();
    let events = t.log.read_stream(&stream(CASE_A)).unwrap();
    assert!(matches!(events[0].pii, RecordedPii::Erased));
    assert_eq!(facts_json(&events[0]), json!({"sex": "female"}));
    assert!(matches!(events[1].pii, RecordedPii::Absent));
    let other = t.log.read_stream(&stream(CASE_B)).unwrap();
    assert_eq!(pii_json(&other[0]), Some(json!({"text": "other case"})));
}

#[test]
fn personal_data_cannot_be_appended_to_an_erased_stream() {
    let t = TestLog::new();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("before")],
    ));
    let mut erase = request(
        CASE_A,
        ExpectedVersion::Any,
        vec![event("case_erased", json!({}), None)],
    );
    erase.erase = true;
    t.append(erase);
    let after = t
        .log
        .append_blocking(request(CASE_A, ExpectedVersion::Any, vec![note("after")]));
    assert!(matches!(after, Err(AppendError::StreamErased)), "{after:?}");
    assert_eq!(t.log.read_from(1, 100).unwrap().len(), 2);
}

#[test]
fn a_wrong_master_key_is_refused_with_a_clear_message() {
    let t = TestLog::new();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("x")]));
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));
    let store = std::sync::Arc::new(
        tincay::store::sled_store::SledStore::open(
            dir.path(),
            tincay::store::sled_store::SledOptions::default(),
        )
        .unwrap(),
    );
    let wrong = tincay::store::crypto::MasterKey::from_bytes([8; 32]);
    let error =
        tincay::store::log::EventLog::open(store, wrong, tincay::store::log::LogOptions::default())
            .unwrap_err();
    assert!(matches!(error, OpenError::WrongMasterKey));
    assert_eq!(
        error.to_string(),
        "master key does not match this data directory"
    );
}

#[test]
fn the_head_survives_a_reopen_and_new_appends_continue_the_chain() {
    let t = TestLog::new();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("1"), note("2")],
    ));
    let head = t.log.head().unwrap();
    assert_eq!(head.position, 2);
    let t = t.reopen();
    assert_eq!(t.log.head(), Some(head));
    let next = t.append(request(CASE_A, ExpectedVersion::Exact(2), vec![note("3")]));
    assert_eq!(next.first_position, 3);
    assert_ne!(t.log.head().unwrap().mac, head.mac);
}

#[test]
fn a_subscription_hands_out_every_durable_append_in_order() {
    let t = TestLog::new();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("1")]));
    let mut subscription = t.log.subscribe(1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let first = runtime
        .block_on(subscription.next_batch(10))
        .unwrap()
        .unwrap();
    assert_eq!(
        first.iter().map(|e| e.position).collect::<Vec<_>>(),
        vec![1]
    );
    assert!(subscription.poll_batch(10).unwrap().is_empty());

    let log = t.log.clone();
    let writer = std::thread::spawn(move || {
        log.append_blocking(request(
            CASE_B,
            ExpectedVersion::NoStream,
            vec![note("2"), note("3")],
        ))
        .unwrap()
    });
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let batch = runtime
            .block_on(subscription.next_batch(10))
            .unwrap()
            .unwrap();
        seen.extend(batch.iter().map(|e| e.position));
    }
    writer.join().unwrap();
    assert_eq!(seen, vec![2, 3]);
}

/// What a test compares of a recorded event: place, type and both parts.
fn summary(events: &[RecordedEvent]) -> Vec<(u64, String, u64, String, Value, Option<Value>)> {
    events
        .iter()
        .map(|e| {
            let erased = matches!(e.pii, RecordedPii::Erased);
            let pii = pii_json(e).or(erased.then(|| json!("erased")));
            let (stream, facts) = (e.stream.to_string(), facts_json(e));
            (
                e.position,
                stream,
                e.stream_version,
                e.event_type.clone(),
                facts,
                pii,
            )
        })
        .collect()
}

#[test]
fn a_large_read_is_split_over_threads_and_equals_reading_record_by_record() {
    // 40 cases, 4 appends of 10 events each, interleaved: 1,600 events; then one case erased.
    let t = interleaved();
    let case = |n: u32| format!("case-{n:08x}-0000-4000-8000-000000000000");
    let mut erase = request(&case(7), ExpectedVersion::Exact(40), vec![]);
    erase.events = vec![event("case_erased", json!({"reason": "duplicate"}), None)];
    erase.erase = true;
    t.append(erase);
    let one_by_one: Vec<_> = t.store.read_from(1, usize::MAX).unwrap();
    let one_by_one: Vec<_> = one_by_one
        .iter()
        .map(|record| t.log.open_record(record).unwrap())
        .collect();
    assert_eq!(one_by_one.len(), 1_601);

    for (from, limit) in [
        (1, 10_000),
        (1, 1_600),
        (300, 700),
        (999, 600),
        (1_500, 5_000),
    ] {
        let read = t.log.read_from(from, limit).unwrap();
        let first = usize::try_from(from - 1).unwrap();
        let expected = &one_by_one[first..(first + limit).min(one_by_one.len())];
        assert_eq!(
            summary(&read),
            summary(expected),
            "from {from}, limit {limit}"
        );
    }
    let ahead: Vec<_> = t
        .log
        .read_ahead(1, 512)
        .flat_map(|batch| batch.unwrap())
        .collect();
    assert_eq!(summary(&ahead), summary(&one_by_one));
}

#[test]
fn a_damaged_record_in_a_large_read_is_the_error_reading_one_by_one_gives() {
    let t = TestLog::new();
    for n in 0..60_u64 {
        let notes = (0..10).map(|i| note(&format!("{n} {i}"))).collect();
        t.append(request(CASE_A, ExpectedVersion::Exact(n * 10), notes));
    }
    // Flip a ciphertext byte of position 450 (of 600): the MAC's 32 bytes come last.
    let mut value = t.store.tamper_value(450).unwrap();
    let index = value.len() - 40;
    value[index] ^= 1;
    t.store.tamper_set_value(450, Some(&value)).unwrap();

    let error = t.log.read_from(1, 1_000).unwrap_err();
    assert_eq!(error.position(), Some(450), "{error}");
    assert_eq!(t.log.read_from(1, 449).unwrap().len(), 449);
}

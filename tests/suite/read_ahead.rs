//! Reading ahead: a pool of threads reads, decrypts and maps ranges of the log, and the
//! caller gets every event once, in position order, whatever the window, damage or appends.

use std::panic::AssertUnwindSafe;

use serde_json::{Value, json};
use tincay::store::engine::EventStore;
use tincay::store::keyring::{KeysKept, StreamKey, WrappedKeys};
use tincay::store::log::{ExpectedVersion, RecordedEvent, RecordedPii};

use crate::support::*;

fn place(event: &RecordedEvent) -> (u64, String, u64) {
    (
        event.position,
        event.stream.to_string(),
        event.stream_version,
    )
}

#[test]
fn every_event_comes_once_and_in_order_whatever_the_window_and_start() {
    let t = interleaved();
    let one_by_one: Vec<_> = t
        .store
        .read_from(1, usize::MAX)
        .unwrap()
        .iter()
        .map(|record| place(&t.log.open_record(record).unwrap()))
        .collect();
    assert_eq!(one_by_one.len(), 1_600);
    for (from, limit) in [
        (1, 1),
        (1, 256),
        (1, 300),
        (1, 4_096),
        (257, 100),
        (1_599, 10),
    ] {
        let ahead: Vec<_> = t
            .log
            .read_ahead_mapped(from, limit, |_| true, |event| place(&event))
            .flat_map(|chunk| chunk.unwrap())
            .collect();
        let first = usize::try_from(from - 1).unwrap();
        assert_eq!(ahead, one_by_one[first..], "from {from}, limit {limit}");
    }
    assert_eq!(
        t.log.read_ahead(1_601, 256).count(),
        0,
        "nothing after the head"
    );
}

#[test]
fn a_damaged_record_ends_the_read_with_its_position_after_every_event_before_it() {
    let t = interleaved();
    // Flip a ciphertext byte of position 1,000: the MAC's 32 bytes come last.
    let mut value = t.store.tamper_value(1_000).unwrap();
    let index = value.len() - 40;
    value[index] ^= 1;
    t.store.tamper_set_value(1_000, Some(&value)).unwrap();

    let mut positions = Vec::new();
    let mut errors = Vec::new();
    for chunk in t.log.read_ahead(1, 256) {
        match chunk {
            Ok(events) => positions.extend(events.iter().map(|event| event.position)),
            Err(error) => errors.push(error.position()),
        }
    }
    // The chunks before the damaged record's range, then its error, then nothing.
    assert_eq!(positions, (1..=768).collect::<Vec<_>>());
    assert_eq!(errors, vec![Some(1_000)]);
}

#[test]
fn a_panic_while_mapping_is_raised_again_in_the_caller() {
    let t = interleaved();
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| {
        t.log
            .read_ahead_mapped(
                1,
                256,
                |_| true,
                |event| {
                    assert!(event.position != 900, "mapping failed at 900");
                    event.position
                },
            )
            .flat_map(|chunk| chunk.unwrap())
            .count()
    }));
    let panic = read.unwrap_err();
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap();
    assert!(message.contains("mapping failed at 900"), "{message}");
}

#[test]
fn reading_ahead_while_appends_go_on_ends_at_a_head_without_a_gap() {
    let t = interleaved();
    let writer = {
        let log = t.log.clone();
        std::thread::spawn(move || {
            for n in 0..200_u32 {
                let stream = format!("case-{n:08x}-0000-4000-8000-00000000ffff");
                log.append_blocking(request(&stream, ExpectedVersion::NoStream, vec![note("x")]))
                    .unwrap();
            }
        })
    };
    let positions: Vec<_> = t
        .log
        .read_ahead_mapped(1, 64, |_| true, |event| event.position)
        .flat_map(|chunk| chunk.unwrap())
        .collect();
    writer.join().unwrap();
    let last = *positions.last().unwrap();
    assert!(last >= 1_600, "at least the head when it started");
    assert_eq!(positions, (1..=last).collect::<Vec<_>>());
}

#[test]
fn a_read_ahead_dropped_early_leaves_the_log_as_it_was() {
    let t = interleaved();
    let mut ahead = t.log.read_ahead(1, 256);
    let first = ahead.next().unwrap().unwrap();
    assert_eq!(first.first().map(|event| event.position), Some(1));
    drop(ahead);
    let stream = "case-0000ffff-0000-4000-8000-000000000000";
    t.append(request(
        stream,
        ExpectedVersion::NoStream,
        vec![note("after")],
    ));
    let all: Vec<_> = t
        .log
        .read_ahead_mapped(1, 256, |_| true, |event| event.position)
        .flat_map(|chunk| chunk.unwrap())
        .collect();
    assert_eq!(all, (1..=1_601).collect::<Vec<_>>());
}

/// Where an event is, and what its personal part came out as.
fn place_and_pii(event: &RecordedEvent) -> ((u64, String, u64), Option<Value>, bool) {
    let erased = matches!(event.pii, RecordedPii::Erased);
    (place(event), pii_json(event), erased)
}

fn case(n: u32) -> String {
    format!("case-{n:08x}-0000-4000-8000-000000000000")
}

fn erase(t: &TestLog, stream: &str) {
    let mut erase = request(stream, ExpectedVersion::Any, vec![]);
    erase.events = vec![event("case_erased", json!({"reason": "duplicate"}), None)];
    erase.erase = true;
    t.append(erase);
}

#[test]
fn a_replay_from_one_scan_of_the_keys_reads_what_reading_ahead_reads() {
    let t = interleaved();
    erase(&t, &case(7));
    let ahead: Vec<_> = t
        .log
        .read_ahead_mapped(1, 300, |_| true, |event| place_and_pii(&event))
        .flat_map(|chunk| chunk.unwrap())
        .collect();
    let replayed: Vec<_> = t
        .log
        .replay_mapped(300, |_| true, |event| place_and_pii(&event))
        .unwrap()
        .flat_map(|chunk| chunk.unwrap())
        .collect();
    assert_eq!(ahead.len(), 1_601);
    assert_eq!(replayed, ahead);
    let erased = replayed.iter().filter(|(_, _, erased)| *erased).count();
    assert_eq!(
        erased, 40,
        "the erased case's notes stay erased in a replay"
    );
    assert_eq!(
        replayed[0].1,
        Some(json!({"text": "0 0 0"})),
        "the others' notes open with the scanned keys"
    );
}

#[test]
fn a_stream_key_comes_from_the_scan_where_it_has_it_and_from_the_store_where_not() {
    let t = interleaved();
    let scanned = WrappedKeys::read(t.store.as_ref()).unwrap();
    // The facts and chain keys and the 40 cases' keys.
    assert_eq!(scanned.len(), 42);
    // After the scan: case 7 erased, and a new case written.
    erase(&t, &case(7));
    t.append(request(
        &case(99),
        ExpectedVersion::NoStream,
        vec![note("new")],
    ));
    let keys = t.log.keys();
    let lookup = |raw: &str, scan: Option<&WrappedKeys>| {
        keys.lookup_in(t.store.as_ref(), scan, &stream(raw), KeysKept::NotKept)
            .unwrap()
    };
    assert!(
        matches!(lookup(&case(7), Some(&scanned)), StreamKey::Present(_)),
        "the scan is what a replay looks in (it holds the key as it was)"
    );
    assert!(matches!(lookup(&case(7), None), StreamKey::Destroyed));
    assert!(
        matches!(lookup(&case(99), Some(&scanned)), StreamKey::Present(_)),
        "a key created after the scan is looked up in the store"
    );
    assert!(matches!(
        lookup("case-0000dead-0000-4000-8000-000000000000", Some(&scanned)),
        StreamKey::Missing
    ));
}

//! Issue 19, attack 8: a read racing an erasure must never put the erased case's key back
//! into the keyring's cache after the writer forgot it.

use serde_json::json;
use tincay::store::keyring::{KeysKept, StreamKey, WrappedKeys};
use tincay::store::log::{AppendRequest, ExpectedVersion};

use crate::support::*;

fn erase(log: &TestLog, stream_id: &str, version: u64) {
    log.append(AppendRequest {
        erase: true,
        ..request(
            stream_id,
            ExpectedVersion::Exact(version),
            vec![event("case_erased", json!({}), None)],
        )
    });
}

/// The interleaving itself, made deterministic: a read found the wrapped key before the
/// erasure committed (here, in a replay's scan of the key tree), and unwraps it after.
#[test]
fn a_key_unwrapped_before_an_erasure_is_not_cached_after_it() {
    let log = TestLog::new();
    log.append(request(
        "case-raced",
        ExpectedVersion::NoStream,
        vec![note("one")],
    ));
    let log = log.reopen();
    let raced = stream("case-raced");
    assert!(!log.log.keys().holds_key(&raced));
    let scanned = WrappedKeys::read(log.log.store().as_ref()).unwrap();

    erase(&log, "case-raced", 1);
    let late = log
        .log
        .keys()
        .lookup_in(
            log.log.store().as_ref(),
            Some(&scanned),
            &raced,
            KeysKept::Kept,
        )
        .unwrap();

    assert!(matches!(late, StreamKey::Present(_)), "the read was stale");
    assert!(
        !log.log.keys().holds_key(&raced),
        "an erased key came back into the cache"
    );
    assert!(matches!(
        log.log
            .keys()
            .stream_key(log.log.store().as_ref(), &raced)
            .unwrap(),
        StreamKey::Destroyed
    ));
}

/// Many real races: readers read each case while it is erased; afterwards no erased case's
/// key is held.
#[test]
fn reads_racing_erasures_never_leave_an_erased_key_cached() {
    const CASES: usize = 60;
    let log = TestLog::new();
    for n in 0..CASES {
        log.append(request(
            &format!("case-race-{n}"),
            ExpectedVersion::NoStream,
            vec![note("one")],
        ));
    }
    // A fresh start: no key is cached, so every read unwraps from the store.
    let log = std::sync::Arc::new(log.reopen());
    for n in 0..CASES {
        let id = format!("case-race-{n}");
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let log = std::sync::Arc::clone(&log);
                let id = id.clone();
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        let _ = log.log.read_stream(&stream(&id));
                    }
                })
            })
            .collect();
        erase(&log, &id, 1);
        for reader in readers {
            reader.join().unwrap();
        }
        assert!(
            !log.log.keys().holds_key(&stream(&id)),
            "{id}: an erased key is cached"
        );
    }
}

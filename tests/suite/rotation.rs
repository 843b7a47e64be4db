//! Master key rotation: keys are re-wrapped, events and the chain are untouched, the old
//! key stops working and erased streams stay erased.

use std::sync::Arc;

use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::{EventLog, ExpectedVersion, LogOptions, OpenError, RecordedPii};
use tincay::store::rotate::{RotateError, rotate_master_key};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::verify;

use crate::support::*;

const CASE_A: &str = "case-0a000000-0000-4000-8000-000000000001";
const CASE_B: &str = "case-0b000000-0000-4000-8000-000000000002";

fn new_key() -> MasterKey {
    MasterKey::from_bytes([9; 32])
}

fn store_at(path: &std::path::Path) -> Arc<SledStore> {
    Arc::new(SledStore::open(path, SledOptions::default()).unwrap())
}

#[test]
fn rotation_rewraps_keys_so_only_the_new_master_key_opens_the_log() {
    let t = TestLog::new();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("kept")],
    ));
    t.append(request(
        CASE_B,
        ExpectedVersion::NoStream,
        vec![note("erased")],
    ));
    let mut erase = request(CASE_B, ExpectedVersion::Exact(1), vec![note_free_erasure()]);
    erase.erase = true;
    t.append(erase);
    let head = t.log.head();
    let before: Vec<Vec<u8>> = t
        .store
        .read_from(1, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.bytes)
        .collect();
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));

    let store = store_at(dir.path());
    let report = rotate_master_key(store.as_ref(), &master(), &new_key()).unwrap();
    assert_eq!((report.from_epoch, report.to_epoch), (1, 2));
    assert_eq!(report.rewrapped, 3, "facts, chain and one live stream key");
    assert_eq!(report.destroyed, 1);
    let after: Vec<Vec<u8>> = store
        .read_from(1, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.bytes)
        .collect();
    assert_eq!(before, after, "events are never re-encrypted");

    let old = EventLog::open(
        store.clone() as Arc<dyn EventStore>,
        master(),
        LogOptions::default(),
    );
    assert!(matches!(old, Err(OpenError::WrongMasterKey)));
    let log = EventLog::open(
        store.clone() as Arc<dyn EventStore>,
        new_key(),
        LogOptions::default(),
    )
    .unwrap();
    assert_eq!(log.head(), head);
    let a = log.read_stream(&stream(CASE_A)).unwrap();
    assert_eq!(pii_json(&a[0]).unwrap()["text"], "kept");
    let b = log.read_stream(&stream(CASE_B)).unwrap();
    assert!(matches!(b[0].pii, RecordedPii::Erased));
    log.close();
    verify(store.as_ref(), new_key(), &|_| Ok(())).unwrap();
}

#[test]
fn rotation_with_the_wrong_current_key_changes_nothing() {
    let t = TestLog::new();
    t.append(request(CASE_A, ExpectedVersion::NoStream, vec![note("x")]));
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));
    let store = store_at(dir.path());
    let wrong = MasterKey::from_bytes([1; 32]);
    let result = rotate_master_key(store.as_ref(), &wrong, &new_key());
    assert!(matches!(
        result,
        Err(RotateError::Open(OpenError::WrongMasterKey))
    ));
    verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
}

fn note_free_erasure() -> tincay::domain::codec::EncodedEvent {
    event(
        "case_erased",
        serde_json::json!({"reason": "survivor_request"}),
        None,
    )
}

/// The offline outbox's key pair (derived from the chain key, which rotation re-wraps): a
/// record a phone sealed before `rotate-key` opens after it, with the new master key only.
#[test]
fn a_record_sealed_to_the_outbox_before_a_rotation_opens_after_it() {
    use tincay::store::crypto::outbox::{OutboxKey, SealedParts, seal};

    let t = TestLog::new();
    let before = OutboxKey::derive(t.log.keys().chain());
    let ephemeral = p256::SecretKey::from_bytes(&[3u8; 32].into()).unwrap();
    let aad = b"tincay-outbox-v1\n";
    let (epk, ciphertext) = seal(before.public(), &ephemeral, [1; 12], aad, b"text=kept").unwrap();
    let TestLog { dir, store, log } = t;
    log.close();
    drop((log, store));

    let store = store_at(dir.path());
    rotate_master_key(store.as_ref(), &master(), &new_key()).unwrap();
    let log = EventLog::open(
        store.clone() as Arc<dyn EventStore>,
        new_key(),
        LogOptions::default(),
    )
    .unwrap();
    let after = OutboxKey::derive(log.keys().chain());
    assert_eq!(after.public(), before.public());
    assert_eq!(after.kid(), before.kid());
    let opened = after
        .open(SealedParts {
            ephemeral: &epk,
            nonce: &[1; 12],
            aad,
            ciphertext: &ciphertext,
        })
        .unwrap();
    assert_eq!(opened.as_bytes(), b"text=kept");
    log.close();
}

//! Tamper evidence: changing, deleting or swapping stored records through the engine's own
//! trees is caught by `verify`, which names the first bad position.

use serde_json::json;
use tincay::store::log::ExpectedVersion;
use tincay::store::verify::{VerifyError, VerifyReport, verify};

use crate::support::*;

const CASE_A: &str = "case-0a000000-0000-4000-8000-000000000001";
const CASE_B: &str = "case-0b000000-0000-4000-8000-000000000002";

/// Five records over two streams.
fn five_records() -> TestLog {
    let t = TestLog::new();
    t.append(request(
        CASE_A,
        ExpectedVersion::NoStream,
        vec![note("a1"), note("a2")],
    ));
    t.append(request(CASE_B, ExpectedVersion::NoStream, vec![note("b1")]));
    t.append(request(
        CASE_A,
        ExpectedVersion::Exact(2),
        vec![
            event("risk_assessed", json!({"risk_level": "high"}), None),
            note("a4"),
        ],
    ));
    t
}

fn run_verify(t: &TestLog) -> Result<VerifyReport, VerifyError> {
    verify(t.store.as_ref(), master(), &|_| Ok(()))
}

fn first_bad_position(t: &TestLog) -> u64 {
    match run_verify(t) {
        Err(VerifyError::Broken(failure)) => failure.position,
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

fn key(position: u64) -> [u8; 8] {
    position.to_be_bytes()
}

#[test]
fn verify_accepts_an_untouched_log_and_reports_its_head() {
    let t = five_records();
    let report = run_verify(&t).unwrap();
    assert_eq!(report.records, 5);
    assert_eq!(report.streams, 2);
    assert_eq!(report.pii_decrypted, 4);
    assert_eq!(report.head, t.log.head());
}

#[test]
fn verify_names_a_record_with_one_byte_changed_anywhere() {
    let t = five_records();
    let records = t.store.tamper_records();
    let original = records.get(key(3)).unwrap().unwrap().to_vec();
    // Every single byte of the record, header, ciphertexts and MAC alike.
    for offset in 0..original.len() {
        let mut changed = original.clone();
        changed[offset] ^= 0x01;
        records.insert(key(3), changed).unwrap();
        assert_eq!(first_bad_position(&t), 3, "byte {offset}");
    }
    records.insert(key(3), original).unwrap();
    run_verify(&t).unwrap();
}

#[test]
fn verify_names_a_deleted_record() {
    let t = five_records();
    t.store.tamper_records().remove(key(2)).unwrap();
    assert_eq!(first_bad_position(&t), 2);
}

#[test]
fn verify_names_the_first_of_two_swapped_records() {
    let t = five_records();
    let records = t.store.tamper_records();
    let two = records.get(key(2)).unwrap().unwrap();
    let four = records.get(key(4)).unwrap().unwrap();
    records.insert(key(2), four).unwrap();
    records.insert(key(4), two).unwrap();
    assert_eq!(first_bad_position(&t), 2);
}

#[test]
fn verify_names_a_record_replaced_by_a_copy_of_another() {
    let t = five_records();
    let records = t.store.tamper_records();
    let one = records.get(key(1)).unwrap().unwrap();
    records.insert(key(5), one).unwrap();
    assert_eq!(first_bad_position(&t), 5);
}

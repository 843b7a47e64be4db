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

/// Twenty records over two streams: positions 1 to 16 are stored in two blocks, 17 to 20 one
/// by one (the last block is incomplete).
fn twenty_records() -> TestLog {
    let t = TestLog::new();
    for n in 0..5_u64 {
        let expected = if n == 0 {
            ExpectedVersion::NoStream
        } else {
            ExpectedVersion::Exact(n * 2)
        };
        let notes = vec![note(&format!("a{n}")), note(&format!("b{n}"))];
        t.append(request(CASE_A, expected, notes));
        let notes = vec![note(&format!("c{n}")), note(&format!("d{n}"))];
        t.append(request(CASE_B, expected, notes));
    }
    assert!(t.store.tamper_records().get(key(16)).unwrap().is_none());
    assert!(t.store.tamper_records().get(key(17)).unwrap().is_some());
    t
}

fn key(position: u64) -> [u8; 8] {
    position.to_be_bytes()
}

#[test]
fn verify_names_a_record_with_one_byte_changed_anywhere() {
    let t = five_records();
    let original = t.store.tamper_value(3).unwrap();
    // Every single byte of the record, header, ciphertexts and MAC alike.
    for offset in 0..original.len() {
        let mut changed = original.clone();
        changed[offset] ^= 0x01;
        t.store.tamper_set_value(3, Some(&changed)).unwrap();
        assert_eq!(first_bad_position(&t), 3, "byte {offset}");
    }
    t.store.tamper_set_value(3, Some(&original)).unwrap();
    run_verify(&t).unwrap();
}

#[test]
fn verify_names_a_record_changed_inside_a_block_and_one_stored_alone() {
    for position in [1, 7, 8, 12, 17, 20] {
        // A byte of the stream's name (the record no longer decodes) and of the MAC.
        for offset in [2, usize::MAX] {
            let t = twenty_records();
            run_verify(&t).unwrap();
            let mut changed = t.store.tamper_value(position).unwrap();
            let offset = offset.min(changed.len() - 1);
            changed[offset] ^= 0x01;
            t.store.tamper_set_value(position, Some(&changed)).unwrap();
            assert_eq!(
                first_bad_position(&t),
                position,
                "position {position}, {offset}"
            );
        }
    }
}

#[test]
fn verify_names_a_deleted_record() {
    let t = five_records();
    t.store.tamper_remove(2).unwrap();
    assert_eq!(first_bad_position(&t), 2);
}

#[test]
fn verify_names_a_record_deleted_from_a_block_or_stored_alone() {
    for position in [1, 5, 8, 9, 16, 18] {
        let t = twenty_records();
        t.store.tamper_remove(position).unwrap();
        assert_eq!(first_bad_position(&t), position, "position {position}");
    }
}

#[test]
fn verify_names_the_first_of_two_swapped_records() {
    let t = five_records();
    let two = t.store.tamper_value(2).unwrap();
    let four = t.store.tamper_value(4).unwrap();
    t.store.tamper_set_value(2, Some(&four)).unwrap();
    t.store.tamper_set_value(4, Some(&two)).unwrap();
    assert_eq!(first_bad_position(&t), 2);
}

#[test]
fn verify_names_the_first_of_two_records_swapped_across_a_block_and_the_tail() {
    let t = twenty_records();
    let (six, eighteen) = (
        t.store.tamper_value(6).unwrap(),
        t.store.tamper_value(18).unwrap(),
    );
    t.store.tamper_set_value(6, Some(&eighteen)).unwrap();
    t.store.tamper_set_value(18, Some(&six)).unwrap();
    assert_eq!(first_bad_position(&t), 6);
}

#[test]
fn verify_names_a_record_replaced_by_a_copy_of_another() {
    let t = five_records();
    let one = t.store.tamper_value(1).unwrap();
    t.store.tamper_set_value(5, Some(&one)).unwrap();
    assert_eq!(first_bad_position(&t), 5);
}

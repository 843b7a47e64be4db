//! Record keys, cell keys and the derivation of event keys.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::stats::disclosure::keys::{CellKey, RecordKey, SecretTooShort, StatisticsSecret};

const SECRET: [u8; 32] = [7; 32];

#[test]
fn a_cell_key_is_the_sum_of_its_units_keys_modulo_2_to_the_32() {
    let keys = [0xffff_fff0, 0x20, 0x1234].map(RecordKey::new);
    assert_eq!(CellKey::of(keys).get(), 0x1244);
    assert_eq!(CellKey::of([]), CellKey::EMPTY);
}

#[test]
fn a_cell_key_does_not_depend_on_the_order_units_arrive_in() {
    let keys = [3, 0x8000_0000, 0xdead_beef, 42].map(RecordKey::new);
    let mut reversed = keys;
    reversed.reverse();
    assert_eq!(CellKey::of(keys), CellKey::of(reversed));
}

#[test]
fn the_bucket_is_the_low_byte_of_the_cell_key() {
    assert_eq!(CellKey::from_u32(0x1234_56ab).bucket(), 0xab);
}

#[test]
fn keys_and_the_secret_are_redacted_in_debug() {
    let secret = StatisticsSecret::new(&SECRET).unwrap();
    assert_eq!(format!("{:?}", RecordKey::new(12345)), "RecordKey(..)");
    assert_eq!(format!("{:?}", CellKey::from_u32(12345)), "CellKey(..)");
    assert_eq!(format!("{secret:?}"), "StatisticsSecret(..)");
}

#[test]
fn a_secret_shorter_than_32_bytes_is_refused() {
    assert_eq!(
        StatisticsSecret::new(&[1; 31]).unwrap_err(),
        SecretTooShort { got: 31 }
    );
}

#[test]
fn event_keys_are_hmac_sha256_of_label_case_key_and_version_truncated_to_four_bytes() {
    // Keys of every length HMAC treats differently: the block size, and longer (hashed).
    for length in [32, 63, 64, 65, 100] {
        let secret_bytes: Vec<u8> = (0..length).map(|i| i as u8 ^ 0x5c).collect();
        let secret = StatisticsSecret::new(&secret_bytes).unwrap();
        let mut mac = Hmac::<Sha256>::new_from_slice(&secret_bytes).unwrap();
        mac.update(b"tincay/stats/event-record-key/v1\0");
        mac.update(&0x5eed_1234_u32.to_be_bytes());
        mac.update(&7_u64.to_be_bytes());
        let tag = mac.finalize().into_bytes();
        let expected = u32::from_be_bytes([tag[0], tag[1], tag[2], tag[3]]);
        let derived = secret.event_key(RecordKey::new(0x5eed_1234), 7);
        assert_eq!(derived.get(), expected, "secret of {length} bytes");
    }
}

#[test]
fn the_event_key_derivation_never_changes() {
    // Pinned: changing the derivation would re-draw the noise of every published number.
    let secret = StatisticsSecret::new(&SECRET).unwrap();
    let keys: Vec<u32> = (1..=3)
        .map(|version| secret.event_key(RecordKey::new(0x5eed_1234), version).get())
        .collect();
    assert_eq!(keys, PINNED_EVENT_KEYS);
}

// Checked independently with Python's `hmac` module.
const PINNED_EVENT_KEYS: [u32; 3] = [0xb96b_b530, 0xb629_08be, 0x4c86_d87a];

#[test]
fn event_keys_differ_by_version_case_key_and_secret() {
    let secret = StatisticsSecret::new(&SECRET).unwrap();
    let other_secret = StatisticsSecret::new(&[8; 32]).unwrap();
    let case = RecordKey::new(99);
    let key = secret.event_key(case, 2);
    assert_ne!(key, secret.event_key(case, 3));
    assert_ne!(key, secret.event_key(RecordKey::new(100), 2));
    assert_ne!(key, other_secret.event_key(case, 2));
    assert_eq!(key, secret.event_key(case, 2));
}

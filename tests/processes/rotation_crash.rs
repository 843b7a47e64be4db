//! A kill in the middle of a master key rotation leaves a store that opens with exactly one
//! of the two keys, and with that key every record and every personal part still decrypts.

use std::io::{BufRead, BufReader};
use std::sync::Arc;

use tincay::store::crypto::MasterKey;
use tincay::store::engine::EventStore;
use tincay::store::log::ExpectedVersion;
use tincay::store::log::open::check_master_key;
use tincay::store::rotate::rotate_master_key;
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::verify;

use crate::support::*;

const CHILD_DIR: &str = "TINCAY_ROTATE_CHILD_DIR";
const STREAMS: u64 = 300;
const ROUNDS: usize = 30;

fn key_a() -> MasterKey {
    master()
}

fn key_b() -> MasterKey {
    MasterKey::from_bytes([0xb0; 32])
}

/// Which of the two keys the store accepts now.
fn accepted_keys(store: &dyn EventStore) -> Vec<char> {
    let mut accepted = Vec::new();
    if check_master_key(store, &key_a()).is_ok() {
        accepted.push('a');
    }
    if check_master_key(store, &key_b()).is_ok() {
        accepted.push('b');
    }
    accepted
}

/// The child: rotates back and forth between the two keys until killed.
#[test]
fn rotation_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let store = SledStore::open(std::path::Path::new(&dir), SledOptions::default()).unwrap();
    let mut current = accepted_keys(&store)[0];
    println!("\nopened");
    loop {
        println!("rotating");
        let (from, to) = if current == 'a' {
            (key_a(), key_b())
        } else {
            (key_b(), key_a())
        };
        rotate_master_key(&store, &from, &to).unwrap();
        current = if current == 'a' { 'b' } else { 'a' };
        println!("rotated");
    }
}

#[test]
fn a_kill_during_rotation_leaves_a_store_that_opens_with_one_of_the_two_keys() {
    let _serial = crate::serial();
    let dir = tempfile::tempdir().unwrap();
    {
        let (_store, log) = open_at(dir.path(), key_a());
        for n in 0..STREAMS {
            let id = format!("case-rot-{n}");
            log.append_blocking(request(&id, ExpectedVersion::NoStream, vec![note(&id)]))
                .unwrap();
        }
        log.close();
    }
    let mut rotations_seen = 0;
    for round in 0..ROUNDS {
        // Kill after a random number of completed rotations, as soon as the next one starts.
        let wanted = (uuid::Uuid::new_v4().as_u128() % 3) as usize;
        let mut child =
            crate::spawn_test_child("rotation_crash::rotation_child", CHILD_DIR, dir.path());
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut rotated = 0;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if line == "rotated" {
                rotated += 1;
            }
            if line == "rotating" && rotated >= wanted {
                break;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        rotations_seen += rotated;

        let store = Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
        let accepted = accepted_keys(store.as_ref());
        assert_eq!(
            accepted.len(),
            1,
            "round {round}: the store accepts {accepted:?}"
        );
        let key = if accepted[0] == 'a' { key_a() } else { key_b() };
        let report = verify(store.as_ref(), key, &|_| Ok(()))
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert_eq!(report.records, STREAMS);
        assert_eq!(report.pii_decrypted, STREAMS, "round {round}");
    }
    assert!(rotations_seen > 0, "no rotation ever completed");
}

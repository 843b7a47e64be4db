//! Backups tampered with as an attacker who can write the file would, and key stores flipped
//! behind the log's back: a live case marked destroyed with the checksum and counts fixed up,
//! a tail dropped with the header rewritten, any one byte flipped, a backup MACed under
//! another master key, a version 1 backup: each refused with a clear message, nothing
//! written. Erasures are checked both ways by scan, verify and every open, even for a file
//! whose MAC is right (as only someone holding the key could make it).

use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac as _};
use sha2::{Digest as _, Sha256};
use tincay::store::backup::{BackupError, export, restore, scan};
use tincay::store::crypto::MasterKey;
use tincay::store::engine::{EventStore, KeyId, KeyState};
use tincay::store::erasure_check::ErasureMismatch;
use tincay::store::log::{EventLog, ExpectedVersion, LogOptions, OpenError};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::{VerifyError, verify};

use crate::support::{TestLog, event, master, note, now, request};

const ANY: &dyn Fn(&tincay::store::log::RecordedEvent) -> Result<(), String> = &|_| Ok(());
const LIVE: &str = "case-0a000000-0000-4000-8000-000000000001";
const ERASED: &str = "case-0b000000-0000-4000-8000-000000000002";

/// A log with a live case (three notes) and an erased one.
fn two_cases() -> TestLog {
    let log = TestLog::new();
    for n in 0..3 {
        log.append(request(
            LIVE,
            ExpectedVersion::Any,
            vec![note(&format!("a{n}"))],
        ));
    }
    log.append(request(ERASED, ExpectedVersion::Any, vec![note("b")]));
    let mut erase = request(
        ERASED,
        ExpectedVersion::Any,
        vec![event(
            "case_erased",
            serde_json::json!({"reason": "survivor_request"}),
            None,
        )],
    );
    erase.erase = true;
    log.log.append_blocking(erase).unwrap();
    log
}

fn backup_of(store: &dyn EventStore, key: &MasterKey, dir: &Path) -> PathBuf {
    let path = dir.join(format!("{}.tcbak", uuid::Uuid::new_v4()));
    let mut file = std::fs::File::create(&path).unwrap();
    export(store, key, now(), &mut file).unwrap();
    path
}

/// A backup's frames, as someone reading the documented layout would split them.
struct Frames {
    magic: Vec<u8>,
    frames: Vec<(u8, Vec<u8>)>,
}

impl Frames {
    fn read(path: &Path) -> Self {
        let bytes = std::fs::read(path).unwrap();
        let (magic, mut rest) = bytes.split_at(16);
        let mut frames = Vec::new();
        while !rest.is_empty() {
            let tag = rest[0];
            let len = u32::from_be_bytes(rest[1..5].try_into().unwrap()) as usize;
            frames.push((tag, rest[5..5 + len].to_vec()));
            rest = &rest[5 + len..];
        }
        assert_eq!(frames.last().map(|f| f.0), Some(b'E'));
        frames.pop();
        Self {
            magic: magic.to_vec(),
            frames,
        }
    }

    fn unsigned(&self) -> Vec<u8> {
        let mut out = self.magic.clone();
        for (tag, body) in &self.frames {
            out.push(*tag);
            out.extend_from_slice(&(body.len() as u32).to_be_bytes());
            out.extend_from_slice(body);
        }
        out
    }

    /// Closed as version 1 did, with an unkeyed SHA-256: what anyone can recompute.
    fn with_checksum(&self) -> Vec<u8> {
        let mut out = self.unsigned();
        let digest = Sha256::digest(&out);
        out.push(b'E');
        out.extend_from_slice(&32u32.to_be_bytes());
        out.extend_from_slice(&digest);
        out
    }

    /// Closed with the MAC under `key`'s backup key: what only the holder of `key` can do.
    fn with_mac(&self, key: &MasterKey) -> Vec<u8> {
        let mut out = self.unsigned();
        let derived = key.derived_key("backup-mac/v2");
        let mut mac = <Hmac<Sha256> as hmac::Mac>::new_from_slice(derived.expose()).unwrap();
        mac.update(&out);
        out.push(b'E');
        out.extend_from_slice(&32u32.to_be_bytes());
        out.extend_from_slice(&mac.finalize().into_bytes());
        out
    }

    fn json(&self, tag: u8) -> serde_json::Value {
        let body = &self.frames.iter().find(|f| f.0 == tag).unwrap().1;
        serde_json::from_slice(body).unwrap()
    }

    fn set_json(&mut self, tag: u8, value: &serde_json::Value) {
        let frame = self.frames.iter_mut().find(|f| f.0 == tag).unwrap();
        frame.1 = serde_json::to_vec(value).unwrap();
    }

    /// Marks the key of `stream` destroyed and fixes the counts, as an attacker would.
    fn destroy_key_of(&mut self, stream: &str) {
        let id = format!("dek:{stream}");
        let frame = self
            .frames
            .iter_mut()
            .find(|(tag, body)| *tag == b'K' && body[2..].starts_with(id.as_bytes()))
            .unwrap();
        let mut body = frame.1[..2 + id.len()].to_vec();
        assert_eq!(frame.1[2 + id.len()], 1, "the key was live");
        body.push(2);
        frame.1 = body;
        let mut counts = self.json(b'C');
        counts["destroyed_keys"] = (counts["destroyed_keys"].as_u64().unwrap() + 1).into();
        self.set_json(b'C', &counts);
    }
}

/// Restore `bytes` into a fresh target: the error, after checking nothing was written.
fn refused(bytes: &[u8], key: MasterKey) -> BackupError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("forged.tcbak");
    std::fs::write(&path, bytes).unwrap();
    let target = dir.path().join("target");
    let error = restore(&path, &target, key, ANY, None).expect_err("the forged backup restored");
    assert!(!target.exists(), "{error}: the restore wrote something");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let path_again = dir.path().join("again.tcbak");
    std::fs::write(&path_again, bytes).unwrap();
    assert!(restore(&path_again, &empty, master(), ANY, None).is_err());
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "{error}");
    error
}

#[test]
fn a_live_case_marked_destroyed_with_the_checksum_and_counts_fixed_up_is_refused() {
    let log = two_cases();
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(log.store.as_ref(), &master(), dir.path());
    let mut frames = Frames::read(&path);
    frames.destroy_key_of(LIVE);

    let error = refused(&frames.with_checksum(), master());
    assert!(matches!(error, BackupError::NotAuthentic), "{error}");
    assert!(
        error.to_string().contains("does not authenticate"),
        "{error}"
    );
    // Even with a right MAC (made with the key), the erasure check refuses it.
    let error = refused(&frames.with_mac(&master()), master());
    assert!(
        matches!(
            &error,
            BackupError::Erasure(ErasureMismatch::DestroyedWithoutErasure { stream })
                if stream == LIVE
        ),
        "{error}"
    );
    assert!(error.to_string().contains("no case_erased"), "{error}");
}

#[test]
fn an_erased_case_given_its_key_back_is_refused_even_with_a_right_mac() {
    let log = TestLog::new();
    log.append(request(ERASED, ExpectedVersion::Any, vec![note("b")]));
    let dir = tempfile::tempdir().unwrap();
    let before = Frames::read(&backup_of(log.store.as_ref(), &master(), dir.path()));
    let erase = two_cases_erasure();
    log.log.append_blocking(erase).unwrap();
    let mut after = Frames::read(&backup_of(log.store.as_ref(), &master(), dir.path()));
    // The erased case's tombstone replaced by its key from the earlier backup.
    let id = format!("dek:{ERASED}");
    let is_key = |(tag, body): &(u8, Vec<u8>)| *tag == b'K' && body[2..].starts_with(id.as_bytes());
    let old = before.frames.iter().find(|f| is_key(f)).unwrap().clone();
    let slot = after.frames.iter_mut().find(|f| is_key(f)).unwrap();
    *slot = old;
    let mut counts = after.json(b'C');
    counts["destroyed_keys"] = 0.into();
    after.set_json(b'C', &counts);

    assert!(matches!(
        refused(&after.with_checksum(), master()),
        BackupError::NotAuthentic
    ));
    let error = refused(&after.with_mac(&master()), master());
    assert!(
        matches!(
            &error,
            BackupError::Erasure(ErasureMismatch::ErasedWithLiveKey { .. })
        ),
        "{error}"
    );
}

fn two_cases_erasure() -> tincay::store::log::AppendRequest {
    let mut erase = request(
        ERASED,
        ExpectedVersion::Any,
        vec![event(
            "case_erased",
            serde_json::json!({"reason": "survivor_request"}),
            None,
        )],
    );
    erase.erase = true;
    erase
}

#[test]
fn a_tail_dropped_with_the_header_head_and_counts_rewritten_is_refused() {
    let log = two_cases();
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(log.store.as_ref(), &master(), dir.path());
    let mut frames = Frames::read(&path);
    // Drop the last two records (the erased case's note and erasure) and its key, and point
    // the header at the record that is now last, with its own MAC.
    let records: Vec<usize> = (0..frames.frames.len())
        .filter(|&i| frames.frames[i].0 == b'R')
        .collect();
    assert_eq!(records.len(), 5);
    let last_kept = &frames.frames[records[2]].1;
    let view =
        tincay::store::record::RecordView::parse(&last_kept[8 + 8 + 1 + LIVE.len()..]).unwrap();
    let (position, mac) = (view.position, view.mac.to_string());
    frames.frames.remove(records[4]);
    frames.frames.remove(records[3]);
    let id = format!("dek:{ERASED}");
    frames
        .frames
        .retain(|(tag, body)| !(*tag == b'K' && body[2..].starts_with(id.as_bytes())));
    let mut header = frames.json(b'H');
    header["head"] = serde_json::json!({"position": position, "mac": mac});
    frames.set_json(b'H', &header);
    let mut counts = frames.json(b'C');
    counts["records"] = 3.into();
    counts["streams"] = 1.into();
    counts["keys"] = (counts["keys"].as_u64().unwrap() - 1).into();
    counts["destroyed_keys"] = 0.into();
    frames.set_json(b'C', &counts);

    let error = refused(&frames.with_checksum(), master());
    assert!(matches!(error, BackupError::NotAuthentic), "{error}");
    assert!(error.to_string().contains("dropped tail"), "{error}");
    // The forgery is otherwise consistent: with a right MAC it would restore.
    let dir2 = tempfile::tempdir().unwrap();
    let forged = dir2.path().join("f.tcbak");
    std::fs::write(&forged, frames.with_mac(&master())).unwrap();
    assert_eq!(scan(&forged, &master()).unwrap().counts.records, 3);
}

#[test]
fn any_one_flipped_byte_is_refused_before_anything_is_written() {
    let log = TestLog::new();
    log.append(request(LIVE, ExpectedVersion::Any, vec![note("a")]));
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(log.store.as_ref(), &master(), dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let target = dir.path().join("target");
    let flipped = dir.path().join("flipped.tcbak");
    for offset in 0..bytes.len() {
        let mut changed = bytes.clone();
        changed[offset] ^= 0x01;
        std::fs::write(&flipped, &changed).unwrap();
        let error =
            restore(&flipped, &target, master(), ANY, None).expect_err("a flipped byte restored");
        assert!(!target.exists(), "byte {offset}: {error}");
        assert!(!error.to_string().is_empty());
    }
    restore(&path, &target, master(), ANY, None).unwrap();
}

#[test]
fn a_backup_made_under_another_master_key_is_refused() {
    let log = two_cases();
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(log.store.as_ref(), &master(), dir.path());
    let other = MasterKey::from_bytes([42; 32]);
    // Our header and key check value, MACed under the attacker's own key.
    let forged = Frames::read(&path).with_mac(&other);
    let error = refused(&forged, master());
    assert!(matches!(error, BackupError::NotAuthentic), "{error}");
    assert!(error.to_string().contains("another master key"), "{error}");

    // A whole store under another key: its backup names another key check value.
    let theirs = tempfile::tempdir().unwrap();
    let store = SledStore::open(theirs.path(), SledOptions::default()).unwrap();
    let store: std::sync::Arc<dyn EventStore> = std::sync::Arc::new(store);
    let their_log = EventLog::open(
        std::sync::Arc::clone(&store),
        MasterKey::from_bytes([42; 32]),
        {
            LogOptions {
                check: tincay::store::log::EventCheck::Unchecked,
                ..LogOptions::default()
            }
        },
    )
    .unwrap();
    their_log
        .append_blocking(request(LIVE, ExpectedVersion::Any, vec![note("x")]))
        .unwrap();
    let theirs_path = backup_of(store.as_ref(), &other, dir.path());
    let error = refused(&std::fs::read(theirs_path).unwrap(), master());
    assert!(matches!(error, BackupError::WrongMasterKey), "{error}");
    // And a backup needs the store's own key to be taken at all.
    let mut sink = Vec::new();
    assert!(matches!(
        export(log.store.as_ref(), &other, now(), &mut sink),
        Err(BackupError::WrongMasterKey)
    ));
}

#[test]
fn a_version_1_backup_is_refused_as_unauthenticated() {
    let log = two_cases();
    let dir = tempfile::tempdir().unwrap();
    let mut frames = Frames::read(&backup_of(log.store.as_ref(), &master(), dir.path()));
    frames.magic = b"TINCAY-BACKUP-1\n".to_vec();
    let mut header = frames.json(b'H');
    header["tincay_backup"] = 1.into();
    frames.set_json(b'H', &header);
    let error = refused(&frames.with_checksum(), master());
    assert!(matches!(error, BackupError::Unauthenticated), "{error}");
    assert!(error.to_string().contains("version 1 backup"), "{error}");
}

fn reopen_error(log: TestLog) -> (tempfile::TempDir, OpenError) {
    let TestLog { dir, store, log } = log;
    log.close();
    drop((log, store));
    let store: std::sync::Arc<dyn EventStore> =
        std::sync::Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
    let error = EventLog::open(store, master(), LogOptions::default()).unwrap_err();
    (dir, error)
}

#[test]
fn verify_and_open_refuse_a_live_case_whose_key_was_destroyed_in_the_store() {
    let log = two_cases();
    verify(log.store.as_ref(), master(), ANY).unwrap();
    log.store
        .tamper_set_key(
            &KeyId::from_stored(&format!("dek:{LIVE}")),
            &KeyState::Destroyed,
        )
        .unwrap();
    let error = verify(log.store.as_ref(), master(), ANY).unwrap_err();
    assert!(
        matches!(
            &error,
            VerifyError::Erasure { first: ErasureMismatch::DestroyedWithoutErasure { stream }, count: 1 }
                if stream == LIVE
        ),
        "{error}"
    );
    let (_dir, error) = reopen_error(log);
    assert!(matches!(error, OpenError::Erasure(_)), "{error}");
    assert!(error.to_string().contains("Do not serve it"), "{error}");
}

#[test]
fn verify_and_open_refuse_an_erased_case_whose_old_key_was_put_back() {
    let log = TestLog::new();
    log.append(request(ERASED, ExpectedVersion::Any, vec![note("b")]));
    let id = KeyId::from_stored(&format!("dek:{ERASED}"));
    let old = log.store.key(&id).unwrap();
    assert!(matches!(old, KeyState::Wrapped(_)));
    log.log.append_blocking(two_cases_erasure()).unwrap();
    verify(log.store.as_ref(), master(), ANY).unwrap();
    log.store.tamper_set_key(&id, &old).unwrap();

    let error = verify(log.store.as_ref(), master(), ANY).unwrap_err();
    assert!(
        matches!(
            &error,
            VerifyError::Erasure {
                first: ErasureMismatch::ErasedWithLiveKey { .. },
                ..
            }
        ),
        "{error}"
    );
    let (_dir, error) = reopen_error(log);
    assert!(
        matches!(
            error,
            OpenError::Erasure(ErasureMismatch::ErasedWithLiveKey { .. })
        ),
        "{error}"
    );
}

#[test]
fn verify_refuses_a_tombstone_for_a_stream_that_has_no_record() {
    let log = two_cases();
    log.store
        .tamper_set_key(&KeyId::from_stored("dek:case-nobody"), &KeyState::Destroyed)
        .unwrap();
    assert!(matches!(
        verify(log.store.as_ref(), master(), ANY),
        Err(VerifyError::Erasure { .. })
    ));
}

//! Backups and restores: a backup taken under write load holds every append acknowledged
//! before it started and restores to a verifying chain; a wrong key, a non-empty directory
//! and a damaged file are refused without writing anything; erasures made after a backup are
//! re-applied from the erasure ledger; idempotency entries survive; format versions up and
//! down.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use tincay::store::backup::{self, BackupError, export, restore, scan};
use tincay::store::engine::{EventStore, KeyId, KeyState};
use tincay::store::erasure_ledger::{ErasureLedger, LedgerError};
use tincay::store::format::{self, CURRENT};
use tincay::store::log::{
    AppendRequest, EventLog, ExpectedVersion, Idempotency, LogOptions, OpenError,
};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::verify::verify;

use crate::support::{
    TestLog, event, facts_json, fingerprint, master, note, now, open_at, pii_json, raw_sled,
    request, stream,
};

/// Test events are not domain events: check the chain, not the types.
const ANY: &dyn Fn(&tincay::store::log::RecordedEvent) -> Result<(), String> = &|_| Ok(());

fn backup_of(log: &TestLog, dir: &Path) -> PathBuf {
    let path = dir.join("b.tcbak");
    let mut file = std::fs::File::create(&path).unwrap();
    export(log.store.as_ref(), &master(), now(), &mut file).unwrap();
    path
}

fn erasure() -> tincay::domain::codec::EncodedEvent {
    event(
        "case_erased",
        serde_json::json!({"reason": "survivor_request"}),
        None,
    )
}

fn erase(log: &EventLog, case: &str) {
    let mut erase = request(case, ExpectedVersion::Any, vec![erasure()]);
    erase.erase = true;
    log.append_blocking(erase).unwrap();
}

#[test]
fn a_backup_under_write_load_holds_every_append_acknowledged_before_it_started() {
    let log = TestLog::new();
    let stop = Arc::new(AtomicBool::new(false));
    let (acked, received) = mpsc::channel();
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (log, stop, acked) = (log.log.clone(), Arc::clone(&stop), acked.clone());
            std::thread::spawn(move || {
                for n in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let case = format!("case-w{writer}-{}", n / 5);
                    let outcome = log
                        .append_blocking(request(&case, ExpectedVersion::Any, vec![note("x")]))
                        .unwrap();
                    let _ = acked.send((case, outcome.stream_version));
                }
            })
        })
        .collect();
    drop(acked);
    let mut before: BTreeMap<String, u64> = BTreeMap::new();
    for (case, version) in received.iter().take(300) {
        before.insert(case, version);
    }
    // Everything received so far was acknowledged before the backup starts.
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    let during = received.iter().take(50).count();
    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(
        during, 50,
        "the writers kept appending while the backup ran"
    );

    let target = dir.path().join("restored");
    let report = restore(&path, &target, master(), ANY, None).unwrap();
    assert!(report.verified.records >= 300);
    let restored = SledStore::open(&target, SledOptions::default()).unwrap();
    for (case, version) in &before {
        let found = restored.stream_version(&stream(case)).unwrap();
        assert!(
            found >= *version,
            "{case}: {found} < acknowledged {version}"
        );
    }
    verify(&restored, master(), ANY).unwrap();
    assert_eq!(
        format::log_id(&restored).unwrap(),
        format::log_id(log.store.as_ref()).unwrap(),
        "a restore keeps the log id"
    );
}

#[test]
fn a_restore_reads_back_every_event_and_the_same_head() {
    let log = TestLog::new();
    for n in 0..20 {
        log.append(request(
            &format!("case-{}", n % 3),
            ExpectedVersion::Any,
            vec![note(&format!("n{n}"))],
        ));
    }
    erase(&log.log, "case-1");
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    let info = scan(&path, &master()).unwrap();
    assert_eq!(info.counts.records, 21);
    assert_eq!(info.counts.streams, 3);
    assert_eq!(info.counts.destroyed_keys, 1);

    let target = dir.path().join("restored");
    let report = restore(&path, &target, master(), ANY, None).unwrap();
    assert_eq!(
        report.verified.head.map(|h| (h.position, h.mac)),
        log.log.head().map(|h| (h.position, h.mac))
    );
    let (_store, restored) = open_at(&target, master());
    let summary = |log: &EventLog| -> Vec<_> {
        log.read_from(1, 100)
            .unwrap()
            .iter()
            .map(|e| {
                let pii = pii_json(e);
                (
                    e.position,
                    e.stream.clone(),
                    e.stream_version,
                    e.event_type.clone(),
                    facts_json(e),
                    pii,
                )
            })
            .collect()
    };
    let copy = summary(&restored);
    assert_eq!(summary(&log.log), copy);
    assert_eq!(copy.len(), 21);
    assert!(
        copy.iter().any(|event| event.5.is_some()),
        "personal parts decrypt"
    );
}

#[test]
fn a_wrong_key_is_refused_before_anything_is_written() {
    let log = TestLog::new();
    log.append(request("case-1", ExpectedVersion::Any, vec![note("a")]));
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    let target = dir.path().join("restored");
    let wrong = tincay::store::crypto::MasterKey::from_bytes([9; 32]);
    let error = restore(&path, &target, wrong, ANY, None).unwrap_err();
    assert!(matches!(error, BackupError::WrongMasterKey), "{error}");
    assert!(
        error.to_string().contains("master key does not match"),
        "{error}"
    );
    assert!(!target.exists(), "nothing was written");
}

#[test]
fn a_non_empty_directory_and_a_damaged_backup_are_refused_and_left_as_they_were() {
    let log = TestLog::new();
    log.append(request("case-1", ExpectedVersion::Any, vec![note("a")]));
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());

    let occupied = dir.path().join("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("notes.txt"), "keep me").unwrap();
    let error = restore(&path, &occupied, master(), ANY, None).unwrap_err();
    assert!(matches!(error, BackupError::NotEmpty(_)), "{error}");
    assert_eq!(std::fs::read_dir(&occupied).unwrap().count(), 1);

    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    let damaged = dir.path().join("damaged.tcbak");
    std::fs::write(&damaged, &bytes).unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let error = restore(&damaged, &empty, master(), ANY, None).unwrap_err();
    assert!(matches!(error, BackupError::Damaged(_)), "{error}");
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);

    let cut = dir.path().join("cut.tcbak");
    std::fs::write(&cut, &std::fs::read(&path).unwrap()[..middle]).unwrap();
    let error = restore(&cut, &dir.path().join("new"), master(), ANY, None).unwrap_err();
    assert!(error.to_string().contains("ends early"), "{error}");
}

/// A log whose erasures go to a ledger in `dir`.
fn log_with_ledger(dir: &Path, ledger: &Path) -> (Arc<SledStore>, EventLog) {
    let store = Arc::new(SledStore::open(dir, SledOptions::default()).unwrap());
    let log = EventLog::open(
        Arc::clone(&store) as Arc<dyn EventStore>,
        master(),
        LogOptions {
            erasure_ledger: Some(Arc::new(ErasureLedger::open(ledger).unwrap())),
            ..LogOptions::default()
        },
    )
    .unwrap();
    (store, log)
}

#[test]
fn an_erasure_made_after_a_backup_is_reapplied_by_the_restore() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("erasures.ledger");
    let data = dir.path().join("data");
    let (store, log) = log_with_ledger(&data, &ledger);
    for case in ["case-1", "case-2", "case-3"] {
        log.append_blocking(request(case, ExpectedVersion::Any, vec![note("secret")]))
            .unwrap();
    }
    erase(&log, "case-3");
    let path = dir.path().join("b.tcbak");
    export(
        store.as_ref(),
        &master(),
        now(),
        &mut std::fs::File::create(&path).unwrap(),
    )
    .unwrap();
    // After the backup: case-1 is erased, and case-4 is made and erased.
    erase(&log, "case-1");
    log.append_blocking(request("case-4", ExpectedVersion::Any, vec![note("x")]))
        .unwrap();
    erase(&log, "case-4");
    log.close();
    drop((log, store));

    let without = dir.path().join("without-ledger");
    restore(&path, &without, master(), ANY, None).unwrap();
    let store = SledStore::open(&without, SledOptions::default()).unwrap();
    assert!(
        matches!(
            store.key(&KeyId::stream(&stream("case-1"))).unwrap(),
            KeyState::Wrapped(_)
        ),
        "without the ledger the erased case's key comes back: this is what the ledger is for"
    );
    drop(store);

    let with = dir.path().join("with-ledger");
    let report = restore(&path, &with, master(), ANY, Some(&ledger)).unwrap();
    let done = report.erasures.unwrap();
    assert_eq!(
        (done.listed, done.erased, done.already, done.absent),
        (3, 1, 1, 1)
    );
    let (store, log) = open_at(&with, master());
    assert_eq!(
        store.key(&KeyId::stream(&stream("case-1"))).unwrap(),
        KeyState::Destroyed
    );
    assert!(matches!(
        store.key(&KeyId::stream(&stream("case-2"))).unwrap(),
        KeyState::Wrapped(_)
    ));
    let events = log.read_stream(&stream("case-1")).unwrap();
    assert_eq!(events.last().unwrap().event_type, "case_erased");
    assert!(
        events.iter().all(|e| pii_json(e).is_none()),
        "no personal part is readable"
    );
    log.close();
    drop((log, store));
    verify(
        &SledStore::open(&with, SledOptions::default()).unwrap(),
        master(),
        ANY,
    )
    .unwrap();
}

#[test]
fn a_ledger_line_that_does_not_verify_fails_the_restore_and_a_cut_last_line_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("erasures.ledger");
    let data = dir.path().join("data");
    let (store, log) = log_with_ledger(&data, &ledger);
    log.append_blocking(request("case-1", ExpectedVersion::Any, vec![note("a")]))
        .unwrap();
    let path = dir.path().join("b.tcbak");
    export(
        store.as_ref(),
        &master(),
        now(),
        &mut std::fs::File::create(&path).unwrap(),
    )
    .unwrap();
    erase(&log, "case-1");
    log.close();
    drop((log, store));
    let good = std::fs::read_to_string(&ledger).unwrap();

    // A cut-short last line is a write that never finished: ignored.
    std::fs::write(&ledger, format!("{good}{{\"log\":\"ab")).unwrap();
    let report = restore(&path, &dir.path().join("r1"), master(), ANY, Some(&ledger)).unwrap();
    assert_eq!(report.erasures.unwrap().erased, 1);

    // A line naming another case, forged without the key: refused, nothing left behind.
    let forged = good.replace("case-1", "case-2");
    std::fs::write(&ledger, forged).unwrap();
    let target = dir.path().join("r2");
    let error = restore(&path, &target, master(), ANY, Some(&ledger)).unwrap_err();
    assert!(
        matches!(error, BackupError::Ledger(LedgerError::Invalid { line: 1 })),
        "{error}"
    );
    assert!(!target.exists());

    // The ledger of another deployment: refused by name.
    let other_dir = tempfile::tempdir().unwrap();
    let other_ledger = other_dir.path().join("other.ledger");
    let (_store, other) = log_with_ledger(&other_dir.path().join("data"), &other_ledger);
    other
        .append_blocking(request("case-1", ExpectedVersion::Any, vec![note("a")]))
        .unwrap();
    erase(&other, "case-1");
    let error = restore(
        &path,
        &dir.path().join("r3"),
        master(),
        ANY,
        Some(&other_ledger),
    )
    .unwrap_err();
    assert!(error.to_string().contains("another log"), "{error}");
}

#[test]
fn idempotency_entries_survive_a_restore() {
    let log = TestLog::new();
    let given = Idempotency {
        key: b"phone-retry-1".to_vec(),
        fingerprint: fingerprint("body"),
    };
    let mut first = request("case-1", ExpectedVersion::Any, vec![note("a"), note("b")]);
    first.idempotency = Some(given.clone());
    let outcome = log.append(first);
    log.append(request("case-2", ExpectedVersion::Any, vec![note("c")]));
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    assert_eq!(scan(&path, &master()).unwrap().counts.idempotency, 1);
    let target = dir.path().join("restored");
    restore(&path, &target, master(), ANY, None).unwrap();
    let (_store, restored) = open_at(&target, master());
    let retry = request("case-1", ExpectedVersion::Any, vec![note("a"), note("b")]);
    assert_retry_replays(&restored, retry, given, outcome.last_position);
}

/// `retry`, sent again under `given` to a restored log, answers the first append's position
/// without appending.
fn assert_retry_replays(
    restored: &EventLog,
    mut retry: AppendRequest,
    given: Idempotency,
    first: u64,
) {
    retry.idempotency = Some(given);
    let again = restored.append_blocking(retry).unwrap();
    assert!(again.replayed);
    assert_eq!(again.last_position, first);
}

/// A restore writes the appends of consecutive records together, several hundred records per
/// engine transaction: a log whose records interleave cases, with one case's run longer than
/// a restoring append and an idempotent append in the middle, comes back record for record,
/// and the idempotent append still answers its retry.
#[test]
fn a_restore_of_many_interleaved_appends_reads_back_every_event() {
    let log = TestLog::new();
    let given = Idempotency {
        key: b"phone-retry-2".to_vec(),
        fingerprint: fingerprint("body"),
    };
    for n in 0..700 {
        log.append(request(
            &format!("case-{}", n % 7),
            ExpectedVersion::Any,
            vec![note(&format!("n{n}"))],
        ));
    }
    let long_run = (0..600)
        .map(|n| note(&format!("long {n}")))
        .collect::<Vec<_>>();
    log.append(request("case-long", ExpectedVersion::Any, long_run));
    let mut idempotent = request("case-3", ExpectedVersion::Any, vec![note("once")]);
    idempotent.idempotency = Some(given.clone());
    let outcome = log.append(idempotent);
    for n in 0..300 {
        log.append(request(
            &format!("case-{}", n % 5),
            ExpectedVersion::Any,
            vec![note(&format!("m{n}"))],
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    let target = dir.path().join("restored");
    let report = restore(&path, &target, master(), ANY, None).unwrap();
    assert_eq!(report.verified.records, 1_601);
    let (_store, restored) = open_at(&target, master());
    let summary = |log: &EventLog| -> Vec<_> {
        log.read_from(1, 2_000)
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e.position,
                    e.stream.clone(),
                    e.stream_version,
                    facts_json(e),
                )
            })
            .collect()
    };
    let copy = summary(&restored);
    assert_eq!(copy.len(), 1_601);
    assert_eq!(summary(&log.log), copy);
    let retry = request("case-3", ExpectedVersion::Any, vec![note("once")]);
    assert_retry_replays(&restored, retry, given, outcome.last_position);
}

/// Rewrite a closed directory's `meta` tree as an older (or newer) tincay would have left it.
fn set_format(dir: &Path, format: u32, keep_log_id: bool) {
    let db = raw_sled(dir);
    let meta = db.open_tree("meta").unwrap();
    meta.insert("format", &format.to_be_bytes()).unwrap();
    if !keep_log_id {
        meta.remove("log_id").unwrap();
    }
    db.flush().unwrap();
}

#[test]
fn a_format_1_directory_is_refused_until_migrated_and_then_opens_with_its_events() {
    let log = TestLog::new();
    log.append(request("case-1", ExpectedVersion::Any, vec![note("kept")]));
    let head = log.log.head();
    let TestLog { dir, store, log } = log;
    log.close();
    drop((log, store));
    // Format 1, as tincay wrote it before the log id: no `log_id` entry.
    set_format(dir.path(), 1, false);

    let store: Arc<dyn EventStore> =
        Arc::new(SledStore::open(dir.path(), SledOptions::default()).unwrap());
    let refused = EventLog::open(Arc::clone(&store), master(), LogOptions::default());
    let error = refused.unwrap_err();
    assert!(
        matches!(error, OpenError::OlderFormat { found: 1 }),
        "{error}"
    );
    assert!(error.to_string().contains("tincay migrate"), "{error}");
    // Verifying and backing up an old directory still work (the migration needs both).
    verify(store.as_ref(), master(), ANY).unwrap();
    let backup_path = dir
        .path()
        .join("..")
        .join(format!("pre-upgrade-{}.tcbak", uuid::Uuid::new_v4()));
    let mut file = std::fs::File::create(&backup_path).unwrap();
    let summary = export(store.as_ref(), &master(), now(), &mut file).unwrap();
    assert_eq!(summary.header.data_format, 1);
    assert_eq!(summary.header.log_id, None);

    let migration = format::migrate(store.as_ref()).unwrap();
    assert_eq!((migration.from, migration.to), (1, CURRENT));
    assert_eq!(
        format::log_id(store.as_ref()).unwrap(),
        Some(migration.log_id)
    );
    drop(store);
    let (_store, log) = open_at(dir.path(), master());
    assert_eq!(log.head(), head);
    assert_eq!(log.read_stream(&stream("case-1")).unwrap().len(), 1);

    // The pre-upgrade backup restores as format 1, and is refused until migrated in turn.
    let target = tempfile::tempdir().unwrap();
    let restored = target.path().join("r");
    let report = restore(&backup_path, &restored, master(), ANY, None).unwrap();
    assert_eq!(report.header.data_format, 1);
    let store: Arc<dyn EventStore> =
        Arc::new(SledStore::open(&restored, SledOptions::default()).unwrap());
    assert_eq!(format::read(store.as_ref()).unwrap(), Some(1));
    assert!(EventLog::open(store, master(), LogOptions::default()).is_err());
    std::fs::remove_file(backup_path).unwrap();
}

#[test]
fn a_newer_directory_or_backup_is_refused_with_a_clear_message() {
    let log = TestLog::new();
    log.append(request("case-1", ExpectedVersion::Any, vec![note("a")]));
    let dir = tempfile::tempdir().unwrap();
    let path = backup_of(&log, dir.path());
    let TestLog {
        dir: data,
        store,
        log,
    } = log;
    log.close();
    drop((log, store));
    set_format(data.path(), CURRENT + 1, true);

    let store: Arc<dyn EventStore> =
        Arc::new(SledStore::open(data.path(), SledOptions::default()).unwrap());
    let error = EventLog::open(Arc::clone(&store), master(), LogOptions::default()).unwrap_err();
    assert!(matches!(error, OpenError::NewerFormat { .. }), "{error}");
    assert!(error.to_string().contains("use a newer tincay"), "{error}");
    assert!(verify(store.as_ref(), master(), ANY).is_err());
    assert!(format::migrate(store.as_ref()).is_err());
    assert_eq!(
        format::read(store.as_ref()).unwrap(),
        Some(CURRENT + 1),
        "untouched"
    );

    // A backup of a newer format: refused by its header, before anything is written.
    let mut bytes = std::fs::read(&path).unwrap();
    let claim = format!("\"data_format\":{CURRENT}");
    let at = bytes
        .windows(claim.len())
        .position(|window| window == claim.as_bytes())
        .unwrap();
    let newer = format!("\"data_format\":{}", CURRENT + 1);
    bytes[at..at + claim.len()].copy_from_slice(newer.as_bytes());
    let newer_path = dir.path().join("newer.tcbak");
    std::fs::write(&newer_path, &bytes).unwrap();
    let error = backup::scan(&newer_path, &master()).unwrap_err();
    assert!(matches!(error, BackupError::NewerFormat { .. }), "{error}");
    assert!(error.to_string().contains("newer tincay"), "{error}");
    let target = dir.path().join("r");
    assert!(restore(&newer_path, &target, master(), ANY, None).is_err());
    assert!(!target.exists());
}

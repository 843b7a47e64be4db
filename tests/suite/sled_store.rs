//! The sled engine against the `EventStore` contract. Record bytes are arbitrary: the engine
//! never looks inside them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use tincay::store::durability::{FsyncFault, SyncObserver, SyncStep, Synced};
use tincay::store::engine::{
    AppendBatch, EventStore, KeyChange, KeyId, KeyState, StoreError, StoredRecord,
};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;

fn open(dir: &Path) -> SledStore {
    SledStore::open(dir, SledOptions::default()).unwrap()
}

fn case(n: u32) -> StreamId {
    StreamId::parse(&format!("case-{n}")).unwrap()
}

fn bytes_for(position: u64) -> Vec<u8> {
    format!("sealed record {position}").into_bytes()
}

/// `count` records for `stream`, at positions from `first_position`, versions after
/// `expected_version`.
fn batch(stream: &StreamId, expected_version: u64, first_position: u64, count: u64) -> AppendBatch {
    let records = (0..count)
        .map(|i| StoredRecord {
            position: first_position + i,
            stream: stream.clone(),
            stream_version: expected_version + 1 + i,
            bytes: bytes_for(first_position + i),
        })
        .collect();
    AppendBatch {
        stream: stream.clone(),
        expected_version,
        records,
        idempotency: None,
        key_change: None,
    }
}

fn positions(records: &[StoredRecord]) -> Vec<u64> {
    records.iter().map(|r| r.position).collect()
}

/// case-1 gets positions 1, 2, 5; case-2 gets 3, 4; all synced.
fn two_interleaved_streams(store: &SledStore) {
    store.append(batch(&case(1), 0, 1, 2)).unwrap();
    store.append(batch(&case(2), 0, 3, 2)).unwrap();
    store.append(batch(&case(1), 2, 5, 1)).unwrap();
    store.sync().unwrap();
}

#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Recorder {
    fn note(&self, event: &str) {
        self.0.lock().unwrap().push(event.to_owned());
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl SyncObserver for Recorder {
    fn observe(&self, step: SyncStep) {
        self.note(&match step {
            SyncStep::Flushed => "flushed".to_owned(),
            SyncStep::Fsynced { what } => format!("fsynced {what:?}"),
        });
    }
}

#[test]
fn appended_records_read_back_by_stream_and_from_a_position() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    two_interleaved_streams(&store);

    let first = store.read_stream(&case(1), 0).unwrap();
    assert_eq!(positions(&first), [1, 2, 5]);
    assert_eq!(first[2].stream_version, 3);
    assert_eq!(first[2].bytes, bytes_for(5));
    assert_eq!(positions(&store.read_stream(&case(1), 2).unwrap()), [2, 5]);
    assert_eq!(positions(&store.read_stream(&case(2), 1).unwrap()), [3, 4]);
    assert!(store.read_stream(&case(3), 1).unwrap().is_empty());

    let all = store.read_from(1, 100).unwrap();
    assert_eq!(positions(&all), [1, 2, 3, 4, 5]);
    assert_eq!((all[3].stream.clone(), all[3].stream_version), (case(2), 2));
    assert_eq!(all[3].bytes, bytes_for(4));
    assert_eq!(positions(&store.read_from(0, 2).unwrap()), [1, 2]);
    assert_eq!(positions(&store.read_from(3, 2).unwrap()), [3, 4]);
    assert!(store.read_from(6, 10).unwrap().is_empty());
    assert!(store.read_from(1, 0).unwrap().is_empty());

    assert_eq!(store.stream_version(&case(1)).unwrap(), 3);
    assert_eq!(store.stream_version(&case(3)).unwrap(), 0);
    let last = store.last_record().unwrap().unwrap();
    assert_eq!(
        (last.position, last.stream, last.stream_version),
        (5, case(1), 3)
    );
}

#[test]
fn a_wrong_expected_version_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.append(batch(&case(1), 0, 1, 2)).unwrap();

    let mut stale = batch(&case(1), 1, 3, 1);
    stale.idempotency = Some(([7; 32], b"first result".to_vec()));
    let outcome = store.append(stale);

    assert!(matches!(
        outcome,
        Err(StoreError::WrongVersion { actual: 2 })
    ));
    store.sync().unwrap();
    assert_eq!(positions(&store.read_from(1, 10).unwrap()), [1, 2]);
    assert_eq!(store.stream_version(&case(1)).unwrap(), 2);
    assert_eq!(store.idempotency(&[7; 32]).unwrap(), None);
    // The position was not consumed.
    store.append(batch(&case(1), 2, 3, 1)).unwrap();
}

#[test]
fn a_position_that_does_not_follow_the_last_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    store.append(batch(&case(1), 0, 1, 1)).unwrap();

    for first_position in [1, 3] {
        let outcome = store.append(batch(&case(2), 0, first_position, 1));
        assert!(
            matches!(outcome, Err(StoreError::PositionMismatch(p)) if p == first_position),
            "{outcome:?}"
        );
    }
    let mut gap_inside = batch(&case(2), 0, 2, 2);
    gap_inside.records[1].position = 4;
    assert!(matches!(
        store.append(gap_inside),
        Err(StoreError::PositionMismatch(4))
    ));

    store.sync().unwrap();
    assert_eq!(positions(&store.read_from(1, 10).unwrap()), [1]);
    assert_eq!(store.stream_version(&case(2)).unwrap(), 0);
}

#[test]
fn a_batch_whose_versions_skip_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut skipping = batch(&case(1), 0, 1, 2);
    skipping.records[1].stream_version = 3;

    assert!(matches!(store.append(skipping), Err(StoreError::Engine(_))));
    assert!(store.append(batch(&case(1), 0, 1, 0)).is_err());
    assert_eq!(store.stream_version(&case(1)).unwrap(), 0);
}

#[test]
fn the_idempotency_entry_is_stored_with_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut first = batch(&case(1), 0, 1, 1);
    first.idempotency = Some(([1; 32], b"position 1".to_vec()));

    store.append(first).unwrap();

    assert_eq!(
        store.idempotency(&[1; 32]).unwrap(),
        Some(b"position 1".to_vec())
    );
    let mut reused = batch(&case(2), 0, 2, 1);
    reused.idempotency = Some(([1; 32], b"another".to_vec()));
    assert!(store.append(reused).is_err());
    assert_eq!(store.stream_version(&case(2)).unwrap(), 0);
    assert_eq!(
        store.idempotency(&[1; 32]).unwrap(),
        Some(b"position 1".to_vec())
    );
}

#[test]
fn a_key_is_created_and_destroyed_atomically_with_the_append() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let dek = KeyId::stream(&case(1));
    let mut opened = batch(&case(1), 0, 1, 1);
    opened.key_change = Some(KeyChange::Create {
        id: dek.clone(),
        wrapped: vec![0x01, 0xaa],
    });
    let mut refused = batch(&case(1), 5, 1, 1);
    refused.key_change = opened.key_change.clone();

    assert!(store.append(refused).is_err());
    assert_eq!(store.key(&dek).unwrap(), KeyState::Missing);
    store.append(opened).unwrap();
    assert_eq!(
        store.key(&dek).unwrap(),
        KeyState::Wrapped(vec![0x01, 0xaa])
    );

    let mut erased = batch(&case(1), 1, 2, 1);
    erased.key_change = Some(KeyChange::Destroy { id: dek.clone() });
    store.append(erased).unwrap();
    assert_eq!(store.key(&dek).unwrap(), KeyState::Destroyed);
    assert_eq!(store.keys().unwrap(), [(dek.clone(), KeyState::Destroyed)]);

    // A destroyed key can never be created again.
    let mut resurrect = batch(&case(1), 2, 3, 1);
    resurrect.key_change = Some(KeyChange::Create {
        id: dek.clone(),
        wrapped: vec![0x01, 0xbb],
    });
    assert!(store.append(resurrect).is_err());
    assert_eq!(store.key(&dek).unwrap(), KeyState::Destroyed);
    assert_eq!(store.stream_version(&case(1)).unwrap(), 2);
}

#[test]
fn reopening_preserves_records_heads_keys_idempotency_and_meta() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(dir.path());
        two_interleaved_streams(&store);
        let mut keyed = batch(&case(2), 2, 6, 1);
        keyed.idempotency = Some(([9; 32], b"six".to_vec()));
        keyed.key_change = Some(KeyChange::Create {
            id: KeyId::facts(),
            wrapped: vec![0x01, 0x02],
        });
        store.append(keyed).unwrap();
        store.put_meta("format", b"1").unwrap();
    }

    let store = open(dir.path());

    assert_eq!(
        positions(&store.read_from(1, 100).unwrap()),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(*store.subscribe().borrow(), 6);
    assert_eq!(store.last_record().unwrap().unwrap().bytes, bytes_for(6));
    assert_eq!(store.stream_version(&case(2)).unwrap(), 3);
    assert_eq!(
        positions(&store.read_stream(&case(1), 1).unwrap()),
        [1, 2, 5]
    );
    assert_eq!(store.idempotency(&[9; 32]).unwrap(), Some(b"six".to_vec()));
    assert_eq!(
        store.key(&KeyId::facts()).unwrap(),
        KeyState::Wrapped(vec![0x01, 0x02])
    );
    assert_eq!(store.meta("format").unwrap(), Some(b"1".to_vec()));
    store.append(batch(&case(1), 3, 7, 1)).unwrap();
}

#[test]
fn reads_never_return_records_past_the_durable_head() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut head = store.subscribe();
    store.append(batch(&case(1), 0, 1, 2)).unwrap();

    assert!(store.read_from(1, 10).unwrap().is_empty());
    assert!(store.read_stream(&case(1), 1).unwrap().is_empty());
    assert!(!head.has_changed().unwrap());
    // The version is not a read: conflicts must see every append.
    assert_eq!(store.stream_version(&case(1)).unwrap(), 2);

    store.sync().unwrap();

    assert!(head.has_changed().unwrap());
    assert_eq!(*head.borrow_and_update(), 2);
    assert_eq!(positions(&store.read_from(1, 10).unwrap()), [1, 2]);

    store.append(batch(&case(1), 2, 3, 1)).unwrap();
    assert_eq!(positions(&store.read_stream(&case(1), 1).unwrap()), [1, 2]);
    assert_eq!(positions(&store.read_from(2, 10).unwrap()), [2]);
}

#[test]
fn every_sync_flushes_then_fsyncs_before_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Arc::new(Recorder::default());
    let options = SledOptions::default().observer(recorder.clone());
    let store = SledStore::open(dir.path(), options).unwrap();
    let opening = recorder.take();
    assert_eq!(opening.first().map(String::as_str), Some("flushed"));
    for what in [
        Synced::DataFile,
        Synced::StoreDir,
        Synced::BlobDir,
        Synced::OtherFile,
    ] {
        assert!(
            opening.contains(&format!("fsynced {what:?}")),
            "{what:?} in {opening:?}"
        );
    }
    let syncs_after_open = store.durability().syncs();

    for position in 1..=3 {
        recorder.note("write");
        store
            .append(batch(&case(1), position - 1, position, 1))
            .unwrap();
        store.sync().unwrap();
        recorder.note("ack");
    }

    let once = ["write", "flushed", "fsynced DataFile", "ack"];
    assert_eq!(recorder.take(), once.repeat(3));
    assert_eq!(store.durability().syncs(), syncs_after_open + 3);
}

#[test]
fn records_too_large_for_the_log_spill_into_blob_files_that_are_fsynced() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Arc::new(Recorder::default());
    let options = SledOptions::default().observer(recorder.clone());
    let large = vec![0x5a_u8; 200 * 1024];
    {
        let store = SledStore::open(dir.path(), options).unwrap();
        recorder.take();
        let mut big = batch(&case(1), 0, 1, 1);
        big.records[0].bytes = large.clone();
        store.append(big).unwrap();
        store.sync().unwrap();
        // Acknowledged by the write-ahead log alone: sled's blob is not on its path.
        assert_eq!(recorder.take(), ["flushed", "fsynced DataFile"]);

        // sled's checkpoint forces the blob file and its directory.
        store.checkpoint().unwrap();
        let steps = recorder.take();
        assert!(steps.contains(&"fsynced BlobFile".to_owned()), "{steps:?}");
        assert!(steps.contains(&"fsynced BlobDir".to_owned()), "{steps:?}");
        assert!(std::fs::read_dir(dir.path().join("blobs")).unwrap().count() > 0);
    }
    let store = open(dir.path());
    assert_eq!(store.read_from(1, 1).unwrap()[0].bytes, large);
}

#[test]
fn a_failed_fsync_stops_the_store_for_good_without_a_retry() {
    let dir = tempfile::tempdir().unwrap();
    let fault = FsyncFault::default();
    let options = SledOptions::default().fsync_fault(fault.clone());
    let store = SledStore::open(dir.path(), options).unwrap();
    let head = store.subscribe();
    store.append(batch(&case(1), 0, 1, 1)).unwrap();
    let attempts_before = store.durability().fsync_attempts();

    fault.fail_next();
    let failed = store.sync();

    assert!(matches!(failed, Err(StoreError::Io(_))), "{failed:?}");
    assert_eq!(store.durability().fsync_attempts(), attempts_before + 1);
    assert!(!head.has_changed().unwrap());
    assert!(store.read_from(1, 10).unwrap().is_empty());
    assert!(matches!(store.sync(), Err(StoreError::Io(_))));
    let later = store.append(batch(&case(1), 1, 2, 1));
    assert!(matches!(later, Err(StoreError::Io(_))), "{later:?}");
    assert!(matches!(store.put_meta("x", b"y"), Err(StoreError::Io(_))));
    assert_eq!(store.durability().fsync_attempts(), attempts_before + 1);
    assert!(store.durability().is_poisoned());
}

#[test]
fn staged_keys_become_active_only_when_their_epoch_is_activated() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    assert_eq!(store.key_epoch().unwrap(), 0);
    let dek = KeyId::stream(&case(1));
    let mut opened = batch(&case(1), 0, 1, 1);
    opened.key_change = Some(KeyChange::Create {
        id: dek.clone(),
        wrapped: vec![0x01, 0x00, 0x00],
    });
    store.append(opened).unwrap();

    let rewrapped = vec![
        (KeyId::facts(), KeyState::Wrapped(vec![0x01, 0x11])),
        (dek.clone(), KeyState::Wrapped(vec![0x01, 0x22])),
    ];
    store.stage_keys(1, rewrapped).unwrap();
    assert_eq!(store.key_epoch().unwrap(), 0);
    assert_eq!(store.key(&KeyId::facts()).unwrap(), KeyState::Missing);

    store.activate_key_epoch(1).unwrap();

    assert_eq!(store.key_epoch().unwrap(), 1);
    assert_eq!(
        store.key(&dek).unwrap(),
        KeyState::Wrapped(vec![0x01, 0x22])
    );
    assert_eq!(store.keys().unwrap().len(), 2);
    assert!(store.activate_key_epoch(0).is_err(), "epoch 0 was dropped");
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.key_epoch().unwrap(), 1);
    assert_eq!(
        store.key(&KeyId::facts()).unwrap(),
        KeyState::Wrapped(vec![0x01, 0x11])
    );
}

#[test]
fn activation_refuses_staged_keys_that_lose_a_key_or_restore_a_destroyed_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let dek = KeyId::stream(&case(1));
    let mut erased = batch(&case(1), 0, 1, 1);
    erased.key_change = Some(KeyChange::Destroy { id: dek.clone() });
    store.append(erased).unwrap();

    store.stage_keys(1, vec![]).unwrap();
    assert!(store.activate_key_epoch(1).is_err());
    store
        .stage_keys(1, vec![(dek.clone(), KeyState::Wrapped(vec![0x01]))])
        .unwrap();
    assert!(store.activate_key_epoch(1).is_err());
    assert!(store.activate_key_epoch(2).is_err(), "never staged");
    assert!(store.stage_keys(0, vec![]).is_err(), "the active epoch");

    store
        .stage_keys(1, vec![(dek.clone(), KeyState::Destroyed)])
        .unwrap();
    store.activate_key_epoch(1).unwrap();
    assert_eq!(store.key(&dek).unwrap(), KeyState::Destroyed);
}

#[test]
fn metadata_is_kept_but_the_key_epoch_is_written_only_by_activation() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());

    store.put_meta("kek_check", b"abc").unwrap();

    assert_eq!(store.meta("kek_check").unwrap(), Some(b"abc".to_vec()));
    assert_eq!(store.meta("absent").unwrap(), None);
    assert!(store.put_meta("key_epoch", &7_u32.to_be_bytes()).is_err());
}

#[test]
fn tampering_changes_only_the_record_bytes_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    two_interleaved_streams(&store);

    store.tamper_overwrite(1, b"forged").unwrap();
    store.tamper_swap(2, 3).unwrap();
    store.tamper_remove(4).unwrap();

    let stored = store.read_from(1, 10).unwrap();
    assert_eq!(positions(&stored), [1, 2, 3, 5]);
    assert_eq!(stored[0].bytes, b"forged");
    assert_eq!(
        (stored[1].stream.clone(), stored[1].bytes.clone()),
        (case(1), bytes_for(3))
    );
    assert_eq!(
        (stored[2].stream.clone(), stored[2].bytes.clone()),
        (case(2), bytes_for(2))
    );
    assert!(matches!(
        store.read_stream(&case(2), 1),
        Err(StoreError::Corrupt(_))
    ));
}

#[test]
fn a_second_open_of_a_held_directory_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _held = open(dir.path());

    let second = SledStore::open(dir.path(), SledOptions::default());

    assert!(matches!(second, Err(StoreError::Locked)), "{second:?}");
}

/// Records of 400 bytes read back through `read_from` in pages of 1,000, the replay path.
fn replay_rate(cache_capacity: u64) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let options = SledOptions::default().cache_capacity(cache_capacity);
    let store = SledStore::open(dir.path(), options).unwrap();
    let (streams, per_batch, rounds) = (100_u32, 100_u64, 20_u64);
    let mut position = 1;
    for round in 0..rounds {
        for n in 0..streams {
            let mut next = batch(&case(n), round * per_batch, position, per_batch);
            for record in &mut next.records {
                record.bytes = vec![0xab; 400];
            }
            store.append(next).unwrap();
            position += per_batch;
        }
    }
    store.sync().unwrap();
    let total = position - 1;

    let started = std::time::Instant::now();
    let mut from = 1;
    while from <= total {
        let page = store.read_from(from, 1000).unwrap();
        from = page.last().unwrap().position + 1;
    }
    total as f64 / started.elapsed().as_secs_f64()
}

#[test]
#[ignore = "a measurement: cargo test --test sled_store -- --ignored --nocapture"]
fn replay_reads_more_than_half_a_million_records_per_second() {
    // 200,000 records of 400 bytes: 80 MB of values, beyond a 64 MiB cache, within the
    // default.
    let beyond_cache = replay_rate(64 << 20);
    let in_cache = replay_rate(SledOptions::DEFAULT_CACHE_CAPACITY);

    println!("read_from: {beyond_cache:.0} records/s beyond the cache, {in_cache:.0} in it");
    assert!(beyond_cache > 500_000.0, "{beyond_cache:.0} records/s");
    assert!(in_cache > 1_000_000.0, "{in_cache:.0} records/s");
}

/// The one-pass options read sled's file ahead (`SledOptions::prefetch`): the whole file, not
/// only the kernel's first readahead window. The file is evicted from the page cache first
/// (its pages are clean once synced), then advised; it must come back whole, as `fincore`
/// counts it. The advice only starts the reads, so residency is polled until it is whole or a
/// deadline passes.
#[cfg(target_os = "linux")]
#[test]
fn prefetch_brings_the_whole_data_file_into_the_page_cache() {
    use rustix::fs::{Advice, fadvise};
    use tincay::store::sled_store::{DATA_FILE, prefetch};

    // On the target directory's disk: a tmpfs would hold the file in memory whatever we do.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let path = dir.path().join(DATA_FILE);
    let len: u64 = 48 * 1024 * 1024;
    let block: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    {
        let mut file = std::fs::File::create(&path).unwrap();
        for _ in 0..len / block.len() as u64 {
            std::io::Write::write_all(&mut file, &block).unwrap();
        }
        file.sync_all().unwrap();
        fadvise(&file, 0, None, Advice::DontNeed).unwrap();
    }
    let evicted = resident_bytes(&path);
    assert!(
        evicted < len / 10,
        "the kernel kept {evicted} of {len} bytes cached: the test cannot tell a prefetch"
    );

    prefetch::start(dir.path())
        .expect("a prefetch starts for a file that fits in memory")
        .join()
        .unwrap();

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut resident = resident_bytes(&path);
    // Each `fincore` is a process of its own, which paces the polling.
    while resident < len && std::time::Instant::now() < deadline {
        resident = resident_bytes(&path);
    }
    assert_eq!(resident, len, "bytes of the file in the page cache");
}

/// How many bytes of `path` are in the page cache (`fincore`, from util-linux).
#[cfg(target_os = "linux")]
fn resident_bytes(path: &Path) -> u64 {
    let out = std::process::Command::new("fincore")
        .args(["--bytes", "--noheadings", "--output", "RES"])
        .arg(path)
        .output()
        .expect("fincore (util-linux) runs");
    assert!(out.status.success(), "fincore failed: {out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .expect("fincore prints a byte count")
}

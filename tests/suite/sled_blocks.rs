//! The sled engine's blocks: records packed eight to a tree entry as appends complete them
//! read back the same whichever tree holds them, while appends go on, and in a directory
//! written before blocks existed.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tincay::store::engine::{AppendBatch, EventStore, StoreError, StoredRecord};
use tincay::store::sled_store::layout::{BLOCK_LEN, BLOCK_MAX_BYTES};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;

fn open(dir: &Path) -> SledStore {
    SledStore::open(dir, SledOptions::default()).unwrap()
}

fn case(n: u64) -> StreamId {
    StreamId::parse(&format!("case-{n}")).unwrap()
}

/// Position `p` belongs to case `p % streams`, and its bytes name it.
fn record(position: u64, streams: u64, version: u64) -> StoredRecord {
    StoredRecord {
        position,
        stream: case(position % streams),
        stream_version: version,
        bytes: format!("sealed record {position}").into_bytes(),
    }
}

fn append_of(records: Vec<StoredRecord>) -> AppendBatch {
    let first = records.first().unwrap();
    AppendBatch {
        stream: first.stream.clone(),
        expected_version: first.stream_version - 1,
        records,
        idempotency: None,
        key_change: None,
    }
}

/// Appends positions `from..=to` one append each, round the streams; returns every record
/// appended so far, in order.
fn append_one_by_one(store: &SledStore, log: &mut Vec<StoredRecord>, to: u64, streams: u64) {
    let from = log.len() as u64 + 1;
    for position in from..=to {
        let stream = case(position % streams);
        let version = log.iter().filter(|r| r.stream == stream).count() as u64 + 1;
        let appended = record(position, streams, version);
        store.append(append_of(vec![appended.clone()])).unwrap();
        log.push(appended);
    }
    store.sync().unwrap();
}

/// The positions stored one by one in `records`, not in a block.
fn stored_alone(store: &SledStore) -> Vec<u64> {
    store
        .tamper_records()
        .iter()
        .keys()
        .map(|key| u64::from_be_bytes(key.unwrap().as_ref().try_into().unwrap()))
        .collect()
}

/// Every read of `store` gives the records of `log`: from each position with several limits,
/// each stream from each version, and the last record.
fn assert_reads_back(store: &SledStore, log: &[StoredRecord]) {
    let head = log.len() as u64;
    for start in 1..=head + 1 {
        for limit in [1, 3, BLOCK_LEN as usize, BLOCK_LEN as usize + 1, 1_000] {
            let from = usize::try_from(start - 1).unwrap();
            let expected = log.get(from..).unwrap_or_default();
            let expected = &expected[..expected.len().min(limit)];
            let read = store.read_from(start, limit).unwrap();
            assert_eq!(read, expected, "from {start}, {limit} at most");
        }
    }
    let streams: std::collections::BTreeSet<StreamId> =
        log.iter().map(|r| r.stream.clone()).collect();
    for stream in streams {
        let ours: Vec<StoredRecord> = log.iter().filter(|r| r.stream == stream).cloned().collect();
        for from_version in 1..=ours.len() {
            let read = store.read_stream(&stream, from_version as u64).unwrap();
            assert_eq!(
                read,
                ours[from_version - 1..],
                "{stream} from {from_version}"
            );
        }
    }
    assert_eq!(store.last_record().unwrap().as_ref(), log.last());
}

#[test]
fn records_read_back_the_same_from_any_position_whichever_tree_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Vec::new();
    {
        let store = open(dir.path());
        append_one_by_one(&store, &mut log, 5 * BLOCK_LEN + 3, 3);
        // Only the last, incomplete block's records are stored alone.
        let tail: Vec<u64> = (5 * BLOCK_LEN + 1..=5 * BLOCK_LEN + 3).collect();
        assert_eq!(stored_alone(&store), tail);
        assert_reads_back(&store, &log);
    }
    let store = open(dir.path());
    assert_reads_back(&store, &log);
    // The store goes on where it was: the next appends complete the block.
    append_one_by_one(&store, &mut log, 6 * BLOCK_LEN, 3);
    assert_eq!(stored_alone(&store), Vec::<u64>::new());
    assert_reads_back(&store, &log);
}

#[test]
fn an_append_of_many_records_fills_whole_blocks_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut log = Vec::new();
    append_one_by_one(&store, &mut log, 3, 1);
    // One group: case-0 continues with 20 records, then case-9 starts with 5.
    let long: Vec<StoredRecord> = (4..=23).map(|p| record(p, 1, p)).collect();
    let other: Vec<StoredRecord> = (24..=28)
        .map(|p| StoredRecord {
            stream: case(9),
            stream_version: p - 23,
            ..record(p, 1, 0)
        })
        .collect();
    store
        .append_group(&[append_of(long.clone()), append_of(other.clone())])
        .unwrap();
    store.sync().unwrap();
    log.extend(long);
    log.extend(other);
    assert_eq!(
        stored_alone(&store),
        (3 * BLOCK_LEN + 1..=28).collect::<Vec<_>>()
    );
    assert_reads_back(&store, &log);
}

#[test]
fn a_block_of_large_records_stays_as_records() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut log = Vec::new();
    append_one_by_one(&store, &mut log, BLOCK_LEN, 2);
    // The second block's records come to more than a block may hold; the third's do not.
    let large = BLOCK_MAX_BYTES / BLOCK_LEN as usize + 1;
    for position in BLOCK_LEN + 1..=3 * BLOCK_LEN {
        let stream = case(position % 2);
        let version = log.iter().filter(|r| r.stream == stream).count() as u64 + 1;
        let mut appended = record(position, 2, version);
        if position <= 2 * BLOCK_LEN {
            appended.bytes.resize(large, b'x');
        }
        store.append(append_of(vec![appended.clone()])).unwrap();
        log.push(appended);
    }
    store.sync().unwrap();
    assert_eq!(
        stored_alone(&store),
        (BLOCK_LEN + 1..=2 * BLOCK_LEN).collect::<Vec<_>>()
    );
    assert_reads_back(&store, &log);
}

#[test]
fn a_refused_append_packs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut log = Vec::new();
    append_one_by_one(&store, &mut log, BLOCK_LEN - 1, 2);
    // The first append would complete the block; the second expects a wrong version.
    let completing = record(BLOCK_LEN, 2, BLOCK_LEN / 2);
    let wrong = StoredRecord {
        stream_version: 7,
        ..record(BLOCK_LEN + 1, 2, 0)
    };
    let refused = store.append_group(&[append_of(vec![completing]), append_of(vec![wrong])]);
    assert!(
        matches!(refused, Err(StoreError::WrongVersion { .. })),
        "{refused:?}"
    );
    assert_eq!(stored_alone(&store), (1..BLOCK_LEN).collect::<Vec<_>>());
    assert_reads_back(&store, &log);
    append_one_by_one(&store, &mut log, BLOCK_LEN, 2);
    assert_eq!(stored_alone(&store), Vec::<u64>::new());
    assert_reads_back(&store, &log);
}

#[test]
fn a_directory_written_before_blocks_reads_back_and_packs_its_next_block() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let mut log = Vec::new();
    append_one_by_one(&store, &mut log, 2 * BLOCK_LEN + 4, 3);
    store.tamper_unpack().unwrap();
    assert_eq!(
        stored_alone(&store),
        (1..=2 * BLOCK_LEN + 4).collect::<Vec<_>>()
    );
    assert_reads_back(&store, &log);
    // Completing the third block packs it, its earlier records included; the first two stay
    // as they were written.
    append_one_by_one(&store, &mut log, 3 * BLOCK_LEN + 1, 3);
    let alone: Vec<u64> = (1..=2 * BLOCK_LEN).chain([3 * BLOCK_LEN + 1]).collect();
    assert_eq!(stored_alone(&store), alone);
    assert_reads_back(&store, &log);
}

#[test]
fn readers_see_every_record_once_while_appends_pack_blocks() {
    const LAST: u64 = 200 * BLOCK_LEN + 5;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(open(dir.path()));
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, done) = (Arc::clone(&store), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut log = Vec::new();
            for to in (3..=LAST).step_by(3) {
                append_one_by_one(&store, &mut log, to, 4);
            }
            done.store(true, Ordering::SeqCst);
            log
        })
    };
    let reader = |stride: u64| {
        let (store, done) = (Arc::clone(&store), Arc::clone(&done));
        std::thread::spawn(move || {
            let mut reads = 0_u64;
            while !done.load(Ordering::SeqCst) {
                let head = *store.subscribe().borrow();
                if head == 0 {
                    continue;
                }
                // Mostly the last few positions, where appends are packing blocks.
                let start = if reads % 4 == 0 {
                    (reads * stride) % head + 1
                } else {
                    head.saturating_sub((reads * stride) % (BLOCK_LEN + 4))
                        .max(1)
                };
                let read = store.read_from(start, 20).unwrap();
                let wanted = (head - start + 1).min(20);
                assert!(read.len() as u64 >= wanted, "from {start}: {}", read.len());
                for (record, position) in read.iter().zip(start..) {
                    assert_eq!(record.position, position, "read from {start}");
                    assert_eq!(
                        record.bytes,
                        format!("sealed record {position}").into_bytes()
                    );
                }
                let stream = case(reads % 4);
                let versions: Vec<u64> = store
                    .read_stream(&stream, 1)
                    .unwrap()
                    .iter()
                    .map(|r| r.stream_version)
                    .collect();
                assert_eq!(versions, (1..=versions.len() as u64).collect::<Vec<_>>());
                reads += 1;
            }
            reads
        })
    };
    let readers = [reader(7), reader(13)];
    let log = writer.join().unwrap();
    for reader in readers {
        assert!(reader.join().unwrap() > 0, "a reader never read");
    }
    assert_eq!(store.read_from(1, usize::MAX).unwrap(), log);
}

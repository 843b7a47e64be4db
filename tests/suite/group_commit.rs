//! Group commit as one engine transaction: the appends that queue up during a sync are
//! written together, yet each keeps its own result (a stale version, a reused idempotency
//! key, an erased stream refuse only their own append), positions stay gap-free, and the
//! engine writes a group all or nothing.

use std::sync::Arc;
use std::sync::mpsc;

use tincay::store::engine::StoredRecord;
use tincay::store::engine::{AppendBatch, EventStore, KeyChange, KeyId, KeyState, StoreError};
use tincay::store::log::{
    AppendError, AppendRequest, EventLog, ExpectedVersion, Idempotency, LogOptions,
};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;
use tincay::store::verify::verify;

use crate::support::*;

fn keyed(mut request: AppendRequest, key: &str, body: &str) -> AppendRequest {
    request.idempotency = Some(Idempotency {
        key: key.as_bytes().to_vec(),
        fingerprint: fingerprint(body),
    });
    request
}

#[test]
fn appends_in_one_group_each_get_their_own_result() {
    let dir = tempfile::tempdir().unwrap();
    let gate = Arc::new(Gate::default());
    let store = Arc::new(
        SledStore::open(dir.path(), SledOptions::default().observer(gate.clone())).unwrap(),
    );
    // Made-up payloads: no decode before append (see `support::open_at`).
    let options = LogOptions {
        check: tincay::store::log::EventCheck::Unchecked,
        ..LogOptions::default()
    };
    let log = EventLog::open(store.clone() as Arc<dyn EventStore>, master(), options).unwrap();
    log.append_blocking(request(
        "case-erased",
        ExpectedVersion::NoStream,
        vec![note("e1")],
    ))
    .unwrap();

    // The writer is held inside the sync of a first append while the group queues up.
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    *gate.entered.lock().unwrap() = Some(entered_tx);
    *gate.release.lock().unwrap() = Some(release_rx);
    let first = {
        let log = log.clone();
        std::thread::spawn(move || {
            log.append_blocking(request("case-first", ExpectedVersion::Any, vec![note("f")]))
        })
    };
    entered.recv().unwrap();
    let syncs_before = store.durability().syncs();
    let erase = AppendRequest {
        erase: true,
        ..request(
            "case-erased",
            ExpectedVersion::Exact(1),
            vec![event("case_erased", serde_json::json!({}), None)],
        )
    };
    let queued = vec![
        request(
            "case-new",
            ExpectedVersion::NoStream,
            vec![note("n1"), note("n2")],
        ),
        request("case-new", ExpectedVersion::Exact(2), vec![note("n3")]),
        request("case-new", ExpectedVersion::Exact(2), vec![note("stale")]),
        request("case-new", ExpectedVersion::NoStream, vec![note("exists")]),
        keyed(
            request("case-kept", ExpectedVersion::Any, vec![note("k")]),
            "key-1",
            "k",
        ),
        keyed(
            request("case-kept", ExpectedVersion::Any, vec![note("k")]),
            "key-1",
            "k",
        ),
        keyed(
            request("case-kept", ExpectedVersion::Any, vec![note("x")]),
            "key-1",
            "x",
        ),
        erase,
        request("case-erased", ExpectedVersion::Any, vec![note("after")]),
        request("case-new", ExpectedVersion::Any, vec![]),
        request("case-new", ExpectedVersion::Exact(3), vec![note("n4")]),
    ];
    let pending: Vec<_> = queued.into_iter().map(|r| log.append(r)).collect();
    release.send(()).unwrap();
    first.join().unwrap().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let results: Vec<_> = pending.into_iter().map(|p| runtime.block_on(p)).collect();

    assert_eq!(
        store.durability().syncs(),
        syncs_before + 2,
        "one sync for the first append, one for the whole group"
    );
    let written = |i: usize| results[i].as_ref().unwrap().clone();
    // Position 1 is case-erased's first event, 2 case-first's.
    assert_eq!(
        (written(0).first_position, written(0).last_position),
        (3, 4)
    );
    assert_eq!(
        (written(1).first_position, written(1).stream_version),
        (5, 3)
    );
    assert!(matches!(
        results[2],
        Err(AppendError::WrongVersion { actual: 3 })
    ));
    assert!(matches!(
        results[3],
        Err(AppendError::WrongVersion { actual: 3 })
    ));
    assert_eq!((written(4).first_position, written(4).replayed), (6, false));
    assert_eq!(
        written(5),
        tincay::store::log::AppendOutcome {
            replayed: true,
            ..written(4)
        }
    );
    assert!(matches!(results[6], Err(AppendError::IdempotencyMismatch)));
    assert_eq!(
        (written(7).first_position, written(7).stream_version),
        (7, 2)
    );
    assert!(matches!(results[8], Err(AppendError::StreamErased)));
    assert!(matches!(results[9], Err(AppendError::Empty)));
    assert_eq!(
        (written(10).first_position, written(10).stream_version),
        (8, 4)
    );
    assert_eq!(log.head().unwrap().position, 8);

    let texts: Vec<_> = log
        .read_stream(&stream("case-new"))
        .unwrap()
        .iter()
        .map(|e| pii_json(e).unwrap()["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(texts, ["n1", "n2", "n3", "n4"]);
    let erased = log.read_stream(&stream("case-erased")).unwrap();
    assert!(erased.iter().all(|e| pii_json(e).is_none()));

    log.close();
    drop(log);
    let report = verify(store.as_ref(), master(), &|_| Ok(())).unwrap();
    assert_eq!((report.records, report.pii_erased), (8, 1));
}

fn case(n: u32) -> StreamId {
    stream(&format!("case-{n}"))
}

fn batch(stream: &StreamId, expected_version: u64, first_position: u64, count: u64) -> AppendBatch {
    AppendBatch {
        stream: stream.clone(),
        expected_version,
        records: (0..count)
            .map(|i| StoredRecord {
                position: first_position + i,
                stream: stream.clone(),
                stream_version: expected_version + 1 + i,
                bytes: format!("record {}", first_position + i).into_bytes(),
            })
            .collect(),
        idempotency: None,
        key_change: None,
    }
}

#[test]
fn the_engine_checks_each_batch_of_a_group_against_the_ones_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), SledOptions::default()).unwrap();
    let dek = KeyId::stream(&case(1));
    let mut opened = batch(&case(1), 0, 1, 2);
    opened.key_change = Some(KeyChange::Create {
        id: dek.clone(),
        wrapped: vec![1; 61],
    });
    opened.idempotency = Some(([9; 32], b"opened".to_vec()));
    let mut erased = batch(&case(1), 3, 5, 1);
    erased.key_change = Some(KeyChange::Destroy { id: dek.clone() });

    store
        .append_group(&[
            opened,
            batch(&case(2), 0, 3, 1),
            batch(&case(1), 2, 4, 1),
            erased,
        ])
        .unwrap();
    store.sync().unwrap();

    assert_eq!(store.stream_version(&case(1)).unwrap(), 4);
    assert_eq!(store.stream_version(&case(2)).unwrap(), 1);
    let positions: Vec<_> = store
        .read_from(1, 10)
        .unwrap()
        .iter()
        .map(|r| r.position)
        .collect();
    assert_eq!(positions, [1, 2, 3, 4, 5]);
    assert_eq!(
        store.idempotency(&[9; 32]).unwrap(),
        Some(b"opened".to_vec())
    );
    assert_eq!(store.key(&dek).unwrap(), KeyState::Destroyed);
}

#[test]
fn a_group_with_one_refused_batch_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = SledStore::open(dir.path(), SledOptions::default()).unwrap();
    store.append(batch(&case(1), 0, 1, 1)).unwrap();

    let mut reused = batch(&case(3), 0, 4, 1);
    reused.idempotency = Some(([5; 32], b"b".to_vec()));
    let mut first = batch(&case(2), 0, 2, 1);
    first.idempotency = Some(([5; 32], b"a".to_vec()));
    let refusals = [
        // A stale version after a good batch.
        vec![batch(&case(2), 0, 2, 1), batch(&case(1), 0, 3, 1)],
        // Two batches that both expect the same version.
        vec![batch(&case(2), 0, 2, 1), batch(&case(2), 0, 3, 1)],
        // One idempotency key twice.
        vec![first, batch(&case(1), 1, 3, 1), reused],
    ];
    for group in refusals {
        assert!(store.append_group(&group).is_err(), "{group:?}");
    }
    let gap = [batch(&case(2), 0, 2, 1), batch(&case(1), 1, 4, 1)];
    assert!(matches!(
        store.append_group(&gap),
        Err(StoreError::PositionMismatch(4))
    ));

    store.sync().unwrap();
    let positions: Vec<_> = store
        .read_from(1, 10)
        .unwrap()
        .iter()
        .map(|r| r.position)
        .collect();
    assert_eq!(positions, [1]);
    assert_eq!(store.stream_version(&case(2)).unwrap(), 0);
    assert_eq!(store.idempotency(&[5; 32]).unwrap(), None);
    // Nothing was consumed: the next position is still 2.
    store.append_group(&[batch(&case(2), 0, 2, 1)]).unwrap();
}

/// The sled engine, except that it tells the log a stream it names is new: the log then
/// plans an append the engine refuses.
struct Lying {
    inner: SledStore,
    stream: StreamId,
}

impl EventStore for Lying {
    fn append_group(&self, batches: &[AppendBatch]) -> Result<(), StoreError> {
        self.inner.append_group(batches)
    }
    fn sync(&self) -> Result<(), StoreError> {
        self.inner.sync()
    }
    fn last_record(&self) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.last_record()
    }
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        match *stream == self.stream {
            true => Ok(0),
            false => self.inner.stream_version(stream),
        }
    }
    fn read_stream(&self, stream: &StreamId, from: u64) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.read_stream(stream, from)
    }
    fn read_from(&self, position: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.read_from(position, limit)
    }
    fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.subscribe()
    }
    fn idempotency(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.idempotency(key)
    }
    fn key(&self, id: &KeyId) -> Result<KeyState, StoreError> {
        self.inner.key(id)
    }
    fn keys(&self) -> Result<Vec<(KeyId, KeyState)>, StoreError> {
        self.inner.keys()
    }
    fn key_epoch(&self) -> Result<u32, StoreError> {
        self.inner.key_epoch()
    }
    fn stage_keys(&self, epoch: u32, keys: Vec<(KeyId, KeyState)>) -> Result<(), StoreError> {
        self.inner.stage_keys(epoch, keys)
    }
    fn activate_key_epoch(&self, epoch: u32) -> Result<(), StoreError> {
        self.inner.activate_key_epoch(epoch)
    }
    fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.meta(name)
    }
    fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        self.inner.put_meta(name, value)
    }
}

#[test]
fn a_group_the_engine_refuses_is_written_again_one_append_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let gate = Arc::new(Gate::default());
    let options = SledOptions::default().observer(gate.clone());
    let inner = SledStore::open(dir.path(), options).unwrap();
    let store = Arc::new(Lying {
        inner,
        stream: case(7),
    });
    let log = EventLog::open(store.clone(), master(), LogOptions::default()).unwrap();
    log.append_blocking(request(
        "case-7",
        ExpectedVersion::NoStream,
        vec![note("7")],
    ))
    .unwrap();

    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    *gate.entered.lock().unwrap() = Some(entered_tx);
    *gate.release.lock().unwrap() = Some(release_rx);
    let first = {
        let log = log.clone();
        std::thread::spawn(move || {
            log.append_blocking(request("case-1", ExpectedVersion::Any, vec![note("f")]))
        })
    };
    entered.recv().unwrap();
    let pending: Vec<_> = [
        request("case-2", ExpectedVersion::NoStream, vec![note("a")]),
        // The log believes case-7 is new; the engine knows it is at version 1.
        request("case-7", ExpectedVersion::NoStream, vec![note("again")]),
        request("case-2", ExpectedVersion::Exact(1), vec![note("b")]),
    ]
    .into_iter()
    .map(|r| log.append(r))
    .collect();
    release.send(()).unwrap();
    first.join().unwrap().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let results: Vec<_> = pending.into_iter().map(|p| runtime.block_on(p)).collect();

    assert_eq!(results[0].as_ref().unwrap().first_position, 3);
    assert!(
        matches!(results[1], Err(AppendError::WrongVersion { actual: 1 })),
        "{:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().unwrap().first_position, 4);
    assert_eq!(log.head().unwrap().position, 4);
    log.close();
    let report = verify(&store.inner, master(), &|_| Ok(())).unwrap();
    assert_eq!(report.records, 4);
}

//! Durability through the log: an append is acknowledged only after sled's flush and an
//! fsync of the data file; appends that queue up during a sync share the next one (group
//! commit); a failed fsync is fatal and never retried.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tincay::store::durability::{FsyncFault, SyncObserver, SyncStep, Synced};
use tincay::store::engine::EventStore;
use tincay::store::log::{AppendError, EventLog, ExpectedVersion, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};

use crate::support::*;

const CASE: &str = "case-durable";

/// Records every sync step, and the test's own acknowledgements, in one sequence.
#[derive(Default)]
struct Trace(Mutex<Vec<String>>);

impl Trace {
    fn push(&self, entry: String) {
        self.0.lock().unwrap().push(entry);
    }
    fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl SyncObserver for Trace {
    fn observe(&self, step: SyncStep) {
        self.push(match step {
            SyncStep::Flushed => "flushed".into(),
            SyncStep::Fsynced {
                what: Synced::DataFile,
            } => "fsynced data".into(),
            SyncStep::Fsynced { what } => format!("fsynced {what:?}"),
        });
    }
}

fn open_with(
    dir: &std::path::Path,
    options: SledOptions,
    log_options: LogOptions,
) -> (Arc<SledStore>, EventLog) {
    let store = Arc::new(SledStore::open(dir, options).unwrap());
    let log = EventLog::open(store.clone() as Arc<dyn EventStore>, master(), log_options).unwrap();
    (store, log)
}

#[test]
fn every_acknowledgement_follows_a_flush_and_an_fsync_of_the_data_file() {
    let dir = tempfile::tempdir().unwrap();
    let trace = Arc::new(Trace::default());
    let (store, log) = open_with(
        dir.path(),
        SledOptions::default().observer(trace.clone()),
        LogOptions::default(),
    );
    for i in 0..20 {
        let before = store.durability().syncs();
        let outcome = log
            .append_blocking(request(
                CASE,
                ExpectedVersion::Any,
                vec![note(&i.to_string())],
            ))
            .unwrap();
        assert_eq!(
            store.durability().syncs(),
            before + 1,
            "append {i} had its own sync"
        );
        trace.push(format!("ack {}", outcome.last_position));
    }
    // Between one acknowledgement and the next: a flush, then an fsync of the data file.
    let entries = trace.entries();
    let mut since_ack: Vec<&str> = Vec::new();
    let mut acks = 0;
    for entry in &entries {
        if entry.starts_with("ack ") {
            let flushed = since_ack.iter().position(|e| *e == "flushed");
            let fsynced = since_ack.iter().rposition(|e| *e == "fsynced data");
            assert!(
                matches!((flushed, fsynced), (Some(f), Some(s)) if f < s),
                "{entry} was not preceded by flush then fsync: {since_ack:?}"
            );
            acks += 1;
            since_ack.clear();
        } else {
            since_ack.push(entry);
        }
    }
    assert_eq!(acks, 20);
}

/// Blocks the first sync's flush until released, so other appends queue up behind it.
struct Gate {
    entered: Mutex<Option<mpsc::Sender<()>>>,
    release: Mutex<mpsc::Receiver<()>>,
}

impl SyncObserver for Gate {
    fn observe(&self, step: SyncStep) {
        if step == SyncStep::Flushed {
            if let Some(entered) = self.entered.lock().unwrap().take() {
                entered.send(()).unwrap();
                self.release.lock().unwrap().recv().unwrap();
            }
        }
    }
}

#[test]
fn appends_that_queue_during_a_sync_share_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let (entered_tx, entered) = mpsc::channel();
    let (release, release_rx) = mpsc::channel();
    let gate = Arc::new(Gate {
        entered: Mutex::new(None),
        release: Mutex::new(release_rx),
    });
    let (store, log) = open_with(
        dir.path(),
        SledOptions::default().observer(gate.clone()),
        LogOptions::default(),
    );
    *gate.entered.lock().unwrap() = Some(entered_tx);
    let syncs_before = store.durability().syncs();

    let first = {
        let log = log.clone();
        std::thread::spawn(move || {
            log.append_blocking(request(
                "case-first",
                ExpectedVersion::Any,
                vec![note("first")],
            ))
            .unwrap()
        })
    };
    entered.recv().unwrap(); // the writer is now inside the first append's sync
    let queued: Vec<_> = (0..10)
        .map(|i| {
            log.append(request(
                &format!("case-q{i}"),
                ExpectedVersion::Any,
                vec![note("q")],
            ))
        })
        .collect();
    release.send(()).unwrap();

    first.join().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    for append in queued {
        runtime.block_on(append).unwrap();
    }
    assert_eq!(
        store.durability().syncs(),
        syncs_before + 2,
        "one sync for the first, one for the ten"
    );
    assert_eq!(log.stats().largest_group.load(Ordering::Relaxed), 10);
    assert_eq!(log.head().unwrap().position, 11);
}

#[test]
fn a_failed_fsync_is_fatal_and_never_retried() {
    let dir = tempfile::tempdir().unwrap();
    let fault = FsyncFault::default();
    let fatal_calls = Arc::new(AtomicU64::new(0));
    let counter = fatal_calls.clone();
    let (store, log) = open_with(
        dir.path(),
        SledOptions::default().fsync_fault(fault.clone()),
        LogOptions {
            on_fatal: Arc::new(move |_| {
                counter.fetch_add(1, Ordering::SeqCst);
            }),
            ..LogOptions::default()
        },
    );
    log.append_blocking(request(CASE, ExpectedVersion::Any, vec![note("safe")]))
        .unwrap();
    let head = log.head();

    fault.fail_next();
    let failed = log.append_blocking(request(CASE, ExpectedVersion::Any, vec![note("lost")]));
    assert!(matches!(failed, Err(AppendError::Fatal)), "{failed:?}");
    let attempts = store.durability().fsync_attempts();

    let later = log.append_blocking(request(CASE, ExpectedVersion::Any, vec![note("later")]));
    assert!(matches!(later, Err(AppendError::Fatal)), "{later:?}");
    assert_eq!(
        store.durability().fsync_attempts(),
        attempts,
        "no fsync was retried"
    );
    assert_eq!(fatal_calls.load(Ordering::SeqCst), 1);
    assert_eq!(log.head(), head, "nothing after the failure became durable");
}

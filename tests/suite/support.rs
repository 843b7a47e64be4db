//! Helpers shared by the tests: a fresh log in a temporary directory, events with JSON
//! parts, and fixed instants (tests never read the clock).

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use serde_json::{Value, json};
use tempfile::TempDir;
use time::OffsetDateTime;
use time::macros::datetime;
use tincay::domain::codec::EncodedEvent;
use tincay::store::crypto::MasterKey;
use tincay::store::durability::{SyncObserver, SyncStep};
use tincay::store::engine::EventStore;
use tincay::store::log::{AppendRequest, EventCheck, EventLog, ExpectedVersion, LogOptions};
use tincay::store::sled_store::{SledOptions, SledStore};
use tincay::store::stream::StreamId;

pub const KEY: [u8; 32] = [7; 32];

pub fn master() -> MasterKey {
    MasterKey::from_bytes(KEY)
}

pub fn now() -> OffsetDateTime {
    datetime!(2026-11-20 10:00 UTC)
}

/// A temporary data directory with an open log.
pub struct TestLog {
    pub dir: TempDir,
    pub store: Arc<SledStore>,
    pub log: EventLog,
}

impl TestLog {
    /// A log that takes made-up payloads (see [`open_at`]).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (store, log) = open_at(dir.path(), master());
        Self { dir, store, log }
    }

    /// A log as tincay opens it: every event must read back as it was written.
    pub fn checked() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (store, log) = open_with(dir.path(), master(), LogOptions::default());
        Self { dir, store, log }
    }

    /// Close and reopen the same directory.
    pub fn reopen(self) -> Self {
        let TestLog { dir, store, log } = self;
        log.close();
        drop(log);
        drop(store);
        let (store, log) = open_at(dir.path(), master());
        Self { dir, store, log }
    }

    pub fn append(&self, request: AppendRequest) -> tincay::store::log::AppendOutcome {
        self.log.append_blocking(request).unwrap()
    }
}

/// Opens the log without decode before append: the tests of the log's mechanics (the chain,
/// group commit, erasure, tampering) append made-up payloads that are no domain event.
pub fn open_at(dir: &Path, key: MasterKey) -> (Arc<SledStore>, EventLog) {
    let options = LogOptions {
        check: EventCheck::Unchecked,
        ..LogOptions::default()
    };
    open_with(dir, key, options)
}

pub fn open_with(dir: &Path, key: MasterKey, options: LogOptions) -> (Arc<SledStore>, EventLog) {
    let store = Arc::new(SledStore::open(dir, SledOptions::default()).unwrap());
    let log = EventLog::open(Arc::clone(&store) as Arc<dyn EventStore>, key, options).unwrap();
    (store, log)
}

/// The directory's sled database opened raw, to rewrite it as another tincay would have left
/// it. Waits while the directory still reads as held: sled's I/O threads let go of a store
/// closed a moment ago only after their last write (as `SledStore::open` waits, in
/// `open_when_released`); a raw `sled::open` right after a close failed CI once on that.
pub fn raw_sled(dir: &Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match sled::open(dir) {
            Err(sled::Error::Io(e))
                if e.to_string().starts_with("could not acquire lock")
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::yield_now();
            }
            opened => return opened.unwrap(),
        }
    }
}

pub fn stream(raw: &str) -> StreamId {
    StreamId::parse(raw).unwrap()
}

pub fn event(event_type: &'static str, facts: Value, pii: Option<Value>) -> EncodedEvent {
    EncodedEvent {
        event_type,
        schema_version: 1,
        facts: serde_json::to_vec(&facts).unwrap(),
        pii: pii.map(|pii| serde_json::to_vec(&pii).unwrap()),
    }
}

/// A `note_added`-like event whose pii carries `text`.
pub fn note(text: &str) -> EncodedEvent {
    event("note_added", json!({}), Some(json!({ "text": text })))
}

pub fn request(
    stream_id: &str,
    expected: ExpectedVersion,
    events: Vec<EncodedEvent>,
) -> AppendRequest {
    AppendRequest {
        stream: stream(stream_id),
        expected,
        events,
        idempotency: None,
        actor: None,
        recorded_at: now(),
        erase: false,
    }
}

/// The JSON of a recorded event's pii, or None when absent or erased.
pub fn pii_json(event: &tincay::store::log::RecordedEvent) -> Option<Value> {
    match &event.pii {
        tincay::store::log::RecordedPii::Present(plain) => {
            Some(serde_json::from_slice(plain.as_bytes()).unwrap())
        }
        _ => None,
    }
}

pub fn facts_json(event: &tincay::store::log::RecordedEvent) -> Value {
    serde_json::from_slice(event.facts.as_bytes()).unwrap()
}

/// A stand-in request digest for idempotency: the body bytes, zero-padded (distinct for the
/// short bodies the tests use).
pub fn fingerprint(body: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (slot, byte) in out.iter_mut().zip(body.bytes()) {
        *slot = byte;
    }
    out
}

/// Holds the next sync's flush until released, so that appends queue up behind it.
#[derive(Default)]
pub struct Gate {
    pub entered: Mutex<Option<mpsc::Sender<()>>>,
    pub release: Mutex<Option<mpsc::Receiver<()>>>,
}

impl SyncObserver for Gate {
    fn observe(&self, step: SyncStep) {
        if step == SyncStep::Flushed {
            if let Some(entered) = self.entered.lock().unwrap().take() {
                entered.send(()).unwrap();
                if let Some(release) = self.release.lock().unwrap().take() {
                    release.recv().unwrap();
                }
            }
        }
    }
}

impl Gate {
    /// Arms the gate: the next sync is held once it has flushed, until the returned sender
    /// sends; the returned receiver hears when that sync is held.
    pub fn arm(&self) -> (mpsc::Receiver<()>, mpsc::Sender<()>) {
        let (entered_tx, entered) = mpsc::channel();
        let (release, release_rx) = mpsc::channel();
        *self.entered.lock().unwrap() = Some(entered_tx);
        *self.release.lock().unwrap() = Some(release_rx);
        (entered, release)
    }
}

/// 40 cases of 4 appends of 10 notes each, interleaved: 1,600 events.
pub fn interleaved() -> TestLog {
    let t = TestLog::new();
    let case = |n: u32| format!("case-{n:08x}-0000-4000-8000-000000000000");
    for round in 0..4_u32 {
        for n in 0..40 {
            let notes = (0..10).map(|i| note(&format!("{n} {round} {i}"))).collect();
            let expected = ExpectedVersion::Exact(u64::from(round) * 10);
            t.append(request(&case(n), expected, notes));
        }
    }
    t
}

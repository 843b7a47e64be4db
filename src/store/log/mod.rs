//! [`EventLog`]: the encrypted, chained, group-committed log above an [`EventStore`] engine.
//!
//! - [`open`](open): initialising a data directory's keys, checking the master key, loading the head.
//! - [`writer`]: the single writer thread: expected versions, idempotency, sealing, the chain,
//!   and group commit (one durable sync for every append that queued up meanwhile).
//! - [`read`]: decrypting records back into [`RecordedEvent`]s, large batches on several
//!   threads.
//! - [`read_ahead`]: events read, decrypted (and decoded) ahead of the caller by a pool of
//!   threads, one per core, and handed out in order (replays).
//! - [`subscription`]: following the log from a position as it grows.
//! - `erasures`: forgetting the keys other processes' erasures destroyed (a shared engine).
//! - [`round_trip`]: decode before append: every event must read back as it was written
//!   before it is sealed.
//!
//! An append is acknowledged only after the engine's `sync` (flush + fsync) returned; a failed
//! sync is fatal: the log stops acknowledging and calls the fatal handler (by default the
//! process exits), because the kernel may already have dropped the unwritten pages.

mod erasures;
pub(crate) mod idempotency;
pub mod open;
pub mod read;
pub mod read_ahead;
pub mod round_trip;
pub mod subscription;
mod writer;

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use time::OffsetDateTime;
use uuid::Uuid;

use crate::domain::codec::EncodedEvent;
use crate::store::crypto::Mac;
use crate::store::engine::{EventStore, StoreError};
use crate::store::keyring::Keyring;
use crate::store::stream::StreamId;

pub use open::OpenError;
pub use read::{ReadError, RecordedEvent, RecordedPii};
pub use read_ahead::ReadAhead;
pub use round_trip::EventCheck;
pub use subscription::Subscription;

/// What the stream's version must be for an append to go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Whatever it is (the server's own retries, commands without `If-Match`).
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be at exactly this version.
    Exact(u64),
}

/// A caller-scoped idempotency key and a fingerprint of the request it came with.
#[derive(Clone)]
pub struct Idempotency {
    /// Scoped by the caller (e.g. user, path and the client's key). Stored only as a keyed
    /// hash.
    pub key: Vec<u8>,
    /// A digest of the request; a retry with the same key but another request is refused.
    pub fingerprint: [u8; 32],
}

impl std::fmt::Debug for Idempotency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Idempotency(<redacted>)")
    }
}

/// One append: a batch of events to one stream, atomically.
#[derive(Debug)]
pub struct AppendRequest {
    pub stream: StreamId,
    pub expected: ExpectedVersion,
    pub events: Vec<EncodedEvent>,
    pub idempotency: Option<Idempotency>,
    /// The acting user, if any (a random id, stored in the clear header).
    pub actor: Option<Uuid>,
    pub recorded_at: OffsetDateTime,
    /// Destroy the stream's data key in the same transaction (crypto-shredding).
    pub erase: bool,
}

/// What an acknowledged append wrote (or, for an idempotent retry, had written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendOutcome {
    pub stream: StreamId,
    pub first_position: u64,
    pub last_position: u64,
    /// The stream's version after the append.
    pub stream_version: u64,
    /// True when this was a retry and nothing new was written.
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("stream is at version {actual}")]
    WrongVersion { actual: u64 },
    #[error("this idempotency key was used with a different request")]
    IdempotencyMismatch,
    #[error("the stream was erased; its personal data can no longer be written")]
    StreamErased,
    #[error("an append needs at least one event")]
    Empty,
    #[error("the event cannot be stored: {0}")]
    Invalid(crate::store::record::RecordError),
    /// Decode before append refused the event: it does not read back as it was written.
    /// Names the event type only, never its data.
    #[error("a {event_type} event does not read back as it was written; nothing was appended")]
    DoesNotRoundTrip { event_type: &'static str },
    #[error("the log is closed")]
    Closed,
    #[error("the log stopped after a durability failure; nothing more is acknowledged")]
    Fatal,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keys(#[from] crate::store::keyring::KeyringError),
}

/// The chain head: the last durable position and its MAC. Publish it elsewhere to make
/// truncation of the tail detectable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogHead {
    pub position: u64,
    pub mac: Mac,
}

/// Called once when a sync fails. The default logs and exits the process.
pub type FatalHandler = Arc<dyn Fn(&StoreError) + Send + Sync>;

/// Told about every group commit, for metrics. It runs on the writer thread, between the
/// sync and the acknowledgements, so it must be cheap and must never block.
pub trait LogObserver: Send + Sync {
    /// A group of `appends` was committed; `sync` is how long its durable sync took (`None`
    /// when nothing new was written, e.g. only idempotent retries).
    fn group_committed(&self, appends: usize, sync: Option<std::time::Duration>);
    /// One append was acknowledged `waited` after it was submitted (queueing included).
    fn append_acknowledged(&self, waited: std::time::Duration);
}

/// Tuning and hooks.
#[derive(Clone)]
pub struct LogOptions {
    /// The most appends one group commit takes.
    pub max_group: usize,
    pub on_fatal: FatalHandler,
    /// Metrics hook; `None` observes nothing.
    pub observer: Option<Arc<dyn LogObserver>>,
    /// Where every erasure is listed, durably, before it is appended (see
    /// [`crate::store::erasure_ledger`]); `None` lists nothing.
    pub erasure_ledger: Option<Arc<crate::store::erasure_ledger::ErasureLedger>>,
    /// Decode before append ([`round_trip`]); always [`EventCheck::RoundTrip`] in tincay.
    pub check: EventCheck,
}

impl std::fmt::Debug for LogOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogOptions")
            .field("max_group", &self.max_group)
            .field("observer", &self.observer.is_some())
            .field("erasure_ledger", &self.erasure_ledger.is_some())
            .field("check", &self.check)
            .finish_non_exhaustive()
    }
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            max_group: 512,
            on_fatal: Arc::new(|error| {
                tracing::error!(%error, "durability failure: stopping so nothing unsafe is acknowledged");
                std::process::exit(70);
            }),
            observer: None,
            erasure_ledger: None,
            check: EventCheck::RoundTrip,
        }
    }
}

/// Counters for metrics: how many appends, and how they were grouped.
#[derive(Debug, Default)]
pub struct LogStats {
    pub appends: std::sync::atomic::AtomicU64,
    pub groups: std::sync::atomic::AtomicU64,
    pub largest_group: std::sync::atomic::AtomicU64,
}

/// The encrypted, chained log. Cheap to clone; the writer thread stops when the last clone
/// is dropped or [`EventLog::close`] is called.
#[derive(Clone, Debug)]
pub struct EventLog {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn EventStore>,
    keys: Arc<Keyring>,
    head: Arc<Mutex<Option<LogHead>>>,
    stats: Arc<LogStats>,
    jobs: Mutex<Option<mpsc::Sender<writer::Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    /// Erasures are listed here before they are submitted.
    ledger: Option<Arc<crate::store::erasure_ledger::ErasureLedger>>,
    /// Decode before append, on the caller's thread.
    check: EventCheck,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLog").finish_non_exhaustive()
    }
}

impl EventLog {
    /// Append a batch; resolves once it is durable.
    pub fn append(
        &self,
        request: AppendRequest,
    ) -> impl Future<Output = Result<AppendOutcome, AppendError>> + Send + 'static {
        let receiver = self.submit(request);
        async move {
            match receiver {
                Ok(receiver) => receiver.await.unwrap_or(Err(AppendError::Closed)),
                Err(error) => Err(error),
            }
        }
    }

    /// [`EventLog::append`] for threads outside an async runtime (CLI, tests, benchmarks).
    pub fn append_blocking(&self, request: AppendRequest) -> Result<AppendOutcome, AppendError> {
        self.submit(request)?
            .blocking_recv()
            .unwrap_or(Err(AppendError::Closed))
    }

    /// **Tests only**: [`EventLog::append`] without decode before append, to put an event
    /// no projection can decode into a log, as a bug or an older binary could have (the
    /// tests of case streams set aside). Never used by tincay itself.
    #[doc(hidden)]
    pub fn append_unchecked(
        &self,
        request: AppendRequest,
    ) -> impl Future<Output = Result<AppendOutcome, AppendError>> + Send + 'static {
        let receiver = self.enqueue(request);
        async move {
            match receiver {
                Ok(receiver) => receiver.await.unwrap_or(Err(AppendError::Closed)),
                Err(error) => Err(error),
            }
        }
    }

    fn submit(&self, request: AppendRequest) -> Result<writer::Reply, AppendError> {
        self.check(&request)?;
        self.enqueue(request)
    }

    fn enqueue(&self, request: AppendRequest) -> Result<writer::Reply, AppendError> {
        if request.erase {
            self.list_erasure(&request)?;
        }
        let (reply, receiver) = tokio::sync::oneshot::channel();
        let jobs = self
            .inner
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let sender = jobs.as_ref().ok_or(AppendError::Closed)?;
        sender
            .send(writer::Job {
                request,
                reply,
                submitted: std::time::Instant::now(),
            })
            .map_err(|_| AppendError::Closed)?;
        Ok(receiver)
    }

    /// Decode before append: refuse the whole request if one of its events does not read
    /// back as it was written. Logged with the event type only.
    fn check(&self, request: &AppendRequest) -> Result<(), AppendError> {
        if self.inner.check == EventCheck::Unchecked {
            return Ok(());
        }
        match request
            .events
            .iter()
            .find(|event| !round_trip::round_trips(&request.stream, event))
        {
            None => Ok(()),
            Some(event) => {
                tracing::error!(
                    event_type = event.event_type,
                    stream_kind = request.stream.kind(),
                    "refused an event that does not read back as it was written"
                );
                Err(AppendError::DoesNotRoundTrip {
                    event_type: event.event_type,
                })
            }
        }
    }

    /// List an erasure in the ledger, durably, before it is appended (a blocking write and
    /// fsync, rare enough not to matter to the runtime).
    fn list_erasure(&self, request: &AppendRequest) -> Result<(), AppendError> {
        let Some(ledger) = &self.inner.ledger else {
            return Ok(());
        };
        let log_id = crate::store::format::log_id(self.inner.store.as_ref())?
            .ok_or_else(|| StoreError::Corrupt("the log has no log id".into()))?;
        ledger
            .record(&self.inner.keys, log_id, request)
            .map_err(|error| {
                tracing::error!(%error, "cannot write to the erasure ledger: the erasure is refused");
                AppendError::Store(StoreError::Io(error))
            })
    }

    /// The keys, for the erasure ledger (which seals and MACs its lines under them).
    pub(crate) fn keyring(&self) -> &Arc<Keyring> {
        &self.inner.keys
    }

    /// The durable chain head, `None` on an empty log.
    pub fn head(&self) -> Option<LogHead> {
        *self
            .inner
            .head
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub fn stats(&self) -> &LogStats {
        &self.inner.stats
    }

    pub fn store(&self) -> &Arc<dyn EventStore> {
        &self.inner.store
    }

    /// The keys in memory (for what is derived from them: projection checkpoints, the
    /// statistics secret).
    pub fn keys(&self) -> &Keyring {
        &self.inner.keys
    }

    /// Stop accepting appends, finish the queued ones, and wait for the writer to stop.
    pub fn close(&self) {
        self.inner.close();
    }
}

impl Inner {
    fn close(&self) {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let handle = self
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(handle) = handle {
            if handle.join().is_err() {
                tracing::error!("the log writer thread panicked");
            }
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.close();
    }
}

//! The single writer: takes append jobs from a queue, and for each group of jobs that queued
//! up meanwhile, checks, seals and writes every job (one engine transaction each), makes them
//! all durable with one `sync`, and only then acknowledges them (group commit).
//!
//! Positions and the chain are assigned here, so all ciphertexts and MACs are computed
//! before the engine's transaction starts (a sled transaction closure may run more than once).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Instant;

use zeroize::Zeroize;

use crate::store::crypto::DataKey;
use crate::store::engine::{AppendBatch, EventStore, KeyChange, KeyId, StoreError, StoredRecord};
use crate::store::keyring::{Keyring, StreamKey};
use crate::store::log::idempotency::{self, IdempotencyEntry};
use crate::store::log::{
    AppendError, AppendOutcome, AppendRequest, ExpectedVersion, LogHead, LogOptions, LogStats,
};
use crate::store::record::{Part, RecordHeader, SealedRecord, aad};

pub(super) type Reply = tokio::sync::oneshot::Receiver<Result<AppendOutcome, AppendError>>;
type ReplyTo = tokio::sync::oneshot::Sender<Result<AppendOutcome, AppendError>>;

pub(super) struct Job {
    pub request: AppendRequest,
    pub reply: ReplyTo,
    /// When the job was queued, for the append latency metric.
    pub submitted: Instant,
}

pub(super) struct Writer {
    store: Arc<dyn EventStore>,
    keys: Arc<Keyring>,
    /// The durable head, published after each successful sync.
    durable: Arc<Mutex<Option<LogHead>>>,
    stats: Arc<LogStats>,
    options: LogOptions,
    /// The last written (not necessarily durable) position and MAC.
    written: LogHead,
    /// Set forever by a failed sync or write.
    failed: bool,
}

/// A job's outcome, held back until the group's sync has returned.
struct Done {
    reply: ReplyTo,
    result: Result<AppendOutcome, AppendError>,
    submitted: Instant,
}

impl Writer {
    pub fn new(
        store: Arc<dyn EventStore>,
        keys: Arc<Keyring>,
        durable: Arc<Mutex<Option<LogHead>>>,
        stats: Arc<LogStats>,
        options: LogOptions,
        written: LogHead,
    ) -> Self {
        Self {
            store,
            keys,
            durable,
            stats,
            options,
            written,
            failed: false,
        }
    }

    /// Runs until every sender is gone and the queue is drained.
    pub fn run(mut self, queue: mpsc::Receiver<Job>) {
        while let Ok(first) = queue.recv() {
            let mut group = vec![first];
            while group.len() < self.options.max_group.max(1) {
                match queue.try_recv() {
                    Ok(job) => group.push(job),
                    Err(_) => break,
                }
            }
            self.commit_group(group);
        }
    }

    fn commit_group(&mut self, group: Vec<Job>) {
        let size = group.len() as u64;
        let mut done = Vec::with_capacity(group.len());
        let mut wrote = false;
        for job in group {
            let result = if self.failed {
                Err(AppendError::Fatal)
            } else {
                self.write(job.request)
            };
            wrote |= matches!(&result, Ok(outcome) if !outcome.replayed);
            done.push(Done {
                reply: job.reply,
                result,
                submitted: job.submitted,
            });
        }
        // Even a group of pure idempotent hits may point at records written earlier in this
        // group's predecessors; those were synced already. Only new writes need a sync.
        let mut synced = None;
        if wrote && !self.failed {
            let started = Instant::now();
            let sync = self.store.sync();
            synced = Some(started.elapsed());
            match sync {
                Ok(()) => {
                    *self.durable.lock().unwrap_or_else(PoisonError::into_inner) =
                        Some(self.written);
                }
                Err(error) => self.fail(&error),
            }
        }
        self.stats.groups.fetch_add(1, Ordering::Relaxed);
        self.stats.appends.fetch_add(size, Ordering::Relaxed);
        self.stats.largest_group.fetch_max(size, Ordering::Relaxed);
        let observer = self.options.observer.clone();
        if let Some(observer) = &observer {
            observer.group_committed(done.len(), synced);
        }
        for Done {
            reply,
            result,
            submitted,
        } in done
        {
            let result = if self.failed {
                Err(AppendError::Fatal)
            } else {
                result
            };
            // A caller that stopped waiting is not an error: the append stands.
            let _ = reply.send(result);
            if let Some(observer) = &observer {
                observer.append_acknowledged(submitted.elapsed());
            }
        }
    }

    fn fail(&mut self, error: &StoreError) {
        if !self.failed {
            self.failed = true;
            (self.options.on_fatal)(error);
        }
    }

    fn write(&mut self, mut request: AppendRequest) -> Result<AppendOutcome, AppendError> {
        if request.events.is_empty() {
            return Err(AppendError::Empty);
        }
        let chain = Arc::clone(self.keys.chain());
        let idempotency = request
            .idempotency
            .as_ref()
            .map(|given| IdempotencyEntry::hash(&chain, given));
        if let Some(entry) = &idempotency {
            if let Some(stored) = self.store.idempotency(&entry.key)? {
                return idempotency::replay(entry, &stored);
            }
        }
        let current = self.store.stream_version(&request.stream)?;
        let version_ok = match request.expected {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => current == 0,
            ExpectedVersion::Exact(expected) => current == expected,
        };
        if !version_ok {
            return Err(AppendError::WrongVersion { actual: current });
        }
        let (stream_key, mut key_change) = self.stream_key(&request, current)?;
        if request.erase {
            key_change = Some(KeyChange::Destroy {
                id: KeyId::stream(&request.stream),
            });
        }

        let first_position = self.written.position + 1;
        let mut mac = self.written.mac;
        let recorded_at_ms =
            i64::try_from(request.recorded_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        let mut records = Vec::with_capacity(request.events.len());
        for (offset, event) in request.events.iter_mut().enumerate() {
            let offset = offset as u64;
            let header = RecordHeader {
                position: first_position + offset,
                stream: request.stream.clone(),
                stream_version: current + 1 + offset,
                event_type: event.event_type.to_owned(),
                schema_version: event.schema_version,
                recorded_at_ms,
                key_epoch: self.keys.epoch(),
                actor: request.actor.map(|actor| actor.into_bytes()),
            };
            let facts = self
                .keys
                .facts()
                .seal(&aad(&header, Part::Facts), &event.facts);
            let pii = match (event.pii.as_mut(), &stream_key) {
                (None, _) => None,
                (Some(plain), Some(key)) => {
                    let sealed = key.seal(&aad(&header, Part::Pii), plain);
                    plain.zeroize();
                    Some(sealed)
                }
                (Some(_), None) => return Err(AppendError::StreamErased),
            };
            let mut bytes = SealedRecord::try_unsigned_bytes(&header, &facts, pii.as_ref())
                .map_err(AppendError::Invalid)?;
            mac = chain.link(&mac, &bytes);
            bytes.extend_from_slice(&mac.0);
            records.push(StoredRecord {
                position: header.position,
                stream: header.stream,
                stream_version: header.stream_version,
                bytes,
            });
        }
        let count = records.len() as u64;
        let outcome = AppendOutcome {
            stream: request.stream.clone(),
            first_position,
            last_position: first_position + count - 1,
            stream_version: current + count,
            replayed: false,
        };
        let batch = AppendBatch {
            stream: request.stream.clone(),
            expected_version: current,
            records,
            idempotency: idempotency.map(|entry| (entry.key, entry.value(&outcome))),
            key_change: key_change.clone(),
        };
        match self.store.append(batch) {
            Ok(()) => {}
            Err(StoreError::WrongVersion { actual }) => {
                return Err(AppendError::WrongVersion { actual });
            }
            Err(error) => {
                // The engine's state is unknown after a failed transaction: stop here.
                self.fail(&error);
                return Err(AppendError::Fatal);
            }
        }
        self.written = LogHead {
            position: outcome.last_position,
            mac,
        };
        match key_change {
            Some(KeyChange::Destroy { .. }) => self.keys.forget(&request.stream),
            Some(KeyChange::Create { .. }) => {
                if let Some(key) = stream_key {
                    self.keys.remember(&request.stream, key);
                }
            }
            None => {}
        }
        Ok(outcome)
    }

    /// The data key for this append's personal parts, and a key change if the stream is new.
    fn stream_key(
        &self,
        request: &AppendRequest,
        current: u64,
    ) -> Result<(Option<Arc<DataKey>>, Option<KeyChange>), AppendError> {
        if current == 0 {
            let (key, change) = self.keys.new_stream_key(&request.stream);
            return Ok((Some(key), Some(change)));
        }
        match self.keys.stream_key(self.store.as_ref(), &request.stream)? {
            StreamKey::Present(key) => Ok((Some(key), None)),
            StreamKey::Destroyed => Ok((None, None)),
            StreamKey::Missing => Err(AppendError::Store(StoreError::Corrupt(format!(
                "stream {} has records but no data key",
                request.stream
            )))),
        }
    }
}

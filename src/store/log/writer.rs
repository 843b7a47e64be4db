//! The single writer: takes append jobs from a queue, and for each group of jobs that queued
//! up meanwhile, checks, seals and chains every job ([`plan`]), writes them all in one engine
//! transaction, makes them durable with one `sync`, and only then acknowledges them (group
//! commit).
//!
//! Positions and the chain are assigned here, so all ciphertexts and MACs are computed
//! before the engine's transaction starts (a sled transaction closure may run more than once).
//! Each job keeps its own result: one refused while planning (a stale expected version, a
//! reused idempotency key with another request, an erased stream) takes no position and does
//! not hold the others back. Should the engine refuse a group the plan said it would take
//! (it cannot while this thread is its only writer), the group is written again one job per
//! transaction, so the engine's refusal too reaches only its own job.
//!
//! On an engine shared by several processes (PostgreSQL) another process may append between
//! two groups: the engine then refuses the group's first position, and the writer reads the
//! head again and plans the group anew (optimistic concurrency on the head row).
//!
//! An engine whose commit is a round trip (PostgreSQL) [pipelines](EventStore::pipelines):
//! the writer plans and starts the next group while the current one commits ([`pipeline`]).

mod pipeline;
mod plan;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Instant;

use zeroize::Zeroize;

use crate::store::crypto::GENESIS_MAC;
use crate::store::engine::{EventStore, GroupState, StoreError};
use crate::store::keyring::Keyring;
use crate::store::log::idempotency::IdempotencyEntry;
use crate::store::log::{AppendError, AppendOutcome, AppendRequest, LogHead, LogOptions, LogStats};
use crate::store::record::SealedRecord;
use crate::store::stream::StreamId;
use plan::{KeyEffect, Pending, Planned, Step};

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
    /// The engine's head may have moved without this writer (another process appended, or
    /// an append's outcome is unknown): read it again before the next plan.
    stale: bool,
    /// Streams' versions as this writer's commits left them, valid while the engine's head
    /// is the written head (nothing else appended since): a group is planned without asking
    /// the engine for them. The engine checks every expected version again in its
    /// transaction, which it refuses if another process moved the head; then the writer
    /// forgets them all ([`Writer::refresh_if_stale`]).
    versions: HashMap<StreamId, u64>,
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
            stale: false,
            versions: HashMap::new(),
        }
    }

    /// Runs until every sender is gone and the queue is drained.
    pub fn run(mut self, queue: mpsc::Receiver<Job>) {
        if self.store.pipelines() {
            return self.run_pipelined(&queue);
        }
        while let Ok(first) = queue.recv() {
            let group = self.gather(first, &queue);
            self.commit_group(group);
        }
    }

    /// `first` and the jobs queued behind it, up to the largest group.
    fn gather(&self, first: Job, queue: &mpsc::Receiver<Job>) -> Vec<Job> {
        let mut group = vec![first];
        while group.len() < self.options.max_group.max(1) {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        group
    }

    fn commit_group(&mut self, group: Vec<Job>) {
        let results = if self.failed {
            group.iter().map(|_| Err(AppendError::Fatal)).collect()
        } else {
            self.write_group(&group)
        };
        self.answer(group, results);
    }

    /// Syncs what the group wrote, then answers each job with its result.
    fn answer(&mut self, mut group: Vec<Job>, results: Vec<Result<AppendOutcome, AppendError>>) {
        let size = group.len() as u64;
        // The plaintexts were kept for a possible second planning; they are no longer needed.
        for job in &mut group {
            for event in &mut job.request.events {
                if let Some(plain) = event.pii.as_mut() {
                    plain.zeroize();
                }
            }
        }
        let wrote = results
            .iter()
            .any(|result| matches!(result, Ok(outcome) if !outcome.replayed));
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
            observer.group_committed(group.len(), synced);
        }
        for (job, result) in group.into_iter().zip(results) {
            let result = if self.failed {
                Err(AppendError::Fatal)
            } else {
                result
            };
            // A caller that stopped waiting is not an error: the append stands.
            let _ = job.reply.send(result);
            if let Some(observer) = &observer {
                observer.append_acknowledged(job.submitted.elapsed());
            }
        }
    }

    fn fail(&mut self, error: &StoreError) {
        if !self.failed {
            self.failed = true;
            (self.options.on_fatal)(error);
        }
    }

    /// Plans every job after the ones before it and writes the planned ones in one engine
    /// transaction. One result per job, in order. When the engine's head moved under the plan
    /// (another process appended to a shared engine), the head is read again and the group is
    /// planned anew, a bounded number of times.
    fn write_group(&mut self, group: &[Job]) -> Vec<Result<AppendOutcome, AppendError>> {
        for _attempt in 0..MAX_REPLANS {
            if let Err(error) = self.refresh_if_stale() {
                return group.iter().map(|_| Err(unavailable(&error))).collect();
            }
            let known = match self.group_state(group, &HashMap::new()) {
                Ok(known) => known,
                Err(error) => {
                    self.stale = true;
                    return group.iter().map(|_| Err(unavailable(&error))).collect();
                }
            };
            let mut pending =
                Pending::knowing(self.store.as_ref(), &self.keys, self.written, known, true);
            let mut results = Vec::with_capacity(group.len());
            let mut planned = Vec::new();
            for job in group {
                results.push(match pending.plan(&job.request) {
                    Ok(Step::Replayed(outcome)) => Ok(outcome),
                    Ok(Step::Write(plan)) => {
                        let outcome = plan.outcome.clone();
                        planned.push(plan);
                        Ok(outcome)
                    }
                    Err(error) => Err(error),
                });
            }
            let head = pending.head;
            let versions = pending.take_versions();
            match self.commit(planned, head) {
                Ok(()) => {
                    self.remember_versions(versions);
                    return results;
                }
                Err(Refused::HeadMoved) => {}
                // The engine disagrees with the plan: let each job meet it on its own.
                Err(Refused::Version(_)) => {
                    self.versions.clear();
                    return group
                        .iter()
                        .map(|job| self.write_one(&job.request))
                        .collect();
                }
                Err(Refused::Failed(error)) => {
                    return group.iter().map(|_| Err(error.again())).collect();
                }
            }
        }
        group
            .iter()
            .map(|_| {
                Err(AppendError::Store(StoreError::Unavailable(
                    "the log is too busy".into(),
                )))
            })
            .collect()
    }

    /// The engine's state the group is planned against: each stream's version from what this
    /// writer's commits left where it knows it, and the rest, with every idempotency key of
    /// the group, read from the engine at once. Streams in `planned` (versions a group still
    /// committing leaves) are not read.
    fn group_state(
        &self,
        group: &[Job],
        planned: &HashMap<StreamId, u64>,
    ) -> Result<GroupState, StoreError> {
        let chain = self.keys.chain();
        let keys: Vec<[u8; 32]> = group
            .iter()
            .filter_map(|job| job.request.idempotency.as_ref())
            .map(|given| IdempotencyEntry::hash(chain, given).key)
            .collect();
        let mut known = GroupState::default();
        let mut asked = HashSet::new();
        let mut unknown = Vec::new();
        for job in group {
            let stream = &job.request.stream;
            match self.versions.get(stream).or_else(|| planned.get(stream)) {
                Some(version) => {
                    known.versions.insert(stream.clone(), *version);
                }
                None => {
                    if asked.insert(stream) {
                        unknown.push(stream.clone());
                    }
                }
            }
        }
        if !unknown.is_empty() || !keys.is_empty() {
            let read = self.store.group_state(&unknown, &keys)?;
            known.versions.extend(read.versions);
            known.idempotency = read.idempotency;
        }
        Ok(known)
    }

    /// Keeps the versions a committed group left, within bounds.
    fn remember_versions(&mut self, versions: HashMap<StreamId, u64>) {
        if self.versions.len() + versions.len() > VERSIONS_KEPT {
            self.versions.clear();
        }
        self.versions.extend(versions);
    }

    /// One job in its own engine transaction.
    fn write_one(&mut self, request: &AppendRequest) -> Result<AppendOutcome, AppendError> {
        for _attempt in 0..MAX_REPLANS {
            self.refresh_if_stale()
                .map_err(|error| unavailable(&error))?;
            let mut pending = Pending::new(self.store.as_ref(), &self.keys, self.written);
            match pending.plan(request)? {
                Step::Replayed(outcome) => return Ok(outcome),
                Step::Write(plan) => {
                    let outcome = plan.outcome.clone();
                    match self.commit(vec![plan], pending.head) {
                        Ok(()) => return Ok(outcome),
                        Err(Refused::HeadMoved) => {}
                        Err(Refused::Version(actual)) => {
                            return Err(AppendError::WrongVersion { actual });
                        }
                        Err(Refused::Failed(error)) => return Err(error.again()),
                    }
                }
            }
        }
        Err(AppendError::Store(StoreError::Unavailable(
            "the log is too busy".into(),
        )))
    }

    /// After another process appended (or an append's outcome is unknown): the written head
    /// is read again from the engine, and the keyring forgets the keys of every stream written
    /// since, so that a key created or destroyed there is read again from the engine.
    fn refresh_if_stale(&mut self) -> Result<(), StoreError> {
        if !self.stale {
            return Ok(());
        }
        let head = match self.store.last_record()? {
            None => LogHead {
                position: 0,
                mac: GENESIS_MAC,
            },
            Some(last) => LogHead {
                position: last.position,
                mac: SealedRecord::decode(&last.bytes)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?
                    .mac,
            },
        };
        let mut from = self.written.position.min(head.position).saturating_add(1);
        while from <= head.position {
            let records = self.store.read_from(from, REFRESH_BATCH)?;
            let Some(last) = records.last() else { break };
            from = last.position.saturating_add(1);
            for record in &records {
                self.keys.evict(&record.stream);
            }
        }
        self.written = head;
        *self.durable.lock().unwrap_or_else(PoisonError::into_inner) = Some(head);
        self.versions.clear();
        self.stale = false;
        Ok(())
    }

    /// Writes planned appends in one engine transaction; on success they are the new written
    /// head, and the keyring learns their key changes. A failure of a local engine is fatal; a
    /// shared engine that is unavailable is not (the head is read again before the next plan).
    fn commit(&mut self, planned: Vec<Planned>, head: LogHead) -> Result<(), Refused> {
        if planned.is_empty() {
            return Ok(());
        }
        let mut batches = Vec::with_capacity(planned.len());
        let mut effects = Vec::with_capacity(planned.len());
        for plan in planned {
            batches.push(plan.batch);
            effects.push(plan.effect);
        }
        match self.store.append_group(&batches) {
            Ok(()) => {}
            Err(StoreError::WrongVersion { actual }) => return Err(Refused::Version(actual)),
            Err(StoreError::PositionMismatch(_)) => {
                self.stale = true;
                return Err(Refused::HeadMoved);
            }
            Err(StoreError::Unavailable(reason)) => {
                // The outcome is unknown: the next plan starts from the engine's head.
                self.stale = true;
                return Err(Refused::Failed(Failure::Unavailable(reason)));
            }
            Err(error) => {
                // The engine's state is unknown after a failed transaction: stop here.
                self.fail(&error);
                return Err(Refused::Failed(Failure::Fatal));
            }
        }
        self.written = head;
        for effect in effects {
            match effect {
                KeyEffect::None => {}
                KeyEffect::Remember(stream, key) => self.keys.remember(&stream, key),
                KeyEffect::Forget(stream) => self.keys.forget(&stream),
            }
        }
        Ok(())
    }
}

/// How many times a group is planned anew because another process moved the head.
const MAX_REPLANS: usize = 64;

/// Streams whose versions the writer keeps between groups (a few MiB at most); past this
/// it forgets them all and reads them again from the engine.
const VERSIONS_KEPT: usize = 65_536;

/// Records read at a time while catching the written head up with the engine's.
const REFRESH_BATCH: usize = 4096;

/// Why the engine did not take a planned group.
enum Refused {
    /// A stream's version is not what the plan saw: the engine's.
    Version(u64),
    /// Another process appended since the plan: read the head again and plan anew.
    HeadMoved,
    Failed(Failure),
}

/// A failure every job of the group is answered with.
enum Failure {
    Fatal,
    Unavailable(String),
}

impl Failure {
    fn again(&self) -> AppendError {
        match self {
            Self::Fatal => AppendError::Fatal,
            Self::Unavailable(reason) => {
                AppendError::Store(StoreError::Unavailable(reason.clone()))
            }
        }
    }
}

fn unavailable(error: &StoreError) -> AppendError {
    AppendError::Store(StoreError::Unavailable(error.to_string()))
}

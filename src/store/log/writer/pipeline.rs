//! The writer on an engine that [pipelines](crate::store::engine::EventStore::pipelines): while
//! one group commits, the jobs queued meanwhile are planned, sealed and chained after it and
//! started as the next group, so the engine has the next statement when the current one
//! commits, if it is not much smaller than the current one ([`SMALLEST_SHARE`]). At most two
//! groups are under way: the writer waits for the first (and answers its jobs) before it
//! plans a third.
//!
//! The next group is planned on what the current one will leave (head, streams' versions,
//! stream keys, idempotency entries: [`Overlay`]) and names the current one's last record,
//! which the engine checks: the next group commits only if the current one did. Nothing is
//! answered before its own group committed. When the current group fails, the writer waits
//! for the next one too: had it committed, its predecessor had (the check), and both stand;
//! otherwise the failed group meets its failure as it would without a pipeline (planned anew
//! after a moved head, each job alone after a stale version, `Unavailable` when the outcome
//! is unknown) and the next group is planned anew after it.

use std::sync::mpsc;

use super::plan::{KeyEffect, Overlay, Pending, Step};
use super::{Job, Writer};
use crate::store::engine::{Committing, StoreError};
use crate::store::log::{AppendError, AppendOutcome, LogHead};

/// A group is started while another commits only if it holds at least `1 / SMALLEST_SHARE`
/// as many jobs; a smaller one waits for the current group and takes the jobs queued
/// meanwhile. Every group costs a statement and a commit: with few writers, each waiting for
/// its append, starting every job that comes along at once splits one group's worth of jobs
/// into a large group and a small one (measured: a quarter fewer appends per second at 64
/// writers, see benches/README.md).
const SMALLEST_SHARE: usize = 2;

/// A started group whose outcome is not known yet.
pub(super) struct InFlight {
    group: Vec<Job>,
    /// Each job's result once the group has committed.
    results: Vec<Result<AppendOutcome, AppendError>>,
    committing: Box<dyn Committing>,
    /// Whether the group writes anything (else its commit proves nothing of its
    /// predecessor's).
    writes: bool,
    /// The written head once it commits.
    head: LogHead,
    /// The group's last record, which a group planned after it names.
    last: Option<Vec<u8>>,
    /// What it leaves for the group planned after it.
    overlay: Overlay,
    effects: Vec<KeyEffect>,
}

impl Writer {
    /// [`Writer::run`] on an engine that pipelines.
    pub(super) fn run_pipelined(mut self, queue: &mpsc::Receiver<Job>) {
        let mut flying: Option<InFlight> = None;
        loop {
            let first = if flying.is_some() {
                match queue.try_recv() {
                    Ok(job) => job,
                    Err(stop) => {
                        if let Some(current) = flying.take() {
                            self.land(current, None);
                        }
                        if stop == mpsc::TryRecvError::Disconnected {
                            break;
                        }
                        continue;
                    }
                }
            } else {
                match queue.recv() {
                    Ok(job) => job,
                    Err(_) => break,
                }
            };
            let mut group = self.gather(first, queue);
            if flying
                .as_ref()
                .is_some_and(|current| group.len() * SMALLEST_SHARE < current.group.len())
            {
                // Too small to be worth a commit of its own: the jobs now waiting for the
                // current group come back while it commits, and join this one.
                if let Some(current) = flying.take() {
                    self.land(current, None);
                }
                while group.len() < self.options.max_group.max(1) {
                    match queue.try_recv() {
                        Ok(job) => group.push(job),
                        Err(_) => break,
                    }
                }
            }
            let next = self.start(group, flying.as_ref());
            flying = match flying.take() {
                Some(current) => self.land(current, Some(next)),
                None => Some(next),
            };
        }
    }

    /// Plans `group` after `current` (the group under way, if any) and starts it.
    fn start(&mut self, group: Vec<Job>, current: Option<&InFlight>) -> InFlight {
        let base = current.map_or(self.written, |current| current.head);
        let mut flight = InFlight {
            results: Vec::new(),
            committing: Box::new(Ok(())),
            writes: false,
            head: base,
            last: None,
            overlay: Overlay::default(),
            effects: Vec::new(),
            group,
        };
        let failed = |flight: &InFlight,
                      error: &dyn Fn() -> AppendError|
         -> Vec<Result<AppendOutcome, AppendError>> {
            flight.group.iter().map(|_| Err(error())).collect()
        };
        if self.failed {
            flight.results = failed(&flight, &|| AppendError::Fatal);
            return flight;
        }
        if current.is_none() {
            if let Err(error) = self.refresh_if_stale() {
                flight.results = failed(&flight, &|| super::unavailable(&error));
                return flight;
            }
        }
        let overlay = current.map(|current| current.overlay.clone());
        let planned_versions = overlay
            .as_ref()
            .map(|overlay| overlay.versions.clone())
            .unwrap_or_default();
        let known = match self.group_state(&flight.group, &planned_versions) {
            Ok(known) => known,
            Err(error) => {
                self.stale = true;
                flight.results = failed(&flight, &|| super::unavailable(&error));
                return flight;
            }
        };
        let mut pending = Pending::knowing(self.store.as_ref(), &self.keys, base, known, true)
            .after(overlay.unwrap_or_default());
        let mut batches = Vec::new();
        for job in &flight.group {
            flight.results.push(match pending.plan(&job.request) {
                Ok(Step::Replayed(outcome)) => Ok(outcome),
                Ok(Step::Write(plan)) => {
                    batches.push(plan.batch);
                    flight.effects.push(plan.effect);
                    Ok(plan.outcome)
                }
                Err(error) => Err(error),
            });
        }
        flight.head = pending.head;
        flight.overlay = pending.take_overlay();
        flight.last = batches
            .last()
            .and_then(|batch| batch.records.last())
            .map(|record| record.bytes.clone());
        flight.writes = !batches.is_empty();
        if flight.writes {
            let after = current.and_then(|current| current.last.clone());
            flight.committing = self.store.start_group(batches, after);
        }
        flight
    }

    /// Waits for `current` and answers its jobs; `next` (started after it) is returned while
    /// it is still under way, or answered here too when `current` failed.
    fn land(&mut self, mut current: InFlight, next: Option<InFlight>) -> Option<InFlight> {
        let committing = std::mem::replace(&mut current.committing, Box::new(Ok(())));
        let error = match committing.wait() {
            Ok(()) => {
                self.accept(current);
                return next;
            }
            Err(error) => error,
        };
        let Some(mut next) = next else {
            self.reject(current, error);
            return None;
        };
        let committing = std::mem::replace(&mut next.committing, Box::new(Ok(())));
        match committing.wait() {
            // The engine took the next group only after `current`'s last record: so
            // `current` committed (its outcome was unknown to this process).
            Ok(()) if next.writes => {
                self.accept(current);
                self.accept(next);
            }
            // Planned after a group that did not commit: planned again after it.
            Ok(()) => {
                self.reject(current, error);
                self.reject(next, StoreError::PositionMismatch(0));
            }
            Err(next_error) => {
                self.reject(current, error);
                self.reject(next, next_error);
            }
        }
        None
    }

    /// A group that committed: it is the written head, the keyring and the streams' versions
    /// learn what it did, and its jobs are answered.
    fn accept(&mut self, flight: InFlight) {
        if flight.writes {
            self.written = flight.head;
        }
        self.remember_versions(flight.overlay.versions);
        for effect in flight.effects {
            match effect {
                KeyEffect::None => {}
                KeyEffect::Remember(stream, key) => self.keys.remember(&stream, key),
                KeyEffect::Forget(stream) => self.keys.forget(&stream),
            }
        }
        self.answer(flight.group, flight.results);
    }

    /// A group the engine did not take: its jobs meet `error` as without a pipeline.
    fn reject(&mut self, flight: InFlight, error: StoreError) {
        if self.failed {
            let results = flight
                .group
                .iter()
                .map(|_| Err(AppendError::Fatal))
                .collect();
            return self.answer(flight.group, results);
        }
        let results = match error {
            StoreError::PositionMismatch(_) => {
                self.stale = true;
                self.write_group(&flight.group)
            }
            // The engine disagrees with the plan: let each job meet it on its own.
            StoreError::WrongVersion { .. } => {
                self.versions.clear();
                flight
                    .group
                    .iter()
                    .map(|job| self.write_one(&job.request))
                    .collect()
            }
            StoreError::Unavailable(reason) => {
                // The outcome is unknown: the next plan starts from the engine's head.
                self.stale = true;
                flight
                    .group
                    .iter()
                    .map(|_| Err(AppendError::Store(StoreError::Unavailable(reason.clone()))))
                    .collect()
            }
            error => {
                // The engine's state is unknown after a failed transaction: stop here.
                self.fail(&error);
                flight
                    .group
                    .iter()
                    .map(|_| Err(AppendError::Fatal))
                    .collect()
            }
        };
        self.answer(flight.group, results);
    }
}

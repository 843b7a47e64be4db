//! [`AccessRecorder`]: access entries recorded at the same moment share their appends.
//!
//! A case read must not be answered before its entry is durable, and under load many reads
//! wait for that at once. Each one appending its own event made every read pay for a sealed,
//! chained record and its index entries. Instead, entries queue here; one task appends what
//! has queued (one event per stream: `access_recorded` for a lone entry, else
//! `access_batch_recorded` holding all of them, each with its own user and time), waits until
//! it is durable, answers every caller whose entry it held, and goes on with what queued up
//! meanwhile. A lone read waits for nothing but its own append; entries that arrive together
//! share one.
//!
//! Nobody is answered before the append holding their entry is durable, and an entry whose
//! append failed is answered with the failure, so the read it records is refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::access_log::{AccessEntry, AccessLogError, single, stream_of};
use crate::domain::access::AccessPii;
use crate::domain::access::{AccessBatchEntry, AccessBatchFacts, AccessBatchPii, AccessEvent};
use crate::domain::codec::EventCodec;
use crate::store::log::{AppendRequest, EventLog, ExpectedVersion};
use crate::store::stream::StreamId;

/// The most entries one `access_batch_recorded` event holds (about 150 bytes each); more that
/// queued up for one stream become several events of one append.
const MAX_BATCH: usize = 256;

/// Records access entries durably, sharing appends among the entries that arrive together.
/// One per log; cheap to share (`Arc`).
#[derive(Debug)]
pub struct AccessRecorder {
    log: EventLog,
    queue: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// A task is appending and will take what queues up.
    flushing: bool,
}

#[derive(Debug)]
struct Waiting {
    entry: AccessEntry,
    /// The outcome of the append that held the entry (an error's text: never personal data).
    done: oneshot::Sender<Result<(), String>>,
}

impl AccessRecorder {
    pub fn new(log: EventLog) -> Self {
        Self {
            log,
            queue: Mutex::new(Queue::default()),
        }
    }

    /// Record an entry; resolves once it is durable.
    pub async fn record(self: &Arc<Self>, entry: AccessEntry) -> Result<(), AccessLogError> {
        let (done, answer) = oneshot::channel();
        let start = {
            let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            queue.waiting.push(Waiting { entry, done });
            !std::mem::replace(&mut queue.flushing, true)
        };
        if start {
            tokio::spawn(Arc::clone(self).flush());
        }
        match answer.await {
            Ok(outcome) => outcome.map_err(AccessLogError::Shared),
            Err(_) => Err(AccessLogError::Shared(
                "the access recorder stopped before the entry was durable".into(),
            )),
        }
    }

    /// Entries waiting for the next append (for tests).
    #[doc(hidden)]
    pub fn queued(&self) -> usize {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .waiting
            .len()
    }

    /// Appends what has queued, answers, and goes on until the queue is empty.
    async fn flush(self: Arc<Self>) {
        loop {
            let waiting = {
                let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
                if queue.waiting.is_empty() {
                    queue.flushing = false;
                    return;
                }
                std::mem::take(&mut queue.waiting)
            };
            // Every stream's append is submitted before any is awaited, so they all join the
            // log's next group commit.
            let appends: Vec<_> = by_stream(waiting)
                .into_iter()
                .map(|(stream, group)| {
                    let entries: Vec<AccessEntry> =
                        group.iter().map(|waiting| waiting.entry.clone()).collect();
                    let append = request(stream, entries).map(|request| self.log.append(request));
                    (append, group)
                })
                .collect();
            for (append, group) in appends {
                let outcome = match append {
                    Ok(append) => append.await.map(|_| ()).map_err(|e| e.to_string()),
                    Err(error) => Err(error.to_string()),
                };
                for waiting in group {
                    // A caller that stopped waiting is not an error: the entry stands.
                    let _ = waiting.done.send(outcome.clone());
                }
            }
        }
    }
}

/// Entries grouped by stream, each group in order of arrival.
fn by_stream(waiting: Vec<Waiting>) -> Vec<(StreamId, Vec<Waiting>)> {
    let mut groups: Vec<(StreamId, Vec<Waiting>)> = Vec::new();
    let mut index: HashMap<StreamId, usize> = HashMap::new();
    for waiting in waiting {
        let stream = stream_of(&waiting.entry);
        match index.get(&stream) {
            Some(&at) => {
                if let Some((_, group)) = groups.get_mut(at) {
                    group.push(waiting);
                }
            }
            None => {
                index.insert(stream.clone(), groups.len());
                groups.push((stream, vec![waiting]));
            }
        }
    }
    groups
}

/// One append recording `entries` (all for `stream`, at least one).
fn request(
    stream: StreamId,
    mut entries: Vec<AccessEntry>,
) -> Result<AppendRequest, AccessLogError> {
    if entries.len() == 1 {
        if let Some(entry) = entries.pop() {
            return single(entry);
        }
    }
    let recorded_at = entries
        .iter()
        .map(|entry| entry.at)
        .max()
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let events = entries
        .chunks(MAX_BATCH)
        .map(|chunk| {
            let facts = AccessBatchFacts {
                entries: chunk
                    .iter()
                    .map(|entry| AccessBatchEntry {
                        at_ms: millis(entry.at),
                        user: entry.actor,
                        action: entry.action,
                        case: entry.case,
                    })
                    .collect(),
            };
            let pii = AccessBatchPii {
                entries: chunk
                    .iter()
                    .map(|entry| AccessPii {
                        from: entry.from.clone(),
                        username: entry.username.clone(),
                    })
                    .collect(),
            };
            AccessEvent::BatchRecorded {
                facts,
                pii: Some(pii),
            }
            .encode()
            .map_err(|error| AccessLogError::Codec(error.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AppendRequest {
        stream,
        expected: ExpectedVersion::Any,
        events,
        idempotency: None,
        // Each entry names its own user.
        actor: None,
        recorded_at,
        erase: false,
    })
}

fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

/// The time of an entry's `at_ms`.
pub(super) fn time_of(at_ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

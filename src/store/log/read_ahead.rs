//! Reading ahead: a [`ReadAhead`] hands out the log's durable events in order, in chunks of up
//! to [`RANGE`] events, while a pool of reading threads (one per core) reads, decrypts and, if
//! asked, decodes the chunks after it. A replay so keeps every core busy: each thread takes
//! the next range of positions as soon as it is done with one, with no batch to wait for at
//! the end, and the caller puts the chunks back in order.
//!
//! Decrypted events wait in memory only, and only so far ahead: the threads take no range more
//! than about two `limit`s of events beyond the chunk the caller was last handed.

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use crate::store::engine::StoreError;
use crate::store::keyring::WrappedKeys;
use crate::store::log::read::{MAX_THREADS, PiiWanted, RANGE, all_pii};
use crate::store::log::{EventLog, ReadError, RecordedEvent};

/// Events from a position to the durable head, in order, in chunks of up to [`RANGE`].
///
/// Ends at the durable head as the reading threads found it (after the first range they read
/// short) or after handing out an error. Dropping it stops the threads once the ranges they
/// are reading are done. A panic on a reading thread is raised again in the caller.
pub struct ReadAhead<T = RecordedEvent> {
    shared: Arc<Shared>,
    read: mpsc::Receiver<(u64, ChunkRead<T>)>,
    /// Chunks read before the ones ahead of them, by range.
    waiting: BTreeMap<u64, ChunkRead<T>>,
    /// The range to hand out next.
    next: u64,
    done: bool,
}

impl<T> std::fmt::Debug for ReadAhead<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadAhead")
            .field("next", &self.next)
            .field("waiting", &self.waiting.len())
            .field("done", &self.done)
            .finish()
    }
}

/// One range as a reading thread left it.
type ChunkRead<T> = Result<Result<Chunk<T>, ReadError>, Box<dyn Any + Send>>;

struct Chunk<T> {
    events: Vec<T>,
    /// Every position of the range was there: the log goes on after it.
    full: bool,
}

/// What the reading threads and the caller share.
struct Shared {
    state: Mutex<Claims>,
    /// Signalled when the caller takes a chunk, a range turns out to be the last, or the
    /// caller stops.
    changed: Condvar,
}

struct Claims {
    /// The next range a thread may take.
    next: u64,
    /// Ranges below this one were handed to the caller.
    handed_out: u64,
    /// How many ranges may be taken beyond `handed_out`.
    window: u64,
    /// The last range to take: the first read short (or failed), or the caller's bound.
    last: Option<u64>,
    stopped: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Claims> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next range to read, waiting while the caller is a window behind; `None` when
    /// there is nothing more to read.
    fn claim(&self) -> Option<u64> {
        let mut claims = self.lock();
        loop {
            if claims.stopped || claims.last.is_some_and(|last| claims.next > last) {
                return None;
            }
            if claims.next < claims.handed_out.saturating_add(claims.window) {
                let range = claims.next;
                claims.next += 1;
                return Some(range);
            }
            claims = self
                .changed
                .wait(claims)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn update(&self, change: impl FnOnce(&mut Claims)) {
        change(&mut self.lock());
        self.changed.notify_all();
    }
}

impl EventLog {
    /// Every durable event from `position` on, read, decrypted and handed out in order by
    /// reading threads that keep up to about `2 * limit` events ahead of the caller.
    pub fn read_ahead(&self, position: u64, limit: usize) -> ReadAhead {
        self.read_ahead_mapped(position, limit, all_pii, |event| event)
    }

    /// [`EventLog::read_ahead`], decrypting only the personal parts `wanted` names, each event
    /// turned into a `T` by `map` on the reading threads (a decoded domain event, say): that
    /// work is shared between the cores too, and each decrypted buffer is freed as soon as it
    /// is mapped.
    pub fn read_ahead_mapped<T, F>(
        &self,
        position: u64,
        limit: usize,
        wanted: PiiWanted,
        map: F,
    ) -> ReadAhead<T>
    where
        T: Send + 'static,
        F: Fn(RecordedEvent) -> T + Send + Sync + 'static,
    {
        self.read_ranges(position, window_for(limit), None, wanted, None, map)
    }

    /// [`EventLog::read_ahead_mapped`] from the first event, for a replay of the whole log
    /// that nothing appends to meanwhile (a rebuild, a server's start before it listens).
    ///
    /// The key tree is read in one pass first ([`WrappedKeys`]), and each stream's key is
    /// taken from that scan rather than looked up in the store one case at a time. The scan
    /// is dropped with the returned [`ReadAhead`].
    pub fn replay_mapped<T, F>(
        &self,
        limit: usize,
        wanted: PiiWanted,
        map: F,
    ) -> Result<ReadAhead<T>, ReadError>
    where
        T: Send + 'static,
        F: Fn(RecordedEvent) -> T + Send + Sync + 'static,
    {
        let scanned = Arc::new(WrappedKeys::read(self.inner.store.as_ref())?);
        Ok(self.read_ranges(1, window_for(limit), None, wanted, Some(scanned), map))
    }

    /// The reading threads behind [`EventLog::read_ahead_mapped`] and a large
    /// [`EventLog::read_from`]: ranges of [`RANGE`] positions from `position`, at most `window`
    /// of them beyond the chunk last handed out, and none after range number `last` if given;
    /// stream keys from `scanned` where it has them.
    pub(super) fn read_ranges<T, F>(
        &self,
        position: u64,
        window: usize,
        last: Option<u64>,
        wanted: PiiWanted,
        scanned: Option<Arc<WrappedKeys>>,
        map: F,
    ) -> ReadAhead<T>
    where
        T: Send + 'static,
        F: Fn(RecordedEvent) -> T + Send + Sync + 'static,
    {
        let position = position.max(1);
        let shared = Arc::new(Shared {
            state: Mutex::new(Claims {
                next: 0,
                handed_out: 0,
                window: u64::try_from(window).unwrap_or(u64::MAX),
                last,
                stopped: false,
            }),
            changed: Condvar::new(),
        });
        let (sender, read) = mpsc::channel();
        let map = Arc::new(map);
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS);
        let mut started = 0;
        let mut spawn_error = None;
        for _ in 0..threads {
            let reader = Reader {
                log: self.clone(),
                shared: Arc::clone(&shared),
                sender: sender.clone(),
                map: Arc::clone(&map),
                position,
                wanted,
                scanned: scanned.clone(),
            };
            match std::thread::Builder::new()
                .name("tincay-read-ahead".into())
                .spawn(move || reader.run())
            {
                Ok(_) => started += 1,
                Err(error) => spawn_error = Some(error),
            }
        }
        if started == 0 {
            let error = spawn_error.unwrap_or_else(|| std::io::Error::other("no reading thread"));
            let _ = sender.send((0, Ok(Err(ReadError::Store(StoreError::Io(error))))));
        }
        ReadAhead {
            shared,
            read,
            waiting: BTreeMap::new(),
            next: 0,
            done: false,
        }
    }
}

/// The ranges a read-ahead may take beyond the chunk last handed out: about two `limit`s of
/// events.
fn window_for(limit: usize) -> usize {
    2 * limit.div_ceil(RANGE).max(1)
}

/// One reading thread.
struct Reader<T, F> {
    log: EventLog,
    shared: Arc<Shared>,
    sender: mpsc::Sender<(u64, ChunkRead<T>)>,
    map: Arc<F>,
    position: u64,
    wanted: PiiWanted,
    scanned: Option<Arc<WrappedKeys>>,
}

impl<T, F> Reader<T, F>
where
    T: Send,
    F: Fn(RecordedEvent) -> T + Send + Sync,
{
    fn run(self) {
        while let Some(range) = self.shared.claim() {
            let start = self
                .position
                .saturating_add(range.saturating_mul(RANGE as u64));
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mapped = self.log.read_range(
                    start,
                    RANGE,
                    self.wanted,
                    self.scanned.as_deref(),
                    self.map.as_ref(),
                )?;
                let full = mapped.events.len() == RANGE
                    && mapped.last == Some(start.saturating_add(RANGE as u64 - 1));
                Ok(Chunk {
                    events: mapped.events,
                    full,
                })
            }));
            let ends = !matches!(&read, Ok(Ok(chunk)) if chunk.full);
            if ends {
                self.shared.update(|claims| {
                    claims.last = Some(claims.last.map_or(range, |last| last.min(range)));
                });
            }
            if self.sender.send((range, read)).is_err() {
                return;
            }
        }
    }
}

impl<T> Iterator for ReadAhead<T> {
    type Item = Result<Vec<T>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let read = loop {
            if let Some(read) = self.waiting.remove(&self.next) {
                break read;
            }
            match self.read.recv() {
                Ok((range, read)) => {
                    self.waiting.insert(range, read);
                }
                // Every thread is gone without reading this range: nothing more to read.
                Err(_) => {
                    self.done = true;
                    return None;
                }
            }
        };
        self.next += 1;
        let handed_out = self.next;
        self.shared
            .update(|claims| claims.handed_out = claims.handed_out.max(handed_out));
        match read {
            Err(panic) => {
                self.stop();
                std::panic::resume_unwind(panic)
            }
            Ok(Err(error)) => {
                self.stop();
                Some(Err(error))
            }
            Ok(Ok(chunk)) => {
                if !chunk.full {
                    self.stop();
                }
                if chunk.events.is_empty() {
                    None
                } else {
                    Some(Ok(chunk.events))
                }
            }
        }
    }
}

impl<T> ReadAhead<T> {
    fn stop(&mut self) {
        self.done = true;
        self.waiting.clear();
        self.shared.update(|claims| claims.stopped = true);
    }
}

impl<T> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        self.shared.update(|claims| claims.stopped = true);
    }
}

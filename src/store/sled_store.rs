//! The embedded storage engine: [`EventStore`] on sled 0.34.7.
//!
//! Owns the sled database in the data directory: its trees (whose names and layouts, in
//! [`layout`], must never change), the last appended position, and the durable head published
//! to subscribers. Forcing data to disk after sled's flush, and stopping for good when that
//! fails, is [`crate::store::durability`]'s job.
//!
//! - [`layout`]: tree names, key and value encodings. DO NOT CHANGE.
//! - `apply`: a group's inserts, checked, in the order that makes a crash's leftovers
//!   recognisable.
//! - `blocks`: records packed eight to a tree entry as an append completes them, and reads
//!   that find a position in its block or in `records`.
//! - `epochs`: staging and activating key epochs (master key rotation).
//! - [`prefetch`]: asking the OS to read sled's file ahead of a command that reads it all.
//! - `tamper`: raw access to stored records, for tamper tests only (`#[doc(hidden)]`).
//! - [`wal`]: the write-ahead log in front of sled (data format 4): one frame and ONE
//!   `fdatasync` per group commit is the acknowledgement; sled is forced to disk lazily, at
//!   checkpoints, and the log's tail is written into sled again as the store opens after a
//!   crash.
//!
//! # Concurrency
//!
//! The caller serialises appends; the store does too (`append_gate`) and checks the stream
//! versions and the position again before it writes. A group of appends is written with plain
//! inserts in an order that lets the store recognise, and complete from the write-ahead log,
//! a group a crash cut short (`apply`); sled's transactions would write sled's I/O buffer to
//! disk once per group beside the log's `fdatasync`. Appends
//! hold the active key epoch shared; activation holds it exclusively. Key rotation must keep
//! appends out between [`EventStore::stage_keys`] and [`EventStore::activate_key_epoch`]: a
//! key created or destroyed in that window changes the old epoch only. Activation refuses a
//! staged set that lacks a key of the active one or would bring a destroyed key back, but it
//! cannot tell a stale wrapped key.

mod apply;
mod blocks;
mod epochs;
pub mod layout;
pub mod prefetch;
mod tamper;
pub mod wal;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};

use sled::Tree;
use tokio::sync::watch;

use crate::store::durability::{Durability, FsyncFault, SyncObserver};
use crate::store::engine::{
    AppendBatch, EventStore, KeyChange, KeyId, KeyState, StoreError, StoredRecord,
};
use crate::store::file_modes;
use crate::store::stream::StreamId;
use apply::Mode;
use layout::KEY_EPOCH;
use wal::Wal;

/// sled 0.34's one data file in the store's directory: every tree, as a log of page fragments.
/// Its presence is what tells a data directory from any other.
pub const DATA_FILE: &str = "db";

/// How to open a [`SledStore`].
#[derive(Clone)]
pub struct SledOptions {
    /// sled's page cache, in bytes: an upper bound, filled as pages are read. A replay reads
    /// the log front to back, so it runs from memory only while the whole log fits; a log
    /// even a little larger than the cache is read from the files on every replay, about
    /// twice as slowly. See [`SledOptions::DEFAULT_CACHE_CAPACITY`].
    pub cache_capacity: u64,
    /// Ask the OS to read the data file into its page cache as the store opens, before sled
    /// reads its snapshot ([`prefetch`]): for a command about to read the whole log once.
    pub prefetch: bool,
    /// Told every step of every sync (tests, metrics).
    pub observer: Option<Arc<dyn SyncObserver>>,
    /// Test hook: makes the next fsync fail.
    pub fsync_fault: Option<FsyncFault>,
}

impl SledOptions {
    /// 1 GiB: room for a log of about a million case events (about 500 bytes each as
    /// stored, nearly twice that in sled's pages; `benches/log`). Memory is only taken as the
    /// log is read, so a smaller log costs less; lower it on machines with little memory, and
    /// raise it for larger logs.
    pub const DEFAULT_CACHE_CAPACITY: u64 = 1024 * 1024 * 1024;

    /// 128 MiB: for a command that reads the log once, front to back (an offline `backup`;
    /// `rebuild` and `verify` until they took their keys from a scan), or writes it once (a
    /// restore), where a page is not read again and a larger cache only costs memory. On a
    /// million events, in about the same time: a rebuild peaked at about 1.36 GiB with the
    /// default cache and 730 MiB with this one, `verify` at 815 and 325 MiB, `backup` at 800
    /// and 365 MiB (`benches/projections`, README).
    pub const ONE_PASS_CACHE_CAPACITY: u64 = 128 * 1024 * 1024;

    /// Options for a command that reads the log once: [`Self::ONE_PASS_CACHE_CAPACITY`], and
    /// the data file read ahead ([`prefetch`]).
    pub fn one_pass() -> Self {
        Self::default()
            .cache_capacity(Self::ONE_PASS_CACHE_CAPACITY)
            .prefetch(true)
    }

    /// 32 MiB: for a walk of the whole log that takes the streams' keys from one scan of the
    /// key tree, `tincay rebuild` (`EventLog::replay_mapped`) and `verify` (a restore's too),
    /// so the cache serves only the log's one pass (and a rebuild's checkpoint save). On a
    /// million events, in ten alternate runs each, rebuilds were as fast at 32 MiB as at 128
    /// and peaked at about 358 MiB instead of 455; `verify`, in four alternate pairs, took 5.6
    /// to 6.3 s and peaked at 281 to 290 MiB, against 6.5 to 7.9 s and 327 to 336 MiB with
    /// 128 MiB and a lookup per key (README).
    ///
    /// Since records are stored eight to a block ([`layout`]), those commands hold more than
    /// the capacity: on a million events a rebuild peaked at 487 to 511 MiB and `verify` at
    /// about 400 MiB, the same with 4 MiB. sled 0.34 evicts a page only once one of its 256
    /// cache shards has queued 64 accesses, and a pass over blocks makes an eighth as many
    /// accesses, each to a larger page; most of a one-pass read is freed only as it ends.
    pub const REPLAY_CACHE_CAPACITY: u64 = 32 * 1024 * 1024;

    /// Options for `rebuild` and `verify`: [`Self::REPLAY_CACHE_CAPACITY`], and the data file
    /// read ahead ([`prefetch`]).
    pub fn replay() -> Self {
        Self::default()
            .cache_capacity(Self::REPLAY_CACHE_CAPACITY)
            .prefetch(true)
    }

    pub fn cache_capacity(mut self, bytes: u64) -> Self {
        self.cache_capacity = bytes;
        self
    }

    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.prefetch = prefetch;
        self
    }

    pub fn observer(mut self, observer: Arc<dyn SyncObserver>) -> Self {
        self.observer = Some(observer);
        self
    }

    pub fn fsync_fault(mut self, fault: FsyncFault) -> Self {
        self.fsync_fault = Some(fault);
        self
    }
}

impl Default for SledOptions {
    fn default() -> Self {
        Self {
            cache_capacity: Self::DEFAULT_CACHE_CAPACITY,
            prefetch: false,
            observer: None,
            fsync_fault: None,
        }
    }
}

/// The sled engine. See the module documentation.
pub struct SledStore {
    db: sled::Db,
    records: Tree,
    record_blocks: Tree,
    streams: Tree,
    heads: Tree,
    idempotency: Tree,
    meta: Tree,
    /// The active key epoch and its tree: shared by appends, exclusive for activation.
    keys: RwLock<ActiveKeys>,
    /// Held for a whole append, so that checking the position and advancing `appended`
    /// cannot interleave with another append.
    append_gate: Mutex<()>,
    /// The highest appended position, durable or not. `sync` reads it without the gate.
    appended: AtomicU64,
    /// The durable head: the highest position forced to disk.
    durable: watch::Sender<u64>,
    durability: Durability,
    /// The write-ahead log and the frames of the groups appended since its last sync.
    log: Mutex<LogState>,
    /// Groups written into sled from the write-ahead log as the store opened.
    replayed: u64,
}

struct LogState {
    /// `None` only while the store opens.
    wal: Option<Wal>,
    /// Frames not yet written to the segment, in append order.
    pending: Vec<u8>,
}

struct ActiveKeys {
    epoch: u32,
    tree: Tree,
}

impl SledStore {
    /// Opens (or creates) the store in `dir`. Everything already on disk is forced to disk
    /// and counts as durable. Another process holding `dir` gives [`StoreError::Locked`].
    pub fn open(dir: &Path, options: SledOptions) -> Result<Self, StoreError> {
        let created = !dir.exists();
        let config = sled::Config::new()
            .path(dir)
            .cache_capacity(options.cache_capacity)
            // We flush and fsync ourselves, once per group commit. sled's background flusher
            // would only add writes that are no more durable than the ones we force.
            .flush_every_ms(None)
            // sled 0.34.7 stores the mode but no code reads it. HighThroughput states the
            // intent (an append-only log) should a later version honour it.
            .mode(sled::Mode::HighThroughput);
        if options.prefetch {
            // Before sled opens, which reads its snapshot and the log's tail. Detached: it
            // ends by itself once the whole file is advised.
            let _advising = prefetch::start(dir);
        }
        // sled would create the directory with the umask's mode; it is the owner's only.
        file_modes::create_private_dir(dir)?;
        let db = open_when_released(&config)?;
        file_modes::make_private(dir)?;
        let tree = |name: &str| db.open_tree(name).map_err(engine_error);
        let (records, streams, heads) = (
            tree(layout::RECORDS)?,
            tree(layout::STREAMS)?,
            tree(layout::HEADS)?,
        );
        let (idempotency, meta) = (tree(layout::IDEMPOTENCY)?, tree(layout::META)?);
        let record_blocks = tree(layout::RECORD_BLOCKS)?;

        let epoch = match meta.get(KEY_EPOCH).map_err(engine_error)? {
            None => 0,
            Some(raw) => layout::u32_of(&raw, "meta key_epoch")?,
        };
        let keys = ActiveKeys {
            epoch,
            tree: tree(&layout::keys_tree(epoch))?,
        };
        // Older epochs survive an activation that crashed before dropping them.
        epochs::drop_key_epochs(&db, |other| other < epoch)?;
        let last = blocks::last_record(&records, &record_blocks)?.map_or(0, |last| last.position);
        let wal_dir = Wal::create_dir(dir)?;

        let durability = Durability::open(dir, options.observer, options.fsync_fault)?;
        let mut store = Self {
            db,
            records,
            record_blocks,
            streams,
            heads,
            idempotency,
            meta,
            keys: RwLock::new(keys),
            append_gate: Mutex::new(()),
            appended: AtomicU64::new(last),
            durable: watch::channel(last).0,
            durability,
            log: Mutex::new(LogState {
                wal: None,
                pending: Vec::new(),
            }),
            replayed: 0,
        };
        store.replayed = store.replay(&wal_dir)?;
        // A checkpoint: sled now holds durably everything the log's segments hold.
        store.durability.sync(&store.db)?;
        let appended = store.appended.load(Ordering::SeqCst);
        store.durable.send_replace(appended);
        store.log_state().wal = Some(Wal::restart(&wal_dir)?);
        if created {
            sync_parent(dir)?;
        }
        Ok(store)
    }

    /// Writes into sled the groups of the write-ahead log that it does not hold, or holds
    /// only part of (a crash came before its checkpoint; sled keeps a prefix of its inserts,
    /// see [`apply`]): in order, each whole, each continuing the last. How many it wrote.
    fn replay(&self, wal_dir: &Path) -> Result<u64, StoreError> {
        let mut last = self.appended.load(Ordering::SeqCst);
        let mut replayed = 0;
        for group in wal::read_all(wal_dir)? {
            if group.last <= last {
                continue;
            }
            if group.first > last.saturating_add(1) {
                return Err(StoreError::Corrupt(format!(
                    "the write-ahead log continues at position {} but the store ends at {last}",
                    group.first
                )));
            }
            let _gate = self
                .append_gate
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let written = self.write_group(&group.batches, Mode::Recover)?;
            if written != Some((group.first, group.last)) {
                return Err(StoreError::Corrupt(
                    "a group of the write-ahead log does not match its positions".into(),
                ));
            }
            last = group.last;
            self.appended.store(last, Ordering::SeqCst);
            replayed += 1;
        }
        Ok(replayed)
    }

    /// Groups written into sled from the write-ahead log as this store opened: those a crash
    /// left out of sled. For tests.
    pub fn replayed_at_open(&self) -> u64 {
        self.replayed
    }

    /// Forces sled itself to disk (its flush, then the fsyncs [`Durability`] lists):
    /// everything appended so far is then durable in sled, whatever the write-ahead log
    /// holds. Done as the store opens, when a segment is full, and with every metadata or
    /// key-epoch write.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        let target = self.appended.load(Ordering::SeqCst);
        self.durability.sync(&self.db)?;
        self.publish(target);
        Ok(())
    }

    fn publish(&self, target: u64) {
        self.durable.send_if_modified(|head| {
            let advanced = target > *head;
            if advanced {
                *head = target;
            }
            advanced
        });
    }

    /// Writes `batches` into sled ([`apply`]): checked against what it holds first for an
    /// append, as the write-ahead log has it for recovery. The caller holds the append gate.
    /// The group's first and last positions (`None` for no batch).
    fn write_group(
        &self,
        batches: &[AppendBatch],
        mode: Mode,
    ) -> Result<Option<(u64, u64)>, StoreError> {
        let plans = batches
            .iter()
            .map(Plan::of)
            .collect::<Result<Vec<_>, _>>()?;
        let (Some(first), Some(last)) = (plans.first(), plans.last()) else {
            return Ok(None);
        };
        let (first, last) = (first.first, last.last);
        // The batches follow one another: together they are one run of positions.
        for (before, after) in plans.iter().zip(plans.iter().skip(1)) {
            if Some(after.first) != before.last.checked_add(1) {
                return Err(StoreError::PositionMismatch(after.first));
            }
        }
        if mode == Mode::Append && first != self.appended.load(Ordering::SeqCst).saturating_add(1) {
            return Err(StoreError::PositionMismatch(first));
        }
        let values: Vec<&[u8]> = plans
            .iter()
            .flat_map(|plan| plan.entries.iter().map(|(value, _)| value.as_slice()))
            .collect();
        // Under the gate: the blocks' earlier records cannot change before the writes.
        let packing = blocks::Packing::plan(&self.records, first, &values)?;
        let keys = self.active_keys();
        let trees = apply::Trees {
            records: &self.records,
            record_blocks: &self.record_blocks,
            streams: &self.streams,
            heads: &self.heads,
            idempotency: &self.idempotency,
            keys: &keys.tree,
        };
        let planned: Vec<apply::Planned<'_>> = batches
            .iter()
            .zip(&plans)
            .map(|(batch, plan)| apply::Planned {
                batch,
                last_version: plan.last_version,
                entries: &plan.entries,
            })
            .collect();
        if mode == Mode::Append {
            trees.check(first, &planned)?;
        }
        // An I/O error leaves part of the group in sled: stop writing (the write-ahead log
        // puts sled right at the next open, and the group was never acknowledged).
        trees
            .write(&planned, &packing)
            .map_err(|error| match error {
                StoreError::Io(e) => self.durability.poison(e),
                other => other,
            })?;
        Ok(Some((first, last)))
    }

    fn log_state(&self) -> std::sync::MutexGuard<'_, LogState> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The durability step: sync and fsync counters, poisoned or not.
    pub fn durability(&self) -> &Durability {
        &self.durability
    }

    fn active_keys(&self) -> RwLockReadGuard<'_, ActiveKeys> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A storage error from a write: sled's state is in doubt, so stop writing.
    fn write_failed(&self, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Io(e) => self.durability.poison(e),
            other => engine_error(other),
        }
    }
}

impl EventStore for SledStore {
    fn append_group(&self, batches: &[AppendBatch]) -> Result<(), StoreError> {
        self.durability.check()?;
        let _gate = self
            .append_gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some((first, last)) = self.write_group(batches, Mode::Append)? else {
            return Ok(());
        };
        // Under the gate: frames are in the order of their positions.
        let mut encoded = Vec::new();
        wal::group::encode(first, last, batches, &mut encoded);
        wal::frame(&encoded, &mut self.log_state().pending);
        self.appended.store(last, Ordering::SeqCst);
        Ok(())
    }

    fn sync(&self) -> Result<(), StoreError> {
        self.durability.check()?;
        let mut log = self.log_state();
        // Read under the log's lock: every group appended up to here has its frame pending.
        let target = self.appended.load(Ordering::SeqCst);
        let LogState { wal, pending } = &mut *log;
        if !pending.is_empty() {
            let wal = wal
                .as_mut()
                .ok_or_else(|| engine("the write-ahead log is not open"))?;
            if !wal.fits(pending.len()) {
                // sled holds everything the full segment holds once it is checkpointed.
                self.durability.sync(&self.db)?;
                wal.roll().map_err(|e| self.durability.poison(e))?;
            }
            wal.write(pending).map_err(|e| self.durability.poison(e))?;
            self.durability.log_written(wal.file())?;
            pending.clear();
        }
        drop(log);
        self.publish(target);
        Ok(())
    }

    fn last_record(&self) -> Result<Option<StoredRecord>, StoreError> {
        blocks::last_record(&self.records, &self.record_blocks)
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        match self.heads.get(stream.as_str()).map_err(engine_error)? {
            None => Ok(0),
            Some(raw) => layout::u64_of(&raw, "stream head"),
        }
    }

    fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let head = *self.durable.borrow();
        let from = layout::stream_key(stream, from_version.max(1));
        let to = layout::stream_key(stream, u64::MAX);
        let mut out = Vec::new();
        for entry in self.streams.range(from..=to) {
            let (_, position) = entry.map_err(engine_error)?;
            let position = layout::u64_of(&position, "stream index")?;
            if position > head {
                break;
            }
            let record = blocks::record_at(&self.records, &self.record_blocks, position)?;
            out.push(record.ok_or_else(|| StoreError::Corrupt("indexed record is gone".into()))?);
        }
        Ok(out)
    }

    fn read_from(&self, position: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        let head = *self.durable.borrow();
        let start = position.max(1);
        if limit == 0 || start > head {
            return Ok(Vec::new());
        }
        blocks::read_from(&self.records, &self.record_blocks, start, head, limit)
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    fn idempotency(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        let value = self.idempotency.get(key).map_err(engine_error)?;
        Ok(value.map(|v| v.to_vec()))
    }

    fn for_each_idempotency(
        &self,
        each: &mut crate::store::engine::IdempotencyVisitor<'_>,
    ) -> Result<(), StoreError> {
        for entry in self.idempotency.iter() {
            let (key, value) = entry.map_err(engine_error)?;
            let key = <[u8; 32]>::try_from(key.as_ref())
                .map_err(|_| StoreError::Corrupt("idempotency key: expected 32 bytes".into()))?;
            each(&key, &value)?;
        }
        Ok(())
    }

    fn key(&self, id: &KeyId) -> Result<KeyState, StoreError> {
        let value = self.active_keys().tree.get(id.as_str());
        Ok(layout::key_state(value.map_err(engine_error)?))
    }

    fn keys(&self) -> Result<Vec<(KeyId, KeyState)>, StoreError> {
        let keys = self.active_keys();
        keys.tree
            .iter()
            .map(|entry| {
                let (id, value) = entry.map_err(engine_error)?;
                let id = std::str::from_utf8(&id)
                    .map_err(|_| StoreError::Corrupt("a key id is not UTF-8".into()))?;
                Ok((KeyId::from_stored(id), layout::key_state(Some(value))))
            })
            .collect()
    }

    fn key_epoch(&self) -> Result<u32, StoreError> {
        Ok(self.active_keys().epoch)
    }

    fn stage_keys(&self, epoch: u32, keys: Vec<(KeyId, KeyState)>) -> Result<(), StoreError> {
        self.stage_epoch(epoch, keys)
    }

    fn activate_key_epoch(&self, epoch: u32) -> Result<(), StoreError> {
        self.activate_epoch(epoch)
    }

    fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let value = self.meta.get(name).map_err(engine_error)?;
        Ok(value.map(|v| v.to_vec()))
    }

    fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError> {
        self.durability.check()?;
        if name == KEY_EPOCH {
            return Err(engine(
                "`key_epoch` is written only by key epoch activation",
            ));
        }
        self.meta
            .insert(name, value)
            .map_err(|e| self.write_failed(e))?;
        self.checkpoint()
    }
}

/// What an append writes, checked and encoded before anything is written.
struct Plan {
    first: u64,
    last: u64,
    last_version: u64,
    /// The `records` value and the `streams` key of each record, in order.
    entries: Vec<(Vec<u8>, Vec<u8>)>,
}

impl Plan {
    fn of(batch: &AppendBatch) -> Result<Self, StoreError> {
        let Some(first) = batch.records.first() else {
            return Err(engine("an append needs at least one record"));
        };
        let mut entries = Vec::with_capacity(batch.records.len());
        let (mut position, mut version) = (first.position, batch.expected_version);
        for (i, record) in batch.records.iter().enumerate() {
            if i > 0 && Some(record.position) != position.checked_add(1) {
                return Err(StoreError::PositionMismatch(record.position));
            }
            let next_version = version.checked_add(1);
            if record.stream != batch.stream || Some(record.stream_version) != next_version {
                return Err(engine(
                    "a batch must continue its stream's versions one by one",
                ));
            }
            (position, version) = (record.position, record.stream_version);
            entries.push((
                layout::record_value(&batch.stream, version, &record.bytes),
                layout::stream_key(&batch.stream, version),
            ));
        }
        if let Some(KeyChange::Create { wrapped, .. }) = &batch.key_change {
            layout::check_wrapped(wrapped)?;
        }
        Ok(Self {
            first: first.position,
            last: position,
            last_version: version,
            entries,
        })
    }
}

/// A directory sled just created survives a crash only once its parent's entry does.
fn sync_parent(dir: &Path) -> Result<(), StoreError> {
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)?.sync_all()?;
    Ok(())
}

fn engine(message: &str) -> StoreError {
    StoreError::Engine(message.to_owned())
}

fn engine_error(error: sled::Error) -> StoreError {
    match error {
        sled::Error::Io(e) => StoreError::Io(e),
        sled::Error::Corruption { .. } => StoreError::Corrupt(error.to_string()),
        other => StoreError::Engine(other.to_string()),
    }
}

/// How long [`open_when_released`] waits for this process's own previous handle to let go.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

/// Open, waiting briefly while the directory reads as held. sled releases its file lock only
/// when the last handle on its files is dropped, and its I/O threads drop theirs a moment
/// after they finish a write, so a directory closed and reopened in one process (a restore's
/// verification, a migration, the tests) can read as held for that moment. A directory held
/// by another process is still refused, after [`RELEASE_WAIT`].
fn open_when_released(config: &sled::Config) -> Result<sled::Db, StoreError> {
    let deadline = std::time::Instant::now() + RELEASE_WAIT;
    loop {
        match config.open().map_err(open_error) {
            Err(StoreError::Locked) if std::time::Instant::now() < deadline => {
                std::thread::yield_now();
            }
            opened => return opened,
        }
    }
}

/// sled 0.34.7 reports a held directory only as an `Other` I/O error with this message
/// (`Config::try_lock`: fs2's `flock(LOCK_EX | LOCK_NB)` on `db` failed).
fn open_error(error: sled::Error) -> StoreError {
    match error {
        sled::Error::Io(e)
            if e.kind() == std::io::ErrorKind::Other
                && e.to_string().starts_with("could not acquire lock") =>
        {
            StoreError::Locked
        }
        other => engine_error(other),
    }
}

impl std::fmt::Debug for SledOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledOptions")
            .field("cache_capacity", &self.cache_capacity)
            .field("prefetch", &self.prefetch)
            .field("observer", &self.observer.is_some())
            .field("fsync_fault", &self.fsync_fault)
            .finish()
    }
}

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore")
            .field("appended", &self.appended.load(Ordering::SeqCst))
            .field("durable", &*self.durable.borrow())
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

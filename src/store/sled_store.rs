//! The embedded storage engine: [`EventStore`] on sled 0.34.7.
//!
//! Owns the sled database in the data directory: its trees, their key layouts, the in-memory
//! last position, and the durable head published to subscribers. Durability itself (fsync
//! after sled's flush, poisoning on failure) is [`crate::store::durability`]'s job.
//!
//! # On-disk layout: DO NOT CHANGE
//!
//! Every existing data directory depends on these names and layouts byte for byte; changing
//! one needs a migration. All integers are big-endian, so byte order is numeric order.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `records` | position u64 | the sealed record bytes, exactly as given |
//! | `positions` | position u64 | stream ‖ `0x00` ‖ stream version u64 |
//! | `streams` | stream ‖ `0x00` ‖ stream version u64 | position u64 |
//! | `heads` | stream | current stream version u64 |
//! | `idempotency` | the 32-byte key | the caller's value |
//! | `keys-v{epoch}` | key id (UTF-8) | wrapped key, or the tombstone `0x00` if destroyed |
//! | `meta` | name (UTF-8) | value; `key_epoch` is the active epoch, u32 |
//!
//! `positions` is the inverse of `streams`: [`EventStore::read_from`] must return each
//! record's stream and version, and the record bytes are opaque here. Keeping them out of the
//! `records` value means a tamper test that rewrites a record changes only the record.
//! Stream ids never contain `0x00` ([`StreamId`] is lowercase ASCII), so `stream ‖ 0x00` is an
//! unambiguous prefix. Wrapped keys start with `0x01`, so the one-byte tombstone `0x00` is
//! never a key; a destroyed key stays a tombstone forever, in every later epoch.
//!
//! # Concurrency
//!
//! The caller serialises appends; the store also does (`append_gate`) and re-checks the
//! stream version and the position inside the transaction. Appends hold the active key epoch
//! shared; [`EventStore::activate_key_epoch`] holds it exclusively. Key rotation must keep
//! appends out between staging and activation: an append that creates or destroys a key in
//! that window changes the old epoch only (activation refuses a staged set that lacks a key or
//! would undo a destruction, but cannot tell a stale wrapped key).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{IVec, Transactional, Tree};
use tokio::sync::watch;

use crate::store::durability::{Durability, FsyncFault, SyncObserver};
use crate::store::engine::{
    AppendBatch, EventStore, KeyChange, KeyId, KeyState, StoreError, StoredRecord,
};
use crate::store::stream::StreamId;

const RECORDS: &str = "records";
const POSITIONS: &str = "positions";
const STREAMS: &str = "streams";
const HEADS: &str = "heads";
const IDEMPOTENCY: &str = "idempotency";
const META: &str = "meta";
const KEYS_PREFIX: &str = "keys-v";
/// The `meta` entry holding the active key epoch; written only by activation.
const KEY_EPOCH: &str = "key_epoch";
/// The value of a destroyed key. Never a valid wrapped key (those start with `0x01`).
const TOMBSTONE: &[u8] = &[0x00];
/// Separates the stream from the version in `streams` keys and `positions` values.
const SEPARATOR: u8 = 0x00;

/// How to open a [`SledStore`].
#[derive(Clone)]
pub struct SledOptions {
    /// sled's page cache, in bytes.
    pub cache_capacity: u64,
    /// Told every step of every sync (tests, metrics).
    pub observer: Option<Arc<dyn SyncObserver>>,
    /// Test hook: makes the next fsync fail.
    pub fsync_fault: Option<FsyncFault>,
}

impl SledOptions {
    pub const DEFAULT_CACHE_CAPACITY: u64 = 64 * 1024 * 1024;

    pub fn cache_capacity(mut self, bytes: u64) -> Self {
        self.cache_capacity = bytes;
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
            observer: None,
            fsync_fault: None,
        }
    }
}

impl std::fmt::Debug for SledOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledOptions")
            .field("cache_capacity", &self.cache_capacity)
            .field("observer", &self.observer.is_some())
            .field("fsync_fault", &self.fsync_fault)
            .finish()
    }
}

/// The sled engine. See the module documentation for the layout and the rules.
pub struct SledStore {
    db: sled::Db,
    records: Tree,
    positions: Tree,
    streams: Tree,
    heads: Tree,
    idempotency: Tree,
    meta: Tree,
    /// The active key epoch and its tree: shared by appends, exclusive for activation.
    keys: RwLock<ActiveKeys>,
    /// Held for a whole append, so the position check and the update of `appended` cannot
    /// interleave with another append.
    append_gate: Mutex<()>,
    /// The highest appended position, durable or not. Read by `sync` without the gate.
    appended: AtomicU64,
    /// The durable head: the highest position forced to disk.
    durable: watch::Sender<u64>,
    durability: Durability,
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
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(options.cache_capacity)
            // We flush (and fsync) ourselves, once per group commit: sled's background flusher
            // would only add writes that are no more durable than the ones we force.
            .flush_every_ms(None)
            // sled 0.34.7 stores the mode but no code reads it. HighThroughput states the
            // intent (an append-heavy log, nothing rewritten) should a later version honour it.
            .mode(sled::Mode::HighThroughput)
            .open()
            .map_err(open_error)?;
        let tree = |name: &str| db.open_tree(name).map_err(engine_error);
        let (records, positions, streams) = (tree(RECORDS)?, tree(POSITIONS)?, tree(STREAMS)?);
        let (heads, idempotency, meta) = (tree(HEADS)?, tree(IDEMPOTENCY)?, tree(META)?);

        let epoch = match meta.get(KEY_EPOCH).map_err(engine_error)? {
            None => 0,
            Some(raw) => u32::from_be_bytes(fixed(&raw, "meta key_epoch")?),
        };
        let keys = ActiveKeys {
            epoch,
            tree: tree(&keys_tree_name(epoch))?,
        };
        // Older epochs left by an activation that crashed before dropping them.
        drop_key_epochs(&db, |other| other < epoch)?;

        let last = match records.last().map_err(engine_error)? {
            None => 0,
            Some((key, _)) => position_of(&key)?,
        };
        let durability = Durability::open(dir, options.observer, options.fsync_fault)?;
        durability.sync(&db)?;
        if created {
            sync_parent(dir)?;
        }
        let (durable, _) = watch::channel(last);
        Ok(Self {
            db,
            records,
            positions,
            streams,
            heads,
            idempotency,
            meta,
            keys: RwLock::new(keys),
            append_gate: Mutex::new(()),
            appended: AtomicU64::new(last),
            durable,
            durability,
        })
    }

    /// The durability step: sync counter, fsync counter, poisoned or not.
    pub fn durability(&self) -> &Durability {
        &self.durability
    }

    /// **Tamper tests only.** The raw `records` tree (position u64 BE → record bytes), to
    /// overwrite, remove or swap stored records behind the log's back.
    #[doc(hidden)]
    pub fn tamper_records(&self) -> &Tree {
        &self.records
    }

    /// **Tamper tests only.** Overwrites the bytes stored at `position`.
    #[doc(hidden)]
    pub fn tamper_overwrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let key = position.to_be_bytes();
        self.records.insert(key, bytes).map_err(engine_error)?;
        Ok(())
    }

    /// **Tamper tests only.** Swaps the bytes stored at two positions.
    #[doc(hidden)]
    pub fn tamper_swap(&self, a: u64, b: u64) -> Result<(), StoreError> {
        let (a, b) = (a.to_be_bytes(), b.to_be_bytes());
        let missing = || StoreError::Corrupt("no record to swap".to_owned());
        let bytes_a = self
            .records
            .get(a)
            .map_err(engine_error)?
            .ok_or_else(missing)?;
        let bytes_b = self
            .records
            .get(b)
            .map_err(engine_error)?
            .ok_or_else(missing)?;
        self.records.insert(a, bytes_b).map_err(engine_error)?;
        self.records.insert(b, bytes_a).map_err(engine_error)?;
        Ok(())
    }

    /// **Tamper tests only.** Removes the record stored at `position`.
    #[doc(hidden)]
    pub fn tamper_remove(&self, position: u64) -> Result<(), StoreError> {
        self.records
            .remove(position.to_be_bytes())
            .map_err(engine_error)?;
        Ok(())
    }

    fn active_keys(&self) -> std::sync::RwLockReadGuard<'_, ActiveKeys> {
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// A storage error from a write: sled's state is in doubt, so stop writing.
    fn write_failed(&self, error: sled::Error) -> StoreError {
        match error {
            sled::Error::Io(e) => self.durability.poison(e),
            other => engine_error(other),
        }
    }

    fn record_at(
        &self,
        position: u64,
        stream: StreamId,
        version: u64,
    ) -> Result<StoredRecord, StoreError> {
        let bytes = self
            .records
            .get(position.to_be_bytes())
            .map_err(engine_error)?
            .ok_or_else(|| StoreError::Corrupt(format!("no record at position {position}")))?;
        Ok(StoredRecord {
            position,
            stream,
            stream_version: version,
            bytes: bytes.to_vec(),
        })
    }
}

impl EventStore for SledStore {
    fn append(&self, batch: AppendBatch) -> Result<(), StoreError> {
        self.durability.check()?;
        let plan = Plan::of(&batch)?;
        let _gate = self
            .append_gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let last = self.appended.load(Ordering::SeqCst);
        if plan.first != last.saturating_add(1) {
            return Err(StoreError::PositionMismatch(plan.first));
        }
        let keys = self.active_keys();
        let trees = (
            &self.records,
            &self.positions,
            &self.streams,
            &self.heads,
            &self.idempotency,
            &keys.tree,
        );
        // sled may run this closure more than once: it only reads and writes precomputed bytes.
        let outcome = trees.transaction(|(records, positions, streams, heads, idem, keys)| {
            let actual = match heads.get(batch.stream.as_str())? {
                None => 0,
                Some(raw) => u64::from_be_bytes(fixed(&raw, "heads").map_err(abort)?),
            };
            if actual != batch.expected_version {
                return Err(abort(StoreError::WrongVersion { actual }));
            }
            let follows_last = plan.first == 1 || records.get(plan.before_first())?.is_some();
            if !follows_last || records.get(plan.first.to_be_bytes())?.is_some() {
                return Err(abort(StoreError::PositionMismatch(plan.first)));
            }
            for (record, stream_key) in batch.records.iter().zip(&plan.stream_keys) {
                let position = record.position.to_be_bytes();
                records.insert(&position, record.bytes.as_slice())?;
                positions.insert(&position, stream_key.as_slice())?;
                streams.insert(stream_key.as_slice(), &position)?;
            }
            heads.insert(batch.stream.as_str(), &plan.last_version.to_be_bytes())?;
            if let Some((key, value)) = &batch.idempotency {
                if idem.get(key)?.is_some() {
                    return Err(abort(engine("idempotency key is already used")));
                }
                idem.insert(key, value.as_slice())?;
            }
            match &batch.key_change {
                None => {}
                Some(KeyChange::Create { id, wrapped }) => {
                    if keys.get(id.as_str())?.is_some() {
                        let message = format!("key {} already exists", id.as_str());
                        return Err(abort(engine(&message)));
                    }
                    keys.insert(id.as_str(), wrapped.as_slice())?;
                }
                Some(KeyChange::Destroy { id }) => {
                    keys.insert(id.as_str(), TOMBSTONE)?;
                }
            }
            Ok(())
        });
        match outcome {
            Ok(()) => {
                self.appended.store(plan.last, Ordering::SeqCst);
                Ok(())
            }
            Err(TransactionError::Abort(refusal)) => Err(refusal),
            Err(TransactionError::Storage(e)) => Err(self.write_failed(e)),
        }
    }

    fn sync(&self) -> Result<(), StoreError> {
        // Read before the flush: everything appended up to here is covered by it.
        let target = self.appended.load(Ordering::SeqCst);
        self.durability.sync(&self.db)?;
        self.durable.send_if_modified(|head| {
            let advanced = target > *head;
            if advanced {
                *head = target;
            }
            advanced
        });
        Ok(())
    }

    fn last_record(&self) -> Result<Option<StoredRecord>, StoreError> {
        let Some((key, bytes)) = self.records.last().map_err(engine_error)? else {
            return Ok(None);
        };
        let index = self.positions.get(&key).map_err(engine_error)?;
        let index =
            index.ok_or_else(|| StoreError::Corrupt("last record is not indexed".into()))?;
        let (stream, stream_version) = split_stream_key(&index)?;
        Ok(Some(StoredRecord {
            position: position_of(&key)?,
            stream,
            stream_version,
            bytes: bytes.to_vec(),
        }))
    }

    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError> {
        match self.heads.get(stream.as_str()).map_err(engine_error)? {
            None => Ok(0),
            Some(raw) => Ok(u64::from_be_bytes(fixed(&raw, "heads")?)),
        }
    }

    fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        let head = *self.durable.borrow();
        let from = stream_key(stream, from_version.max(1));
        let to = stream_key(stream, u64::MAX);
        let mut out = Vec::new();
        for entry in self.streams.range(from..=to) {
            let (key, value) = entry.map_err(engine_error)?;
            let position = position_of(&value)?;
            if position > head {
                break;
            }
            let (_, version) = split_stream_key(&key)?;
            out.push(self.record_at(position, stream.clone(), version)?);
        }
        Ok(out)
    }

    fn read_from(&self, position: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError> {
        let head = *self.durable.borrow();
        let start = position.max(1);
        if limit == 0 || start > head {
            return Ok(Vec::new());
        }
        let range = start.to_be_bytes()..=head.to_be_bytes();
        let available = usize::try_from(head - start + 1).unwrap_or(usize::MAX);
        let mut out = Vec::with_capacity(limit.min(available).min(4096));
        // Both trees are walked in step: one range scan each, no lookups per record.
        let mut index = self.positions.range(range.clone());
        for entry in self.records.range(range).take(limit) {
            let (key, bytes) = entry.map_err(engine_error)?;
            let stream_key = loop {
                match index.next() {
                    // An index entry without its record: the record was removed behind our
                    // back. Return what is stored; verification names the gap.
                    Some(Ok((index_key, _))) if index_key < key => continue,
                    Some(Ok((index_key, value))) if index_key == key => break value,
                    Some(Err(e)) => return Err(engine_error(e)),
                    _ => return Err(StoreError::Corrupt("a record is not indexed".into())),
                }
            };
            let (stream, stream_version) = split_stream_key(&stream_key)?;
            out.push(StoredRecord {
                position: position_of(&key)?,
                stream,
                stream_version,
                bytes: bytes.to_vec(),
            });
        }
        Ok(out)
    }

    fn subscribe(&self) -> watch::Receiver<u64> {
        self.durable.subscribe()
    }

    fn idempotency(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError> {
        let value = self.idempotency.get(key).map_err(engine_error)?;
        Ok(value.map(|v| v.to_vec()))
    }

    fn key(&self, id: &KeyId) -> Result<KeyState, StoreError> {
        let value = self.active_keys().tree.get(id.as_str());
        Ok(key_state(value.map_err(engine_error)?))
    }

    fn keys(&self) -> Result<Vec<(KeyId, KeyState)>, StoreError> {
        let keys = self.active_keys();
        keys.tree
            .iter()
            .map(|entry| {
                let (id, value) = entry.map_err(engine_error)?;
                let id = std::str::from_utf8(&id)
                    .map_err(|_| StoreError::Corrupt("a key id is not UTF-8".into()))?;
                Ok((KeyId::from_stored(id), key_state(Some(value))))
            })
            .collect()
    }

    fn key_epoch(&self) -> Result<u32, StoreError> {
        Ok(self.active_keys().epoch)
    }

    fn stage_keys(&self, epoch: u32, keys: Vec<(KeyId, KeyState)>) -> Result<(), StoreError> {
        self.durability.check()?;
        {
            let active = self.active_keys();
            if epoch == active.epoch {
                return Err(engine("cannot stage keys over the active key epoch"));
            }
            let staged = self
                .db
                .open_tree(keys_tree_name(epoch))
                .map_err(engine_error)?;
            staged.clear().map_err(|e| self.write_failed(e))?;
            let mut batch = sled::Batch::default();
            for (id, state) in keys {
                match state {
                    KeyState::Missing => {}
                    KeyState::Wrapped(wrapped) => {
                        check_wrapped(&wrapped)?;
                        batch.insert(id.as_str(), wrapped);
                    }
                    KeyState::Destroyed => batch.insert(id.as_str(), TOMBSTONE),
                }
            }
            staged
                .apply_batch(batch)
                .map_err(|e| self.write_failed(e))?;
        }
        self.sync()
    }

    fn activate_key_epoch(&self, epoch: u32) -> Result<(), StoreError> {
        self.durability.check()?;
        {
            let mut active = self.keys.write().unwrap_or_else(PoisonError::into_inner);
            if epoch != active.epoch {
                let name = keys_tree_name(epoch);
                if !self.db.tree_names().iter().any(|n| n == name.as_bytes()) {
                    return Err(engine(&format!("key epoch {epoch} was never staged")));
                }
                let staged = self.db.open_tree(&name).map_err(engine_error)?;
                check_covers(&active.tree, &staged)?;
                let value = epoch.to_be_bytes();
                self.meta
                    .insert(KEY_EPOCH, &value)
                    .map_err(|e| self.write_failed(e))?;
                // The point of no return: the new epoch is active once this is on disk.
                self.sync()?;
                *active = ActiveKeys {
                    epoch,
                    tree: staged,
                };
            }
            drop_key_epochs(&self.db, |other| other != epoch)?;
        }
        self.sync()
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
        self.sync()
    }
}

/// What an append will write, checked and encoded before the transaction.
struct Plan {
    first: u64,
    last: u64,
    last_version: u64,
    /// `stream ‖ 0x00 ‖ version` for each record, in order.
    stream_keys: Vec<Vec<u8>>,
}

impl Plan {
    fn of(batch: &AppendBatch) -> Result<Self, StoreError> {
        let Some(first) = batch.records.first() else {
            return Err(engine("an append needs at least one record"));
        };
        let mut stream_keys = Vec::with_capacity(batch.records.len());
        let (mut position, mut version) = (first.position, batch.expected_version);
        for (i, record) in batch.records.iter().enumerate() {
            if i > 0 && Some(record.position) != position.checked_add(1) {
                return Err(StoreError::PositionMismatch(record.position));
            }
            if record.stream != batch.stream
                || Some(record.stream_version) != version.checked_add(1)
            {
                return Err(engine(
                    "batch records must continue the stream's versions, one by one",
                ));
            }
            (position, version) = (record.position, record.stream_version);
            stream_keys.push(stream_key(&batch.stream, version));
        }
        if let Some(KeyChange::Create { wrapped, .. }) = &batch.key_change {
            check_wrapped(wrapped)?;
        }
        Ok(Self {
            first: first.position,
            last: position,
            last_version: version,
            stream_keys,
        })
    }

    fn before_first(&self) -> [u8; 8] {
        self.first.saturating_sub(1).to_be_bytes()
    }
}

fn stream_key(stream: &StreamId, version: u64) -> Vec<u8> {
    let stream = stream.as_str().as_bytes();
    let mut key = Vec::with_capacity(stream.len() + 9);
    key.extend_from_slice(stream);
    key.push(SEPARATOR);
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn split_stream_key(key: &[u8]) -> Result<(StreamId, u64), StoreError> {
    let corrupt = || StoreError::Corrupt("malformed stream index entry".into());
    let (rest, version) = key.split_last_chunk::<8>().ok_or_else(corrupt)?;
    let (separator, stream) = rest.split_last().ok_or_else(corrupt)?;
    if *separator != SEPARATOR {
        return Err(corrupt());
    }
    let stream = std::str::from_utf8(stream).map_err(|_| corrupt())?;
    let stream = StreamId::parse(stream).map_err(|_| corrupt())?;
    Ok((stream, u64::from_be_bytes(*version)))
}

fn position_of(raw: &[u8]) -> Result<u64, StoreError> {
    Ok(u64::from_be_bytes(fixed(raw, "position")?))
}

/// `raw` as exactly `N` bytes, or `Corrupt` naming `what`.
fn fixed<const N: usize>(raw: &[u8], what: &str) -> Result<[u8; N], StoreError> {
    raw.try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what}: expected {N} bytes")))
}

fn key_state(value: Option<IVec>) -> KeyState {
    match value {
        None => KeyState::Missing,
        Some(v) if v == TOMBSTONE => KeyState::Destroyed,
        Some(v) => KeyState::Wrapped(v.to_vec()),
    }
}

/// A wrapped key that would read back as a tombstone, or as nothing, is refused.
fn check_wrapped(wrapped: &[u8]) -> Result<(), StoreError> {
    if wrapped.is_empty() || wrapped == TOMBSTONE {
        return Err(engine("a wrapped key cannot be empty or the tombstone"));
    }
    Ok(())
}

/// A staged key set must hold every key of the active one and keep every destroyed key
/// destroyed: activation must never lose a case's key nor bring an erased one back.
fn check_covers(active: &Tree, staged: &Tree) -> Result<(), StoreError> {
    for entry in active.iter() {
        let (id, value) = entry.map_err(engine_error)?;
        let id_text = String::from_utf8_lossy(&id);
        match staged.get(&id).map_err(engine_error)? {
            None => return Err(engine(&format!("staged keys lack key {id_text}"))),
            Some(s) if value == TOMBSTONE && s != TOMBSTONE => {
                return Err(engine(&format!(
                    "staged keys would restore destroyed key {id_text}"
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn keys_tree_name(epoch: u32) -> String {
    format!("{KEYS_PREFIX}{epoch}")
}

/// Drops every `keys-v{epoch}` tree whose epoch `doomed` selects.
fn drop_key_epochs(db: &sled::Db, doomed: impl Fn(u32) -> bool) -> Result<(), StoreError> {
    for name in db.tree_names() {
        let epoch = std::str::from_utf8(&name)
            .ok()
            .and_then(|name| name.strip_prefix(KEYS_PREFIX))
            .and_then(|epoch| epoch.parse::<u32>().ok());
        if epoch.is_some_and(&doomed) {
            let _existed = db.drop_tree(&name).map_err(engine_error)?;
        }
    }
    Ok(())
}

/// A directory sled just created is durable only once its parent's entry is.
fn sync_parent(dir: &Path) -> Result<(), StoreError> {
    let parent = match dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)?.sync_all()?;
    Ok(())
}

fn abort(error: StoreError) -> ConflictableTransactionError<StoreError> {
    ConflictableTransactionError::Abort(error)
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

/// sled 0.34.7 reports a held lock only as an `Other` I/O error with this message
/// (`Config::try_lock`, via fs2's `flock(LOCK_EX | LOCK_NB)`).
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

impl std::fmt::Debug for SledStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SledStore")
            .field("appended", &self.appended.load(Ordering::SeqCst))
            .field("durable", &*self.durable.borrow())
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_keys_round_trip_and_sort_by_version() {
        let stream = StreamId::parse("case-1").unwrap();
        let key = stream_key(&stream, 258);
        assert_eq!(split_stream_key(&key).unwrap(), (stream.clone(), 258));
        assert!(stream_key(&stream, 9) < stream_key(&stream, 10));
        let longer = StreamId::parse("case-10").unwrap();
        assert!(stream_key(&stream, u64::MAX) < stream_key(&longer, 1));
    }

    #[test]
    fn a_tombstone_reads_as_destroyed_and_can_never_be_written_as_a_key() {
        assert_eq!(key_state(Some(IVec::from(TOMBSTONE))), KeyState::Destroyed);
        assert_eq!(key_state(None), KeyState::Missing);
        assert!(check_wrapped(TOMBSTONE).is_err());
        assert!(check_wrapped(&[]).is_err());
        assert!(check_wrapped(&[0x01, 0x00]).is_ok());
    }
}

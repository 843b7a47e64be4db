//! The storage-engine trait: what the log needs from a database, and nothing more.
//!
//! An engine stores *sealed* records (already encrypted and chained by
//! [`EventLog`](crate::store::log::EventLog)), indexes them by global position and by
//! `(stream, version)`, keeps each stream's current version, the idempotency entries, the
//! wrapped keys and a little metadata. Encryption, the chain and upcasting sit above it, so a
//! second engine implements only storage.
//!
//! Contract every engine keeps:
//! - [`EventStore::append_group`] is atomic: every batch's records, stream head, idempotency
//!   entry and key change are all written or none is (one transaction per group commit, not
//!   one per append); it checks each batch's stream version and position again inside its
//!   transaction, against the state the batches before it leave.
//! - [`EventStore::sync`] returns only when everything appended before it is durable. A failed
//!   sync is reported, never retried by the engine.
//! - Reads and the subscription see only records up to the durable head.
//! - An engine shared by several processes (PostgreSQL) refuses a group whose first position
//!   does not follow the head it holds locked with [`StoreError::PositionMismatch`]; the
//!   writer then reads the head again ([`EventStore::last_record`]) and plans the group anew.
//! - An engine that [pipelines](EventStore::pipelines) takes a group while the one before it is
//!   still committing ([`EventStore::start_group`]), applies them in the order they were
//!   started, and refuses a group whose record before it is not the one it was planned after
//!   (its predecessor did not commit): so a group commits only after its predecessor did.

use std::collections::HashMap;

use tokio::sync::watch;

use crate::store::stream::StreamId;

/// One sealed record as the engine stores it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// Gap-free over all streams, from 1.
    pub position: u64,
    pub stream: StreamId,
    /// Gap-free per stream, from 1.
    pub stream_version: u64,
    /// The encoded record ([`crate::store::record`]), MAC included. Opaque to the engine.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for StoredRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredRecord")
            .field("position", &self.position)
            .field("stream", &self.stream)
            .field("stream_version", &self.stream_version)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Names a wrapped key: `facts`, `chain`, or `dek:<stream>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(String);

impl KeyId {
    pub fn facts() -> Self {
        Self("facts".to_owned())
    }
    pub fn chain() -> Self {
        Self("chain".to_owned())
    }
    pub fn stream(stream: &StreamId) -> Self {
        Self(format!("dek:{stream}"))
    }
    pub fn from_stored(raw: &str) -> Self {
        Self(raw.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A wrapped key as stored: either the wrapped bytes or a tombstone left by erasure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyState {
    /// No key of that id was ever created.
    Missing,
    /// The key, wrapped by the master key (see [`crate::store::crypto`]).
    Wrapped(Vec<u8>),
    /// The key was destroyed (crypto-shredding). Holds no key material.
    Destroyed,
}

/// A change to the wrapped keys, made in the same transaction as the records.
#[derive(Clone, Debug)]
pub enum KeyChange {
    Create { id: KeyId, wrapped: Vec<u8> },
    Destroy { id: KeyId },
}

/// One append to one stream, written atomically with the rest of its group.
#[derive(Clone, Debug)]
pub struct AppendBatch {
    pub stream: StreamId,
    /// The stream's current version must equal this (0: the stream does not exist yet).
    pub expected_version: u64,
    /// Consecutive positions following the store's last one, and consecutive stream versions
    /// following `expected_version`.
    pub records: Vec<StoredRecord>,
    /// `(key, value)`: remembered so a retry finds the first result. Opaque to the engine.
    pub idempotency: Option<([u8; 32], Vec<u8>)>,
    pub key_change: Option<KeyChange>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("stream is at version {actual}")]
    WrongVersion { actual: u64 },
    #[error("position {0} does not follow the last stored position")]
    PositionMismatch(u64),
    #[error("storage I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("storage engine failed: {0}")]
    Engine(String),
    #[error("stored index is inconsistent: {0}")]
    Corrupt(String),
    #[error("the data directory is in use by another process (is `tincay serve` running?)")]
    Locked,
    /// A shared engine (PostgreSQL) could not be reached or dropped the connection. Nothing
    /// is known to be lost: an append it refused may or may not have committed, and a retry
    /// with the same idempotency key finds out. Never fatal.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
}

/// The engine's state a group is planned against ([`EventStore::group_state`]).
#[derive(Debug, Default)]
pub struct GroupState {
    /// Each stream asked about, at its current version (0: it does not exist).
    pub versions: HashMap<StreamId, u64>,
    /// The stored value of each idempotency key asked about that is stored.
    pub idempotency: HashMap<[u8; 32], Vec<u8>>,
}

/// An erasure another process committed ([`EventStore::erasures`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Erased {
    /// This stream's data key was destroyed.
    Stream(StreamId),
    /// Some erasures may have gone unheard (the engine's connection was lost): any key held
    /// may have been destroyed.
    Unknown,
}

/// Called with each idempotency entry's key and value by
/// [`EventStore::for_each_idempotency`]; an error stops the listing.
pub type IdempotencyVisitor<'a> = dyn FnMut(&[u8; 32], &[u8]) -> Result<(), StoreError> + 'a;

/// A group commit under way ([`EventStore::start_group`]).
pub trait Committing: Send {
    /// Waits for the group's outcome: what [`EventStore::append_group`] would have answered.
    fn wait(self: Box<Self>) -> Result<(), StoreError>;
}

/// A group commit whose outcome is known already.
impl Committing for Result<(), StoreError> {
    fn wait(self: Box<Self>) -> Result<(), StoreError> {
        *self
    }
}

/// Storage only. See the module documentation for the contract.
pub trait EventStore: Send + Sync {
    /// Atomically append `batches`, in order, in one transaction: every batch is written or
    /// none is. Each is checked (stream version, positions, idempotency key, key change)
    /// against the state the ones before it leave; the first refusal writes nothing at all.
    /// The log plans a group so that none is refused; a caller that wants each append
    /// refused on its own submits them one at a time.
    fn append_group(&self, batches: &[AppendBatch]) -> Result<(), StoreError>;

    /// [`EventStore::append_group`] of one batch.
    fn append(&self, batch: AppendBatch) -> Result<(), StoreError> {
        self.append_group(std::slice::from_ref(&batch))
    }

    /// Whether [`EventStore::start_group`] returns before the group has committed, so the
    /// writer plans and starts the next group meanwhile (PostgreSQL, where a commit is a round
    /// trip). `false` (the default): the writer plans a group only after the last one
    /// committed and was synced.
    fn pipelines(&self) -> bool {
        false
    }

    /// Starts [`EventStore::append_group`] of `batches` and returns at once when the engine
    /// [pipelines](EventStore::pipelines). Groups started one after another are applied in
    /// that order. With `after`, the group is planned after a record that may not have
    /// committed yet (the last of the group started before it): the engine refuses it with
    /// [`StoreError::PositionMismatch`] unless the record at the position before its first is
    /// exactly `after` (its bytes, MAC included), so it commits only if its predecessor did.
    /// The default appends before it returns.
    fn start_group(
        &self,
        batches: Vec<AppendBatch>,
        after: Option<Vec<u8>>,
    ) -> Box<dyn Committing> {
        let _ = after;
        Box::new(self.append_group(&batches))
    }

    /// Make everything appended so far durable; then publish the new durable head to
    /// subscribers.
    fn sync(&self) -> Result<(), StoreError>;

    /// The record at the highest position, durable or not (used once, at open).
    fn last_record(&self) -> Result<Option<StoredRecord>, StoreError>;

    /// The stream's current version (0 if it does not exist).
    fn stream_version(&self, stream: &StreamId) -> Result<u64, StoreError>;

    /// The stream's records with version ≥ `from_version`, in order, up to the durable head.
    fn read_stream(
        &self,
        stream: &StreamId,
        from_version: u64,
    ) -> Result<Vec<StoredRecord>, StoreError>;

    /// Up to `limit` records with position ≥ `position`, in order, up to the durable head.
    fn read_from(&self, position: u64, limit: usize) -> Result<Vec<StoredRecord>, StoreError>;

    /// The durable head position, updated after every successful [`EventStore::sync`]. A
    /// subscriber reads from its own position with [`EventStore::read_from`] whenever this
    /// changes.
    fn subscribe(&self) -> watch::Receiver<u64>;

    fn idempotency(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, StoreError>;

    /// What the writer needs to plan a group, read at once: the current version of each of
    /// `streams` and the stored idempotency value of each of `keys` (absent ones are left
    /// out). An engine a read costs a round trip to answers with one query; the default asks
    /// [`EventStore::stream_version`] and [`EventStore::idempotency`] one at a time.
    fn group_state(
        &self,
        streams: &[StreamId],
        keys: &[[u8; 32]],
    ) -> Result<GroupState, StoreError> {
        let mut state = GroupState::default();
        for stream in streams {
            state
                .versions
                .insert(stream.clone(), self.stream_version(stream)?);
        }
        for key in keys {
            if let Some(value) = self.idempotency(key)? {
                state.idempotency.insert(*key, value);
            }
        }
        Ok(state)
    }

    /// Calls `each` with every idempotency entry (backups). An engine that cannot list them
    /// says so, and a backup of it fails rather than silently leaving them out.
    fn for_each_idempotency(&self, each: &mut IdempotencyVisitor<'_>) -> Result<(), StoreError> {
        let _ = each;
        Err(StoreError::Engine(
            "this storage engine cannot list its idempotency entries".into(),
        ))
    }

    /// A wrapped key of the active key epoch.
    fn key(&self, id: &KeyId) -> Result<KeyState, StoreError>;

    /// The wrapped keys of `ids` (those stored) in one read, for an engine a read costs a round
    /// trip to; `None` when it would answer no faster than [`EventStore::key`] one at a time
    /// (the default), and the reader asks that way.
    fn keys_of(&self, ids: &[KeyId]) -> Result<Option<Vec<(KeyId, KeyState)>>, StoreError> {
        let _ = ids;
        Ok(None)
    }

    /// Every key of the active key epoch (for rotation and verification).
    fn keys(&self) -> Result<Vec<(KeyId, KeyState)>, StoreError>;

    /// The active key epoch (the master key version the wrapped keys are under); 0 on a
    /// store that was never initialised.
    fn key_epoch(&self) -> Result<u32, StoreError>;

    /// Write `keys` as the complete key set of `epoch` (not yet active), durably.
    fn stage_keys(&self, epoch: u32, keys: Vec<(KeyId, KeyState)>) -> Result<(), StoreError>;

    /// Atomically make a staged epoch the active one, durably, then discard other epochs.
    fn activate_key_epoch(&self, epoch: u32) -> Result<(), StoreError>;

    fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Write one metadata value durably.
    fn put_meta(&self, name: &str, value: &[u8]) -> Result<(), StoreError>;

    /// Erasures committed by other processes sharing the engine, as it learns of them, so the
    /// log forgets those streams' keys without waiting to append itself. `None` for an
    /// engine one process holds alone (sled), where the log's own writer forgets them.
    fn erasures(&self) -> Option<tokio::sync::broadcast::Receiver<Erased>> {
        None
    }

    /// Makes this process the one owner of `job` (retention) among the processes sharing the
    /// engine while the returned guard lives; `None` when another holds it. An engine that
    /// one process holds alone (sled) always grants it.
    fn single_owner(&self, job: &str) -> Result<Option<JobGuard>, StoreError> {
        let _ = job;
        Ok(Some(Box::new(())))
    }
}

/// Held while a single-owner job runs; dropping it lets another process take the job.
pub type JobGuard = Box<dyn std::any::Any + Send>;

//! The keyring: the master key, the store-wide facts and chain keys, and each stream's data
//! key, unwrapped on first use and kept in memory (zeroized when dropped). SECURITY-SENSITIVE.
//!
//! A stream's data key is created with the stream's first append and destroyed by erasure;
//! its wrapped form lives in the engine's key tree for the active key epoch.

mod cache;
mod wrapped;

use std::sync::{Arc, PoisonError, RwLock};

use crate::store::crypto::{ChainKey, CryptoError, DataKey, KeyMaterial, MasterKey};
use crate::store::engine::{EventStore, KeyChange, KeyId, KeyState, StoreError};
use crate::store::stream::StreamId;

use cache::{Found, KeyCache};
pub use wrapped::WrappedKeys;

/// Stream keys kept per generation of the cache: between this and twice this many are held,
/// about 1 KiB each (the key with its keyed cipher), so at most about 8 MiB.
pub const STREAM_KEYS_KEPT: usize = 4096;

/// Whether a stream key unwrapped from the store is kept in the keyring's cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeysKept {
    /// A stream's events: the case is being worked on, and will be read again.
    Kept,
    /// Events in global order: a replay touches each case once or twice, far apart, and
    /// keeping its keys would only push out those of the cases being worked on.
    NotKept,
}

/// A stream's data key as far as the keyring can tell.
#[derive(Clone, Debug)]
pub enum StreamKey {
    Present(Arc<DataKey>),
    /// Erased: the wrapped key was replaced by a tombstone.
    Destroyed,
    /// The stream was never written.
    Missing,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("wrapped key {key_id} cannot be unwrapped: {source}")]
    Unwrap { key_id: String, source: CryptoError },
    #[error("the store has no {0} key")]
    MissingStoreKey(&'static str),
}

/// Keys in memory. One per open log.
pub struct Keyring {
    master: MasterKey,
    /// The master key version the wrapped keys are under.
    epoch: u32,
    facts: Arc<DataKey>,
    chain: Arc<ChainKey>,
    /// Unwrapped stream keys of the cases being worked on, bounded (see [`KeyCache`]). Read
    /// far more often than written, and by several threads at once.
    streams: RwLock<KeyCache>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

impl Keyring {
    /// Unwraps the store-wide keys of the active epoch. The caller has already checked the
    /// master key against the store's key check value.
    pub fn load(store: &dyn EventStore, master: MasterKey) -> Result<Self, KeyringError> {
        let epoch = store.key_epoch()?;
        let facts = unwrap_store_key(store, &master, epoch, KeyId::facts(), "facts")?;
        let chain = unwrap_store_key(store, &master, epoch, KeyId::chain(), "chain")?;
        Ok(Self {
            master,
            epoch,
            facts: Arc::new(DataKey::from_material(facts)),
            chain: Arc::new(ChainKey::from_material(chain)),
            streams: RwLock::new(KeyCache::new(STREAM_KEYS_KEPT)),
        })
    }

    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    pub fn facts(&self) -> &Arc<DataKey> {
        &self.facts
    }

    pub fn chain(&self) -> &Arc<ChainKey> {
        &self.chain
    }

    pub fn master(&self) -> &MasterKey {
        &self.master
    }

    /// The stream's data key: from memory, else unwrapped from the store and kept.
    pub fn stream_key(
        &self,
        store: &dyn EventStore,
        stream: &StreamId,
    ) -> Result<StreamKey, KeyringError> {
        self.lookup(store, stream, KeysKept::Kept)
    }

    /// The stream's data key for a one-off use: from memory if it is there, else unwrapped
    /// from the store and NOT kept. For work that touches every stream once or twice (sealing
    /// or opening each case's part of a projection checkpoint), which would otherwise push the
    /// keys of the cases being worked on out.
    pub fn stream_key_once(
        &self,
        store: &dyn EventStore,
        stream: &StreamId,
    ) -> Result<StreamKey, KeyringError> {
        self.lookup(store, stream, KeysKept::NotKept)
    }

    /// The stream's data key: from memory, else unwrapped from the store and kept or not as
    /// `kept` says.
    pub fn lookup(
        &self,
        store: &dyn EventStore,
        stream: &StreamId,
        kept: KeysKept,
    ) -> Result<StreamKey, KeyringError> {
        self.lookup_in(store, None, stream, kept)
    }

    /// [`Keyring::lookup`], taking the wrapped key from `scanned` when it is there (a
    /// replay's one scan of the key tree), else from the store.
    pub fn lookup_in(
        &self,
        store: &dyn EventStore,
        scanned: Option<&WrappedKeys>,
        stream: &StreamId,
        kept: KeysKept,
    ) -> Result<StreamKey, KeyringError> {
        if let Some(key) = self.cached(stream) {
            return Ok(StreamKey::Present(key));
        }
        let id = KeyId::stream(stream);
        let fetched;
        let state = match scanned.and_then(|scanned| scanned.get(&id)) {
            Some(state) => state,
            None => {
                fetched = store.key(&id)?;
                &fetched
            }
        };
        match state {
            KeyState::Missing => Ok(StreamKey::Missing),
            KeyState::Destroyed => Ok(StreamKey::Destroyed),
            KeyState::Wrapped(wrapped) => {
                let material = self
                    .master
                    .unwrap(id.as_str(), self.epoch, wrapped)
                    .map_err(|source| KeyringError::Unwrap {
                        key_id: id.as_str().to_owned(),
                        source,
                    })?;
                let key = Arc::new(DataKey::from_material(material));
                if kept == KeysKept::Kept {
                    self.remember(stream, Arc::clone(&key));
                }
                Ok(StreamKey::Present(key))
            }
        }
    }

    /// A fresh data key for a new stream, and the key change that stores it wrapped.
    pub fn new_stream_key(&self, stream: &StreamId) -> (Arc<DataKey>, KeyChange) {
        let id = KeyId::stream(stream);
        let key = DataKey::generate();
        let wrapped = self.master.wrap(id.as_str(), self.epoch, key.material());
        (Arc::new(key), KeyChange::Create { id, wrapped })
    }

    pub fn remember(&self, stream: &StreamId, key: Arc<DataKey>) {
        self.streams
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(stream, key);
    }

    /// Drop a stream's key from memory for good (after erasure): a read that unwrapped it
    /// before the erasure committed cannot put it back (see [`KeyCache`]).
    pub fn forget(&self, stream: &StreamId) {
        self.streams
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(stream);
    }

    /// Drop a stream's key from memory without marking it destroyed: another server wrote to
    /// the stream, so the key is read again from the store when next needed.
    pub fn evict(&self, stream: &StreamId) {
        self.streams
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .evict(stream);
    }

    /// Drop every stream's key from memory without marking any destroyed: erasures by another
    /// process may have gone unheard, so each key is read again from the store when next
    /// needed.
    pub fn evict_all(&self) {
        self.streams
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .evict_all();
    }

    /// Whether a stream's data key is held in memory.
    pub fn holds_key(&self, stream: &StreamId) -> bool {
        self.streams
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(stream)
            .is_some()
    }

    /// How many streams' data keys are held in memory.
    pub fn cached_stream_keys(&self) -> usize {
        self.streams
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn cached(&self, stream: &StreamId) -> Option<Arc<DataKey>> {
        let found = self
            .streams
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(stream)?;
        match found {
            Found::Current(key) => Some(key),
            Found::Previous(key) => {
                self.streams
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .promote(stream);
                Some(key)
            }
        }
    }
}

/// Unwrap a store-wide key (`facts` or `chain`) of `epoch`.
pub fn unwrap_store_key(
    store: &dyn EventStore,
    master: &MasterKey,
    epoch: u32,
    id: KeyId,
    name: &'static str,
) -> Result<KeyMaterial, KeyringError> {
    match store.key(&id)? {
        KeyState::Wrapped(wrapped) => {
            master
                .unwrap(id.as_str(), epoch, &wrapped)
                .map_err(|source| KeyringError::Unwrap {
                    key_id: id.as_str().to_owned(),
                    source,
                })
        }
        KeyState::Missing | KeyState::Destroyed => Err(KeyringError::MissingStoreKey(name)),
    }
}

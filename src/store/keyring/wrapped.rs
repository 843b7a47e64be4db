//! [`WrappedKeys`]: every stream's wrapped key as the store held it, read in one pass, for a
//! replay of the whole log. A replay needs each case's key once, in the order the cases were
//! opened: looked up one by one, that is a random read of the key tree per case, and the
//! log's pages streaming through the engine's cache have pushed the key tree out of it (about
//! a tenth of a rebuild's work). One scan of the key tree takes 0.1 to 0.2 s for a hundred
//! thousand keys, and the keys stay wrapped: each is unwrapped when its stream is
//! first met, as before.
//!
//! A key destroyed after the scan would still be found here, so a `WrappedKeys` lives only
//! as long as one replay that nothing appends to meanwhile (a rebuild, a start before the
//! server listens), and a key created after it is looked up in the store.

use std::collections::HashMap;

use crate::store::engine::{EventStore, KeyId, KeyState, StoreError};
use crate::store::stream::StreamId;

/// Wrapped keys and tombstones by key id. Holds no key material in the clear.
///
/// A hash map, not a sorted list: each key is looked up once, in no order, and a binary
/// search's string comparisons are a cache miss each (measured: a twentieth of a rebuild).
pub struct WrappedKeys {
    keys: HashMap<KeyId, KeyState>,
}

impl std::fmt::Debug for WrappedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WrappedKeys")
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl WrappedKeys {
    /// Every key of the store's active epoch.
    pub fn read(store: &dyn EventStore) -> Result<Self, StoreError> {
        Ok(Self::from_keys(store.keys()?))
    }

    /// The keys of these streams that are stored, read at once, where the store can (see
    /// [`EventStore::keys_of`]); `None` where it cannot. For one range of a read: dropped
    /// as soon as that range is decrypted.
    pub fn of_streams<'s>(
        store: &dyn EventStore,
        streams: impl Iterator<Item = &'s StreamId>,
    ) -> Result<Option<Self>, StoreError> {
        let ids: Vec<KeyId> = streams.map(KeyId::stream).collect();
        if ids.is_empty() {
            return Ok(None);
        }
        Ok(store.keys_of(&ids)?.map(Self::from_keys))
    }

    fn from_keys(keys: Vec<(KeyId, KeyState)>) -> Self {
        Self {
            keys: keys.into_iter().collect(),
        }
    }

    /// The key of `id` as the scan found it; `None` if it was not there (created since, or
    /// never).
    pub fn get(&self, id: &KeyId) -> Option<&KeyState> {
        self.keys.get(id)
    }

    /// Every key and tombstone, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&KeyId, &KeyState)> {
        self.keys.iter()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: &str) -> KeyId {
        KeyId::from_stored(raw)
    }

    #[test]
    fn finds_every_key_listed_and_no_other() {
        let keys = WrappedKeys::from_keys(vec![
            (id("dek:case-b"), KeyState::Wrapped(vec![1, 2])),
            (id("chain"), KeyState::Wrapped(vec![3])),
            (id("dek:case-a"), KeyState::Destroyed),
            (id("facts"), KeyState::Wrapped(vec![4])),
        ]);
        assert_eq!(keys.len(), 4);
        assert_eq!(
            keys.get(&id("dek:case-b")),
            Some(&KeyState::Wrapped(vec![1, 2]))
        );
        assert_eq!(keys.get(&id("dek:case-a")), Some(&KeyState::Destroyed));
        assert_eq!(keys.get(&id("facts")), Some(&KeyState::Wrapped(vec![4])));
        assert_eq!(keys.get(&id("dek:case-c")), None);
        assert_eq!(keys.get(&id("dek:case")), None, "a prefix is not a match");
    }

    #[test]
    fn debug_shows_the_count_only() {
        let keys = WrappedKeys::from_keys(vec![(
            id("dek:case-canary"),
            KeyState::Wrapped(vec![0xCA, 0xFE]),
        )]);
        let shown = format!("{keys:?}");
        assert_eq!(shown, "WrappedKeys { keys: 1 }");
    }
}

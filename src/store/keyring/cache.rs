//! [`KeyCache`]: the unwrapped stream keys the keyring keeps, bounded. Two generations: new
//! keys go into the current one; when it is full it becomes the previous one and the old
//! previous one is dropped (its keys zeroize). A key used again while in the previous
//! generation moves back into the current one, so the keys of the cases being worked on stay
//! and a replay that touches every case once passes through without growing memory.
//!
//! An erased stream's key can never come back: [`KeyCache::remove`] remembers the stream as
//! destroyed, and [`KeyCache::insert`] refuses it under the same lock. A read that unwrapped
//! the key from the store just before the erasure committed (and so still holds it) would
//! otherwise put it back after the writer forgot it.

use std::collections::HashSet;

use std::collections::HashMap;
use std::sync::Arc;

use crate::store::crypto::DataKey;
use crate::store::stream::StreamId;

pub(super) struct KeyCache {
    /// Keys per generation: at most twice this many are held.
    capacity: usize,
    current: HashMap<StreamId, Arc<DataKey>>,
    previous: HashMap<StreamId, Arc<DataKey>>,
    /// Streams whose keys were destroyed by erasure (an id is never reused): a key for one
    /// of these is never kept again. One entry per erased case.
    destroyed: HashSet<StreamId>,
}

/// Where [`KeyCache::get`] found a key.
pub(super) enum Found {
    Current(Arc<DataKey>),
    /// In the previous generation: [`KeyCache::promote`] it to keep it.
    Previous(Arc<DataKey>),
}

impl KeyCache {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            current: HashMap::new(),
            previous: HashMap::new(),
            destroyed: HashSet::new(),
        }
    }

    pub(super) fn get(&self, stream: &StreamId) -> Option<Found> {
        if let Some(key) = self.current.get(stream) {
            return Some(Found::Current(Arc::clone(key)));
        }
        self.previous
            .get(stream)
            .map(|key| Found::Previous(Arc::clone(key)))
    }

    /// Keep `key` in the current generation, starting a new one first if it is full; never
    /// for a stream whose key was destroyed.
    pub(super) fn insert(&mut self, stream: &StreamId, key: Arc<DataKey>) {
        if self.destroyed.contains(stream) {
            return;
        }
        self.previous.remove(stream);
        if self.current.len() >= self.capacity && !self.current.contains_key(stream) {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(stream.clone(), key);
    }

    /// Move a key of the previous generation into the current one, if it is still there (it
    /// may have been removed, by erasure, since it was found).
    pub(super) fn promote(&mut self, stream: &StreamId) {
        if let Some(key) = self.previous.remove(stream) {
            self.insert(stream, key);
        }
    }

    /// Drop a stream's key for good: its key was destroyed.
    pub(super) fn remove(&mut self, stream: &StreamId) {
        self.destroyed.insert(stream.clone());
        self.evict(stream);
    }

    /// Drop a stream's key from memory only (it may have changed elsewhere); a later lookup
    /// may cache it again.
    pub(super) fn evict(&mut self, stream: &StreamId) {
        self.current.remove(stream);
        self.previous.remove(stream);
    }

    /// Drop every key from memory only.
    pub(super) fn evict_all(&mut self) {
        self.current.clear();
        self.previous.clear();
    }

    pub(super) fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CaseId;

    fn stream(n: u128) -> StreamId {
        StreamId::case(&CaseId::from_uuid(uuid::Uuid::from_u128(n)))
    }

    fn key() -> Arc<DataKey> {
        Arc::new(DataKey::generate())
    }

    fn held(cache: &KeyCache, n: u128) -> bool {
        cache.get(&stream(n)).is_some()
    }

    #[test]
    fn holds_at_most_two_generations() {
        let mut cache = KeyCache::new(3);
        for n in 0..10 {
            cache.insert(&stream(n), key());
            assert!(cache.len() <= 6, "{} keys held after {n}", cache.len());
        }
        // 9 is current; 6..=8 fill the previous generation; older ones are gone.
        assert!(held(&cache, 9) && held(&cache, 8) && held(&cache, 6));
        assert!(!held(&cache, 5) && !held(&cache, 0));
    }

    #[test]
    fn a_key_used_again_survives_the_turn_of_generations() {
        let mut cache = KeyCache::new(2);
        cache.insert(&stream(1), key());
        cache.insert(&stream(2), key());
        cache.insert(&stream(3), key()); // 1 and 2 are now previous
        assert!(matches!(cache.get(&stream(1)), Some(Found::Previous(_))));
        cache.promote(&stream(1));
        assert!(matches!(cache.get(&stream(1)), Some(Found::Current(_))));
        cache.insert(&stream(4), key()); // current {3, 1} is full: it becomes previous
        cache.insert(&stream(5), key());
        assert!(held(&cache, 1) && held(&cache, 3));
        assert!(!held(&cache, 2));
        assert_eq!(cache.len(), 4);
    }

    #[test]
    fn reinserting_a_held_key_does_not_turn_the_generation() {
        let mut cache = KeyCache::new(2);
        cache.insert(&stream(1), key());
        cache.insert(&stream(2), key());
        cache.insert(&stream(2), key());
        assert!(matches!(cache.get(&stream(1)), Some(Found::Current(_))));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_key_removed_after_it_was_found_is_not_promoted_back() {
        let mut cache = KeyCache::new(1);
        cache.insert(&stream(1), key());
        cache.insert(&stream(2), key());
        assert!(matches!(cache.get(&stream(1)), Some(Found::Previous(_))));
        cache.remove(&stream(1));
        cache.promote(&stream(1));
        assert!(!held(&cache, 1));
    }

    /// The race of issue 19: a read unwrapped the key before the erasure committed, the
    /// writer forgot it, then the read tries to keep it.
    #[test]
    fn a_key_removed_before_a_late_insert_is_not_kept() {
        let mut cache = KeyCache::new(4);
        cache.insert(&stream(1), key());
        let unwrapped_by_a_reader = key();
        cache.remove(&stream(1));
        cache.insert(&stream(1), unwrapped_by_a_reader);
        assert!(!held(&cache, 1));
        assert_eq!(cache.len(), 0);
        cache.insert(&stream(2), key());
        assert!(held(&cache, 2), "other streams are kept as before");
    }

    #[test]
    fn a_removed_key_is_gone_from_both_generations() {
        let mut cache = KeyCache::new(1);
        cache.insert(&stream(1), key());
        cache.insert(&stream(2), key());
        cache.remove(&stream(1));
        cache.remove(&stream(2));
        assert_eq!(cache.len(), 0);
        assert!(!held(&cache, 1) && !held(&cache, 2));
    }
}

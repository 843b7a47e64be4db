//! [`IdMap`]: the few referrals or follow-ups of one case, keyed by id and kept in id order in
//! one small vector sized to what it holds. A case has a handful of each; a `BTreeMap` spends
//! a node of 200 to 300 bytes on a case's first entry, which across 100,000 cases in the
//! projections' case index is tens of MiB, and as many allocations in every rebuild.
//! Serialized as a map, like a `BTreeMap`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map of a few entries, in key order.
#[derive(Clone, PartialEq, Eq)]
pub struct IdMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: Ord, V> IdMap<K, V> {
    /// Insert or replace; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(at) => self
                .0
                .get_mut(at)
                .map(|(_, old)| std::mem::replace(old, value)),
            Err(at) => {
                // One more slot, not double: a case rarely gets many.
                self.0.reserve_exact(1);
                self.0.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        let at = self.position(key).ok()?;
        self.0.get(at).map(|(_, value)| value)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let at = self.position(key).ok()?;
        self.0.get_mut(at).map(|(_, value)| value)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.position(key).is_ok()
    }

    fn position(&self, key: &K) -> Result<usize, usize> {
        self.0.binary_search_by(|(probe, _)| probe.cmp(key))
    }
}

impl<K, V> IdMap<K, V> {
    /// Entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.0.iter().map(|(key, value)| (key, value))
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, value)| value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An [`IdMap`]'s entries in key order.
pub type Iter<'a, K, V> = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&(K, V)) -> (&K, &V)>;

impl<'a, K, V> IntoIterator for &'a IdMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for IdMap<K, V> {
    /// Later entries replace earlier ones with the same key, as a map's inserts do.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut entries: Vec<(K, V)> = entries.into_iter().collect();
        // Stable: among equal keys the last inserted ends last, and is the one kept.
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match kept.last_mut() {
                Some((last, old)) if *last == key => *old = value,
                _ => kept.push((key, value)),
            }
        }
        Self(kept)
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for IdMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for IdMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = IdMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(entries.into_iter().collect())
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any sequence of inserts leaves what a `BTreeMap` would hold, in the same order,
        /// serialized the same way.
        #[test]
        fn it_holds_what_a_btree_map_holds(inserts in proptest::collection::vec((0u8..20, any::<u16>()), 0..40)) {
            let mut map = IdMap::default();
            let mut reference = BTreeMap::new();
            for (key, value) in &inserts {
                prop_assert_eq!(map.insert(*key, *value), reference.insert(*key, *value));
            }
            prop_assert_eq!(map.len(), reference.len());
            prop_assert!(map.iter().eq(reference.iter()));
            for key in 0u8..20 {
                prop_assert_eq!(map.get(&key), reference.get(&key));
                prop_assert_eq!(map.contains_key(&key), reference.contains_key(&key));
            }
            let json = serde_json::to_string(&map).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&reference).unwrap());
            let back: IdMap<u8, u16> = serde_json::from_str(&json).unwrap();
            prop_assert!(back == map);
            let collected: IdMap<u8, u16> = inserts.iter().copied().collect();
            prop_assert!(collected == map);
        }
    }

    #[test]
    fn it_holds_exactly_what_it_needs() {
        let mut map = IdMap::default();
        map.insert(2, 'b');
        map.insert(1, 'a');
        assert_eq!(map.0.capacity(), 2);
        if let Some(value) = map.get_mut(&2) {
            *value = 'c';
        }
        assert_eq!(map.values().copied().collect::<String>(), "ac");
        assert!(!map.is_empty());
    }
}

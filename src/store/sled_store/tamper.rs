//! **Tamper tests only**: raw access to stored records, to change them behind the log's back
//! and check that verification names the damage. Never used by tincay itself.
//!
//! A record is changed where it is stored: in `records`, or inside its block
//! ([`layout`]'s "Blocks").

use sled::Tree;

use super::layout;
use super::{SledStore, blocks, engine_error};
use crate::store::engine::{KeyId, KeyState, StoreError, StoredRecord};

impl SledStore {
    /// **Tamper tests only.** The raw `records` tree (layout in [`layout`]): the records of
    /// the log's last, incomplete block.
    #[doc(hidden)]
    pub fn tamper_records(&self) -> &Tree {
        &self.records
    }

    /// **Tamper tests only.** The stored value of the record at `position` (a `records`
    /// value, [`layout`]), wherever it is stored.
    #[doc(hidden)]
    pub fn tamper_value(&self, position: u64) -> Result<Vec<u8>, StoreError> {
        let key = position.to_be_bytes();
        if let Some(value) = self.records.get(key).map_err(engine_error)? {
            return Ok(value.to_vec());
        }
        let (_, values) = self.tamper_block(position)?;
        values
            .get(layout::index_in_block(position))
            .cloned()
            .ok_or_else(|| StoreError::Corrupt(format!("no record at {position}")))
    }

    /// **Tamper tests only.** Replaces the stored value of the record at `position`; `None`
    /// removes the record (from its block, the records after it in the block move up one).
    #[doc(hidden)]
    pub fn tamper_set_value(&self, position: u64, value: Option<&[u8]>) -> Result<(), StoreError> {
        let key = position.to_be_bytes();
        if self.records.contains_key(key).map_err(engine_error)? {
            match value {
                Some(value) => self.records.insert(key, value).map(drop),
                None => self.records.remove(key).map(drop),
            }
            .map_err(engine_error)?;
            return Ok(());
        }
        let (block, mut values) = self.tamper_block(position)?;
        let index = layout::index_in_block(position);
        let stored = values
            .get_mut(index)
            .ok_or_else(|| StoreError::Corrupt(format!("no record at {position}")))?;
        match value {
            Some(value) => *stored = value.to_vec(),
            None => {
                values.remove(index);
            }
        }
        let packed = layout::block_value(values.iter().map(Vec::as_slice));
        self.record_blocks
            .insert(block.to_be_bytes(), packed)
            .map_err(engine_error)?;
        Ok(())
    }

    /// **Tamper tests only.** Replaces the record bytes at `position`, keeping its stream and
    /// version.
    #[doc(hidden)]
    pub fn tamper_overwrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let record = self.tamper_get(position)?;
        let value = layout::record_value(&record.stream, record.stream_version, bytes);
        self.tamper_set_value(position, Some(&value))
    }

    /// **Tamper tests only.** Swaps the record bytes of two positions, each keeping its
    /// stream and version.
    #[doc(hidden)]
    pub fn tamper_swap(&self, a: u64, b: u64) -> Result<(), StoreError> {
        let (record_a, record_b) = (self.tamper_get(a)?, self.tamper_get(b)?);
        self.tamper_overwrite(a, &record_b.bytes)?;
        self.tamper_overwrite(b, &record_a.bytes)
    }

    /// **Tamper tests only.** Removes the record at `position` (its index entries stay).
    #[doc(hidden)]
    pub fn tamper_remove(&self, position: u64) -> Result<(), StoreError> {
        self.tamper_set_value(position, None)
    }

    /// **Tests only.** Moves every block's records back into `records`, one by one, as a
    /// directory written before blocks existed stores them.
    #[doc(hidden)]
    pub fn tamper_unpack(&self) -> Result<(), StoreError> {
        for entry in self.record_blocks.iter() {
            let (key, value) = entry.map_err(engine_error)?;
            let start = layout::block_start(layout::u64_of(&key, "record block")?);
            for (value, position) in layout::split_block_value(&value)?.into_iter().zip(start..) {
                self.records
                    .insert(position.to_be_bytes(), value)
                    .map_err(engine_error)?;
            }
            self.record_blocks.remove(key).map_err(engine_error)?;
        }
        Ok(())
    }

    /// **Tamper tests only.** Sets a key of the active epoch as it is stored, behind the
    /// log's back: a wrapped key, a tombstone (as erasure leaves), or none.
    #[doc(hidden)]
    pub fn tamper_set_key(&self, id: &KeyId, state: &KeyState) -> Result<(), StoreError> {
        let keys = self.active_keys();
        match state {
            KeyState::Wrapped(wrapped) => keys.tree.insert(id.as_str(), wrapped.as_slice()),
            KeyState::Destroyed => keys.tree.insert(id.as_str(), layout::TOMBSTONE),
            KeyState::Missing => keys.tree.remove(id.as_str()),
        }
        .map(drop)
        .map_err(engine_error)?;
        keys.tree.flush().map(drop).map_err(engine_error)
    }

    fn tamper_get(&self, position: u64) -> Result<StoredRecord, StoreError> {
        blocks::record_at(&self.records, &self.record_blocks, position)?
            .ok_or_else(|| StoreError::Corrupt(format!("no record at {position}")))
    }

    /// The block holding `position`, and its records' values.
    fn tamper_block(&self, position: u64) -> Result<(u64, Vec<Vec<u8>>), StoreError> {
        let block = layout::block_of(position);
        let value = self
            .record_blocks
            .get(block.to_be_bytes())
            .map_err(engine_error)?
            .ok_or_else(|| StoreError::Corrupt(format!("no record at {position}")))?;
        let values = layout::split_block_value(&value)?;
        Ok((block, values.into_iter().map(<[u8]>::to_vec).collect()))
    }
}

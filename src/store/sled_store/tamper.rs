//! **Tamper tests only**: raw access to the `records` tree, to change stored records behind
//! the log's back and check that verification names the damage. Never used by tincay itself.

use sled::Tree;

use super::layout;
use super::{SledStore, engine_error};
use crate::store::engine::{StoreError, StoredRecord};

impl SledStore {
    /// **Tamper tests only.** The raw `records` tree (layout in [`layout`]).
    #[doc(hidden)]
    pub fn tamper_records(&self) -> &Tree {
        &self.records
    }

    /// **Tamper tests only.** Replaces the record bytes at `position`, keeping its stream and
    /// version.
    #[doc(hidden)]
    pub fn tamper_overwrite(&self, position: u64, bytes: &[u8]) -> Result<(), StoreError> {
        let record = self.tamper_get(position)?;
        let value = layout::record_value(&record.stream, record.stream_version, bytes);
        self.records
            .insert(position.to_be_bytes(), value)
            .map_err(engine_error)?;
        Ok(())
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
        let key = position.to_be_bytes();
        self.records.remove(key).map_err(engine_error)?;
        Ok(())
    }

    fn tamper_get(&self, position: u64) -> Result<StoredRecord, StoreError> {
        let key = position.to_be_bytes();
        match self.records.get(key).map_err(engine_error)? {
            Some(value) => layout::decode_record(&key, &value),
            None => Err(StoreError::Corrupt(format!("no record at {position}"))),
        }
    }
}

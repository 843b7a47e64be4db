//! Writing a group of appends into sled's trees with plain inserts, in an order that makes a
//! crash's leftovers recognisable, rather than in a sled transaction.
//!
//! The write-ahead log ([`super::wal`]) is what makes a group durable and atomic: its frame and
//! one `fdatasync` are the acknowledgement, and the store replays it as it opens. sled's
//! multi-tree transactions (and its batches) roll sled's I/O buffer on every call
//! (`PageCache::pin_log`), so sled's I/O thread wrote every group to `db` a second time, with a
//! `sync_file_range`, beside the log's `fdatasync` (issue 26's budget). Plain inserts do not:
//! sled writes its buffer when it is full, or at a checkpoint.
//!
//! Without a transaction, a crash can leave part of a group in sled. sled recovers a prefix of
//! its log, in the order the inserts were made, so [`write`] makes the group's last position
//! the last thing written: keys, idempotency entries, the stream index and the stream heads
//! first, then the records in position order (a completed block when its last position comes,
//! then the earlier records it took over are removed). A group whose last position sled holds
//! is therefore whole; a group of which it holds less is written again, whole, from the log as
//! the store opens ([`Mode::Recover`]: no checks, every entry overwritten with the bytes it
//! already has or should have).
//!
//! Readers take no lock: they read records only up to the durable head, which moves after the
//! group is written and synced, and a block is written before the records it takes over are
//! removed, so a position is always in at least one of the two trees.

use std::collections::{HashMap, HashSet};

use sled::Tree;

use super::blocks::Packing;
use super::{engine, engine_error, layout};
use crate::store::engine::{AppendBatch, KeyChange, StoreError};
use layout::TOMBSTONE;

/// How a group is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// An append: checked against what sled holds (position, stream versions, idempotency
    /// keys, data keys) before anything is written.
    Append,
    /// A group of the write-ahead log that sled holds only part of, or none of, after a crash:
    /// it was checked when it was appended; written as it is.
    Recover,
}

/// The trees a group writes.
pub struct Trees<'a> {
    pub records: &'a Tree,
    pub record_blocks: &'a Tree,
    pub streams: &'a Tree,
    pub heads: &'a Tree,
    pub idempotency: &'a Tree,
    pub keys: &'a Tree,
}

/// One append's precomputed entries: the `records` value and `streams` key of each record.
pub struct Planned<'a> {
    pub batch: &'a AppendBatch,
    pub last_version: u64,
    pub entries: &'a [(Vec<u8>, Vec<u8>)],
}

impl Trees<'_> {
    /// Whether `position` is stored, alone or in its block.
    fn stored(&self, position: u64) -> Result<bool, StoreError> {
        let alone = self.records.contains_key(position.to_be_bytes());
        let blocked = self
            .record_blocks
            .contains_key(layout::block_of(position).to_be_bytes());
        Ok(alone.map_err(engine_error)? || blocked.map_err(engine_error)?)
    }

    /// Refuses the group, writing nothing, if it does not follow sled's last position, a
    /// stream is not at the version its append expects (each append checked against the ones
    /// before it in the group), an idempotency key is already used, or a data key exists (a
    /// tombstone too: erasure is final). The caller holds the append gate, so nothing changes
    /// between these reads and [`write`].
    pub fn check(&self, first: u64, planned: &[Planned<'_>]) -> Result<(), StoreError> {
        let follows = first == 1 || self.stored(first.saturating_sub(1))?;
        if !follows || self.stored(first)? {
            return Err(StoreError::PositionMismatch(first));
        }
        let mut heads: HashMap<&str, u64> = HashMap::new();
        let mut idempotency: HashSet<&[u8; 32]> = HashSet::new();
        let mut keys: HashSet<&str> = HashSet::new();
        for plan in planned {
            let batch = plan.batch;
            let stream = batch.stream.as_str();
            let actual = match heads.get(stream) {
                Some(version) => *version,
                None => match self.heads.get(stream).map_err(engine_error)? {
                    None => 0,
                    Some(raw) => layout::u64_of(&raw, "stream head")?,
                },
            };
            if actual != batch.expected_version {
                return Err(StoreError::WrongVersion { actual });
            }
            heads.insert(stream, plan.last_version);
            if let Some((key, _)) = &batch.idempotency {
                let used = self.idempotency.contains_key(key).map_err(engine_error)?;
                if used || !idempotency.insert(key) {
                    return Err(engine("idempotency key already used"));
                }
            }
            match &batch.key_change {
                None => {}
                Some(KeyChange::Create { id, .. }) => {
                    let exists = self.keys.contains_key(id.as_str()).map_err(engine_error)?;
                    if exists || !keys.insert(id.as_str()) {
                        return Err(engine(&format!("key {} exists", id.as_str())));
                    }
                }
                Some(KeyChange::Destroy { id }) => {
                    keys.insert(id.as_str());
                }
            }
        }
        Ok(())
    }

    /// Writes the group (see the module documentation for the order).
    pub fn write(&self, planned: &[Planned<'_>], packing: &Packing) -> Result<(), StoreError> {
        for plan in planned {
            let batch = plan.batch;
            let key = match &batch.key_change {
                None => None,
                Some(KeyChange::Create { id, wrapped }) => Some((id, wrapped.as_slice())),
                Some(KeyChange::Destroy { id }) => Some((id, TOMBSTONE)),
            };
            if let Some((id, value)) = key {
                self.keys.insert(id.as_str(), value).map_err(engine_error)?;
            }
            if let Some((key, value)) = &batch.idempotency {
                self.idempotency
                    .insert(key, value.as_slice())
                    .map_err(engine_error)?;
            }
        }
        for plan in planned {
            for (record, (_, stream_key)) in plan.batch.records.iter().zip(plan.entries) {
                let position = record.position.to_be_bytes();
                self.streams
                    .insert(stream_key.as_slice(), &position)
                    .map_err(engine_error)?;
            }
            let version = plan.last_version.to_be_bytes();
            self.heads
                .insert(plan.batch.stream.as_str(), &version)
                .map_err(engine_error)?;
        }
        let records = planned
            .iter()
            .flat_map(|plan| plan.batch.records.iter().zip(plan.entries));
        for (record, (value, _)) in records {
            let position = record.position;
            if !packing.packs(position) {
                self.records
                    .insert(position.to_be_bytes(), value.as_slice())
                    .map_err(engine_error)?;
                continue;
            }
            let block = layout::block_of(position);
            if position != layout::block_end(block) {
                continue;
            }
            let Some((_, packed)) = packing.blocks.iter().find(|(number, _)| *number == block)
            else {
                return Err(engine("a packed position has no block"));
            };
            self.record_blocks
                .insert(block.to_be_bytes(), packed.as_slice())
                .map_err(engine_error)?;
            let taken_over = packing
                .removed
                .iter()
                .filter(|earlier| layout::block_of(**earlier) == block);
            for earlier in taken_over {
                self.records
                    .remove(earlier.to_be_bytes())
                    .map_err(engine_error)?;
            }
        }
        Ok(())
    }
}
